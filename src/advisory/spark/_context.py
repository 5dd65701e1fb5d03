"""Case context on Spark: each group of households runs the library's own pandas code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from advisory._checks import check_int
from advisory._errors import AdvisoryError, InputError
from advisory.context import CaseContext, RecordIndex, RecordsSummary, index_records
from advisory.definitions import Definitions

if TYPE_CHECKING:
    import pyarrow as pa

from advisory.spark._tables import (
    Layout,
    SparkRecords,
    check_references,
    check_spark_tables,
    collect,
    group_records,
    spark_sql,
    split_group,
    summarize,
)

__all__ = ["SparkCaseContext", "context_on_spark", "group_index", "run_groups"]

_OWNER: Final = "context_on_spark"
#: Cases per group when the number of groups is not given.
CASES_PER_GROUP: Final = 20_000
_MARK: Final = "advisory-spark-group-error: "
_TABLES: Final = tuple(f.name for f in dataclasses.fields(CaseContext))

# Spark type of every column of every context table (factors come from the specification).
_TEXT, _DAY, _REAL, _WHOLE = "string", "timestamp_ntz", "double", "bigint"
_COLUMNS: Final[dict[str, dict[str, str]]] = {
    "cases": {
        "case_id": _TEXT,
        "person_id": _TEXT,
        "reference_date": _DAY,
        "household_id": _TEXT,
    },
    "unknown": {"case_id": _TEXT, "factor": _TEXT, "reason": _TEXT},
    "provenance": {
        "case_id": _TEXT,
        "factor": _TEXT,
        "person_id": _TEXT,
        "relationship": _TEXT,
        "agency": _TEXT,
        "event_id": _TEXT,
        "event_type": _TEXT,
        "date": _DAY,
    },
    "household": {
        "case_id": _TEXT,
        "person_id": _TEXT,
        "relationship": _TEXT,
        "age": _REAL,
        "adult_or_child": _TEXT,
        "member_since": _DAY,
        "sex": _TEXT,
        "moved_in": _DAY,
    },
    "household_events": {
        "case_id": _TEXT,
        "person_id": _TEXT,
        "agency": _TEXT,
        "events": _WHOLE,
        "latest": _DAY,
        "coverage": _TEXT,
    },
    "gaps": {
        "case_id": _TEXT,
        "kind": _TEXT,
        "agency": _TEXT,
        "person_id": _TEXT,
        "relationship": _TEXT,
        "start_date": _DAY,
        "end_date": _DAY,
        "reason": _TEXT,
    },
    "records": {
        "case_id": _TEXT,
        "person_id": _TEXT,
        "agency": _TEXT,
        "event_type": _TEXT,
        "event_id": _TEXT,
        "date": _DAY,
    },
    "connected": {
        "case_id": _TEXT,
        "person_id": _TEXT,
        "relationship": _TEXT,
        "sex": _TEXT,
        "age": _REAL,
        "left_on": _DAY,
    },
    "to_confirm": {
        "case_id": _TEXT,
        "person_id": _TEXT,
        "relationship": _TEXT,
        "agency": _TEXT,
        "agency_record_id": _TEXT,
        "described_as": _TEXT,
        "differences": _TEXT,
    },
}
_TEXT_DTYPE: Final = pd.StringDtype(storage="python", na_value=np.nan)


def _columns(definitions: Definitions) -> dict[str, dict[str, str]]:
    factors = {"case_id": _TEXT} | {
        f.name: _TEXT if f.is_categorical else _REAL for f in definitions.spec.factors
    }
    return {name: factors if name == "factors" else _COLUMNS[name] for name in _TABLES}


def _output_layout(definitions: Definitions) -> Layout:
    return Layout.of(_columns(definitions))


_KEYS: Final = "_case bigint, _seq bigint"


def group_index(
    tables: dict[str, pd.DataFrame],
    definitions: Definitions,
    summary: RecordsSummary,
    *,
    snapshot_date: dt.date | None,
    lookback_days: int,
    stale_after_days: int,
) -> RecordIndex:
    """Index one group's records, told what only all the records can say (``summary``).

    A ``snapshot_date`` given with the records is checked in every group as
    :func:`advisory.context.check_records` checks it.
    """
    return index_records(
        {**tables, "snapshot_date": snapshot_date},
        definitions,
        lookback_days=lookback_days,
        stale_after_days=stale_after_days,
        summary=summary,
    )


def run_groups(batches: Iterator[pa.Table], layout: Layout, work: Any) -> Iterator[pa.Table]:
    """Split each group's packed rows into tables and run ``work(tables, case_row)`` on them.

    ``case_row`` maps each case id to its row in the ``cases`` table. A
    failure names the group's households (the first few) and the cause.
    """
    for batch in batches:
        cases = layout.unpack(batch, "cases", keys=("_row",))
        case_row = dict(
            zip(cases.column("case_id").to_pylist(), cases.column("_row").to_pylist(), strict=True)
        )
        tables = split_group(batch, layout)
        try:
            yield work(tables, case_row)
        except AdvisoryError as exc:
            households = sorted(set(tables["memberships"]["household_id"].dropna().astype(str)))
            children = list(tables["cases"]["person_id"].astype(str))
            where = (
                f"households {households[:5]}{' ...' if len(households) > 5 else ''}"
                if households
                else f"children {children[:5]}"
            )
            raise RuntimeError(f"{_MARK}the Spark group of {where} failed: {exc}") from exc


def _text(values: pd.Series) -> pd.Series:
    out = values.astype(object)
    return out.where(values.notna(), None)


_ARROW_TYPES: Final = {_TEXT: "string", _DAY: "timestamp[us]", _REAL: "double", _WHOLE: "int64"}


def _arrow(values: pd.Series, kind: str) -> pa.Array:
    """One context column as Arrow, missing values as nulls (as Spark holds them)."""
    import pyarrow as pa

    arrow_type = pa.type_for_alias(_ARROW_TYPES[kind])
    if kind == _TEXT:
        return pa.array(_text(values).to_numpy(), type=arrow_type)
    if kind == _DAY:
        values = values.astype("datetime64[us]")
    elif kind == _WHOLE:
        values = values.astype(np.int64)
    else:
        values = values.astype(np.float64)
    return pa.array(values, type=arrow_type, from_pandas=True)


def _flatten(context: CaseContext, case_row: dict[str, int], layout: Layout) -> pa.Table:
    """Every table of a group's context in one Arrow table, each in its own slots."""
    import pyarrow as pa

    parts = []
    for table, columns in layout.columns.items():
        frame: pd.DataFrame = getattr(context, table)
        if table == "factors":
            frame = frame.reset_index()
        unknown = [c for c in frame.columns if c not in columns]
        if unknown:
            raise InputError(
                f"The context table {table!r} has columns {unknown} that advisory.spark does "
                "not know how to send back; add them to advisory.spark._context._COLUMNS."
            )
        n = len(frame)
        slots = {slot: column for column, slot in columns.items()}
        kinds = {slot: layout.slots[slot] for slot in layout.slots}
        arrays = {
            "_case": pa.array(frame["case_id"].map(case_row).to_numpy(np.int64)),
            "_seq": pa.array(np.arange(n, dtype=np.int64)),
            "_table": pa.array(np.full(n, layout.codes[table], dtype=np.int32)),
        }
        for slot, kind in kinds.items():
            arrays[slot] = (
                _arrow(frame[slots[slot]], kind)
                if slot in slots
                else pa.nulls(n, pa.type_for_alias(_ARROW_TYPES[kind]))
            )
        parts.append(pa.table(arrays))
    return pa.concat_tables(parts)


def raise_group_error(exc: Exception) -> None:
    """Re-raise a group's failure on the driver as an :class:`advisory.InputError`."""
    text = str(exc)
    if _MARK in text:
        message = text.split(_MARK, 1)[1].splitlines()[0]
        raise InputError(message) from None


@dataclass(frozen=True)
class SparkCaseContext:
    """Case context as Spark DataFrames, one per table of :class:`advisory.context.CaseContext`.

    The tables have the same columns as in pandas (``factors`` has
    ``case_id`` as a column). Nothing is computed until a table is used; the
    groups' results are cached, so the tables share one computation.
    """

    cases: Any
    factors: Any
    unknown: Any
    provenance: Any
    household: Any
    household_events: Any
    gaps: Any
    records: Any
    connected: Any
    to_confirm: Any
    definitions: Definitions
    _ordered: Any = dataclasses.field(repr=False, default=None)

    def to_pandas(self) -> CaseContext:
        """Collect every table into a :class:`~advisory.context.CaseContext` (small data only).

        Rows come back in the order the pandas path gives: cases in the order
        of the ``cases`` table, each case's rows as computed.

        Returns
        -------
        advisory.context.CaseContext
            Equal to :func:`advisory.context.build_context` on the same records.
        """
        out: dict[str, pd.DataFrame] = {}
        try:
            collected = collect(self._ordered)
        except Exception as exc:
            raise_group_error(exc)
            raise
        layout = _output_layout(self.definitions)
        for table, columns in _columns(self.definitions).items():
            rows = collected[collected["_table"] == layout.codes[table]].sort_values(
                ["_case", "_seq"], kind="stable"
            )
            frame = pd.DataFrame(index=pd.RangeIndex(len(rows)))
            for column, kind in columns.items():
                values = rows[layout.columns[table][column]].reset_index(drop=True)
                if kind == _TEXT:
                    frame[column] = pd.array(_text(values).to_numpy(), dtype=_TEXT_DTYPE)
                elif kind == _DAY:
                    frame[column] = values.astype("datetime64[s]")
                else:
                    frame[column] = values.astype(np.float64 if kind == _REAL else np.int64)
            if table == "factors":
                frame = frame.set_index("case_id")
                frame.index = pd.Index(frame.index.astype(object), name="case_id", dtype="str")
                for factor in self.definitions.spec.factors:
                    if factor.is_categorical:
                        frame[factor.name] = pd.Categorical(
                            frame[factor.name].astype(object).where(frame[factor.name].notna()),
                            categories=pd.Index(list(factor.levels)),
                        )
            out[table] = frame
        return CaseContext(**out)

    def write_parquet(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every table as Parquet, ``<folder>/<table>.parquet`` (a folder of parts).

        Rows are in no set order (each is keyed by ``case_id``). Nothing is
        overwritten: a table already there is an error from Spark.

        Parameters
        ----------
        folder : str or os.PathLike
            An existing folder (or one Spark may create).

        Returns
        -------
        list of pathlib.Path
            The tables written, in the order of :class:`~advisory.context.CaseContext`.

        Raises
        ------
        advisory.InputError
            For records a group's checks refuse, naming the group's households.
        """
        written = []
        for table in _TABLES:
            path = Path(folder) / f"{table}.parquet"
            try:
                getattr(self, table).write.parquet(str(path))
            except Exception as exc:
                raise_group_error(exc)
                raise
            written.append(path)
        return written


def context_on_spark(
    data: object,
    definitions: Definitions,
    *,
    lookback_days: int = 365,
    stale_after_days: int = 90,
    n_groups: int | None = None,
    check_all: bool = True,
) -> SparkCaseContext:
    """Compute the point-in-time context of cases from records held as Spark DataFrames.

    Cases are grouped by household; each group gets every record its cases
    can read and runs :func:`advisory.context.index_records` and
    ``RecordIndex.context`` on them in a Python worker (``applyInArrow``):
    one definition of every factor, no second implementation in Spark SQL.
    What only all the records can say (each agency's recording days for the
    "stale source" gap, the first day of each agency's coverage, the
    snapshot date) is computed once over all records and given to every
    group, so the results equal :func:`advisory.context.build_context` on the
    same records.

    Parameters
    ----------
    data : mapping or object
        The six tables of :data:`advisory.context.SCHEMA` as Spark DataFrames
        (attributes or mapping keys), and optionally ``snapshot_date`` and
        ``uncertain_links`` (records to confirm, columns
        :data:`advisory.context.LINK_COLUMNS`: each group gets the links of
        its people, as ``to_confirm``). Ids are text or integers; dates are
        Spark dates or timestamps (parse text with ``to_date(column,
        format)`` first: formats are never guessed).
    definitions : advisory.definitions.Definitions
        The model specification and catalogue.
    lookback_days, stale_after_days : int
        See :func:`advisory.context.index_records`.
    n_groups : int, optional
        Number of household groups (default: one per 20,000 cases, at least
        the session's default parallelism).
    check_all : bool, default=True
        Also refuse, over all rows, ids that refer to unknown people and
        duplicate ids, as :func:`advisory.context.check_records` does (a few
        Spark jobs); each group checks everything else on its own rows.

    Returns
    -------
    SparkCaseContext
        One Spark DataFrame per table of :class:`advisory.context.CaseContext`.

    Raises
    ------
    advisory.InputError
        Before any Spark job, for a missing table or column or a column of the
        wrong type, naming table and column; later, for records the checks
        refuse, naming the households of the group that failed.

    Examples
    --------
    Spark needs a running session and Java 17, so this is not run here
    (``tests/spark/test_spark.py`` runs it in local mode):

    >>> tables = {n: spark.read.parquet(f"records/{n}") for n in SCHEMA}  # doctest: +SKIP
    >>> context = context_on_spark(tables, definitions)  # doctest: +SKIP
    >>> context.factors.write.parquet("context/factors")  # doctest: +SKIP
    """
    if not isinstance(definitions, Definitions):
        raise InputError(
            "The 'definitions' parameter must be an advisory.definitions.Definitions "
            f"(from load_definitions); got {type(definitions).__name__} instead."
        )
    lookback_days = check_int(lookback_days, "lookback_days", _OWNER, minimum=1)
    stale_after_days = check_int(stale_after_days, "stale_after_days", _OWNER, minimum=1)
    if n_groups is not None:
        n_groups = check_int(n_groups, "n_groups", _OWNER, minimum=1)
    records = check_spark_tables(data)
    grouped, layout, summary = prepare(records, n_groups=n_groups, check_all=check_all)
    snapshot_date = records.snapshot_date
    output = _output_layout(definitions)

    def work(tables: dict[str, pd.DataFrame], case_row: dict[str, int]) -> pa.Table:
        index = group_index(
            tables,
            definitions,
            summary,
            snapshot_date=snapshot_date,
            lookback_days=lookback_days,
            stale_after_days=stale_after_days,
        )
        return _flatten(index.context(), case_row, output)

    def compute(batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        return pa.concat_tables(run_groups(iter([batch]), layout, work))

    result = grouped.groupBy("_group").applyInArrow(compute, schema=output.schema(_KEYS))
    result = result.persist()
    col = spark_sql().functions.col
    tables = {
        table: result.where(col("_table") == output.codes[table]).select(
            *[col(slot).alias(c) for c, slot in columns.items()]
        )
        for table, columns in output.columns.items()
    }
    return SparkCaseContext(**tables, definitions=definitions, _ordered=result)


def prepare(
    records: SparkRecords, *, n_groups: int | None, check_all: bool
) -> tuple[Any, Layout, RecordsSummary]:
    """Check references, summarise all the records and group them (narrow, see Layout)."""
    if check_all:
        check_references(records)
    summary = summarize(records)
    if n_groups is None:
        session = records.tables["cases"].sparkSession
        n_cases = records.tables["cases"].count()
        n_groups = max(
            int(session.sparkContext.defaultParallelism), math.ceil(n_cases / CASES_PER_GROUP)
        )
    grouped, layout = group_records(records, n_groups)
    return grouped, layout, summary
