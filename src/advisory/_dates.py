"""Reading dates: ISO 8601, or an explicit format, never guessed.

``04/01/2021`` is 4 January in the UK and 1 April in the US; an integer may
be seconds, milliseconds or days since some epoch. Neither is guessed: a
date column must hold ISO 8601 dates (``2021-01-04``, optionally with a
time), date or datetime objects, or text in the format the caller names
(``date_format="%d/%m/%Y"``; ``--date-format`` on the command line). Any
other value is refused, naming the table, the column and an example value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import numpy as np
import pandas as pd

from advisory._errors import InputError, ParameterError

__all__ = ["check_date_format", "parse_date", "parse_dates"]

_FEW: Final = 3
_ISO_HINT: Final = (
    "Use ISO 8601 dates such as '2024-03-31', or name the format of these dates with "
    "date_format= (command line: --date-format), e.g. '%d/%m/%Y' for 31/03/2024."
)


def check_date_format(date_format: object, owner: str) -> str | None:
    """Return ``date_format`` after checking it is None or a strftime format with a day.

    Examples
    --------
    >>> check_date_format("%d/%m/%Y", "read_records")
    '%d/%m/%Y'
    >>> check_date_format("dd/mm/yyyy", "read_records")
    Traceback (most recent call last):
    ...
    advisory._errors.ParameterError: The 'date_format' parameter of read_records must be ...
    """
    if date_format is None:
        return None
    if (
        not isinstance(date_format, str)
        or not all(f"%{c}" in date_format for c in "dY")
        or not any(f"%{c}" in date_format for c in "mbB")
    ):
        raise ParameterError(
            "date_format",
            owner,
            "None (ISO 8601 dates) or a strftime format naming day, month and a 4-digit "
            "year such as '%d/%m/%Y'",
            date_format,
        )
    return date_format


def _few(values: Any) -> str:
    unique = list(dict.fromkeys(values))
    return ", ".join(repr(v) for v in unique[:_FEW]) + (" ..." if len(unique) > _FEW else "")


def _numbers_error(where: str, examples: Any) -> InputError:
    return InputError(
        f"{where} holds numbers, not dates: {_few(examples)}. Numbers (epoch seconds, "
        f"spreadsheet day counts) are never read as dates, because their unit cannot be "
        f"known. {_ISO_HINT}"
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.number)) and value == value  # NaN is missing


def _strip_tz(values: pd.Series) -> pd.Series:
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)  # the local wall time: its date is the date meant
    return values.astype("datetime64[s]")


def parse_dates(values: pd.Series, *, where: str, date_format: str | None = None) -> pd.Series:
    """Return ``values`` as ``datetime64[s]``, reading text as ISO 8601 or ``date_format``.

    Parameters
    ----------
    values : pandas.Series
        Dates as ``datetime64``, date objects, or text; missing values stay
        missing (``NaT``).
    where : str
        The table and column, for messages (``"The 'events' table's 'date' column"``).
    date_format : str, optional
        A strftime format for text dates; default ISO 8601 only.

    Returns
    -------
    pandas.Series
        ``datetime64[s]``; a time zone is dropped, keeping the local time.

    Raises
    ------
    advisory.InputError
        For numbers (never read as epochs), text that is not an ISO date or
        not in ``date_format``, or dates out of range, naming ``where`` and
        a few offending values.

    Examples
    --------
    >>> import pandas as pd
    >>> parse_dates(pd.Series(["2021-01-04", None]), where="dates").dt.day.tolist()
    [4.0, nan]
    >>> parse_dates(pd.Series(["04/01/2021"]), where="dates", date_format="%d/%m/%Y")[0]
    Timestamp('2021-01-04 00:00:00')
    >>> parse_dates(pd.Series(["04/01/2021"]), where="The 'cases' table's 'reference_date'")
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The 'cases' table's 'reference_date' has values that are not ...
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return _strip_tz(values)
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        present = values[values.notna()]
        if len(present):
            raise _numbers_error(where, present)
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    if len(values) > 1_000:  # dates repeat a lot: read each distinct value once
        uniques: pd.Index[Any] | pd.Series[Any]
        try:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            distinct = len(uniques)
        except TypeError:  # unhashable cells (lists): read value by value below
            distinct = len(values)
        if distinct * 4 < len(values):
            once = parse_dates(
                pd.Series(np.asarray(uniques, dtype=object)), where=where, date_format=date_format
            ).to_numpy()
            taken = np.where(codes >= 0, once[np.maximum(codes, 0)], np.datetime64("NaT", "s"))
            return pd.Series(taken, index=values.index, dtype="datetime64[s]")
    present = values.notna()
    kinds = pd.api.types.infer_dtype(values, skipna=True)
    if kinds not in ("string", "empty"):
        numbers = values[values.map(_is_number)]
        if len(numbers):
            raise _numbers_error(where, numbers)
        others = values[
            present & ~values.map(lambda v: isinstance(v, (str, dt.date, np.datetime64)))
        ]
        if len(others):
            raise InputError(
                f"{where} has values that are not dates: {_few(others)} "
                f"({type(others.iloc[0]).__name__}). {_ISO_HINT}"
            )
    if kinds in ("string", "empty"):  # the usual case (CSV): vectorised
        text = values.str.strip()
        is_text = text.notna()
    else:
        text = values.map(lambda v: v.strip() if isinstance(v, str) else v)
        is_text = text.map(lambda v: isinstance(v, str))
    text = text.mask(is_text & (text == ""))  # an empty cell is a missing date
    is_text &= text.notna()
    present = text.notna()
    try:
        if date_format is None:
            try:
                parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
            except (ValueError, TypeError):  # offsets that differ between values
                parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
            # ISO 8601 also allows '2021' or '2021-01'; a date needs year, month and day.
            full = text.where(is_text, "0000-00-00").str.match(r"\d{4}-\d\d-\d\d")
            parsed = parsed.where(full | ~is_text)
        else:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce")
    except (ValueError, OverflowError, TypeError) as exc:  # pragma: no cover - pandas version
        raise InputError(f"{where} could not be read as dates ({exc}). {_ISO_HINT}") from exc
    bad = (parsed.isna() & present).to_numpy()
    if bad.any():
        expected = (
            "ISO 8601 dates" if date_format is None else f"dates in the format {date_format!r}"
        )
        raise InputError(
            f"{where} has values that are not {expected}: {_few(text[bad])}. "
            + (
                _ISO_HINT
                if date_format is None
                else "Correct the values or give the format they are written in."
            )
        )
    try:
        return _strip_tz(parsed)
    except (ValueError, OverflowError) as exc:
        raise InputError(f"{where} has dates out of range ({exc}). {_ISO_HINT}") from exc


def parse_date(value: object, *, where: str, date_format: str | None = None) -> pd.Timestamp:
    """Return one date (text, date or timestamp) as a timestamp, by :func:`parse_dates`'s rules.

    Raises
    ------
    advisory.InputError
        If ``value`` is missing, a number or not a date, naming ``where``.

    Examples
    --------
    >>> parse_date("2026-06-30", where="snapshot_date")
    Timestamp('2026-06-30 00:00:00')
    >>> parse_date("next week", where="snapshot_date")
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: snapshot_date has values that are not ISO 8601 dates: ...
    """
    if isinstance(value, (list, tuple, np.ndarray, pd.Series, dict, set)):
        raise InputError(f"{where} must be one date; got a {type(value).__name__}. {_ISO_HINT}")
    parsed = parse_dates(pd.Series([value], dtype=object), where=where, date_format=date_format)
    if pd.isna(parsed.iloc[0]):
        raise InputError(f"{where} is missing; expected a date. {_ISO_HINT}")
    return pd.Timestamp(parsed.iloc[0])
