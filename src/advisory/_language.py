"""Words that practitioner-facing wording never uses, shared by every check.

The factor catalogue's validator (:mod:`advisory.definitions`) and the
language guard of :mod:`advisory.prompts` read the same lists, so a word
banned in a catalogue is banned in a review too.

- :data:`RISK_WORDS` state a level of risk, a score or a likelihood;
- :data:`RANK_WORDS` place a case among others or in a band;
- :data:`INSTRUCTION_PHRASES` tell a practitioner what to do;
- :data:`QUESTION_OPENERS` are the ways a review question may begin.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "INSTRUCTION_PATTERN",
    "INSTRUCTION_PHRASES",
    "QUESTION_OPENERS",
    "RANK_PATTERN",
    "RANK_WORDS",
    "RISK_PATTERN",
    "RISK_WORDS",
]

#: Words that state a level of risk or a likelihood; labels and questions never use them.
RISK_WORDS: Final = (
    "risk",
    "risks",
    "risky",
    "riskier",
    "score",
    "scores",
    "scored",
    "scoring",
    "high",
    "higher",
    "highest",
    "highly",
    "low",
    "lower",
    "lowest",
    "likely",
    "unlikely",
    "likelihood",
    "probability",
    "probabilities",
    "probable",
    "probably",
    "threshold",
    "thresholds",
)
RISK_PATTERN: Final = re.compile(r"\b(" + "|".join(RISK_WORDS) + r")\b", re.IGNORECASE)

#: Words that rank a case, put it in a band or grade it, or predict its outcome.
RANK_WORDS: Final = (
    "rank",
    "ranks",
    "ranked",
    "ranking",
    "rankings",
    "percentile",
    "percentiles",
    "centile",
    "decile",
    "deciles",
    "quartile",
    "quintile",
    "band",
    "bands",
    "banded",
    "banding",
    "rating",
    "rated",
    "red",
    "amber",
    "green",
    "rag",
    "tier",
    "grade",
    "graded",
    "priority",
    "prioritise",
    "prioritize",
    "urgent",
    "urgently",
    "critical",
    "severe",
    "severity",
    "danger",
    "dangerous",
    "predict",
    "predicted",
    "prediction",
    "predictions",
    "odds",
    "chance",
    "chances",
    "probabilistic",
    "flagged",
    "percent",
    "percentage",
)
RANK_PATTERN: Final = re.compile(r"\b(" + "|".join(RANK_WORDS) + r")\b", re.IGNORECASE)

#: Phrases that instruct an action; a review asks questions instead. Regular
#: expressions, matched as whole words without regard to case.
INSTRUCTION_PHRASES: Final = (
    r"must",
    r"should",
    r"shall",
    r"ought to",
    r"needs? to",
    r"ha(?:s|ve) to",
    r"(?:is|are) required",
    r"required to",
    r"refer(?:red)? (?:to|the|this|them|him|her)",
    r"remove",
    r"removal",
    r"escalate\w*",
    r"take action",
    r"act now",
    r"immediate(?:ly)?",
    r"initiate",
    r"ensure",
    r"recommend\w*",
    r"do not",
    r"don't",
    r"never allow",
    r"place (?:the child|on)",
    r"start a (?:child protection )?plan",
)
INSTRUCTION_PATTERN: Final = re.compile(
    r"\b(" + "|".join(INSTRUCTION_PHRASES) + r")\b", re.IGNORECASE
)

#: How a review question may begin (it must also end with '?').
QUESTION_OPENERS: Final = (
    "Consider whether",
    "Consider if",
    "Has",
    "Have",
    "Had",
    "What",
    "How",
    "Where",
    "When",
    "Who",
    "Whose",
    "Which",
    "Why",
    "Is",
    "Are",
    "Was",
    "Were",
    "Do",
    "Does",
    "Did",
    "Could",
    "Can",
    "Would",
    "Will",
)
