"""Bad records give a clear error naming the table, column, values and the fix."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from advisory import InputError
from advisory.context import build_context
from advisory.datasets import make_multiagency


@pytest.fixture(scope="module")
def small():
    data = make_multiagency(n_cases=40, seed=9)
    return {
        f.name: getattr(data, f.name)
        for f in dataclasses.fields(data)
        if f.name in ("people", "memberships", "relationships", "events", "coverage", "cases")
    }


def _with(tables, name, frame):
    return {**tables, name: frame}


def test_events_for_unknown_people(small, definitions):
    events = small["events"].copy()
    events.loc[events.index[:3], "person_id"] = ["X1", "X2", "X3"]
    with pytest.raises(
        InputError,
        match=r"'events' table's 'person_id' column refers to people "
        r"not in the 'people' table: 'X1', 'X2', 'X3'. Add them",
    ):
        build_context(_with(small, "events", events), definitions)


def test_unknown_agency(small, definitions):
    events = small["events"].astype({"agency": str})
    events.loc[events.index[0], "agency"] = "probation"
    with pytest.raises(InputError, match=r"agencies the catalogue does not define: 'probation'"):
        build_context(_with(small, "events", events), definitions)


def test_unknown_event_type(small, definitions):
    events = small["events"].astype({"event_type": str})
    police = events.index[events["agency"] == "police"][0]
    events.loc[police, "event_type"] = "speeding_ticket"
    with pytest.raises(
        InputError,
        match=r"event_type 'speeding_ticket' for agency 'police'.*"
        r"sources.police.event_types",
    ):
        build_context(_with(small, "events", events), definitions)


def test_missing_reference_date(small, definitions):
    cases = small["cases"].copy()
    cases.loc[cases.index[2], "reference_date"] = pd.NaT
    case_id = cases.loc[cases.index[2], "case_id"]
    with pytest.raises(
        InputError, match=rf"'reference_date' column is missing for case_id '{case_id}'"
    ):
        build_context(_with(small, "cases", cases), definitions)


def test_unparseable_reference_date(small, definitions):
    cases = small["cases"].astype({"reference_date": str})
    cases.loc[cases.index[0], "reference_date"] = "31/31/2024"
    with pytest.raises(
        InputError,
        match=r"'reference_date' column has values that are not ISO 8601 dates: "
        r"'31/31/2024'. Use ISO 8601 dates",
    ):
        build_context(_with(small, "cases", cases), definitions)


def test_dates_as_iso_strings_are_accepted(small, definitions):
    cases = small["cases"].assign(
        reference_date=small["cases"]["reference_date"].dt.strftime("%Y-%m-%d")
    )
    expected = build_context(small, definitions).factors
    pd.testing.assert_frame_equal(
        build_context(_with(small, "cases", cases), definitions).factors, expected
    )


@pytest.mark.parametrize(
    ("table", "column"), [("people", "person_id"), ("events", "event_id"), ("cases", "case_id")]
)
def test_duplicate_ids(small, definitions, table, column):
    frame = small[table]
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    value = frame[column].iloc[0]
    with pytest.raises(
        InputError, match=rf"'{table}' table's '{column}' column must be unique; '{value}'"
    ):
        build_context(_with(small, table, doubled), definitions)


def test_relationship_to_unknown_person(small, definitions):
    relationships = small["relationships"].copy()
    relationships.loc[relationships.index[0], "other_id"] = "NOBODY"
    with pytest.raises(
        InputError,
        match=r"'relationships' table's 'other_id' column refers to people "
        r"not in the 'people' table: 'NOBODY'",
    ):
        build_context(_with(small, "relationships", relationships), definitions)


def test_coverage_ending_before_it_starts(small, definitions):
    coverage = small["coverage"].copy()
    first = coverage.index[0]
    coverage.loc[first, "end_date"] = coverage.loc[first, "start_date"] - pd.Timedelta(days=3)
    with pytest.raises(
        InputError,
        match=r"'coverage' table has periods whose 'end_date' is before "
        r"their 'start_date' for person_id",
    ):
        build_context(_with(small, "coverage", coverage), definitions)


def test_overlapping_coverage(small, definitions):
    coverage = small["coverage"]
    doubled = pd.concat([coverage, coverage.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match=r"overlapping periods for the same person and agency"):
        build_context(_with(small, "coverage", doubled), definitions)


def test_unknown_coverage_status(small, definitions):
    coverage = small["coverage"].astype({"status": str})
    coverage.loc[coverage.index[0], "status"] = "partial"
    with pytest.raises(InputError, match=r"'status' column has unknown values 'partial'"):
        build_context(_with(small, "coverage", coverage), definitions)


def test_missing_column(small, definitions):
    with pytest.raises(
        InputError,
        match=r"'events' table has no column 'date'; expected columns "
        r"\['event_id', 'person_id', 'agency', 'event_type', 'date'\]",
    ):
        build_context(_with(small, "events", small["events"].drop(columns="date")), definitions)


def test_missing_table(small, definitions):
    tables = dict(small)
    del tables["coverage"]
    with pytest.raises(InputError, match=r"no 'coverage' table"):
        build_context(tables, definitions)


def test_empty_cases(small, definitions):
    with pytest.raises(InputError, match=r"'cases' table is empty"):
        build_context(_with(small, "cases", small["cases"].iloc[:0]), definitions)


def test_missing_birth_date_becomes_a_gap(small, definitions):
    people = small["people"].copy()
    child = small["cases"]["person_id"].iloc[0]
    people.loc[people["person_id"] == child, "birth_date"] = pd.NaT
    context = build_context(_with(small, "people", people), definitions)
    case_id = small["cases"]["case_id"].iloc[0]
    assert pd.isna(context.factors.loc[case_id, "child_age"])
    reasons = context.unknown[context.unknown["case_id"] == case_id]
    assert "date of birth is not recorded" in " ".join(reasons["reason"])
    assert "unknown_age" in set(context.gaps.loc[context.gaps["case_id"] == case_id, "kind"])


def test_child_without_household_is_a_gap(small, definitions):
    child = small["cases"]["person_id"].iloc[0]
    memberships = small["memberships"][small["memberships"]["person_id"] != child]
    context = build_context(_with(small, "memberships", memberships), definitions)
    case_id = small["cases"]["case_id"].iloc[0]
    assert "no_household" in set(context.gaps.loc[context.gaps["case_id"] == case_id, "kind"])
    assert list(context.household.loc[context.household["case_id"] == case_id, "relationship"]) == [
        "the child"
    ]


def test_definitions_must_be_loaded_definitions(small, definitions):
    with pytest.raises(
        InputError,
        match=r"'definitions' parameter must be an "
        r"advisory.definitions.Definitions",
    ):
        build_context(small, definitions.spec)
