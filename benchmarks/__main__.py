"""Run every benchmark and print one table: ``python -m benchmarks [--quick]``."""

from __future__ import annotations

import argparse
import sys

from benchmarks import (
    bench_audit,
    bench_context,
    bench_datasets,
    bench_explain,
    bench_import,
    bench_linkage,
    bench_oversight,
    bench_parity,
    bench_review,
    bench_spark,
    bench_validation,
)
from benchmarks._table import Row, render

SUITES = (
    bench_import,
    bench_datasets,
    bench_context,
    bench_linkage,
    bench_explain,
    bench_review,
    bench_audit,
    bench_parity,
    bench_validation,
    bench_oversight,
    bench_spark,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for suite in SUITES:
        print(f"running {suite.__name__} ...", file=sys.stderr, flush=True)
        rows += suite.run(quick=args.quick)
    print(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
