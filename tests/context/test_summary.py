"""A part of the records, with a summary of all of them, gives the whole's context."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pandas.testing as pdt
import pytest

from advisory import InputError
from advisory.context import CaseContext, RecordIndex, RecordsSummary, index_records
from advisory.datasets import MultiAgencyData
from advisory.definitions import Definitions


def _part(records: MultiAgencyData, case_ids: list[str]) -> dict[str, pd.DataFrame]:
    """Every record the cases can read: their households' people and those related to them."""
    cases = records.cases[records.cases["case_id"].isin(case_ids)]
    members = records.memberships
    homes = set(members.loc[members["person_id"].isin(cases["person_id"]), "household_id"])
    people = set(members.loc[members["household_id"].isin(homes), "person_id"])
    people |= set(cases["person_id"])
    rel = records.relationships
    people |= set(rel.loc[rel["person_id"].isin(people), "other_id"])
    people |= set(rel.loc[rel["other_id"].isin(people), "person_id"])
    return {
        "people": records.people[records.people["person_id"].isin(people)],
        "memberships": members[members["person_id"].isin(people)],
        "relationships": rel[rel["person_id"].isin(people) & rel["other_id"].isin(people)],
        "events": records.events[records.events["person_id"].isin(people)],
        "coverage": records.coverage[records.coverage["person_id"].isin(people)],
        "cases": cases,
    }


def test_a_part_with_the_summary_gives_the_wholes_context(
    records: MultiAgencyData, definitions: Definitions, index: RecordIndex, context: CaseContext
) -> None:
    chosen = [str(c) for c in index.case_ids[5:400:7]]
    part = index_records(_part(records, chosen), definitions, summary=index.summary())
    alone, whole = part.context(chosen), index.context(chosen)
    assert part.snapshot_date == index.snapshot_date
    for field in dataclasses.fields(CaseContext):
        pdt.assert_frame_equal(
            getattr(alone, field.name), getattr(whole, field.name), obj=field.name
        )
    # without it, one family's records only know their own people: a source that
    # recorded nothing for them lately looks stale, though it recorded others
    one = chosen[:1]
    unsummarised = index_records(_part(records, one), definitions).context(one)
    assert not unsummarised.gaps.equals(index.context(one).gaps)


def test_the_summary_round_trips(index: RecordIndex) -> None:
    summary = index.summary()
    again = RecordsSummary(
        agency_days={a: d[::-1] for a, d in summary.agency_days.items()},  # any order
        coverage_start=dict(summary.coverage_start),
        snapshot_date=summary.snapshot_date,
    )
    for code, agency in enumerate(index.arrays.agencies):
        assert (again.days(agency) == index.arrays.agency_days[code]).all()
    assert isinstance(summary.snapshot_date, dt.date)


def test_a_bad_summary_is_refused(records: MultiAgencyData, definitions: Definitions) -> None:
    with pytest.raises(InputError, match=r"'summary' parameter must be an advisory.context"):
        index_records(records, definitions, summary={"snapshot_date": "2024-01-01"})  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"'snapshot_date' of a RecordsSummary must be"):
        RecordsSummary(agency_days={}, coverage_start={}, snapshot_date="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"'coverage_start' of agency 'police'"):
        RecordsSummary(
            agency_days={},
            coverage_start={"police": 17},  # type: ignore[dict-item]
            snapshot_date=dt.date(2024, 1, 1),
        )
