"""The wording rule for the monitor's and the drift check's plain-language findings.

Findings are observations for the board about how the prompts are used and
how the population moved. They pass the project's word lists
(:mod:`advisory._language`: no risk level, rank or instruction) and never
judge a worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from advisory._errors import AdvisoryError
from advisory._language import INSTRUCTION_PATTERN, RANK_PATTERN, RISK_PATTERN

__all__ = ["JUDGEMENT_PATTERN", "JUDGEMENT_WORDS", "check_finding"]

#: Words that judge a worker; a finding describes use of the prompts instead.
JUDGEMENT_WORDS: Final = (
    "careless",
    "carelessly",
    "lazy",
    "negligent",
    "negligence",
    "incompetent",
    "poor",
    "poorly",
    "bad",
    "failed",
    "failing",
    "failure",
    "fault",
    "blame",
    "blameworthy",
    "rubber",
    "stamp",
    "stamping",
    "complacent",
    "sloppy",
    "unprofessional",
    "misconduct",
)
JUDGEMENT_PATTERN: Final = re.compile(r"\b(" + "|".join(JUDGEMENT_WORDS) + r")\b", re.IGNORECASE)


def check_finding(text: str, names: Iterable[str] = ()) -> str:
    """Return ``text`` if it is worded as an observation, else raise.

    Parameters
    ----------
    text : str
        A finding.
    names : iterable of str
        Identifiers the host chose (team, prompt and factor ids) that the text
        quotes; their own words are not the finding's wording, so they are
        left out of the check (a team may be called "Red").

    Returns
    -------
    str
        The same text.

    Raises
    ------
    AdvisoryError
        If the text states a risk level, ranks, instructs or judges a worker.

    Examples
    --------
    >>> check_finding("In team T1, every prompt was agreed within seconds in most reviews.")
    'In team T1, every prompt was agreed within seconds in most reviews.'
    >>> check_finding("In team Red, every prompt was agreed within seconds.", names=["Red"])
    'In team Red, every prompt was agreed within seconds.'
    >>> check_finding("Team T1 is careless.")
    Traceback (most recent call last):
    ...
    advisory._errors.AdvisoryError: A finding must be an observation ...: 'careless' in ...
    """
    wording = text
    for name in sorted(set(names), key=len, reverse=True):
        if name:
            wording = wording.replace(name, " ")
    for pattern in (RISK_PATTERN, RANK_PATTERN, INSTRUCTION_PATTERN, JUDGEMENT_PATTERN):
        found = pattern.search(wording)
        if found:
            raise AdvisoryError(
                "A finding must be an observation for the board, never a risk level, a rank, "
                f"an instruction or a judgement of a worker: {found.group(0)!r} in {text!r}."
            )
    return text
