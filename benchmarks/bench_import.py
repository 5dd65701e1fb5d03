"""Import time of ``advisory`` against the libraries it must not import eagerly."""

from __future__ import annotations

import statistics
import subprocess
import sys

from benchmarks._table import Row


def _import_seconds(module: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(repeat)
    ]
    return statistics.median(runs)


def run(quick: bool = False) -> list[Row]:
    repeat = 3 if quick else 7
    ours = _import_seconds("advisory", repeat)
    peer = _import_seconds("sklearn", repeat)
    return [
        Row("import advisory", ours, "s", budget="< 0.5 s", peer="import sklearn", peer_value=peer)
    ]
