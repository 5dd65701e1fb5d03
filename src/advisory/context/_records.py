"""The documented schema of multi-agency records, and its validation.

Every check names the table, the column, a few offending values and the fix.
Nothing is dropped: a record that cannot be used is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._errors import InputError
from advisory.definitions import Catalogue

__all__ = ["COVERAGE_STATUSES", "LINK_COLUMNS", "SCHEMA", "Records", "check_records"]

#: Required columns of each table; other columns are kept and ignored.
SCHEMA: Final[dict[str, tuple[str, ...]]] = {
    "people": ("person_id", "birth_date"),
    "memberships": ("person_id", "household_id", "start_date", "end_date"),
    "relationships": ("person_id", "other_id", "relationship"),
    "events": ("event_id", "person_id", "agency", "event_type", "date"),
    "coverage": ("person_id", "agency", "start_date", "end_date", "status"),
    "cases": ("case_id", "person_id", "reference_date"),
}

#: Columns of the optional ``uncertain_links`` table: agency records that may
#: belong to a linked person (a link between the linkage's two thresholds),
#: each to be confirmed by a practitioner before it is relied on.
LINK_COLUMNS: Final = ("person_id", "agency", "agency_record_id", "described_as", "differences")

#: Coverage statuses: shared; exists but not shared; not matched; not applicable.
COVERAGE_STATUSES: Final = ("available", "unavailable", "unmatched", "not_applicable")

_FEW: Final = 5


@dataclass(frozen=True, kw_only=True)
class Records:
    """Validated multi-agency records, every date column as ``datetime64``.

    Build it with :func:`check_records`; the tables are those of
    :class:`advisory.datasets.MultiAgencyData`.
    """

    people: pd.DataFrame
    memberships: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    coverage: pd.DataFrame
    cases: pd.DataFrame
    person_codes: dict[str, npt.NDArray[np.int64]]
    """Row of ``people`` for each ``"table.column"`` holding person ids."""
    uncertain_links: pd.DataFrame
    """Optional: the columns of :data:`LINK_COLUMNS` (empty when not given)."""


def _uncertain_links(data: object, known: pd.Index) -> pd.DataFrame:
    """Validate the optional ``uncertain_links`` table; empty when the records have none."""
    table = data.get("uncertain_links") if isinstance(data, Mapping) else None
    table = getattr(data, "uncertain_links", table)
    if table is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LINK_COLUMNS})
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            "The 'uncertain_links' table must be a pandas DataFrame; "
            f"got {type(table).__name__} instead."
        )
    missing = [c for c in LINK_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"The 'uncertain_links' table has no column {missing[0]!r}; expected columns "
            f"{list(LINK_COLUMNS)}, found {list(map(str, table.columns))}."
        )
    out = table[list(LINK_COLUMNS)].copy()
    for column in LINK_COLUMNS:
        if out[column].isna().any():
            raise InputError(
                f"The 'uncertain_links' table's {column!r} column has "
                f"{int(out[column].isna().sum())} missing values; every row needs all of "
                f"{list(LINK_COLUMNS)}."
            )
        out[column] = out[column].astype(str)
    _known(out["person_id"], known, "uncertain_links", "person_id")
    return out.reset_index(drop=True)


def _few(values: Any) -> str:
    unique = list(dict.fromkeys(values))
    shown = ", ".join(repr(v) for v in unique[:_FEW])
    more = f" and {len(unique) - _FEW} more" if len(unique) > _FEW else ""
    return f"{shown}{more}"


def _table(data: object, name: str) -> pd.DataFrame:
    table = data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)
    if table is None:
        raise InputError(
            f"The records have no {name!r} table; expected the tables {list(SCHEMA)} "
            "(as attributes or mapping keys). See advisory.context.SCHEMA for their columns."
        )
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"The {name!r} table must be a pandas DataFrame; got {type(table).__name__} instead."
        )
    missing = [c for c in SCHEMA[name] if c not in table.columns]
    if missing:
        raise InputError(
            f"The {name!r} table has no column {missing[0]!r}; expected columns "
            f"{list(SCHEMA[name])}, found {list(map(str, table.columns))}. "
            "Rename or add the column."
        )
    return table


def _dates(table: pd.DataFrame, name: str, column: str, *, required: bool, key: str) -> pd.Series:
    values = table[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        bad = parsed.isna() & values.notna()
        if bad.any():
            raise InputError(
                f"The {name!r} table's {column!r} column has values that are not dates: "
                f"{_few(values[bad])}. Use ISO dates such as '2024-03-31'."
            )
        values = parsed
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    values = values.astype("datetime64[s]")
    if required and values.isna().any():
        ids = table.loc[values.isna().to_numpy(), key]
        raise InputError(
            f"The {name!r} table's {column!r} column is missing for {key} {_few(ids)}; "
            "every row needs a date. Supply it or remove the row on purpose before the call."
        )
    return values


def _ids(table: pd.DataFrame, name: str, column: str) -> pd.Series:
    values = table[column]
    if values.isna().any():
        raise InputError(
            f"The {name!r} table's {column!r} column has {int(values.isna().sum())} missing "
            "values; every row needs an id."
        )
    return values.astype(str)


def _unique(values: pd.Series, name: str, column: str) -> None:
    duplicated = values[values.duplicated()]
    if len(duplicated):
        raise InputError(
            f"The {name!r} table's {column!r} column must be unique; "
            f"{_few(duplicated)} appear more than once. Remove or merge the duplicates."
        )


def _known(values: pd.Series, known: pd.Index, name: str, column: str) -> npt.NDArray[np.int64]:
    codes = known.get_indexer(pd.Index(values)).astype(np.int64)
    if (codes < 0).any():
        raise InputError(
            f"The {name!r} table's {column!r} column refers to people not in the 'people' "
            f"table: {_few(values[codes < 0])}. Add them to 'people' or correct the ids."
        )
    return codes


def _ordered(start: pd.Series, end: pd.Series, ids: pd.Series, name: str) -> None:
    backwards = (end < start).to_numpy()
    if backwards.any():
        raise InputError(
            f"The {name!r} table has periods whose 'end_date' is before their 'start_date' "
            f"for person_id {_few(ids[backwards])}. Swap or correct the dates."
        )


def _categorical(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.cat.remove_unused_categories()
        return values.cat.rename_categories([str(c) for c in values.cat.categories])
    return values.astype(str).astype("category")


def _vocabulary(table: pd.DataFrame, name: str, catalogue: Catalogue, *, types: bool) -> None:
    agencies = table["agency"]
    unknown = [a for a in agencies.cat.categories if a not in catalogue.source_names]
    if unknown:
        raise InputError(
            f"The {name!r} table's 'agency' column has agencies the catalogue does not define: "
            f"{_few(unknown)}; defined sources are {list(catalogue.source_names)}. "
            "Add the source to the catalogue or correct the records."
        )
    if not types:
        return
    pairs = pd.DataFrame(
        {"agency": agencies.cat.codes.to_numpy(), "type": table["event_type"].cat.codes.to_numpy()}
    ).drop_duplicates()
    for a, t in pairs.itertuples(index=False):
        agency = agencies.cat.categories[a]
        event_type = table["event_type"].cat.categories[t]
        if event_type not in catalogue.source(agency).event_types:
            raise InputError(
                f"The {name!r} table has event_type {event_type!r} for agency {agency!r}, "
                f"which the catalogue does not list for that source; listed types are "
                f"{list(catalogue.source(agency).event_types)}. Add it to the catalogue's "
                f"sources.{agency}.event_types or correct the records."
            )


def _no_overlap(coverage: pd.DataFrame, person: npt.NDArray[np.int64]) -> None:
    agency = coverage["agency"].cat.codes.to_numpy().astype(np.int64)
    start = coverage["start_date"].to_numpy(dtype="datetime64[s]")
    end = coverage["end_date"].to_numpy(dtype="datetime64[s]")
    order = np.lexsort((start, agency, person))
    same = (person[order][1:] == person[order][:-1]) & (agency[order][1:] == agency[order][:-1])
    previous_end = end[order][:-1]
    overlap = same & (np.isnat(previous_end) | (start[order][1:] <= previous_end))
    if overlap.any():
        ids = coverage["person_id"].to_numpy()[order][1:][overlap]
        raise InputError(
            "The 'coverage' table has overlapping periods for the same person and agency "
            f"(person_id {_few(ids)}). Give each day one status: merge or split the periods."
        )


def check_records(data: object, catalogue: Catalogue) -> Records:
    """Check multi-agency records against the documented schema.

    Parameters
    ----------
    data : object or mapping
        Anything with the six tables of :data:`SCHEMA` as attributes (such as
        :class:`advisory.datasets.MultiAgencyData`) or as mapping keys.
    catalogue : advisory.definitions.Catalogue
        Defines the agencies (sources) and their event types.

    Returns
    -------
    Records
        The tables with ids as strings and dates as ``datetime64[s]``.

    Raises
    ------
    advisory.InputError
        Naming the table, column, a few offending values and the fix, for
        missing tables or columns, unparseable or missing dates, duplicate
        ids, references to unknown people, unknown agencies or event types,
        periods that end before they start, overlapping coverage periods,
        unknown coverage statuses and an empty cases table.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import load_definitions, reference_root
    >>> catalogue = load_definitions(reference_root()).catalogue
    >>> data = make_multiagency(n_cases=50, seed=0)
    >>> records = check_records(data, catalogue)
    >>> bad = {**vars(records), "cases": data.cases.assign(reference_date="next week")}
    >>> check_records(bad, catalogue)
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The 'cases' table's 'reference_date' column has values ...
    """
    tables = {name: _table(data, name).copy() for name in SCHEMA}
    people, memberships, relationships = (
        tables["people"],
        tables["memberships"],
        tables["relationships"],
    )
    events, coverage, cases = tables["events"], tables["coverage"], tables["cases"]

    people["person_id"] = _ids(people, "people", "person_id")
    _unique(people["person_id"], "people", "person_id")
    known = pd.Index(people["person_id"])
    person_codes: dict[str, npt.NDArray[np.int64]] = {}
    people["birth_date"] = _dates(people, "people", "birth_date", required=False, key="person_id")

    for name, columns in [
        ("memberships", ("person_id", "household_id")),
        ("relationships", ("person_id", "other_id")),
        ("events", ("event_id", "person_id")),
        ("coverage", ("person_id",)),
        ("cases", ("case_id", "person_id")),
    ]:
        for column in columns:
            tables[name][column] = _ids(tables[name], name, column)
            if column in ("person_id", "other_id"):
                person_codes[f"{name}.{column}"] = _known(tables[name][column], known, name, column)
    _unique(events["event_id"], "events", "event_id")
    _unique(cases["case_id"], "cases", "case_id")
    if cases.empty:
        raise InputError("The 'cases' table is empty; give at least one case to build context for.")

    events["date"] = _dates(events, "events", "date", required=True, key="event_id")
    cases["reference_date"] = _dates(cases, "cases", "reference_date", required=True, key="case_id")
    for name, table in (("memberships", memberships), ("coverage", coverage)):
        table["start_date"] = _dates(table, name, "start_date", required=True, key="person_id")
        table["end_date"] = _dates(table, name, "end_date", required=False, key="person_id")
        _ordered(table["start_date"], table["end_date"], table["person_id"], name)

    relationships["relationship"] = relationships["relationship"].astype(str)
    for table, columns in ((events, ("agency", "event_type")), (coverage, ("agency", "status"))):
        for column in columns:
            table[column] = _categorical(table[column])
    _vocabulary(events, "events", catalogue, types=True)
    _vocabulary(coverage, "coverage", catalogue, types=False)
    unknown_status = [s for s in coverage["status"].cat.categories if s not in COVERAGE_STATUSES]
    if unknown_status:
        raise InputError(
            f"The 'coverage' table's 'status' column has unknown values {_few(unknown_status)}; "
            f"expected one of {list(COVERAGE_STATUSES)}."
        )
    if "reason" not in coverage.columns:
        coverage["reason"] = np.nan
    _no_overlap(coverage, person_codes["coverage.person_id"])
    return Records(
        people=people.reset_index(drop=True),
        memberships=memberships.reset_index(drop=True),
        relationships=relationships.reset_index(drop=True),
        events=events.reset_index(drop=True),
        coverage=coverage.reset_index(drop=True),
        cases=cases.reset_index(drop=True),
        person_codes=person_codes,
        uncertain_links=_uncertain_links(data, known),
    )
