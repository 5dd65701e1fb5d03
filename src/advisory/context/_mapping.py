"""A mapping file: a council's own codes translated into the records contract's values.

A TOML file with one table per ``[table.column]``; each key is a local value
as written in the records, each value the contract's value::

    [cases.outcome]
    Yes = 1
    No = 0

    [relationships.relationship]
    mum = "parent"
    brother = "sibling"

Values not listed are left as they are and checked as usual.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from advisory._errors import InputError
from advisory.context._contract import (
    COVERAGE_STATUSES,
    MAPPABLE,
    RELATIONSHIPS,
    SCHEMA,
)
from advisory.definitions import Definitions

__all__ = ["RecordMapping", "apply_mapping", "read_mapping"]

_OUTCOME_TARGETS: Final = (0, 1)


@dataclass(frozen=True)
class RecordMapping:
    """Translations of local codes, by ``(table, column)``; read with :func:`read_mapping`."""

    source: str
    codes: dict[tuple[str, str], dict[str, Any]]


def _targets(table: str, column: str, definitions: Definitions) -> tuple[Any, ...]:
    catalogue = definitions.catalogue
    if table == "cases":
        return _OUTCOME_TARGETS
    if column == "agency":
        return tuple(catalogue.source_names)
    if column == "event_type":
        return tuple(
            sorted({t for s in catalogue.source_names for t in catalogue.source(s).event_types})
        )
    if column == "relationship":
        return tuple(RELATIONSHIPS)
    if column == "status":
        return COVERAGE_STATUSES
    if column == "role":
        return ("child", "adult")
    return ("female", "male")  # people.sex


def read_mapping(path: str | os.PathLike[str], definitions: Definitions) -> RecordMapping:
    """Read and check a mapping file of local codes.

    Parameters
    ----------
    path : str or os.PathLike
        The TOML file (``--mapping`` on the command line).
    definitions : advisory.definitions.Definitions
        Give the catalogue's agencies and event types and the outcome column.

    Returns
    -------
    RecordMapping
        The translations, for :func:`apply_mapping`.

    Raises
    ------
    advisory.InputError
        Naming the file, the table, the column and the value: for a file that
        is missing or not TOML, a column that cannot be mapped, or a target
        value outside the contract's vocabulary.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from advisory.definitions import load_definitions, reference_root
    >>> definitions = load_definitions(reference_root())
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mapping.toml"
    >>> _ = path.write_text('[relationships.relationship]' + chr(10) + 'brother = "sibling"')
    >>> read_mapping(path, definitions).codes
    {('relationships', 'relationship'): {'brother': 'sibling'}}
    >>> _ = path.write_text('[relationships.relationship]' + chr(10) + 'brother = "bro"')
    >>> read_mapping(path, definitions)
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The mapping file ... maps 'brother' in the 'relationships' ...
    """
    file = Path(path)
    try:
        found = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"The mapping file {file} cannot be read: {exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"The mapping file {file} is not valid TOML: {exc}.") from None
    outcome = definitions.spec.outcome.column
    allowed = {*MAPPABLE, f"cases.{outcome}"}
    codes: dict[tuple[str, str], dict[str, Any]] = {}
    for table, columns in found.items():
        if table not in SCHEMA or not isinstance(columns, dict):
            raise InputError(
                f"The mapping file {file} has a section {table!r}; expected sections "
                f"[table.column] with table one of {list(SCHEMA)}, e.g. [cases.{outcome}]."
            )
        for column, values in columns.items():
            key = f"{table}.{column}"
            if key not in allowed or not isinstance(values, dict):
                raise InputError(
                    f"The mapping file {file} maps the {table!r} table's {column!r} column, "
                    f"which has no vocabulary to map to; columns that can be mapped are "
                    f"{sorted(allowed)}."
                )
            targets = _targets(table, column, definitions)
            for local, value in values.items():
                if isinstance(value, bool) and table == "cases":
                    value = int(value)
                if value not in targets or isinstance(value, bool):
                    raise InputError(
                        f"The mapping file {file} maps {local!r} in the {table!r} table's "
                        f"{column!r} column to {value!r}; expected one of {list(targets)}."
                    )
            codes[(table, column)] = dict(values)
    return RecordMapping(str(file), codes)


def apply_mapping(records: Mapping[str, Any], mapping: RecordMapping | None) -> dict[str, Any]:
    """Return the records with the mapping's local codes translated (a copy).

    Parameters
    ----------
    records : mapping
        The tables by name, as :func:`advisory.context.read_records` returns.
    mapping : RecordMapping or None
        From :func:`read_mapping`; None returns the records as they are.

    Returns
    -------
    dict
        The tables, each mapped column translated where its text (stripped)
        is a key of the mapping; other values unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> mapping = RecordMapping("mapping.toml", {("cases", "outcome"): {"Yes": 1, "No": 0}})
    >>> cases = pd.DataFrame({"case_id": ["1", "2"], "outcome": ["Yes", "No"]})
    >>> apply_mapping({"cases": cases}, mapping)["cases"]["outcome"].tolist()
    [1, 0]
    """
    out = dict(records)
    if mapping is None:
        return out
    for (table, column), codes in mapping.codes.items():
        frame = out.get(table)
        if not isinstance(frame, pd.DataFrame) or column not in frame.columns:
            continue
        values = frame[column]
        text = values.astype("string").str.strip()
        mapped = text.map(codes)
        hit = mapped.notna().to_numpy(dtype=bool)
        if not hit.any():
            continue
        result = values.astype(object).where(~hit, mapped.astype(object))
        if table == "cases" and result[values.notna()].isin([0, 1]).all():
            result = result.astype("Int64")
        out[table] = frame.assign(**{column: result})
    return out
