"""The records' extract date survives CSV and the CLI: reviews say the same "Records as of"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from advisory import InputError
from advisory.cli import main
from advisory.context._io import read_records, write_records
from advisory.datasets import make_multiagency


def test_the_extract_date_round_trips_through_csv(tmp_path: Path) -> None:
    data = make_multiagency(n_cases=40, seed=2)
    folder = write_records(data, tmp_path / "records")
    assert json.loads((folder / "records.json").read_text()) == {
        "snapshot_date": data.snapshot_date.date().isoformat()
    }
    back = read_records(folder)
    assert back["snapshot_date"] == data.snapshot_date


def test_a_bad_metadata_file_is_named(tmp_path: Path) -> None:
    folder = write_records(make_multiagency(n_cases=20, seed=2), tmp_path / "records")
    (folder / "records.json").write_text('{"snapshot_date": "30/06/2026"}')
    with pytest.raises(InputError, match=r"records\.json.*ISO date"):
        read_records(folder)


@pytest.mark.slow
def test_the_cli_reviews_say_the_extract_date(tmp_path: Path, capsys: Any) -> None:
    records, bundle, out = tmp_path / "records", tmp_path / "bundle", tmp_path / "reviews.jsonl"
    assert main(["generate", "--out", str(records), "--cases", "300", "--seed", "4"]) == 0
    snapshot = json.loads((records / "records.json").read_text())["snapshot_date"]
    cases = read_records(records)["cases"]
    latest = pd.Timestamp(cases["reference_date"].max()).date().isoformat()
    assert snapshot > latest  # the extract date, not the latest referral
    assert main(["train", "--records", str(records), "--out", str(bundle), "--resamples", "3"]) == 0
    assert (
        main(["review", "--bundle", str(bundle), "--records", str(records), "--out", str(out)]) == 0
    )
    lines = out.read_text().splitlines()
    assert lines
    assert {json.loads(line)["about"]["data_snapshot_date"] for line in lines} == {snapshot}


def test_the_linkage_s_extract_date_is_read_too(tmp_path: Path) -> None:
    folder = write_records(make_multiagency(n_cases=20, seed=2), tmp_path / "records")
    (folder / "records.json").unlink()
    (folder / "snapshot_date.txt").write_text("2026-05-31\n")
    assert read_records(folder)["snapshot_date"] == pd.Timestamp("2026-05-31")
