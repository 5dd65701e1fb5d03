"""The review of one case: what stands out, strengths, what the data could not see.

Every type here is a frozen dataclass that has no field for a probability,
score, rank, band, label, threshold, base value, margin or attribution:
relative strength is carried only by order and by qualitative words.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final, Literal

from advisory._checks import check_choice
from advisory._errors import InputError
from advisory.prompts._guard import LanguageError, check_language, passed_before

__all__ = [
    "NOT_A_DECISION",
    "OPEN_QUESTION",
    "SCHEMA_ID",
    "AgencyContact",
    "DataGap",
    "FactorPrompt",
    "HouseholdMember",
    "Record",
    "Response",
    "Review",
    "SourceNote",
    "UnknownFactor",
]

#: The ``$id`` of the JSON Schema of :meth:`Review.to_dict`, with its version.
SCHEMA_ID: Final = "urn:advisory:review:v1"

#: The fixed statement every review carries.
NOT_A_DECISION: Final = (
    "This is not a decision and not an assessment of the child or family. It points to "
    "recorded circumstances that stand out compared with a typical case, to strengths, and "
    "to what the records could not see, so that a practitioner can consider them with "
    "everything else they know. Professional judgement decides what happens next."
)

#: The closing question that invites what the records never hold.
OPEN_QUESTION: Final = (
    "What do you know from the child, the family and other professionals that these "
    "records could not show?"
)

Verdict = Literal["agree", "disagree", "not_relevant"]
VERDICTS: Final[tuple[Verdict, ...]] = ("agree", "disagree", "not_relevant")


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# Pieces of reviews (prompts, unknown factors, notes, contacts) whose rendering
# has passed the language guard, by identity, with their JSON text and dict.
# Pieces are frozen, so what passed once passes always: the builder shares such
# pieces across many reviews, and a review holding them does not check them
# again. The dicts are templates, never handed out (see piece_dicts).
_GUARDED: dict[int, tuple[object, str, dict[str, Any], tuple[str, ...]]] = {}
_GUARDED_MAX: Final = 100_000
# Whether the fixed frame of a review dict (its keys and fixed texts) has passed
# the guard once, with real values, in this process.
_FRAME_CHECKED: dict[str, bool] = {"review": False}
# json.dumps(..., ensure_ascii=False) with its other defaults, built once
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def guard_piece(piece: Any) -> bool:
    """Check the rendering of a piece shared by reviews once; return whether it passed.

    A piece that fails is not remembered: the review holding it fails its
    own check, which names where.

    Parameters
    ----------
    piece : FactorPrompt, UnknownFactor, SourceNote, AgencyContact, ...
        A frozen piece of a review with a ``to_dict`` method.

    Returns
    -------
    bool

    Examples
    --------
    >>> guard_piece(SourceNote(agency="Police", text="Incidents never reported."))
    True
    >>> guard_piece(SourceNote(agency="Police", text="Risk level: high"))
    False
    """
    found = _GUARDED.get(id(piece))
    if found is not None and found[0] is piece:
        return True
    document = piece.to_dict()
    try:
        check_language(document)
    except LanguageError:
        return False
    if len(_GUARDED) >= _GUARDED_MAX:
        _GUARDED.clear()
    lists = tuple(key for key, value in document.items() if type(value) is list)
    _GUARDED[id(piece)] = (piece, _dumps(document), document, lists)
    return True


def piece_dicts(pieces: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Return the dicts of ``pieces``, new ones, checking those not guarded before.

    A piece that passed :func:`guard_piece` is copied from its checked
    template (its lists of records or contacts copied too, so a caller may
    change what it gets); any other piece is rendered and checked.

    Raises
    ------
    LanguageError
        If a piece not guarded before breaks the guard (without the place in
        the review: build the review's own dict to name it).
    """
    out = []
    for piece in pieces:
        found = _GUARDED.get(id(piece))
        if found is not None and found[0] is piece:
            document = found[2].copy()
            for key in found[3]:  # the lists of records or contacts, and their dicts
                document[key] = [item.copy() for item in document[key]]
        else:
            document = piece.to_dict()
            _check_new(piece, document)
        out.append(document)
    return out


def _check_new(piece: Any, document: dict[str, Any]) -> None:
    """Check the dict of a piece not guarded before, skipping its nested pieces that were.

    A text's rule depends only on its own key (an item of a list takes the
    list's key), so a member's shared contacts need no second look.
    """
    nested = [key for key, value in document.items() if type(value) is list]
    if not nested:
        check_language(document)
        return
    check_language({key: value for key, value in document.items() if key not in nested})
    for key in nested:
        for item, item_document in zip(getattr(piece, key), document[key], strict=True):
            found = _GUARDED.get(id(item))
            if found is None or found[0] is not item:
                check_language({key: [item_document]})


def review_document(
    case_id: str,
    reference_date: str,
    stands_out: list[dict[str, Any]],
    strengths: list[dict[str, Any]],
    gaps: list[dict[str, Any]],
    unknown: list[dict[str, Any]],
    reminder: str,
    not_captured: list[dict[str, Any]],
    household: list[dict[str, Any]],
    about: dict[str, str],
) -> dict[str, Any]:
    """Return the dict of a review from its parts' dicts (the one layout of ``to_dict``)."""
    return {
        "schema": SCHEMA_ID,
        "case_id": case_id,
        "reference_date": reference_date,
        "statement": NOT_A_DECISION,
        "stands_out": stands_out,
        "strengths": strengths,
        "could_not_see": {
            "gaps": gaps,
            "unknown_factors": unknown,
            "reminder": reminder,
            "not_captured": not_captured,
            "open_question": {"prompt_id": "open", "question": OPEN_QUESTION},
        },
        "household": household,
        "about": about,
    }


def _piece_json(piece: Any) -> str:
    """Return the JSON text of a piece, checking it unless it passed before."""
    found = _GUARDED.get(id(piece))
    if found is not None and found[0] is piece:
        return found[1]
    document = piece.to_dict()
    check_language(document)
    return _dumps(document)


def _check_own(fields: dict[str, str]) -> None:
    """Check those of a review's own texts that have not passed before.

    A text's rule depends only on its own key, so checking the new texts
    alone (usually just the case id) is the same as checking them all.
    """
    fresh = {key: value for key, value in fields.items() if not passed_before(key, value)}
    if fresh:
        check_language(fresh)


# JSON of texts every review of a builder repeats (statement, reminder, about)
_TEXT_JSON: dict[object, str] = {}


def _text_json(value: str | tuple[str, str, str]) -> str:
    """Return the JSON of a repeated text, or of the 'about' block for a tuple."""
    found = _TEXT_JSON.get(value)
    if found is None:
        if len(_TEXT_JSON) >= 1_000:
            _TEXT_JSON.clear()
        if isinstance(value, tuple):
            keys = ("model_version", "explanation_method", "data_snapshot_date")
            found = _dumps(dict(zip(keys, value, strict=True)))
        else:
            found = _dumps(value)
        _TEXT_JSON[value] = found
    return found


def _unchecked(pieces: tuple[Any, ...], documents: list[dict[str, Any]]) -> None:
    """Check the dicts of the pieces that have not passed the guard before.

    A tuple of pieces whose every piece passed (such as the catalogue's notes,
    shared by every review of a builder) is remembered as a whole.
    """
    if not pieces:
        return
    seen = _GUARDED_TUPLES.get(id(pieces))
    if seen is not None and seen is pieces:
        return
    for piece, document in zip(pieces, documents, strict=True):
        found = _GUARDED.get(id(piece))
        if found is None or found[0] is not piece:
            _check_new(piece, document)
    if len(_GUARDED_TUPLES) >= _GUARDED_MAX:
        _GUARDED_TUPLES.clear()
    _GUARDED_TUPLES[id(pieces)] = pieces


# Tuples of pieces that passed the guard, by id (kept, so an id is not reused)
_GUARDED_TUPLES: dict[int, tuple[Any, ...]] = {}


@dataclass(frozen=True, kw_only=True, slots=True)
class Record:
    """One record behind a factor: who, which agency, what and when.

    Attributes
    ----------
    person_id : str
        The household member the record concerns.
    relationship : str
        Their relationship to the child, in words (``"the child"``, ``"parent"``).
    agency : str
        The agency's plain-language name.
    event_type : str
        What was recorded, in words (``"domestic abuse notification"``).
    date : datetime.date
        When.
    event_id : str or None
        The record's identifier in the source system (``None`` for
        membership records).
    """

    person_id: str
    relationship: str
    agency: str
    event_type: str
    date: dt.date
    event_id: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON types."""
        return {
            "person_id": self.person_id,
            "relationship": self.relationship,
            "agency": self.agency,
            "event_type": self.event_type,
            "date": self.date.isoformat(),
            "event_id": self.event_id,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class FactorPrompt:
    """A factor of the case that stands out, or a strength, with its question.

    Attributes
    ----------
    prompt_id : str
        Stable id of the prompt within the review (``"stands_out:adult_arrests"``),
        used to record a practitioner's :class:`Response`.
    factor : str
        The factor's name in the model specification.
    label : str
        Plain-language label from the catalogue.
    emphasis : str
        Qualitative words only: ``"stands out most"`` / ``"also stands out"``,
        or ``"pulls the other way most"`` / ``"also pulls the other way"``.
    observed : str
        What the records show, in words, including ``"unknown (reason)"``.
    agency : str
        The agency whose records the factor uses.
    records : tuple of Record
        The records behind the value, with dates and household members.
    question : str
        The review question from the catalogue.
    """

    prompt_id: str
    factor: str
    label: str
    emphasis: str
    observed: str
    agency: str
    records: tuple[Record, ...]
    question: str

    def to_dict(self) -> dict[str, Any]:
        """Return the prompt as plain JSON types."""
        return {
            "prompt_id": self.prompt_id,
            "factor": self.factor,
            "label": self.label,
            "emphasis": self.emphasis,
            "observed": self.observed,
            "agency": self.agency,
            "records": [r.to_dict() for r in self.records],
            "question": self.question,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class DataGap:
    """Something the records of this case could not see, with a question about it.

    Attributes
    ----------
    prompt_id : str
        Stable id of the prompt (``"gap:0"``).
    kind : str
        ``unavailable``, ``unmatched``, ``no_coverage``, ``stale``,
        ``no_household``, ``no_relationship`` or ``unknown_age``.
    agency : str or None
        The agency's plain-language name, when the gap is an agency's.
    person_id, relationship : str or None
        The household member concerned, when there is one.
    start_date, end_date : datetime.date or None
        The period the gap covers.
    description : str
        The gap in words.
    question : str
        What the practitioner could add.
    """

    prompt_id: str
    kind: str
    agency: str | None
    person_id: str | None
    relationship: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    description: str
    question: str

    def to_dict(self) -> dict[str, Any]:
        """Return the gap as plain JSON types."""
        return {
            "prompt_id": self.prompt_id,
            "kind": self.kind,
            "agency": self.agency,
            "person_id": self.person_id,
            "relationship": self.relationship,
            "start_date": _iso(self.start_date),
            "end_date": _iso(self.end_date),
            "description": self.description,
            "question": self.question,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class UnknownFactor:
    """A factor whose value is unknown for this case, and why (never taken as 'none').

    Attributes
    ----------
    factor : str
        The factor's name.
    label : str
        Plain-language label.
    reason : str
        Why it is unknown.
    """

    factor: str
    label: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the unknown factor as plain JSON types."""
        return {"factor": self.factor, "label": self.label, "reason": self.reason}


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceNote:
    """What one agency's records never capture (from the catalogue)."""

    agency: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return the note as plain JSON types."""
        return {"agency": self.agency, "text": self.text}


@dataclass(frozen=True, kw_only=True, slots=True)
class AgencyContact:
    """A household member's recent records with one agency.

    Attributes
    ----------
    agency : str
        The agency's plain-language name.
    events : int
        Number of records in the look-back window.
    latest : datetime.date or None
        Date of the latest one.
    coverage : str
        ``"complete"`` or, in words, what the agency's records lacked.
    """

    agency: str
    events: int
    latest: dt.date | None
    coverage: str

    def to_dict(self) -> dict[str, Any]:
        """Return the contact as plain JSON types."""
        return {
            "agency": self.agency,
            "events": self.events,
            "latest": _iso(self.latest),
            "coverage": self.coverage,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class HouseholdMember:
    """One person in the child's household on the reference date (no aggregate).

    Attributes
    ----------
    person_id : str
        The person.
    relationship : str
        Relationship to the child, in words.
    age_years : int or None
        Age in whole years, when known.
    adult_or_child : str
        ``"adult"`` or ``"child"`` (or ``"unknown"``).
    member_since : datetime.date or None
        Since when they are recorded in the household.
    recent_contact : tuple of AgencyContact
        Their own recent agency records and coverage, one per agency.
    """

    person_id: str
    relationship: str
    age_years: int | None
    adult_or_child: str
    member_since: dt.date | None
    recent_contact: tuple[AgencyContact, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the member as plain JSON types."""
        return {
            "person_id": self.person_id,
            "relationship": self.relationship,
            "age_years": self.age_years,
            "adult_or_child": self.adult_or_child,
            "member_since": _iso(self.member_since),
            "recent_contact": [c.to_dict() for c in self.recent_contact],
        }


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
class Review:
    """Prompts for a practitioner's review of one case; never a decision or a score.

    Build reviews with :meth:`advisory.Advisor.review` or
    :class:`~advisory.prompts.ReviewBuilder`. A review has no probability,
    score, rank, band, label, threshold, base value or attribution, in any
    rendering: relative strength is shown only by order and qualitative
    words. Each rendering passes the language guard
    (:func:`~advisory.prompts.check_language`).

    Attributes
    ----------
    case_id : str
        The case.
    reference_date : datetime.date
        The date the case is reviewed as of (the referral).
    stands_out : tuple of FactorPrompt
        Factors that stand out compared with a typical case, the clearest
        first; only those whose contribution is reliably away from zero.
    strengths : tuple of FactorPrompt
        Strengths and factors pulling the other way, the clearest first.
    gaps : tuple of DataGap
        What the agencies' records of this household could not see.
    unknown : tuple of UnknownFactor
        Factors unknown for this case, with why.
    reminder : str
        What records never capture (from the catalogue).
    not_captured : tuple of SourceNote
        What each agency's records never capture.
    household : tuple of HouseholdMember
        Each member separately, with recent agency contact.
    model_version, explanation_method : str
        Which model and how its explanation was made, in words.
    data_snapshot_date : datetime.date
        The date of the records' extract.
    statement : str
        The fixed statement that this is not a decision.
    """

    case_id: str
    reference_date: dt.date
    stands_out: tuple[FactorPrompt, ...]
    strengths: tuple[FactorPrompt, ...]
    gaps: tuple[DataGap, ...]
    unknown: tuple[UnknownFactor, ...]
    reminder: str
    not_captured: tuple[SourceNote, ...]
    household: tuple[HouseholdMember, ...]
    model_version: str
    explanation_method: str
    data_snapshot_date: dt.date
    statement: str = NOT_A_DECISION

    def __post_init__(self) -> None:
        if self.statement != NOT_A_DECISION:
            raise InputError(
                "The 'statement' of a Review is fixed (advisory.prompts.NOT_A_DECISION); "
                "it cannot be changed."
            )

    def __repr__(self) -> str:
        return (
            f"<Review of case {self.case_id}: {len(self.stands_out)} factors stand out, "
            f"{len(self.strengths)} strengths, {len(self.gaps)} gaps in the data>"
        )

    @property
    def open_question(self) -> str:
        """The closing question inviting what the records could not show."""
        return OPEN_QUESTION

    @property
    def prompts(self) -> dict[str, str]:
        """Every question of the review, by prompt id, in reading order."""
        out = {p.prompt_id: p.question for p in self.stands_out}
        out.update((p.prompt_id, p.question) for p in self.strengths)
        out.update((g.prompt_id, g.question) for g in self.gaps)
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
            model_version=self.model_version,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the review as plain JSON types, following ``review.schema.json``.

        The result passes :func:`~advisory.prompts.check_language` (checked
        here); it holds no number but record counts and ages.
        """
        out = review_document(
            self.case_id,
            self.reference_date.isoformat(),
            [p.to_dict() for p in self.stands_out],
            [p.to_dict() for p in self.strengths],
            [g.to_dict() for g in self.gaps],
            [u.to_dict() for u in self.unknown],
            self.reminder,
            [n.to_dict() for n in self.not_captured],
            [m.to_dict() for m in self.household],
            {
                "model_version": self.model_version,
                "explanation_method": self.explanation_method,
                "data_snapshot_date": self.data_snapshot_date.isoformat(),
            },
        )
        if not self._passes_guard(out):
            check_language(out)  # raises, naming where, or checks the fixed frame once
            _FRAME_CHECKED["review"] = True
        return out

    def _own_fields(self) -> dict[str, str]:
        """Return the review's own texts and dates, keyed as in :meth:`to_dict`."""
        return {
            "case_id": self.case_id,
            "reference_date": self.reference_date.isoformat(),
            "statement": self.statement,
            "reminder": self.reminder,
            "model_version": self.model_version,
            "explanation_method": self.explanation_method,
            "data_snapshot_date": self.data_snapshot_date.isoformat(),
        }

    def _passes_guard(self, out: dict[str, Any]) -> bool:
        """Check ``out`` piece by piece, skipping pieces that passed before.

        The same rules as ``check_language(out)``: a text's rule depends only
        on its own key. ``False`` sends the caller to the whole check, which
        names where a breach is (and checks the fixed frame the first time).
        """
        if not _FRAME_CHECKED["review"]:
            return False
        seen = out["could_not_see"]
        try:
            _check_own(self._own_fields())
            _unchecked(self.stands_out, out["stands_out"])
            _unchecked(self.strengths, out["strengths"])
            _unchecked(self.gaps, seen["gaps"])
            _unchecked(self.unknown, seen["unknown_factors"])
            _unchecked(self.not_captured, seen["not_captured"])
            _unchecked(self.household, out["household"])
        except LanguageError:
            return False
        return True

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the review as JSON text (see :meth:`to_dict`).

        Without ``indent``, the text of pieces shared between reviews is made
        once; the result is the same as ``json.dumps(review.to_dict())``.
        """
        if indent is None and _FRAME_CHECKED["review"]:
            line = self._json_line()
            if line is not None:
                return line
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _json_line(self) -> str | None:
        """Return the JSON text built from the pieces' texts, or None after a breach."""
        own = self._own_fields()
        try:
            _check_own(own)
            parts = [
                ", ".join([_piece_json(p) for p in pieces])
                for pieces in (
                    self.stands_out,
                    self.strengths,
                    self.gaps,
                    self.unknown,
                    self.not_captured,
                    self.household,
                )
            ]
        except LanguageError:
            return None
        about = _text_json(
            (own["model_version"], own["explanation_method"], own["data_snapshot_date"])
        )
        return (
            f'{{"schema": {_SCHEMA_JSON}, "case_id": {_dumps(own["case_id"])}, '
            f'"reference_date": {_dumps(own["reference_date"])}, '
            f'"statement": {_text_json(own["statement"])}, "stands_out": [{parts[0]}], '
            f'"strengths": [{parts[1]}], "could_not_see": {{"gaps": [{parts[2]}], '
            f'"unknown_factors": [{parts[3]}], "reminder": {_text_json(own["reminder"])}, '
            f'"not_captured": [{parts[4]}], "open_question": {_OPEN_JSON}}}, '
            f'"household": [{parts[5]}], "about": {about}}}'
        )

    def to_text(self) -> str:
        """Return the review as plain text for reading or printing (guarded)."""
        from advisory.prompts._render import render_text

        return render_text(self)

    def to_html(self) -> str:
        """Return the review as an accessible HTML fragment, with no external assets (guarded)."""
        from advisory.prompts._render import render_html

        return render_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()


_OPEN_JSON: Final = json.dumps({"prompt_id": "open", "question": OPEN_QUESTION}, ensure_ascii=False)
_SCHEMA_JSON: Final = json.dumps(SCHEMA_ID)
