"""Spark record tables: checked on the driver, then grouped so each group is self-contained.

Each case goes to one group, chosen by the child's household (the first of
the child's households by id), so a household's cases travel together. A
group receives every record its cases can read: the people who ever shared a
household with a case's child, the people related to them, and their
memberships, relationships, events and coverage. Rows needed by several
groups are copied to each. Every row keeps its position in its table
(``_row``), so each group rebuilds its tables in the records' own order and the
pandas code gives exactly what it gives on the whole records.

What a group cannot see from its own rows -- the days on which each agency
recorded anything for anyone (the "stale source" gap), the first day each
agency's coverage starts, and the records' snapshot date -- is computed over
all the records here and handed to every group as the context layer's own
:class:`advisory.context.RecordsSummary` (:func:`summarize`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from advisory._errors import InputError
from advisory.context import LINK_COLUMNS, SCHEMA, RecordsSummary

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "DATE_COLUMNS",
    "ID_COLUMNS",
    "Layout",
    "SparkRecords",
    "check_spark_tables",
    "group_records",
    "summarize",
]

#: Columns holding person, household, event or case ids (text or integers).
ID_COLUMNS: Final = ("person_id", "other_id", "household_id", "event_id", "case_id")
#: Date columns of each table: Spark dates or timestamps, never text.
DATE_COLUMNS: Final = {
    "people": ("birth_date",),
    "memberships": ("start_date", "end_date"),
    "events": ("date",),
    "coverage": ("start_date", "end_date"),
    "cases": ("reference_date",),
}
_TEXT_COLUMNS: Final = {"agency", "event_type", "status", "relationship"}
_FEW: Final = 5
_STATUS_OK: Final = ("available", "not_applicable")
#: The optional table of agency records to confirm (issue 13), and its columns.
LINKS: Final = "uncertain_links"
_COLUMNS: Final = {**SCHEMA, LINKS: LINK_COLUMNS}


def spark_sql() -> Any:
    from advisory._optional import import_optional

    return import_optional("pyspark.sql", "spark", "Building context on Spark")


@dataclass(frozen=True)
class SparkRecords:
    """The six tables as Spark DataFrames, checked, with ids as text and dates as timestamps."""

    tables: dict[str, Any]
    snapshot_date: dt.date | None


def _spark_tables(data: object) -> dict[str, Any]:
    sql = spark_sql()
    tables: dict[str, Any] = {}
    for name in (*SCHEMA, LINKS):
        table = data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)
        if table is None and name == LINKS:
            continue
        if table is None:
            raise InputError(
                f"The records have no {name!r} table; expected the Spark DataFrames {list(SCHEMA)} "
                "(as attributes or mapping keys). See advisory.context.SCHEMA for their columns."
            )
        if not isinstance(table, sql.DataFrame):
            raise InputError(
                f"The {name!r} table must be a Spark DataFrame (pyspark.sql.DataFrame); "
                f"got {type(table).__name__} instead."
            )
        tables[name] = table
    return tables


def _kind(data_type: Any) -> str:
    types = spark_sql().types
    if isinstance(data_type, types.StringType):
        return "text"
    if isinstance(data_type, types.IntegralType):
        return "integer"
    if isinstance(data_type, types.DateType | types.TimestampType | types.TimestampNTZType):
        return "date"
    return data_type.simpleString()  # type: ignore[no-any-return]


def check_spark_tables(data: object) -> SparkRecords:
    """Check the Spark tables' columns and types on the driver, before any Spark job.

    Ids may be text or integers (integers become their decimal text, as
    :func:`advisory.context.check_records` reads them); dates must be Spark
    dates or timestamps: text dates are refused, because their format is
    never guessed (parse them first with ``to_date(column, format)``).

    Raises
    ------
    advisory.InputError
        Naming the table, the column, the type expected and the type found.
    """
    functions = spark_sql().functions
    tables = _spark_tables(data)
    checked: dict[str, Any] = {}
    for name, table in tables.items():
        types = {field.name: field.dataType for field in table.schema.fields}
        missing = [c for c in _COLUMNS[name] if c not in types]
        if missing:
            raise InputError(
                f"The {name!r} table has no column {missing[0]!r}; expected columns "
                f"{list(_COLUMNS[name])}, found {list(types)}. Rename or add the column."
            )
        if name == LINKS:  # only its own columns, as check_records keeps them
            types = {column: types[column] for column in LINK_COLUMNS}
        columns = []
        for column, data_type in types.items():
            kind = _kind(data_type)
            value = functions.col(f"`{column}`")
            if name == LINKS and column in LINK_COLUMNS:
                if kind not in ("text", "integer"):
                    raise InputError(
                        f"The {name!r} table's {column!r} column must be text (or integer "
                        f"ids); found Spark type {data_type.simpleString()}."
                    )
                value = value.cast("string")
            elif column in ID_COLUMNS and column in _COLUMNS[name]:
                if kind not in ("text", "integer"):
                    raise InputError(
                        f"The {name!r} table's {column!r} column must hold ids as text or "
                        f"integers; found Spark type {data_type.simpleString()}."
                    )
                value = value.cast("string")
            elif column in DATE_COLUMNS.get(name, ()):
                if kind != "date":
                    raise InputError(
                        f"The {name!r} table's {column!r} column must be a Spark date or "
                        f"timestamp; found {data_type.simpleString()}. Dates are never guessed: "
                        f"parse text with to_date({column!r}, format) first, naming its format."
                    )
                value = value.cast("timestamp_ntz")
            elif column in _TEXT_COLUMNS and column in _COLUMNS[name] and kind != "text":
                raise InputError(
                    f"The {name!r} table's {column!r} column must be text; found Spark type "
                    f"{data_type.simpleString()}."
                )
            columns.append(value.alias(column))
        checked[name] = table.select(*columns)
    snapshot = data.get("snapshot_date") if isinstance(data, Mapping) else None
    snapshot = getattr(data, "snapshot_date", snapshot)
    return SparkRecords(
        tables=checked,
        snapshot_date=None
        if snapshot is None or pd.isna(snapshot)
        else pd.Timestamp(snapshot).date(),
    )


def collect(frame: Any) -> pd.DataFrame:
    """Collect a (small) Spark DataFrame into pandas through Arrow.

    pyspark's own ``toPandas`` uses pandas features that pandas 3.1 deprecates.
    """
    table: pd.DataFrame = frame.toArrow().to_pandas()
    return table


def _few(values: list[Any]) -> str:
    shown = ", ".join(repr(v) for v in values[:_FEW])
    return shown + (" ..." if len(values) > _FEW else "")


def check_references(records: SparkRecords) -> None:
    """Refuse ids that refer to unknown people and duplicate ids, over all rows (Spark jobs).

    A group only reads the rows its cases need; these checks make sure a
    record no case reads is held to the same rules as in
    :func:`advisory.context.check_records`.

    Raises
    ------
    advisory.InputError
        Naming the table, the column and a few of the offending ids.
    """
    functions = spark_sql().functions
    tables = records.tables
    people = tables["people"].select("person_id")
    for name, column in (("people", "person_id"), ("events", "event_id"), ("cases", "case_id")):
        duplicated = (
            tables[name].groupBy(column).count().where("count > 1").select(column).limit(_FEW + 1)
        )
        found = [row[0] for row in duplicated.collect()]
        if found:
            raise InputError(
                f"The {name!r} table's {column!r} column must be unique; {_few(found)} appear "
                "more than once. Remove or merge the duplicates."
            )
    for name, column in (
        ("memberships", "person_id"),
        ("relationships", "person_id"),
        ("relationships", "other_id"),
        ("events", "person_id"),
        ("coverage", "person_id"),
        ("cases", "person_id"),
        (LINKS, "person_id"),
    ):
        if name not in tables:
            continue
        ids = tables[name].select(functions.col(column).alias("person_id"))
        unknown = ids.join(people, "person_id", "left_anti").distinct().limit(_FEW + 1)
        found = [row[0] for row in unknown.collect()]
        if found:
            raise InputError(
                f"The {name!r} table's {column!r} column refers to people not in the 'people' "
                f"table: {_few(found)}. Add them to 'people' or correct the ids."
            )


def summarize(records: SparkRecords) -> RecordsSummary:
    """Summarise what every group needs from all the records (three small Spark jobs)."""
    functions = spark_sql().functions
    events = records.tables["events"]
    days = (
        events.where(functions.col("date").isNotNull())
        .select("agency", functions.to_date("date").alias("day"))
        .distinct()
        .toArrow()
        .to_pandas()
    )
    agency_days = {
        str(agency): group["day"].to_numpy(dtype="datetime64[D]")
        for agency, group in days.groupby("agency", sort=True)
    }
    coverage = records.tables["coverage"]
    first = (
        coverage.where(functions.col("status").isin(*_STATUS_OK))
        .groupBy("agency")
        .agg(functions.min(functions.to_date("start_date")).alias("first"))
        .toArrow()
        .to_pandas()
    )
    snapshot = records.snapshot_date
    if snapshot is None:
        latest = records.tables["cases"].agg(functions.max("reference_date")).collect()[0][0]
        snapshot = pd.Timestamp(latest).date() if latest is not None else dt.date(1970, 1, 1)
    return RecordsSummary(
        agency_days=agency_days,
        coverage_start={
            str(a): pd.Timestamp(f).date()
            for a, f in zip(first["agency"], first["first"], strict=True)
        },
        snapshot_date=snapshot,
    )


@dataclass(frozen=True)
class Layout:
    """Where each table's columns travel in one narrow Spark frame.

    Tables share typed slots (``_c<type>_<i>``): a table's ``i``-th column of
    a Spark type goes in that type's ``i``-th slot. So a row carries as many
    columns as the widest table has, not every table's columns, and each
    table is rebuilt from its own slots (:meth:`unpack`).
    """

    slots: dict[str, str]
    """Slot name -> Spark type (DDL), in frame order."""
    columns: dict[str, dict[str, str]]
    """Table -> {column: slot}, in the table's column order."""

    @classmethod
    def of(cls, schemas: Mapping[str, Mapping[str, str]]) -> Layout:
        """Lay out tables given as ``{table: {column: Spark type (DDL)}}``."""
        kinds: dict[str, int] = {}
        slots: dict[str, str] = {}
        columns: dict[str, dict[str, str]] = {}
        for table, fields in schemas.items():
            used: dict[str, int] = {}
            columns[table] = {}
            for column, data_type in fields.items():
                kind = kinds.setdefault(data_type, len(kinds))
                slot = f"_c{kind}_{used.get(data_type, 0)}"
                used[data_type] = used.get(data_type, 0) + 1
                slots.setdefault(slot, data_type)
                columns[table][column] = slot
        return cls(slots=slots, columns=columns)

    @property
    def codes(self) -> dict[str, int]:
        """Each table's code in the ``_table`` column."""
        return {table: code for code, table in enumerate(self.columns)}

    def pack(self, frames: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
        """One Spark frame: ``keys``, ``_table`` (the table's code) and the slots."""
        functions = spark_sql().functions
        parts = []
        for table, frame in frames.items():
            mine = {slot: column for column, slot in self.columns[table].items()}
            parts.append(
                frame.select(
                    *keys,
                    functions.lit(self.codes[table]).cast("int").alias("_table"),
                    *[
                        functions.col(f"`{mine[slot]}`").alias(slot)
                        if slot in mine
                        else functions.lit(None).cast(data_type).alias(slot)
                        for slot, data_type in self.slots.items()
                    ],
                )
            )
        packed = parts[0]
        for part in parts[1:]:
            packed = packed.unionByName(part)
        return packed

    def schema(self, keys: str) -> str:
        """Return the packed frame's Spark schema (DDL), after the ``keys`` (DDL)."""
        slots = ", ".join(f"{slot} {data_type}" for slot, data_type in self.slots.items())
        return f"{keys}, _table int, {slots}"

    def unpack(self, batch: pa.Table, table: str, *, keys: tuple[str, ...] = ()) -> pa.Table:
        """Return one table's rows from a packed Arrow table, with its own column names."""
        import pyarrow.compute as pc

        rows = batch.filter(pc.equal(batch.column("_table"), self.codes[table]))
        columns = self.columns[table]
        return rows.select([*keys, *columns.values()]).rename_columns([*keys, *columns])


def _ddl(frame: Any) -> dict[str, str]:
    return {field.name: field.dataType.simpleString() for field in frame.schema.fields}


def record_layout(records: SparkRecords) -> Layout:
    """Return the layout of the record tables (each with its own columns, ids as text)."""
    return Layout.of({name: _ddl(table) for name, table in records.tables.items()})


def _labels(frame: Any, n_groups: int) -> list[int]:
    """One label per group such that Spark puts group ``g``'s rows in partition ``g``.

    ``repartition(n, "_group")`` sends a row to partition ``hash(_group) mod n``.
    Groups labelled ``0 .. n-1`` would share partitions and leave others idle
    (with two groups, both land in one partition: one core works), so each
    group gets the first small integer that Spark's own hash sends to its
    partition (one tiny job).
    """
    functions = spark_sql().functions
    value = functions.col("id").cast("int")
    part = functions.pmod(functions.hash(value), functions.lit(n_groups))
    found = (
        frame.sparkSession.range(0, 64 * n_groups)
        .select(value.alias("label"), part.alias("part"))
        .groupBy("part")
        .agg(functions.min("label").alias("label"))
        .collect()
    )
    by_part = {int(row["part"]): int(row["label"]) for row in found}
    return [by_part.get(group, group) for group in range(n_groups)]


def group_records(records: SparkRecords, n_groups: int) -> tuple[Any, Layout]:
    """One narrow Spark DataFrame holding every group's rows of every record table.

    Columns: ``_group`` (the group), ``_row`` (the row's position in its
    table), ``_table`` (which table) and the tables' columns in the
    :class:`Layout`'s typed slots, partitioned by group. Which people each
    group needs is worked out once and cached (a small table of group and
    person), so each table is joined to it once.
    """
    functions = spark_sql().functions
    col = functions.col
    tables = {
        name: table.withColumn("_row", functions.monotonically_increasing_id())
        for name, table in records.tables.items()
    }
    cases, memberships = records.tables["cases"], records.tables["memberships"]
    relationships = records.tables["relationships"]
    child_households = cases.select("case_id", col("person_id").alias("child")).join(
        memberships.select(col("person_id").alias("child"), "household_id"), "child", "left"
    )
    group_of_case = child_households.groupBy("case_id", "child").agg(
        functions.min("household_id").alias("household_id")
    )
    key = functions.coalesce(
        col("household_id"), functions.concat(functions.lit("|"), col("child"))
    )
    number = functions.pmod(functions.hash(key), functions.lit(n_groups))
    labels = functions.array(*[functions.lit(label) for label in _labels(cases, n_groups)])
    group_of_case = group_of_case.select("case_id", "child", labels[number].alias("_group"))
    # cached with few partitions: a cached plan keeps its shuffle's partition count
    # (spark.sql.shuffle.partitions, 200 by default), and every later scan of it runs that
    # many tasks, each deserialising the plan
    group_of_case = group_of_case.coalesce(n_groups).persist()
    group_of_case.count()
    households = (
        child_households.join(group_of_case.select("case_id", "_group"), "case_id")
        .where(col("household_id").isNotNull())
        .select("_group", "household_id")
        .distinct()
    )
    members = households.join(memberships.select("household_id", "person_id"), "household_id")
    # used three times below (itself and both ends of the relationships): cached until
    # ``needed`` is, so its joins and distincts run once rather than once per use
    household_people = (
        members.select("_group", "person_id")
        .union(group_of_case.select("_group", col("child").alias("person_id")))
        .distinct()
        .coalesce(n_groups)
        .persist()
    )
    household_people.count()
    related = household_people.join(
        relationships.select("person_id", col("other_id").alias("related")), "person_id"
    ).select("_group", col("related").alias("person_id"))
    related_back = household_people.join(
        relationships.select(col("other_id").alias("person_id"), col("person_id").alias("related")),
        "person_id",
    ).select("_group", col("related").alias("person_id"))
    needed = household_people.union(related).union(related_back).distinct()
    needed = needed.coalesce(n_groups).persist()
    needed.count()
    household_people.unpersist()

    parts = {"cases": tables["cases"].join(group_of_case.select("case_id", "_group"), "case_id")}
    for name in tables:
        if name == "relationships":
            parts[name] = (
                tables[name]
                .join(needed, "person_id")
                .join(
                    needed.select("_group", col("person_id").alias("other_id")),
                    ["_group", "other_id"],
                )
            )
        elif name != "cases":
            parts[name] = tables[name].join(needed, "person_id")
    layout = record_layout(records)
    packed = layout.pack({name: parts[name] for name in tables}, ("_group", "_row"))
    return packed.repartition(n_groups, "_group"), layout


def split_group(batch: pa.Table, layout: Layout) -> dict[str, pd.DataFrame]:
    """Return the tables of one group, each in its records' order with its own columns."""
    tables: dict[str, pd.DataFrame] = {}
    for name in layout.columns:
        rows = layout.unpack(batch, name, keys=("_row",)).sort_by("_row")
        tables[name] = rows.drop_columns(["_row"]).to_pandas()
    return tables
