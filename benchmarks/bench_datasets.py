"""Throughput of the synthetic generator.

Peer: reloading the same events from CSV with pandas, the straightforward
alternative to regenerating records for each test or demo.
"""

from __future__ import annotations

import io
import resource
import time

import pandas as pd

from advisory.datasets import make_multiagency
from benchmarks._table import Row


def run(quick: bool = False) -> list[Row]:
    rows = []
    sizes = (2_000, 10_000) if quick else (10_000, 100_000)
    for n_cases in sizes:
        start = time.perf_counter()
        data = make_multiagency(n_cases=n_cases, seed=0)
        seconds = time.perf_counter() - start
        buffer = io.StringIO()
        data.events.to_csv(buffer, index=False)
        buffer.seek(0)
        start = time.perf_counter()
        pd.read_csv(buffer, parse_dates=["date"])
        reload_seconds = time.perf_counter() - start
        rows.append(
            Row(
                f"generate {n_cases:,} cases ({len(data.events):,} events)",
                seconds,
                "s",
                budget="< 60 s at 100,000" if n_cases == 100_000 else "",
                peer="pandas.read_csv of the same events",
                peer_value=reload_seconds,
            )
        )
        rows.append(Row(f"  cases per second at {n_cases:,}", n_cases / seconds, "cases/s"))
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    rows.append(Row("  peak memory of the run", peak_gib, "GiB"))
    return rows
