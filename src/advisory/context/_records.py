"""The documented schema of multi-agency records, and its validation.

Every check names the table, the column, a few offending values and the fix.
Nothing is dropped: a record that cannot be used is an error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._checks import check_table
from advisory._dates import check_date_format, parse_date, parse_dates
from advisory._errors import InputError
from advisory._language import WordingError, check_free_text
from advisory.context._contract import (
    COVERAGE_STATUSES,
    ID_PATTERN,
    LINK_COLUMNS,
    OUTCOME_VALUES,
    RELATIONSHIPS,
    SCHEMA,
)
from advisory.definitions import Catalogue

__all__ = [
    "COVERAGE_STATUSES",
    "LINK_COLUMNS",
    "SCHEMA",
    "Records",
    "check_records",
    "find_problems",
]

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
    snapshot_date: pd.Timestamp | None = None
    """The records' extract date, when they give one (``snapshot_date``)."""
    problems: pd.DataFrame = dataclasses.field(default_factory=lambda: _problems([]))
    """Data problems found but not refused, one row each: ``table``, ``ids``
    (a few of the rows' ids), ``rows`` (how many) and ``problem`` (what and why
    it is kept)."""
    uncertain_links: pd.DataFrame = dataclasses.field(default_factory=lambda: _no_links())
    """Optional: the columns of :data:`LINK_COLUMNS` (empty when not given)."""


def _no_links() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in LINK_COLUMNS})


def _uncertain_links(data: object, known: pd.Index) -> pd.DataFrame:
    """Validate the optional ``uncertain_links`` table; empty when the records have none."""
    table = data.get("uncertain_links") if isinstance(data, Mapping) else None
    table = getattr(data, "uncertain_links", table)
    if table is None:
        return _no_links()
    out = check_table(table, LINK_COLUMNS, "The 'uncertain_links' table")
    for column in LINK_COLUMNS:
        out[column] = out[column].astype(str)
    for column in ("person_id", "agency_record_id"):  # shown in reviews as record ids
        out[column] = _ids(out, "uncertain_links", column)
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


def _dates(
    table: pd.DataFrame,
    name: str,
    column: str,
    *,
    required: bool,
    key: str,
    date_format: str | None,
) -> pd.Series:
    values = parse_dates(
        table[column], where=f"The {name!r} table's {column!r} column", date_format=date_format
    )
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
    text = values.astype(str)
    bad = ~text.str.match(ID_PATTERN).to_numpy(dtype=bool)
    if bad.any():
        raise InputError(
            f"The {name!r} table's {column!r} column has values that are not identifiers: "
            f"{_few(text[bad])}; expected text or whole numbers of letters, digits and "
            f"_ . : / - (pattern {ID_PATTERN}, up to 64 characters). Correct the ids."
        )
    return text


def _unique(values: pd.Series, name: str, column: str) -> None:
    # Index.is_unique costs the same per row at any size; Arrow's duplicated() grew 3x
    # per row from 441k to 4.4M ids, so it only runs to name the duplicates
    if pd.Index(values).is_unique:
        return
    duplicated = values[values.duplicated()]
    if len(duplicated):
        raise InputError(
            f"The {name!r} table's {column!r} column must be unique; "
            f"{_few(duplicated)} appear more than once. Remove or merge the duplicates."
        )


def _known(values: pd.Series, known: pd.Index, name: str, column: str) -> npt.NDArray[np.int64]:
    # one hash pass over people and ids together (pd.factorize: the people come first
    # and are unique, so a person's code is their row): a third of Index.get_indexer's
    # cost on Arrow text, whose ids it would first turn into Python strings
    codes, _ = pd.factorize(pd.concat([pd.Series(known, copy=False), values], ignore_index=True))
    found = np.asarray(codes[len(known) :], dtype=np.int64)
    unknown = found >= len(known)
    if unknown.any():
        raise InputError(
            f"The {name!r} table's {column!r} column refers to people not in the 'people' "
            f"table: {_few(values[unknown])}. Add them to 'people' or correct the ids."
        )
    return found


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
    for column in ("agency", "event_type") if types else ("agency",):
        if (table[column].cat.codes < 0).any():
            raise InputError(
                f"The {name!r} table's {column!r} column has "
                f"{int((table[column].cat.codes < 0).sum())} missing values; every row needs "
                "one. Supply them or remove the rows on purpose before the call."
            )
    if not types:
        return
    names = table["event_type"].cat.categories
    pair = agencies.cat.codes.to_numpy().astype(np.int64) * len(names) + table[
        "event_type"
    ].cat.codes.to_numpy().astype(np.int64)
    found = np.flatnonzero(np.bincount(pair, minlength=1))
    for a, t in zip((found // len(names)).tolist(), (found % len(names)).tolist(), strict=True):
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


#: The oldest plausible age in years; an older birth date is an error in the records.
MAX_AGE_YEARS: Final = 120


def _problems(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["table", "ids", "rows", "problem"])


def _stays(memberships: pd.DataFrame, person: npt.NDArray[np.int64]) -> None:
    """Refuse duplicated stays and a person in two households (or one twice) at once."""
    table = memberships.assign(_person=person)
    duplicated = table.duplicated(["person_id", "household_id", "start_date", "end_date"])
    if duplicated.any():
        raise InputError(
            "The 'memberships' table has duplicated household stays (same person, household "
            f"and dates) for person_id {_few(table.loc[duplicated, 'person_id'])}. A repeated "
            "stay would list the person twice in the household; remove the repeated rows."
        )
    start = table["start_date"].to_numpy(dtype="datetime64[s]")
    end = table["end_date"].to_numpy(dtype="datetime64[s]")
    order = np.lexsort((start, person))
    same = person[order][1:] == person[order][:-1]
    previous_end = end[order][:-1]
    overlap = same & (np.isnat(previous_end) | (start[order][1:] <= previous_end))
    if overlap.any():
        ids = table["person_id"].to_numpy()[order][1:][overlap]
        homes = table["household_id"].to_numpy()[order]
        first = int(np.flatnonzero(overlap)[0])
        raise InputError(
            "The 'memberships' table has a person in two household stays at once "
            f"(person_id {_few(ids)}; e.g. households {homes[first]!r} and "
            f"{homes[first + 1]!r}). A review lists who lives with the child on the "
            "reference date, which must be one household: end one stay before the next "
            "starts (record shared care as a relationship)."
        )


def _people_dates(
    records: dict[str, pd.DataFrame], codes: dict[str, npt.NDArray[np.int64]]
) -> None:
    """Refuse birth dates the records contradict: implausible ages, births after events."""
    people, cases = records["people"], records["cases"]
    birth = people["birth_date"].to_numpy(dtype="datetime64[s]")
    latest = cases["reference_date"].max()
    oldest = np.datetime64((latest - pd.DateOffset(years=MAX_AGE_YEARS)).date(), "s")
    too_old = ~np.isnat(birth) & (birth < oldest)
    if too_old.any():
        raise InputError(
            "The 'people' table's 'birth_date' column gives ages over "
            f"{MAX_AGE_YEARS} years on the latest reference date ({latest.date()}) for "
            f"person_id {_few(people.loc[too_old, 'person_id'])} (birth dates "
            f"{_few(people.loc[too_old, 'birth_date'].dt.date.astype(str))}). Correct the "
            "birth dates or leave them empty (unknown)."
        )
    child_birth = birth[codes["cases.person_id"]]
    unborn = ~np.isnat(child_birth) & (child_birth > cases["reference_date"].to_numpy())
    if unborn.any():
        raise InputError(
            "The 'cases' table has reference dates before the child's birth date for "
            f"case_id {_few(cases.loc[unborn, 'case_id'])}; a case is reviewed as of its "
            "reference date, when the child must be born (its age would be negative). "
            "Correct the birth date or the reference date."
        )
    members = records["memberships"]
    member_birth = birth[codes["memberships.person_id"]]
    starts = members["start_date"].to_numpy(dtype="datetime64[s]")
    before = ~np.isnat(member_birth) & (starts < member_birth)
    if before.any():
        raise InputError(
            "The 'memberships' table has household stays that start before the person's "
            f"birth date for person_id {_few(members.loc[before, 'person_id'])}; the person "
            "would be listed in the household, with a negative age, before they were born. "
            "Start the stay on the birth date or later."
        )


def _free_text(table: pd.DataFrame, name: str, column: str, key: str) -> None:
    """Check free text shown in reviews (relationships, gap reasons) by the guard's rules."""
    values = table[column]
    for value in pd.unique(values[values.notna()].astype(str)):
        try:
            check_free_text(value)
        except WordingError as breach:
            rows = (values.astype(str) == value).to_numpy()
            raise InputError(
                f"The {name!r} table's {column!r} column has {value!r} for {key} "
                f"{_few(table.loc[rows, key])}: {breach.found!r} {breach.rule}. Reviews show "
                "this text to practitioners; reword it in the records (plain words, no "
                "risk level, score, rank or instruction)."
            ) from None


def _duplicate_events(
    events: pd.DataFrame, person: npt.NDArray[np.int64]
) -> list[dict[str, object]]:
    """Report events that repeat another's details under a new id (kept, counted apart)."""
    if len(events) < 2:
        return []
    seconds = events["date"].to_numpy(dtype="datetime64[s]").view(np.int64)
    keys = [
        (seconds - seconds.min()) // 86_400 if (seconds % 86_400 == 0).all() else seconds,
        events["event_type"].cat.codes.to_numpy().astype(np.int64),
        events["agency"].cat.codes.to_numpy().astype(np.int64),
        person,
    ]
    sizes = [int(k.max()) + 1 for k in keys]
    if float(np.prod(np.asarray(sizes, dtype=float))) < 2.0**62:  # one sortable key
        # person first, as lexsort would: records come mostly sorted by person and
        # date, and a stable sort of nearly sorted keys costs about one pass
        combined = np.zeros(len(events), dtype=np.int64)
        for key, size in zip(keys[::-1], sizes[::-1], strict=True):
            combined = combined * size + key
        order = np.argsort(combined, kind="stable")
        same = combined[order][1:] == combined[order][:-1]
    else:
        order = np.lexsort(keys)
        same = np.ones(len(order) - 1, dtype=bool)
        for key in keys:
            same &= key[order][1:] == key[order][:-1]
    if not same.any():
        return []
    details = [c for c in events.columns if c != "event_id"]
    candidates = np.zeros(len(events), dtype=bool)
    candidates[order[1:][same]] = candidates[order[:-1][same]] = True
    rows = events.loc[candidates]
    repeated = pd.Series(False, index=events.index)
    repeated[candidates] = rows.duplicated(details).to_numpy()  # every other column too
    if not repeated.any():
        return []
    return [
        {
            "table": "events",
            "ids": list(dict.fromkeys(events.loc[repeated, "event_id"]))[:_FEW],
            "rows": int(repeated.sum()),
            "problem": (
                "events with the same person, agency, event type and date (and every other "
                "column) as another event under a different event_id: possible duplicates. "
                "They are kept and counted as separate records, because two records of one "
                "kind on one day are possible; remove them from the records if they are "
                "copies."
            ),
        }
    ]


def _snapshot(
    data: object, cases: pd.DataFrame, events: pd.DataFrame, date_format: str | None
) -> pd.Timestamp | None:
    """Return the records' extract date, checked against the dates in them."""
    value = data.get("snapshot_date") if isinstance(data, Mapping) else None
    value = getattr(data, "snapshot_date", value)
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    snapshot = parse_date(
        value, where="The records' 'snapshot_date' (their extract date)", date_format=date_format
    )
    late = cases["reference_date"] > snapshot
    if late.any():
        raise InputError(
            f"The records' snapshot_date (their extract date) {snapshot.date()} is before "
            f"the reference date of case_id {_few(cases.loc[late, 'case_id'])}; a case "
            "cannot be referred after the records were extracted. Correct the snapshot_date "
            "or the reference dates."
        )
    late = events["date"] > snapshot
    if late.any():
        raise InputError(
            f"The 'events' table has events dated after the records' snapshot_date "
            f"{snapshot.date()} (event_id {_few(events.loc[late, 'event_id'])}); records "
            "cannot hold events after their extract date. Correct the dates."
        )
    return snapshot


T = TypeVar("T")


class _Findings:
    """The problems of one check: raised at once, or collected to list them all."""

    def __init__(self, *, collect: bool) -> None:
        self.collect = collect
        self.errors: list[InputError] = []

    def run(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[bool, T | None]:
        """Run one check; return whether it passed, and its result."""
        try:
            return True, check(*args, **kwargs)
        except InputError as problem:
            if not self.collect:
                raise
            self.errors.append(problem)
            return False, None


def _relationships(relationships: pd.DataFrame) -> pd.Series:
    values = relationships["relationship"]
    if values.isna().any():
        raise InputError(
            f"The 'relationships' table's 'relationship' column is empty for person_id "
            f"{_few(relationships.loc[values.isna().to_numpy(), 'person_id'])}; every row "
            f"needs one of {list(RELATIONSHIPS)}."
        )
    text = values.astype(str)
    unknown = sorted(set(pd.unique(text)) - set(RELATIONSHIPS))
    if unknown:
        raise InputError(
            f"The 'relationships' table's 'relationship' column has values outside the "
            f"vocabulary: {_few(unknown)}; expected one of {list(RELATIONSHIPS)} (what "
            "other_id is to the child; see docs/records.md). Translate local codes in a "
            "mapping file (--mapping) or correct the records."
        )
    return text


def _outcome(cases: pd.DataFrame, column: str) -> None:
    values = cases[column]
    known = values[values.notna()]
    if pd.api.types.is_bool_dtype(known) or (
        pd.api.types.is_numeric_dtype(known) and known.isin([0, 1]).all()
    ):
        return
    text = known.astype(str).str.strip().str.lower()
    text = text.where(~text.isin(["1.0", "0.0"]), text.str[0])
    bad = ~text.isin(OUTCOME_VALUES).to_numpy()
    if bad.any():
        raise InputError(
            f"The 'cases' table's outcome column {column!r} has values "
            f"{_few(known[bad].astype(str))} "
            f"for case_id {_few(cases.loc[known.index[bad], 'case_id'])}; expected 1 (it "
            "happened) or 0 (it did not), or true/false, or empty where not known yet. "
            "Translate local codes such as Yes/No in a mapping file (--mapping; "
            f"[cases.{column}] Yes = 1, No = 0) or recode the column."
        )


def check_records(
    data: object,
    catalogue: Catalogue,
    *,
    date_format: str | None = None,
    outcome_column: str | None = None,
) -> Records:
    """Check multi-agency records against the documented schema.

    Parameters
    ----------
    data : object or mapping
        Anything with the six tables of :data:`SCHEMA` as attributes (such as
        :class:`advisory.datasets.MultiAgencyData`) or as mapping keys.
    catalogue : advisory.definitions.Catalogue
        Defines the agencies (sources) and their event types.
    date_format : str, optional
        The strftime format of dates written as text, such as ``"%d/%m/%Y"``;
        by default text dates must be ISO 8601 (``2021-01-04``). Dates are
        never guessed: ``04/01/2021`` without a format is an error, and
        numbers are never read as dates.
    outcome_column : str, optional
        The model specification's outcome column in ``cases``; when given and
        present, its values must be 0/1 or true/false (empty: not known yet).

    Returns
    -------
    Records
        The tables with ids as strings and dates as ``datetime64[s]``, the
        extract date, and the data problems found but kept (``problems``).

    Raises
    ------
    advisory.InputError
        Naming the table, column, a few offending values and the fix, for
        missing tables or columns, unparseable or missing dates, duplicate
        ids, ids that are not identifiers (letters, digits and ``_ . : / -``),
        references to unknown people, unknown agencies or event types,
        periods that end before they start, overlapping coverage periods,
        unknown coverage statuses, relationships outside
        :data:`advisory.context.RELATIONSHIPS`, outcomes other than 0/1 and an
        empty cases table; and for records
        that contradict themselves: a person in two household stays at once
        or a stay repeated, a relationship of a person to themselves, an age
        over :data:`MAX_AGE_YEARS`, a child born after the case's reference
        date, a stay that starts before the person's birth, a reference date or
        event after the records' ``snapshot_date``, and free text shown in
        reviews (coverage ``reason``) that states a risk
        level, a rank, a number or an instruction.

    Notes
    -----
    The first problem found is raised; :func:`find_problems` lists them all.

    Events that repeat another event's details under a new ``event_id`` are
    not refused (two records of one kind on one day happen): they are kept,
    counted as separate records, and reported in ``problems``.

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
    date_format = check_date_format(date_format, "check_records")
    records = _check(data, catalogue, date_format, outcome_column, _Findings(collect=False))
    assert records is not None  # every problem was raised
    return records


def find_problems(
    data: object,
    catalogue: Catalogue,
    *,
    date_format: str | None = None,
    outcome_column: str | None = None,
) -> list[InputError]:
    """Check records as :func:`check_records` does, and return every problem found.

    Each check runs when what it needs passed: a table without its columns is
    not checked further, and the checks across tables (references to people,
    overlapping periods, dates that contradict each other) run only on
    columns that passed their own checks. So fixing the problems listed may
    reveal others; an empty list means :func:`check_records` accepts the
    records.

    Parameters
    ----------
    data, catalogue, date_format, outcome_column
        As for :func:`check_records`.

    Returns
    -------
    list of advisory.InputError
        One per problem, each naming the table, column, a few values and the fix.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import load_definitions, reference_root
    >>> catalogue = load_definitions(reference_root()).catalogue
    >>> data = make_multiagency(n_cases=20, seed=0)
    >>> find_problems(data, catalogue)
    []
    >>> bad = {**vars(data), "cases": data.cases.assign(outcome="Yes"),
    ...        "relationships": data.relationships.assign(relationship="brother")}
    >>> for problem in find_problems(bad, catalogue, outcome_column="outcome"):
    ...     print(str(problem)[:58])
    The 'relationships' table's 'relationship' column has valu
    The 'cases' table's outcome column 'outcome' has values 'Y
    """
    date_format = check_date_format(date_format, "find_problems")
    found = _Findings(collect=True)
    _check(data, catalogue, date_format, outcome_column, found)
    return found.errors


def _check(
    data: object,
    catalogue: Catalogue,
    date_format: str | None,
    outcome_column: str | None,
    found: _Findings,
) -> Records | None:
    tables: dict[str, pd.DataFrame] = {}
    for name in SCHEMA:
        ok, table = found.run(_table, data, name)
        if ok and table is not None:
            tables[name] = table.copy()
    bad: set[str] = {name for name in SCHEMA if name not in tables}  # "table" or "table.column"

    def good(*needs: str) -> bool:
        return not any(n in bad or n.split(".")[0] in bad for n in needs)

    def step(where: str, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        ok, result = found.run(check, *args, **kwargs)
        if not ok:
            bad.add(where)
        return result

    known: pd.Index | None = None
    person_codes: dict[str, npt.NDArray[np.int64]] = {}
    if good("people"):
        people = tables["people"]
        ids = step("people.person_id", _ids, people, "people", "person_id")
        if ids is not None:
            people["person_id"] = ids
            step("people.person_id", _unique, people["person_id"], "people", "person_id")
            if good("people.person_id"):
                known = pd.Index(people["person_id"])
        birth = step(
            "people.birth_date",
            _dates,
            people,
            "people",
            "birth_date",
            required=False,
            key="person_id",
            date_format=date_format,
        )
        if birth is not None:
            people["birth_date"] = birth
    for name, columns in [
        ("memberships", ("person_id", "household_id")),
        ("relationships", ("person_id", "other_id")),
        ("events", ("event_id", "person_id")),
        ("coverage", ("person_id",)),
        ("cases", ("case_id", "person_id")),
    ]:
        if not good(name):
            continue
        for column in columns:
            ids = step(f"{name}.{column}", _ids, tables[name], name, column)
            if ids is None:
                continue
            tables[name][column] = ids
            if column in ("person_id", "other_id") and known is not None:
                codes = step(f"{name}.{column}", _known, ids, known, name, column)
                if codes is not None:
                    person_codes[f"{name}.{column}"] = codes
            elif column in ("person_id", "other_id"):
                bad.add(f"{name}.{column}")
    for name, column in (("events", "event_id"), ("cases", "case_id")):
        if good(f"{name}.{column}"):
            step(f"{name}.{column}", _unique, tables[name][column], name, column)
    if good("cases") and tables["cases"].empty:
        step(
            "cases",
            _fail,
            "The 'cases' table is empty; give at least one case to build context for.",
        )
    if good("memberships") and tables["memberships"].empty:
        step(
            "memberships",
            _fail,
            "The 'memberships' table is empty; a review lists who lives with each child, so "
            "give at least each case child's household stay (person_id, household_id, "
            "start_date, end_date).",
        )

    for name, column, key in (
        ("events", "date", "event_id"),
        ("cases", "reference_date", "case_id"),
    ):
        if good(name):
            values = step(
                f"{name}.{column}",
                _dates,
                tables[name],
                name,
                column,
                required=True,
                key=key,
                date_format=date_format,
            )
            if values is not None:
                tables[name][column] = values
    for name in ("memberships", "coverage"):
        if not good(name):
            continue
        table = tables[name]
        for column, required in (("start_date", True), ("end_date", False)):
            values = step(
                f"{name}.{column}",
                _dates,
                table,
                name,
                column,
                required=required,
                key="person_id",
                date_format=date_format,
            )
            if values is not None:
                table[column] = values
        if good(f"{name}.start_date", f"{name}.end_date"):
            step(
                f"{name}.end_date",
                _ordered,
                table["start_date"],
                table["end_date"],
                table["person_id"],
                name,
            )
    snapshot = None
    if good("cases.reference_date", "cases.case_id", "events.date", "events.event_id"):
        snapshot = step(
            "snapshot_date", _snapshot, data, tables["cases"], tables["events"], date_format
        )
    if good(
        "people.birth_date",
        "cases.person_id",
        "cases.reference_date",
        "memberships.person_id",
        "memberships.start_date",
    ):
        step("people.birth_date", _people_dates, tables, person_codes)
    if good("memberships.person_id", "memberships.start_date", "memberships.end_date"):
        step("memberships", _stays, tables["memberships"], person_codes["memberships.person_id"])
    if good("relationships.person_id", "relationships.other_id"):
        relationships = tables["relationships"]
        itself = (relationships["person_id"] == relationships["other_id"]).to_numpy()
        if itself.any():
            step(
                "relationships.other_id",
                _fail,
                "The 'relationships' table relates a person to themselves for person_id "
                f"{_few(relationships.loc[itself, 'person_id'])}; a relationship needs two "
                "different people. Correct other_id or remove the row.",
            )
    if good("relationships"):
        kinds = step("relationships.relationship", _relationships, tables["relationships"])
        if kinds is not None:
            tables["relationships"]["relationship"] = kinds
    for name, columns in (("events", ("agency", "event_type")), ("coverage", ("agency", "status"))):
        if good(name):
            for column in columns:
                tables[name][column] = _categorical(tables[name][column])
    if good("events"):
        step("events.event_type", _vocabulary, tables["events"], "events", catalogue, types=True)
    if good("coverage"):
        coverage = tables["coverage"]
        step("coverage.agency", _vocabulary, coverage, "coverage", catalogue, types=False)
        step("coverage.status", _statuses, coverage)
        if "reason" not in coverage.columns:
            coverage["reason"] = np.nan
        step("coverage.reason", _free_text, coverage, "coverage", "reason", "person_id")
        if good(
            "coverage.person_id", "coverage.agency", "coverage.start_date", "coverage.end_date"
        ):
            step("coverage", _no_overlap, coverage, person_codes["coverage.person_id"])
    if outcome_column is not None and good("cases") and outcome_column in tables["cases"]:
        step(f"cases.{outcome_column}", _outcome, tables["cases"], outcome_column)
    links = step("uncertain_links", _uncertain_links, data, known) if known is not None else None
    if found.errors or bad:
        return None
    events = tables["events"]
    return Records(
        people=tables["people"].reset_index(drop=True),
        memberships=tables["memberships"].reset_index(drop=True),
        relationships=tables["relationships"].reset_index(drop=True),
        events=events.reset_index(drop=True),
        coverage=tables["coverage"].reset_index(drop=True),
        cases=tables["cases"].reset_index(drop=True),
        person_codes=person_codes,
        snapshot_date=snapshot,
        problems=_problems(_duplicate_events(events, person_codes["events.person_id"])),
        uncertain_links=_no_links() if links is None else links,
    )


def _fail(message: str) -> None:
    raise InputError(message)


def _statuses(coverage: pd.DataFrame) -> None:
    unknown = [s for s in coverage["status"].cat.categories if s not in COVERAGE_STATUSES]
    if unknown:
        raise InputError(
            f"The 'coverage' table's 'status' column has unknown values {_few(unknown)}; "
            f"expected one of {list(COVERAGE_STATUSES)}. Translate local codes in a mapping "
            "file (--mapping) or correct the records."
        )
