"""On planted truth: briefs ask about the planted circumstances for the cases they affect.

``make_multiagency`` plants hidden circumstances of households (domestic abuse,
parental mental health, substance misuse, housing instability, neglect, ...)
that raise the rates of some agencies' records (``truth.event_rates``), and
noise event types that no circumstance drives. A v2 brief asks two questions
about recorded circumstances chosen by exact SHAP values, so for each
circumstance this measures how often a brief asks about a factor it drives,
for the cases it affects and for the others. Run with ``-s`` for the table.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import pytest

from advisory import Advisor
from advisory.context import build_context
from advisory.datasets import MultiAgencyData, make_multiagency, planted_factor_roles
from advisory.definitions import ModelSpec, reference_root

pytestmark = pytest.mark.slow

N_CASES = 3_000
SEED = int(os.environ.get("ADVISORY_PLANTED_SEED", "0"))  # to check other seeds by hand
# who a factor counts -> who rows of the planted rate table it reads
_PEOPLE = {"child": ("child",), "household_adults": ("adult",), "household": ("child", "adult")}


def _driven_factors(spec: ModelSpec, data: MultiAgencyData) -> dict[str, list[str]]:
    """Informative factors each planted circumstance drives, through the rate table."""
    rates, roles = data.truth.event_rates, planted_factor_roles(spec, data.truth)
    out: dict[str, list[str]] = {}
    for circumstance in data.truth.harm_model:
        if circumstance == "intercept":
            continue
        if circumstance == "child_under_2":
            out[circumstance] = [f.name for f in spec.factors if f.kind == "child_age"]
            continue
        drivers = [c for c in (circumstance, f"{circumstance}_victim") if c in rates.columns]
        driven = rates[(rates[drivers] > 0).any(axis=1)]
        out[circumstance] = [
            f.name
            for f in spec.factors
            if f.kind == "events"
            and roles[f.name] == "informative"
            and (
                (driven["agency"] == f.source)
                & driven["event_type"].isin(f.event_types)
                & driven["who"].isin(_PEOPLE.get(f.who, ()))
            ).any()
        ]
    return out


@pytest.fixture(scope="module")
def planted() -> dict[str, Any]:
    data = make_multiagency(n_cases=N_CASES, seed=SEED)
    advisor = Advisor.from_definitions(reference_root(), model_params={"n_resamples": 4}).fit(data)
    context = build_context(data, advisor.definitions)
    asked = advisor._builder(data, context).asked(context)
    truth = data.truth.case_truth.set_index("case_id").reindex(asked.index)
    return {"data": data, "spec": advisor.definitions.spec, "asked": asked, "truth": truth}


def test_briefs_ask_about_each_harm_more_for_the_cases_it_affects(planted: dict[str, Any]) -> None:
    data, spec, asked, truth = planted["data"], planted["spec"], planted["asked"], planted["truth"]
    driven = _driven_factors(spec, data)
    rows = []
    for circumstance, names in driven.items():
        coefficient = data.truth.harm_model[circumstance]
        if circumstance in ("intercept", "child_under_2") or coefficient <= 0 or not names:
            continue  # the harms seen through agencies' records
        affected = truth[circumstance].to_numpy(dtype=bool)
        any_asked = asked[names].to_numpy().any(axis=1)
        rows.append(
            {
                "circumstance": circumstance,
                "affected": int(affected.sum()),
                "asked_of_affected": any_asked[affected].mean(),
                "asked_of_others": any_asked[~affected].mean(),
            }
        )
    table = pd.DataFrame(rows)
    print("\nPlanted circumstances: share of briefs asking about a factor they drive")
    print(table.round(3).to_string(index=False))
    big = table[table["affected"] >= 50]
    assert len(big) >= 4
    assert (big["asked_of_affected"] > big["asked_of_others"]).all(), big.to_dict("records")


def test_noise_factors_are_rarely_asked_about(planted: dict[str, Any]) -> None:
    roles = planted_factor_roles(planted["spec"], planted["data"].truth)
    noise = [name for name, role in roles.items() if role == "noise"]
    assert len(noise) >= 3
    shares = planted["asked"][noise].mean()
    print("\nNoise factors: share of briefs asking about them")
    print(shares.round(3).to_string())
    assert (shares <= 0.1).all(), shares.to_dict()
