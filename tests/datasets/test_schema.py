"""Tables, types and referential integrity of the synthetic records."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from advisory.datasets import AGENCIES, ETHNICITIES, EVENT_TYPES, make_multiagency

COLUMNS = {
    "people": [
        "person_id",
        "role",
        "birth_date",
        "sex",
        "ethnicity",
        "disability",
        "area",
        "deprivation_decile",
    ],
    "memberships": ["person_id", "household_id", "start_date", "end_date"],
    "relationships": ["person_id", "other_id", "relationship"],
    "events": ["event_id", "person_id", "agency", "event_type", "date"],
    "coverage": ["person_id", "agency", "start_date", "end_date", "status", "reason"],
    "cases": ["case_id", "person_id", "reference_date", "outcome"],
}


def test_tables_have_documented_columns(records):
    for name, columns in COLUMNS.items():
        assert list(getattr(records, name).columns) == columns, name


def test_date_columns_are_datetimes(records):
    for table, column in [
        ("people", "birth_date"),
        ("events", "date"),
        ("cases", "reference_date"),
        ("coverage", "start_date"),
        ("memberships", "end_date"),
    ]:
        assert pd.api.types.is_datetime64_any_dtype(getattr(records, table)[column])


def test_ids_are_unique(records):
    assert records.people["person_id"].is_unique
    assert records.events["event_id"].is_unique
    assert records.cases["case_id"].is_unique


def test_every_reference_points_at_a_known_person(records):
    known = set(records.people["person_id"])
    for table, column in [
        ("events", "person_id"),
        ("coverage", "person_id"),
        ("memberships", "person_id"),
        ("relationships", "person_id"),
        ("relationships", "other_id"),
        ("cases", "person_id"),
    ]:
        assert set(getattr(records, table)[column]) <= known, (table, column)


def test_cases_are_children_at_their_reference_date(records):
    people = records.people.set_index("person_id")
    child = records.cases["person_id"]
    assert (people.loc[child, "role"] == "child").all()
    age = records.cases["reference_date"].to_numpy() - people.loc[child, "birth_date"].to_numpy()
    years = age / pd.Timedelta(days=365.25)
    assert (years >= 0).all()
    assert (years < 18).all()


def test_events_come_from_five_agencies_with_their_own_types(records):
    assert set(records.events["agency"].unique()) == set(AGENCIES)
    for agency, types in EVENT_TYPES.items():
        seen = set(records.events.loc[records.events["agency"] == agency, "event_type"])
        assert seen <= set(types), agency
    span = records.events["date"].max() - records.events["date"].min()
    assert span > pd.Timedelta(days=5 * 365)


def test_events_and_periods_stay_within_the_snapshot(records):
    assert records.events["date"].max() <= records.snapshot_date
    assert (records.coverage["start_date"] <= records.coverage["end_date"]).all()
    ended = records.memberships.dropna(subset=["end_date"])
    assert (ended["start_date"] <= ended["end_date"]).all()


def test_household_membership_changes_over_time(records):
    members = records.memberships
    joined_late = members["start_date"] > pd.Timestamp("2019-01-01")
    left = members["end_date"].notna()
    partners = records.relationships.query("relationship == 'partner_of_parent'")["other_id"]
    assert members.loc[joined_late & members["person_id"].isin(partners)].shape[0] > 50
    assert left.sum() > 100
    assert set(records.relationships["relationship"]) == {
        "parent",
        "partner_of_parent",
        "sibling",
        "grandparent",
    }


def test_sensitive_attributes_include_small_groups(records):
    shares = records.people["ethnicity"].value_counts(normalize=True)
    assert set(shares.index) == set(ETHNICITIES)
    assert (shares < 0.03).any()
    assert set(records.people["sex"]) == {"female", "male"}
    assert records.people["disability"].any()
    assert set(records.people["deprivation_decile"]) == set(range(1, 11))


def test_outcome_is_binary_with_a_plausible_rate(records):
    assert set(records.cases["outcome"].unique()) == {0, 1}
    assert 0.03 < records.cases["outcome"].mean() < 0.2


def test_same_seed_gives_identical_records():
    first = make_multiagency(n_cases=400, seed=3)
    second = make_multiagency(n_cases=400, seed=3)
    for name in COLUMNS:
        pdt.assert_frame_equal(getattr(first, name), getattr(second, name))
    pdt.assert_frame_equal(first.truth.case_truth, second.truth.case_truth)


def test_another_seed_gives_other_records():
    first = make_multiagency(n_cases=400, seed=3)
    second = make_multiagency(n_cases=400, seed=4)
    assert not first.events["date"].equals(second.events["date"])


def test_fewer_agencies_means_no_records_from_the_others():
    data = make_multiagency(n_cases=300, seed=2, agencies=["police", "health"])
    assert set(data.events["agency"].unique()) == {"police", "health"}
    assert set(data.coverage["agency"].unique()) == {"police", "health"}


def test_summary_names_every_agency(records):
    text = records.summary()
    for agency in AGENCIES:
        assert agency in text
    assert f"{len(records.cases):,} referrals" in text


def test_parents_are_16_to_55_years_older_than_their_children(records):
    # the reader of issue 13: a mother "13 at the sister's birth" in 16% of families
    people = records.people.set_index("person_id")["birth_date"]
    parents = records.relationships[records.relationships["relationship"] == "parent"]
    gap = (
        people.loc[parents["person_id"]].to_numpy() - people.loc[parents["other_id"]].to_numpy()
    ) / pd.Timedelta(days=365.25)
    assert len(gap) > 100
    assert gap.min() >= 16.0
    assert gap.max() <= 55.0


def test_every_person_has_a_birth_date(records):
    assert records.people["birth_date"].notna().all()
