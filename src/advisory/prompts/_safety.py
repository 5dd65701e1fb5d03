"""Before you go: records that always get a check and a question, whatever the model says.

Every brief has the section with the same checks (the renderer's fixed line);
these items follow it, one line each.

Domestic abuse concerning anyone in the household, a missing person report,
a previous child in need or child protection plan, and an emergency
attendance of a baby (a child under 2 on the referral date, so under 1 at
most attendances of the past year) each give one item: what was recorded (the
agency, who, when), what to check before the visit (which agency first, whom
to see alone) and one open question. A model-chosen question about the same
records is not asked again (:func:`covered_pairs`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from advisory.prompts._tables import CaseTables
from advisory.prompts._words import relative_words

__all__ = ["SAFETY", "covered_pairs", "items_of", "safety_items"]

#: (agency, event type) -> (check before the visit, question). ``{alone}`` is
#: filled with whom to see alone ("the mother alone", "the sister and the mother,
#: each alone").
SAFETY: Final[dict[tuple[str, str], tuple[str, str]]] = {
    ("police", "domestic_abuse_notification"): (
        "See {alone}",
        "Who was harmed, who caused harm, and where does each of them live now?",
    ),
    ("police", "missing_person_report"): (
        "See {alone}",
        "Where was the young person when missing, with whom, and what helps them stay safe?",
    ),
    ("childrens_social_care", "child_protection_plan"): (
        "Read the plan and its reviews; see {alone}",
        "What changed during the plan, and what does each person say is different now?",
    ),
    ("childrens_social_care", "child_in_need_plan"): (
        "Read the plan; see {alone}",
        "What help came with the plan, and what does each person say is different now?",
    ),
    ("health", "emergency_attendance"): (
        "See {alone}",
        "What happened when the baby needed emergency care, and who was caring for them?",
    ),
}
#: Records of these types count only for a baby (under 2 on the referral date).
_BABY_ONLY: Final = {("health", "emergency_attendance")}
#: Young people old enough to be seen alone.
_SEEN_ALONE_FROM: Final = 10
_PARENT: Final = "parent"


def _people(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 2:
        return " and ".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def covered_pairs(
    case_id: str, reference: str, tables: CaseTables, windows: dict[tuple[str, str], int]
) -> dict[tuple[str, str], list[str]]:
    """Return the safety-relevant records of a case: ``(agency, type)`` -> person ids, newest first.

    Domestic abuse notifications and emergency attendances count within the window a
    person's line shows them (the past year, or a factor's longer window); plans and
    missing person reports at any date.
    """
    cols = tables.records.columns
    dates, pairs, _ = tables.record_rows
    h = tables.household.columns
    ages = {
        str(h["person_id"][r]): h["age"][r]
        for r in tables.household.rows(case_id)
        if isinstance(h["age"][r], float)
    }
    day0 = dt.date.fromisoformat(reference)
    found: dict[tuple[str, str], list[str]] = {}
    for r in tables.records.rows(case_id):
        pair = pairs[r]
        if pair not in SAFETY:
            continue
        day = dates[r]
        if day is None:
            continue
        person = str(cols["person_id"][r])
        if pair in _BABY_ONLY and not ages.get(person, 99.0) < 2:
            continue
        if pair[1] in ("domestic_abuse_notification", "emergency_attendance"):
            start = (day0 - dt.timedelta(days=windows.get(pair, 365))).isoformat()
            if day < start:
                continue
        found.setdefault(pair, []).append(person)
    return found


def safety_items(
    case_id: str,
    reference: str,
    tables: CaseTables,
    windows: dict[tuple[str, str], int],
    labels: dict[str, str],
    words: dict[str, str],
    kinds: dict[str, str],
) -> list[dict[str, Any]]:
    """Return the case's safety items, in the fixed order of :data:`SAFETY`."""
    found = covered_pairs(case_id, reference, tables, windows)
    if not found:
        return []
    cols = tables.records.columns
    dates, pairs, _ = tables.record_rows
    latest: dict[tuple[str, str], str] = {}
    for r in tables.records.rows(case_id):
        pair, day = pairs[r], dates[r]
        if (
            pair in found
            and day is not None
            and str(cols["person_id"][r]) in found[pair]
            and day > latest.get(pair, "")
        ):
            latest[pair] = day
    h = tables.household.columns
    household = [
        (str(h["person_id"][r]), h["relationship"][r], h["age"][r])
        for r in tables.household.rows(case_id)
    ]
    return items_of(found, latest, household, reference, labels, words, kinds)


def items_of(
    found: dict[tuple[str, str], list[str]],
    latest: dict[tuple[str, str], str],
    household: list[tuple[str, Any, Any]],
    reference: str,
    labels: dict[str, str],
    words: dict[str, str],
    kinds: dict[str, str],
) -> list[dict[str, Any]]:
    """Return the safety items of a case's records already found (a batch finds them at once).

    ``found`` as :func:`covered_pairs` returns it, ``latest`` the latest date of
    each of its pairs' records, ``household`` each member's ``(person_id,
    relationship, age)``.
    """
    out = []
    for pair, (check, question) in SAFETY.items():
        if pair not in found:
            continue
        subjects = list(dict.fromkeys(found[pair]))
        alone = _alone(pair, subjects, household, words)
        when = relative_words(latest[pair], reference).replace(" before the referral", " before")
        many = len(found[pair]) > 1
        out.append(
            {
                "prompt_id": f"safety:{pair[1]}",
                "agency": labels.get(pair[0], pair[0]),
                "record": kinds.get(pair[1], pair[1]),
                "people": _people(
                    [words.get(p, "a person not in the household") for p in subjects]
                ),
                "latest": latest[pair],
                "when": f"latest {when}" if many else when,
                "check": check.format(alone=alone) + ".",
                "question": question,
            }
        )
    return out


def _alone(
    pair: tuple[str, str],
    subjects: list[str],
    household: list[tuple[str, Any, Any]],
    words: dict[str, str],
) -> str:
    """Whom to see alone, in words.

    For domestic abuse the adults and young people the records do not name;
    otherwise the young people (those the records name first) and the parents.
    """
    young = [
        p
        for p, relationship, age in household
        if relationship in ("the child", "sibling", "half_sibling")
        and isinstance(age, float)
        and age >= _SEEN_ALONE_FROM
    ]
    if pair == ("police", "domestic_abuse_notification"):
        chosen = [
            p
            for p, relationship, age in household
            if p not in subjects
            and (p in young or relationship == _PARENT or (isinstance(age, float) and age >= 18))
        ]
        named = [p for p, _, age in household if p in subjects and isinstance(age, float)]
        if not chosen and named:  # the people the notifications concern, separately
            names = _people(["the " + words[p] for p in named])
            return f"{names}, each alone" if len(named) > 1 else f"{names} alone"
        if not chosen:
            return "each adult and young person alone"
        if named:  # never with a person the notifications concern present
            names = _people(["the " + words[p] for p in chosen])
            alone = f"{names}, each alone" if len(chosen) > 1 else f"{names} alone"
            others = " or ".join("the " + words[p] for p in named)
            return f"{alone}, never with {others} present"
    else:
        parents = [p for p, relationship, _ in household if relationship == _PARENT]
        chosen = [p for p in subjects if p in young]
        chosen += [p for p in young if p not in chosen] + parents
        if not chosen:
            return "each adult alone"
    names = _people(["the " + words[p] for p in chosen])
    return f"{names}, each alone" if len(chosen) > 1 else f"{names} alone"
