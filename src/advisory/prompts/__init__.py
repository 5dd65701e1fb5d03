"""Review prompts: what stands out, strengths, what the data could not see — never a score.

A :class:`Review` is what a practitioner sees for one case: the factors that
stand out compared with a typical case (ordered, with the records behind them
and a question from the catalogue), strengths and what pulls the other way,
the gaps in the records, each household member separately, and a fixed
statement that this is not a decision. By construction a review has **no**
probability, score, rank, band, label, threshold, base value or attribution,
in any rendering (:meth:`~Review.to_dict`, :meth:`~Review.to_json`,
:meth:`~Review.to_text`, :meth:`~Review.to_html`); every rendering passes the
language guard :func:`check_language`, which also rejects instructions.
A practitioner's :class:`Response` to each prompt can be recorded.

:class:`ReviewBuilder` turns case context and a prepared explainer into
reviews; :class:`advisory.Advisor` wraps it.

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
from advisory.prompts._review import (
    NOT_A_DECISION,
    OPEN_QUESTION,
    SCHEMA_ID,
    AgencyContact,
    DataGap,
    FactorPrompt,
    HouseholdMember,
    Record,
    Response,
    Review,
    SourceNote,
    UnknownFactor,
)
from advisory.prompts._schema import review_schema, validate_review

__all__ = [
    "NOT_A_DECISION",
    "OPEN_QUESTION",
    "SCHEMA_ID",
    "AgencyContact",
    "DataGap",
    "FactorPrompt",
    "HouseholdMember",
    "LanguageError",
    "Record",
    "Response",
    "Review",
    "ReviewBuilder",
    "SourceNote",
    "UnknownFactor",
    "check_language",
    "check_question",
    "review_schema",
    "validate_review",
]
