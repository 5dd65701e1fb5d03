"""`advisory check`, find_problems and the mapping file: every problem at once, named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from advisory import InputError
from advisory.cli import main
from advisory.context import (
    RELATIONSHIPS,
    apply_mapping,
    build_context,
    find_problems,
    read_mapping,
    read_records,
)
from advisory.context._contract import MAPPING_EXAMPLE
from advisory.definitions import load_definitions, reference_root

WALKTHROUGH = Path(__file__).resolve().parents[1] / "walkthrough"
DEFINITIONS = load_definitions(reference_root())
UK = "%d/%m/%Y"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "records"
    shutil.copytree(WALKTHROUGH, out)
    return out


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_passes_the_walkthrough(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check",
            "--records",
            str(folder),
            "--date-format",
            UK,
            "--mapping",
            str(folder / "mapping.toml"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "the records follow the contract: 10 people" in out
    assert "outcome 'outcome': 2 with, 4 without" in out
    assert "training would warn" in out


def test_check_lists_every_problem_at_once(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(folder, "people", "00107,30/06/1960", "00107,31/02/1960")  # no such day
    _edit(folder, "events", "5002,", "5001,")  # a duplicated event id
    _edit(folder, "relationships", "00106,00105,mum", "00106,00105,auntie")  # not mapped
    _edit(folder, "cases", "0003,00106,20/02/2023,No", "0003,00106,20/02/2023,maybe")
    _edit(
        folder,
        "coverage",
        "00101,police,01/01/2018,30/06/2024,available",
        "00101,police,01/01/2018,30/06/2024,shared",
    )
    (folder / "memberships.csv").unlink()
    code = main(
        [
            "check",
            "--records",
            str(folder),
            "--date-format",
            UK,
            "--mapping",
            str(folder / "mapping.toml"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 2
    expected = [
        r"no 'memberships' table; expected memberships.csv",
        r"'people' table's 'birth_date' column has values that are not dates in the format",
        r"'events' table's 'event_id' column must be unique; '5001'",
        r"'relationships' table's 'relationship' column has values outside the vocabulary: "
        r"'auntie'",
        r"'cases' table's outcome column 'outcome' has values 'maybe' for case_id '0003'",
        r"'coverage' table's 'status' column has unknown values 'shared'",
    ]
    for text in expected:
        assert text in out, (text, out)
    assert "6 problems found" in out
    assert out.count("no 'memberships' table") == 1


def test_a_wrong_date_without_a_format_is_named(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["train", "--records", str(folder), "--out", str(folder.parent / "bundle")])
    err = capsys.readouterr().err
    assert code == 2
    assert (
        "'people' table's 'birth_date' column (people.csv) has values that are not ISO 8601" in err
    )
    assert "--date-format" in err and "Traceback" not in err
    assert not (folder.parent / "bundle").exists()


def test_yes_no_outcome_is_a_clear_error_not_a_traceback(folder: Path) -> None:
    records = read_records(folder, date_format=UK)
    mapping = read_mapping(folder / "mapping.toml", DEFINITIONS)
    mapped = apply_mapping(records, mapping)
    unmapped_outcome = {**mapped, "cases": records["cases"]}
    with pytest.raises(
        InputError, match=r"outcome column 'outcome' has values 'Yes', 'No'.*mapping file"
    ):
        build_context(unmapped_outcome, DEFINITIONS)
    brother = {**mapped, "relationships": records["relationships"]}
    with pytest.raises(
        InputError,
        match=r"outside the vocabulary: 'brother', 'dad', 'mum', 'nan', 'sister'; "
        r"expected one of \['parent'",
    ):
        build_context(brother, DEFINITIONS)
    context = build_context(mapped, DEFINITIONS)
    assert set(context.household["relationship"]) <= {"the child", *RELATIONSHIPS}
    # "brother" is a sibling, counted in the siblings factor, not silently dropped
    siblings = context.household[context.household["relationship"] == "sibling"]
    assert len(siblings) >= 3


def test_find_problems_is_empty_exactly_when_check_records_accepts(folder: Path) -> None:
    records = apply_mapping(
        read_records(folder, date_format=UK), read_mapping(folder / "mapping.toml", DEFINITIONS)
    )
    assert find_problems(records, DEFINITIONS.catalogue, outcome_column="outcome") == []
    bad = {**records, "people": records["people"].assign(person_id="P 1")}
    problems = find_problems(bad, DEFINITIONS.catalogue)
    assert len(problems) == 1 and "not identifiers: 'P 1'" in str(problems[0])
    with pytest.raises(InputError, match=r"not identifiers: 'P 1'"):
        build_context(bad, DEFINITIONS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[cases.outcome]\nYes = 2\n",
            r"maps 'Yes' in the 'cases' table's 'outcome' column to 2; expected one of \[0, 1\]",
        ),
        (
            '[relationships.relationship]\nbro = "brother"\n',
            r"maps 'bro' in the 'relationships' table's 'relationship' column to 'brother'",
        ),
        (
            '[people.person_id]\n"1" = "2"\n',
            r"maps the 'people' table's 'person_id' column, which has no vocabulary",
        ),
        ('[kids.relationship]\nbro = "sibling"\n', r"has a section 'kids'"),
        ("[cases.outcome\n", r"is not valid TOML"),
    ],
)
def test_mapping_errors_name_file_table_column_and_value(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "local.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=rf"The mapping file {path}.*{message}"):
        read_mapping(path, DEFINITIONS)


def test_the_page_s_mapping_example_reads(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(MAPPING_EXAMPLE, encoding="utf-8")
    mapping = read_mapping(path, DEFINITIONS)
    cases = pd.DataFrame({"case_id": ["1", "2", "3"], "outcome": ["Yes", "No", None]})
    mapped = apply_mapping({"cases": cases}, mapping)["cases"]["outcome"]
    assert mapped.tolist()[:2] == [1, 0] and pd.isna(mapped.iloc[2])


def test_uncertain_link_record_ids_are_checked_as_ids(folder: Path) -> None:
    records = apply_mapping(
        read_records(folder, date_format=UK), read_mapping(folder / "mapping.toml", DEFINITIONS)
    )
    links = pd.DataFrame(
        {
            "person_id": ["00102"],
            "agency": ["police"],
            "agency_record_id": ["PN 77"],
            "described_as": ["a man of the same name"],
            "differences": ["date of birth differs"],
        }
    )
    problems = find_problems({**records, "uncertain_links": links}, DEFINITIONS.catalogue)
    assert len(problems) == 1
    assert "'uncertain_links' table's 'agency_record_id' column has values that are not" in str(
        problems[0]
    )
    links["agency_record_id"] = "PN77"
    assert find_problems({**records, "uncertain_links": links}, DEFINITIONS.catalogue) == []
