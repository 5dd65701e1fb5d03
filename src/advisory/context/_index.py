"""Records as sorted integer arrays, so any set of cases is looked up fast.

People become integer codes and dates become day numbers. Events are sorted
by (person, day) and coverage by (person, agency, start) under one 64-bit key,
so the events of a person in a window, or the days a source covered, are two
binary searches. The same arrays serve one case and a hundred thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory.context._records import Records
from advisory.context._summary import RecordsSummary

__all__ = ["OPEN", "Coverage", "RecordArrays", "day_numbers", "event_key", "search", "slices"]

IntArray = npt.NDArray[np.int64]

#: Day number standing for "no end" (an open period).
OPEN: Final = 10**7
_SHIFT: Final = 25
_OFFSET: Final = 1 << 24
_SORT_FROM: Final = 4096  # fewer needles than this are searched as given


def _codes_in(values: pd.Series, names: tuple[str, ...]) -> IntArray:
    """Codes of a categorical column in the order of ``names`` (all must be there)."""
    lookup = np.array([names.index(str(c)) for c in values.cat.categories], dtype=np.int64)
    return lookup[values.cat.codes.to_numpy()]


def day_numbers(values: pd.Series, missing: int) -> IntArray:
    """Days since 1970-01-01 of a datetime column, ``missing`` where NaT.

    Days are clipped to ``[-OPEN, OPEN]`` (about 27,000 years either way).
    """
    days = values.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
    out = np.clip(days.astype(np.int64), -OPEN, OPEN)
    out[np.isnat(days)] = missing
    return out


def event_key(group: IntArray, day: IntArray) -> IntArray:
    """One sortable key for (group, day); days lie within ``[-OPEN, OPEN]``."""
    return (group << _SHIFT) + (day + _OFFSET)


def _one_chunk(values: Any) -> Any:
    """Return a column's values with their Arrow chunks joined, or as they are.

    Parquet gives 13 million event ids at 300,000 cases in about a hundred
    chunks, and taking rows from a chunked array cost 15 s over the batch;
    from one array it costs about what the rows are worth.
    """
    if not isinstance(values, pd.arrays.ArrowExtensionArray):
        return values
    import pyarrow as pa  # present: pandas holds the column in Arrow

    arrow = pa.array(values)  # the chunks as they are, no copy
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    return pd.arrays.ArrowExtensionArray(arrow)


def _distinct_days(days: IntArray) -> IntArray:
    """``np.unique(days)``, in one pass when the days span less than the values' count."""
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(days.min()), int(days.max())
    if high - low > len(days) + 100_000:
        return np.unique(days).astype(np.int64)
    return (np.flatnonzero(np.bincount(days - low)) + low).astype(np.int64)


def search(
    haystack: npt.NDArray[Any], needles: npt.NDArray[Any], side: Literal["left", "right"] = "left"
) -> IntArray:
    """``np.searchsorted(haystack, needles, side)``, with the needles searched in sorted order.

    A binary search per needle in random order misses the cache at almost
    every step once ``haystack`` outgrows it, so the cost per needle grew
    about 7x from 184k to 5.5M coverage rows. Sorted needles walk the array
    in order and cost the same at any size (``benchmarks/bench_context.py``).

    Examples
    --------
    >>> search(np.array([10, 20, 30]), np.array([25, 5, 30]), side="right").tolist()
    [2, 0, 3]
    """
    needles = np.asarray(needles)
    if len(needles) < _SORT_FROM:
        return np.searchsorted(haystack, needles, side=side).astype(np.int64)
    order = np.argsort(needles, kind="stable")
    out = np.empty(len(needles), dtype=np.int64)
    out[order] = np.searchsorted(haystack, needles[order], side=side)
    return out


def slices(starts: IntArray, stops: IntArray) -> tuple[IntArray, IntArray]:
    """Concatenated ``range(start, stop)`` for each pair, with the pair index.

    Examples
    --------
    >>> rows, owner = slices(np.array([2, 7]), np.array([4, 8]))
    >>> rows.tolist(), owner.tolist()
    ([2, 3, 7], [0, 0, 1])
    """
    lengths = np.maximum(stops - starts, 0)
    owner = np.repeat(np.arange(len(starts)), lengths)
    first = np.cumsum(lengths) - lengths
    rows = starts[owner] + np.arange(int(lengths.sum())) - first[owner]
    return rows.astype(np.int64), owner.astype(np.int64)


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """Coverage rows sorted by (group, start), a group being ``person * n_agencies + agency``."""

    key: IntArray
    group: IntArray
    start: IntArray
    end: IntArray
    ok: npt.NDArray[np.bool_]  # available or not applicable
    status: npt.NDArray[np.object_]
    reason: npt.NDArray[np.object_]
    ok_before: IntArray  # ok days in all earlier rows (exclusive cumulative sum)
    any_before: IntArray

    @classmethod
    def of(
        cls,
        *,
        group: IntArray,
        start: IntArray,
        end: IntArray,
        ok: npt.NDArray[np.bool_],
        status: npt.NDArray[np.object_],
        reason: npt.NDArray[np.object_],
    ) -> Coverage:
        """Coverage of rows already sorted by (group, start)."""
        length = end - start + 1
        return cls(
            key=event_key(group, start),
            group=group,
            start=start,
            end=end,
            ok=ok,
            status=status,
            reason=reason,
            ok_before=np.concatenate([[0], np.cumsum(length * ok)]).astype(np.int64),
            any_before=np.concatenate([[0], np.cumsum(length)]).astype(np.int64),
        )

    def take(self, rows: IntArray) -> Coverage:
        """Return the given rows (whole groups, in order) as coverage of their own."""
        return Coverage.of(
            group=self.group[rows],
            start=self.start[rows],
            end=self.end[rows],
            ok=self.ok[rows],
            status=self.status[rows],
            reason=self.reason[rows],
        )

    def covered_days(self, group: IntArray, first: IntArray, last: IntArray) -> tuple[Any, Any]:
        """Days in ``[first, last]`` covered (ok, any status) for each group."""
        if len(self.key) == 0:
            none = np.zeros(len(group), dtype=np.int64)
            return none, none
        first_row = search(self.key, event_key(group, np.full(len(group), -OPEN)))
        upto_last = self._upto(group, last)
        upto_before = self._upto(group, first - 1)
        return (
            self._cumulative(first_row, upto_last, last, ok=True)
            - self._cumulative(first_row, upto_before, first - 1, ok=True),
            self._cumulative(first_row, upto_last, last, ok=False)
            - self._cumulative(first_row, upto_before, first - 1, ok=False),
        )

    def _upto(self, group: IntArray, day: IntArray) -> IntArray:
        """Return the last row starting on or before ``day`` of each group (or before it)."""
        return search(self.key, event_key(group, day), side="right") - 1

    def _cumulative(self, first_row: IntArray, row: IntArray, day: IntArray, *, ok: bool) -> Any:
        """Covered days of each group up to and including ``day``."""
        before = self.ok_before if ok else self.any_before
        has = row >= first_row
        row_safe = np.maximum(row, 0)
        counted = self.ok[row_safe] if ok else np.ones(len(row_safe), bool)
        partial = np.where(
            counted,
            np.minimum(day, self.end[row_safe]) - self.start[row_safe] + 1,
            0,
        )
        total = before[row_safe] - before[first_row] + np.maximum(partial, 0)
        return np.where(has, total, 0)

    def rows(self, group: IntArray, first: IntArray, last: IntArray) -> tuple[Any, Any]:
        """Rows of each group overlapping ``[first, last]``, with the query index."""
        lo = search(self.key, event_key(group, np.full(len(group), -OPEN)))
        hi = search(self.key, event_key(group, last), side="right")
        rows, owner = slices(lo, hi)
        overlapping = self.end[rows] >= first[owner]
        return rows[overlapping], owner[overlapping]


@dataclass(frozen=True, kw_only=True)
class RecordArrays:
    """Integer-coded, sorted views of validated :class:`Records`."""

    records: Records
    person_ids: npt.NDArray[np.object_]
    birth: IntArray
    adult_role: npt.NDArray[np.int8]  # 1 adult, 0 child, -1 unknown (from a 'role' column)
    sex: npt.NDArray[np.object_]  # 'female', 'male' or None (from an optional 'sex' column)
    agencies: tuple[str, ...]
    # events, sorted by (person, day)
    ev_key: IntArray
    ev_person: IntArray
    ev_day: IntArray
    ev_agency: IntArray
    ev_type: IntArray  # code into event_types
    ev_row: IntArray  # row in records.events
    ev_start: IntArray  # ev_start[p]: first event of person p (length n_people + 1)
    event_types: tuple[tuple[str, str], ...]  # (agency, event_type) per code
    agency_days: tuple[IntArray, ...]  # the distinct days of each agency's events, sorted
    # memberships, sorted by (person, start) and by (household, start)
    m_person: IntArray
    m_household: IntArray
    m_start: IntArray
    m_end: IntArray
    m_by_person: IntArray  # membership rows ordered by person
    m_person_start: IntArray  # offsets into m_by_person per person
    m_by_household: IntArray
    m_household_start: IntArray
    household_ids: npt.NDArray[np.object_]
    h_first_start: IntArray  # per household: the earliest start of any of its memberships
    # relationships: key child << 32 | other, sorted
    rel_key: IntArray
    rel_value: npt.NDArray[np.object_]
    # coverage, sorted by (person * n_agencies + agency, start)
    coverage: Coverage
    cv_person_start: IntArray  # cv_person_start[p]: first coverage row of person p
    agency_horizon: IntArray  # first covered day of each agency (OPEN if never)
    # cases
    case_ids: npt.NDArray[np.object_]
    case_child: IntArray
    case_day: IntArray
    event_id_values: Any  # the events' event_id column as it is (pandas array), records' order

    @classmethod
    def build(
        cls, records: Records, agencies: tuple[str, ...], summary: RecordsSummary | None = None
    ) -> RecordArrays:
        """Code and sort the records once.

        With a ``summary`` of all the records, each agency's recording days and
        first covered day are taken from it rather than from these records.
        """
        people, codes = records.people, records.person_codes
        person_ids = people["person_id"].to_numpy(dtype=object)
        n_people = len(person_ids)
        birth = day_numbers(people["birth_date"], missing=-OPEN)
        if "role" in people.columns:
            role = people["role"].astype(str).str.lower().to_numpy()
            adult_role = np.where(role == "adult", 1, np.where(role == "child", 0, -1))
        else:
            adult_role = np.full(n_people, -1)
        sex = np.full(n_people, None, dtype=object)
        if "sex" in people.columns:
            words = people["sex"].astype("string").str.strip().str.lower()
            sex[(words == "female").fillna(False).to_numpy(dtype=bool)] = "female"
            sex[(words == "male").fillna(False).to_numpy(dtype=bool)] = "male"

        events = records.events
        ev_person = codes["events.person_id"]
        ev_day = day_numbers(events["date"], missing=-OPEN)
        ev_agency = _codes_in(events["agency"], agencies)
        type_names = events["event_type"].cat.categories
        raw_type = ev_agency * len(type_names) + events["event_type"].cat.codes.to_numpy()
        # np.unique(raw_type, return_inverse=True) without sorting millions of events
        type_values = np.flatnonzero(np.bincount(raw_type, minlength=1))
        lookup = np.zeros(max(len(type_values) and int(type_values[-1]) + 1, 1), dtype=np.int64)
        lookup[type_values] = np.arange(len(type_values))
        type_codes = lookup[raw_type]
        ev_key = event_key(ev_person, ev_day)
        order = np.argsort(ev_key, kind="stable")  # by (person, day): one key, not a lexsort
        ev_key, ev_person, ev_day = ev_key[order], ev_person[order], ev_day[order]
        ev_agency_sorted = ev_agency[order]
        if summary is None:
            agency_days = tuple(
                _distinct_days(ev_day[ev_agency_sorted == a]) for a in range(len(agencies))
            )
        else:
            agency_days = tuple(summary.days(a) for a in agencies)

        memberships = records.memberships
        m_person = codes["memberships.person_id"]
        household_codes, household_ids = pd.factorize(memberships["household_id"])
        m_household = household_codes.astype(np.int64)
        m_start = day_numbers(memberships["start_date"], missing=-OPEN)
        m_end = day_numbers(memberships["end_date"], missing=OPEN)
        m_by_person = np.argsort(event_key(m_person, m_start), kind="stable").astype(np.int64)
        m_by_household = np.argsort(event_key(m_household, m_start), kind="stable").astype(np.int64)
        h_first_start = np.full(len(household_ids), OPEN, dtype=np.int64)
        np.minimum.at(h_first_start, m_household, m_start)

        relationships = records.relationships
        rel_key = (codes["relationships.person_id"] << 32) | codes["relationships.other_id"]
        rel_order = np.argsort(rel_key, kind="stable")

        coverage = records.coverage
        cv_group = codes["coverage.person_id"] * len(agencies) + _codes_in(
            coverage["agency"], agencies
        )
        cv_start = day_numbers(coverage["start_date"], missing=-OPEN)
        cv_end = day_numbers(coverage["end_date"], missing=OPEN)
        cv_order = np.argsort(event_key(cv_group, cv_start), kind="stable")
        cv_group, cv_start, cv_end = cv_group[cv_order], cv_start[cv_order], cv_end[cv_order]
        status = coverage["status"].to_numpy(dtype=object)[cv_order]
        cv_ok = np.isin(status, ["available", "not_applicable"])
        cv_agency = cv_group % max(len(agencies), 1)
        horizon = np.full(len(agencies), OPEN, dtype=np.int64)
        np.minimum.at(horizon, cv_agency[cv_ok], cv_start[cv_ok])
        if summary is not None:
            horizon = np.array([summary.first_covered(a, OPEN) for a in agencies], dtype=np.int64)

        cases = records.cases
        return cls(
            records=records,
            person_ids=person_ids,
            birth=birth,
            adult_role=adult_role.astype(np.int8),
            sex=sex,
            agencies=agencies,
            ev_key=ev_key,
            ev_person=ev_person,
            ev_day=ev_day,
            ev_agency=ev_agency_sorted,
            ev_type=type_codes.astype(np.int64)[order],
            ev_row=order.astype(np.int64),
            ev_start=np.searchsorted(ev_person, np.arange(n_people + 1)).astype(np.int64),
            event_types=tuple(
                (agencies[v // len(type_names)], str(type_names[v % len(type_names)]))
                for v in type_values.tolist()
            ),
            agency_days=agency_days,
            m_person=m_person,
            m_household=m_household,
            m_start=m_start,
            m_end=m_end,
            m_by_person=m_by_person,
            m_person_start=np.searchsorted(m_person[m_by_person], np.arange(n_people + 1)),
            m_by_household=m_by_household,
            m_household_start=np.searchsorted(
                m_household[m_by_household], np.arange(len(household_ids) + 1)
            ),
            household_ids=np.asarray(household_ids, dtype=object),
            h_first_start=h_first_start,
            rel_key=rel_key[rel_order],
            rel_value=relationships["relationship"].to_numpy(dtype=object)[rel_order],
            coverage=Coverage.of(
                group=cv_group,
                start=cv_start,
                end=cv_end,
                ok=cv_ok,
                status=status,
                reason=coverage["reason"].to_numpy(dtype=object)[cv_order],
            ),
            cv_person_start=np.searchsorted(
                cv_group, np.arange(n_people + 1) * len(agencies)
            ).astype(np.int64),
            agency_horizon=horizon,
            case_ids=cases["case_id"].to_numpy(dtype=object),
            case_child=codes["cases.person_id"],
            case_day=day_numbers(cases["reference_date"], missing=-OPEN),
            event_id_values=_one_chunk(events["event_id"].array),
        )

    # -- look-ups used by the computation ---------------------------------------

    def event_ids(self, positions: IntArray) -> npt.NDArray[np.object_]:
        """Return the ``event_id`` of the events at sorted ``positions``.

        Only the ids a result shows become Python strings: the column itself
        stays as read (13 million ids at 300,000 cases).
        """
        taken = self.event_id_values.take(self.ev_row[positions])
        return np.asarray(taken, dtype=object)

    def relationship(self, child: IntArray, other: IntArray) -> npt.NDArray[np.object_]:
        """Return what ``other`` is to ``child``, or ``None`` where no row says."""
        key = (child << 32) | other
        pos = search(self.rel_key, key)
        pos_safe = np.minimum(pos, max(len(self.rel_key) - 1, 0))
        found = (
            (pos < len(self.rel_key)) & (self.rel_key[pos_safe] == key)
            if len(self.rel_key)
            else np.zeros(len(key), bool)
        )
        out = np.full(len(key), None, dtype=object)
        out[found] = self.rel_value[pos_safe[found]]
        return out

    def related(self, child: IntArray) -> tuple[IntArray, IntArray]:
        """Everyone the relationships table relates to each child: ``(query, other)``."""
        lo = np.searchsorted(self.rel_key, child << 32)
        hi = np.searchsorted(self.rel_key, (child + 1) << 32)
        rows, owner = slices(lo, hi)
        return owner, (self.rel_key[rows] & 0xFFFFFFFF).astype(np.int64)

    def coverage_of(self, people: IntArray) -> Coverage:
        """Return the coverage rows of ``people`` (sorted, unique codes) alone.

        A batch's questions are then searched among its own people's rows,
        whose number does not grow with the records (``benchmarks/bench_context.py``).
        """
        rows, _ = slices(self.cv_person_start[people], self.cv_person_start[people + 1])
        return self.coverage.take(rows)

    def latest_agency_day(self, agency: int, before: IntArray) -> IntArray:
        """Latest day of any event of ``agency`` before each day (``-OPEN`` if none)."""
        days = self.agency_days[agency]
        pos = search(days, before) - 1
        return np.where(pos >= 0, days[np.maximum(pos, 0)] if len(days) else -OPEN, -OPEN)
