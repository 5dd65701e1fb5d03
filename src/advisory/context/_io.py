"""Reading and writing records as a folder of files, one per table."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import pandas as pd

from advisory._dates import check_date_format, parse_dates
from advisory._errors import InputError, MissingExtraError
from advisory._files import COMPLETE_MARKER, atomic_file, make_folder, mark_complete
from advisory.context._records import LINK_COLUMNS, SCHEMA

__all__ = [
    "read_case_ids",
    "read_record_tables",
    "read_records",
    "read_snapshot_date",
    "read_table",
    "write_records",
]

_SUFFIXES = (".csv", ".csv.gz", ".parquet")
#: The small file beside the tables that holds what is not a table: the
#: records' extract date (``{"snapshot_date": "2026-06-30"}``).
METADATA: Final = "records.json"
_OPTIONAL: Final = ("uncertain_links",)


def _write_metadata(data: object, out: Path) -> None:
    """Write the extract date beside the tables (atomically), when the records have one."""
    snapshot = getattr(data, "snapshot_date", None)
    if snapshot is None or pd.isna(snapshot):
        return
    text = json.dumps({"snapshot_date": pd.Timestamp(snapshot).date().isoformat()}) + "\n"
    with atomic_file(out / METADATA) as handle:
        handle.write(text)


def _iso_snapshot(value: str, where: str) -> dict[str, Any]:
    """Read one extract date as ISO 8601 (never guessed); ``where`` names its file and key."""
    try:
        return {"snapshot_date": pd.Timestamp(pd.to_datetime(value, format="%Y-%m-%d"))}
    except ValueError as exc:
        raise InputError(
            f"{where} holds {value!r}; expected an ISO date such as '2026-06-30'."
        ) from exc


def _read_metadata(root: Path) -> dict[str, Any]:
    """Read the extract date written by :func:`write_records` (or the linkage), if there."""
    path = root / METADATA
    if not path.exists():
        text = root / "snapshot_date.txt"  # written by advisory.linkage beside its records
        if not text.exists():
            return {}
        line = text.read_text(encoding="utf-8").strip()
        return _iso_snapshot(line, f"The records' {text.name}")
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"The records metadata {path} is not readable JSON: {exc}.") from exc
    value = found.get("snapshot_date") if isinstance(found, dict) else None
    if not isinstance(value, str):
        raise InputError(
            f"The records metadata {path} must hold an ISO date under 'snapshot_date' "
            f"(such as '2026-06-30'); found {found!r}."
        )
    return _iso_snapshot(value, f"The records metadata {path}, under 'snapshot_date',")


def write_records(data: object, folder: str | os.PathLike[str]) -> Path:
    """Write the six record tables as CSV files (``people.csv``, ...) into ``folder``.

    Each file is written whole or not at all (a temporary file, then a rename),
    dates as ISO 8601, and the marker ``.advisory-complete.json`` last. The
    records' extract date (``data.snapshot_date``), when there is one, is
    written beside them in ``records.json``, so a review of records read back
    says the same "records as of" date; an ``uncertain_links`` table, when
    there is one, is written too.

    Parameters
    ----------
    data : object
        Anything with the tables of :data:`advisory.context.SCHEMA` as attributes.
    folder : str or os.PathLike
        Created if missing.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    out = make_folder(folder, "records folder")
    (out / COMPLETE_MARKER).unlink(missing_ok=True)
    for name in SCHEMA:
        table: pd.DataFrame = getattr(data, name)
        with atomic_file(out / f"{name}.csv") as handle:
            table.to_csv(handle, index=False, date_format="%Y-%m-%d")
    links = getattr(data, "uncertain_links", None)
    if isinstance(links, pd.DataFrame):
        with atomic_file(out / "uncertain_links.csv") as handle:
            links.to_csv(handle, index=False)
    _write_metadata(data, out)
    mark_complete(out)
    return out


def read_snapshot_date(folder: str | os.PathLike[str]) -> pd.Timestamp | None:
    """Return the extract date recorded beside record tables, or None when there is none.

    It is the ``snapshot_date`` of ``records.json`` (written by
    :func:`write_records`) or of ``snapshot_date.txt`` (written by the
    linkage), read as ISO 8601; :func:`read_records` gives it with the tables.
    Readers of the tables elsewhere (``advisory.spark``) take it from here.

    Parameters
    ----------
    folder : str or os.PathLike
        The records folder.

    Returns
    -------
    pandas.Timestamp or None
        The extract date, or None when the folder records none.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import make_multiagency
    >>> folder = write_records(make_multiagency(n_cases=20, seed=0), tempfile.mkdtemp())
    >>> read_snapshot_date(folder).date().isoformat()
    '2026-06-30'
    """
    found: pd.Timestamp | None = _read_metadata(Path(folder)).get("snapshot_date")
    return found


def read_records(
    folder: str | os.PathLike[str], *, date_format: str | None = None
) -> dict[str, Any]:
    """Read the six record tables from a folder of CSV or Parquet files.

    The optional ``uncertain_links`` table is read when present, and the
    extract date from ``records.json`` (written by :func:`write_records`)
    under the key ``snapshot_date``.

    Each table is ``<name>.csv``, ``<name>.csv.gz`` or ``<name>.parquet``
    (Parquet needs pyarrow). Dates are read as ISO 8601, or in ``date_format``
    when given; they are never guessed.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder.
    date_format : str, optional
        The strftime format of the date columns, such as ``"%d/%m/%Y"``
        (``--date-format`` on the command line); default ISO 8601. A value
        not in that format is an error naming the table, column and value.

    Returns
    -------
    dict
        The record tables by name, ready for :func:`build_context`, and
        ``snapshot_date`` when the folder records it.

    Raises
    ------
    advisory.InputError
        If the folder or a table is missing, a file cannot be read, or a date
        is not ISO 8601 (or not in ``date_format``).

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import make_multiagency
    >>> folder = write_records(make_multiagency(n_cases=20, seed=0), tempfile.mkdtemp())
    >>> sorted(read_records(folder))
    ['cases', 'coverage', 'events', 'memberships', 'people', 'relationships', 'snapshot_date']
    >>> read_records(folder)["snapshot_date"].date().isoformat()
    '2026-06-30'
    """
    date_format = check_date_format(date_format, "read_records")
    root = Path(folder)
    if not root.is_dir():
        raise InputError(
            f"The records folder {root} does not exist; expected a folder with "
            f"{', '.join(n + '.csv' for n in SCHEMA)} (or .parquet)."
        )
    tables: dict[str, Any] = {}
    for name in _OPTIONAL:
        found = [
            root / f"{name}{suffix}" for suffix in _SUFFIXES if (root / f"{name}{suffix}").exists()
        ]
        if found:
            tables[name] = read_table(found[0], text_columns=LINK_COLUMNS, empty_only=True)
    for name in SCHEMA:
        found = [
            root / f"{name}{suffix}" for suffix in _SUFFIXES if (root / f"{name}{suffix}").exists()
        ]
        if not found:
            raise InputError(
                f"The records folder {root} has no {name!r} table; expected {name}.csv, "
                f"{name}.csv.gz or {name}.parquet."
            )
        table = read_table(found[0], text_columns=_ID_COLUMNS, empty_only=True)
        for column in _DATE_COLUMNS[name]:
            if column in table.columns:
                table[column] = parse_dates(
                    table[column],
                    where=f"The {name!r} table's {column!r} column ({found[0].name})",
                    date_format=date_format,
                )
        tables[name] = table
    tables.update(_read_metadata(root))
    return {name: tables[name] for name in sorted(tables)}


def read_record_tables(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], list[InputError]]:
    """Read a records folder as it is, for a check that lists every problem.

    Identifier columns are read as text and dates are left as written (they
    are parsed by :func:`advisory.context.find_problems`); a missing or
    unreadable table or extract date is a problem, not an error.

    Parameters
    ----------
    folder : str or os.PathLike
        The records folder.

    Returns
    -------
    tables : dict
        The tables found (and ``snapshot_date`` when recorded).
    problems : list of advisory.InputError
        What could not be read.

    Raises
    ------
    advisory.InputError
        If the folder does not exist.

    Examples
    --------
    >>> import tempfile
    >>> tables, problems = read_record_tables(tempfile.mkdtemp())
    >>> tables, len(problems), "has no 'people' table" in str(problems[0])
    ({}, 6, True)
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(
            f"The records folder {root} does not exist; expected a folder with "
            f"{', '.join(n + '.csv' for n in SCHEMA)} (or .parquet)."
        )
    tables: dict[str, Any] = {}
    problems: list[InputError] = []
    for name in (*_OPTIONAL, *SCHEMA):
        found = [
            root / f"{name}{suffix}" for suffix in _SUFFIXES if (root / f"{name}{suffix}").exists()
        ]
        if not found:
            if name in SCHEMA:
                problems.append(
                    InputError(
                        f"The records folder {root} has no {name!r} table; expected "
                        f"{name}.csv, {name}.csv.gz or {name}.parquet."
                    )
                )
            continue
        columns = LINK_COLUMNS if name in _OPTIONAL else _ID_COLUMNS
        try:
            tables[name] = read_table(found[0], text_columns=columns, empty_only=True)
        except InputError as problem:
            problems.append(problem)
    try:
        tables.update(_read_metadata(root))
    except InputError as problem:
        problems.append(problem)
    return tables, problems


def read_table(
    path: str | os.PathLike[str], *, text_columns: Iterable[str] = (), empty_only: bool = False
) -> pd.DataFrame:
    """Read one table from a CSV (``.csv``, ``.csv.gz``) or Parquet file.

    Parameters
    ----------
    path : str or os.PathLike
        The file. Parquet needs pyarrow.
    text_columns : iterable of str
        CSV columns read as text, not numbers (identifiers, group names).
    empty_only : bool, default False
        Read only empty CSV fields as missing; by default pandas also reads
        ``NA``, ``null``, ``nan`` (a grandmother in a relationship code) and
        the like as missing. Record tables are read with ``True``.

    Returns
    -------
    pandas.DataFrame
        The table as read.

    Raises
    ------
    advisory.InputError
        If the file is missing or cannot be read, naming the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> _ = path.write_text("case_id,score" + chr(10) + "007,0.2" + chr(10))
    >>> read_table(path, text_columns=["case_id"])["case_id"].tolist()
    ['007']
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"The table file {path} does not exist.")
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        if empty_only:
            return pd.read_csv(
                path, dtype={c: str for c in text_columns}, keep_default_na=False, na_values=[""]
            )
        return pd.read_csv(path, dtype={c: str for c in text_columns})
    except ImportError as exc:
        raise MissingExtraError("pyarrow", "parquet", f"Reading {path}") from exc
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path} could not be read as a table: {exc}") from exc


_ID_COLUMNS = ("person_id", "other_id", "household_id", "event_id", "case_id")
_DATE_COLUMNS = {
    "people": ("birth_date",),
    "memberships": ("start_date", "end_date"),
    "relationships": (),
    "events": ("date",),
    "coverage": ("start_date", "end_date"),
    "cases": ("reference_date",),
}


def read_case_ids(path: str | os.PathLike[str]) -> list[str]:
    """Read a list of cases: a CSV or Parquet file with a ``case_id`` column.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    list of str
        The case ids, in file order.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cases.csv"
    >>> _ = path.write_text("case_id" + chr(10) + "C0000002" + chr(10))
    >>> read_case_ids(path)
    ['C0000002']
    """
    if not Path(path).is_file():
        raise InputError(f"The cases file {path} does not exist; give a CSV with a case_id column.")
    table = read_table(path, text_columns=["case_id"])
    if "case_id" not in table.columns:
        raise InputError(
            f"The cases file {path} has no 'case_id' column; found {list(table.columns)}. "
            "Add a case_id column listing the cases."
        )
    if table["case_id"].isna().any():
        raise InputError(f"The cases file {path} has empty case_id values; fill or remove them.")
    return [str(c) for c in table["case_id"]]
