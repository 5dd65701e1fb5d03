"""Plain-text and HTML renderings of a review, built from its dict and guarded.

Both read the dict of :meth:`~advisory.prompts.Review.to_dict` (or a host's
parsed JSON), so every rendering shows exactly what the data holds. The page
reads: who lives here, people elsewhere, the records (the past year, then key
history), before you go (the same line for each agency in every brief, then whom to
see alone), the questions for this visit, records to confirm, what the records could not see,
and one line saying it is not a decision. The fixed texts (what records never
capture, the method) sit behind "About these prompts".
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any, Final

from advisory.prompts._checked import record_ids
from advisory.prompts._choose import GENERAL_RECORDED, YOUNG_CHILD_VIEW
from advisory.prompts._guard import check_language
from advisory.prompts._safety import LATEST_QUESTION, NO_VISITOR_LEAD, NONE_SHARED, SEEN_ALONE_ID
from advisory.prompts._schema import check_schema_id
from advisory.prompts._words import before_words, short_when

__all__ = ["render_html", "render_text"]

HEADINGS: Final = {
    "household": "Who lives here",
    "elsewhere": "Living elsewhere",
    "records": "Records",
    "safety": "Before you go",
    "questions": "Questions for the visit",
    "to_confirm": "Records to confirm",
    "could_not_see": "Not in these records",
    "about": "About these prompts",
}
#: Said when a section has nothing: never as clearance. "Not in these records"
#: always ends with the open question, so it is never empty.
EMPTY: Final = {
    "chronology": "None shared from the past year; not proof nothing happened.",
    "key_history": "No referrals, plans, missing reports or exclusions shared; not proof of none.",
}
#: A person living elsewhere whose leaving the records do not date.
NO_LEAVING_DATE: Final = "no date of leaving in the household records (Children's social care)"
#: An agency's "ask what they hold first" when part of its records was not shared.
NONE_IN_GAP: Final = "ask what they hold first; some not shared (below)"
#: Said instead of ``EMPTY["chronology"]`` when the key history holds a record
#: of the past year, so the two parts of "Records" never contradict each other.
CHRONOLOGY_ONLY_KEY: Final = "None shared besides those below."


def _chronology_empty(review: Mapping[str, Any]) -> str | None:
    """Return what an empty chronology says, given the person lines and the key history.

    Nothing where a person line dates a record of the past year (every record of a person
    with a line is there); never silence where nothing of the past year was shared.
    """
    start = (dt.date.fromisoformat(review["reference_date"]) - dt.timedelta(days=365)).isoformat()
    people = [*review["household"], *review["elsewhere"]]
    if any(r["dates"][0] >= start for p in people for r in p["records"]):
        return None
    if any(e["date"] >= start for e in review["key_history"]):
        return CHRONOLOGY_ONLY_KEY
    return EMPTY["chronology"]


def _records_used(review: Mapping[str, Any]) -> str:
    """Which records the brief uses, relative to the referral (never the extract's later date)."""
    reference = review["reference_date"]
    extract = review["about"]["data_snapshot_date"]
    if extract < reference:
        return f"records shared up to {extract}, before the referral of {reference}."
    return f"records shared up to the referral on {reference}."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _since(day: str, reference: str) -> str:
    when = before_words(day, reference)
    return f"{day} ({when})"


def _records(records: list[Mapping[str, Any]]) -> str:
    """Return a person's records by agency, every record dated, no value put on any.

    ``"Health: emergency attendance 2024-05-19 (3 days before), 2023-07-09 (10 months
    before); mental health contact 2024-02-13 (3 months before)."``: neutral dated lines,
    agencies by their newest record (reader verdicts 11-15: "Supports:" made the other
    kinds countable as concerns; a count, one date per kind or an age without its date
    left records undated, "no date to quote to an agency").
    """
    by_agency: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        by_agency.setdefault(r["agency"], []).append(r)
    parts = []
    for agency, mine in by_agency.items():
        kinds = "; ".join(
            f"{r['event_type']} "
            + ", ".join(f"{d} ({w})" for d, w in zip(r["dates"], r["whens"], strict=True))
            for r in mine
        )
        partial = mine[0]["partial"]
        parts.append(f"{agency}: {kinds}" + (f" ({partial})" if partial else ""))
    return ". ".join(parts)


def _person(p: Mapping[str, Any], reference: str, *, elsewhere: bool, said: str = "") -> str:
    parts = [f"{_cap(p['relationship'])} {p['person_id']}, {p['age']}"]
    if p["member_since"]:
        parts.append(f"moved in {_since(p['member_since'], reference)}")
    if elsewhere and p["end_date"]:
        parts.append(f"left the household {_since(p['end_date'], reference)}")
    elif elsewhere:  # the household records hold no date (readers 14-17: "no date or source")
        parts.append(NO_LEAVING_DATE)
    if p["relation"]:
        parts.append(p["relation"])
    line = ", ".join(parts) + "."
    if p["records"]:
        line += f" {_records(p['records'])}."
    for note in p["notes"]:
        if note.lower() not in said:  # "Not in these records" says it already, with whom
            line += f" {_cap(note)}."
    return line


def _said(review: Mapping[str, Any]) -> str:
    """Return what "Not in these records" says, lower case: person lines do not repeat it."""
    return " ".join(g["description"] for g in review["could_not_see"]).lower()


def _entry(e: Mapping[str, Any]) -> str:
    when = short_when(e["when"])
    return f"{e['date']} ({when}): {e['relationship']}, {e['event_type']} ({e['agency']})"


def _record_lines(review: Mapping[str, Any]) -> list[str]:
    """Return the lines of "Records": the past year's unlisted records, then the key history.

    The past year's records of people with a line of their own are dated there; only
    those of people without one are listed here.
    """
    lines = [_entry(e) for e in review["chronology"]]
    if review["chronology_more"]:
        lines.append(f"{_cap(review['chronology_more'])}.")
    empty = None if review["chronology"] else _chronology_empty(review)
    if empty is not None:
        lines.append(empty)
    lines += [_entry(e) for e in review["key_history"]]
    if review["key_history_more"]:
        lines.append(f"{_cap(review['key_history_more'])}.")
    if not review["key_history"]:
        lines.append(EMPTY["key_history"])
    return lines


def _safety(review: Mapping[str, Any]) -> list[str]:
    """Return the lines of "Before you go": the same five items in every brief.

    One per agency in a fixed order, then whom to see alone with its question,
    the same in every brief; each agency's question stays in the data (a longer
    line would follow the model's margin).
    """
    gaps = {g["prompt_id"] for g in review["could_not_see"]}
    lines = []
    for item in review["safety"]:
        if item["prompt_id"] == SEEN_ALONE_ID:
            lines.append(f"{_cap(item['shared'])}\n  {item['question']}")
        elif item["shared"] == NONE_SHARED and "gap:" + item["prompt_id"][7:] in gaps:
            # nothing shared while part of the agency's records is missing (reader 6)
            lines.append(f"{item['agency']}: {NONE_IN_GAP}.")
        else:
            lines.append(f"{item['agency']}: {item['shared']}.")
    return lines


def _question(q: Mapping[str, Any]) -> tuple[str, str]:
    """Return a question and what it cites: the record, whom and when.

    The agency is on the person lines and in "Records"; the child's age is cited
    as the age, never as a record of an agency.
    """
    if q["recorded"] == GENERAL_RECORDED:  # about no record: what the records cannot show
        if q["question"] == YOUNG_CHILD_VIEW:
            return q["question"], "No record shows their day."
        return q["question"], _NOT_IN_RECORDS.get(q["factor"], "")
    if q["kind"] == "circumstance":  # whom and when; the question names the kind
        return q["question"], f"{_cap(q['recorded'].split(': ')[0])}."
    return q["question"], f"{_cap(q['recorded'])}."


#: Under an open question: what no record shows (the records never say all); as long
#: as a record's citation, so the questions' length does not follow the model.
_NOT_IN_RECORDS: Final = {
    "child_view": "No record holds their view.",
    "day_to_day": "No record shows who does what.",
    "wishes": "No record holds what they want.",
}


#: When the records leave no gap of their own: what to confirm, from the records
#: shown ("Before you go"), never a generic question.
_CONFIRM_WHAT: Final = "{agency}: what happened has not been shared; ask before the visit."
_CONFIRM_GP: Final = (
    "Confirm with the GP: no mental health or substance misuse records were shared."
)
_CONFIRM_GP_SEEN: Final = (
    "Confirm with the GP what the mental health or substance misuse contacts were."
)


#: The questions of agency lines that name a record which is not a safety record.
_NOT_SAFETY: Final = frozenset(LATEST_QUESTION.values())


def _open_gap(review: Mapping[str, Any]) -> str:
    """Return the gap said when "Not in these records" has none: specific to the case."""
    shared = next(
        (
            s
            for s in review["safety"]
            if s["prompt_id"] != SEEN_ALONE_ID
            and s["shared"] != NONE_SHARED
            and s["question"] not in _NOT_SAFETY
            and not s["shared"].startswith(NO_VISITOR_LEAD)
        ),
        None,
    )
    if shared is not None:
        return _CONFIRM_WHAT.format(agency=shared["agency"])
    kinds = " ".join(r["event_type"] for p in review["household"] for r in p["records"])
    if "mental health" in kinds or "substance" in kinds:
        return _CONFIRM_GP_SEEN
    return _CONFIRM_GP


def render_text(review: Mapping[str, Any]) -> str:
    """Render a review dict as plain text; raises ``LanguageError`` on a breach.

    Examples
    --------
    >>> from advisory.prompts import render_text
    >>> render_text({"schema": "urn:advisory:review:v1"})
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: This release reads reviews of schema 'urn:advisory:review:v2'; ...
    """
    check_schema_id(review)
    lines = [
        f"Case {review['case_id']}, referred {review['reference_date']}",
        review["statement"],
        "",
        HEADINGS["household"],
    ]
    reference = review["reference_date"]
    said = _said(review)
    lines += [f"- {_person(p, reference, elsewhere=False, said=said)}" for p in review["household"]]
    if review["elsewhere"]:
        lines += ["", HEADINGS["elsewhere"]]
        lines += [f"- {_person(p, reference, elsewhere=True)}" for p in review["elsewhere"]]
    lines += ["", HEADINGS["records"]]
    lines += [f"- {line}" for line in _record_lines(review)]
    lines += ["", HEADINGS["safety"]]
    lines += [f"- {line}" for line in _safety(review)]
    lines += ["", HEADINGS["questions"]]
    for q in review["questions"]:
        lead, recorded = _question(q)
        lines.append(f"- {lead}")
        if recorded:
            lines.append(f"  {recorded}")
    if review["to_confirm"]:
        lines += ["", HEADINGS["to_confirm"]]
        for c in review["to_confirm"]:
            lines.append(
                f"- {c['agency']} record {c['event_id']}: {c['described_as']} may be the "
                f"{c['relationship']} {c['person_id']} ({c['differences']})."
            )
            lines.append(f"  {c['question']}")
    lines += ["", HEADINGS["could_not_see"]]
    for g in review["could_not_see"]:
        lines += [f"- {g['description']}", f"  {g['question']}"]
    if not review["could_not_see"]:
        lines.append(f"- {_open_gap(review)}")
    lines += [
        "",
        f"About these prompts: {_records_used(review)} Questions are chosen with a statistical "
        "model's explanation; their number and order say nothing about the case.",
    ]
    text = "\n".join(lines) + "\n"
    check_language(text, where=f"text of case {review['case_id']}", identifiers=record_ids(review))
    return text


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def render_html(review: Mapping[str, Any]) -> str:
    """Render a review dict as an accessible HTML fragment; raises ``LanguageError`` on a breach.

    Headings and lists carry the structure; nothing relies on colour; all text
    is escaped; there are no scripts, styles or external assets. The fixed
    texts sit in a collapsible ``<details>`` "About these prompts".
    """
    check_schema_id(review)
    ident = _e(f"advisory-review-{review['case_id']}")
    reference = review["reference_date"]
    parts = [
        f'<section class="advisory-review" lang="en" aria-labelledby="{ident}">',
        f'<h2 id="{ident}">Case {_e(review["case_id"])}, referred '
        f"{_e(review['reference_date'])}</h2>",
        f'<p class="advisory-statement">{_e(review["statement"])}</p>',
        f"<h3>{_e(HEADINGS['household'])}</h3>",
        _list(
            [
                _e(_person(p, reference, elsewhere=False, said=_said(review)))
                for p in review["household"]
            ]
        ),
    ]
    if review["elsewhere"]:
        parts += [
            f"<h3>{_e(HEADINGS['elsewhere'])}</h3>",
            _list([_e(_person(p, reference, elsewhere=True)) for p in review["elsewhere"]]),
        ]
    parts += [
        f"<h3>{_e(HEADINGS['records'])}</h3>",
        _list([_e(line) for line in _record_lines(review)]),
    ]
    parts += [
        f"<h3>{_e(HEADINGS['safety'])}</h3>",
        _list([_e(line).replace("\n  ", "<br>") for line in _safety(review)]),
    ]
    parts += [
        f"<h3>{_e(HEADINGS['questions'])}</h3>",
    ]
    items = []
    for q in review["questions"]:
        lead, recorded = _question(q)
        items.append(
            f'<p class="advisory-question">{_e(lead)}</p>'
            + (f"<p>{_e(recorded)}</p>" if recorded else "")
        )
    parts.append(_list(items))
    if review["to_confirm"]:
        parts += [
            f"<h3>{_e(HEADINGS['to_confirm'])}</h3>",
            _list(
                [
                    _e(
                        f"{c['agency']} record {c['event_id']}: {c['described_as']} may be the "
                        f"{c['relationship']} {c['person_id']} ({c['differences']}). "
                        f"{c['question']}"
                    )
                    for c in review["to_confirm"]
                ]
            ),
        ]
    gaps = [f"{_e(g['description'])} {_e(g['question'])}" for g in review["could_not_see"]]
    about = review["about"]
    parts += [
        f"<h3>{_e(HEADINGS['could_not_see'])}</h3>",
        _list(gaps) if gaps else f'<p class="advisory-question">{_e(_open_gap(review))}</p>',
        f"<details><summary>{_e(HEADINGS['about'])}</summary>",
        f"<p>{_e(about['reminder'])}</p>",
        "<h4>What each agency's records never capture</h4>",
        _list(
            [f"<strong>{_e(n['agency'])}:</strong> {_e(n['text'])}" for n in about["not_captured"]]
        ),
        "<dl>",
        f"<dt>Records used</dt><dd>{_e(_records_used(review))}</dd>",
        f"<dt>Explanation</dt><dd>{_e(about['explanation_method'])}</dd>",
        f"<dt>Model version, for audit</dt><dd>{_e(about['model_version'])}</dd>",
        f"<dt>Agency extracts taken</dt><dd>{_e(about['data_snapshot_date'])}</dd>",
        "</dl></details>",
        "</section>",
    ]
    markup = "\n".join(parts) + "\n"
    check_language(
        html.unescape(markup),
        where=f"HTML of case {review['case_id']}",
        identifiers=record_ids(review),
    )
    return markup
