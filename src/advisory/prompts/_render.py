"""Plain-text and HTML renderings of a review, each passed through the guard."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from advisory.prompts._guard import check_language

if TYPE_CHECKING:
    from advisory.prompts._review import FactorPrompt, HouseholdMember, Record, Review

__all__ = ["render_html", "render_text"]

HEADINGS = {
    "stands_out": "Factors that stand out compared with a typical case",
    "strengths": "Strengths, and what pulls the other way",
    "could_not_see": "What the data could not see",
    "household": "Household on the reference date (each person separately)",
    "about": "About this review",
}
NONE_STAND_OUT = "No recorded factor stands out clearly for this case."
NONE_STRENGTHS = "No recorded strength or factor pulling the other way stands out clearly."
NO_GAPS = "No gap in the shared records of this household was found."


def _records(n: int) -> str:
    return f"{n} record" if n == 1 else f"{n} records"


def _record_line(r: Record) -> str:
    return f"{r.date.isoformat()}: {r.event_type} ({r.agency}), {r.relationship} {r.person_id}"


def _member_line(m: HouseholdMember) -> str:
    age = "age unknown" if m.age_years is None else f"{m.age_years} years old"
    since = "" if m.member_since is None else f", in the household since {m.member_since}"
    contact = [
        (f"{c.agency} {_records(c.events)}" if c.events else f"{c.agency} no records")
        + ("" if c.latest is None else f", latest on {c.latest}")
        + ("" if c.coverage == "complete" else f" ({c.coverage})")
        for c in m.recent_contact
    ]
    recent = "; ".join(contact) if contact else "no recent agency records"
    return f"{m.relationship} ({m.person_id}), {age}{since}. Recent contact: {recent}"


def _prompt_lines(p: FactorPrompt) -> list[str]:
    lines = [
        f"- {p.label} ({p.emphasis})",
        f"  Recorded: {p.observed} ({p.agency})",
    ]
    lines += [f"    {_record_line(r)}" for r in p.records]
    lines.append(f"  Question: {p.question}")
    return lines


def render_text(review: Review) -> str:
    """Render ``review`` as plain text; raises ``LanguageError`` on a breach."""
    lines = [
        f"Review prompts for case {review.case_id}, as of {review.reference_date.isoformat()}",
        review.statement,
        "",
        HEADINGS["stands_out"],
    ]
    for p in review.stands_out:
        lines += _prompt_lines(p)
    if not review.stands_out:
        lines.append(f"- {NONE_STAND_OUT}")
    lines += ["", HEADINGS["strengths"]]
    for p in review.strengths:
        lines += _prompt_lines(p)
    if not review.strengths:
        lines.append(f"- {NONE_STRENGTHS}")
    lines += ["", HEADINGS["could_not_see"]]
    for g in review.gaps:
        lines += [f"- {g.description}", f"  Question: {g.question}"]
    if not review.gaps:
        lines.append(f"- {NO_GAPS}")
    lines += [f"- Unknown: {u.label}: {u.reason}" for u in review.unknown]
    lines += [review.reminder, "What each agency's records never capture:"]
    lines += [f"- {n.agency}: {n.text}" for n in review.not_captured]
    lines.append(f"Question: {review.open_question}")
    lines += ["", HEADINGS["household"]]
    lines += [f"- {_member_line(m)}" for m in review.household]
    if not review.household:
        lines.append("- No household members are recorded for this case.")
    lines += [
        "",
        HEADINGS["about"],
        f"Model: {review.model_version}",
        f"Explanation: {review.explanation_method}",
        f"Records as of: {review.data_snapshot_date.isoformat()}",
    ]
    text = "\n".join(lines) + "\n"
    check_language(text, where=f"text of case {review.case_id}")
    return text


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _prompt_html(p: FactorPrompt) -> str:
    records = ""
    if p.records:
        items = "".join(f"<li>{_e(_record_line(r))}</li>" for r in p.records)
        records = (
            f"<details><summary>{_e(_records(len(p.records)))} behind this</summary>"
            f"<ul>{items}</ul></details>"
        )
    return (
        f'<li class="advisory-prompt"><h4>{_e(p.label)}</h4>'
        f"<p><strong>{_e(p.emphasis.capitalize())}.</strong> Recorded: {_e(p.observed)} "
        f"({_e(p.agency)})</p>{records}"
        f'<p class="advisory-question"><strong>Question:</strong> {_e(p.question)}</p></li>'
    )


def render_html(review: Review) -> str:
    """Render ``review`` as an accessible HTML fragment; raises ``LanguageError`` on a breach.

    Headings and lists carry the structure; nothing relies on colour; all text
    is escaped; there are no scripts, styles or external assets.
    """
    ident = _e(f"advisory-review-{review.case_id}")
    parts = [
        f'<section class="advisory-review" lang="en" aria-labelledby="{ident}">',
        f'<h2 id="{ident}">Review prompts for case {_e(review.case_id)}, as of '
        f"{_e(review.reference_date.isoformat())}</h2>",
        f'<p class="advisory-statement"><strong>{_e(review.statement)}</strong></p>',
        f"<h3>{_e(HEADINGS['stands_out'])}</h3>",
        "<ul>" + "".join(_prompt_html(p) for p in review.stands_out) + "</ul>"
        if review.stands_out
        else f"<p>{_e(NONE_STAND_OUT)}</p>",
        f"<h3>{_e(HEADINGS['strengths'])}</h3>",
        "<ul>" + "".join(_prompt_html(p) for p in review.strengths) + "</ul>"
        if review.strengths
        else f"<p>{_e(NONE_STRENGTHS)}</p>",
        f"<h3>{_e(HEADINGS['could_not_see'])}</h3>",
    ]
    gap_items = [
        f'<li>{_e(g.description)}<p class="advisory-question"><strong>Question:</strong> '
        f"{_e(g.question)}</p></li>"
        for g in review.gaps
    ] + [f"<li>Unknown: {_e(u.label)}: {_e(u.reason)}</li>" for u in review.unknown]
    parts.append("<ul>" + "".join(gap_items) + "</ul>" if gap_items else f"<p>{_e(NO_GAPS)}</p>")
    parts += [
        f"<p>{_e(review.reminder)}</p>",
        "<h4>What each agency's records never capture</h4>",
        "<ul>"
        + "".join(
            f"<li><strong>{_e(n.agency)}:</strong> {_e(n.text)}</li>" for n in review.not_captured
        )
        + "</ul>",
        f'<p class="advisory-question"><strong>Question:</strong> {_e(review.open_question)}</p>',
        f"<h3>{_e(HEADINGS['household'])}</h3>",
        "<ul>" + "".join(f"<li>{_e(_member_line(m))}</li>" for m in review.household) + "</ul>"
        if review.household
        else "<p>No household members are recorded for this case.</p>",
        f"<h3>{_e(HEADINGS['about'])}</h3>",
        "<dl>",
        f"<dt>Model</dt><dd>{_e(review.model_version)}</dd>",
        f"<dt>Explanation</dt><dd>{_e(review.explanation_method)}</dd>",
        f"<dt>Records as of</dt><dd>{_e(review.data_snapshot_date.isoformat())}</dd>",
        "</dl>",
        "</section>",
    ]
    markup = "\n".join(parts) + "\n"
    check_language(html.unescape(markup), where=f"HTML of case {review.case_id}")
    return markup
