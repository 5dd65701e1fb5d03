"""The records page's walkthrough, run: six hand-written files through check, train and review.

Also numeric identifiers end to end: ids are data, never wording.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import advisory
from advisory import Advisor
from advisory.cli import main
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root

WALKTHROUGH = Path(__file__).resolve().parent / "walkthrough"
UK = ["--date-format", "%d/%m/%Y"]
BANNED_KEYS = {"score", "probability", "rank", "band", "risk", "threshold", "margin", "shap"}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.slow
def test_the_walkthrough_runs_from_the_page_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records"
    shutil.copytree(WALKTHROUGH, records, ignore=shutil.ignore_patterns("mapping.toml"))
    mapping = ["--mapping", str(WALKTHROUGH / "mapping.toml")]

    # a UK date without --date-format: a clear error naming table, column, value and the fix
    assert main(["check", "--records", str(records), *mapping]) == 2
    out = capsys.readouterr().out
    assert "1. The 'people' table's 'birth_date' column has values that are not ISO 8601" in out
    assert "'14/03/1988'" in out and "--date-format" in out
    assert main(["train", "--records", str(records), *mapping, "--out", str(tmp_path / "b")]) == 2
    assert "--date-format" in capsys.readouterr().err

    assert main(["check", "--records", str(records), *UK, *mapping]) == 0
    assert "the records follow the contract" in capsys.readouterr().out

    bundle = tmp_path / "bundle"
    args = ["--records", str(records), *UK, *mapping]
    assert main(["train", *args, "--out", str(bundle), "--resamples", "5"]) == 0
    err = capsys.readouterr().err
    assert "advisory: warning: Training on 6 cases, 2 with the outcome and 4 without" in err

    # the audit reads the same mapping file (checked against the bundle's definitions)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[events.agency]\ncops = "constabulary"\n', encoding="utf-8")
    audit = ["audit", "--bundle", str(bundle), "--records", str(records), *UK]
    assert main([*audit, "--mapping", str(wrong), "--out", str(tmp_path / "board")]) == 2
    err = capsys.readouterr().err
    assert f"The mapping file {wrong} maps 'cops' in the 'events' table's 'agency' column" in err

    written = tmp_path / "reviews.jsonl"
    assert main(["review", "--bundle", str(bundle), *args, "--out", str(written)]) == 0
    assert "6 reviews written" in capsys.readouterr().out
    reviews = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    assert [r["case_id"] for r in reviews] == ["0001", "0002", "0003", "0004", "0005", "0006"]
    first = reviews[0]
    people = {p["person_id"]: p["relationship"] for p in first["household"]}
    assert people == {"00103": "child", "00101": "mother", "00102": "father", "00104": "sister"}
    assert not {k.lower() for r in reviews for k in _keys(r)} & BANNED_KEYS
    assert len({len(r["questions"]) for r in reviews}) == 1

    # the text and HTML renderings carry the numeric ids through the language guard
    reviewer = advisory.load(bundle)
    from advisory.context import apply_mapping, read_mapping, read_records

    mapped = apply_mapping(
        read_records(records, date_format="%d/%m/%Y"),
        read_mapping(WALKTHROUGH / "mapping.toml", Advisor.load(bundle).definitions),
    )
    text = reviewer.review_text(mapped, ["0001"])[0]
    assert "00102" in text and "mother" in text
    assert "00102" in reviewer.review_html(mapped, ["0001"])[0]


def _numbered(data: Any) -> Any:
    """The generator's records with integer ids (people, households, events, cases)."""
    people = {p: 10_001 + i for i, p in enumerate(data.people["person_id"])}
    homes = {h: i + 1 for i, h in enumerate(data.memberships["household_id"].unique())}
    tables = {}
    for name in ("people", "memberships", "relationships", "events", "coverage", "cases"):
        table = getattr(data, name).copy()
        for column in ("person_id", "other_id"):
            if column in table:
                table[column] = table[column].map(people).astype("int64")
        if "household_id" in table:
            table["household_id"] = table["household_id"].map(homes).astype("int64")
        if name == "events":
            table["event_id"] = range(1, len(table) + 1)
        if name == "cases":
            table["case_id"] = [2 + i for i in range(len(table))]  # 2, 3, ...: bare numbers
        tables[name] = table
    return dataclasses.replace(data, **tables)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::advisory.SmallDataWarning")
def test_integer_ids_train_and_review_end_to_end(tmp_path: Path) -> None:
    data = _numbered(make_multiagency(n_cases=150, seed=1))
    assert pd.api.types.is_integer_dtype(data.cases["case_id"])
    advisor = Advisor.from_definitions(
        reference_root(), model_params={"n_resamples": 2, "random_state": 0}
    ).fit(data)
    reviewer = advisory.load(advisor.save(tmp_path / "bundle"))
    cases = ["2", "3", "10"]
    documents = reviewer.review_dicts(data, cases)
    assert [d["case_id"] for d in documents] == cases
    for document in documents:
        ids = [p["person_id"] for p in document["household"]]
        assert all(i.isdigit() and int(i) >= 10_001 for i in ids)
    for text in reviewer.review_text(data, cases) + reviewer.review_html(data, cases):
        assert "10" in text
