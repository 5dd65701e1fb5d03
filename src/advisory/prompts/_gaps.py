"""What the records could not see (one item per agency), and records to confirm."""

from __future__ import annotations

import re
from typing import Any, Final

from advisory.prompts._guard import LanguageError, check_language
from advisory.prompts._tables import CaseTables
from advisory.prompts._words import CHILD_WORDS

__all__ = ["case_gaps", "family_gaps", "links_to_confirm", "parent_gap"]

_GP: Final = "GP"
_AGENCY_GAPS: Final = ("unavailable", "unmatched", "no_coverage")
_HOUSEHOLD_GAPS: Final = {
    "no_household": "No household is recorded for the child on the referral date, so who "
    "else lives with the child is not in the records.",
    "no_relationship": "How {people} {verb} related to the child is not recorded.",
    "unknown_age": "The date of birth of {people} is not recorded.",
}
_HOUSEHOLD_QUESTION: Final = (
    "Who lives with the child now, how are they related to the child, and who else is often "
    "in the home?"
)


def parent_gap(
    household: list[dict[str, Any]], elsewhere: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Name the child's parents as a gap when the records hold none, here or elsewhere.

    A household with one parent is common and says nothing about the other parent's
    involvement; naming it in every such brief would cost the one-minute read, so
    only a child with no parent recorded at all gets the item.

    Examples
    --------
    >>> parent_gap([{"relationship": "grandmother"}], [])[0]["description"]
    'No parent of the child is recorded, here or elsewhere.'
    >>> parent_gap([{"relationship": "mother"}], [])
    []
    """
    if any(p["relationship"] in _PARENT_WORDS for p in [*household, *elsewhere]):
        return []
    return [
        {
            "prompt_id": "gap:parents",
            "kind": "no_parent",
            "agency": None,
            "description": "No parent of the child is recorded, here or elsewhere.",
            "start_date": None,
            "end_date": None,
            "question": "Who are the child's parents, and who has parental responsibility?",
        }
    ]


_PARENT_WORDS: Final = ("mother", "father", "parent")
_OTHER_PARENT: Final = {"mother": "father", "father": "mother"}
_HE: Final = {"father": "he", "mother": "she"}
#: People living elsewhere whose own records the brief does not hold: by relationship words.
_ELSEWHERE_WORDS: Final = ("mother", "father", "parent")


def family_gaps(
    household: list[dict[str, Any]], elsewhere: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Name who this family's records leave out: the other parent, a parent living elsewhere.

    A brief holds the records of the people living in the household only: a
    parent living elsewhere is named with a question about them; a lone
    parent's household with no other parent recorded anywhere names the
    missing parent.

    Examples
    --------
    >>> [g["description"] for g in family_gaps([{"relationship": "mother"}], [])]
    ['No father in these records.']
    >>> gaps = family_gaps(
    ...     [{"relationship": "mother"}],
    ...     [{"relationship": "father", "person_id": "P1"}],
    ... )
    >>> gaps[0]["description"]
    'The father P1 lives elsewhere: his records are not here.'
    """
    out = []
    parents = [p["relationship"] for p in household if p["relationship"] in _PARENT_WORDS]
    away = [p for p in elsewhere if p["relationship"] in _ELSEWHERE_WORDS]
    for p in away:
        word = p["relationship"]
        own = {"father": "his", "mother": "her"}.get(word, "their")
        out.append(
            {
                "prompt_id": f"gap:elsewhere:{p['person_id']}",
                "kind": "lives_elsewhere",
                "agency": None,
                "description": f"The {word} {p['person_id']} lives elsewhere: {own} records "
                "are not here.",
                "start_date": None,
                "end_date": None,
                "question": f"What contact does the child have with the {word}"
                + (f" (ask the {parents[0]} alone)?" if parents else "?"),
            }
        )
    if len(parents) == 1 and not away and parents[0] in _OTHER_PARENT:
        other = _OTHER_PARENT[parents[0]]
        # every child of the household, not only the referred one (reader verdict 14)
        children = [p for p in household if p["relationship"] in CHILD_WORDS]
        whose = "each child's" if len(children) > 1 else "the child's"
        out.append(
            {
                "prompt_id": "gap:other_parent",
                "kind": "other_parent",
                "agency": None,
                "description": f"No {other} in these records.",
                "start_date": None,
                "end_date": None,
                "question": f"Who is {whose} {other}, and what part does {_HE[other]} play "
                f"(ask the {parents[0]} alone)?",
            }
        )
    return out


def _people(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 2:
        return " and ".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def case_gaps(
    labels: dict[str, str],
    case_id: str,
    reference: str,
    tables: CaseTables,
    words: dict[str, str],
    names: dict[str, str],
) -> list[dict[str, Any]]:
    """One item per agency with a gap (and one for the household), each with a question."""
    g = tables.gaps.columns
    h = tables.household.columns
    members = {words.get(str(h["person_id"][r]), "") for r in tables.household.rows(case_id)}
    by_agency: dict[str, dict[str, Any]] = {}
    household: dict[str, list[str]] = {}
    for r in tables.gaps.rows(case_id):
        kind = str(g["kind"][r])
        agency = g["agency"][r]
        person = g["person_id"][r]
        reason = g["reason"][r] if isinstance(g["reason"][r], str) else kind.replace("_", " ")
        if not isinstance(agency, str):
            if kind in _HOUSEHOLD_GAPS:
                who = names.get(person, f"person {person}") if isinstance(person, str) else ""
                household.setdefault(kind, []).append(who)
            continue
        item = by_agency.setdefault(
            agency,
            {"kind": kind, "people": [], "reasons": {}, "first": None, "last": None, "gp": []},
        )
        if kind == "stale":
            item["stale"] = tables.day(g["start_date"][r])
            continue
        if _GP in reason and isinstance(person, str):
            item["gp"].append(words.get(person, f"person {person}"))
            continue
        if isinstance(person, str):
            item["people"].append(words.get(person, f"person {person}"))
        item["reasons"][reason] = None
        first, last = tables.day(g["start_date"][r]), tables.day(g["end_date"][r])
        if first and (item["first"] is None or first < item["first"]):
            item["first"] = first
        if last and (item["last"] is None or last > item["last"]):
            item["last"] = last
    out = []
    for agency, item in by_agency.items():
        label = labels.get(agency, agency)
        parts = []
        if item["people"]:
            period = (
                f" from {item['first']} to {item['last']}" if item["first"] and item["last"] else ""
            )
            everyone = set(item["people"]) >= members
            whom = "" if everyone else f" of the {_people(item['people'])}"
            parts.append(f"{label}: nothing{whom}{period} ({'; '.join(item['reasons'])}).")
        if item["gp"]:
            parts.append(
                f"The {_people(item['gp'])} {'is' if len(set(item['gp'])) == 1 else 'are'} not "
                "registered with a GP practice."
            )
        if item.get("stale"):
            parts.append(
                f"{label} records may be out of date: the latest record of anyone is from "
                f"{item['stale']}."
            )
        if not parts:
            continue
        if item["gp"] and not item["people"]:
            question = "Where does the family go when someone is unwell?"
        else:
            question = "What do they hold for that time?"
        out.append(
            {
                "prompt_id": f"gap:{agency}",
                "kind": item["kind"]
                if item["people"]
                else ("unavailable" if item["gp"] else "stale"),
                "agency": label,
                "description": " ".join(parts),
                "start_date": item["first"],
                "end_date": item["last"],
                "question": question,
            }
        )
    if household:
        texts = []
        for kind, people in household.items():
            template = _HOUSEHOLD_GAPS[kind]
            shown = [p for p in people if p]
            texts.append(
                template.format(
                    people=_people(shown) if shown else "a household member",
                    verb="are" if len(set(shown)) > 1 else "is",
                )
            )
        out.append(
            {
                "prompt_id": "gap:household",
                "kind": next(iter(household)),
                "agency": None,
                "description": " ".join(texts),
                "start_date": None,
                "end_date": None,
                "question": _HOUSEHOLD_QUESTION,
            }
        )
    return out


_BORN: Final = re.compile(r"born \d{4}-\d{2}-\d{2}")


def _as_data(key: str, text: str, fallback: str) -> str:
    """Return an agency's own text when the guard takes it, else ``fallback``.

    Names are data, not wording: a surname such as Green or Low would break
    the guard's word lists, and a brief must not fail for it. The record id
    and the date of birth still identify the record.
    """
    try:
        check_language({key: text})
    except LanguageError:
        return fallback
    return text


def links_to_confirm(
    labels: dict[str, str], case_id: str, tables: CaseTables, words: dict[str, str]
) -> list[dict[str, Any]]:
    """Return records an agency holds that may belong to someone in the brief, as questions."""
    rows = tables.to_confirm.rows(case_id)
    if not rows:
        return []
    c = tables.to_confirm.columns
    out = []
    for r in rows:
        person = str(c["person_id"][r])
        agency = str(c["agency"][r])
        label = labels.get(agency, agency)
        relationship = words.get(person, "person")
        record = str(c["agency_record_id"][r])
        raw = str(c["described_as"][r])
        born = _BORN.search(raw)
        described = _as_data(
            "described_as", raw, f"a person {born.group(0)}" if born else "a person"
        )
        differences = _as_data("differences", str(c["differences"][r]), "some details differ")
        out.append(
            {
                "prompt_id": f"confirm:{record}",
                "person_id": person,
                "relationship": relationship,
                "agency": label,
                "event_id": record,
                "described_as": described,
                "differences": differences,
                "question": (
                    f"Is the {label} record of {described} the {relationship} {person}'s, and "
                    "how can it be confirmed before anyone relies on it?"
                ),
            }
        )
    return out
