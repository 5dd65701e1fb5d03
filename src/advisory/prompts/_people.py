"""Who lives here and how they are related; who is connected and lives elsewhere."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from advisory.prompts._tables import CaseTables
from advisory.prompts._words import age_words, relationship_words, relative_words

__all__ = ["Household"]

_PARTNER: Final = "partner_of_parent"
#: The child's other parent, by the words of the parent living here.
_OTHER: Final = {"mother": "father", "father": "mother"}
_GP: Final = "GP"


#: Relationships of the children of the household (the case child and siblings).
_CHILDREN: Final = ("the child", "sibling", "half_sibling")
#: A parent fewer years older than a child than this is named with the age at that birth.
_YOUNGEST_PARENT: Final = 16
#: The note on such a parent's line: the plain fact, and what to do with it.
YOUNG_PARENT: Final = (
    "the {parent} was about {age} at the {child}'s birth: check the records before the visit"
)


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
        supports: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.tables = tables
        self.labels = labels
        self.type_window = type_window
        self.supports = supports
        self._starts: dict[str, dict[int, str]] = {}
        self._words: dict[str, str] = {}

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
        former: dict[str, str] = {}
        for r in others:
            word = relationship_words(c["relationship"][r], c["sex"][r])
            if c["relationship"][r] == _PARTNER and len(parent_rows) == 1:
                parent = words[str(h["person_id"][parent_rows[0]])]
                word = f"{parent}'s former partner"
                # not the child's parent (a parent is recorded as one): say so
                former[str(c["person_id"][r])] = f"not the child's {_OTHER.get(parent, 'parent')}"
            words.setdefault(str(c["person_id"][r]), word)
        names = {p: f"{w} {p}" for p, w in words.items()}
        kinds, partial, notes = self._records_of(case_id, reference)
        parent_ids = [str(h["person_id"][r]) for r in parent_rows]
        children = [
            (str(h["person_id"][r]), y)
            for r in rows
            if h["relationship"][r] in _CHILDREN and (y := _years(h["age"][r])) is not None
        ]
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
            person_notes = notes.get(person, [])
            if h["relationship"][r] == "parent" and years is not None:
                young = [(c, years - y) for c, y in children if years - y < _YOUNGEST_PARENT]
                if young:
                    # a data error, or something to understand: the plain fact, to check
                    child, at = min(young, key=lambda cy: cy[1])
                    person_notes = [
                        *person_notes,
                        YOUNG_PARENT.format(
                            parent=words[person], age=max(at, 0), child=words[child]
                        ),
                    ]
            household.append(
                {
                    "person_id": person,
                    "relationship": words[person],
                    "age_years": years,
                    "age": age_words(years),
                    "member_since": tables.day(h["moved_in"][r]),
                    "end_date": None,
                    "relation": relation,
                    "records": self._kinds(kinds.get(person), partial.get(person), reference),
                    "notes": person_notes,
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
                    "relation": former.get(person),
                    "records": [],
                    "notes": [],
                }
            )
        return household, elsewhere, words, names

    def _kinds(
        self,
        kinds: dict[str, dict[str, str]] | None,
        partial: dict[str, str] | None,
        reference: str,
    ) -> list[dict[str, Any]]:
        """Each agency's kinds of record with the latest date: supports first, no counts."""
        out = []
        for support in (True, False):
            for agency, latest in (kinds or {}).items():
                chosen = {
                    k: d for k, d in latest.items() if ((agency, k) in self.supports) == support
                }
                if not chosen:
                    continue
                day = max(chosen.values())
                out.append(
                    {
                        "agency": self.labels.get(agency, agency),
                        "kinds": ", ".join(self._words[k] for k in chosen),
                        "support": support,
                        "latest": day,
                        "when": relative_words(day, reference).replace(
                            " before the referral", " before"
                        ),
                        "partial": (partial or {}).get(agency),
                    }
                )
        return out

    def _records_of(
        self, case_id: str, reference: str
    ) -> tuple[
        dict[str, dict[str, dict[str, str]]], dict[str, dict[str, str]], dict[str, list[str]]
    ]:
        """Return each person's record types by agency with their latest date, and more.

        Also the partly covered windows and the notes (GP registration), by person.
        """
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
        dates, pairs, words = tables.record_rows  # words: each record's type in words
        people = cols["person_id"]
        kinds: dict[str, dict[str, dict[str, str]]] = {}
        for r in tables.records.rows(case_id):
            day = dates[r]
            pair = pairs[r]
            if day is None or day < starts[windows.get(pair, 365)]:
                continue
            by_agency = kinds.setdefault(people[r], {})
            latest = by_agency.setdefault(pair[0], {})
            kind = pair[1]
            if day > latest.get(kind, ""):
                latest[kind] = day
                self._words.setdefault(kind, words[r])
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
                partial.setdefault(person, {})[agency] = (
                    f"nothing shared{period}, so there may be more"
                )
        return kinds, partial, notes
