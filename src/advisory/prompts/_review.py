"""The review of one case (schema v2): a practitioner's pre-visit brief, as pure data.

Every type here is a frozen dataclass of plain JSON types (text, ISO dates as
text, whole numbers for ages and record counts, tuples of parts). None has a
field for a probability, score, rank, band, label, threshold, base value,
margin or attribution. :meth:`Review.to_dict` gives the one layout every
rendering is built from (:func:`~advisory.prompts.render_text`,
:func:`~advisory.prompts.render_html`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal

from advisory._checks import check_choice
from advisory._errors import InputError
from advisory.prompts._schema import SCHEMA_ID, check_schema_id

__all__ = [
    "NOT_A_DECISION",
    "OPEN_QUESTION",
    "SCHEMA_ID",
    "About",
    "Gap",
    "LinkToConfirm",
    "Person",
    "Question",
    "RecordEntry",
    "RecordKinds",
    "Response",
    "Review",
]


#: The one line every review carries.
NOT_A_DECISION: Final = "Not a decision or an assessment: prompts for a visit."

#: The closing question that invites what the records never hold.
OPEN_QUESTION: Final = "What do the child, family and professionals know that records cannot show?"

Verdict = Literal["agree", "disagree", "not_relevant"]
VERDICTS: Final[tuple[Verdict, ...]] = ("agree", "disagree", "not_relevant")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return value.to_dict()  # type: ignore[union-attr]
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class _Part:
    """A part of a review: plain fields, ``to_dict`` and ``from_dict``."""

    __slots__ = ()
    _nested: ClassVar[dict[str, type[_Part]]] = {}

    def to_dict(self) -> dict[str, Any]:
        """Return the part as plain JSON types (the layout of ``review.schema.json``)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> Any:
        """Build the part from its dict (as from :meth:`to_dict` or parsed JSON)."""
        values = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            value = document[f.name]
            part = cls._nested.get(f.name)
            if part is not None:
                value = (
                    tuple(part.from_dict(v) for v in value)
                    if isinstance(value, list)
                    else part.from_dict(value)
                )
            elif isinstance(value, list):
                value = tuple(value)
            values[f.name] = value
        return cls(**values)


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordKinds(_Part):
    """One kind of one person's records of the past year: the agency, the kind, every date.

    Every record is dated on a line (reader verdicts 12-14: a count or one date
    per kind left records undated); no value is put on any kind.

    Attributes
    ----------
    agency : str
        The agency's plain-language name.
    event_type : str
        The kind of record, in words (``"domestic abuse notification"``).
    dates : tuple of str
        ISO date of each record, newest first.
    whens : tuple of str
        How long before the referral each was, in words, in the same order.
    partial : str or None
        When part of the window was not shared: which period, in words.
    """

    agency: str
    event_type: str
    dates: tuple[str, ...]
    whens: tuple[str, ...]
    partial: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Person(_Part):
    """One person: in the household on the referral date, or connected and living elsewhere.

    Attributes
    ----------
    person_id : str
        The person's id in the linked records.
    relationship : str
        What they are to the child, in a worker's words (``"mother"``,
        ``"mother's partner"``, ``"sister"``), or the role when the records
        do not say more.
    age_years : int or None
        Age in whole years on the referral date (``None``: not recorded).
    age : str
        The age in words (``"1 year old"``, ``"under 1 year old"``).
    member_since : str or None
        ISO date they moved in, only when a move-in is recorded.
    end_date : str or None
        For someone living elsewhere: when they left the child's household,
        where recorded.
    relation : str or None
        How they relate to the other adults, in words (``"partner of the
        mother P0000012"``).
    records : tuple of RecordKinds
        Their own shared records in the window, one per agency.
    notes : tuple of str
        Facts about what the agencies hold of them (``"not registered with a
        GP practice"``).
    """

    person_id: str
    relationship: str
    age_years: int | None
    age: str
    member_since: str | None
    end_date: str | None
    relation: str | None
    records: tuple[RecordKinds, ...]
    notes: tuple[str, ...]
    _nested: ClassVar[dict[str, type[_Part]]] = {"records": RecordKinds}


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordEntry(_Part):
    """One shared record: who, which agency, what, when, and how long before the referral.

    Attributes
    ----------
    date : str
        ISO date of the record.
    when : str
        Its age relative to the referral (``"14 months before the referral"``).
    person_id, relationship : str
        Whom it concerns.
    agency : str
        The agency's plain-language name.
    event_type : str
        What was recorded, in words.
    event_id : str or None
        The record's id in the source system (``None`` for household changes).
    """

    date: str
    when: str
    person_id: str
    relationship: str
    agency: str
    event_type: str
    event_id: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Question(_Part):
    """One question for the visit, about a recorded circumstance or absence, or general.

    A review always holds the same number of questions, in an order set by
    the case id alone: which questions are asked follows the model's
    explanation, nothing countable or sortable does.

    Attributes
    ----------
    prompt_id : str
        Stable id (``"question:adult_arrests"``, ``"absence:health_visitor_contacts"``,
        ``"general:child_view"``), used to record a :class:`Response`.
    kind : str
        ``"circumstance"``, ``"absence"`` or ``"general"``.
    factor : str
        The factor asked about, or the theme of a general question.
    recorded : str
        What the records show, in words, dated relative to the referral; for a
        recorded circumstance whom and when, then the kinds
        (``"mother, 3 months before: mental health contact"``).
    agency : str
        The agency whose records it uses (``"All agencies"`` for a general
        question).
    question : str
        The open question.
    """

    prompt_id: str
    kind: str
    factor: str
    recorded: str
    agency: str
    question: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SafetyItem(_Part):
    """One line of "Before you go": the same five in every brief, whatever the model says.

    One per agency (Police/MARAC, Health, Education, Children's social care, in
    that order), then whom to see alone (:mod:`advisory.prompts._safety`).

    Attributes
    ----------
    prompt_id : str
        Stable id (``"safety:police"``, ..., ``"safety:seen_alone"``).
    agency : str
        The agency the line is about (``"All agencies"`` for whom to see alone).
    shared : str
        The agency's first safety-relevant record shared (kind, whom it names, how
        long before the referral), else its latest support ("... (a support), ..."),
        else "ask what they hold first" (never a clearance); for whom to see alone,
        the people.
    question : str
        The open question, put to the adults alone (young people are only
        invited to say what home is like), or what to ask the agency.
    """

    prompt_id: str
    agency: str
    shared: str
    question: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LinkToConfirm(_Part):
    """An agency record that may belong to someone named in the brief (an uncertain link).

    Attributes
    ----------
    prompt_id : str
        ``"confirm:<agency record id>"``.
    person_id, relationship : str
        The linked person the record may belong to.
    agency : str
        The agency holding the record.
    event_id : str
        The agency's own id of the record.
    described_as : str
        The record as the agency holds it.
    differences : str
        How it differs from the linked person.
    question : str
        The question to settle it.
    """

    prompt_id: str
    person_id: str
    relationship: str
    agency: str
    event_id: str
    described_as: str
    differences: str
    question: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Gap(_Part):
    """What the records of this case could not see: one per agency, with a question.

    Attributes
    ----------
    prompt_id : str
        ``"gap:<agency>"``, ``"gap:household"`` or ``"gap:parents"``.
    kind : str
        ``unavailable``, ``unmatched``, ``no_coverage``, ``stale``,
        ``no_household``, ``no_relationship``, ``unknown_age`` or ``no_parent``
        (a parent recorded neither in the household nor elsewhere).
    agency : str or None
        The agency, when the gap is an agency's.
    description : str
        Who and what is missing, in words.
    start_date, end_date : str or None
        The period missing, when it is one.
    question : str
        What the practitioner could find out.
    """

    prompt_id: str
    kind: str
    agency: str | None
    description: str
    start_date: str | None
    end_date: str | None
    question: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceNote(_Part):
    """What one agency's records never capture (from the catalogue)."""

    agency: str
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class About(_Part):
    """The fixed texts behind "About these prompts", and the model and records used."""

    model_version: str
    explanation_method: str
    data_snapshot_date: str
    reminder: str
    not_captured: tuple[SourceNote, ...]
    open_question: str
    _nested: ClassVar[dict[str, type[_Part]]] = {"not_captured": SourceNote}


@dataclass(frozen=True, kw_only=True, slots=True)
class Response:
    """A practitioner's response to one prompt of a review.

    Record these to monitor how useful the prompts are and whether they are
    followed without question (automation bias).

    Attributes
    ----------
    case_id : str
        The case reviewed.
    prompt_id : str
        The prompt responded to.
    verdict : {'agree', 'disagree', 'not_relevant'}
        The practitioner's view of the prompt.
    reason : str
        Why; required for ``disagree`` and ``not_relevant``.
    model_version : str
        The model version of the review.
    """

    case_id: str
    prompt_id: str
    verdict: Verdict
    reason: str
    model_version: str

    def __post_init__(self) -> None:
        check_choice(self.verdict, "verdict", "Review.respond", VERDICTS)
        if not isinstance(self.reason, str):
            raise InputError(
                f"The 'reason' of a response must be text; got {type(self.reason).__name__}."
            )
        if self.verdict != "agree" and not self.reason.strip():
            raise InputError(
                f"A {self.verdict!r} response to prompt {self.prompt_id!r} needs a reason; "
                "say in a few words why, so the prompts can be improved."
            )

    def to_dict(self) -> dict[str, str]:
        """Return the response as plain JSON types."""
        return {
            "case_id": self.case_id,
            "prompt_id": self.prompt_id,
            "verdict": self.verdict,
            "reason": self.reason,
            "model_version": self.model_version,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class Review(_Part):
    """A pre-visit brief for one case; never a decision, a score or a rank.

    Build reviews with :meth:`advisory.Advisor.review`, a host's
    :class:`advisory.Reviewer`, or :class:`~advisory.prompts.ReviewBuilder`.
    The page reads: who lives here and how they are related, people living
    elsewhere, a short chronology of the shared records, key history, the
    questions for this visit, records to confirm, what the records could not
    see, and one line saying it is not a decision. Nothing a host can count,
    measure or sort in it follows the model's output more than the
    household's own record count does (tested by rank correlation).

    Attributes
    ----------
    schema : str
        :data:`SCHEMA_ID`.
    case_id : str
        The case.
    reference_date : str
        ISO date of the referral the brief is as of.
    statement : str
        :data:`NOT_A_DECISION`.
    household : tuple of Person
        Everyone in the household on the referral date, the child first.
    elsewhere : tuple of Person
        People related to the child living elsewhere (a parent who left).
    chronology : tuple of RecordEntry
        The newest shared records of the past year that the catalogue marks
        for the chronology, newest first.
    chronology_more : str or None
        How many more records of the past year are not listed, and which
        agencies hold them, in words.
    key_history : tuple of RecordEntry
        Earlier referrals, plans, missing episodes, exclusions and adults
        joining or leaving, at any date, newest first, whatever the model says.
    key_history_more : str or None
        How many earlier ones are not listed: agency, kinds, whom, dates and
        how long before the referral, in words.
    safety : tuple of SafetyItem
        "Before you go": the same five items in every brief, whatever the model
        says (one per agency with its safety-relevant records or "no safety
        record", then whom to see alone), each with an open question.
    questions : tuple of Question
        The questions for this visit (always the same number).
    to_confirm : tuple of LinkToConfirm
        Records an agency holds that may belong to someone here.
    could_not_see : tuple of Gap
        What the records could not see, one per agency.
    about : About
        The fixed texts, model and records used.
    """

    schema: str
    case_id: str
    reference_date: str
    statement: str
    household: tuple[Person, ...]
    elsewhere: tuple[Person, ...]
    chronology: tuple[RecordEntry, ...]
    chronology_more: str | None
    key_history: tuple[RecordEntry, ...]
    key_history_more: str | None
    safety: tuple[SafetyItem, ...]
    questions: tuple[Question, ...]
    to_confirm: tuple[LinkToConfirm, ...]
    could_not_see: tuple[Gap, ...]
    about: About
    _nested: ClassVar[dict[str, type[_Part]]] = {
        "household": Person,
        "elsewhere": Person,
        "chronology": RecordEntry,
        "key_history": RecordEntry,
        "safety": SafetyItem,
        "questions": Question,
        "to_confirm": LinkToConfirm,
        "could_not_see": Gap,
        "about": About,
    }

    def __post_init__(self) -> None:
        check_schema_id({"schema": self.schema})
        if self.statement != NOT_A_DECISION:
            raise InputError(
                "The 'statement' of a Review is fixed (advisory.prompts.NOT_A_DECISION); "
                "it cannot be changed."
            )

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> Review:
        """Build a review from its dict (as from :meth:`to_dict` or parsed JSON).

        Raises
        ------
        advisory.InputError
            If the dict is not a review of schema v2 (a v1 review is refused,
            naming v2).
        """
        check_schema_id(document)
        out: Review = super(Review, cls).from_dict(document)
        return out

    def __repr__(self) -> str:
        return f"<Review of case {self.case_id} as of {self.reference_date}>"

    def to_dict(self) -> dict[str, Any]:
        """Return the review as plain JSON types, following ``review.schema.json``.

        Every rendering is built from this dict; it passes the language guard
        (checked here) and holds no number but ages and record counts.
        """
        from advisory.prompts._guard import check_language

        document = _Part.to_dict(self)
        check_language(document)
        return document

    @property
    def prompts(self) -> dict[str, str]:
        """Every question of the review, by prompt id, in reading order."""
        out = {s.prompt_id: s.question for s in self.safety}
        out.update((q.prompt_id, q.question) for q in self.questions)
        out.update((c.prompt_id, c.question) for c in self.to_confirm)
        out.update((g.prompt_id, g.question) for g in self.could_not_see)
        out["open"] = OPEN_QUESTION
        return out

    def respond(self, prompt_id: str, verdict: Verdict, reason: str = "") -> Response:
        """Record a practitioner's response to one prompt.

        Parameters
        ----------
        prompt_id : str
            A key of :attr:`prompts`.
        verdict : {'agree', 'disagree', 'not_relevant'}
            The practitioner's view.
        reason : str, default ""
            Why; required unless ``verdict='agree'``.

        Returns
        -------
        Response

        Raises
        ------
        advisory.InputError
            If the prompt id is not in this review or a needed reason is missing.
        """
        prompts = self.prompts
        if prompt_id not in prompts:
            raise InputError(
                f"Prompt {prompt_id!r} is not in the review of case {self.case_id!r}; "
                f"its prompts are {list(prompts)}."
            )
        return Response(
            case_id=self.case_id,
            prompt_id=prompt_id,
            verdict=verdict,
            reason=reason,
            model_version=self.about.model_version,
        )

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the review as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_text(self) -> str:
        """Return the brief as plain text, built from :meth:`to_dict` (guarded)."""
        from advisory.prompts._render import render_text

        return render_text(self.to_dict())

    def to_html(self) -> str:
        """Return the brief as an accessible HTML fragment, built from :meth:`to_dict`."""
        from advisory.prompts._render import render_html

        return render_html(self.to_dict())

    def _repr_html_(self) -> str:
        return self.to_html()
