"""Reading and writing records as a folder of files, one per table."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from advisory._errors import InputError
from advisory.context._records import SCHEMA

__all__ = ["read_records", "write_records"]

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
    parsed by :func:`advisory.context.validate_records`.

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
        path = found[0]
        try:
            if path.suffix == ".parquet":
                tables[name] = pd.read_parquet(path)
            else:
                tables[name] = pd.read_csv(path, dtype={c: str for c in _ID_COLUMNS})
        except ImportError as exc:
            raise InputError(f"Reading {path} needs pyarrow ({exc}); use CSV instead.") from exc
        except (ValueError, OSError, pd.errors.ParserError) as exc:
            raise InputError(f"{path} could not be read as a table: {exc}") from exc
    return tables


_ID_COLUMNS = ("person_id", "other_id", "household_id", "event_id", "case_id")
