"""``advisory context`` on Spark local mode against the single machine, on the same records.

Peer: the same command with ``--engine pandas`` (read the records folder,
``build_context``, write every table as Parquet), run back to back on the
same Parquet records. Both are wall-clock times of the whole command: the
Spark work happens in the JVM and in Python worker processes, so the driver's
CPU time would hide it. The Spark figure includes starting the session,
reading the records, the records-wide checks (duplicate ids, unknown people)
and facts, grouping by household, and writing every table. Peak memory is
the largest resident size of this process and all its children together
(the JVM and Spark's Python workers), sampled every half second. Each command
runs in its own process (``python -m advisory context ...``), so a peak is that
command's own; ``--max-gib`` stops a command whose processes hold more (a shared
machine must not run out of memory).

Large sizes: ``python -m benchmarks.bench_spark 1000000 --records /tmp/bench
--engine spark --spark-conf spark.driver.memory=8g --max-gib 17`` (the records
are written once into ``/tmp/bench/records-1000000`` and reused; local mode
runs every shuffle in one JVM, whose default 1 GB heap is too small at scale).

Measured on the 2-core, 23 GiB machine (Java 17, pyspark 4, local[2],
``spark.driver.memory=8g``, ``nice -n 10``, load 2-5 from other work), one
run each, 2026-12-08:

=========  ====================  ==============  ==================  ================
cases      Spark wall            Spark peak      pandas wall         pandas peak
=========  ====================  ==============  ==================  ================
100,000    176.1 s (1.76 ms/c)   10.8 GiB        14.1 s (141 us/c)   2.00 GiB
300,000    (see below)                           57.3 s (191 us/c)   6.10 GiB
1,000,000  1,136.7 s (1.14 ms/c) 11.2 GiB        stopped at 17 GiB   ~20 GiB needed
=========  ====================  ==============  ==================  ================

- Spark's memory does not grow with cases (the heap is set, the rest spills:
  up to 8.5 GB of shuffle and spill files in ``spark.local.dir`` at 1M); pandas
  holds every table and grows ~20 KB per case (2.00 -> 6.10 GiB from 100k to
  300k), so at 1M it needs ~20 GiB: it was stopped by ``--max-gib 17`` after
  131 s (it would take ~190 s). Generating the 1M records
  (``make_multiagency``: 78.4M rows, 506 MB Parquet) took 149 s and 21 GiB.
- Spark at 1M: ~820 s reading, checking and grouping (the Python workers
  start after 13.7 min), ~315 s for the groups and the ten writes. Marginal
  cost 100k -> 1M: 1.07 ms of wall per case on 2 cores (2.1 core-ms); the
  intercept (~70 s) is the fixed part: session, ~134 Spark jobs' planning
  and scheduling.
- A 300k Spark run with the event log on (for the stage figures) was stopped
  by ``--max-gib 17`` at 441 s, while writing (tree RSS 18.9 GiB: the sum
  counts pages the forked Python workers share more than once, so it is an
  upper bound). Its log, up to then: 134 jobs, 133 stages, 975 tasks;
  1.73 GB shuffled (5.8 KB per case); the group exchange 620 MB (23.0M rows,
  2.1 KB per case); the groups stage 15 tasks (one per group of 20,000
  cases), 221 s of task time (0.74 ms per case: the factor work in Python,
  Arrow both ways and the first table's write).

After these runs the grouping caches its (group, household person) table
until the needed people are (it was computed three times, once per use):
20,000 cases, one run each at load 3-5 with the event log on: 134 -> 73
Spark jobs, 237 -> 115 tasks, 32.9 -> 18.9 s of task CPU, 114.8 -> 70.9 s
wall. At 100,000 cases the wall did not show it (166.3 s after, 152.2 s
before, back to back at load 3-4: within the load's noise).
At 1M (load 4-8, a CI run with Spark tests alongside) the groups stage
started 7.0 min in (13.7 before); the run was then stopped by
``--max-gib 17`` at 876 s, in the writes, at a tree sum of 19.1 GiB while
the whole machine's used memory never passed 14.7 GB (30 s samples): the
tree sum overcounts pages the forked workers share, so ``--max-gib`` is
conservative. No completed 1M time after the change.

Expected on a cluster of E executors with C cores each (reasoned from the
figures above, not measured): wall ~ 70 s + 2.1 core-ms x cases / (E x C).
The fixed 70 s is the driver's (planning and scheduling ~134 jobs; it does
not shrink with executors). The per-case part is tasks: shuffles spread over
``spark.sql.shuffle.partitions`` (200) and the groups over
max(cores, cases / 20,000) groups, one partition each -- 50 at 1M, so the
groups stage stops gaining past 50 cores (one group ~15 s of task time).
The network carries ~5.8 KB per case (5.8 GB at 1M; ~5 s over ten 1 Gbit/s
executors): CPU, not shuffle volume, sets the time. So 1M on 4 x 4 cores
~3.4 min, on 10 x 4 ~2 min; 3M cases (five years of England's referrals)
on 10 x 4 ~4 min; each core holds one group (~0.6 GiB in Python at 20,000
cases) plus Spark's buffers.
The core-ms were measured on 2 cores shared with other work (load 2-5), so
they are on the high side for dedicated cores.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
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


def records(n_cases: int, folder: Path) -> Path:
    """``make_multiagency(n_cases, seed=0)``'s tables as Parquet in ``folder``, written once.

    A folder that already holds every table (and the marker written last) is
    reused as it is, so large sizes are generated once.
    """
    from advisory.context import SCHEMA
    from advisory.datasets import make_multiagency

    marker = folder / "_complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    data = make_multiagency(n_cases=n_cases, seed=0)
    for name in SCHEMA:
        getattr(data, name).to_parquet(folder / f"{name}.parquet")
    marker.write_text(f"{n_cases}\n")
    return folder


def measure(argv: list[str], max_gib: float | None = None) -> tuple[float, float]:
    """Wall seconds and peak GiB (whole process tree) of ``advisory <argv>`` in a new process.

    The command runs in its own interpreter so its peak is its own; with
    ``max_gib`` it is stopped once its tree holds more than that, and
    ``RuntimeError`` says so (a shared machine must not run out of memory).
    """
    command = [sys.executable, "-m", "advisory", "-q", *argv]
    start = time.perf_counter()
    child = subprocess.Popen(command, start_new_session=True)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(child.pid))
        if max_gib is not None and peak > max_gib * 2**30:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            raise RuntimeError(
                f"advisory {' '.join(argv)}: stopped after {time.perf_counter() - start:.0f} s "
                f"at {peak / 2**30:.1f} GiB (over --max-gib {max_gib})"
            )
        time.sleep(0.5)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"advisory {' '.join(argv)} failed (exit {child.returncode})")
    return seconds, peak / 2**30


def run(
    quick: bool = False,
    sizes: tuple[int, ...] | None = None,
    *,
    folder: Path | None = None,
    engines: tuple[str, ...] = ("pandas", "spark"),
    spark_conf: tuple[str, ...] = (),
    max_gib: float | None = None,
) -> list[Row]:
    """Both commands on each size's records; ``folder`` keeps the records for reuse."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    rows = []
    for n_cases in sizes or ((2_000,) if quick else (20_000,)):
        with tempfile.TemporaryDirectory() as tmp:
            where = (folder or Path(tmp)) / f"records-{n_cases}"
            records(n_cases, where)
            measured = {}
            for engine in engines:
                argv = ["context", "--records", str(where), "--out"]
                argv += [str(Path(tmp) / f"out-{engine}"), "--engine", engine]
                if engine == "spark":
                    argv += ["--master", "local[2]"]
                    argv += [f"--spark-conf={setting}" for setting in spark_conf]
                measured[engine] = measure(argv, max_gib)
        if "spark" in measured:
            pandas_s = measured["pandas"][0] if "pandas" in measured else None
            rows.append(
                Row(
                    f"advisory context, {n_cases:,} cases, Spark local[2] (wall)",
                    measured["spark"][0],
                    "s",
                    peer="the same command, --engine pandas (wall)" if pandas_s else "",
                    peer_value=pandas_s,
                )
            )
            rows.append(
                Row("  peak memory, Spark (JVM, workers, driver)", measured["spark"][1], "GiB")
            )
        if "pandas" in measured:
            if "spark" not in measured:
                rows.append(
                    Row(
                        f"advisory context, {n_cases:,} cases, pandas (wall)",
                        measured["pandas"][0],
                        "s",
                    )
                )
            rows.append(Row("  peak memory, pandas", measured["pandas"][1], "GiB"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_spark", description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, help="numbers of cases (default 20000)")
    parser.add_argument("--records", type=Path, help="keep records-<N> folders here and reuse them")
    parser.add_argument("--engine", choices=("pandas", "spark"), action="append")
    parser.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--max-gib", type=float, help="stop a command whose processes hold more")
    args = parser.parse_args(argv)
    rows = run(
        sizes=tuple(args.sizes) or None,
        folder=args.records,
        engines=tuple(args.engine or ("pandas", "spark")),
        spark_conf=tuple(args.spark_conf),
        max_gib=args.max_gib,
    )
    for row in rows:
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
