"""Bad input fails with a clear message, never a silent drop."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from advisory._errors import InputError, ParameterError
from advisory.definitions import load_definitions, reference_root
from advisory.fairness import audit

RNG = np.random.default_rng(0)
N = 200
SCORES = RNG.uniform(size=N)
Y = (RNG.uniform(size=N) < SCORES).astype(int)
GROUPS = pd.DataFrame({"sex": RNG.choice(["F", "M"], N)})


def test_length_mismatch() -> None:
    with pytest.raises(InputError, match="scores has shape \\(199,\\) but y_true has 200"):
        audit(Y, SCORES[:-1], GROUPS)
    with pytest.raises(InputError, match="sensitive_features has 199 rows but y_true has 200"):
        audit(Y, SCORES, GROUPS.iloc[:-1])
    with pytest.raises(InputError, match="predictions has 10 values but y_true has 200"):
        audit(Y, SCORES, GROUPS, predictions=np.ones(10))


def test_non_binary_labels() -> None:
    with pytest.raises(InputError, match=r"y_true must hold only 0 and 1.*found \['2'\]"):
        audit(np.where(Y == 1, 2, 0), SCORES, GROUPS)


def test_scores_outside_unit_interval() -> None:
    with pytest.raises(
        InputError, match=r"scores must be probabilities in \[0, 1\]; found \[1.5\]"
    ):
        audit(Y, np.r_[SCORES[:-1], 1.5], GROUPS)
    with pytest.raises(InputError, match="scores has 1 missing or infinite values"):
        audit(Y, np.r_[SCORES[:-1], np.nan], GROUPS)
    with pytest.raises(InputError, match="score_kind='ordinal'"):
        audit(Y, np.r_[SCORES[:-1], 7], GROUPS)


def test_one_group_column() -> None:
    with pytest.raises(InputError, match="column 'sex' has only one group \\('F'\\)"):
        audit(Y, SCORES, pd.DataFrame({"sex": ["F"] * N}))


def test_missing_sensitive_values() -> None:
    groups = GROUPS.copy()
    groups.loc[3, "sex"] = None
    with pytest.raises(InputError, match="column 'sex' has 1 missing values; record them"):
        audit(Y, SCORES, groups)


def test_reference_group_that_does_not_exist() -> None:
    with pytest.raises(ParameterError, match=r"reference_group.*got 'X' instead"):
        audit(Y, SCORES, GROUPS, reference_groups={"sex": "X"}, n_boot=20)
    with pytest.raises(ParameterError, match="'reference_groups' parameter of audit"):
        audit(Y, SCORES, GROUPS, reference_groups={"age": "old"}, n_boot=20)


def test_policy_and_keywords_are_not_mixed() -> None:
    policy = load_definitions(reference_root()).policy
    with pytest.raises(ParameterError, match="'n_boot' parameter of audit must be left unset"):
        audit(Y, SCORES, GROUPS, policy=policy, n_boot=50)


def test_policy_columns_must_exist() -> None:
    policy = load_definitions(reference_root()).policy
    with pytest.raises(InputError, match="no column 'ethnicity' \\(attribute 'ethnicity'\\)"):
        audit(Y, SCORES, GROUPS, policy=policy)


def test_policy_drives_the_audit() -> None:
    policy = load_definitions(reference_root()).policy
    rng = np.random.default_rng(1)
    groups = pd.DataFrame(
        {a.column: rng.choice(["g1", "g2"], N, p=[0.6, 0.4]) for a in policy.attributes}
    )
    small = dataclasses.replace(policy, n_boot=30)
    result = audit(Y, SCORES, groups, policy=small)
    assert result.n_boot == 30
    assert "ethnicity x disability" in result.attributes
    assert result.operating_point is None
    assert "selection_rate" not in result.metrics


def test_bad_metric_name() -> None:
    result = audit(Y, SCORES, GROUPS, n_boot=20)
    with pytest.raises(ParameterError, match="'metric' parameter of Audit methods"):
        result.by_group("accuracy")  # type: ignore[arg-type]


def test_metric_type_names_exactly_the_metrics_an_audit_computes():
    import typing

    from advisory.fairness._metrics import METRICS, Metric

    assert set(typing.get_args(Metric)) == set(METRICS)
    assert len(METRICS) == len(set(METRICS))
