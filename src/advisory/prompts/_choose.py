"""Which questions a review asks: chosen with the model's explanation, never ranked.

The only module of :mod:`advisory.prompts` that reads attributions. Every case
gets the same number of questions (:data:`N_QUESTIONS`), all chosen the same
way, so that what a host can count or measure on them (how many are about a
concern, a support or nothing recorded; their lengths) follows the records a
family has, not the model's margin:

- The places go to the case's **recorded circumstances, concerns and supports
  alike**, by exact SHAP magnitude: those whose attribution keeps its
  direction over the bootstrap refits
  (:attr:`advisory.explain.Explanation.steady`) first, an unsteady value
  counting half. A support (early help, health visitor, dental visits,
  attendance support) is a candidate only when steady; a circumstance the
  model gives exactly nothing, or less than an eighth of the case's largest
  candidate, is never one (a sliver never sits beside a clear factor). Each
  is phrased by what was recorded, not by the sign of its value. The number of adults and the
  child's age are never a reason (the caller leaves them out), nor are records
  a safety item asks about (:mod:`advisory.prompts._safety`).
- A possible hardship indicator (housing, arrears, repairs, missed
  appointments) is asked at most once, only when it carries at least half of
  what the model relies on most for the case (recorded or not), and never
  first.
- A **recorded absence** the catalogue asks about (no health visitor contact
  for a baby, no early help, ...) takes the place of the smallest of three
  recorded circumstances when the model relies on it steadily and more.
- **General questions** fill the places the records leave empty (fewer than
  three recorded circumstances the model uses); which ones is set by the case
  id alone (a hash), never by the margin.

Their order is set by the case id alone (a hash), so position carries nothing
of the model; a hardship question is never first.

Measured on the contract's held-out cases (5,000, seed 0; 1,500 briefs;
limit 0.372 = the raw household record count's 0.322 + 0.05), against the
design before it (two concern places, a fixed supports place, the age a
reason, a concern asked only at a quarter of the case's largest
attribution), both with the wording of issue-13w at b27ff37: strength
questions' rho -0.525 -> -0.345, circumstances +0.288 -> +0.324, general
questions -> -0.324 (all pass); the questions' JSON length +0.447 -> +0.477.
With issue-13w's later wording (a line under each general question, compact
citations) the text, HTML, words and JSON lengths pass (+0.355, +0.343,
+0.320, +0.343); the questions' JSON (+0.477; +0.476 with the final wording
of the round) does not: it follows which factors are asked (their ids,
questions and citations are longer for the factors of high margins), which
is what the choice must follow. Tried: a fixed supports place (with the
concern places as before or chosen by magnitude) keeps the strength count
constant, but general questions then fill the concern places at low margins
(general -0.45 to -0.50, questions' JSON +0.66); absences competing freely,
or filling before general questions, bring the strength count back to -0.56
to -0.60 (an absence question is about a support); an opaque fixed-length
prompt id moves the questions' JSON by 0.002. See the closing note of issue
13.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import permutations
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["GENERAL", "N_QUESTIONS", "Choice", "choose", "general_of", "order_of"]

#: Questions in every review. Strengths and the family's own help are asked of each
#: adult alone in every brief ("Before you go"), so a general question here never is:
#: asked only where the records held little, it read as low concern (reader verdict 11).
N_QUESTIONS: Final = 3
#: The general questions that fill an empty place, by id.
GENERAL: Final = (
    ("child_view", "What does the child say about home, school, friends and what would help?"),
    ("day_to_day", "Who looks after the children day to day, and who steps in when they cannot?"),
    (
        "wishes",
        "What would each adult like to change, and what help would be useful (see each alone)?",
    ),
)
#: The child's view for a child under 5: a usual day (never a second health visitor question).
YOUNG_CHILD_VIEW: Final = "What does a usual day look like for the child, and who is part of it?"
#: What a general question's "recorded" says: it is about no single record.
GENERAL_RECORDED: Final = "an open question, not from a record"
_PERMUTATIONS: Final = tuple(permutations(range(N_QUESTIONS)))
#: Candidates read per case: the places plus room for the hardship indicators skipped.
_READ: Final = N_QUESTIONS + 6
#: A candidate carries at least this fraction of the case's largest candidate.
_SLIVER: Final = 8

Float = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Choice:
    """One case's questions, in reading order.

    Each is ``(kind, index)``: kind ``"circumstance"`` or ``"absence"`` with
    the index of a factor, or ``"general"`` with an index into :data:`GENERAL`.
    """

    slots: tuple[tuple[str, int], ...]


def _mix(case_id: str) -> int:
    return zlib.crc32(case_id.encode("utf-8")) * 2654435761 % 2**32


def order_of(case_id: str) -> tuple[int, ...]:
    """Return the reading order of a case's questions, from its id alone.

    Examples
    --------
    >>> order_of("C0000001") == order_of("C0000001")
    True
    >>> sorted(order_of("C0000002"))
    [0, 1, 2]
    """
    return _PERMUTATIONS[(_mix(case_id) >> 7) % len(_PERMUTATIONS)]


def general_of(case_id: str, n: int) -> list[int]:
    """Return which ``n`` general questions fill a case's empty places, from its id alone.

    Examples
    --------
    >>> general_of("C0000001", 2) == general_of("C0000001", 2)
    True
    >>> sorted(general_of("C0000002", 3))
    [0, 1, 2]
    >>> general_of("C0000002", 1)[0] == general_of("C0000002", 3)[0]
    True
    """
    first = (_mix(case_id) >> 3) % len(GENERAL)
    return [(first + k) % len(GENERAL) for k in range(n)]


def choose(
    case_ids: list[str],
    values: Float,
    steady: Bool,
    recorded: Bool,
    absent: Bool,
    *,
    strength: Bool,
    hardship: Bool,
) -> list[Choice]:
    """Choose every case's questions at once.

    Parameters
    ----------
    case_ids : list of str
        The cases, in order.
    values : ndarray of shape (n_cases, n_factors)
        Exact SHAP values (read only to choose).
    steady : ndarray of bool
        Whether each value keeps its direction over the refits.
    recorded : ndarray of bool
        Whether the case's records hold the circumstance (a count above zero,
        at least one record seen in a partly covered window), less what is
        never asked and what a safety item asks about.
    absent : ndarray of bool
        Whether the records show its absence where the catalogue asks about
        one (fully covered, at an age it applies).
    strength, hardship : ndarray of bool, shape (n_factors,)
        The catalogue's strengths and possible hardship indicators.

    Returns
    -------
    list of Choice

    Examples
    --------
    A concern, a support and a second concern are asked; a factor the model
    gives nothing is not. With one recorded circumstance, general questions
    fill the other places:

    >>> import numpy as np
    >>> values = np.array([[0.4, -0.3, 0.0, 0.2], [0.0, 0.0, 0.0, 0.5]])
    >>> yes = np.ones((2, 4), dtype=bool)
    >>> kinds = dict(strength=np.array([False, True, False, False]),
    ...              hardship=np.zeros(4, dtype=bool))
    >>> full, sparse = choose(["C1", "C2"], values, yes, yes, ~yes, **kinds)
    >>> sorted(full.slots)
    [('circumstance', 0), ('circumstance', 1), ('circumstance', 3)]
    >>> sorted(kind for kind, _ in sparse.slots)
    ['circumstance', 'general', 'general']
    """
    n = values.shape[0]
    # an unsteady value counts half; a steady one comes first
    size = np.abs(values) * np.where(steady, 1.0, 0.5)
    weight = values != 0
    # a support only when steady: dental visits, planted as noise, were asked in
    # 16% of briefs otherwise (the planted test allows 10%)
    candidates = recorded & weight & (~strength[None, :] | steady)
    key = np.where(candidates, size + steady, -np.inf)
    order = np.argsort(-key, axis=1, kind="stable")[:, :_READ].tolist()
    available: list[int] = np.isfinite(key).sum(axis=1).tolist()
    largest = np.where(candidates, size, 0.0).max(axis=1).tolist() if n else []
    # what the model relies on most for the case, recorded or not
    relied = size.max(axis=1).tolist() if n and size.shape[1] else [0.0] * n
    absences = absent & weight & steady
    best_absence = np.where(
        absences.any(axis=1), np.argmax(np.where(absences, size, -np.inf), axis=1), -1
    ).tolist()
    hard = hardship.tolist()
    sizes = size.tolist()
    out = []
    for i in range(n):
        slots: list[tuple[str, int]] = []
        hard_taken = False
        for j in order[i][: available[i]]:
            if len(slots) == N_QUESTIONS:
                break
            if sizes[i][j] * _SLIVER < largest[i]:
                break  # a factor the model barely uses never sits beside a clear one
            if hard[j] and (hard_taken or sizes[i][j] * 2 < relied[i]):
                continue  # a possible hardship indicator only when the model leans on it
            hard_taken = hard_taken or hard[j]
            slots.append(("circumstance", j))
        a = best_absence[i]
        if len(slots) == N_QUESTIONS and a >= 0:
            smallest = min(range(N_QUESTIONS), key=lambda k: sizes[i][slots[k][1]])
            if sizes[i][a] > sizes[i][slots[smallest][1]]:
                slots[smallest] = ("absence", a)  # the model relies on the absence more
        slots += [("general", g) for g in general_of(case_ids[i], N_QUESTIONS - len(slots))]
        ordered = [slots[k] for k in order_of(case_ids[i])]
        if ordered[0][0] != "general" and hard[ordered[0][1]]:
            ordered[0], ordered[1] = ordered[1], ordered[0]
        out.append(Choice(tuple(ordered)))
    return out
