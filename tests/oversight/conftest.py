"""Stores on SQLite and on a real PostgreSQL server started for the session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks._postgres import TemporaryPostgres, find_postgres_bin

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres() -> Iterator[TemporaryPostgres]:
    """One PostgreSQL server for the session; a missing server fails under `make test`."""
    if find_postgres_bin() is None:
        message = "PostgreSQL is not installed: run `make postgres` (apt-get install postgresql)"
        if os.environ.get("ADVISORY_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    with TemporaryPostgres() as server:
        yield server


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trail.db'}"
    server: TemporaryPostgres = request.getfixturevalue("postgres")
    return server.new_database()
