"""``advisory context --engine spark``: the command line, end to end in local mode."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pandas.testing as pdt
import pytest

from advisory.cli import main
from advisory.context import CaseContext
from advisory.context._io import write_records
from advisory.datasets import make_multiagency

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def _comparable(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order, categories as text, times in seconds (Spark sets no row order)."""
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object)
        elif pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].astype("datetime64[s]")
        elif pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype(object)
    key = [str(c) for c in out.columns]
    text = out.astype(str)
    order = text.sort_values(key, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def test_context_on_spark_from_the_command_line_equals_pandas(spark: Any, tmp_path: Path) -> None:
    records = write_records(make_multiagency(n_cases=80, seed=8), tmp_path / "records")  # CSV
    on_pandas, on_spark = tmp_path / "pandas", tmp_path / "spark"
    assert main(["context", "--records", str(records), "--out", str(on_pandas)]) == 0
    argv = ["context", "--records", str(records), "--out", str(on_spark), "--engine", "spark"]
    assert main(argv) == 0
    assert spark.sparkContext.getConf().get("spark.master").startswith("local")
    for field in dataclasses.fields(CaseContext):
        want = _comparable(pd.read_parquet(on_pandas / f"{field.name}.parquet"))
        got = _comparable(pd.read_parquet(on_spark / f"{field.name}.parquet"))
        assert len(got) == len(want), field.name
        pdt.assert_frame_equal(got, want, check_dtype=False, obj=field.name)
    assert not list(on_spark.rglob("*.crc"))


def test_a_missing_column_fails_before_any_job(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = make_multiagency(n_cases=40, seed=8)
    records = tmp_path / "records"
    records.mkdir()
    for name in ("people", "memberships", "relationships", "events", "coverage", "cases"):
        table = getattr(data, name)
        table = table.drop(columns="status") if name == "coverage" else table
        table.to_parquet(records / f"{name}.parquet")
    tracker = spark.sparkContext.statusTracker()
    spark.sparkContext.setJobGroup("cli-missing-column", "a missing column")
    argv = ["context", "--records", str(records), "--out", str(tmp_path / "out")]
    assert main([*argv, "--engine", "spark"]) == 2
    assert "The 'coverage' table has no column 'status'" in capsys.readouterr().err
    # the only jobs are Spark reading each file's schema; nothing was computed
    stages = [
        tracker.getStageInfo(stage).name
        for job in tracker.getJobIdsForGroup("cli-missing-column")
        for stage in tracker.getJobInfo(job).stageIds
    ]
    assert len(stages) <= 6
    assert all(name.startswith("parquet at ") for name in stages), stages
    assert not (tmp_path / "out").exists()


def test_spark_conf_in_a_running_session_applies_and_is_restored(spark: Any) -> None:
    from advisory._cli_context import _session
    from advisory._errors import InputError

    key = "spark.sql.shuffle.partitions"
    before = spark.conf.get(key)
    with _session("local[2]", {key: "7"}) as session:
        assert session is spark
        assert session.conf.get(key) == "7"
    assert spark.conf.get(key) == before
    # a setting the running JVM was started with cannot change: refused, nothing changed
    with (
        pytest.raises(InputError, match=r"spark\.driver\.memory"),
        _session("local[2]", {key: "7", "spark.driver.memory": "8g"}),
    ):
        pass  # pragma: no cover - refused before the block runs
    assert spark.conf.get(key) == before
