"""Reading the six record tables from a SQL database through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from advisory._dates import check_date_format, parse_dates
from advisory._errors import InputError, ParameterError
from advisory._optional import import_optional
from advisory.context._io import _DATE_COLUMNS, _ID_COLUMNS
from advisory.context._records import SCHEMA

__all__ = ["read_records_sql"]

_OWNER = "read_records_sql"


def _where(engine: Any) -> str:
    """Name the database for messages, never with its password."""
    return str(engine.url.render_as_string(hide_password=True))


def read_records_sql(
    database: object,
    *,
    tables: Mapping[str, str] | None = None,
    schema: str | None = None,
    date_format: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Read the six record tables from a SQL database (SQLite, PostgreSQL, ...).

    Each table is read whole with SQLAlchemy. Ids (``person_id``,
    ``household_id``, ...) become text, as when read from CSV; text dates are
    read as ISO 8601, or in ``date_format`` when given, never guessed; database
    dates and timestamps are used as they are. The result goes to
    :func:`build_context` or :func:`index_records`, which check it exactly as
    records read from files.

    Parameters
    ----------
    database : str or sqlalchemy.engine.Engine
        A database URL (``"sqlite:///records.db"``,
        ``"postgresql+psycopg://user@host/db"``) or an engine.
    tables : mapping of str to str, optional
        The database table holding each record table, where its name differs
        (``{"events": "agency_events"}``).
    schema : str, optional
        The database schema holding the tables.
    date_format : str, optional
        The strftime format of text dates, such as ``"%d/%m/%Y"``; default ISO 8601.

    Returns
    -------
    dict of str to pandas.DataFrame
        The record tables by name.

    Raises
    ------
    advisory.InputError
        If the database cannot be reached, a table is missing (naming it and
        the tables found), or a date is not ISO 8601 (or not in ``date_format``),
        naming the table and column.
    advisory.MissingExtraError
        Without SQLAlchemy (``pip install 'advisory[sql]'``).

    Examples
    --------
    >>> import sqlite3, tempfile, pathlib
    >>> from advisory.datasets import make_multiagency
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "records.db"
    >>> data = make_multiagency(n_cases=20, seed=0)
    >>> with sqlite3.connect(path) as connection:
    ...     for name in SCHEMA:
    ...         _ = getattr(data, name).to_sql(name, connection, index=False)
    >>> records = read_records_sql(f"sqlite:///{path}")
    >>> len(records["cases"]), str(records["cases"]["reference_date"].dtype)
    (20, 'datetime64[s]')
    """
    sqlalchemy = import_optional("sqlalchemy", "sql", "Reading records from a SQL database")
    date_format = check_date_format(date_format, _OWNER)
    names = dict(tables or {})
    unknown = sorted(set(names) - set(SCHEMA))
    if unknown:
        raise ParameterError("tables", _OWNER, f"keyed by record tables {list(SCHEMA)}", unknown)
    if isinstance(database, str):
        try:
            engine = sqlalchemy.create_engine(database)
        except (sqlalchemy.exc.ArgumentError, ImportError) as exc:
            raise InputError(f"{database!r} is not a usable database URL: {exc}") from exc
        owned = True
    elif isinstance(database, sqlalchemy.engine.Engine):
        engine, owned = database, False
    else:
        raise ParameterError(
            "database", _OWNER, "a database URL or a sqlalchemy Engine", type(database).__name__
        )
    try:
        return _read(sqlalchemy, engine, names, schema, date_format)
    finally:
        if owned:
            engine.dispose()


def _read(
    sqlalchemy: Any,
    engine: Any,
    names: dict[str, str],
    schema: str | None,
    date_format: str | None,
) -> dict[str, pd.DataFrame]:
    where = _where(engine)
    try:
        with engine.connect() as connection:
            found = set(sqlalchemy.inspect(connection).get_table_names(schema=schema))
            out: dict[str, pd.DataFrame] = {}
            for name in SCHEMA:
                table_name = names.get(name, name)
                if table_name not in found:
                    raise InputError(
                        f"The database {where} has no table {table_name!r} for the records' "
                        f"{name!r} table; found tables {sorted(found)}. Name it with "
                        f"tables={{{name!r}: '...'}}."
                    )
                table = pd.read_sql_table(table_name, connection, schema=schema)
                for column in _ID_COLUMNS:
                    if column in table.columns:
                        ids = table[column]
                        table[column] = ids.astype(str).where(ids.notna())
                for column in _DATE_COLUMNS[name]:
                    if column in table.columns:
                        table[column] = parse_dates(
                            table[column],
                            where=f"The {name!r} table's {column!r} column ({where})",
                            date_format=date_format,
                        )
                out[name] = table
            return out
    except sqlalchemy.exc.SQLAlchemyError as exc:
        raise InputError(f"The records could not be read from {where}: {exc}") from exc
