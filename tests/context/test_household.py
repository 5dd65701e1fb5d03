"""Household surfacing: each member separately, as of the reference date."""

from __future__ import annotations

import pandas as pd


def test_the_child_is_listed_first_in_every_case(context):
    first = context.household.groupby("case_id").head(1)
    assert (first["relationship"] == "the child").all()
    assert set(first["case_id"]) == set(context.cases["case_id"])


def test_members_are_those_living_there_on_the_reference_date(records, context):
    household = context.household.merge(
        context.cases[["case_id", "reference_date", "household_id"]]
    )
    spells = records.memberships.rename(columns={"household_id": "spell_household"})
    joined = household.merge(spells, on="person_id")
    inside = (
        (joined["spell_household"] == joined["household_id"])
        & (joined["start_date"] <= joined["reference_date"])
        & (joined["end_date"].isna() | (joined["end_date"] >= joined["reference_date"]))
    )
    assert inside.groupby([joined["case_id"], joined["person_id"]]).any().all()


def test_partners_who_left_before_the_reference_date_are_not_members(records, context):
    spells = records.memberships.dropna(subset=["end_date"])
    cases = context.cases.merge(spells, on="household_id", suffixes=("", "_member"))
    gone = cases[cases["end_date"] < cases["reference_date"]]
    assert len(gone) > 0
    listed = gone.merge(
        context.household,
        left_on=["case_id", "person_id_member"],
        right_on=["case_id", "person_id"],
    )
    assert listed.empty


def test_relationships_come_from_the_records(records, context):
    others = context.household[context.household["relationship"] != "the child"]
    rel = records.relationships.rename(columns={"person_id": "child", "other_id": "person_id"})
    joined = others.merge(
        context.cases[["case_id", "person_id"]].rename(columns={"person_id": "child"})
    )
    merged = joined.merge(rel, on=["child", "person_id"], suffixes=("", "_recorded"))
    assert (merged["relationship"] == merged["relationship_recorded"]).all()
    assert len(merged) == len(others)


def test_each_member_has_recent_events_by_agency_without_aggregation(records, definitions, context):
    table = context.household_events
    assert len(table) == len(context.household) * len(definitions.catalogue.source_names)
    assert not {"maximum", "max", "score", "household_total"} & set(table.columns)
    row = table[table["events"] > 0].iloc[0]
    reference = context.cases.set_index("case_id").loc[row["case_id"], "reference_date"]
    events = records.events[
        (records.events["person_id"] == row["person_id"])
        & (records.events["agency"] == row["agency"])
        & (records.events["date"] < reference)
        & (records.events["date"] >= reference - pd.Timedelta(days=365))
    ]
    assert len(events) == row["events"]
    assert events["date"].max() == row["latest"]


def test_unmatched_member_shows_in_household_coverage(context):
    gaps = context.gaps[
        (context.gaps["kind"] == "unmatched") & (context.gaps["agency"] == "police")
    ]
    pair = gaps.iloc[0]
    row = context.household_events[
        (context.household_events["case_id"] == pair["case_id"])
        & (context.household_events["person_id"] == pair["person_id"])
        & (context.household_events["agency"] == "police")
    ]
    assert row["coverage"].item() == "unmatched"
