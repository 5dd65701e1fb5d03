"""Practitioners' confirmations and rejections of uncertain links, fed back into linkage."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from advisory._checks import check_table
from advisory._dates import parse_dates
from advisory._errors import InputError

__all__ = ["DECISION_COLUMNS", "LinkDecisions"]

#: Columns of a decisions table: which agency record, which linked person,
#: ``confirmed`` or ``rejected``, who decided and when.
DECISION_COLUMNS: Final = (
    "person_id",
    "agency",
    "agency_record_id",
    "decision",
    "decided_by",
    "decided_on",
)
_DECISIONS: Final = ("confirmed", "rejected")


@dataclass(frozen=True)
class LinkDecisions:
    """Recorded answers to "records to confirm", for the next linkage run.

    A confirmed record is merged with the person whatever the model says; a
    rejected one is never merged with that person. ``person_id`` is the
    linked person id of the run that asked (ids are stable between runs
    while the person's case-agency record stays).

    Parameters
    ----------
    table : pandas.DataFrame
        The columns of :data:`DECISION_COLUMNS`; ``decided_on`` an ISO date.

    Raises
    ------
    advisory.InputError
        For a missing column or value, an unknown decision, a date that is
        not ISO 8601, or one record both confirmed and rejected for a person.

    Examples
    --------
    >>> decisions = LinkDecisions(pd.DataFrame({
    ...     "person_id": ["L0123456789"], "agency": ["police"],
    ...     "agency_record_id": ["PN10001"], "decision": ["confirmed"],
    ...     "decided_by": ["A. Worker"], "decided_on": ["2026-12-01"]}))
    >>> len(decisions)
    1
    >>> LinkDecisions(decisions.table.assign(decision="maybe"))
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The link decisions' 'decision' column has ...
    """

    table: pd.DataFrame

    def __post_init__(self) -> None:
        out = check_table(self.table, DECISION_COLUMNS, "The link decisions table")
        for column in ("person_id", "agency", "agency_record_id", "decision", "decided_by"):
            out[column] = out[column].astype(str)
        unknown = sorted(set(out["decision"]) - set(_DECISIONS))
        if unknown:
            raise InputError(
                f"The link decisions' 'decision' column has {unknown}; expected {list(_DECISIONS)}."
            )
        where = "The link decisions' 'decided_on' column"
        dates = parse_dates(out["decided_on"], where=where)  # ISO 8601 only, never guessed
        if dates.isna().any():
            raise InputError(f"{where} is missing for {int(dates.isna().sum())} decisions.")
        out["decided_on"] = dates.dt.date
        key = ["person_id", "agency", "agency_record_id"]
        both = out.groupby(key)["decision"].nunique()
        both = both[both > 1]
        if len(both):
            raise InputError(
                "The link decisions both confirm and reject the same record for the same person: "
                f"{[tuple(k) for k in both.index[:3]]}. Keep the latest decision only."
            )
        object.__setattr__(
            self, "table", out.drop_duplicates(key, keep="last").reset_index(drop=True)
        )

    def __len__(self) -> int:
        return len(self.table)

    @classmethod
    def empty(cls) -> LinkDecisions:
        """Return no decisions.

        Returns
        -------
        LinkDecisions
            An empty set of decisions.
        """
        return cls(pd.DataFrame({c: pd.Series(dtype=object) for c in DECISION_COLUMNS}))

    @classmethod
    def read_csv(cls, path: str | os.PathLike[str]) -> LinkDecisions:
        """Read decisions from a CSV file with the columns of :data:`DECISION_COLUMNS`.

        Parameters
        ----------
        path : str or os.PathLike
            The CSV file.

        Returns
        -------
        LinkDecisions
            The checked decisions.
        """
        file = Path(path)
        if not file.is_file():
            raise InputError(f"The link decisions file {file} does not exist.")
        return cls(pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""]))

    def uids(self, decision: str) -> pd.DataFrame:
        """Return ``person_id`` and ``record_uid`` (``agency:id``) of one kind of decision.

        Parameters
        ----------
        decision : str
            ``"confirmed"`` or ``"rejected"``.

        Returns
        -------
        pandas.DataFrame
            One row per decision of that kind.
        """
        chosen = self.table[self.table["decision"] == decision]
        return pd.DataFrame(
            {
                "person_id": chosen["person_id"].to_numpy(),
                "record_uid": (chosen["agency"] + ":" + chosen["agency_record_id"]).to_numpy(),
            }
        )
