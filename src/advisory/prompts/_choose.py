"""Which questions a review asks: chosen with the model's explanation, never ranked.

The only module of :mod:`advisory.prompts` that reads attributions. Every case
gets the same number of questions (:data:`N_QUESTIONS`):

- :data:`CIRCUMSTANCES` places for recorded concerns: those whose attribution
  keeps its direction over the bootstrap refits
  (:attr:`advisory.explain.Explanation.steady`) first, then by exact SHAP
  magnitude. A concern is asked only when it carries at least a quarter of
  what the model relies on most for the case (a possible hardship indicator -
  housing, arrears, missed appointments - at least half, and at most one), so
  a factor the model barely uses never sits beside a clear one. The number
  of adults is never a reason, and records a safety item asks about
  (:mod:`advisory.prompts._safety`) are left out by the caller.
- one supports place: a recorded support (early help, health visitor, dental
  visits, attendance support) the model relies on (steady, pulling the other
  way), the one it relies on most, else a
  recorded absence the model relies on at least a quarter as much as on the
  concerns asked (no health visitor contact for a baby, at the ages the
  catalogue says), else "What is going well ...".
- general questions fill a concern place the records leave empty.

Their order is set by the case id alone (a hash), so position carries nothing
of the model; a hardship question is never first.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import permutations
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["CIRCUMSTANCES", "GENERAL", "Choice", "choose", "order_of"]

#: Questions about recorded concerns (or general ones) in every review.
CIRCUMSTANCES: Final = 2
#: Questions in every review: the circumstances and one absence (or general).
N_QUESTIONS: Final = CIRCUMSTANCES + 1
#: The general questions that fill an empty place, by id.
GENERAL: Final = (
    ("network", "Who in the family's own network helps day to day, and how do they help?"),
    ("child_view", "What does the child say about home, school, friends and what would help?"),
    ("strengths", "What is going well for this family, and what have they managed before?"),
)
#: The child's view for a child under 5: a usual day (never a second health visitor question).
YOUNG_CHILD_VIEW: Final = "What does a usual day look like for the child, and who is part of it?"
#: The general question of the supports place when no support is recorded.
STRENGTHS: Final = 2
#: What a general question's "recorded" says: it is about no single record.
GENERAL_RECORDED: Final = "an open question, not from a record"
_PERMUTATIONS: Final = tuple(permutations(range(N_QUESTIONS)))

Float = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Choice:
    """One case's questions, in reading order.

    Each is ``(kind, index)``: kind ``"circumstance"`` or ``"absence"`` with
    the index of a factor, or ``"general"`` with an index into :data:`GENERAL`.
    """

    slots: tuple[tuple[str, int], ...]


def order_of(case_id: str) -> tuple[int, ...]:
    """Return the reading order of a case's questions, from its id alone.

    Examples
    --------
    >>> order_of("C0000001") == order_of("C0000001")
    True
    >>> sorted(order_of("C0000002"))
    [0, 1, 2]
    """
    mixed = zlib.crc32(case_id.encode("utf-8")) * 2654435761 % 2**32
    return _PERMUTATIONS[(mixed >> 7) % len(_PERMUTATIONS)]


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
        at least one record seen in a partly covered window, an age).
    absent : ndarray of bool
        Whether the records show its absence where the catalogue asks about
        one (fully covered, at an age it applies).
    strength, hardship : ndarray of bool, shape (n_factors,)
        The catalogue's strengths and possible hardship indicators.

    Returns
    -------
    list of Choice
    """
    n, _ = values.shape
    magnitude = np.abs(values)
    # an unsteady value counts half
    size = magnitude * np.where(steady, 1.0, 0.5)
    concerns = recorded & ~strength[None, :]
    absent_ok = absent & (values != 0)
    key = np.where(concerns, size + steady, -np.inf)  # steady first, then the clearest
    order = np.argsort(-key, axis=1, kind="stable")[:, : CIRCUMSTANCES + 6].tolist()
    available: list[int] = np.isfinite(key).sum(axis=1).tolist()
    # a recorded support the model relies on (steady, pulling the other way); every
    # recorded one would ask a support the model ignores (dental visits, planted as
    # noise: 15% of briefs); those within a quarter of the case's largest made the
    # number of strength questions follow the model more (rho -0.58 against -0.53)
    supports = recorded & strength[None, :] & steady & (values < 0)
    best_support = np.where(
        supports.any(axis=1), np.argmax(np.where(supports, size, -np.inf), axis=1), -1
    ).tolist()
    best_absence = np.where(
        absent_ok.any(axis=1), np.argmax(np.where(absent_ok, size, -np.inf), axis=1), -1
    ).tolist()
    hard = hardship.tolist()
    sizes = size.tolist()
    # what the model relies on most for this case, recorded or not: a concern asked
    # about carries at least a quarter of it (a noise factor's sliver never does)
    largest = size.max(axis=1).tolist() if size.shape[1] else [0.0] * n
    is_concern = concerns.tolist()
    out = []
    for i in range(n):
        slots: list[tuple[str, int]] = []
        hard_taken = absence_taken = False
        top = largest[i]
        for j in order[i][: available[i]]:
            if len(slots) == CIRCUMSTANCES or sizes[i][j] * 4 < top:
                break  # a factor the model barely uses never sits beside a clear one
            kind = "circumstance" if is_concern[i][j] else "absence"
            if (hard[j] and (hard_taken or sizes[i][j] * 2 < top)) or (
                kind == "absence" and absence_taken
            ):
                continue  # a possible hardship indicator only when the model leans on it
            hard_taken = hard_taken or hard[j]
            absence_taken = absence_taken or kind == "absence"
            slots.append((kind, j))
        general = 0
        while len(slots) < CIRCUMSTANCES:
            slots.append(("general", general))
            general += 1
        # the supports place: a recorded support, else what is going well
        s = best_support[i]
        slots.append(("circumstance", s) if s >= 0 else ("general", STRENGTHS))
        if s < 0 and not absence_taken and best_absence[i] >= 0:
            a = best_absence[i]
            clear = min((sizes[i][j] for k, j in slots if k == "circumstance"), default=0.0)
            if sizes[i][a] * 4 >= clear:  # an absence the model clearly relies on
                slots[-1] = ("absence", a)
        ordered = [slots[k] for k in order_of(case_ids[i])]
        if ordered[0][0] != "general" and hard[ordered[0][1]]:
            ordered[0], ordered[1] = ordered[1], ordered[0]
        out.append(Choice(tuple(ordered)))
    return out
