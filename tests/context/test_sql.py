"""Records read from a SQL database: SQLite here, PostgreSQL when a server is installed."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from advisory import InputError, ParameterError
from advisory.context import SCHEMA, build_context, read_records_sql
from advisory.datasets import MultiAgencyData, make_multiagency
from advisory.definitions import Definitions, load_definitions, reference_root


@pytest.fixture(scope="module")
def definitions() -> Definitions:
    return load_definitions(reference_root())


@pytest.fixture(scope="module")
def data() -> MultiAgencyData:
    return make_multiagency(n_cases=80, seed=5)


def _sqlite(path: Path, tables: dict[str, pd.DataFrame]) -> str:
    with sqlite3.connect(path) as connection:
        for name, table in tables.items():
            table.to_sql(name, connection, index=False)
    return f"sqlite:///{path}"


def _tables(data: MultiAgencyData) -> dict[str, pd.DataFrame]:
    return {name: getattr(data, name) for name in SCHEMA}


def test_sqlite_records_give_the_same_context(data, definitions, tmp_path) -> None:
    url = _sqlite(tmp_path / "records.db", _tables(data))
    records = read_records_sql(url)
    assert str(records["events"]["date"].dtype) == "datetime64[s]"
    got = build_context(records, definitions)
    want = build_context(data, definitions)
    for field in dataclasses.fields(want):
        pd.testing.assert_frame_equal(getattr(got, field.name), getattr(want, field.name))


def test_renamed_tables_and_an_explicit_date_format(data, definitions, tmp_path) -> None:
    tables = _tables(data)
    cases = tables["cases"].assign(
        reference_date=tables["cases"]["reference_date"].dt.strftime("%d/%m/%Y")
    )
    events = tables["events"].assign(date=tables["events"]["date"].dt.strftime("%d/%m/%Y"))
    stored = {**tables, "cases": cases, "events": events}
    stored["agency_events"] = stored.pop("events")
    url = _sqlite(tmp_path / "records.db", stored)
    # text dates in the named format; the database's own timestamp columns are used as they are
    records = read_records_sql(url, tables={"events": "agency_events"}, date_format="%d/%m/%Y")
    got = build_context(records, definitions)
    pd.testing.assert_frame_equal(got.factors, build_context(data, definitions).factors)
    # without the format, day-first text is refused, naming table and column (never guessed)
    with pytest.raises(InputError, match=r"'events' table's 'date' column .*ISO 8601"):
        read_records_sql(url, tables={"events": "agency_events"})
    iso = {**tables, "cases": cases}
    url = _sqlite(tmp_path / "iso.db", iso)
    with pytest.raises(InputError, match=r"'cases' table's 'reference_date' column .*ISO 8601"):
        read_records_sql(url)


def test_a_missing_table_is_named_with_the_tables_found(data, tmp_path) -> None:
    tables = _tables(data)
    del tables["coverage"]
    url = _sqlite(tmp_path / "records.db", tables)
    with pytest.raises(InputError, match=r"no table 'coverage' .*found tables \['cases'"):
        read_records_sql(url)


def test_numeric_ids_become_text_as_from_csv(data, definitions, tmp_path) -> None:
    tables = _tables(data)
    cases = tables["cases"].assign(case_id=range(1, len(tables["cases"]) + 1))
    url = _sqlite(tmp_path / "records.db", {**tables, "cases": cases})
    records = read_records_sql(url)
    assert records["cases"]["case_id"].iloc[:2].tolist() == ["1", "2"]
    assert list(build_context(records, definitions).cases["case_id"][:2]) == ["1", "2"]


def test_bad_arguments_are_refused(tmp_path) -> None:
    with pytest.raises(ParameterError, match="'tables' parameter"):
        read_records_sql(f"sqlite:///{tmp_path / 'x.db'}", tables={"event": "e"})
    with pytest.raises(ParameterError, match="'database' parameter"):
        read_records_sql(3)
    with pytest.raises(InputError, match="not a usable database URL"):
        read_records_sql("nosuchdialect://x")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Any]:
    from benchmarks._postgres import TemporaryPostgres, find_postgres_bin

    if find_postgres_bin() is None:
        message = "PostgreSQL is not installed: run `make postgres` (apt-get install postgresql)"
        if os.environ.get("ADVISORY_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    with TemporaryPostgres() as server:
        yield server


@pytest.mark.slow
def test_postgresql_records_give_the_same_context(data, definitions, postgres) -> None:
    import sqlalchemy

    url = postgres.new_database()
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        for name, table in _tables(data).items():
            table.to_sql(name, connection, index=False)
    records = read_records_sql(engine)
    engine.dispose()
    got = build_context(records, definitions)
    want = build_context(data, definitions)
    for field in dataclasses.fields(want):
        pd.testing.assert_frame_equal(getattr(got, field.name), getattr(want, field.name))
