"""Reading and writing records as a folder of files, one per table."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from advisory._errors import InputError
from advisory.context._records import SCHEMA

__all__ = ["read_case_ids", "read_records", "read_table", "write_records"]

_SUFFIXES = (".csv", ".csv.gz", ".parquet")


def write_records(data: object, folder: str | os.PathLike[str]) -> Path:
    """Write the six record tables as CSV files (``people.csv``, ...) into ``folder``.

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
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name in SCHEMA:
        table: pd.DataFrame = getattr(data, name)
        table.to_csv(out / f"{name}.csv", index=False)
    return out


def read_records(folder: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Read the six record tables from a folder of CSV or Parquet files.

    Each table is ``<name>.csv``, ``<name>.csv.gz`` or ``<name>.parquet``
    (Parquet needs pyarrow). Dates may be ISO strings; they are checked and
    parsed by :func:`advisory.context.check_records`.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder.

    Returns
    -------
    dict of str to pandas.DataFrame

    Raises
    ------
    advisory.InputError
        If the folder or a table is missing, or a file cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import make_multiagency
    >>> folder = write_records(make_multiagency(n_cases=20, seed=0), tempfile.mkdtemp())
    >>> sorted(read_records(folder))
    ['cases', 'coverage', 'events', 'memberships', 'people', 'relationships']
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(
            f"The records folder {root} does not exist; expected a folder with "
            f"{', '.join(n + '.csv' for n in SCHEMA)} (or .parquet)."
        )
    tables: dict[str, pd.DataFrame] = {}
    for name in SCHEMA:
        found = [
            root / f"{name}{suffix}" for suffix in _SUFFIXES if (root / f"{name}{suffix}").exists()
        ]
        if not found:
            raise InputError(
                f"The records folder {root} has no {name!r} table; expected {name}.csv, "
                f"{name}.csv.gz or {name}.parquet."
            )
        tables[name] = read_table(found[0], text_columns=_ID_COLUMNS)
    return tables


def read_table(path: str | os.PathLike[str], *, text_columns: Iterable[str] = ()) -> pd.DataFrame:
    """Read one table from a CSV (``.csv``, ``.csv.gz``) or Parquet file.

    Parameters
    ----------
    path : str or os.PathLike
        The file. Parquet needs pyarrow.
    text_columns : iterable of str
        CSV columns read as text, not numbers (identifiers, group names).

    Returns
    -------
    pandas.DataFrame

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
        return pd.read_csv(path, dtype={c: str for c in text_columns})
    except ImportError as exc:
        raise InputError(f"Reading {path} needs pyarrow ({exc}); use CSV instead.") from exc
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InputError(f"{path} could not be read as a table: {exc}") from exc


_ID_COLUMNS = ("person_id", "other_id", "household_id", "event_id", "case_id")


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
