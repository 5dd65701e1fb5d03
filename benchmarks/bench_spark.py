"""``advisory context`` on Spark local mode against the single machine, on the same records.

Peer: the same command with ``--engine pandas`` (read the records folder,
``build_context``, write every table as Parquet), run back to back on the
same Parquet records. Both are wall-clock times of the whole command: the
Spark work happens in the JVM and in Python worker processes, so the driver's
CPU time would hide it. The Spark figure includes starting the session,
reading the records, the records-wide checks (duplicate ids, unknown people)
and facts, grouping by household, and writing every table. Peak memory is
the largest resident size of this process and all its children together
(the JVM and Spark's Python workers), sampled every half second.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

from benchmarks._table import Row


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every process below it."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parent[int(entry.name)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total = 0
    for pid in rss:
        up = pid
        while up and up != root:
            up = parent.get(up, 0)
        if up == root:
            total += rss[pid]
    return total


@contextlib.contextmanager
def _peak_memory() -> Iterator[list[int]]:
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(os.getpid()))
            done.wait(0.5)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


def _records(n_cases: int, folder: Path) -> Path:
    from advisory.context import SCHEMA
    from advisory.datasets import make_multiagency

    data = make_multiagency(n_cases=n_cases, seed=0)
    for name in SCHEMA:
        getattr(data, name).to_parquet(folder / f"{name}.parquet")
    return folder


def run(quick: bool = False, sizes: tuple[int, ...] | None = None) -> list[Row]:
    from advisory.cli import main

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
    rows = []
    for n_cases in sizes or ((2_000,) if quick else (20_000,)):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "records").mkdir()
            records = _records(n_cases, Path(tmp) / "records")
            measured = {}
            for engine in ("pandas", "spark"):
                argv = ["-q", "context", "--records", str(records), "--out"]
                argv += [str(Path(tmp) / f"out-{engine}"), "--engine", engine]
                argv += ["--master", "local[2]"]
                with _peak_memory() as peak:
                    start = time.perf_counter()
                    if main(argv) != 0:
                        raise RuntimeError(f"advisory context --engine {engine} failed")
                    measured[engine] = (time.perf_counter() - start, peak[0] / 2**30)
        (spark_s, spark_gib), (pandas_s, pandas_gib) = measured["spark"], measured["pandas"]
        rows.append(
            Row(
                f"advisory context, {n_cases:,} cases, Spark local[2] (wall)",
                spark_s,
                "s",
                peer="the same command, --engine pandas (wall)",
                peer_value=pandas_s,
            )
        )
        rows.append(Row("  peak memory, Spark (JVM, workers, driver)", spark_gib, "GiB"))
        rows.append(Row("  peak memory, pandas", pandas_gib, "GiB"))
    return rows


if __name__ == "__main__":  # python -m benchmarks.bench_spark 20000 50000
    for row in run(sizes=tuple(int(a) for a in sys.argv[1:]) or None):
        print(row)
