"""Which questions a review asks: chosen with the model's explanation, never ranked.

The only module of :mod:`advisory.prompts` that reads attributions. For every
case it picks the same number of questions:

- :data:`CIRCUMSTANCES` about recorded circumstances, concerns and strengths
  alike: those whose attribution keeps its direction over the bootstrap refits
  (:attr:`advisory.explain.Explanation.steady`) first, then by exact SHAP
  magnitude. (Asking only about steady ones would leave low-margin cases with
  general questions: their number would then follow the model.) A strength
  the model relies on (recorded, steady, pulling the other way) takes a place
  (see below). At most one may be a possible hardship indicator (housing,
  arrears, missed appointments).
- one about a recorded *absence* the model relies on (no health visitor
  contact for a baby), at the ages the catalogue says it applies.
- general questions fill any place left.

A strength takes the second place when the model relies on it at least a
quarter as much as on the circumstance it replaces (with half, the number of
strength questions followed the model more than the record count does).

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

#: Questions about recorded circumstances in every review.
CIRCUMSTANCES: Final = 2
#: Questions in every review: the circumstances and one absence (or general).
N_QUESTIONS: Final = CIRCUMSTANCES + 1
#: The general questions that fill an empty place, by id.
GENERAL: Final = (
    ("network", "Who in the family's own network helps day to day, and how?"),
    ("child_view", "What does the child say about home, school and friends?"),
    ("strengths", "What is going well for this family, and what have they managed before?"),
)
#: What a general question's "recorded" says: it is about no single record.
GENERAL_RECORDED: Final = "about the whole family"
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
    size = magnitude + 1e6 * steady  # steady first, then by exact magnitude
    key = np.where(recorded, size, -np.inf)
    order = np.argsort(-key, axis=1, kind="stable")[:, : CIRCUMSTANCES + 4].tolist()
    available: list[int] = recorded.sum(axis=1).tolist()
    relied_strength = recorded & steady & (values < 0) & strength[None, :]
    best_strength = np.where(
        relied_strength.any(axis=1),
        np.argmax(np.where(relied_strength, np.abs(values), -np.inf), axis=1),
        -1,
    ).tolist()
    absence_key = np.where(absent & (values != 0), size, -np.inf)
    best_absence = np.where(absence_key.max(axis=1) > -np.inf, absence_key.argmax(axis=1), -1)
    absence_list: list[int] = best_absence.tolist()
    hard = hardship.tolist()
    is_strength = strength.tolist()
    out = []
    for i in range(n):
        picks: list[int] = []
        hard_taken = False
        for j in order[i][: available[i]]:
            if len(picks) == CIRCUMSTANCES:
                break
            if hard[j] and hard_taken:
                continue
            hard_taken = hard_taken or hard[j]
            picks.append(j)
        s = best_strength[i]
        if s >= 0 and s not in picks and not any(is_strength[j] for j in picks):
            if len(picks) < CIRCUMSTANCES:
                picks.append(s)
            elif magnitude[i, s] * 4 >= magnitude[i, picks[-1]]:
                picks[-1] = s
        slots: list[tuple[str, int]] = [("circumstance", j) for j in picks]
        general = 0
        while len(slots) < CIRCUMSTANCES:
            slots.append(("general", general))
            general += 1
        a = absence_list[i]
        slots.append(("absence", a) if a >= 0 else ("general", general))
        ordered = [slots[k] for k in order_of(case_ids[i])]
        if ordered[0][0] == "circumstance" and hard[ordered[0][1]]:
            ordered[0], ordered[1] = ordered[1], ordered[0]
        out.append(Choice(tuple(ordered)))
    return out
