"""Unusable extracts fail with a message naming the agency, table and column."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from advisory import InputError
from advisory.datasets import AgencyExtracts
from advisory.linkage import check_extracts, read_extracts, reference_linkage_spec


def _with(
    extracts: AgencyExtracts, agency: str, table: pd.DataFrame, which: str = "people"
) -> dict[str, Any]:
    tables = dict(getattr(extracts, which))
    tables[agency] = table
    return {**vars(extracts), which: tables}


def _people(extracts: AgencyExtracts, agency: str = "police") -> pd.DataFrame:
    return extracts.people[agency].copy()


def test_misspelled_column_is_named_with_a_hint(extracts: AgencyExtracts) -> None:
    bad = _people(extracts).rename(columns={"birth_date": "brith_date"})
    with pytest.raises(
        InputError,
        match=(
            "The 'police' people table has no column 'birth_date' \\(is 'brith_date' a misspelling"
        ),
    ):
        check_extracts(_with(extracts, "police", bad), reference_linkage_spec())


def test_missing_column(extracts: AgencyExtracts) -> None:
    bad = _people(extracts, "housing").drop(columns=["postcode"])
    with pytest.raises(InputError, match="'housing' people table has no column 'postcode'"):
        check_extracts(_with(extracts, "housing", bad), reference_linkage_spec())


def test_dates_in_an_unknown_format_are_refused_not_guessed(extracts: AgencyExtracts) -> None:
    bad = _people(extracts)
    bad["birth_date"] = bad["birth_date"].dt.strftime("%d/%m/%Y")
    with pytest.raises(
        InputError,
        match="'police' people table's 'birth_date' column has values that are not ISO 8601",
    ):
        check_extracts(_with(extracts, "police", bad), reference_linkage_spec())
    # with the format given explicitly, they are read
    checked = check_extracts(
        _with(extracts, "police", bad), reference_linkage_spec(), date_format="%d/%m/%Y"
    )
    police = checked.records[checked.records["agency"] == "police"]
    expected = extracts.people["police"]["birth_date"]
    assert (police["birth_date"].to_numpy() == expected.to_numpy()).sum() == expected.notna().sum()


def test_empty_agency_table(extracts: AgencyExtracts) -> None:
    with pytest.raises(InputError, match="The 'education' people table is empty"):
        check_extracts(
            _with(extracts, "education", _people(extracts, "education").iloc[:0]),
            reference_linkage_spec(),
        )


def test_duplicate_agency_ids(extracts: AgencyExtracts) -> None:
    bad = _people(extracts)
    ids = list(bad["agency_person_id"])
    bad["agency_person_id"] = [ids[0], ids[0], *ids[2:]]
    with pytest.raises(
        InputError, match="'police' people table's 'agency_person_id' column must be unique"
    ):
        check_extracts(_with(extracts, "police", bad), reference_linkage_spec())


def test_events_of_unknown_records(extracts: AgencyExtracts) -> None:
    events = extracts.events["health"].copy()
    events.loc[0, "agency_person_id"] = "HL-nobody"
    with pytest.raises(
        InputError,
        match="'health' events table's 'agency_person_id' column refers to records not in",
    ):
        check_extracts(_with(extracts, "health", events, "events"), reference_linkage_spec())


def test_unknown_sex_codes(extracts: AgencyExtracts) -> None:
    bad = _people(extracts)
    bad.loc[0, "sex"] = "Q"
    with pytest.raises(
        InputError,
        match="'police' people table's 'sex' column has values the linkage cannot read: 'Q'",
    ):
        check_extracts(_with(extracts, "police", bad), reference_linkage_spec())


def test_a_spec_naming_a_column_no_agency_holds(extracts: AgencyExtracts) -> None:
    people = {
        a: t.drop(columns=["nhs_number"], errors="ignore") for a, t in extracts.people.items()
    }
    with pytest.raises(
        InputError, match="compares 'nhs_number', but no agency's people table has that column"
    ):
        check_extracts({**vars(extracts), "people": people}, reference_linkage_spec())


def test_case_agency_missing(extracts: AgencyExtracts) -> None:
    people = {a: t for a, t in extracts.people.items() if a != "childrens_social_care"}
    with pytest.raises(
        InputError, match="no people table of the case agency 'childrens_social_care'"
    ):
        check_extracts({**vars(extracts), "people": people}, reference_linkage_spec())


def test_case_table_missing(extracts: AgencyExtracts) -> None:
    data = {**vars(extracts)}
    del data["relationships"]
    with pytest.raises(InputError, match="extract has no 'relationships' table"):
        check_extracts(data, reference_linkage_spec())


def test_folder_round_trip_and_missing_events(extracts: AgencyExtracts, tmp_path: Any) -> None:
    root = extracts.write(tmp_path / "x")
    read = read_extracts(root)
    checked = check_extracts(read, reference_linkage_spec())
    direct = check_extracts(extracts, reference_linkage_spec())
    columns = [
        "record_uid",
        "first_name",
        "last_name",
        "birth_date",
        "sex",
        "postcode",
        "nhs_number",
    ]
    pd.testing.assert_frame_equal(
        checked.records[columns].sort_values("record_uid").reset_index(drop=True),
        direct.records[columns].sort_values("record_uid").reset_index(drop=True),
    )
    (root / "police" / "events.csv").unlink()
    with pytest.raises(InputError, match=r"'police' extract .* has people but no events\.csv"):
        read_extracts(root)
    with pytest.raises(InputError, match="does not exist"):
        read_extracts(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("snapshot", "date_format", "expected"),
    [
        ("next week", None, r"'snapshot_date' has values that are not ISO 8601 dates"),
        ("30/06/2026", None, r"'snapshot_date' has values that are not ISO 8601 dates"),
        (20260630, None, r"'snapshot_date' holds numbers, not dates"),
        ("30/06/2026", "%d/%m/%Y", pd.Timestamp("2026-06-30")),
        ("2026-06-30", None, pd.Timestamp("2026-06-30")),
    ],
)
def test_the_extract_date_is_read_like_every_other_date(
    extracts: AgencyExtracts, snapshot: object, date_format: str | None, expected: object
) -> None:
    data = {**vars(extracts), "snapshot_date": snapshot}
    if isinstance(expected, str):
        with pytest.raises(InputError, match=expected):
            check_extracts(data, reference_linkage_spec(), date_format=date_format)
        return
    if date_format is not None:  # every date of the extracts is then written that way
        for name in ("people", "events"):
            data[name] = {
                agency: table.assign(
                    **{
                        c: table[c].dt.strftime(date_format)
                        for c in ("birth_date", "date")
                        if c in table.columns
                    }
                )
                for agency, table in getattr(extracts, name).items()
            }
    checked = check_extracts(data, reference_linkage_spec(), date_format=date_format)
    assert checked.snapshot_date == expected
