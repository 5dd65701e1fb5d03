"""What the trail takes from a review dict: its case id and the ids of its prompts.

The review format changes over time (v1, v2); this one small adapter is the
only place that reads a review dict, so the store never depends on the rest
of its layout and no review text is copied into the trail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from advisory._errors import InputError

__all__ = ["ReviewPrompts", "review_hash", "review_prompts"]

# keys under which a review dict names a prompt (v1) or a question (v2)
_PROMPT_KEYS: Final = ("prompt_id", "question_id")


@dataclass(frozen=True, kw_only=True, slots=True)
class ReviewPrompts:
    """The case and the prompts of one review, as the trail records them.

    Attributes
    ----------
    case_id : str
        The case reviewed.
    prompts : tuple of (str, str or None)
        Each prompt's id and the factor it is about (``None`` when the
        prompt is about no single factor), in the review's order.
    """

    case_id: str
    prompts: tuple[tuple[str, str | None], ...]

    @property
    def prompt_ids(self) -> tuple[str, ...]:
        """The prompts' ids, in the review's order."""
        return tuple(p for p, _ in self.prompts)


def review_prompts(review: Mapping[str, Any]) -> ReviewPrompts:
    """Read the case id and the prompt ids (with their factors) of a review dict.

    Every mapping inside the review that holds a ``prompt_id`` (or
    ``question_id``) is one prompt; its ``factor``, when present, is the
    factor it is about.

    Parameters
    ----------
    review : mapping
        A review as plain JSON types (``Review.to_dict()`` or an item of
        ``Advisor.review_dicts``).

    Returns
    -------
    ReviewPrompts
        The case id and the prompts.

    Raises
    ------
    InputError
        If the review has no text ``case_id``, no prompt, a prompt id that is
        not text, or the same prompt id twice.

    Examples
    --------
    >>> review = {"case_id": "C1", "questions": [
    ...     {"question_id": "stands_out:child_prior_referrals", "factor": "child_prior_referrals"},
    ...     {"question_id": "open"}]}
    >>> review_prompts(review).prompts
    (('stands_out:child_prior_referrals', 'child_prior_referrals'), ('open', None))
    """
    if not isinstance(review, Mapping):
        raise InputError(
            f"A review must be a dict (Review.to_dict()); got {type(review).__name__} instead."
        )
    case_id = review.get("case_id")
    if not isinstance(case_id, str) or not case_id:
        raise InputError(f"The review has no text 'case_id'; found {case_id!r}.")
    found: list[tuple[str, str | None]] = []
    _walk(review, found)
    if not found:
        raise InputError(
            f"The review of case {case_id!r} holds no prompt (no 'prompt_id' or 'question_id'); "
            "pass the review dict the host showed."
        )
    ids = [p for p, _ in found]
    repeated = sorted({p for p in ids if ids.count(p) > 1})
    if repeated:
        raise InputError(
            f"The review of case {case_id!r} names prompt {repeated[0]!r} twice; "
            "each prompt id must be unique within a review."
        )
    return ReviewPrompts(case_id=case_id, prompts=tuple(found))


def _walk(node: Any, found: list[tuple[str, str | None]]) -> None:
    if isinstance(node, Mapping):
        for key in _PROMPT_KEYS:
            if key in node:
                prompt = node[key]
                if not isinstance(prompt, str) or not prompt:
                    raise InputError(f"A review's {key!r} must be non-empty text; got {prompt!r}.")
                factor = node.get("factor")
                found.append((prompt, factor if isinstance(factor, str) else None))
                break
        for value in node.values():
            if isinstance(value, Mapping | list | tuple):
                _walk(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _walk(value, found)


def review_hash(review: Mapping[str, Any]) -> str:
    """SHA-256 of a review dict's canonical JSON (sorted keys, no spaces).

    Parameters
    ----------
    review : mapping
        The review as plain JSON types.

    Returns
    -------
    str
        The hexadecimal digest; the same review gives the same hash whatever
        the order of its keys.

    Examples
    --------
    >>> review_hash({"case_id": "C1", "a": 1}) == review_hash({"a": 1, "case_id": "C1"})
    True
    """
    return hashlib.sha256(canonical_json(review).encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """Return the canonical JSON text of plain JSON types (sorted keys, no spaces).

    Examples
    --------
    >>> canonical_json({"b": 1, "a": [1.5, None, "é"]})
    '{"a":[1.5,null,"é"],"b":1}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
