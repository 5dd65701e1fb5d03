"""The records contract: the page, the JSON Schema and the checks come from one description."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from advisory import InputError
from advisory._json_schema import check_document, read_schema
from advisory.context import SCHEMA, read_records, records_schema
from advisory.context._contract import TABLES, records_page, schema_text
from advisory.datasets import make_multiagency
from advisory.definitions import load_definitions, reference_root
from advisory.tracking import model_input

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "records.md"
SCHEMA_FILE = ROOT / "src" / "advisory" / "context" / "records.schema.json"
WALKTHROUGH = ROOT / "tests" / "walkthrough"
CATALOGUE = load_definitions(reference_root()).catalogue


def walkthrough_section() -> str:
    """The page's "your own data" section, from the walkthrough's own files."""
    lines = [
        "## Your own data: a walkthrough",
        "",
        "Six small files written by hand: three households, ten people, numeric ids with "
        "leading zeros, UK dates (dd/mm/yyyy) and local codes (`Yes`/`No`, `mum`, `nan`). "
        "They are `tests/walkthrough/` in the repository, and `tests/test_walkthrough.py` "
        "runs these commands.",
        "",
    ]
    for name in [*SCHEMA, "mapping"]:
        file = WALKTHROUGH / (f"{name}.csv" if name in SCHEMA else "mapping.toml")
        text = file.read_text(encoding="utf-8").rstrip("\n").splitlines()
        shown = text if len(text) <= 8 or file.suffix == ".toml" else [*text[:6], "..."]
        fence = "toml" if file.suffix == ".toml" else "csv"
        lines += [f"`{file.name}`" + (f" ({len(text) - 1} rows)" if fence == "csv" else ""), ""]
        lines += [f"```{fence}", *shown, "```", ""]
    lines += [
        "`coverage.csv` lists every person with every agency (50 rows): without it every "
        "factor would be unknown.",
        "",
        "```console",
        "$ advisory check --records records",
        "1. The 'people' table's 'birth_date' column has values that are not ISO 8601 dates: "
        "'14/03/1988', ... name the format of these dates with ... --date-format ...",
        "...",
        "$ advisory check --records records --date-format %d/%m/%Y --mapping mapping.toml",
        "records: the records follow the contract: 10 people, ... 6 cases.",
        "  outcome 'outcome': 2 with, 4 without.",
        "  training would warn: below 100 cases or 10 of each outcome value, ...",
        "$ advisory train --records records --date-format %d/%m/%Y --mapping mapping.toml "
        "--out bundle",
        "advisory: warning: Training on 6 cases, 2 with the outcome and 4 without: below the "
        "stated minimum ...",
        "$ advisory review --bundle bundle --records records --date-format %d/%m/%Y "
        "--mapping mapping.toml --out reviews.jsonl",
        "6 reviews written to reviews.jsonl (JSON Lines; no scores).",
        "```",
        "",
        "Six cases are far too few for a model worth reading: the walkthrough shows the "
        "format, not a model.",
    ]
    return "\n".join(lines)


def test_the_page_is_generated_from_the_code(golden: Callable[[Path, str], None]) -> None:
    golden(PAGE, records_page(CATALOGUE, walkthrough_section()))


def test_the_shipped_json_schema_is_generated_from_the_code(
    golden: Callable[[Path, str], None],
) -> None:
    golden(SCHEMA_FILE, schema_text(CATALOGUE))


def test_the_page_lists_every_column_and_vocabulary() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for table in TABLES:
        assert f"## {table.name}" in page
        for column in table.columns:
            assert f"| {column.name} |" in page
            for value in column.allowed:
                assert f"`{value}`" in page
    for name in CATALOGUE.source_names:
        for event_type in CATALOGUE.source(name).event_types:
            assert f"`{event_type}`" in page
    assert "every person x agency period" in page.lower()
    assert "a day with no coverage row means no records were shared" in page.lower()


def test_schema_columns_are_the_required_columns() -> None:
    schema = records_schema(CATALOGUE)
    jsonschema.Draft202012Validator.check_schema(schema)
    for name, columns in SCHEMA.items():
        assert schema["$defs"][name]["required"] == list(columns)


def test_a_host_validates_the_generator_output_with_jsonschema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    payload = model_input(make_multiagency(n_cases=40, seed=3))
    jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)


def test_numeric_ids_and_local_codes_break_the_schema_where_the_checks_do(
    tmp_path: Path,
) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    payload = model_input(make_multiagency(n_cases=10, seed=0))
    payload["people"][0]["person_id"] = 10001  # an integer id is fine
    payload["cases"][0]["case_id"] = "011"
    assert not list(validator.iter_errors(payload))
    payload["relationships"][0]["relationship"] = "brother"
    payload["cases"][0]["outcome"] = "Yes"
    payload["events"][0]["date"] = "31/12/2020"
    found = {next(iter(e.absolute_path)) for e in validator.iter_errors(payload)}
    assert found == {"relationships", "cases", "events"}


def test_read_records_keeps_leading_zeros_and_local_words(tmp_path: Path) -> None:
    records = read_records(WALKTHROUGH, date_format="%d/%m/%Y")
    assert records["people"]["person_id"].iloc[0] == "00101"
    assert records["memberships"]["household_id"].iloc[0] == "011"
    assert records["cases"]["case_id"].tolist()[:2] == ["0001", "0002"]
    assert "nan" in set(records["relationships"]["relationship"])  # a word, not a missing value
    assert isinstance(records["events"]["date"].dtype, type(pd.Series(pd.NaT).dtype))


def test_the_library_s_own_checker_reads_the_schema_too() -> None:
    schema = read_schema("advisory.context", "records.schema.json")
    payload = model_input(make_multiagency(n_cases=10, seed=0))
    check_document(payload, schema, "The records")
    payload["relationships"][0]["relationship"] = "brother"
    with pytest.raises(InputError, match=r"relationships\[0\]\.relationship must be one of"):
        check_document(payload, schema, "The records")
