"""``advisory context``: every context table from a records folder, as Parquet."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from advisory.cli import main
from advisory.context import CaseContext, build_context, read_records
from advisory.context._io import write_records
from advisory.datasets import make_multiagency
from advisory.definitions import load_definitions, reference_root


def _nulls_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text as None on both sides (Parquet gives None, pandas 2.3 NaN in object columns)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def test_context_command_writes_every_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = write_records(make_multiagency(n_cases=120, seed=6), tmp_path / "records")
    out = tmp_path / "context"
    assert main(["context", "--records", str(records), "--out", str(out)]) == 0
    want = build_context(read_records(records), load_definitions(reference_root()))
    for field in dataclasses.fields(CaseContext):
        got = pd.read_parquet(out / f"{field.name}.parquet")
        for column in got.select_dtypes("datetime").columns:  # Parquet keeps milliseconds
            got[column] = got[column].astype("datetime64[s]")
        expected = getattr(want, field.name)
        expected = expected.reset_index() if field.name == "factors" else expected
        pdt.assert_frame_equal(
            _nulls_as_none(got), _nulls_as_none(expected), check_dtype=False, obj=field.name
        )
    # an existing output is refused without --force, replaced with it
    assert main(["context", "--records", str(records), "--out", str(out)]) == 2
    assert "already" in capsys.readouterr().err
    assert main(["context", "--records", str(records), "--out", str(out), "--force"]) == 0


def test_context_command_names_a_missing_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = write_records(make_multiagency(n_cases=30, seed=6), tmp_path / "records")
    events = pd.read_csv(records / "events.csv").drop(columns="agency")
    events.to_csv(records / "events.csv", index=False)
    assert main(["context", "--records", str(records), "--out", str(tmp_path / "out")]) == 2
    assert "The 'events' table has no column 'agency'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_spark_settings_read_key_value_pairs() -> None:
    from advisory._cli_context import spark_settings

    got = spark_settings(["spark.driver.memory=8g", "spark.a=x=y", "spark.driver.memory=4g"])
    assert got == {"spark.driver.memory": "4g", "spark.a": "x=y"}  # the last repeat wins


@pytest.mark.parametrize("pair", ["spark.driver.memory", "driver.memory=8g", "=8g", "spark.x="])
def test_a_bad_spark_setting_exits_2_naming_it(
    pair: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "records").mkdir()
    argv = ["context", "--records", str(tmp_path / "records"), "--out", str(tmp_path / "out")]
    assert main([*argv, "--engine", "spark", f"--spark-conf={pair}"]) == 2
    assert f"got {pair!r}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_spark_settings_are_refused_with_the_pandas_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "records").mkdir()
    argv = ["context", "--records", str(tmp_path / "records"), "--out", str(tmp_path / "out")]
    assert main([*argv, "--spark-conf", "spark.driver.memory=8g"]) == 2
    assert "--engine spark only" in capsys.readouterr().err
