"""Build case context: validate and index records once, then compute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import fields

import numpy as np
import pandas as pd

from advisory._checks import check_ids, check_int
from advisory._errors import InputError
from advisory.context._compute import compute_context
from advisory.context._index import OPEN, RecordArrays
from advisory.context._records import check_records
from advisory.context._result import CaseContext
from advisory.context._summary import RecordsSummary
from advisory.definitions import Definitions

__all__ = ["RecordIndex", "build_context", "index_records"]

_OWNER = "build_context"


class RecordIndex:
    """Validated records, coded and sorted once, ready to give any case's context.

    Build it with :func:`index_records`. Host systems keep one and call
    :meth:`context` per case; a batch goes through exactly the same
    computation, so the results are identical.

    Parameters
    ----------
    data : object or mapping
        The six tables of :data:`advisory.context.SCHEMA`.
    definitions : advisory.definitions.Definitions
        The model specification (factors) and catalogue (record vocabulary).
    lookback_days : int, default=365
        Window for each household member's recent records by agency.
    stale_after_days : int, default=90
        A source with no record of anyone in this many days before a
        reference date is reported stale.
    chunk_size : int, default=10_000
        Cases computed together; larger batches are split into chunks (the
        arrays of one chunk then stay about the same size at any scale).
    date_format : str, optional
        The ``strftime`` format of dates held as text (for example
        ``"%d/%m/%Y"``); without it, text dates must be ISO 8601.
    summary : RecordsSummary, optional
        What only all the records can say, when ``data`` is a part of them
        (see :class:`RecordsSummary`); by default ``data`` is taken as all
        the records.
    """

    def __init__(
        self,
        data: object,
        definitions: Definitions,
        *,
        lookback_days: int = 365,
        stale_after_days: int = 90,
        chunk_size: int = 10_000,
        date_format: str | None = None,
        summary: RecordsSummary | None = None,
    ) -> None:
        if not isinstance(definitions, Definitions):
            raise InputError(
                "The 'definitions' parameter must be an advisory.definitions.Definitions "
                f"(from load_definitions); got {type(definitions).__name__} instead."
            )
        self.lookback_days = check_int(lookback_days, "lookback_days", _OWNER, minimum=1)
        self.stale_after_days = check_int(stale_after_days, "stale_after_days", _OWNER, minimum=1)
        self.chunk_size = check_int(chunk_size, "chunk_size", _OWNER, minimum=1)
        self.definitions = definitions
        if summary is not None and not isinstance(summary, RecordsSummary):
            raise InputError(
                "The 'summary' parameter must be an advisory.context.RecordsSummary; "
                f"got {type(summary).__name__} instead."
            )
        records = check_records(
            data,
            definitions.catalogue,
            date_format=date_format,
            outcome_column=definitions.spec.outcome.column,
        )
        #: Data problems found in the records but not refused (see
        #: :func:`~advisory.context.check_records`).
        self.problems: pd.DataFrame = records.problems
        #: The records' extraction date: ``snapshot_date`` of the records when
        #: they give one, else the latest reference date of all their cases
        #: (the same for every case asked for; with a ``summary``, its date).
        self.snapshot_date: dt.date
        if records.snapshot_date is not None:
            self.snapshot_date = records.snapshot_date.date()
        elif summary is not None:
            self.snapshot_date = summary.snapshot_date
        else:
            self.snapshot_date = pd.Timestamp(records.cases["reference_date"].max()).date()
        self.arrays = RecordArrays.build(records, definitions.catalogue.source_names, summary)
        self._case_position: pd.Index = pd.Index(records.cases["case_id"])
        self._key_types = tuple(
            (source.name, event_type)
            for source in definitions.catalogue.sources
            for event_type in source.key_history
        )

    def summary(self) -> RecordsSummary:
        """Return what only all these records can say, for an index of a part of them.

        Returns
        -------
        RecordsSummary
            Each agency's recording days and first covered day, and the
            snapshot date, as this index uses them.
        """
        arrays = self.arrays
        return RecordsSummary(
            agency_days={
                agency: arrays.agency_days[a].astype("datetime64[D]")
                for a, agency in enumerate(arrays.agencies)
                if len(arrays.agency_days[a])
            },
            coverage_start={
                agency: dt.date(1970, 1, 1) + dt.timedelta(days=int(arrays.agency_horizon[a]))
                for a, agency in enumerate(arrays.agencies)
                if arrays.agency_horizon[a] < OPEN
            },
            snapshot_date=self.snapshot_date,
        )

    @property
    def case_ids(self) -> pd.Index:
        """Every case id in the records, in order."""
        return self._case_position

    def context(self, case_ids: Iterable[str] | None = None) -> CaseContext:
        """Return the context of the given cases (default: every case).

        Parameters
        ----------
        case_ids : iterable of str, optional
            Which cases, in the order wanted.

        Returns
        -------
        CaseContext
            Factors, provenance, household and gaps of those cases.

        Raises
        ------
        advisory.InputError
            If a case id is not in the records.
        """
        if case_ids is None:
            positions = np.arange(len(self._case_position))
        else:
            wanted = pd.Index(check_ids(case_ids, "case_ids", "RecordIndex.context"))
            positions = self._case_position.get_indexer(wanted)
            if (positions < 0).any():
                missing = list(wanted[positions < 0][:5])
                raise InputError(
                    f"Unknown case ids {missing}: they are not in the records' 'cases' table."
                )
        chunks = [
            compute_context(
                self.arrays,
                self.definitions.spec,
                positions[start : start + self.chunk_size],
                lookback_days=self.lookback_days,
                stale_after_days=self.stale_after_days,
                key_types=self._key_types,
            )
            for start in range(0, max(len(positions), 1), self.chunk_size)
        ]
        if len(chunks) == 1:
            return chunks[0]
        return CaseContext(
            **{
                f.name: pd.concat(
                    [getattr(c, f.name) for c in chunks],
                    ignore_index=f.name != "factors",
                )
                for f in fields(CaseContext)
            }
        )


def index_records(
    data: object,
    definitions: Definitions,
    *,
    lookback_days: int = 365,
    stale_after_days: int = 90,
    date_format: str | None = None,
    summary: RecordsSummary | None = None,
) -> RecordIndex:
    """Validate and index multi-agency records for fast case look-ups.

    Parameters
    ----------
    data : object or mapping
        The six tables of :data:`advisory.context.SCHEMA` (for example from
        :func:`advisory.datasets.make_multiagency`).
    definitions : advisory.definitions.Definitions
        The model specification (factors) and catalogue (record vocabulary).
    lookback_days : int, default=365
        Window for each household member's recent records by agency.
    stale_after_days : int, default=90
        A source with no record of anyone for this many days before a
        reference date is reported as stale.
    date_format : str, optional
        The strftime format of text dates (``"%d/%m/%Y"``); default ISO 8601.
        See :func:`~advisory.context.check_records`.
    summary : RecordsSummary, optional
        What only all the records can say, when ``data`` is a part of them:
        the part then gives its cases the context the whole would give (see
        :class:`RecordsSummary`).

    Returns
    -------
    RecordIndex
        The records, checked and indexed for single-case look-ups.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import load_definitions, reference_root
    >>> definitions = load_definitions(reference_root())
    >>> index = index_records(make_multiagency(n_cases=60, seed=2), definitions)
    >>> one = index.context([index.case_ids[0]])
    >>> one.factors.shape
    (1, 24)
    """
    return RecordIndex(
        data,
        definitions,
        lookback_days=lookback_days,
        stale_after_days=stale_after_days,
        date_format=date_format,
        summary=summary,
    )


def build_context(
    data: object,
    definitions: Definitions,
    *,
    case_ids: Iterable[str] | None = None,
    lookback_days: int = 365,
    stale_after_days: int = 90,
    date_format: str | None = None,
) -> CaseContext:
    """Compute the point-in-time context of cases from multi-agency records.

    For each case, every factor of the specification is computed **as of the
    case's reference date** from records dated strictly before it, with the
    records behind each value (provenance), every household member on that
    date listed separately with their own recent records, and every gap in
    what the agencies shared. A factor whose source did not cover someone it
    counts is unknown (NaN) with the reason, never 0.

    Parameters
    ----------
    data : object or mapping
        The six tables of :data:`advisory.context.SCHEMA`.
    definitions : advisory.definitions.Definitions
        The model specification and catalogue.
    case_ids : iterable of str, optional
        Which cases (default: all).
    lookback_days, stale_after_days : int
        See :func:`index_records`.
    date_format : str, optional
        The strftime format of text dates; default ISO 8601 (see
        :func:`~advisory.context.check_records`).

    Returns
    -------
    CaseContext
        Factors, provenance, household and gaps of every case.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import load_definitions, reference_root
    >>> context = build_context(
    ...     make_multiagency(n_cases=80, seed=4), load_definitions(reference_root())
    ... )
    >>> list(context.factors.columns[:2])
    ['child_prior_referrals', 'child_previous_protection_plan']
    """
    index = index_records(
        data,
        definitions,
        lookback_days=lookback_days,
        stale_after_days=stale_after_days,
        date_format=date_format,
    )
    return index.context(case_ids)
