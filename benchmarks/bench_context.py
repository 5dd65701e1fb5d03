"""Case context: batch throughput, memory, growth with size, and one case.

Peer: the straightforward pandas route for the same event-count factors -
merge cases with household memberships and events, filter by date window,
group and count - without coverage, provenance or household surfacing.
Each size runs in a fresh process so its peak memory is its own. Times are
CPU seconds of that process (``time.process_time``): the shared 2-core machine
runs at a load of 10 and more, where wall time says more about the neighbours.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._table import Row

_CHILD = r"""
import json, statistics, sys, time
import numpy as np, pandas as pd
from advisory.context import index_records
from advisory.definitions import load_definitions, reference_root

folder = sys.argv[1]
tables = {name: pd.read_parquet(f"{folder}/{name}.parquet") for name in
          ("people", "memberships", "relationships", "events", "coverage", "cases")}
definitions = load_definitions(reference_root())
def high_water_gib():
    # VmHWM belongs to this process image; ru_maxrss would carry the parent's peak
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")

before = high_water_gib()
start = time.process_time()
index = index_records(tables, definitions)
indexed = time.process_time() - start
context = index.context()
total = time.process_time() - start
peak = high_water_gib()
ids = list(index.case_ids[:: max(1, len(index.case_ids) // 300)])
single = []
for case_id in ids:
    t = time.process_time(); index.context([case_id]); single.append(time.process_time() - t)

# the straightforward pandas peer: event-count factors only
start = time.process_time()
cases = tables["cases"][["case_id", "person_id", "reference_date"]]
members = tables["memberships"]
spells = cases.merge(members, on="person_id").query(
    "start_date <= reference_date and (end_date.isna() or end_date >= reference_date)"
)[["case_id", "household_id", "reference_date"]]
household = spells.merge(members, on="household_id").query(
    "start_date <= reference_date and (end_date.isna() or end_date >= reference_date)"
)[["case_id", "person_id", "reference_date"]]
events = tables["events"]
for factor in definitions.spec.factors:
    if factor.kind != "events" or factor.ever:
        continue
    chosen = events[(events["agency"] == factor.source)
                    & events["event_type"].isin(factor.event_types)]
    joined = household.merge(chosen, on="person_id")
    window = pd.Timedelta(days=factor.window_days)
    inside = joined[(joined["date"] < joined["reference_date"])
                    & (joined["date"] >= joined["reference_date"] - window)]
    inside.groupby("case_id").size().reindex(cases["case_id"], fill_value=0)
peer = time.process_time() - start
print(json.dumps({"index": indexed, "total": total, "peak_gib": peak, "loaded_gib": before,
                  "single_ms": statistics.median(single) * 1000,
                  "peer": peer, "events": len(events), "cases": len(cases)}))
"""


def _measure(n_cases: int) -> dict[str, float]:
    from advisory.datasets import make_multiagency

    data = make_multiagency(n_cases=n_cases, seed=0)
    with tempfile.TemporaryDirectory() as folder:
        for name in ("people", "memberships", "relationships", "events", "coverage", "cases"):
            getattr(data, name).to_parquet(Path(folder) / f"{name}.parquet")
        del data
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, folder], check=True, capture_output=True, text=True
        )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def run(quick: bool = False) -> list[Row]:
    rows = []
    sizes = (2_000, 10_000) if quick else (10_000, 100_000, 300_000)
    per_case = []
    for n_cases in sizes:
        m = _measure(n_cases)
        per_case.append(m["total"] / n_cases)
        rows.append(
            Row(
                f"context of {n_cases:,} cases from {int(m['events']):,} events (CPU)",
                m["total"],
                "s",
                budget="< 20 s at 100,000" if n_cases == 100_000 else "",
                peer="pandas merges, event counts only",
                peer_value=m["peer"],
            )
        )
        rows.append(Row("  of which validating and indexing", m["index"], "s"))
        rows.append(
            Row(
                "  peak memory (records loaded)",
                m["peak_gib"],
                "GiB",
                budget="< 4 GB" if n_cases == 100_000 else "",
            )
        )
        rows.append(
            Row(f"  one case from the index at {n_cases:,}", m["single_ms"], "ms", budget="< 10 ms")
        )
    for n_cases, cost in zip(sizes[1:], per_case[1:], strict=True):
        rows.append(
            Row(
                f"cost per case, {n_cases:,} vs {sizes[0]:,} cases (1.0 = linear)",
                cost / per_case[0],
                "x",
                budget="<= 1.2x",
            )
        )
    return rows
