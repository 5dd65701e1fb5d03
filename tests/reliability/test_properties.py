"""Properties: random malformed tables give a clear advisory error or a result, never another
exception; an interrupted write never leaves a half-written file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from advisory import AdvisoryError
from advisory._files import COMPLETE_MARKER, atomic_file, atomic_folder, is_complete
from advisory.context import check_records, index_records
from advisory.context._io import write_records
from advisory.datasets import make_multiagency
from advisory.definitions import load_definitions, reference_root

DATA = make_multiagency(n_cases=30, seed=21)
TABLES = {
    f.name: getattr(DATA, f.name)
    for f in dataclasses.fields(DATA)
    if f.name in ("people", "memberships", "relationships", "events", "coverage", "cases")
}
DEFINITIONS = load_definitions(reference_root())

#: Values a careless extract puts anywhere.
JUNK = st.sampled_from(
    [
        None,
        "",
        " ",
        "next week",
        "04/01/2021",
        "2021-02-30",
        "2021-01",
        1609459200,
        -3,
        1.5e9,
        float("nan"),
        float("inf"),
        True,
        "high",
        "\u00be",
        "r\u0456sk",
        "C0000001",
        "P0000001",
        "police",
        "available",
        "x" * 300,
        pd.Timestamp("1706-01-01"),
        pd.Timestamp("2030-01-01"),
        pd.NaT,
        ["a", "list"],
    ]
)


@st.composite
def malformed(draw: st.DrawFn) -> dict[str, Any]:
    tables = {name: table.copy() for name, table in TABLES.items()}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(tables)))
        table = tables[name]
        action = draw(st.sampled_from(["cell", "column", "rows", "duplicate", "empty", "drop"]))
        if action == "cell" and len(table):
            column = draw(st.sampled_from(list(table.columns)))
            row = draw(st.integers(0, len(table) - 1))
            table[column] = table[column].astype(object)
            table.iloc[row, table.columns.get_loc(column)] = draw(JUNK)
        elif action == "column":
            column = draw(st.sampled_from(list(table.columns)))
            tables[name] = table.drop(columns=column)
        elif action == "rows" and len(table):
            keep = draw(st.integers(0, len(table)))
            tables[name] = table.iloc[:keep]
        elif action == "duplicate" and len(table):
            tables[name] = pd.concat([table, table.iloc[[draw(st.integers(0, len(table) - 1))]]])
        elif action == "empty":
            tables[name] = table.iloc[:0]
        elif action == "drop":
            del tables[name]
    if draw(st.booleans()):
        tables["snapshot_date"] = draw(JUNK)
    return tables


@pytest.mark.slow
@given(tables=malformed())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_malformed_tables_give_an_advisory_error_or_a_result(tables: dict[str, Any]) -> None:
    try:
        records = check_records(tables, DEFINITIONS.catalogue)
    except AdvisoryError as error:
        assert str(error) and "\n" not in str(error)
        event(f"refused: {type(error).__name__}")
        return
    assert len(records.cases) > 0
    try:
        context = index_records(tables, DEFINITIONS).context(list(records.cases["case_id"][:3]))
    except AdvisoryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert len(context.factors) == min(3, len(records.cases))
    event("a result")


class WriteInterruptedError(Exception):
    """Stands for a crash or Ctrl-C in the middle of a write."""


@given(
    old=st.binary(max_size=200),
    new=st.binary(max_size=2000),
    stop=st.one_of(st.none(), st.integers(0, 2000)),
)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_file_is_never_half_written(
    tmp_path: Path, old: bytes, new: bytes, stop: int | None
) -> None:
    path = tmp_path / "out.bin"
    path.write_bytes(old)
    try:
        with atomic_file(path, "wb") as handle:
            for i in range(0, len(new), 7):
                if stop is not None and i >= stop:
                    raise WriteInterruptedError
                handle.write(new[i : i + 7])
            if stop is not None and stop >= len(new):
                raise WriteInterruptedError
    except WriteInterruptedError:
        assert path.read_bytes() == old
    else:
        assert path.read_bytes() == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


@pytest.mark.parametrize("fail_at", [0, 2, 5, None])
@pytest.mark.parametrize("existing", [False, True])
def test_a_folder_of_tables_is_complete_or_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int | None, existing: bool
) -> None:
    out = tmp_path / "records"
    if existing:
        write_records(make_multiagency(n_cases=20, seed=1), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()} if existing else None
    calls = {"n": 0}
    original = pd.DataFrame.to_csv

    def to_csv(self: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        if fail_at is not None and calls["n"] == fail_at:
            raise WriteInterruptedError
        calls["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    try:
        with atomic_folder(out, force=True) as folder:
            write_records(make_multiagency(n_cases=20, seed=2), folder)
    except WriteInterruptedError:
        assert fail_at is not None
        if existing:
            assert {p.name: p.read_bytes() for p in out.iterdir()} == before
        else:
            assert not out.exists()
    else:
        assert fail_at is None
        assert is_complete(out) and len(list(out.glob("*.csv"))) == 6
    assert [p.name for p in tmp_path.iterdir()] == (["records"] if out.exists() else [])
    if out.exists():
        assert (out / COMPLETE_MARKER).is_file()
