"""Before you go: the same safety lines in every brief, whatever the model says.

One line per agency in a fixed order (Police/MARAC, Health, Education,
Children's social care), each naming the first safety-relevant record
shared for that agency (kind, whom it names, how long before the referral),
else its latest record of any kind ("dental visit, child, 3 months
before"; no value put on it), else asking what the agency holds, since not all is shared
(never a clearance, and never "no record" beside a record the brief lists;
about as long as a record's line, so the section's length does not follow
the model); then one line on whom to see alone, from the household
alone: every adult living there (parents, partners, grandparents) and
every child from 5, each alone (each child under 5 seen with each
carer), and the police spoken to before adults are
seen together (where more than one adult lives there).
Every brief has the same five items, so neither their number nor their kind
follows the model.

Records that count (:data:`RECORDS`): domestic abuse notifications and
arrests (within the window the person lines show), missing person reports,
plans and assessments of children's social care and exclusions of the
past two years (an older one belongs to the key history), emergency
attendances of a young child (under 5 on the referral date), and mental health or
substance misuse contacts of an adult in a household with a child under 5. The
Health line also names each child under 5 with no health visitor contact shared.

Each item keeps an open question in the data, put to the adults alone;
children are never asked about harm: the young people get only an open
invitation to say what home is like. A model-chosen question about domestic
abuse, missing episodes, plans or a young child's emergency care is not asked again
(:data:`ASKED_INSTEAD`, :func:`covered_pairs`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from advisory.prompts._memo import BoundedMemo
from advisory.prompts._tables import CaseTables
from advisory.prompts._words import before_words

__all__ = [
    "ABUSE",
    "AGENCIES",
    "ASKED_INSTEAD",
    "LATEST_QUESTION",
    "NONE_SHARED",
    "NO_VISITOR",
    "NO_VISITOR_LEAD",
    "OBSERVE",
    "OBSERVE_AFTER",
    "POLICE_FIRST",
    "RECORDS",
    "SEEN_ALONE_ID",
    "counts",
    "covered_pairs",
    "items_of",
]

#: The agencies of "Before you go", in their fixed order: (source, label, question
#: when nothing of concern was shared: what to ask the agency before the visit).
AGENCIES: Final = (
    (
        "police",
        "Police/MARAC",
        "What do Police and MARAC hold on the household that was not shared?",
    ),
    (
        "health",
        "Health",
        "What do the GP and health visitor know of the family that was not shared?",
    ),
    (
        "education",
        "Education",
        "What does the school or nursery know of the children that was not shared?",
    ),
    (
        "childrens_social_care",
        "Children's social care",
        "What do earlier workers know of the family that was not shared?",
    ),
)
#: (agency, event type) -> (which records count, the open question put to the adults).
#: ``window``: within the window the person lines show (the past year unless the
#: factor's is longer); ``recent``: the past two years; ``young``: a child under 5
#: on the referral date, within the window; ``carer``: an adult, in a household
#: with a child under 5, within the window. The newest counting record names the line.
RECORDS: Final[dict[tuple[str, str], tuple[str, str]]] = {
    ("police", "domestic_abuse_notification"): (
        "window",
        "How safe does each parent feel at home now, and whom do they turn to "
        "(ask each parent alone)?",
    ),
    ("police", "arrest"): (
        "window",
        "What led to the arrest, and who cared for the children then (ask each parent alone)?",
    ),
    ("police", "missing_person_report"): (
        "recent",
        "What happened when the young person went missing, and who helped (ask each parent alone)?",
    ),
    ("health", "emergency_attendance"): (
        "young",
        "What happened when the young child needed emergency care, and who was caring?",
    ),
    ("health", "mental_health_contact"): (
        "carer",
        "Who cares for the young children when a parent is unwell (ask each parent alone)?",
    ),
    ("health", "substance_misuse_contact"): (
        "carer",
        "Who cares for the young children when a parent is using (ask each parent alone)?",
    ),
    ("education", "exclusion"): (
        "recent",
        "Where was the child on the days of the exclusion, and who was with them?",
    ),
    ("childrens_social_care", "child_protection_plan"): (
        "recent",
        "What changed during the plan, and what does each parent say is different now?",
    ),
    ("childrens_social_care", "child_in_need_plan"): (
        "recent",
        "What help came with the plan, and what does each parent say is different now?",
    ),
    ("childrens_social_care", "assessment"): (
        "recent",
        "What came of the assessment, and what does each parent say is different now?",
    ),
}
#: Each record type in the fewest plain words (the person lines give the full kinds).
_SHORT: Final = {
    "domestic_abuse_notification": "domestic abuse",
    "arrest": "arrest",
    "missing_person_report": "missing",
    "emergency_attendance": "emergency care",
    "mental_health_contact": "mental health",
    "substance_misuse_contact": "substance misuse",
    "exclusion": "exclusion",
    "child_protection_plan": "protection plan",
    "child_in_need_plan": "child in need plan",
    "assessment": "assessment",
}
#: Records whose line takes the place of a model-chosen question about them.
ASKED_INSTEAD: Final = frozenset(
    {
        ("police", "domestic_abuse_notification"),
        ("police", "missing_person_report"),
        ("childrens_social_care", "child_protection_plan"),
        ("childrens_social_care", "child_in_need_plan"),
        ("health", "emergency_attendance"),
    }
)
#: What an agency's line says when none of its records counts: never a clearance.
NONE_SHARED: Final = "ask what they hold first"
#: How the Health line names children under 5 with no health visitor contact shared
#: (``{who}``: them, in words): after its record, or alone with "; ask them first".
NO_VISITOR: Final = "no health visitor record of {who}"
NO_VISITOR_LEAD: Final = NO_VISITOR.split("{", 1)[0]
_NO_VISITOR_QUESTION: Final = (
    "What does the health visitor know of the young children and the family?"
)
#: What to ask an agency whose line names its latest record (none of them a safety
#: record), by source.
LATEST_QUESTION: Final = {
    "police": "What were the police contacts about, and what came of them?",
    "health": "What do the GP and health visitor know of the family's health and care?",
    "education": "What does the school see of the children's days and attendance?",
    "childrens_social_care": "What did the earlier work with the family find and give?",
}
#: The line on whom to see alone (``{who}``: the people, in words) and its question:
#: the adults are asked about their own safety; young people only invited to talk.
SEEN_ALONE_ID: Final = "safety:seen_alone"
POLICE_FIRST: Final = "speak to the police before seeing adults together"
#: Where a child under 5 lives there: seen with each carer (too young to see alone).
OBSERVE: Final = "see each child under 5 with each carer"
#: The same where a domestic abuse notification or an arrest names someone living there.
OBSERVE_AFTER: Final = "see each child under 5 with each carer, after speaking to the police"
_ALONE_QUESTION: Final = "How safe does each adult feel at home, what is going well, who helps?"
#: Added where a child from 5 is seen alone: only invited to talk, never asked about harm.
_YOUNG_QUESTION: Final = "What is home like for each young person, in their own words?"
#: The record type whose people are never asked first (domestic abuse notifications).
ABUSE: Final = ("police", "domestic_abuse_notification")
#: With it, the records after which young children are seen with a carer only once the
#: police have said what they concern (reader 16: an arrest for an unknown reason).
_ARREST: Final = ("police", "arrest")
_RECENT: Final = 730
_YEAR: Final = 365
#: Children old enough to be seen alone.
_CHILD_SEEN_ALONE_FROM: Final = 5
_YOUNG_CHILD: Final = 5
_ADULT: Final = 18
_PARENTS: Final = ("parent", "partner_of_parent", "step_parent")
_YOUNG: Final = ("the child", "sibling", "half_sibling")


def counts(
    pair: tuple[str, str],
    day: str,
    reference: str,
    age: float | None,
    youngest: float | None,
    windows: dict[tuple[str, str], int],
) -> bool:
    """Whether a record dated ``day`` counts for "Before you go".

    ``age`` is the age of the person it names (``None`` outside the household),
    ``youngest`` the youngest household member's age on the referral date.

    Examples
    --------
    >>> counts(("police", "arrest"), "2024-01-01", "2024-06-01", 30.0, 3.0, {})
    True
    >>> counts(("health", "mental_health_contact"), "2024-01-01", "2024-06-01", 30.0, 7.0, {})
    False
    """
    rule = RECORDS[pair][0]
    if rule == "young" and not (age is not None and age < _YOUNG_CHILD):
        return False
    if rule == "carer" and not (
        age is not None and age >= _ADULT and youngest is not None and youngest < _YOUNG_CHILD
    ):
        return False
    back = _RECENT if rule == "recent" else windows.get(pair, _YEAR)
    return _start(reference, back) <= day <= reference


_STARTS: BoundedMemo[tuple[str, int], str] = BoundedMemo(10_000)


def _start(reference: str, back: int) -> str:
    """Return the first day (ISO) of the ``back`` days before ``reference``."""
    key = (reference, back)
    found = _STARTS.get(key)
    if found is None:
        day = dt.date.fromisoformat(reference) - dt.timedelta(days=back)
        found = _STARTS.put(key, day.isoformat())
    return found


def _people(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 2:
        return " and ".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def covered_pairs(
    case_id: str, reference: str, tables: CaseTables, windows: dict[tuple[str, str], int]
) -> dict[tuple[str, str], list[str]]:
    """Return the safety-relevant records of a case: ``(agency, type)`` -> person ids.

    One person id per record, in the table's order (:func:`counts` says which count).
    """
    cols = tables.records.columns
    dates, pairs, _ = tables.record_rows
    h = tables.household.columns
    ages = {
        str(h["person_id"][r]): h["age"][r]
        for r in tables.household.rows(case_id)
        if isinstance(h["age"][r], float) and h["age"][r] == h["age"][r]
    }
    youngest = min(ages.values(), default=None)
    found: dict[tuple[str, str], list[str]] = {}
    for r in tables.records.rows(case_id):
        pair = pairs[r]
        day = dates[r]
        if pair not in RECORDS or day is None:
            continue
        person = str(cols["person_id"][r])
        if counts(pair, day, reference, ages.get(person), youngest, windows):
            found.setdefault(pair, []).append(person)
    return found


def items_of(
    found: dict[tuple[str, str], list[str]],
    latest: dict[tuple[str, str], str],
    household: list[tuple[str, Any, Any]],
    reference: str,
    labels: dict[str, str],
    words: dict[str, str],
    kinds: dict[str, str],
    latest_records: dict[str, tuple[str, str, str]] | None = None,
    *,
    visited: frozenset[str] | None = None,
    by_person: dict[tuple[tuple[str, str], str], str] | None = None,
) -> list[dict[str, Any]]:
    """Return the five "Before you go" items of a case's records already found.

    ``found`` as :func:`covered_pairs` returns it, ``latest`` the latest date of
    each of its pairs' records, ``household`` each member's ``(person_id,
    relationship, age)``, ``words`` each person's relationship in words and
    ``kinds`` each record type in words. ``latest_records`` gives each
    agency's (label in ``labels``) latest record the brief lists (the person
    lines and the recent key history) as ``(kind, whom, when)``: named on the
    agency's line, with no value put on it, when none of its records counts
    (reader 10). ``visited``: the people
    with a health visitor contact shared (``None``: everyone); the Health line
    names each child under 5 living there without one, after its record or
    instead of it (readers 9 and 11: the youngest were invisible). ``by_person``:
    each ``(pair, person id)``'s latest date; where the line's record names more than
    one person, each is dated ("domestic abuse, mother's partner 4 months before and
    father 5 months before": reader 13, two men under one date read as one incident).
    """
    unseen = [
        "the " + words.get(p, "child")
        for p, relationship, age in household
        if visited is not None
        and p not in visited
        and relationship in _YOUNG
        and isinstance(age, float)
        and age < _YOUNG_CHILD
    ]
    # the people living there whom a notification or an arrest names
    inside = {p for p, _, _ in household}
    abuse = [p for p in found.get(ABUSE, []) if p in inside]
    arrested = [p for p in found.get(_ARREST, []) if p in inside]
    out = []
    for source, label, none_question in AGENCIES:
        mine = [pair for pair in RECORDS if pair[0] == source and pair in found]
        support = (latest_records or {}).get(labels.get(source, label)) if not mine else None
        if source == "health" and unseen and not mine:
            out.append(
                {
                    "prompt_id": f"safety:{source}",
                    "agency": label,
                    "shared": NO_VISITOR.format(who=_people(unseen)) + "; ask them first",
                    "question": _NO_VISITOR_QUESTION,
                }
            )
            continue
        if support is not None:
            kind, who, when = support
            out.append(
                {
                    "prompt_id": f"safety:{source}",
                    "agency": label,
                    "shared": f"{kind}, {who}, {when}",
                    "question": LATEST_QUESTION[source],
                }
            )
            continue
        if not mine:
            out.append(
                {
                    "prompt_id": f"safety:{source}",
                    "agency": label,
                    "shared": NONE_SHARED,
                    "question": none_question,
                }
            )
            continue
        # the newest kind only (the others are on the person lines): a line as long
        # with a record as without, whatever the model says; newest, not by a hidden
        # order of kinds (reader 11: a mother's mental health contact named before a
        # two-year-old's emergency care 3 days before)
        first = max(mine, key=lambda pair: latest[pair])
        named = list(dict.fromkeys(found[first]))
        if by_person is not None and len(named) > 1:
            named.sort(key=lambda p: by_person.get((first, p), ""), reverse=True)
            shared = f"{_SHORT[first[1]]}, " + _people(
                [
                    f"{words.get(p, 'a person not in the household')} "
                    + before_words(by_person.get((first, p), latest[first]), reference)
                    for p in named
                ]
            )
        else:
            who = _people([words.get(p, "a person not in the household") for p in named])
            shared = f"{_SHORT[first[1]]}, {who}, {before_words(latest[first], reference)}"
        if source == "health" and unseen:
            shared += "; " + NO_VISITOR.format(who=_people(unseen))
        out.append(
            {
                "prompt_id": f"safety:{source}",
                "agency": label,
                "shared": shared,
                "question": RECORDS[first][1],  # the question of the record the line names
            }
        )
    out.append(
        {
            "prompt_id": SEEN_ALONE_ID,
            "agency": "All agencies",
            "shared": _seen_alone(household, words, police_first=bool(abuse or arrested)),
            "question": _alone_question(household, words, abuse)
            + (" " + _YOUNG_QUESTION if _young(household) else ""),
        }
    )
    return out


def _alone_question(
    household: list[tuple[str, Any, Any]], words: dict[str, str], named: list[str]
) -> str:
    """Return the question to each adult alone, the same in every brief but one clause.

    Where a domestic abuse notification of the window names someone living there
    (``named``), the parents it does not name are asked first, alone, after speaking
    to the police (readers 8-14: "a safety question for the mother alone"); never
    first someone a notification names.
    """
    if not named:
        return _ALONE_QUESTION
    parents = [p for p, relationship, _ in household if relationship in _PARENTS]
    others = [words[p] for p in parents if p not in named and p in words]
    who = f"the {_people(others)} alone first" if others else "each alone"
    return _ALONE_QUESTION.replace(
        "at home,", f"at home (ask {who}, after speaking to the police),"
    )


def _seen_alone(
    household: list[tuple[str, Any, Any]], words: dict[str, str], *, police_first: bool = False
) -> str:
    """Return the line on whom to see alone.

    Each child under 5 is seen with each carer; where a domestic abuse notification or
    an arrest names someone living there (``police_first``), after speaking to the police
    (readers 15-16: not with a man a notification names, or arrested for a reason the
    records do not give, before the police have said what it concerned). The
    police come first where two or more adults live there (nobody to see together
    where one does).
    """
    who, adults = _alone(household, words)
    parts = [f"See {who}"]
    if any(
        relationship in _YOUNG and isinstance(age, float) and age < _CHILD_SEEN_ALONE_FROM
        for _, relationship, age in household
    ):
        parts.append(OBSERVE_AFTER if police_first else OBSERVE)
    if adults > 1:
        parts.append(POLICE_FIRST)
    return "; ".join(parts) + "."


def _young(household: list[tuple[str, Any, Any]]) -> list[str]:
    """Return the children from 5 living there (each seen alone)."""
    return [
        p
        for p, relationship, age in household
        if relationship in _YOUNG and isinstance(age, float) and age >= _CHILD_SEEN_ALONE_FROM
    ]


def _alone(household: list[tuple[str, Any, Any]], words: dict[str, str]) -> tuple[str, int]:
    """Whom to see alone, from the household only, and how many adults that is.

    Every adult living there (parents, partners, grandparents; a parent under
    18 counts as a parent) and every child from 5, each alone.
    """
    adults = [
        p
        for p, relationship, age in household
        if relationship in _PARENTS
        or (relationship not in _YOUNG and isinstance(age, float) and age >= _ADULT)
    ]
    young = [p for p in _young(household) if p not in adults]
    chosen = [p for p in adults + young if p in words]
    if not chosen:
        return "each adult alone", len(adults)
    if len(chosen) == 1:
        return f"the {words[chosen[0]]} alone", len(adults)
    return "each alone: " + ", ".join(words[p] for p in chosen), len(adults)
