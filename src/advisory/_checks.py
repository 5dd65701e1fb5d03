"""Validation of scalar parameters with the house error wording."""

from __future__ import annotations

import numbers
from collections.abc import Collection, Iterable, Mapping

from advisory._errors import ParameterError

__all__ = ["check_choice", "check_fraction", "check_ids", "check_int", "check_positive"]


def check_int(value: object, name: str, owner: str, *, minimum: int = 0) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= minimum``.

    Examples
    --------
    >>> check_int(3, "n_cases", "f", minimum=1)
    3
    >>> check_int(0, "n_cases", "f", minimum=1)
    Traceback (most recent call last):
    ...
    advisory._errors.ParameterError: The 'n_cases' parameter of f must be an int >= 1; got 0 ...
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ParameterError(name, owner, f"an int >= {minimum}", value)
    return int(value)


def check_fraction(value: object, name: str, owner: str) -> float:
    """Return ``value`` as a float after checking it lies in [0, 1].

    Examples
    --------
    >>> check_fraction(0.25, "p", "f")
    0.25
    >>> check_fraction(1.5, "p", "f")
    Traceback (most recent call last):
    ...
    advisory._errors.ParameterError: The 'p' parameter of f must be a number in [0, 1]; ...
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise ParameterError(name, owner, "a number in [0, 1]", value)
    return float(value)


def check_positive(value: object, name: str, owner: str) -> float:
    """Return ``value`` as a float after checking it is finite and > 0.

    Examples
    --------
    >>> check_positive(2, "ratio", "f")
    2.0
    >>> check_positive(-1.0, "ratio", "f")
    Traceback (most recent call last):
    ...
    advisory._errors.ParameterError: The 'ratio' parameter of f must be a finite number > 0; ...
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 < float(value) < float("inf")
    ):
        raise ParameterError(name, owner, "a finite number > 0", value)
    return float(value)


def check_choice(value: object, name: str, owner: str, choices: Collection[str]) -> str:
    """Return ``value`` after checking it is one of ``choices``.

    Examples
    --------
    >>> check_choice("police", "agency", "f", ["police", "health"])
    'police'
    >>> check_choice("polce", "agency", "f", ["police", "health"])
    Traceback (most recent call last):
    ...
    advisory._errors.ParameterError: The 'agency' parameter of f must be one of ['health', ...
    """
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(name, owner, f"one of {sorted(choices)}", value)
    return value


def check_ids(value: object, name: str, owner: str) -> list[str]:
    """Return a list of identifiers as strings, refusing a bare string where a list is meant.

    ``case_ids="C0000007"`` would otherwise be read as the eight one-letter
    ids ``"C", "0", ...``; a mapping would give its keys; a number is not a list.

    Examples
    --------
    >>> check_ids(["C0000007", "C0000008"], "case_ids", "Advisor.review")
    ['C0000007', 'C0000008']
    >>> check_ids("C0000007", "case_ids", "Advisor.review")
    Traceback (most recent call last):
    ...
    advisory._errors.ParameterError: The 'case_ids' parameter of Advisor.review must be a list ...
    """
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ParameterError(
            name,
            owner,
            'a list of identifiers (a single one as a list: ["C0000007"])',
            value,
        )
    values: list[object] = list(value)
    bad = [v for v in values if type(v) is bool or not isinstance(v, (str, numbers.Integral))]
    if bad:
        raise ParameterError(name, owner, "a list of identifiers (text or whole numbers)", bad[0])
    return [str(v) for v in values]
