"""Context tables as Python columns, with their rows found by key (no pandas per case)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Groups", "as_date", "python_columns"]

# Up to this many rows a table is read with one conversion of the whole frame
# (cheapest for a single case); larger tables are read column by column.
_SMALL: Final = 5_000


def as_date(value: Any) -> dt.date | None:
    """Return a timestamp-like value as a date; ``None`` for missing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return pd.Timestamp(value).date()


def python_columns(table: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[Any]]:
    """Return the ``columns`` of ``table`` as Python lists, in row order."""
    if not len(table):
        return {c: [] for c in columns}
    if len(table) <= _SMALL:
        names = table.columns.tolist()
        values = table.to_numpy(dtype=object)
        return {c: values[:, names.index(c)].tolist() for c in columns}
    out: dict[str, list[Any]] = {}
    for c in columns:
        column = table[c]
        if column.dtype.kind == "M":  # ISO text straight from numpy ('NaT' when missing)
            out[c] = column.to_numpy(dtype="datetime64[D]").astype(str).tolist()
        else:
            out[c] = column.tolist()
    return out


class Groups:
    """Row positions of a context table by key, with its columns as Python lists.

    The index by key is built on the first :meth:`rows` call (a batch that
    reads the table column-wise never pays for it).
    """

    def __init__(self, table: pd.DataFrame, keys: list[str], columns: Sequence[str]) -> None:
        self.frame = table
        self.keys = keys
        self.columns = python_columns(table, [*keys, *(c for c in columns if c not in keys)])

    @functools.cached_property
    def index(self) -> dict[Hashable, list[int]]:
        """Row positions by key."""
        found: dict[Hashable, list[int]] = {}
        key_columns = [self.columns[k] for k in self.keys]
        keyed = zip(*key_columns, strict=True) if len(self.keys) > 1 else key_columns[0]
        for i, key in enumerate(keyed):
            rows = found.get(key)
            if rows is None:
                found[key] = [i]
            else:
                rows.append(i)
        return found

    def __bool__(self) -> bool:
        return bool(self.index)

    def rows(self, key: Hashable) -> list[int]:
        """Row positions holding ``key`` (an empty list when none)."""
        return self.index.get(key, [])

    def days(self, column: str, day: Callable[[Any], str | None]) -> npt.NDArray[np.datetime64]:
        """Return a date column as days (``NaT`` when missing), read as ``day`` reads a value."""
        if len(self.frame) > _SMALL:  # read column-wise (values one by one when few)
            values = self.frame[column]
            if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
                return values.to_numpy(dtype="datetime64[D]")
        return np.array([day(v) or "NaT" for v in self.columns[column]], dtype="datetime64[D]")
