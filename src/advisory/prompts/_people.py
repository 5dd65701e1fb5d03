"""Who lives here and how they are related; who is connected and lives elsewhere."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from advisory.prompts._tables import CaseTables
from advisory.prompts._words import age_words, kinds_words, relationship_words

__all__ = ["Household"]

_PARTNER: Final = "partner_of_parent"
_GP: Final = "GP"


def _years(value: Any) -> int | None:
    if value is None or value != value:  # NaN
        return None
    return int(value)


class Household:
    """Builds the people of each case's brief from the batch's tables."""

    def __init__(
        self,
        tables: CaseTables,
        *,
        labels: dict[str, str],
        type_window: dict[tuple[str, str], int],
    ) -> None:
        self.tables = tables
        self.labels = labels
        self.type_window = type_window
        self._starts: dict[str, dict[int, str]] = {}

    def people(
        self, case_id: str, reference: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str], dict[str, str]]:
        """Return the household, the people elsewhere, and words and names by person id."""
        tables = self.tables
        h = tables.household.columns
        rows = tables.household.rows(case_id)
        parent_rows = [r for r in rows if h["relationship"][r] == "parent"]
        partner_rows = [r for r in rows if h["relationship"][r] == _PARTNER]
        words: dict[str, str] = {}
        for r in rows:
            words[str(h["person_id"][r])] = relationship_words(h["relationship"][r], h["sex"][r])
        # whose partner: the one parent living here, or the one of the other sex
        partner_of: dict[str, str] = {}
        for r in partner_rows:
            candidates = [
                p
                for p in parent_rows
                if len(parent_rows) == 1 or (h["sex"][p] is not None and h["sex"][p] != h["sex"][r])
            ]
            if len(candidates) == 1:
                parent = str(h["person_id"][candidates[0]])
                partner_of[str(h["person_id"][r])] = parent
                words[str(h["person_id"][r])] = f"{words[parent]}'s partner"
        c = tables.connected.columns
        others = tables.connected.rows(case_id)
        for r in others:
            word = relationship_words(c["relationship"][r], c["sex"][r])
            if c["relationship"][r] == _PARTNER and len(parent_rows) == 1:
                word = f"{words[str(h['person_id'][parent_rows[0]])]}'s former partner"
            words.setdefault(str(c["person_id"][r]), word)
        names = {p: f"{w} {p}" for p, w in words.items()}
        kinds, partial, notes = self._records_of(case_id, reference)
        parent_ids = [str(h["person_id"][r]) for r in parent_rows]
        household = []
        for r in rows:
            person = str(h["person_id"][r])
            relation = None
            partners = [p for p, parent in partner_of.items() if parent == person]
            if partners:
                relation = "lives with partner " + " and ".join(partners)
            elif (
                h["relationship"][r] == "parent"
                and len(parent_ids) == 2
                and person == parent_ids[0]
            ):
                other = parent_ids[1]
                relation = f"with the child's {words[other]} {other}"
            years = _years(h["age"][r])
            household.append(
                {
                    "person_id": person,
                    "relationship": words[person],
                    "age_years": years,
                    "age": age_words(years),
                    "member_since": tables.day(h["moved_in"][r]),
                    "end_date": None,
                    "relation": relation,
                    "records": self._kinds(kinds.get(person), partial.get(person)),
                    "notes": notes.get(person, []),
                }
            )
        elsewhere: list[dict[str, Any]] = []
        for r in others:
            person = str(c["person_id"][r])
            years = _years(c["age"][r])
            elsewhere.append(
                {
                    "person_id": person,
                    "relationship": words[person],
                    "age_years": years,
                    "age": age_words(years),
                    "member_since": None,
                    "end_date": tables.day(c["left_on"][r]),
                    "relation": None,
                    "records": [],
                    "notes": [],
                }
            )
        return household, elsewhere, words, names

    def _kinds(
        self, kinds: dict[str, dict[str, int]] | None, partial: dict[str, str] | None
    ) -> list[dict[str, Any]]:
        out = []
        for agency, counts in (kinds or {}).items():
            out.append(
                {
                    "agency": self.labels.get(agency, agency),
                    "kinds": kinds_words(tuple(counts.items())),
                    "events": sum(counts.values()),
                    "partial": (partial or {}).get(agency),
                }
            )
        return out

    def _records_of(
        self, case_id: str, reference: str
    ) -> tuple[
        dict[str, dict[str, dict[str, int]]], dict[str, dict[str, str]], dict[str, list[str]]
    ]:
        """Each person's record kinds in the window by agency, partial windows, and notes."""
        tables = self.tables
        cols = tables.records.columns
        day0 = dt.date.fromisoformat(reference)
        starts = self._starts.get(reference)
        if starts is None:
            starts = self._starts[reference] = {
                days: (day0 - dt.timedelta(days=days)).isoformat()
                for days in {365, *self.type_window.values()}
            }
        windows = self.type_window
        dates, pairs, words = tables.record_rows
        people = cols["person_id"]
        kinds: dict[str, dict[str, dict[str, int]]] = {}
        for r in tables.records.rows(case_id):
            day = dates[r]
            pair = pairs[r]
            if day is None or day < starts[windows.get(pair, 365)]:
                continue
            by_agency = kinds.setdefault(people[r], {})
            counts = by_agency.setdefault(pair[0], {})
            kind = words[r]
            counts[kind] = counts.get(kind, 0) + 1
        partial: dict[str, dict[str, str]] = {}
        notes: dict[str, list[str]] = {}
        g = tables.gaps.columns
        for r in tables.gaps.rows(case_id):
            person = g["person_id"][r]
            agency = g["agency"][r]
            if not isinstance(person, str) or not isinstance(agency, str):
                continue
            reason = g["reason"][r]
            if isinstance(reason, str) and _GP in reason:
                notes.setdefault(person, []).append(reason)
                continue
            if agency in kinds.get(person, {}):
                first, last = tables.day(g["start_date"][r]), tables.day(g["end_date"][r])
                period = f" {first} to {last}" if first and last else ""
                partial.setdefault(person, {})[agency] = f"at least; none shared{period}"
        return kinds, partial, notes
