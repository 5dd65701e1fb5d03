"""The sensitive attributes of cases, read from the records an audit policy names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np
import pandas as pd

from advisory._dates import parse_dates
from advisory._errors import InputError
from advisory.definitions import AuditPolicy

__all__ = ["NOT_RECORDED", "case_attributes"]

#: The group of cases whose attribute is missing from the records.
NOT_RECORDED: Final = "Not recorded"
#: Age bands of a child on the reference date: (lowest age, label).
_AGE_BANDS: Final = ((0, "0-4"), (5, "5-9"), (10, "10-15"), (16, "16 and over"))
_FLAGS: Final = {True: "yes", False: "no"}


def _table(records: object, name: str) -> pd.DataFrame:
    table = records.get(name) if isinstance(records, Mapping) else getattr(records, name, None)
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"The records have no {name!r} table; the audit reads the cases' sensitive "
            "attributes from 'cases' and 'people'."
        )
    return table


def _age_band(birth: pd.Series, reference: pd.Series) -> pd.Series:
    days = (reference - birth).dt.days.to_numpy(dtype=np.float64)
    years = np.floor(days / 365.25)
    lows = np.array([low for low, _ in _AGE_BANDS], dtype=np.float64)
    labels = np.array([label for _, label in _AGE_BANDS], dtype=object)
    index = np.clip(np.searchsorted(lows, years, side="right") - 1, 0, len(lows) - 1)
    out = labels[index]
    out[~np.isfinite(years)] = NOT_RECORDED
    return pd.Series(out, index=birth.index, dtype=object)


def case_attributes(
    records: object,
    case_ids: Sequence[str],
    policy: AuditPolicy,
    *,
    date_format: str | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Each case's sensitive attributes, one column per attribute of ``policy``.

    A column is read from the ``cases`` table, else from the child's row in
    ``people``; ``age_band`` is derived from the child's birth date on the
    reference date when no table has it. Values become text groups
    (``True``/``False`` become ``"yes"``/``"no"``); a missing value becomes
    the explicit group ``"Not recorded"`` and is reported in the notes, so no
    case is dropped.

    Parameters
    ----------
    records : records
        The tables of :data:`advisory.context.SCHEMA` (``cases`` with
        ``person_id`` and ``reference_date``, and ``people``).
    case_ids : sequence of str
        The cases, in order.
    policy : advisory.definitions.AuditPolicy
        Whose attribute columns to read.
    date_format : str, optional
        The strftime format of text dates (for ``age_band``); default ISO 8601.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``case_id``; one text column per attribute column.
    tuple of str
        Plain notes about values that were not recorded.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import load_definitions, reference_root
    >>> data = make_multiagency(n_cases=50, seed=0)
    >>> policy = load_definitions(reference_root()).policy
    >>> frame, notes = case_attributes(data, list(data.cases["case_id"]), policy)
    >>> sorted(frame.columns)
    ['age_band', 'deprivation_decile', 'disability', 'ethnicity', 'sex']
    """
    cases = _table(records, "cases")
    people = _table(records, "people")
    for column in ("case_id", "person_id", "reference_date"):
        if column not in cases.columns:
            raise InputError(f"The 'cases' table has no column {column!r}; the audit needs it.")
    ids = pd.Index([str(c) for c in case_ids], name="case_id")
    # ids are read as text everywhere (an integer id 7 is the case "7")
    cases = cases.assign(
        case_id=cases["case_id"].astype(str), person_id=cases["person_id"].astype(str)
    )
    people = people.assign(person_id=people["person_id"].astype(str))
    by_case = cases.drop_duplicates("case_id").set_index("case_id")
    unknown = ids.difference(by_case.index.astype(str))
    if len(unknown):
        raise InputError(
            f"The 'cases' table has no case {list(unknown[:5])}; audit only cases in the records."
        )
    chosen = by_case.loc[ids]
    child = people.drop_duplicates("person_id").set_index("person_id")
    out: dict[str, pd.Series] = {}
    notes: list[str] = []
    for attribute in policy.attributes:
        column = attribute.column
        if column in chosen.columns:
            values = chosen[column]
        elif column in child.columns:
            values = pd.Series(
                chosen["person_id"].map(child[column]).to_numpy(), index=ids, dtype=object
            )
        elif column == "age_band" and "birth_date" in child.columns:
            birth = parse_dates(
                chosen["person_id"].map(child["birth_date"]),
                where="The 'people' table's 'birth_date' column",
                date_format=date_format,
            )
            reference = parse_dates(
                chosen["reference_date"],
                where="The 'cases' table's 'reference_date' column",
                date_format=date_format,
            )
            values = _age_band(birth, reference)
        else:
            raise InputError(
                f"No records table has the sensitive attribute column {column!r} "
                f"(attribute {attribute.name!r} of the audit policy); looked in 'cases' "
                f"{list(cases.columns)} and 'people' {list(people.columns)}."
            )
        values = pd.Series(values.to_numpy(dtype=object), index=ids)
        missing = values.isna()
        text = values.map(lambda v: _FLAGS[bool(v)] if isinstance(v, bool | np.bool_) else v)
        text = text.astype(object).where(~missing, NOT_RECORDED).astype(str)
        if missing.any():
            notes.append(
                f"{attribute.name}: not recorded for {int(missing.sum())} cases, audited as "
                f"the group {NOT_RECORDED!r}."
            )
        out[column] = text
    return pd.DataFrame(out, index=ids), tuple(notes)
