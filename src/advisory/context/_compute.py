"""The context of a set of cases: factors, provenance, household and gaps.

One computation gives everything for any set of cases from the same coded
arrays, so one case and a batch give identical results by construction.
Only records dated strictly before a case's reference date are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory.context._coverage import (
    CoverageCheck,
    check_coverage_blocks,
    day_to_date,
    describe_gap,
)
from advisory.context._household import household_changes, household_members
from advisory.context._index import OPEN, RecordArrays, event_key, search, slices
from advisory.context._result import CaseContext
from advisory.definitions import FactorSpec, ModelSpec

__all__ = ["compute_context"]

IntArray = npt.NDArray[np.int64]

_PROVENANCE = (
    "case_id",
    "factor",
    "person_id",
    "relationship",
    "agency",
    "event_id",
    "event_type",
    "date",
)
_GAP_KINDS = ("no_coverage", "unavailable", "unmatched")
_CheckKey = tuple[str, int, int | None]
_NONE = np.array(None, dtype=object)


@dataclass(frozen=True)
class _Events:
    """The events of the people in a set of cases, still sorted by (person, day)."""

    key: IntArray
    row: IntArray  # position in the record arrays
    agency: IntArray
    type: IntArray
    day: IntArray

    @classmethod
    def of(cls, arrays: RecordArrays, people: IntArray) -> _Events:
        rows, _ = slices(arrays.ev_start[people], arrays.ev_start[people + 1])
        return cls(
            key=arrays.ev_key[rows],
            row=rows,
            agency=arrays.ev_agency[rows],
            type=arrays.ev_type[rows],
            day=arrays.ev_day[rows],
        )

    def window(self, person: IntArray, first: IntArray, stop: IntArray) -> tuple[Any, Any]:
        """Positions ``[lo, hi)`` of each person's events dated ``first <= day < stop``."""
        lo = search(self.key, event_key(person, first))
        hi = search(self.key, event_key(person, stop))
        return lo, hi


#: Text columns use pandas' string dtype with Python storage: the same ``str``
#: dtype as pandas' default, built several times faster for the small tables of
#: a single case, and available without pyarrow (the core install).
_TEXT = pd.StringDtype(storage="python", na_value=np.nan)


def _frame(columns: dict[str, Any], index: pd.Index | None = None) -> pd.DataFrame:
    """Build a table whose text columns are always pandas strings, even when empty."""
    return pd.DataFrame(
        {
            name: pd.array(values, dtype=_TEXT)
            if getattr(values, "dtype", None) == np.dtype(object)
            else values
            for name, values in columns.items()
        },
        index=index,
    )


def _coverage_status(check: CoverageCheck) -> npt.NDArray[np.object_]:
    """'available' where complete, else the kinds of gap found, joined by commas."""
    flags = np.zeros(len(check.complete), dtype=np.int64)
    for bit, name in enumerate(_GAP_KINDS):
        chosen = check.gap_kind == name
        np.bitwise_or.at(flags, check.gap_query[chosen], 1 << bit)
    words = np.array(
        [
            ", ".join(name for bit, name in enumerate(_GAP_KINDS) if mask & (1 << bit))
            for mask in range(1 << len(_GAP_KINDS))
        ],
        dtype=object,
    )
    return np.where(check.complete, "available", words[flags]).astype(object)


class _Computation:
    def __init__(
        self,
        arrays: RecordArrays,
        spec: ModelSpec,
        positions: IntArray,
        *,
        lookback_days: int,
        stale_after_days: int,
        key_types: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.arrays = arrays
        self.key_types = key_types
        windows = [int(f.window_days or 0) for f in spec.factors if f.window_days is not None]
        #: the review's window of each person's records: the widest factor window
        self.record_days = max([lookback_days, *windows])
        self.spec = spec
        self.agency_code = {name: i for i, name in enumerate(arrays.agencies)}
        self.case_ids = arrays.case_ids[positions]
        self.child = arrays.case_child[positions]
        self.day = arrays.case_day[positions]
        self.lookback_days = lookback_days
        self.stale_after_days = stale_after_days
        self.members = household_members(arrays, self.child, self.day)
        self.people = np.unique(self.members.person)
        self.events = _Events.of(arrays, self.people)
        self.values: dict[str, Any] = {}
        self.unknown: list[tuple[IntArray, str, Any]] = []
        self.provenance: list[dict[str, Any]] = []
        self.checks = self._plan_coverage()

    def run(self) -> CaseContext:
        for factor in self.spec.factors:
            getattr(self, f"_factor_{factor.kind}")(factor)
        return CaseContext(
            cases=self._cases(),
            factors=self._factors(),
            unknown=self._unknown(),
            provenance=self._provenance(),
            household=self._household(),
            household_events=self._household_events(),
            gaps=self._gaps(),
            records=self._records(),
            connected=self._connected(),
            to_confirm=self._to_confirm(),
        )

    # -- coverage of the people a factor counts ---------------------------------

    def _window_start(self, window: int | None, agency: int, rows: IntArray) -> IntArray:
        """First day a source is read for each member row (``None`` = ever)."""
        if window is None:
            horizon = self.arrays.agency_horizon[agency]
            first = np.full(len(rows), horizon if horizon < OPEN else -OPEN, dtype=np.int64)
        else:
            first = self.day[self.members.case[rows]] - window
        birth = self.arrays.birth[self.members.person[rows]]
        return np.maximum(first, np.where(birth > -OPEN, birth, first))

    def _plan_coverage(self) -> dict[_CheckKey, tuple[IntArray, IntArray, CoverageCheck]]:
        """Every coverage question of the computation, answered in one pass."""
        m = self.members
        queries: dict[_CheckKey, tuple[IntArray, IntArray, int]] = {}
        widest = {
            a: np.full(len(m.person), OPEN, dtype=np.int64) for a in self.agency_code.values()
        }
        for factor in self.spec.factors:
            if factor.kind not in ("events", "household_change"):
                continue
            who = factor.who if factor.kind == "events" else "child"
            agency = self.agency_code[factor.source]
            window = None if factor.ever else int(factor.window_days or 0)
            key = (who, agency, window)
            if key not in queries:
                rows = np.flatnonzero(m.who(who))
                queries[key] = (rows, self._window_start(window, agency, rows), agency)
            if factor.kind == "events":
                rows, first, _ = queries[key]
                widest[agency][rows] = np.minimum(widest[agency][rows], first)
        everyone = np.arange(len(m.person))
        for agency in self.agency_code.values():
            queries[("lookback", agency, self.lookback_days)] = (
                everyone,
                self._window_start(self.lookback_days, agency, everyone),
                agency,
            )
            rows = np.flatnonzero(widest[agency] < OPEN)
            queries[("gaps", agency, None)] = (rows, widest[agency][rows], agency)
        blocks = [
            (
                m.person[rows],
                np.full(len(rows), agency, dtype=np.int64),
                first,
                self.day[m.case[rows]] - 1,
            )
            for rows, first, agency in queries.values()
        ]
        coverage = self.arrays.coverage_of(self.people)
        checks = check_coverage_blocks(coverage, len(self.arrays.agencies), blocks)
        return {
            key: (rows, first, check)
            for (key, (rows, first, _)), check in zip(queries.items(), checks, strict=True)
        }

    def _coverage(
        self, factor: FactorSpec, who: str, agency: int
    ) -> tuple[IntArray, IntArray, CoverageCheck]:
        """Rows a factor counts, their window starts, and the source's coverage of them."""
        window = None if factor.ever else int(factor.window_days or 0)
        return self.checks[(who, agency, window)]

    def _mark_uncovered(self, factor: FactorSpec, who: str, agency: int) -> tuple[Any, Any]:
        """Make the factor unknown where a person it counts was not covered."""
        members, arrays = self.members, self.arrays
        rows, first, check = self._coverage(factor, who, agency)
        if who in ("household_adults", "household_children"):
            unclear = rows[members.adult[rows] == -1]
            self.unknown.append(
                (
                    members.case[unclear],
                    factor.name,
                    [
                        f"the age of {arrays.person_ids[p]} is not recorded, so whether they "
                        "count as an adult or a child is unknown"
                        for p in members.person[unclear]
                    ],
                )
            )
        r = rows[check.gap_query]
        agency_name = arrays.agencies[agency]
        self.unknown.append(
            (
                members.case[r],
                factor.name,
                [
                    describe_gap(agency_name, str(p), relationship, str(kind), lo, hi, why)
                    for p, relationship, kind, lo, hi, why in zip(
                        arrays.person_ids[members.person[r]],
                        members.relationship[r],
                        check.gap_kind,
                        check.gap_first,
                        check.gap_last,
                        check.gap_reason,
                        strict=True,
                    )
                ],
            )
        )
        return rows, first

    def _add_provenance(self, **columns: Any) -> None:
        self.provenance.append(columns)

    # -- factors by kind --------------------------------------------------------

    def _factor_events(self, factor: FactorSpec) -> None:
        members, events, arrays = self.members, self.events, self.arrays
        agency = self.agency_code[factor.source]
        rows, first = self._mark_uncovered(factor, factor.who, agency)
        case = members.case[rows]
        lo, hi = events.window(members.person[rows], first, self.day[case])
        codes = [
            i
            for i, (source, event_type) in enumerate(arrays.event_types)
            if source == factor.source and event_type in factor.event_types
        ]
        wanted = np.isin(events.type, codes)
        counted = np.concatenate([[0], np.cumsum(wanted)])
        count = counted[hi] - counted[lo]
        n = len(self.case_ids)
        if factor.aggregation == "people":
            value = np.bincount(case, weights=count > 0, minlength=n)
        else:
            value = np.bincount(case, weights=count, minlength=n)
            if factor.aggregation == "any":
                value = (value > 0).astype(float)
        self.values[factor.name] = value.astype(float)

        position, owner = slices(lo, hi)
        keep = wanted[position]
        position, owner = events.row[position[keep]], rows[owner[keep]]
        type_names = np.array([t for _, t in arrays.event_types], dtype=object)
        self._add_provenance(
            case=members.case[owner],
            factor=factor.name,
            person=members.person[owner],
            relationship=members.relationship[owner],
            agency=factor.source,
            event_id=arrays.event_ids(position),
            event_type=type_names[arrays.ev_type[position]],
            day=arrays.ev_day[position],
        )

    def _factor_household_change(self, factor: FactorSpec) -> None:
        case, person, when = household_changes(
            self.arrays,
            self.members,
            self.child,
            self.day,
            change=str(factor.change),
            window_days=int(factor.window_days or 0),
            who=factor.who,
        )
        self.values[factor.name] = np.bincount(case, minlength=len(self.case_ids)).astype(float)
        self._mark_uncovered(factor, "child", self.agency_code[factor.source])
        self._add_provenance(
            case=case,
            factor=factor.name,
            person=person,
            relationship=self.arrays.relationship(self.child[case], person),
            agency=factor.source,
            event_id=None,
            event_type=f"{factor.change} the household",
            day=when,
        )

    def _factor_child_age(self, factor: FactorSpec) -> None:
        members = self.members
        rows = np.flatnonzero(members.is_child)
        age = np.full(len(self.case_ids), np.nan)
        age[members.case[rows]] = members.age_years[rows]
        self.values[factor.name] = age
        self.unknown.append(
            (
                np.flatnonzero(np.isnan(age)),
                factor.name,
                "the child's date of birth is not recorded",
            )
        )
        known = rows[~np.isnan(members.age_years[rows])]
        self._add_provenance(
            case=members.case[known],
            factor=factor.name,
            person=members.person[known],
            relationship="the child",
            agency=factor.source,
            event_id=None,
            event_type="date of birth",
            day=self.arrays.birth[members.person[known]],
        )

    def _factor_household_composition(self, factor: FactorSpec) -> None:
        members = self.members
        n = len(self.case_ids)
        adults = ~members.is_child & (members.adult == 1)
        unknown_age = ~members.is_child & (members.adult == -1)
        count = np.bincount(members.case[adults], minlength=n)
        unclear = np.bincount(members.case[unknown_age], minlength=n) > 0
        # category codes (-1 = unknown); the categorical is made once, in _factors
        self.values[factor.name] = np.where(
            count == 0, -1, np.minimum(count, len(factor.levels)) - 1
        ).astype(np.int64)
        self.unknown.append(
            (np.flatnonzero(count == 0), factor.name, "no adult is recorded in the household")
        )
        self.unknown.append(
            (
                np.flatnonzero(unclear & (count > 0)),
                factor.name,
                "the age of a household member is not recorded",
            )
        )
        rows = np.flatnonzero(adults)
        self._add_provenance(
            case=members.case[rows],
            factor=factor.name,
            person=members.person[rows],
            relationship=members.relationship[rows],
            agency=factor.source,
            event_id=None,
            event_type="adult in the household",
            day=self.arrays.m_start[members.membership[rows]],
        )

    # -- tables -------------------------------------------------------------------

    def _cases(self) -> pd.DataFrame:
        household = self.members.household
        ids = np.where(household >= 0, self.arrays.household_ids[np.maximum(household, 0)], _NONE)
        return _frame(
            {
                "case_id": self.case_ids,
                "person_id": self.arrays.person_ids[self.child],
                "reference_date": day_to_date(self.day),
                "household_id": ids,
            }
        )

    def _unknown_rows(self) -> tuple[IntArray, npt.NDArray[np.object_], npt.NDArray[np.object_]]:
        cases, names, reasons = (
            [np.zeros(0, np.int64)],
            [np.zeros(0, object)],
            [np.zeros(0, object)],
        )
        for case, name, reason in self.unknown:
            if len(case) == 0:
                continue
            cases.append(np.asarray(case, dtype=np.int64))
            names.append(np.full(len(case), name, dtype=object))
            reasons.append(np.broadcast_to(np.asarray(reason, dtype=object), (len(case),)))
        return np.concatenate(cases), np.concatenate(names), np.concatenate(reasons)

    def _factors(self) -> pd.DataFrame:
        cases, names, _ = self._unknown_rows()
        factors = self.spec.factors
        numeric = [f.name for f in factors if not f.is_categorical]
        matrix = np.column_stack([self.values[name] for name in numeric]).astype(float)
        column = {name: i for i, name in enumerate(numeric)}
        codes = {f.name: self.values[f.name].copy() for f in factors if f.is_categorical}
        for name in np.unique(names):
            positions = np.unique(cases[names == name])
            if name in codes:
                codes[name][positions] = -1
            else:
                matrix[positions, column[name]] = np.nan
        table = pd.DataFrame(matrix, index=pd.Index(self.case_ids, name="case_id"), columns=numeric)
        for position, factor in enumerate(factors):
            if factor.is_categorical:
                levels = pd.Categorical.from_codes(
                    codes[factor.name], categories=pd.Index(list(factor.levels))
                )
                table.insert(position, factor.name, pd.Series(levels, index=table.index))
        return table

    def _unknown(self) -> pd.DataFrame:
        cases, names, reasons = self._unknown_rows()
        rank = {name: i for i, name in enumerate(self.spec.factor_names)}
        order = np.lexsort((np.array([rank[n] for n in names], dtype=np.int64), cases))
        cases, names, reasons = cases[order], names[order], reasons[order]
        joined: dict[tuple[int, str], dict[str, None]] = {}
        for case, name, reason in zip(
            cases.tolist(), names.tolist(), reasons.tolist(), strict=True
        ):
            joined.setdefault((case, name), {})[reason] = None
        keys = list(joined)
        return _frame(
            {
                "case_id": self.case_ids[np.array([k[0] for k in keys], dtype=np.int64)],
                "factor": np.array([k[1] for k in keys], dtype=object),
                "reason": np.array(["; ".join(joined[k]) for k in keys], dtype=object),
            }
        )

    def _provenance(self) -> pd.DataFrame:
        parts: dict[str, list[Any]] = {name: [] for name in (*_PROVENANCE, "case")}
        for piece in self.provenance:
            n = len(piece["case"])
            if n == 0 and parts["case"]:
                continue
            parts["case"].append(np.asarray(piece["case"], dtype=np.int64))
            parts["case_id"].append(self.case_ids[piece["case"]])
            parts["person_id"].append(self.arrays.person_ids[piece["person"]])
            parts["date"].append(np.asarray(piece["day"], dtype=np.int64))
            for name in ("factor", "relationship", "agency", "event_id", "event_type"):
                value = piece[name]
                parts[name].append(
                    value if isinstance(value, np.ndarray) else np.full(n, value, dtype=object)
                )
        # case by case, each case's factors in the order of the specification
        order = np.argsort(np.concatenate(parts["case"]), kind="stable")
        columns = {name: np.concatenate(parts[name])[order] for name in _PROVENANCE}
        columns["date"] = day_to_date(columns["date"])
        return _frame(columns)

    def _household(self) -> pd.DataFrame:
        m, arrays = self.members, self.arrays
        adult = np.select([m.adult == 1, m.adult == 0], ["adult", "child"], "unknown")
        start = arrays.m_start[np.maximum(m.membership, 0)]
        since = np.where(m.membership >= 0, start, OPEN)
        # a move-in is recorded when someone joined a household that existed before
        # them, after their birth (the start of the records is not a move-in)
        household_start = arrays.h_first_start[arrays.m_household[np.maximum(m.membership, 0)]]
        moved = (
            (m.membership >= 0)
            & (start > household_start)
            & (start > arrays.birth[m.person])
            & (np.abs(start) < OPEN)
        )
        return _frame(
            {
                "case_id": self.case_ids[m.case],
                "person_id": self.arrays.person_ids[m.person],
                "relationship": m.relationship,
                "age": m.age_years,
                "adult_or_child": adult.astype(object),
                "member_since": day_to_date(since),
                "sex": arrays.sex[m.person],
                "moved_in": day_to_date(np.where(moved, start, OPEN)),
            }
        )

    def _records(self) -> pd.DataFrame:
        """Each member's own shared records in the window, and key history at any date."""
        m, events, arrays = self.members, self.events, self.arrays
        stop = self.day[m.case]
        first = stop - self.record_days
        lo, hi = events.window(m.person, first, stop)
        position, owner = slices(lo, hi)
        key_codes = [i for i, pair in enumerate(arrays.event_types) if pair in self.key_types]
        if key_codes:
            early, _ = events.window(m.person, np.full(len(stop), -OPEN + 1), first)
            before, before_owner = slices(early, lo)
            keep = np.isin(events.type[before], key_codes)
            position = np.concatenate([position, before[keep]])
            owner = np.concatenate([owner, before_owner[keep]])
        rows = events.row[position]  # sorted positions in the record arrays
        type_names = np.array([t for _, t in arrays.event_types] or [""], dtype=object)
        agencies = np.array(arrays.agencies or ("",), dtype=object)
        day = events.day[position]
        order = np.lexsort((-day, m.case[owner]))  # case by case, newest first
        owner, position, rows, day = owner[order], position[order], rows[order], day[order]
        return _frame(
            {
                "case_id": self.case_ids[m.case[owner]],
                "person_id": arrays.person_ids[m.person[owner]],
                "agency": agencies[events.agency[position]],
                "event_type": type_names[events.type[position]],
                "event_id": arrays.event_ids(rows),
                "date": day_to_date(day),
            }
        )

    def _connected(self) -> pd.DataFrame:
        """People related to the child who do not live in the household on the reference date."""
        m, arrays = self.members, self.arrays
        query, other = arrays.related(self.child)
        inside = set(zip(m.case.tolist(), m.person.tolist(), strict=True))
        keep = np.array(
            [(c, p) not in inside for c, p in zip(query.tolist(), other.tolist(), strict=True)],
            dtype=bool,
        )
        case, person = query[keep], other[keep]
        born = arrays.birth[person] < self.day[case]  # not someone born after the referral
        case, person = case[born], person[born]
        day = self.day[case]
        # when they left the child's household (the latest end of a membership there)
        left = np.full(len(case), -OPEN, dtype=np.int64)
        rows, owner = slices(arrays.m_person_start[person], arrays.m_person_start[person + 1])
        membership = arrays.m_by_person[rows]
        same = (arrays.m_household[membership] == m.household[case[owner]]) & (
            arrays.m_end[membership] < day[owner]
        )
        np.maximum.at(left, owner[same], arrays.m_end[membership[same]])
        birth = arrays.birth[person]
        age = np.where(birth > -OPEN, np.floor((day - birth) / 365.25), np.nan)
        return _frame(
            {
                "case_id": self.case_ids[case],
                "person_id": arrays.person_ids[person],
                "relationship": arrays.relationship(self.child[case], person),
                "sex": arrays.sex[person],
                "age": age,
                "left_on": day_to_date(np.where(left > -OPEN, left, OPEN)),
            }
        )

    def _to_confirm(self) -> pd.DataFrame:
        """Uncertain links of agency records to the household's or connected people."""
        links = self.arrays.records.uncertain_links
        columns = ["case_id", "person_id", "relationship", *links.columns[1:]]
        if links.empty:
            return _frame({c: np.zeros(0, dtype=object) for c in columns})
        m, arrays = self.members, self.arrays
        people = pd.concat(
            [
                pd.DataFrame(
                    {
                        "case_id": self.case_ids[m.case],
                        "person_id": arrays.person_ids[m.person],
                        "relationship": m.relationship,
                    }
                ),
                self._connected()[["case_id", "person_id", "relationship"]].astype(object),
            ],
            ignore_index=True,
        )
        # case-major, as every context table (each case's members, then its connected people)
        case = pd.Index(pd.unique(self.case_ids)).get_indexer(pd.Index(people["case_id"]))
        people = people.iloc[np.argsort(case, kind="stable")]
        found = people.merge(links, on="person_id", how="inner", sort=False)
        return _frame({c: found[c].to_numpy(dtype=object) for c in columns})

    def _household_events(self) -> pd.DataFrame:
        m, events, arrays = self.members, self.events, self.arrays
        n_members, n_agencies = len(m.person), len(arrays.agencies)
        stop = self.day[m.case]
        first = stop - self.lookback_days
        lo, hi = events.window(m.person, first, stop)
        counts, latest, status = [], [], []
        for agency in range(n_agencies):
            positions = np.flatnonzero(events.agency == agency)
            before_hi = np.searchsorted(positions, hi)
            count = before_hi - np.searchsorted(positions, lo)
            last = positions[np.maximum(before_hi - 1, 0)] if len(positions) else np.zeros(0, int)
            counts.append(count)
            latest.append(np.where(count > 0, events.day[last] if len(last) else OPEN, OPEN))
            status.append(
                _coverage_status(self.checks[("lookback", agency, self.lookback_days)][2])
            )
        # member-major order: each member's agencies together
        return _frame(
            {
                "case_id": np.repeat(self.case_ids[m.case], n_agencies),
                "person_id": np.repeat(arrays.person_ids[m.person], n_agencies),
                "agency": np.tile(np.array(arrays.agencies, dtype=object), n_members),
                "events": np.stack(counts, axis=1).ravel(),
                "latest": day_to_date(np.stack(latest, axis=1).ravel()),
                "coverage": np.stack(status, axis=1).ravel(),
            }
        )

    def _gaps(self) -> pd.DataFrame:
        m, arrays = self.members, self.arrays
        columns: dict[str, list[Any]] = {
            name: [np.zeros(0, dtype=object)]
            for name in (
                "case",
                "kind",
                "agency",
                "person",
                "relationship",
                "first",
                "last",
                "reason",
            )
        }

        def add(
            case: Any, kind: Any, agency: Any, person: Any, rel: Any, lo: Any, hi: Any, reason: Any
        ) -> None:
            n = len(case)
            if n == 0:
                return
            for name, value in zip(
                columns, (case, kind, agency, person, rel, lo, hi, reason), strict=True
            ):
                columns[name].append(np.broadcast_to(np.asarray(value, dtype=object), (n,)))

        for agency, name in enumerate(arrays.agencies):
            rows, _, check = self.checks[("gaps", agency, None)]
            r = rows[check.gap_query]
            add(
                m.case[r],
                check.gap_kind,
                name,
                m.person[r],
                m.relationship[r],
                check.gap_first,
                check.gap_last,
                check.gap_reason,
            )
            latest = arrays.latest_agency_day(agency, self.day)
            stale = np.flatnonzero(self.day - latest > self.stale_after_days)
            add(
                stale,
                "stale",
                name,
                -1,
                None,
                latest[stale],
                self.day[stale] - 1,
                f"no {name} record of anyone in the {self.stale_after_days} days before "
                "the reference date",
            )
        no_household = np.flatnonzero(m.household < 0)
        add(
            no_household,
            "no_household",
            None,
            -1,
            None,
            OPEN,
            OPEN,
            "no household is recorded for the child on the reference date, so other "
            "household members are unknown",
        )
        unrelated = np.flatnonzero(~m.is_child & pd.isna(m.relationship))
        add(
            m.case[unrelated],
            "no_relationship",
            None,
            m.person[unrelated],
            None,
            OPEN,
            OPEN,
            "this household member's relationship to the child is not recorded",
        )
        unknown_age = np.flatnonzero(np.isnan(m.age_years))
        add(
            m.case[unknown_age],
            "unknown_age",
            None,
            m.person[unknown_age],
            m.relationship[unknown_age],
            OPEN,
            OPEN,
            "this person's date of birth is not recorded",
        )

        data = {name: np.concatenate(values) for name, values in columns.items()}
        order = np.argsort(data["case"].astype(np.int64), kind="stable")
        data = {name: values[order] for name, values in data.items()}
        person = data["person"].astype(np.int64)
        return _frame(
            {
                "case_id": self.case_ids[data["case"].astype(np.int64)],
                "kind": data["kind"],
                "agency": data["agency"],
                "person_id": np.where(person >= 0, self.arrays.person_ids[person], _NONE),
                "relationship": data["relationship"],
                "start_date": day_to_date(data["first"].astype(np.int64)),
                "end_date": day_to_date(data["last"].astype(np.int64)),
                "reason": data["reason"],
            }
        )


def compute_context(
    arrays: RecordArrays,
    spec: ModelSpec,
    positions: IntArray,
    *,
    lookback_days: int,
    stale_after_days: int,
    key_types: tuple[tuple[str, str], ...] = (),
) -> CaseContext:
    """Compute every table for the cases at ``positions`` of the cases table.

    ``key_types`` are the ``(agency, event_type)`` pairs of key history: the
    records table holds them at any date, other records only in the window.
    """
    return _Computation(
        arrays,
        spec,
        positions,
        lookback_days=lookback_days,
        stale_after_days=stale_after_days,
        key_types=key_types,
    ).run()
