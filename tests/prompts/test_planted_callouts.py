"""On planted truth: reviews call out the planted circumstances for the cases they affect.

``make_multiagency`` plants hidden circumstances of households (domestic abuse,
parental mental health, substance misuse, housing instability, neglect, the
protective ``support``, and a child under 2) that raise the rates of some
agencies' records (``truth.event_rates``), and noise event types that no
circumstance drives. :func:`advisory.datasets.planted_factor_roles` maps the
factors of the reference specification onto those rates.

For each circumstance and each informative factor it drives, this measures,
over the cases the circumstance affects (``truth.case_truth``), how often the
review lists the factor where the harm model's sign puts it (standing out, or
among the strengths for ``support``), both over all affected cases and over
those whose records hold the factor (a review lists only what was recorded, so
the difference between the two is the records', not the review's). For noise
factors it measures how often they are listed at all. Run with ``-s`` for the
table.
"""

from __future__ import annotations

import os

import numpy as np
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
def planted() -> dict[str, object]:
    data = make_multiagency(n_cases=N_CASES, seed=SEED)
    advisor = Advisor.from_definitions(reference_root(), model_params={"n_resamples": 4}).fit(data)
    reviews = advisor.review(data)
    factors = build_context(data, advisor.definitions).factors
    index = {case_id: i for i, case_id in enumerate(factors.index)}
    listed = {
        section: np.zeros(factors.shape, dtype=bool) for section in ("stands_out", "strength")
    }
    columns = {name: j for j, name in enumerate(factors.columns)}
    for review in reviews:
        for section, prompts in (("stands_out", review.stands_out), ("strength", review.strengths)):
            for prompt in prompts:
                listed[section][index[review.case_id], columns[prompt.factor]] = True
    return {
        "data": data,
        "spec": advisor.definitions.spec,
        "factors": factors,
        "listed": {
            k: pd.DataFrame(v, index=factors.index, columns=factors.columns)
            for k, v in listed.items()
        },
        "truth": data.truth.case_truth.set_index("case_id").reindex(factors.index),
    }


def _recorded(factors: pd.DataFrame, name: str) -> np.ndarray:
    column = factors[name]
    return (column.notna() if name == "child_age" else column > 0).to_numpy()


@pytest.fixture(scope="module")
def callouts(planted) -> pd.DataFrame:
    data, spec, factors = planted["data"], planted["spec"], planted["factors"]
    truth, listed = planted["truth"], planted["listed"]
    driven = _driven_factors(spec, data)
    rows = []
    for circumstance, names in driven.items():
        section = "stands_out" if data.truth.harm_model[circumstance] > 0 else "strength"
        affected = truth[circumstance].to_numpy(dtype=bool)
        for name in names:
            # cases no circumstance driving this factor affects: its base rate only
            drivers = [c for c, found in driven.items() if name in found]
            unaffected = ~truth[drivers].to_numpy(dtype=bool).any(axis=1)
            shown = listed[section][name].to_numpy()
            recorded = affected & _recorded(factors, name)
            rows.append(
                {
                    "circumstance": circumstance,
                    "factor": name,
                    "section": section,
                    "affected": int(affected.sum()),
                    "recorded": int(recorded.sum()),
                    "listed_of_affected": shown[affected].mean(),
                    "listed_of_recorded": shown[recorded].mean() if recorded.any() else np.nan,
                    "listed_of_unaffected": shown[unaffected].mean(),
                    "listed_anywhere": int(shown.sum()),
                }
            )
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("\nPlanted circumstances: how often the review lists the factors they drive")
        print(table.round(3).to_string(index=False))
    return table


def _recorded_harms(data: MultiAgencyData) -> list[str]:
    """Circumstances that raise harm and are seen through agencies' records (not age)."""
    return [
        c
        for c, coef in data.truth.harm_model.items()
        if c not in ("intercept", "child_under_2") and coef > 0
    ]


def test_each_harm_is_called_out_when_records_show_it(planted, callouts):
    """Affected cases recording a factor of the harm that the model uses: >= 70% list one.

    A factor the fitted model never lists for any case (no bootstrap-stable
    weight: ``listed_anywhere == 0`` in the table) cannot be called out by a
    review, so it is left out. The floor leaves room for cases whose only
    record is an indirect one that several circumstances share (a referral,
    an emergency attendance), which the model weighs less and lists only
    when its attribution is stable; on seeds 0-2 the lowest share was 0.75
    (neglect, seed 0), most were 0.9-1.0.
    """
    data, spec, factors = planted["data"], planted["spec"], planted["factors"]
    truth, listed = planted["truth"], planted["listed"]
    used = set(callouts.loc[callouts["listed_anywhere"] > 0, "factor"])
    driven = _driven_factors(spec, data)
    shares = {}
    for circumstance in _recorded_harms(data):
        names = [n for n in driven[circumstance] if n in used]
        assert names, circumstance
        affected = truth[circumstance].to_numpy(dtype=bool)
        any_recorded = affected & np.column_stack([_recorded(factors, n) for n in names]).any(1)
        any_listed = listed["stands_out"][names].to_numpy().any(axis=1)
        assert any_recorded.sum() >= 50, circumstance
        shares[circumstance] = any_listed[any_recorded].mean()
    print("\nAffected cases recording a factor of the harm the model uses: share listing one")
    print(pd.Series(shares).round(3).to_string())
    assert min(shares.values()) >= 0.7, shares


def test_the_direct_record_of_each_harm_stands_out_where_recorded(planted, callouts):
    """Each harm's best-listed factor stands out for >= 90% of affected cases recording it.

    The direct record of a harm (a domestic abuse notification, a mental
    health or substance misuse contact, a homelessness application, a missed
    appointment) carries a stable attribution, so nearly every affected case
    whose records hold it gets the prompt (1.0 on seeds 0-2).
    """
    harms = callouts[
        callouts["circumstance"].isin(_recorded_harms(planted["data"]))
        & (callouts["recorded"] >= 20)
    ]
    best = harms.groupby("circumstance")["listed_of_recorded"].max()
    assert set(best.index) == set(_recorded_harms(planted["data"]))
    assert (best >= 0.9).all(), best.to_dict()


def test_factors_are_called_out_more_for_the_cases_a_circumstance_affects(callouts):
    """Every factor listed at all is listed more often for affected cases than for others."""
    used = callouts[callouts["listed_anywhere"] >= 10]
    assert len(used) >= 10
    enriched = used["listed_of_affected"] > used["listed_of_unaffected"]
    assert enriched.all(), used.loc[~enriched, ["circumstance", "factor"]].to_dict("records")


def test_noise_factors_never_stand_out(planted):
    """Factors built only from noise event types stand out for at most 2% of cases.

    No circumstance drives them, so listing one as a concern would be a
    spurious prompt; the stability rule keeps them out (0 on seeds 0-2).
    They may appear among the strengths: "noise" in the rate table means no
    circumstance raises the rate, not that the factor is independent of harm
    (dental visits are recorded only from age 2, and a child under 2 is a
    planted harm), so that direction is shown, not bounded.
    """
    data, spec, factors = planted["data"], planted["spec"], planted["factors"]
    listed = planted["listed"]
    noise = [n for n, role in planted_factor_roles(spec, data.truth).items() if role == "noise"]
    assert len(noise) >= 3
    rows = []
    for name in noise:
        shown = listed["stands_out"][name].to_numpy() | listed["strength"][name].to_numpy()
        recorded = _recorded(factors, name)
        rows.append(
            {
                "factor": name,
                "recorded": int(recorded.sum()),
                "stands_out_of_all": listed["stands_out"][name].mean(),
                "strength_of_all": listed["strength"][name].mean(),
                "listed_of_recorded": shown[recorded].mean(),
            }
        )
    table = pd.DataFrame(rows)
    print("\nNoise factors: how often the review lists them")
    print(table.round(3).to_string(index=False))
    assert (table["recorded"] >= 100).all()
    assert (table["stands_out_of_all"] <= 0.02).all(), table.to_dict("records")
