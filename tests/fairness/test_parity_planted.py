"""On planted truth: parity detects the recording bias, is quiet without it; proxies found.

``make_multiagency`` plants a recording bias: police and children's social care
record the same circumstances of Black families' households 1.6 times as often
(``truth.recording_bias``). A model fitted on those records leans more on
those agencies' factors for Black children, which attribution parity should
show; with the bias switched off it should raise no more alarms than its
nominal rate. The generator also makes disabled children attend emergency
departments more often (a ``disability`` driver in ``truth.event_rates``),
which the proxy audit should find as the factor carrying disability.
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import Advisor
from advisory.datasets import MultiAgencyData, Truth, make_multiagency
from advisory.definitions import ModelSpec, reference_root
from advisory.fairness._parity import parity_audit
from advisory.fairness._proxies import PREDICTS, proxy_audit

pytestmark = pytest.mark.slow

N_CASES = 6_000
HIGHER = "higher than the reference group"
NO_DIFFERENCE = "insufficient evidence of a difference"


def _biased_factors(spec: ModelSpec, truth: Truth) -> list[str]:
    """Factors counting event types the planted recording bias inflates."""
    inflated = {tuple(pair) for pair in truth.recording_bias["event_types"]}
    return [
        f.name
        for f in spec.factors
        if f.kind == "events" and any((f.source, e) in inflated for e in f.event_types)
    ]


def _disability_factors(spec: ModelSpec, truth: Truth) -> list[str]:
    """Factors counting child events whose planted rate rises with disability."""
    rates = truth.event_rates
    driven = rates[(rates["disability"] > 0) & (rates["who"] == "child")]
    pairs = set(zip(driven["agency"], driven["event_type"], strict=True))
    return [
        f.name
        for f in spec.factors
        if f.kind == "events"
        and f.who == "child"
        and any((f.source, e) in pairs for e in f.event_types)
    ]


def _fit(data: MultiAgencyData) -> Advisor:
    advisor = Advisor.from_definitions(reference_root(), model_params={"n_resamples": 4})
    return advisor.fit(data)


def _inputs(
    advisor: Advisor, data: MultiAgencyData, *, reviews: bool
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """Factors, attributions, what the reviews ask about, and the child's groups."""
    context = advisor.index(data).context(None)
    factors = context.factors
    attributions = advisor.explainer_.explain(factors).to_frame()
    mentions = None
    if reviews:
        mentions = pd.DataFrame(False, index=factors.index, columns=factors.columns)
        for review in advisor.review(context):
            for question in review.questions:
                if question.kind != "general":
                    mentions.loc[review.case_id, question.factor] = True
    people = data.people.set_index("person_id")
    child = data.cases.set_index("case_id")["person_id"].reindex(factors.index)
    sensitive = pd.DataFrame(
        {
            "ethnicity": child.map(people["ethnicity"]).to_numpy(),
            "disability": np.where(child.map(people["disability"]).to_numpy(bool), "yes", "no"),
        },
        index=factors.index,
    )
    return factors, attributions, mentions, sensitive


def _used(attributions: pd.DataFrame, names: list[str]) -> list[str]:
    """Factors the model actually uses (attribution not zero everywhere)."""
    return [f for f in names if bool((attributions[f].abs() > 1e-12).any())]


@pytest.fixture(scope="module")
def biased() -> dict[str, Any]:
    data = make_multiagency(N_CASES, seed=0, label_bias=1.0)  # recording bias on (1.6)
    advisor = _fit(data)
    factors, attributions, mentions, sensitive = _inputs(advisor, data, reviews=True)
    return {
        "data": data,
        "advisor": advisor,
        "factors": factors,
        "attributions": attributions,
        "mentions": mentions,
        "sensitive": sensitive,
    }


def _black_cells(result: Any, section: str, names: list[str], group: str) -> Any:
    frame = result.to_frame()
    rows = (
        (frame["section"] == section)
        & (frame["attribute"] == "ethnicity")
        & (frame["group"] == group)
        & frame["factor"].isin(names)
    )
    columns = ["factor", "difference", "difference_lower", "difference_upper", "assessment"]
    return frame.loc[rows, columns].set_index("factor")


def test_attribution_parity_detects_the_planted_recording_bias(biased: dict[str, Any]) -> None:
    data: MultiAgencyData = biased["data"]
    spec = biased["advisor"].definitions.spec
    group = data.truth.recording_bias["group"]
    assert group == "Black" and data.truth.recording_bias["enabled"]
    names = _used(biased["attributions"], _biased_factors(spec, data.truth))
    result = parity_audit(
        biased["attributions"], biased["mentions"], biased["sensitive"][["ethnicity"]]
    )
    attribution = _black_cells(result, "attribution", names, group)
    callouts = _black_cells(result, "callouts", names, group)
    print(f"\nreference group: {result.references['ethnicity']}; {group} children, biased factors")
    print("attribution (log-odds):\n" + attribution.to_string())
    print("call-out rate:\n" + callouts.to_string())
    assert len(names) >= 3, names
    # every biased factor the model uses leans more on the group's records, and
    # most of them clearly so; none leans less
    assert (attribution["difference"] > 0).all()
    assert (attribution["assessment"] == HIGHER).sum() > len(names) / 2
    assert "lower than the reference group" not in set(attribution["assessment"])
    assert attribution.loc["child_prior_referrals", "assessment"] == HIGHER
    assert attribution.loc["adult_arrests", "assessment"] == HIGHER


def test_proxy_audit_finds_the_planted_disability_driver(biased: dict[str, Any]) -> None:
    data: MultiAgencyData = biased["data"]
    spec = biased["advisor"].definitions.spec
    expected = _disability_factors(spec, data.truth)
    assert expected == ["child_emergency_attendances"]
    result = proxy_audit(
        biased["factors"], biased["sensitive"], attributions=biased["attributions"]
    )
    frame = result.to_frame()
    print("\n" + frame[["attribute", "group", "n", "auc", "auc_lower", "auc_upper"]].to_string())
    print(frame[["attribute", "group", "carriers", "strengths", "attribution_share"]].to_string())
    for entry in result.to_dict()["entries"]:
        if entry["attribute"] == "disability":
            assert entry["assessment"] == PREDICTS
            assert [c["factor"] for c in entry["carriers"]][:1] == expected
            assert entry["attribution_share"] is not None


def test_no_more_alarms_than_nominal_without_the_bias() -> None:
    """Bias off: alarms on the same factor x group cells at about the nominal 5%.

    One model is fitted on unbiased records and audited on three independent
    unbiased data sets. The cells are the Black group's attribution
    differences on the factors the bias would inflate (those the model uses).
    At a nominal 5% per cell and up to 5 cells per data set, at most 15 cells
    are tested; if each alarms with probability 0.05, four or more alarms
    happen with probability under 1%, so more than three alarms means the
    intervals are too narrow. (A cell's alarms across data sets are
    independent; cells within one data set share the reference group, which
    is large, so they are close to independent.)
    """
    fitted = make_multiagency(N_CASES, seed=100, recording_bias=1.0, label_bias=1.0)
    advisor = _fit(fitted)
    spec = advisor.definitions.spec
    alarms = tested = alarms_all = tested_all = 0
    for seed in (100, 101, 102):
        data = (
            fitted
            if seed == 100
            else make_multiagency(N_CASES, seed=seed, recording_bias=1.0, label_bias=1.0)
        )
        assert not data.truth.recording_bias["enabled"]
        _, attributions, _, sensitive = _inputs(advisor, data, reviews=False)
        names = _used(attributions, _biased_factors(spec, data.truth))
        result = parity_audit(attributions, None, sensitive[["ethnicity"]], random_state=seed)
        black = _black_cells(result, "attribution", names, "Black")
        print(f"\nseed {seed}:\n" + black.to_string())
        alarms += int((black["assessment"] != NO_DIFFERENCE).sum())
        tested += len(black)
        frame = result.to_frame()
        cells = frame[(frame["section"] == "attribution") & frame["factor"].isin(names)]
        cells = cells[~cells["suppressed"]]
        alarms_all += int((cells["assessment"] != NO_DIFFERENCE).sum())
        tested_all += len(cells)
    print(
        f"alarms without the bias: Black x biased factors {alarms}/{tested}; "
        f"every group x biased factors {alarms_all}/{tested_all} "
        f"({alarms_all / max(tested_all, 1):.1%}, nominal 5%)"
    )
    assert tested >= 9
    assert alarms <= 3
