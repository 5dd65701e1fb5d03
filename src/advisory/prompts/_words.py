"""Plain words for factor values, people and gaps (no model output ever enters)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

from advisory.definitions import FactorSpec

__all__ = [
    "coverage_words",
    "gap_description",
    "gap_question",
    "observed_words",
    "relationship_words",
    "who_words",
]

_WHO: Final = {
    "child": "the child",
    "siblings": "the child's brothers and sisters",
    "household_adults": "the adults in the household",
    "household_children": "the children in the household",
    "household": "the household",
}
_RELATIONSHIP: Final = {"partner_of_parent": "partner of a parent"}
_COVERAGE: Final = {
    "available": "complete",
    "unavailable": "not shared",
    "unmatched": "person not matched to the agency's records",
    "no_coverage": "no coverage recorded",
    "not_applicable": "not applicable",
}


def who_words(who: str) -> str:
    """Words for a factor's ``who`` in a catalogue question's ``{who}``."""
    return _WHO.get(who, "the household")


def relationship_words(relationship: object) -> str:
    """``'partner_of_parent'`` -> ``'the partner of a parent'``; ``'the child'`` unchanged."""
    if not isinstance(relationship, str) or not relationship:
        return "a person whose relationship to the child is not recorded"
    if relationship.startswith("the "):
        return relationship
    return "the " + _RELATIONSHIP.get(relationship, relationship.replace("_", " "))


def coverage_words(status: str) -> str:
    """Describe an agency's coverage of a person in words."""
    return _COVERAGE.get(status, status.replace("_", " "))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _window(factor: FactorSpec) -> str:
    if factor.window_days is None:
        return "at any time before the reference date"
    return f"in the last {factor.window_days} days"


def observed_words(
    factor: FactorSpec,
    value: object,
    *,
    n_records: int,
    latest: dt.date | None,
    unknown_reason: str | None,
) -> str:
    """Describe in words what the records show for one factor of one case.

    Counts of records and dates are written out; an unknown value says why.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"unknown ({unknown_reason or 'not in the records supplied'})"
    if factor.kind == "household_composition":
        return str(value)
    number = round(float(value))  # type: ignore[arg-type]
    if factor.kind == "child_age":
        return "under 1 year old" if number < 1 else _plural(number, "year", "years") + " old"
    if factor.kind == "household_change":
        people = (
            _plural(number, "adult", "adults")
            if factor.who == "household_adults"
            else _plural(number, "child", "children")
        )
        verb = "joined" if factor.change == "joined" else "left"
        if number == 0:
            people = "no adult" if factor.who == "household_adults" else "no child"
        return f"{people} {verb} the household in the last {factor.window_days} days"
    window = _window(factor)
    since = "" if latest is None else f", latest on {latest.isoformat()}"
    if factor.aggregation == "people":
        if number == 0:
            return f"nobody with such records {window}"
        return f"{_plural(number, 'person', 'people')} with such records {window}{since}"
    if factor.aggregation == "any":
        if number == 0:
            return f"none recorded {window}"
        shown = f" ({_plural(n_records, 'record', 'records')}{since})" if n_records else ""
        return f"recorded {window}{shown}"
    if number == 0:
        return f"none recorded {window}"
    return f"{_plural(number, 'record', 'records')} {window}{since}"


def gap_description(
    kind: str,
    agency: str | None,
    person: str | None,
    start: dt.date | None,
    end: dt.date | None,
    reason: str,
) -> str:
    """Describe a data gap in one sentence."""
    period = f" from {start.isoformat()} to {end.isoformat()}" if start and end else ""
    if agency and person and kind in ("unavailable", "unmatched", "no_coverage"):
        return f"{agency} shared no records of {person}{period}: {reason}."
    if agency and kind == "stale":
        return f"{agency} records may be out of date{period}: {reason}."
    lead = f"{agency}: " if agency else ""
    about = f" (about {person})" if person else ""
    return f"{lead}{reason}{about}{period}."


def gap_question(agency: str | None, person: str | None) -> str:
    """Ask what the practitioner could add about a gap."""
    if agency and person:
        return (
            f"Is anything known about {person} from {agency} for this period that the "
            "shared records did not show?"
        )
    if agency:
        return (
            f"Is anything known from {agency} for this period that the shared records did not show?"
        )
    return "What do you know about this that the records could not show?"
