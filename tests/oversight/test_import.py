"""The oversight extra stays out of `import advisory`; Alembic and psycopg load only when used."""

from __future__ import annotations

import subprocess
import sys


def _loaded(statement: str) -> set[str]:
    code = (
        f"import sys; {statement}; "
        "print(','.join(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'scipy') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(filter(None, result.stdout.strip().split(",")))


def test_import_advisory_loads_no_database_library() -> None:
    assert _loaded("import advisory") == set()


def test_import_oversight_loads_sqlalchemy_only() -> None:
    assert _loaded("import advisory.oversight") == {"sqlalchemy"}
