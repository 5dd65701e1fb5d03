"""The context's per-case tables of a batch, read once, with their rows by case."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from advisory.prompts._columns import Groups
from advisory.prompts._words import event_words

if TYPE_CHECKING:
    from advisory.context import CaseContext

__all__ = ["CaseTables", "iso"]


def iso(value: Any) -> str | None:
    """Return a timestamp-like value as an ISO date; ``None`` when missing."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text in ("NaT", "nan", "None", ""):
        return None
    return text[:10]


class CaseTables:
    """The tables a review reads, as Python columns grouped by case."""

    def __init__(self, context: CaseContext) -> None:
        self.context = context
        self.household = Groups(
            context.household,
            ["case_id"],
            ["person_id", "relationship", "age", "sex", "moved_in"],
        )
        self.records = Groups(
            context.records, ["case_id"], ["person_id", "agency", "event_type", "event_id", "date"]
        )
        self.gaps = Groups(
            context.gaps,
            ["case_id"],
            ["kind", "agency", "person_id", "relationship", "start_date", "end_date", "reason"],
        )
        self.connected = Groups(
            context.connected, ["case_id"], ["person_id", "relationship", "sex", "age", "left_on"]
        )
        self.to_confirm = Groups(
            context.to_confirm,
            ["case_id"],
            ["person_id", "agency", "agency_record_id", "described_as", "differences"],
        )
        self._iso: dict[Any, str | None] = {}

    @functools.cached_property
    def provenance(self) -> Groups:
        """The records behind each factor value, by case and factor."""
        return Groups(
            self.context.provenance,
            ["case_id", "factor"],
            ["person_id", "event_type", "date", "event_id"],
        )

    @functools.cached_property
    def reference_dates(self) -> dict[str, str]:
        """Return each case's reference date (ISO), by case id."""
        cases = self.context.cases
        out = {}
        for case, value in zip(
            cases["case_id"].astype(str).tolist(), cases["reference_date"].tolist(), strict=True
        ):
            day = iso(value)
            if day is not None:
                out[case] = day
        return out

    @functools.cached_property
    def record_rows(self) -> tuple[list[str | None], list[tuple[Any, Any]], list[str]]:
        """Return each record's ISO date, ``(agency, event_type)`` and type in words, once."""
        cols = self.records.columns
        dates = [self.day(v) for v in cols["date"]]
        pairs = list(zip(cols["agency"], cols["event_type"], strict=True))
        memo: dict[Any, str] = {}
        kinds = [memo.get(t) or memo.setdefault(t, event_words(str(t))) for t in cols["event_type"]]
        return dates, pairs, kinds

    def day(self, value: Any) -> str | None:
        """Return the ISO date of a table's value (remembered per batch: dates repeat)."""
        try:
            return self._iso[value]
        except KeyError:
            found = self._iso[value] = iso(value)
            return found
        except TypeError:
            return iso(value)
