"""Case context on Spark local mode against the single-machine path, on the same records.

Peer: ``advisory.context.build_context`` in one process. Both are wall-clock
times measured back to back in the same run (the Spark work happens in the JVM
and in Python worker processes, so the driver's CPU time would hide it). The
Spark figure includes the records-wide checks (duplicate ids, unknown people),
the records-wide facts and collecting every table; it excludes starting the
session and moving the pandas tables into Spark.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

from benchmarks._table import Row


def run(quick: bool = False) -> list[Row]:
    import pyarrow as pa

    from advisory.context import SCHEMA, build_context
    from advisory.datasets import make_multiagency
    from advisory.definitions import load_definitions, reference_root
    from advisory.spark import context_on_spark

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    definitions = load_definitions(reference_root())
    rows = []
    for n_cases in (2_000,) if quick else (2_000, 20_000):
        data = make_multiagency(n_cases=n_cases, seed=0)
        frames = {
            name: spark.createDataFrame(
                pa.Table.from_pandas(getattr(data, name), preserve_index=False)
            )
            for name in SCHEMA
        }
        for frame in frames.values():
            frame.cache().count()
        start = time.perf_counter()
        build_context(data, definitions)
        single = time.perf_counter() - start
        start = time.perf_counter()
        context_on_spark({**frames, "snapshot_date": data.snapshot_date}, definitions).to_pandas()
        on_spark = time.perf_counter() - start
        rows.append(
            Row(
                f"context of {n_cases:,} cases on Spark local[2] (wall)",
                on_spark,
                "s",
                peer="build_context in one process (wall)",
                peer_value=single,
            )
        )
    spark.stop()
    return rows
