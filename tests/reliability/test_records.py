"""Bad records: each gives a clear advisory error naming table, column and a value, or a
correct result. Entry point: the records (check_records, build_context, the Advisor)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import Advisor, AdvisoryError, InputError, ParameterError
from advisory.context import build_context, check_records, index_records
from advisory.definitions import Definitions

from .conftest import uk

Tables = dict[str, Any]


def _child(t: Tables) -> str:
    return str(t["cases"]["person_id"].iloc[0])


def _set(table: str, column: str, value: object, row: int = 0) -> Callable[[Tables], None]:
    def edit(t: Tables) -> None:
        frame = t[table]
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[row], column] = value

    return edit


def _two_households(t: Tables) -> None:
    stays = t["memberships"]
    mine = stays[stays["person_id"] == _child(t)].iloc[[0]].copy()
    mine["household_id"] = "H9999999"
    mine["start_date"] = mine["start_date"] + pd.Timedelta(days=30)
    t["memberships"] = pd.concat([stays, mine], ignore_index=True)


def _duplicated_stay(t: Tables) -> None:
    t["memberships"] = pd.concat([t["memberships"], t["memberships"].iloc[[3]]], ignore_index=True)


def _self_relationship(t: Tables) -> None:
    t["relationships"].loc[0, "other_id"] = t["relationships"].loc[0, "person_id"]


def _born_after_reference(t: Tables) -> None:
    people = t["people"]
    reference = t["cases"]["reference_date"].iloc[0]
    people.loc[people["person_id"] == _child(t), "birth_date"] = reference + pd.Timedelta(days=40)


def _stay_before_birth(t: Tables) -> None:
    stays, people = t["memberships"], t["people"]
    adult = people[people["role"] != "child"]["person_id"].iloc[0]
    extra = stays[stays["person_id"] == adult].iloc[[0]].copy()
    birth = people.loc[people["person_id"] == adult, "birth_date"].iloc[0]
    extra["start_date"] = birth - pd.Timedelta(days=900)
    extra["end_date"] = birth - pd.Timedelta(days=400)
    t["memberships"] = pd.concat([stays, extra], ignore_index=True)


def _sibling_before_birth(t: Tables) -> None:
    people = t["people"]
    child = people["person_id"] == _child(t)
    people.loc[child, "birth_date"] = people.loc[child, "birth_date"] + pd.Timedelta(days=1)
    stays = t["memberships"]
    mine = stays["person_id"] == _child(t)
    stays.loc[mine, "start_date"] = people.loc[child, "birth_date"].iloc[0] - pd.Timedelta(days=1)


def _snapshot(value: object) -> Callable[[Tables], None]:
    def edit(t: Tables) -> None:
        t["snapshot_date"] = value

    return edit


def _event_after_snapshot(t: Tables) -> None:
    t["snapshot_date"] = "2026-06-30"
    t["events"].loc[0, "date"] = pd.Timestamp("2026-08-01")


def _empty(name: str) -> Callable[[Tables], None]:
    def edit(t: Tables) -> None:
        t[name] = t[name].iloc[:0]

    return edit


def _drop(name: str) -> Callable[[Tables], None]:
    def edit(t: Tables) -> None:
        del t[name]

    return edit


def _overlapping_coverage(t: Tables) -> None:
    t["coverage"] = pd.concat([t["coverage"], t["coverage"].iloc[[0]]], ignore_index=True)


BAD_RECORDS = [
    # dates: never guessed
    (
        "uk reference date",
        _set("cases", "reference_date", "04/01/2021"),
        r"'cases' table's 'reference_date' column has values that are not ISO 8601 dates: "
        r"'04/01/2021'.*date_format=",
    ),
    (
        "uk day over 12",
        _set("cases", "reference_date", "16/01/2021"),
        r"'reference_date' column has values that are not ISO 8601 dates: '16/01/2021'",
    ),
    (
        "us date",
        _set("events", "date", "01/04/2021"),
        r"'events' table's 'date' column.*'01/04/2021'",
    ),
    (
        "integer epoch",
        _set("events", "date", 1609459200),
        r"'date' column holds numbers, not dates",
    ),
    ("float epoch", _set("events", "date", 1.6e9), r"'date' column holds numbers, not dates"),
    (
        "whole column of integers",
        lambda t: t["cases"].__setitem__("reference_date", np.arange(len(t["cases"])) + 44000),
        r"'reference_date' column holds numbers, not dates: 44000",
    ),
    ("words for a date", _set("people", "birth_date", "next week"), r"'birth_date'.*'next week'"),
    ("year and month only", _set("cases", "reference_date", "2021-01"), r"'2021-01'"),
    ("compact date", _set("cases", "reference_date", "20210104"), r"'20210104'"),
    ("month 13", _set("memberships", "start_date", "2021-13-01"), r"'start_date'.*'2021-13-01'"),
    ("30 February", _set("coverage", "end_date", "2021-02-30"), r"'end_date'.*'2021-02-30'"),
    ("a boolean date", _set("coverage", "start_date", True), r"'start_date' column holds numbers"),
    ("missing event date", _set("events", "date", None), r"'date' column is missing for event_id"),
    # record semantics: contradictions are errors
    ("child in two households", _two_households, r"person in two household stays at once"),
    ("duplicated stay", _duplicated_stay, r"duplicated household stays"),
    ("relationship to oneself", _self_relationship, r"relates a person to themselves"),
    ("born after the reference date", _born_after_reference, r"before the child's birth date"),
    (
        "age of 320",
        _set("people", "birth_date", "1706-01-01"),
        r"ages over 120 years .* \(birth dates '1706-01-01'\)",
    ),
    ("stay before birth", _stay_before_birth, r"stays that start before the person's birth"),
    (
        "sibling listed before birth",
        lambda t: _sibling_before_birth(t),
        r"stays that start before the person's birth date .*negative age",
    ),
    ("snapshot in words", _snapshot("next week"), r"'snapshot_date'.*'next week'"),
    ("snapshot as a number", _snapshot(20260630), r"'snapshot_date'.* holds numbers"),
    (
        "snapshot before a referral",
        _snapshot("2019-01-01"),
        r"snapshot_date .*2019-01-01 is before",
    ),
    ("snapshot as a list", _snapshot(["2026-06-30"]), r"'snapshot_date'.* must be one date"),
    ("event after the extract", _event_after_snapshot, r"events dated after the records' snapshot"),
    # free text shown to practitioners
    (
        "risk word in a coverage reason",
        _set("coverage", "reason", "high"),
        r"'reason' column has "
        r"'high' for person_id '.*': 'high' states a risk level",
    ),
    (
        "instruction in a relationship",
        _set("relationships", "relationship", "refer to police"),
        r"'relationship' column has values outside the vocabulary: 'refer to police'",
    ),
    (
        "homoglyph in a relationship",
        _set("relationships", "relationship", "r\u0456sky uncle"),
        r"'relationship' column has values outside the vocabulary: 'r\u0456sky uncle'",
    ),
    (
        "share in a reason",
        _set("coverage", "reason", "nine in ten records missing"),
        r"'reason' column .*number in words",
    ),
    (
        "fraction in a reason",
        _set("coverage", "reason", "\u00be missing"),
        r"'reason' column .*numeric character",
    ),
    # shapes
    ("empty memberships", _empty("memberships"), r"'memberships' table is empty"),
    ("empty cases", _empty("cases"), r"'cases' table is empty"),
    ("no events table", _drop("events"), r"no 'events' table"),
    (
        "events as a list",
        lambda t: t.__setitem__("events", [1, 2]),
        r"'events' table must be a "
        r"pandas DataFrame; got list",
    ),
    (
        "missing column",
        lambda t: t.__setitem__("cases", t["cases"].drop(columns="reference_date")),
        r"'cases' table has no column 'reference_date'",
    ),
    (
        "duplicate case",
        lambda t: t.__setitem__("cases", pd.concat([t["cases"], t["cases"].iloc[[0]]])),
        r"'case_id' column must be unique",
    ),
    ("missing person id", _set("events", "person_id", None), r"'person_id' column has 1 missing"),
    ("unknown person", _set("memberships", "person_id", "P9999999"), r"people not in the 'people'"),
    (
        "end before start",
        _set("coverage", "end_date", pd.Timestamp("1990-01-01")),
        r"'end_date' is before their 'start_date'",
    ),
    ("overlapping coverage", _overlapping_coverage, r"overlapping periods"),
    ("unknown status", _set("coverage", "status", "maybe"), r"unknown values 'maybe'"),
    ("unknown agency", _set("events", "agency", "probation"), r"catalogue does not define"),
]


@pytest.mark.parametrize(
    ("edit", "message"), [c[1:] for c in BAD_RECORDS], ids=[c[0] for c in BAD_RECORDS]
)
def test_bad_records_give_a_clear_error(
    tables: Tables, reference: Definitions, edit: Callable[[Tables], None], message: str
) -> None:
    edit(tables)
    with pytest.raises(InputError, match=message) as caught:
        check_records(tables, reference.catalogue)
    assert "\n" not in str(caught.value)


def test_uk_dates_read_with_their_format_are_right(tables: Tables, reference: Definitions) -> None:
    expected = check_records(tables, reference.catalogue)
    written = dict(tables)
    for name, columns in {
        "people": ["birth_date"],
        "memberships": ["start_date", "end_date"],
        "events": ["date"],
        "coverage": ["start_date", "end_date"],
        "cases": ["reference_date"],
    }.items():
        written[name] = tables[name].assign(**{c: uk(tables[name][c]) for c in columns})
    assert written["cases"]["reference_date"].str.match(r"\d\d/\d\d/\d{4}").all()
    got = check_records(written, reference.catalogue, date_format="%d/%m/%Y")
    for name in ("people", "events", "cases", "memberships", "coverage"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name))
    one = check_records(
        {**tables, "cases": tables["cases"].assign(reference_date="04/01/2026")},
        reference.catalogue,
        date_format="%d/%m/%Y",
    )
    assert one.cases["reference_date"].iloc[0] == pd.Timestamp("2026-01-04")  # 4 January


def test_an_explicit_format_refuses_other_dates(tables: Tables, reference: Definitions) -> None:
    # ISO dates are not silently accepted under a UK format: one format per call
    with pytest.raises(InputError, match=r"not dates in the format '%d/%m/%Y': '20"):
        check_records(
            tables | {"cases": tables["cases"].astype({"reference_date": str})},
            reference.catalogue,
            date_format="%d/%m/%Y",
        )


@pytest.mark.parametrize("bad", ["dd/mm/yyyy", "%m/%Y", 5, "%Y-%m"])
def test_a_date_format_must_name_day_month_and_year(
    tables: Tables, reference: Definitions, bad: object
) -> None:
    with pytest.raises(ParameterError, match=r"'date_format' parameter of check_records"):
        check_records(tables, reference.catalogue, date_format=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda s: s.dt.date, id="date objects"),
        pytest.param(lambda s: s.dt.strftime("%Y-%m-%d"), id="ISO text"),
        pytest.param(lambda s: s.dt.strftime("%Y-%m-%dT00:00:00"), id="ISO with time"),
        pytest.param(lambda s: s.dt.tz_localize("Europe/London"), id="time zone"),
        pytest.param(lambda s: s.dt.strftime(" %Y-%m-%d "), id="spaces around"),
    ],
)
def test_unambiguous_dates_are_read_exactly(
    tables: Tables, reference: Definitions, convert: Callable[[pd.Series], pd.Series]
) -> None:
    expected = check_records(tables, reference.catalogue).cases["reference_date"]
    cases = tables["cases"].assign(reference_date=convert(tables["cases"]["reference_date"]))
    got = check_records(tables | {"cases": cases}, reference.catalogue).cases
    assert (got["reference_date"].dt.date == expected.dt.date).all()


def test_empty_date_cells_are_missing_not_errors(tables: Tables, reference: Definitions) -> None:
    stays = tables["memberships"].assign(end_date=lambda m: m["end_date"].dt.strftime("%Y-%m-%d"))
    stays["end_date"] = stays["end_date"].fillna("")
    got = check_records(tables | {"memberships": stays}, reference.catalogue)
    assert (
        got.memberships["end_date"].isna().sum() == tables["memberships"]["end_date"].isna().sum()
    )


def test_duplicate_events_under_new_ids_are_reported_not_refused(
    tables: Tables, reference: Definitions
) -> None:
    events: pd.DataFrame = tables["events"]
    copies = events.iloc[:4].copy()
    copies["event_id"] = [f"E-copy-{i}" for i in range(4)]
    before = check_records(tables, reference.catalogue).problems
    edited = dict(tables)
    edited["events"] = pd.concat([events, copies])
    records = check_records(edited, reference.catalogue)
    problems = records.problems
    assert len(records.events) == len(tables["events"]) + 4
    row = problems[problems["table"] == "events"].iloc[0]
    assert row["rows"] == int(before["rows"].sum()) + 4 if len(before) else row["rows"] == 4
    assert "possible duplicates" in row["problem"] and "kept" in row["problem"]
    index = index_records(edited, reference)
    assert index.problems.equals(problems)


@pytest.mark.parametrize(
    "case_ids",
    ["C0000007", b"C0000007", 7, {"C0000007": 1}, [None], [1.5]],
    ids=["str", "bytes", "int", "mapping", "None item", "float item"],
)
def test_a_bare_string_or_non_list_of_case_ids_is_refused(
    fitted: Advisor, small_data: Any, case_ids: object
) -> None:
    with pytest.raises(ParameterError, match=r"'case_ids' parameter of Advisor must be a list"):
        fitted.review(small_data, case_ids)  # type: ignore[arg-type]


def test_case_ids_as_a_string_are_refused_by_the_index_too(
    small_data: Any, reference: Definitions
) -> None:
    index = index_records(small_data, reference)
    with pytest.raises(ParameterError, match=r"'case_ids' parameter of RecordIndex.context"):
        index.context("C0000007")
    with pytest.raises(ParameterError, match=r"'case_ids'"):
        build_context(small_data, reference, case_ids="C0000007")
    assert list(index.context(["C0000007"]).cases["case_id"]) == ["C0000007"]


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (
            lambda y: np.where(y == 1, "yes", "no"),
            r"outcome column 'outcome' has values '(no', 'yes|yes', 'no)' for case_id .*"
            r"expected 1 \(it happened\) or 0 \(it did not\), or true/false",
        ),
        (lambda y: y * 2, r"outcome column 'outcome' has values '2' for case_id"),
        (lambda y: np.zeros_like(y), r"holds only 0 for the 300 cases"),
        (lambda y: np.where(y == 1, np.nan, 0), r"outcome column 'outcome' is missing for cases"),
    ],
    ids=["yes/no", "0/2", "one class", "missing"],
)
def test_a_bad_outcome_is_a_clear_error(
    tables: Tables, reference: Definitions, outcome: Callable[[Any], Any], message: str
) -> None:
    cases = tables["cases"].assign(outcome=outcome(tables["cases"]["outcome"].to_numpy()))
    with pytest.raises(InputError, match=message):
        Advisor(reference, model_params={"n_resamples": 2}).fit(tables | {"cases": cases})


def test_outcome_written_as_true_false_text_is_read(tables: Tables, reference: Definitions) -> None:
    cases = tables["cases"].assign(
        outcome=np.where(tables["cases"]["outcome"] == 1, "True", "False")
    )
    advisor = Advisor(reference, model_params={"n_resamples": 2}).fit(tables | {"cases": cases})
    assert advisor.n_cases_ == len(cases)


def test_snapshot_in_words_is_clear_at_review(fitted: Advisor, tables: Tables) -> None:
    with pytest.raises(AdvisoryError, match=r"'snapshot_date'.*'next week'"):
        fitted.review_dicts(tables | {"snapshot_date": "next week"}, ["C0000007"])


def test_uk_snapshot_with_the_advisor_format(tables: Tables, reference: Definitions) -> None:
    advisor = Advisor(reference, model_params={"n_resamples": 2}, date_format="%d/%m/%Y")
    written = {**tables, "snapshot_date": "30/06/2026"}
    for name, column in (("cases", "reference_date"), ("events", "date")):
        written[name] = tables[name].assign(**{column: uk(tables[name][column])})
    advisor.fit(written)
    assert advisor.training_snapshot_ == dt.date(2026, 6, 30)
    review = advisor.review_dicts(written, ["C0000007"])[0]
    assert '"2026-06-30"' in json.dumps(review)  # the extract date, read day first
