"""Ground truth on real case context: planted factors lead, noise is not called out.

Measure the figures with ``python -m pytest tests/explain/test_ground_truth.py -s``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from advisory.explain import explain
from advisory.models import AdditiveBoostingClassifier, ScorecardClassifier

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def context():
    from advisory.context import build_context
    from advisory.datasets import make_multiagency, planted_factor_roles
    from advisory.definitions import load_definitions, reference_root

    data = make_multiagency(20_000, seed=11)
    definitions = load_definitions(reference_root())
    X = build_context(data, definitions).factors
    y = data.cases.set_index("case_id")["outcome"].loc[X.index]
    roles = planted_factor_roles(definitions.spec, data.truth)
    return X, y, roles, definitions.spec


def _measure(cls, context, **params):
    X, y, roles, spec = context
    model = cls.from_spec(spec, n_resamples=30, random_state=0, **params).fit(X, y)
    expl = explain(model, X)
    informative = [f for f, r in roles.items() if r == "informative"]
    noise = [f for f, r in roles.items() if r == "noise"]
    top = set(expl.importance().index[: len(informative)])
    recall = len(top & set(informative)) / len(informative)
    called_out = pd.DataFrame(expl.reliable, columns=expl.factor_names)[noise].mean()
    print(f"\n{cls.__name__}: recall {recall:.3f}; noise call-out {called_out.round(4).to_dict()}")
    return recall, called_out


@pytest.fixture(scope="module")
def boosting(context):
    return _measure(AdditiveBoostingClassifier, context)


@pytest.fixture(scope="module")
def scorecard(context):
    return _measure(ScorecardClassifier, context)


def test_boosting_recovers_planted_factors(boosting):
    recall, _ = boosting
    assert recall >= 0.9  # measured 1.000 (17 of 17)


def test_boosting_does_not_call_out_noise(boosting):
    _, called_out = boosting
    assert (called_out < 0.05).all(), called_out  # measured 0 for all four


def test_scorecard_does_not_call_out_noise(scorecard):
    _, called_out = scorecard
    # Measured 0 for all four: the cross-validated group penalty removes each
    # noise factor entirely (before it, household_repairs_requests was called
    # out for 5.3% of cases on one bin of 1,052 cases).
    assert (called_out <= 0.01).all(), called_out


def test_scorecard_recovers_planted_factors(scorecard):
    recall, _ = scorecard
    # Measured 0.941 (16 of 17; before the cross-validated penalty, 0.82). The
    # miss is child_missing_person_reports (1.4% of cases non-zero), whose
    # weights cross-validation does not support: it is removed.
    assert recall >= 0.9
