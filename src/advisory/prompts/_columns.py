"""Context tables as Python columns, with their rows found by key (no pandas per case)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from typing import Any, Final

import numpy as np
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
    """Row positions of a context table by key, with its columns as Python lists."""

    def __init__(self, table: pd.DataFrame, keys: list[str], columns: Sequence[str]) -> None:
        self.columns = python_columns(table, [*keys, *(c for c in columns if c not in keys)])
        self.index: dict[Hashable, list[int]] = {}
        key_columns = [self.columns[k] for k in keys]
        keyed = zip(*key_columns, strict=True) if len(keys) > 1 else key_columns[0]
        found = self.index
        for i, key in enumerate(keyed):
            rows = found.get(key)
            if rows is None:
                found[key] = [i]
            else:
                rows.append(i)

    def __bool__(self) -> bool:
        return bool(self.index)

    def rows(self, key: Hashable) -> list[int]:
        """Row positions holding ``key`` (an empty list when none)."""
        return self.index.get(key, [])
