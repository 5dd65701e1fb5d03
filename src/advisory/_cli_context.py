"""``advisory context``: case context from a records folder, on one machine or on Spark."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from advisory._cli_options import add_date_format, add_force
from advisory._errors import InputError
from advisory._files import atomic_folder, check_output
from advisory._optional import require_extras

__all__ = ["add_commands", "spark_settings"]


def add_commands(commands: Any) -> None:
    """Add the ``context`` command to the command line's sub-commands."""
    command = commands.add_parser(
        "context",
        help="build every case's context from a records folder (pandas or Spark)",
        description=(
            "Build the point-in-time context of every case in a records folder (factors, "
            "provenance, household, gaps, ...) and write each table as Parquet "
            "(<table>.parquet) into --out. With --engine spark the records are read and the "
            "context computed by Spark (grouped by household, each group by the library's "
            "own code); each table is then a folder of Parquet parts, rows in no set order."
        ),
    )
    command.add_argument("--records", required=True, help="folder of record tables")
    command.add_argument("--out", required=True, help="folder to write the context tables into")
    add_force(command)
    add_date_format(command)
    command.add_argument(
        "--definitions", help="folder with models/, explain/, fairness/ (default: reference)"
    )
    command.add_argument(
        "--engine",
        choices=("pandas", "spark"),
        default="pandas",
        help="pandas: on this machine (default); spark: on a Spark session",
    )
    command.add_argument(
        "--master",
        default="local[*]",
        help="Spark master when no session is running (default: local[*], this machine)",
    )
    command.add_argument(
        "--spark-conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting for this command, e.g. spark.driver.memory=8g or "
        "spark.sql.shuffle.partitions=64 (repeatable; Spark's own spark-defaults.conf and "
        "PYSPARK_SUBMIT_ARGS apply too). When the command starts its session every setting "
        "applies; in a running session only those Spark can change at run time, restored "
        "after the command",
    )
    command.set_defaults(run=_context)


def spark_settings(pairs: list[str]) -> dict[str, str]:
    """Read ``--spark-conf KEY=VALUE`` options into a dict of Spark settings.

    Parameters
    ----------
    pairs : list of str
        The options' values, each ``KEY=VALUE``; the key is a Spark setting
        (``spark.*``); the value is everything after the first ``=``.

    Returns
    -------
    dict of str to str
        Each key's value, in the order given (a later repeat of a key wins).

    Raises
    ------
    InputError
        When a value has no ``=``, an empty key or value, or a key that does
        not start with ``spark.``.

    Examples
    --------
    >>> spark_settings(["spark.driver.memory=8g", "spark.sql.shuffle.partitions=64"])
    {'spark.driver.memory': '8g', 'spark.sql.shuffle.partitions': '64'}
    """
    settings: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not key.startswith("spark.") or key == "spark." or not value:
            raise InputError(
                f"--spark-conf must be KEY=VALUE with a Spark setting as the key, e.g. "
                f"spark.driver.memory=8g; got {pair!r}."
            )
        settings[key] = value
    return settings


def _definitions(folder: str | None) -> Any:
    from advisory.definitions import load_definitions, reference_root

    return load_definitions(Path(folder) if folder else reference_root())


@contextlib.contextmanager
def _session(master: str, settings: dict[str, str]) -> Iterator[Any]:
    """Yield the active Spark session, or a new one on ``master`` stopped at the end.

    A new session gets every one of ``settings``; the active session only those
    Spark can change at run time (others are refused before anything runs), and
    gets its own values back at the end.
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        fixed = [key for key in settings if not active.conf.isModifiable(key)]
        if fixed:
            raise InputError(
                f"--spark-conf {', '.join(fixed)}: the running Spark session was started "
                "with its own value and Spark cannot change it now; set it where that "
                "session is made (spark-defaults.conf, the builder, PYSPARK_SUBMIT_ARGS)."
            )
        before = {key: active.conf.get(key, None) for key in settings}
        for key, value in settings.items():
            active.conf.set(key, value)
        try:
            yield active
        finally:
            for key, old in before.items():
                if old is None:
                    active.conf.unset(key)
                else:
                    active.conf.set(key, old)
        return
    # the Python workers run this interpreter, where advisory is installed
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("advisory context")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
    )
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def _clear(folder: Path, names: list[str]) -> None:
    """Remove the tables about to be replaced (a Spark table is a folder of parts)."""
    for name in names:
        path = folder / f"{name}.parquet"
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _context(args: argparse.Namespace) -> int:
    from advisory.context import CaseContext

    out = check_output(
        args.out, inputs=[args.records], kind="folder", force=args.force, what="output folder"
    )
    names = [f.name for f in dataclasses.fields(CaseContext)]
    settings = spark_settings(args.spark_conf)
    if settings and args.engine != "spark":
        raise InputError("--spark-conf applies to --engine spark only.")
    definitions = _definitions(args.definitions)
    if args.engine == "pandas":
        require_extras("parquet", feature="advisory context (Parquet output)")
        from advisory.context import build_context, read_records

        context = build_context(
            read_records(args.records, date_format=args.date_format), definitions
        )
        with atomic_folder(out, force=args.force) as folder:
            for name in names:
                table = getattr(context, name)
                table = table.reset_index() if name == "factors" else table
                table.to_parquet(folder / f"{name}.parquet", index=False)
            if args.force:
                _clear(out, names)
        print(context.summary())
        return 0
    require_extras("spark", feature="advisory context --engine spark")
    from advisory.spark import context_on_spark, read_records_on_spark

    with _session(args.master, settings) as spark:
        tables = read_records_on_spark(args.records, spark=spark, date_format=args.date_format)
        on_spark = context_on_spark(tables, definitions)
        with atomic_folder(out, force=args.force) as folder:
            on_spark.write_parquet(folder)
            for part in [*folder.rglob("*.crc"), *folder.rglob("_SUCCESS")]:
                part.unlink()  # Hadoop's checksums and marker: the folder gets its own marker
            if args.force:
                _clear(out, names)
    print(f"Context of the records in {args.records} written to {out} (Spark, {args.master}).")
    return 0
