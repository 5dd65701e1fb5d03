"""Plain words for a record and for how two records of (maybe) one person differ."""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd

__all__ = ["describe_record", "differences"]


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    return str(pd.Timestamp(value).date())


def describe_record(first: Any, last: Any, birth: Any) -> str:
    """Describe the record as the agency holds it: name and date of birth.

    Examples
    --------
    >>> describe_record("John", "Smyth", pd.Timestamp("1989-03-04"))
    'John Smyth, born 1989-03-04'
    >>> describe_record(None, "Smyth", None)
    'Smyth (no first name), date of birth not recorded'
    """
    given, family = _text(first), _text(last)
    if given and family:
        name = f"{given} {family}"
    elif family:
        name = f"{family} (no first name)"
    elif given:
        name = f"{given} (no surname)"
    else:
        name = "no name recorded"
    born = _date(birth)
    return f"{name}, born {born}" if born else f"{name}, date of birth not recorded"


def _name_change(a: Any, b: Any, what: str) -> str | None:
    if a is None or b is None:
        return f"{what} not recorded" if (a is None) != (b is None) else None
    if a == b:
        return None
    if difflib.SequenceMatcher(None, a, b).ratio() >= 0.7 or a[:4] == b[:4]:
        return f"{what} spelled differently"
    return f"{what} different"


def differences(one: pd.Series, other: pd.Series) -> str:
    """How record ``one`` differs from ``other`` (standardised columns), in plain words.

    Examples
    --------
    >>> a = pd.Series({"first_name": "john", "last_name": "smyth", "sex": "m",
    ...     "birth_date": pd.Timestamp("1989-03-04"), "postcode": "LS1 1AA", "nhs_number": None})
    >>> b = a.copy()
    >>> b["last_name"], b["birth_date"] = "smith", pd.Timestamp("1989-04-03")
    >>> differences(a, b)
    'day and month of birth swapped; surname spelled differently'
    """
    out: list[str] = []
    first, last = _text(one["first_name"]), _text(one["last_name"])
    o_first, o_last = _text(other["first_name"]), _text(other["last_name"])
    birth, o_birth = one["birth_date"], other["birth_date"]
    if birth is None or pd.isna(birth) or o_birth is None or pd.isna(o_birth):
        if (birth is None or pd.isna(birth)) != (o_birth is None or pd.isna(o_birth)):
            out.append("date of birth not recorded")
    else:
        b, o = pd.Timestamp(birth), pd.Timestamp(o_birth)
        if b != o:
            if (b.year, b.month, b.day) == (o.year, o.day, o.month):
                out.append("day and month of birth swapped")
            elif b.year == o.year:
                out.append("date of birth differs within the year")
            else:
                out.append("year of birth differs")
    if first and last and first == o_last and last == o_first and first != last:
        out.append("first name and surname swapped")
    else:
        for change in (
            _name_change(first, o_first, "first name"),
            _name_change(last, o_last, "surname"),
        ):
            if change:
                out.append(change)
    sex, o_sex = _text(one["sex"]), _text(other["sex"])
    if sex and o_sex and sex != o_sex:
        out.append("sex recorded differently")
    postcode, o_postcode = _text(one["postcode"]), _text(other["postcode"])
    if postcode and o_postcode and postcode != o_postcode:
        out.append("a different postcode")
    elif (postcode is None) != (o_postcode is None):
        out.append("postcode not recorded")
    nhs, o_nhs = _text(one.get("nhs_number")), _text(other.get("nhs_number"))
    if nhs and o_nhs and nhs != o_nhs:
        out.append("NHS number differs")
    return "; ".join(out) if out else "no difference in name, date of birth, sex or postcode"
