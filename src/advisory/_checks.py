"""Validation of scalar parameters and small tables with the house error wording."""

from __future__ import annotations

import numbers
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from advisory._errors import InputError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MIN_TRAINING_CASES",
    "MIN_TRAINING_OUTCOMES",
    "check_choice",
    "check_fraction",
    "check_ids",
    "check_int",
    "check_positive",
    "check_table",
]

#: Below these, fitting warns (:class:`~advisory.SmallDataWarning`) and says so in the bundle's
#: manifest and the validation result: 100 cases, and 10 cases of each outcome value (the
#: usual floor of ten events per parameter; a floor, not a target).
MIN_TRAINING_CASES: Final = 100
MIN_TRAINING_OUTCOMES: Final = 10


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


def check_table(
    table: object, columns: Sequence[str], what: str, *, complete: bool = True
) -> pd.DataFrame:
    """Return a copy of a table's columns, refusing a missing column or (``complete``) value.

    Parameters
    ----------
    table : object
        Should be a pandas DataFrame.
    columns : sequence of str
        The columns it must have, in the order returned.
    what : str
        The table, as an error names it (``"The 'uncertain_links' table"``).
    complete : bool, default=True
        Refuse a missing value in any of the columns.

    Returns
    -------
    pandas.DataFrame
        The columns, in the order given (a copy).

    Raises
    ------
    advisory.InputError
        Naming the table, the column and what was expected and found.

    Examples
    --------
    >>> import pandas as pd
    >>> check_table(pd.DataFrame({"a": [1], "b": [2]}), ["b"], "The 'x' table")
       b
    0  2
    >>> check_table(pd.DataFrame({"a": [None]}), ["a"], "The 'x' table")
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The 'x' table's 'a' column has 1 missing values; every row ...
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame; got {type(table).__name__} instead.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"{what} has no column {missing[0]!r}; expected columns {list(columns)}, "
            f"found {list(map(str, table.columns))}."
        )
    out = table[list(columns)].copy()
    if complete:
        for column in columns:
            gaps = int(out[column].isna().sum())
            if gaps:
                raise InputError(
                    f"{what}'s {column!r} column has {gaps} missing values; every row needs all "
                    f"of {list(columns)}."
                )
    return out
