"""Drift flags the planted shift and not the unshifted period; limits come from the policy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import DefinitionError, InputError, ParameterError
from advisory._result import JsonResult
from advisory.datasets import simulate_oversight
from advisory.definitions import DriftLimits, load_audit_policy, reference_root
from advisory.definitions._audit_policy import parse_audit_policy
from advisory.oversight import drift


@pytest.fixture(scope="module")
def factors() -> pd.DataFrame:
    return simulate_oversight(3, seed=7).factors


def _period(f: pd.DataFrame, name: str) -> pd.DataFrame:
    return f[f["period"] == name].drop(columns=["case_id", "period"])


def _check(factors: pd.DataFrame, period: str, **kw: Any) -> Any:
    policy = load_audit_policy(reference_root() / "fairness" / "reference.toml")
    return drift(_period(factors, "audited"), _period(factors, period), policy=policy,
                 expected="expected", outcome="outcome", **kw)  # fmt: skip


def test_the_planted_shift_is_flagged_and_the_unshifted_period_is_not(
    factors: pd.DataFrame,
) -> None:
    truth = simulate_oversight(3, seed=7).truth
    shifted = _check(factors, truth["shifted_period"])
    assert shifted.reaudit_due
    assert shifted.flagged_factors == (truth["shifted_factor"],)
    assert shifted.calibration is not None and shifted.calibration.beyond_limit
    assert shifted.statement.startswith("A re-audit is due under the audit policy")
    assert truth["shifted_factor"] in shifted.statement
    calm = _check(factors, "later_unshifted")
    assert not calm.reaudit_due and calm.flagged_factors == ()
    assert calm.calibration is not None and not calm.calibration.beyond_limit
    assert calm.statement.startswith("No re-audit is due")
    table = calm.stability
    assert (table["low"] <= table["population_stability"]).all()
    assert (table["population_stability"] <= table["high"]).all()
    assert set(calm.to_dict()) >= {"stability", "calibration", "reaudit_due", "statement"}
    assert isinstance(calm, JsonResult) and len(calm.to_frame()) == len(table)
    assert calm.to_dict()["confidence"] == 0.95  # the reference policy's confidence_level


def test_psi_matches_the_textbook_formula_on_a_two_value_factor() -> None:
    audited = pd.DataFrame({"f": [0] * 500 + [1] * 500})
    new = pd.DataFrame({"f": [0] * 200 + [1] * 800})
    row = drift(audited, new, n_boot=100).stability.iloc[0]
    p = np.array([500.5, 500.5, 0.5, 0.5]) / 1002
    q = np.array([200.5, 800.5, 0.5, 0.5]) / 1002
    assert row["population_stability"] == pytest.approx(float(((q - p) * np.log(q / p)).sum()))


def test_unseen_and_missing_values_count_as_movement() -> None:
    audited = pd.DataFrame({"f": ["a", "b"] * 300})
    new = pd.DataFrame({"f": ["a", "c"] * 150 + [None] * 300})
    check = drift(audited, new, n_boot=100)
    assert check.reaudit_due and check.flagged_factors == ("f",)


def test_too_few_new_cases_are_not_judged(factors: pd.DataFrame) -> None:
    shifted = _period(factors, "later_shifted").head(50)
    check = drift(_period(factors, "audited"), shifted, policy=DriftLimits(min_new_cases=200))
    assert not check.reaudit_due
    assert check.statement.startswith("Drift is not judged yet: 50 new cases")


def test_bad_input(factors: pd.DataFrame) -> None:
    audited = _period(factors, "audited")
    with pytest.raises(InputError, match="no factor column 'nope'"):
        drift(audited, audited, factors=["nope"])
    with pytest.raises(InputError, match="non-empty DataFrame"):
        drift(audited, audited.iloc[:0])
    with pytest.raises(ParameterError, match="n_boot"):
        drift(audited, audited, n_boot=5)
    with pytest.raises(ParameterError, match="policy"):
        drift(audited, audited, policy="strict")  # type: ignore[arg-type]


_POLICY = """
schema_version = 1
[drift]
{drift}
[[attributes]]
name = "sex"
column = "sex"
reference_group = "majority"
description = "Recorded sex."
"""


def test_the_policy_reads_and_validates_its_drift_limits() -> None:
    policy = parse_audit_policy(_POLICY.format(drift="population_stability_limit = 0.1"))
    assert policy.drift == DriftLimits(population_stability_limit=0.1)
    with pytest.raises(DefinitionError, match=r"drift.calibration_limit must be a number above 0"):
        parse_audit_policy(_POLICY.format(drift="calibration_limit = 1.5"))
    with pytest.raises(DefinitionError, match="min_new_cases must be an integer >= 10"):
        parse_audit_policy(_POLICY.format(drift="min_new_cases = 3"))
    with pytest.raises(DefinitionError, match="unknown key 'psi'"):
        parse_audit_policy(_POLICY.format(drift="psi = 0.2"))
    reference = load_audit_policy(reference_root() / "fairness" / "reference.toml")
    assert reference.drift == DriftLimits()
