"""What only all the records can say, for an index built on part of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisory._errors import InputError

__all__ = ["RecordsSummary"]


@dataclass(frozen=True, kw_only=True)
class RecordsSummary:
    """Facts about all the records that part of them cannot give.

    A few parts of a case's context look beyond the case's own people: a
    source is reported stale when it recorded nothing for *anyone* in the
    days before the reference date; an "ever" factor reads a source from the
    first day its coverage of *anyone* starts; and without a given extract
    date, the latest reference date of *all* cases stands for it. An index
    built on a part of the records (one group of households on Spark, say)
    gives the same context as the whole when it is handed these facts:
    ``index_records(part, definitions, summary=whole.summary())``.

    Parameters
    ----------
    agency_days : mapping of str to array of datetime64[D]
        For each agency, the days on which it recorded an event of anyone
        (any order; repeats allowed). An agency not listed recorded nothing.
    coverage_start : mapping of str to datetime.date
        For each agency, the first day of its available (or not applicable)
        coverage of anyone. An agency not listed covered no one.
    snapshot_date : datetime.date
        The records' extract date: given with them, else the latest
        reference date of all their cases.

    Examples
    --------
    >>> from advisory.context import index_records
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import load_definitions, reference_root
    >>> definitions = load_definitions(reference_root())
    >>> data = make_multiagency(n_cases=60, seed=2)
    >>> summary = index_records(data, definitions).summary()
    >>> sorted(summary.agency_days)[:2], summary.snapshot_date.year > 2000
    (['childrens_social_care', 'education'], True)
    """

    agency_days: Mapping[str, npt.NDArray[np.datetime64]]
    coverage_start: Mapping[str, dt.date]
    snapshot_date: dt.date

    def __post_init__(self) -> None:
        if not isinstance(self.snapshot_date, dt.date):
            raise InputError(
                "The 'snapshot_date' of a RecordsSummary must be a datetime.date; "
                f"got {type(self.snapshot_date).__name__} instead."
            )
        for agency, start in self.coverage_start.items():
            if not isinstance(start, dt.date):
                raise InputError(
                    f"The 'coverage_start' of agency {agency!r} in a RecordsSummary must be a "
                    f"datetime.date; got {type(start).__name__} instead."
                )

    def days(self, agency: str) -> npt.NDArray[np.int64]:
        """Return the agency's recording days as day numbers since 1970-01-01.

        Parameters
        ----------
        agency : str
            The agency (source) name.

        Returns
        -------
        numpy.ndarray of int64
            The distinct days, sorted (empty if it recorded nothing).
        """
        values = np.asarray(self.agency_days.get(agency, ()), dtype="datetime64[D]")
        return np.unique(values.astype(np.int64))

    def first_covered(self, agency: str, never: int) -> int:
        """Return the agency's first covered day as a day number since 1970-01-01.

        Parameters
        ----------
        agency : str
            The agency (source) name.
        never : int
            What to return when it covered no one.

        Returns
        -------
        int
            The day number, or ``never``.
        """
        start = self.coverage_start.get(agency)
        if start is None:
            return never
        return int(np.datetime64(start, "D").astype(np.int64))
