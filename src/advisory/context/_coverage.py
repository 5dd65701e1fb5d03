"""Whether a source covered a person over a period, and what the gaps were."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisory.context._index import OPEN, Coverage

__all__ = [
    "CoverageCheck",
    "check_coverage",
    "check_coverage_blocks",
    "day_to_date",
    "describe_gap",
    "iso_day",
]

IntArray = npt.NDArray[np.int64]

_DEFAULT_REASONS = {
    "unavailable": "not available",
    "unmatched": "could not be matched to this agency's records",
    "no_coverage": "no coverage recorded",
}


def day_to_date(days: IntArray) -> npt.NDArray[np.datetime64]:
    """Day numbers as ``datetime64[s]`` values; NaT for open or unknown days."""
    values = np.asarray(days, dtype=np.int64)
    dates = values.astype("datetime64[D]").astype("datetime64[s]")
    dates[np.abs(values) >= OPEN] = np.datetime64("NaT")
    return dates


@dataclass(frozen=True, kw_only=True)
class CoverageCheck:
    """Coverage of (person, agency) queries over ``[first, last]`` periods.

    ``complete`` is true where every day was covered by an available (or not
    applicable) period. ``gap_*`` arrays list each gap with the query it
    belongs to (``gap_query``): a period that was unavailable, unmatched, or
    had no coverage row at all.
    """

    complete: npt.NDArray[np.bool_]
    gap_query: IntArray
    gap_kind: npt.NDArray[np.object_]
    gap_first: IntArray
    gap_last: IntArray
    gap_reason: npt.NDArray[np.object_]


def check_coverage(
    coverage: Coverage,
    n_agencies: int,
    person: IntArray,
    agency: IntArray,
    first: IntArray,
    last: IntArray,
) -> CoverageCheck:
    """Check coverage of each query ``(person, agency, [first, last])``.

    ``coverage`` holds at least every row of the people asked about.
    Periods where ``first > last`` need nothing and are complete.
    """
    group = person * n_agencies + agency
    needed = first <= last
    ok_days, _ = coverage.covered_days(group, first, last)
    complete = ~needed | (ok_days >= last - first + 1)

    # every row of an incomplete query that overlaps its period, in start order
    query = np.flatnonzero(~complete)
    rows, owner = coverage.rows(group[query], first[query], last[query])
    q = query[owner]
    lo = np.maximum(coverage.start[rows], first[q])
    hi = np.minimum(coverage.end[rows], last[q])
    not_ok = ~coverage.ok[rows]
    kinds = [coverage.status[rows][not_ok]]
    queries, firsts, lasts = [q[not_ok]], [lo[not_ok]], [hi[not_ok]]
    reasons = [coverage.reason[rows][not_ok]]

    # holes: days in the period that no row mentions
    starts_group = np.ones(len(q), bool)
    starts_group[1:] = q[1:] != q[:-1]
    previous_end = np.where(starts_group, first[q] - 1, np.roll(hi, 1))
    hole = lo > previous_end + 1
    queries.append(q[hole])
    firsts.append(previous_end[hole] + 1)
    lasts.append(lo[hole] - 1)
    ends_group = np.ones(len(q), bool)
    ends_group[:-1] = q[1:] != q[:-1]
    tail = ends_group & (hi < last[q])
    queries.append(q[tail])
    firsts.append(hi[tail] + 1)
    lasts.append(last[q][tail])
    no_rows = np.setdiff1d(query, q)
    queries.append(no_rows)
    firsts.append(first[no_rows])
    lasts.append(last[no_rows])
    n_holes = sum(len(x) for x in queries[1:])
    kinds.append(np.full(n_holes, "no_coverage", dtype=object))
    reasons.append(np.full(n_holes, None, dtype=object))

    gap_query = np.concatenate(queries)
    order = np.lexsort((np.concatenate(firsts), gap_query))
    return CoverageCheck(
        complete=complete,
        gap_query=gap_query[order],
        gap_kind=np.concatenate(kinds)[order],
        gap_first=np.concatenate(firsts)[order],
        gap_last=np.concatenate(lasts)[order],
        gap_reason=np.concatenate(reasons)[order],
    )


def check_coverage_blocks(
    coverage: Coverage,
    n_agencies: int,
    blocks: list[tuple[IntArray, IntArray, IntArray, IntArray]],
) -> list[CoverageCheck]:
    """:func:`check_coverage` for several blocks of queries in one pass.

    Each block is ``(person, agency, first, last)``; the result for each block
    is what :func:`check_coverage` would give for it alone.
    """
    sizes = np.array([len(block[0]) for block in blocks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    joined = [np.concatenate([block[i] for block in blocks]) for i in range(4)]
    whole = check_coverage(coverage, n_agencies, *joined)
    block_of_gap = np.searchsorted(offsets, whole.gap_query, side="right") - 1
    out = []
    for b in range(len(blocks)):
        chosen = block_of_gap == b
        out.append(
            CoverageCheck(
                complete=whole.complete[offsets[b] : offsets[b + 1]],
                gap_query=whole.gap_query[chosen] - offsets[b],
                gap_kind=whole.gap_kind[chosen],
                gap_first=whole.gap_first[chosen],
                gap_last=whole.gap_last[chosen],
                gap_reason=whole.gap_reason[chosen],
            )
        )
    return out


def iso_day(day: int) -> str:
    """Format a day number as an ISO date.

    Examples
    --------
    >>> iso_day(19_800)
    '2024-03-18'
    """
    return str(np.datetime64(int(day), "D"))


def describe_gap(
    agency: str,
    person_id: str,
    relationship: object,
    kind: str,
    first: int,
    last: int,
    reason: object,
) -> str:
    """One plain sentence for a gap, e.g. for an unknown factor's reason."""
    who = (
        person_id
        if relationship is None
        else f"{person_id} ({str(relationship).replace('_', ' ')})"
    )
    because = reason if isinstance(reason, str) and reason else _DEFAULT_REASONS.get(kind, kind)
    return f"{agency}: no records of {who} from {iso_day(first)} to {iso_day(last)} ({because})"
