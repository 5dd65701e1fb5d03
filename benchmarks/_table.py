"""One row of benchmark results, and the table they print as."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """A measured figure, its budget and the peer it is compared with."""

    name: str
    value: float
    unit: str
    budget: str = ""
    peer: str = ""
    peer_value: float | None = None

    @property
    def ratio(self) -> str:
        if self.peer_value is None or self.value == 0:
            return ""
        return f"{self.peer_value / self.value:.1f}x"


def median_seconds(func: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of ``repeat`` calls of ``func``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def render(rows: list[Row]) -> str:
    header = ("measure", "value", "budget", "peer", "peer value", "advisory faster by")
    lines = [header]
    for row in rows:
        peer_value = "" if row.peer_value is None else f"{row.peer_value:,.3f} {row.unit}"
        lines.append(
            (row.name, f"{row.value:,.3f} {row.unit}", row.budget, row.peer, peer_value, row.ratio)
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [
        " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines
    ]
    out.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(out)
