"""Who lived with each child on the reference date, and how they are related."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisory.context._index import RecordArrays, slices

__all__ = ["Members", "household_members"]

IntArray = npt.NDArray[np.int64]
_YEAR = 365.25
_ADULT_YEARS = 18


@dataclass(frozen=True, kw_only=True)
class Members:
    """One row per (case, person in the child's household at the reference date).

    The child is always a member, even when no household was recorded.
    """

    case: IntArray  # position of the case in the batch
    person: IntArray
    membership: IntArray  # membership row, -1 if none
    is_child: npt.NDArray[np.bool_]
    relationship: npt.NDArray[np.object_]  # None where unrecorded; "the child" for the child
    age_years: npt.NDArray[np.float64]  # whole years, NaN where the birth date is unknown
    adult: npt.NDArray[np.int8]  # 1 adult, 0 child, -1 unknown
    household: IntArray  # per case: household code, -1 if none recorded

    def who(self, who: str) -> npt.NDArray[np.bool_]:
        """Rows counted for a factor's ``who``."""
        mask: npt.NDArray[np.bool_]
        if who == "child":
            return self.is_child
        if who == "household":
            return np.ones(len(self.person), bool)
        if who == "siblings":
            mask = ~self.is_child & (self.relationship == "sibling")
            return mask
        if who == "household_adults":
            mask = ~self.is_child & (self.adult != 0)
            return mask
        if who == "household_children":
            mask = ~self.is_child & (self.adult != 1)
            return mask
        raise ValueError(f"unknown who {who!r}")  # pragma: no cover - spec is validated


def _age(arrays: RecordArrays, person: IntArray, day: IntArray) -> tuple[object, object]:
    birth = arrays.birth[person]
    known = birth > -(10**7)
    years = np.where(known, np.floor((day - birth) / _YEAR), np.nan)
    adult = np.where(known, (years >= _ADULT_YEARS).astype(np.int8), arrays.adult_role[person])
    return years, adult.astype(np.int8)


def household_members(arrays: RecordArrays, child: IntArray, day: IntArray) -> Members:
    """Members of each child's household on ``day`` (the reference date).

    A person is a member on a day when a membership period of the household
    covers it (start and end inclusive). Where a child has more than one
    household on the day, the one they joined last is used.
    """
    n = len(child)
    rows, owner = slices(arrays.m_person_start[child], arrays.m_person_start[child + 1])
    membership = arrays.m_by_person[rows]
    valid = (arrays.m_start[membership] <= day[owner]) & (arrays.m_end[membership] >= day[owner])
    household = np.full(n, -1, dtype=np.int64)
    # rows are ordered by start within each child: the last valid row wins
    household[owner[valid]] = arrays.m_household[membership[valid]]

    has = household >= 0
    cases_with = np.flatnonzero(has)
    h = household[cases_with]
    rows, owner = slices(arrays.m_household_start[h], arrays.m_household_start[h + 1])
    membership = arrays.m_by_household[rows]
    case = cases_with[owner]
    present = (arrays.m_start[membership] <= day[case]) & (arrays.m_end[membership] >= day[case])
    case, membership = case[present], membership[present]
    person = arrays.m_person[membership]
    # one row per (case, person); keep the first membership period
    order = np.lexsort((person, case))
    case, person, membership = case[order], person[order], membership[order]
    first = np.ones(len(case), bool)
    first[1:] = (case[1:] != case[:-1]) | (person[1:] != person[:-1])
    case, person, membership = case[first], person[first], membership[first]

    alone = np.flatnonzero(~has)
    case = np.concatenate([case, alone])
    person = np.concatenate([person, child[alone]])
    membership = np.concatenate([membership, np.full(len(alone), -1)])
    order = np.lexsort((person != child[case], case))  # the child first within each case
    case, person, membership = case[order], person[order], membership[order]

    is_child = person == child[case]
    relationship = arrays.relationship(child[case], person)
    relationship[is_child] = "the child"
    years, adult = _age(arrays, person, day[case])
    return Members(
        case=case.astype(np.int64),
        person=person.astype(np.int64),
        membership=membership.astype(np.int64),
        is_child=is_child,
        relationship=relationship,
        age_years=np.asarray(years, dtype=float),
        adult=np.asarray(adult, dtype=np.int8),
        household=household,
    )


def household_changes(
    arrays: RecordArrays,
    members: Members,
    child: IntArray,
    day: IntArray,
    *,
    change: str,
    window_days: int,
    who: str,
) -> tuple[IntArray, IntArray, IntArray]:
    """People who joined or left each child's household in the window.

    Returns the case position, person and day of each change. A join counts
    when its start falls in ``[day - window_days, day - 1]``; a departure when
    its end does. Adults and children are told apart by age on ``day``.
    """
    has = np.flatnonzero(members.household >= 0)
    h = members.household[has]
    rows, owner = slices(arrays.m_household_start[h], arrays.m_household_start[h + 1])
    membership = arrays.m_by_household[rows]
    case = has[owner]
    when = arrays.m_start[membership] if change == "joined" else arrays.m_end[membership]
    in_window = (when >= day[case] - window_days) & (when <= day[case] - 1)
    person = arrays.m_person[membership]
    keep = in_window & (person != child[case])
    case, person, when = case[keep], person[keep], when[keep]
    _, adult = _age(arrays, person, day[case])
    adult = np.asarray(adult)
    wanted = adult != 0 if who == "household_adults" else adult != 1
    return case[wanted], person[wanted], when[wanted]
