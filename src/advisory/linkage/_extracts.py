"""Agency extracts: reading, checking and standardising each agency's people and events."""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from advisory._dates import parse_date, parse_dates
from advisory._errors import InputError
from advisory.linkage._spec import DERIVED_FROM, LinkageSpec

__all__ = ["CASE_TABLES", "Extracts", "check_extracts", "read_extracts"]

#: Tables of the case agency's extract besides people and events (coverage optional).
CASE_TABLES: Final = ("memberships", "relationships", "cases", "coverage")
_CASE_REQUIRED: Final = ("memberships", "relationships", "cases")
_EVENT_COLUMNS: Final = ("event_id", "agency_person_id", "event_type", "date")
_ID: Final = "agency_person_id"
_FOLD: Final = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "\u0131": "i"}
)
_NOT_LETTERS: Final = re.compile(r"[^a-z' -]+")
_SPACES: Final = re.compile(r"\s+")
_SEX: Final = {
    "f": "f", "female": "f", "woman": "f", "girl": "f",
    "m": "m", "male": "m", "man": "m", "boy": "m",
    "u": None, "unknown": None, "not known": None, "not stated": None, "x": None,
    "other": None, "indeterminate": None, "": None,
}  # fmt: skip
_FEW: Final = 5


@dataclass(frozen=True, kw_only=True)
class Extracts:
    """Checked extracts: one standardised record table and the case agency's tables.

    Attributes
    ----------
    records : pandas.DataFrame
        One row per agency person record: ``record_uid`` (``agency:id``),
        ``agency``, ``agency_person_id``, the raw name, date of birth, sex and
        postcode as the agency holds them (``raw_*``) and the standardised
        linkage columns.
    events : pandas.DataFrame
        Every agency's events: ``event_id``, ``record_uid``, ``agency``,
        ``event_type``, ``date``.
    case_tables : dict of str to pandas.DataFrame
        ``memberships``, ``relationships``, ``cases`` and, when given,
        ``coverage`` of the case agency, keyed by its own ids.
    case_people : pandas.DataFrame
        The case agency's people table as given (other columns kept).
    snapshot_date : pandas.Timestamp or None
    """

    records: pd.DataFrame
    events: pd.DataFrame
    case_tables: dict[str, pd.DataFrame]
    case_people: pd.DataFrame
    snapshot_date: pd.Timestamp | None

    @property
    def agencies(self) -> tuple[str, ...]:
        """The agencies, in the order given."""
        return tuple(dict.fromkeys(self.records["agency"]))


def _few(values: Any) -> str:
    unique = list(dict.fromkeys(values))
    shown = ", ".join(repr(v) for v in unique[:_FEW])
    more = f" and {len(unique) - _FEW} more" if len(unique) > _FEW else ""
    return f"{shown}{more}"


def _columns(table: pd.DataFrame, where: str, required: tuple[str, ...]) -> None:
    present = [str(c) for c in table.columns]
    for column in required:
        if column not in present:
            close = difflib.get_close_matches(column, present, n=1, cutoff=0.6)
            hint = f" (is {close[0]!r} a misspelling of it?)" if close else ""
            raise InputError(
                f"The {where} table has no column {column!r}{hint}; expected columns "
                f"{list(required)}, found {present}. Rename or add the column."
            )


def _parse_dates(values: pd.Series, where: str, column: str, date_format: str | None) -> pd.Series:
    """ISO 8601 or ``date_format`` (never guessed), as whole days."""
    parsed = parse_dates(
        values, where=f"The {where} table's {column!r} column", date_format=date_format
    )
    return parsed.astype("datetime64[s]").dt.normalize()


def _name(values: pd.Series) -> pd.Series:
    def clean(value: object) -> object:
        if not isinstance(value, str):
            return None
        folded = unicodedata.normalize("NFKD", value.lower().translate(_FOLD))
        letters = "".join(c for c in folded if not unicodedata.combining(c))
        letters = _SPACES.sub(" ", _NOT_LETTERS.sub(" ", letters)).strip(" -'")
        return letters or None

    return pd.Series([clean(v) for v in values], index=values.index, dtype=object)


def _sex(values: pd.Series, where: str) -> pd.Series:
    text = values.astype("string").str.strip().str.lower()
    known = text.isna() | text.isin(list(_SEX))
    if not known.all():
        raise InputError(
            f"The {where} table's 'sex' column has values the linkage cannot read: "
            f"{_few(values[~known.to_numpy()])}; expected one of "
            f"{sorted(k for k in _SEX if k)} (or empty for not known)."
        )
    return pd.Series(
        [None if pd.isna(v) else _SEX[v] for v in text], index=values.index, dtype=object
    )


def _postcode(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    text = text.mask(text.str.len().fillna(0) < 5)
    spaced = text.str[:-3] + " " + text.str[-3:]
    return pd.Series(spaced.astype(object).where(spaced.notna(), None), index=values.index)


def _nhs(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(r"\D", "", regex=True)
    text = text.mask(text.str.len().fillna(0) != 10)
    return pd.Series(text.astype(object).where(text.notna(), None), index=values.index)


def _people(agency: str, table: object, spec: LinkageSpec, date_format: str | None) -> pd.DataFrame:
    where = f"{agency!r} people"
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"The {where} table must be a pandas DataFrame; got {type(table).__name__} instead."
        )
    _columns(table, where, (_ID, *_needed(spec)))
    if table.empty:
        raise InputError(
            f"The {where} table is empty; give the agency's people or leave the agency out."
        )
    ids = table[_ID]
    if ids.isna().any():
        raise InputError(
            f"The {where} table's {_ID!r} column has {int(ids.isna().sum())} missing values; "
            "every record needs the agency's own id."
        )
    ids = ids.astype(str)
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise InputError(
            f"The {where} table's {_ID!r} column must be unique; {_few(duplicated)} appear more "
            "than once. Merge the agency's duplicates or give each record its own id."
        )
    table = table.copy()
    for column in ("first_name", "last_name", "birth_date", "sex", "postcode"):
        if column not in table.columns:
            table[column] = None
    birth = _parse_dates(table["birth_date"], where, "birth_date", date_format)
    out = pd.DataFrame(
        {
            "record_uid": (agency + ":" + ids).to_numpy(),
            "agency": agency,
            _ID: ids.to_numpy(),
            "raw_first_name": table["first_name"].astype(object).to_numpy(),
            "raw_last_name": table["last_name"].astype(object).to_numpy(),
            "raw_postcode": table["postcode"].astype(object).to_numpy(),
            "first_name": _name(table["first_name"]).to_numpy(),
            "last_name": _name(table["last_name"]).to_numpy(),
            "birth_date": birth.to_numpy(),
            "sex": _sex(table["sex"], where).to_numpy(),
            "postcode": _postcode(table["postcode"]).to_numpy(),
            "nhs_number": _nhs(table["nhs_number"]).to_numpy()
            if "nhs_number" in table.columns
            else None,
        }
    )
    return out


def _needed(spec: LinkageSpec) -> tuple[str, ...]:
    """Person columns every agency must hold for the specification (``nhs_number`` optional)."""
    needed: dict[str, None] = {}
    for column in spec.columns:
        for base in DERIVED_FROM.get(column, (column,)):
            if base != "nhs_number":
                needed[base] = None
    return tuple(needed)


def _events(agency: str, table: object, ids: pd.Index, date_format: str | None) -> pd.DataFrame:
    where = f"{agency!r} events"
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"The {where} table must be a pandas DataFrame; got {type(table).__name__} instead."
        )
    _columns(table, where, _EVENT_COLUMNS)
    for column in ("event_id", _ID, "event_type"):
        if table[column].isna().any():
            raise InputError(
                f"The {where} table's {column!r} column has {int(table[column].isna().sum())} "
                "missing values; every event needs one."
            )
    holder = table[_ID].astype(str)
    unknown = ~holder.isin(ids)
    if unknown.any():
        raise InputError(
            f"The {where} table's {_ID!r} column refers to records not in the agency's people "
            f"table: {_few(holder[unknown])}. Add them to people or correct the ids."
        )
    event_ids = table["event_id"].astype(str)
    duplicated = event_ids[event_ids.duplicated()]
    if len(duplicated):
        raise InputError(
            f"The {where} table's 'event_id' column must be unique; {_few(duplicated)} appear "
            "more than once."
        )
    dates = _parse_dates(table["date"], where, "date", date_format)
    if dates.isna().any():
        raise InputError(
            f"The {where} table's 'date' column is missing for event_id "
            f"{_few(event_ids[dates.isna().to_numpy()])}; every event needs a date."
        )
    return pd.DataFrame(
        {
            "event_id": (agency + ":" + event_ids).to_numpy(),
            "record_uid": (agency + ":" + holder).to_numpy(),
            "agency": agency,
            "event_type": table["event_type"].astype(str).to_numpy(),
            "date": dates.to_numpy(),
        }
    )


def _get(data: object, name: str) -> Any:
    return data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)


def check_extracts(data: object, spec: LinkageSpec, *, date_format: str | None = None) -> Extracts:
    """Check and standardise agency extracts for linkage.

    Parameters
    ----------
    data : object or mapping
        ``people`` and ``events`` (each a mapping of agency name to table)
        and the case agency's ``memberships``, ``relationships``, ``cases``
        and optional ``coverage`` (as :class:`advisory.datasets.AgencyExtracts`
        or :func:`read_extracts` give them).
    spec : LinkageSpec
        Which columns are needed, and the case agency.
    date_format : str, optional
        An explicit ``strptime`` format for dates given as text; ISO 8601 when
        not given. Dates are never guessed.

    Returns
    -------
    Extracts
        One standardised record table, every agency's events, the case tables.

    Raises
    ------
    advisory.InputError
        Naming the agency, table and column: a missing or misspelled column,
        an empty table, duplicate or missing agency ids, dates not in the
        format, unknown sex codes, events of unknown records, or a missing
        case agency.

    Examples
    --------
    >>> from advisory.datasets import make_agency_extracts
    >>> from advisory.linkage import reference_linkage_spec
    >>> extracts = make_agency_extracts(n_cases=30, seed=0)
    >>> checked = check_extracts(extracts, reference_linkage_spec())
    >>> len(checked.records) == extracts.n_records
    True
    >>> people = dict(extracts.people, police=extracts.people["police"].rename(
    ...     columns={"last_name": "surname"}))
    >>> check_extracts({**vars(extracts), "people": people}, reference_linkage_spec())
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The 'police' people table has no column 'last_name' ...
    """
    people = _get(data, "people")
    events = _get(data, "events")
    for name, value in (("people", people), ("events", events)):
        if not isinstance(value, Mapping) or not value:
            raise InputError(
                f"The extracts' {name!r} must map each agency's name to its table; "
                f"got {type(value).__name__} instead."
            )
    assert isinstance(people, Mapping) and isinstance(events, Mapping)
    if spec.case_agency not in people:
        raise InputError(
            f"The extracts have no people table of the case agency {spec.case_agency!r} "
            f"named by the linkage specification; agencies given: {sorted(people)}."
        )
    missing_events = [a for a in people if a not in events]
    if missing_events:
        raise InputError(
            f"The extracts have no events table for {_few(missing_events)}; give one per agency "
            "(an empty table with the columns when the agency shared no events)."
        )
    records = []
    all_events = []
    for agency, table in people.items():
        standard = _people(str(agency), table, spec, date_format)
        records.append(standard)
        all_events.append(
            _events(str(agency), events[agency], pd.Index(standard[_ID]), date_format)
        )
    case_tables: dict[str, pd.DataFrame] = {}
    for name in CASE_TABLES:
        table = _get(data, name)
        if table is None:
            if name in _CASE_REQUIRED:
                raise InputError(
                    f"The case agency {spec.case_agency!r} extract has no {name!r} table; "
                    f"expected {list(_CASE_REQUIRED)} (and optionally 'coverage')."
                )
            continue
        if not isinstance(table, pd.DataFrame):
            raise InputError(
                f"The case agency's {name!r} table must be a pandas DataFrame; "
                f"got {type(table).__name__} instead."
            )
        case_tables[name] = table
    if "nhs_number" in spec.columns and not any(
        isinstance(t, pd.DataFrame) and "nhs_number" in t.columns for t in people.values()
    ):
        raise InputError(
            f"The linkage specification ({spec.source}) compares 'nhs_number', but no agency's "
            f"people table has that column (agencies: {sorted(people)}). Add it where an agency "
            "holds NHS numbers, or remove it from the specification."
        )
    snapshot = _get(data, "snapshot_date")
    joined = pd.concat(records, ignore_index=True)
    birth = joined["birth_date"]
    joined["birth_year"] = birth.dt.year.astype("Int64")
    first, last = joined["first_name"], joined["last_name"]
    both = first.notna() & last.notna()
    tokens = np.where(
        first.fillna("").to_numpy() <= last.fillna("").to_numpy(),
        first.fillna("") + " " + last.fillna(""),
        last.fillna("") + " " + first.fillna(""),
    )
    joined["name_tokens"] = pd.Series(tokens, dtype=object).where(both.to_numpy(), None)
    joined["postcode_district"] = joined["postcode"].str.split(" ").str[0]
    return Extracts(
        records=joined,
        events=pd.concat(all_events, ignore_index=True),
        case_tables=case_tables,
        case_people=people[spec.case_agency],
        snapshot_date=None
        if snapshot is None
        else parse_date(
            snapshot, where="The extracts' 'snapshot_date'", date_format=date_format
        ).normalize(),
    )


def read_extracts(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """Read agency extracts from a folder: one sub-folder per agency.

    Each agency's folder holds ``people.csv`` and ``events.csv`` (or
    ``.parquet``); the case agency's folder also holds ``memberships``,
    ``relationships``, ``cases`` and optionally ``coverage``. Every value is
    read as text; :func:`check_extracts` parses the dates.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder of agency sub-folders.

    Returns
    -------
    dict
        ``people`` and ``events`` (agency to table) and the case tables found.

    Raises
    ------
    advisory.InputError
        If the folder is missing, holds no agency, or an agency lacks a file.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import make_agency_extracts
    >>> root = make_agency_extracts(n_cases=20, seed=0).write(tempfile.mkdtemp())
    >>> sorted(read_extracts(root)["people"])
    ['childrens_social_care', 'education', 'health', 'housing', 'police']
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(
            f"The extracts folder {root} does not exist; expected one sub-folder per agency "
            "with people.csv and events.csv."
        )
    people: dict[str, pd.DataFrame] = {}
    events: dict[str, pd.DataFrame] = {}
    out: dict[str, Any] = {"people": people, "events": events}
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        people_file = _file(sub, "people")
        if people_file is None:
            continue
        people[sub.name] = _read(people_file)
        events_file = _file(sub, "events")
        if events_file is None:
            raise InputError(
                f"The {sub.name!r} extract in {sub} has people but no events.csv; add it "
                "(with the header only if the agency shared no events)."
            )
        events[sub.name] = _read(events_file)
        for name in CASE_TABLES:
            found = _file(sub, name)
            if found is not None:
                if name in out:
                    raise InputError(
                        f"Two agencies' folders hold a {name!r} table; only the case agency's may."
                    )
                out[name] = _read(found)
    if not people:
        raise InputError(
            f"The extracts folder {root} has no agency sub-folder with a people.csv file."
        )
    return out


def _file(folder: Path, name: str) -> Path | None:
    for suffix in (".csv", ".csv.gz", ".parquet"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def _read(path: Path) -> pd.DataFrame:
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as exc:
        raise InputError(f"Could not read {path}: {exc}") from exc
