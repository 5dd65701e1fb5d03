"""The planted structure is measurable from the records themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisory.datasets import MultiAgencyData, make_multiagency


def _covered_years(data: MultiAgencyData, agency: str) -> pd.Series:
    cov = data.coverage
    cov = cov[(cov["agency"] == agency) & (cov["status"] == "available")]
    days = (cov["end_date"] - cov["start_date"]).dt.days + 1
    return (days / 365.25).groupby(cov["person_id"]).sum()


def _rate_ratio(data: MultiAgencyData, agency: str, event_types: set[str], role: str) -> float:
    """Events per covered person-year, bias group over others, among people
    of households with none of the circumstances that drive these events."""
    truth = data.truth
    quiet = truth.circumstances.query(
        "not domestic_abuse and not substance_misuse and not neglect and not parental_mental_health"
    )["household_id"]
    members = data.memberships[data.memberships["household_id"].isin(quiet)]["person_id"]
    people = data.people.set_index("person_id").loc[members.unique()]
    people = people[people["role"] == role]
    years = _covered_years(data, agency).reindex(people.index).fillna(0.0)
    events = data.events[
        (data.events["agency"] == agency) & data.events["event_type"].isin(event_types)
    ]
    counts = events.groupby("person_id").size().reindex(people.index, fill_value=0)
    in_group = people["ethnicity"] == truth.recording_bias["group"]
    rate_group = counts[in_group].sum() / years[in_group].sum()
    rate_others = counts[~in_group].sum() / years[~in_group].sum()
    return float(rate_group / rate_others)


def test_recording_bias_rate_ratio_is_recovered_for_police(large_records):
    ratio = _rate_ratio(large_records, "police", {"arrest", "domestic_abuse_notification"}, "adult")
    assert ratio == pytest.approx(large_records.truth.recording_bias["rate_ratio"], rel=0.2)


def test_recording_bias_rate_ratio_is_recovered_for_childrens_social_care(large_records):
    ratio = _rate_ratio(
        large_records, "childrens_social_care", {"assessment", "child_in_need_plan"}, "child"
    )
    assert ratio == pytest.approx(large_records.truth.recording_bias["rate_ratio"], rel=0.2)


def test_unbiased_agencies_record_at_equal_rates(large_records):
    ratio = _rate_ratio(large_records, "housing", {"repairs_request"}, "adult")
    assert ratio == pytest.approx(1.0, abs=0.15)


def test_recording_bias_switched_off_gives_equal_rates():
    data = make_multiagency(n_cases=30_000, seed=5, recording_bias=1.0)
    assert not data.truth.recording_bias["enabled"]
    ratio = _rate_ratio(data, "police", {"arrest", "domestic_abuse_notification"}, "adult")
    assert ratio == pytest.approx(1.0, abs=0.15)


def _label_ratio(data: MultiAgencyData) -> float:
    harmed = data.truth.case_truth[data.truth.case_truth["true_harm"]]
    recorded = harmed.groupby("bias_group")["outcome"].mean()
    return float(recorded[True] / recorded[False])


def test_label_bias_is_recovered(large_records):
    assert _label_ratio(large_records) == pytest.approx(
        large_records.truth.label_bias["ratio"], rel=0.2
    )


def test_label_bias_switched_off():
    data = make_multiagency(n_cases=30_000, seed=5, label_bias=1.0)
    assert _label_ratio(data) == pytest.approx(1.0, abs=0.2)


def test_outcome_follows_the_documented_harm_model(large_records):
    cases = large_records.truth.case_truth
    logit = cases["harm_logit"].to_numpy()
    expected = 1 / (1 + np.exp(-logit))
    assert cases["true_harm"].mean() == pytest.approx(expected.mean(), abs=0.01)
    for circumstance in ("domestic_abuse", "neglect", "substance_misuse"):
        with_it = cases.loc[cases[circumstance], "true_harm"].mean()
        without = cases.loc[~cases[circumstance], "true_harm"].mean()
        assert with_it > 2 * without, circumstance


def test_informative_events_are_more_frequent_with_their_circumstance(records):
    truth = records.truth
    abusers = truth.circumstances["perpetrator_id"].dropna()
    notifications = records.events[records.events["event_type"] == "domestic_abuse_notification"]
    adults = records.people.query("role == 'adult'")["person_id"]
    per_person = notifications.groupby("person_id").size().reindex(adults, fill_value=0)
    assert (
        per_person[per_person.index.isin(abusers)].mean()
        > 5 * per_person[~per_person.index.isin(abusers)].mean()
    )


def test_event_rate_table_marks_noise(records):
    table = records.truth.event_rates
    roles = dict(zip(table["event_type"] + "/" + table["who"], table["role"], strict=True))
    assert roles["dental_visit/child"] == "noise"
    assert roles["repairs_request/adult"] == "noise"
    assert roles["domestic_abuse_notification/adult"] == "informative"


def test_no_health_events_for_unregistered_households(records):
    gaps = records.truth.gaps
    no_gp = gaps.loc[gaps["kind"] == "no_gp_registration", "person_id"]
    assert len(no_gp) > 0
    health = records.events[records.events["agency"] == "health"]
    assert not health["person_id"].isin(no_gp).any()
    coverage = records.coverage.set_index(["person_id", "agency"])
    statuses = coverage.loc[[(p, "health") for p in no_gp], "status"]
    assert statuses.isin(["unavailable", "unmatched"]).all()
    assert (statuses == "unavailable").mean() > 0.9


def test_no_police_events_in_the_outage(records):
    gap = records.truth.gaps.query("kind == 'area_outage'").iloc[0]
    in_area = records.people.loc[records.people["area"] == gap["area"], "person_id"]
    police = records.events[
        (records.events["agency"] == "police") & records.events["person_id"].isin(in_area)
    ]
    inside = police["date"].between(gap["start_date"], gap["end_date"])
    assert len(police) > 0
    assert not inside.any()
    outage = records.coverage[
        records.coverage["person_id"].isin(in_area)
        & (records.coverage["agency"] == "police")
        & (records.coverage["status"] == "unavailable")
    ]
    assert (outage["start_date"] >= gap["start_date"]).all()
    assert (outage["end_date"] == gap["end_date"]).all()


def test_unmatched_partners_have_no_police_or_health_events(records):
    unmatched = records.truth.gaps.query("kind == 'unmatched'")["person_id"].unique()
    assert len(unmatched) > 0
    partners = records.relationships.query("relationship == 'partner_of_parent'")["other_id"]
    assert set(unmatched) <= set(partners)
    events = records.events[records.events["person_id"].isin(unmatched)]
    assert not events["agency"].isin(["police", "health"]).any()


def test_stale_housing_extract(records):
    gap = records.truth.gaps.query("kind == 'stale_extract'").iloc[0]
    in_area = records.people.loc[records.people["area"] == gap["area"], "person_id"]
    housing = records.events[
        (records.events["agency"] == "housing") & records.events["person_id"].isin(in_area)
    ]
    assert housing["date"].max() < gap["start_date"]


def test_the_case_referral_and_outcome_are_in_the_records(records):
    cases = records.cases
    events = records.events
    referrals = events[events["event_type"] == "referral"]
    opened = cases.merge(
        referrals, left_on=["person_id", "reference_date"], right_on=["person_id", "date"]
    )
    assert opened["case_id"].nunique() == len(cases)
    plans = events[events["event_type"] == "child_protection_plan"]
    later = cases[cases["outcome"] == 1].merge(plans, on="person_id")
    within = later[
        (later["date"] > later["reference_date"])
        & (later["date"] <= later["reference_date"] + pd.Timedelta(days=365))
    ]
    assert within["case_id"].nunique() == (cases["outcome"] == 1).sum()
