"""Record tables read by Spark from a folder of Parquet or CSV files."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Final

from advisory._dates import check_date_format
from advisory._errors import InputError
from advisory.context import SCHEMA, read_snapshot_date
from advisory.spark._tables import DATE_COLUMNS, LINKS, spark_sql

__all__ = ["read_records_on_spark", "spark_date_pattern"]

_OWNER: Final = "read_records_on_spark"
_SUFFIXES: Final = (".parquet", ".csv", ".csv.gz")
# strftime codes and the Spark (Java) datetime pattern letters they stand for
_CODES: Final = {
    "Y": "yyyy",
    "m": "MM",
    "d": "dd",
    "H": "HH",
    "M": "mm",
    "S": "ss",
    "b": "MMM",
    "B": "MMMM",
    "%": "%",
}


def spark_date_pattern(date_format: str) -> str:
    """Return the Spark datetime pattern of a strftime format.

    Only the codes of dates and times of day are known (``%Y %m %d %H %M %S
    %b %B``); any other is refused rather than read another way. Other
    characters are kept as literal text.

    Examples
    --------
    >>> spark_date_pattern("%d/%m/%Y")
    'dd/MM/yyyy'
    >>> spark_date_pattern("%Y-%m-%dT%H:%M")
    "yyyy-MM-dd'T'HH:mm"
    """
    out: list[str] = []
    for literal, code in re.findall(r"([^%]*)(?:%(.)|$)", date_format):
        if literal:
            out.append("".join(f"'{c}'" if c.isalpha() or c == "'" else c for c in literal))
        if code:
            if code not in _CODES:
                raise InputError(
                    f"The date format {date_format!r} has %{code}, which reading records on "
                    f"Spark does not know; use only {' '.join('%' + c for c in _CODES)}."
                )
            out.append(_CODES[code])
    return "".join(out)


def _file(root: Path, name: str) -> Path:
    for suffix in _SUFFIXES:
        if (root / f"{name}{suffix}").exists():
            return root / f"{name}{suffix}"
    raise InputError(
        f"The records folder {root} has no {name!r} table; expected {name}.parquet (a file "
        f"or Spark's folder of parts), {name}.csv or {name}.csv.gz."
    )


def read_records_on_spark(
    folder: str | os.PathLike[str], *, spark: Any = None, date_format: str | None = None
) -> dict[str, Any]:
    """Read the six record tables (and ``uncertain_links``) from a folder as Spark DataFrames.

    Each table is ``<name>.parquet`` (one file, or a folder of parts as Spark
    writes them), ``<name>.csv`` or ``<name>.csv.gz``, as for
    :func:`advisory.context.read_records`; the extract date comes from
    :func:`advisory.context.read_snapshot_date`. CSV columns are read as
    text; their dates are parsed as ISO 8601 or in ``date_format``, never
    guessed (Spark's ANSI mode makes a date that does not parse an error).
    The optional ``uncertain_links`` table (records to confirm, written by
    ``advisory link``) is read when the folder has one.

    Parameters
    ----------
    folder : str or os.PathLike
        The records folder.
    spark : pyspark.sql.SparkSession, optional
        The session (default: the active one).
    date_format : str, optional
        The strftime format of dates in CSV files, such as ``"%d/%m/%Y"``.

    Returns
    -------
    dict
        The tables by name, and ``snapshot_date`` when the folder records
        one, ready for :func:`advisory.spark.context_on_spark`.

    Raises
    ------
    advisory.InputError
        If the folder or a table is missing, or for a date format Spark
        cannot follow.

    Examples
    --------
    Not run here (it needs a Spark session; ``tests/spark`` runs it):

    >>> tables = read_records_on_spark("records/")  # doctest: +SKIP
    """
    sql = spark_sql()
    date_format = check_date_format(date_format, _OWNER)
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"The records folder {root} does not exist.")
    session = spark if spark is not None else sql.SparkSession.getActiveSession()
    if session is None:
        raise InputError(
            "No active Spark session; start one (SparkSession.builder.getOrCreate()) or pass "
            "spark=."
        )
    functions = sql.functions
    tables: dict[str, Any] = {}
    links = any((root / f"{LINKS}{suffix}").exists() for suffix in _SUFFIXES)
    for name in (*SCHEMA, LINKS) if links else SCHEMA:
        path = _file(root, name)
        if path.name.endswith(".parquet"):
            tables[name] = session.read.parquet(str(path))
            continue
        table = session.read.csv(str(path), header=True, inferSchema=False)
        for column in DATE_COLUMNS.get(name, ()):
            if column in table.columns:
                value = functions.col(f"`{column}`")
                parsed = (
                    value.cast("timestamp_ntz")
                    if date_format is None
                    else functions.to_timestamp_ntz(
                        value, functions.lit(spark_date_pattern(date_format))
                    )
                )
                table = table.withColumn(column, parsed)
        tables[name] = table
    snapshot = read_snapshot_date(root)
    if snapshot is not None:
        tables["snapshot_date"] = snapshot
    return tables
