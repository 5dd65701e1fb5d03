"""Review prompts (schema v2): a practitioner's pre-visit brief, never a score.

A :class:`Review` is what a practitioner reads before a visit, in about a
minute: who lives here and how they are related, people living elsewhere, a
short dated chronology of the shared records, key history, the same number of
questions for every case (chosen with the model's explanation, in an order set
by the case id), records to confirm, and what the records could not see. By
construction it has **no** probability, score, rank, band, label, threshold,
base value or attribution, and nothing countable in it follows the model's
output more than the household's own record count does. Every rendering is
built from :meth:`Review.to_dict` and passes the language guard
:func:`check_language`, which also rejects instructions. A practitioner's
:class:`Response` to each prompt can be recorded.

:class:`ReviewBuilder` turns case context and a prepared explainer into
reviews; :class:`advisory.Advisor` wraps it, and :func:`advisory.load` gives
host systems a score-free :class:`advisory.Reviewer`.

Examples
--------
>>> from advisory.prompts import check_language, NOT_A_DECISION
>>> check_language(NOT_A_DECISION)
>>> check_language("This case is in the top 10% for risk")
Traceback (most recent call last):
...
advisory.prompts._guard.LanguageError: text: 'risk' states a risk level, ...
"""

from __future__ import annotations

from advisory.prompts._builder import ReviewBuilder
from advisory.prompts._guard import LanguageError, check_language, check_question
from advisory.prompts._memo import BoundedMemo, reset_memos
from advisory.prompts._render import render_html, render_text
from advisory.prompts._review import (
    NOT_A_DECISION,
    OPEN_QUESTION,
    SCHEMA_ID,
    About,
    Gap,
    LinkToConfirm,
    Person,
    Question,
    RecordEntry,
    RecordKinds,
    Response,
    Review,
    SafetyItem,
)
from advisory.prompts._schema import review_schema, validate_review

__all__ = [
    "NOT_A_DECISION",
    "OPEN_QUESTION",
    "SCHEMA_ID",
    "About",
    "BoundedMemo",
    "Gap",
    "LanguageError",
    "LinkToConfirm",
    "Person",
    "Question",
    "RecordEntry",
    "RecordKinds",
    "Response",
    "Review",
    "ReviewBuilder",
    "SafetyItem",
    "check_language",
    "check_question",
    "render_html",
    "render_text",
    "reset_memos",
    "review_schema",
    "validate_review",
]
