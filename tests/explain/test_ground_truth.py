"""Ground truth on real case context, over several seeds: what a model must recover.

The generator plants circumstances (domestic abuse, neglect, ...) that drive both
the outcome and the records of several agencies. What the tests expect, honestly:

- every planted circumstance is recovered through at least one of its **direct
  records** (:func:`advisory.datasets._planted.direct_records`: factors driven by
  that circumstance alone), which carries a real share of the model's attribution;
- other records of the same circumstance are **redundant** given it and may get no
  weight (on seed 3 rent arrears, health-visitor contacts and missing-person
  reports do, because housing instability, early help and missed appointments
  carry their circumstances better); they are printed, not asserted;
- noise factors are never called out, and factors driven by some planted
  circumstance carry nearly all of the attribution.

Measure the figures with ``python -m pytest tests/explain/test_ground_truth.py -s``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from advisory.explain import explain
from advisory.models import AdditiveBoostingClassifier, ScorecardClassifier

pytestmark = pytest.mark.slow

SEEDS = (3, 7, 11)
N_CASES = 20_000
MODELS: dict[str, Any] = {
    "boosting": AdditiveBoostingClassifier,
    "scorecard": ScorecardClassifier,
}


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def context(request):
    from advisory.context import build_context
    from advisory.datasets import make_multiagency, planted_factor_roles
    from advisory.datasets._planted import direct_records
    from advisory.definitions import load_definitions, reference_root

    data = make_multiagency(N_CASES, seed=request.param)
    definitions = load_definitions(reference_root())
    X = build_context(data, definitions).factors
    y = data.cases.set_index("case_id")["outcome"].loc[X.index]
    spec = definitions.spec
    roles = planted_factor_roles(spec, data.truth)
    return request.param, X, y, spec, roles, direct_records(spec, data.truth)


@pytest.fixture(scope="module", params=list(MODELS))
def measured(request, context) -> dict[str, Any]:
    seed, X, y, spec, roles, direct = context
    model = MODELS[request.param].from_spec(spec, n_resamples=10, random_state=0).fit(X, y)
    expl = explain(model, X)
    share = expl.importance() / expl.importance().sum()
    called_out = pd.DataFrame(expl.reliable, columns=expl.factor_names).mean()
    redundant = sorted(f for names in direct.values() for f in names if share[f] == 0)
    print(
        f"\nseed {seed} {request.param}: share per circumstance (best direct record) "
        f"{ {c: round(float(share[list(n)].max()), 3) for c, n in direct.items()} }; "
        f"redundant (no weight): {redundant}"
    )
    return {"share": share, "called_out": called_out, "roles": roles, "direct": direct}


def test_every_planted_circumstance_is_recovered_through_a_direct_record(measured):
    share, direct = measured["share"], measured["direct"]
    assert all(direct.values()), direct  # each circumstance has a direct record to find
    best = {c: float(share[list(names)].max()) for c, names in direct.items()}
    # measured 0.057 at the least (support, seed 11, boosting) over seeds 3, 7, 11 and both
    assert min(best.values()) >= 0.02, best


def test_noise_is_never_called_out(measured):
    noise = [f for f, r in measured["roles"].items() if r == "noise"]
    assert len(noise) == 4
    called_out = measured["called_out"][noise]
    assert (called_out <= 0.01).all(), called_out  # measured 0 for all four


def test_planted_factors_carry_nearly_all_the_attribution(measured):
    planted = [f for f, r in measured["roles"].items() if r == "informative"]
    assert float(measured["share"][planted].sum()) >= 0.85, measured["share"].round(3)
