"""Linkage quality and cost: splink on DuckDB against the exact-match baseline.

Peer: the usual first attempt, linking records that agree exactly on first
name, surname, date of birth and postcode (after the same standardisation).
Both run on the same synthetic extracts (``make_agency_extracts``, default
error rates) in the same process; quality is pairwise against planted truth.

Run one size on its own (peak memory is the process's)::

    python -m benchmarks.bench_linkage --records 100000

``--spark`` also scores the same extracts on Spark in local mode with the
model trained on DuckDB, and reports how many records got the same linked
person and status (the "same clusters" check) and Spark's wall time::

    python -m benchmarks.bench_linkage --records 25000 --spark
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import time

import numpy as np
import pandas as pd

from advisory.datasets import AgencyExtracts, make_agency_extracts
from advisory.linkage import (
    LinkageResult,
    check_extracts,
    exact_match_clusters,
    link_extracts,
    pairwise_quality,
    reference_linkage_spec,
)
from benchmarks._table import Row, render

RECORDS_PER_CASE = 12.2


def _truth(extracts, uids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    links = extracts.truth.links
    index = links["agency"] + ":" + links["agency_person_id"]
    person = pd.Series(links["person_id"].to_numpy(), index=index).reindex(uids.to_numpy())
    group = pd.Series(links["ethnicity"].astype(str).to_numpy(), index=index).reindex(
        uids.to_numpy()
    )
    return person.to_numpy(), group.to_numpy()


def measure(
    n_records: int,
    seed: int = 0,
    link: float | None = None,
    spark: bool = False,
    spark_memory: str = "4g",
) -> list[Row]:
    n_cases = max(50, round(n_records / RECORDS_PER_CASE))
    extracts = make_agency_extracts(n_cases=n_cases, seed=seed)
    n = extracts.n_records
    spec_checked = None

    wall, cpu = time.perf_counter(), time.process_time()
    spec = reference_linkage_spec()
    if link is not None:  # another upper threshold, to see its effect at this scale
        spec = dataclasses.replace(spec, link=link)
    result = link_extracts(extracts, spec)
    splink_wall, splink_cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    wall, cpu = time.perf_counter(), time.process_time()
    spec_checked = check_extracts(extracts, result.spec)
    baseline_labels = exact_match_clusters(spec_checked.records)
    base_wall, base_cpu = time.perf_counter() - wall, time.process_time() - cpu

    actual, group = _truth(extracts, result.links["record_uid"])
    ours = pairwise_quality(result.links["person_id"], actual)
    b_actual, b_group = _truth(extracts, spec_checked.records["record_uid"])
    base = pairwise_quality(baseline_labels, b_actual)
    size = f"{n:,} records"
    rows = [
        Row(
            f"linkage F1, {size}",
            ours.f1,
            "",
            budget=">= 0.97",
            peer="exact name+DOB+postcode",
            peer_value=base.f1,
        ),
        Row(
            "  precision",
            ours.precision,
            "",
            budget=">= 0.99",
            peer="exact",
            peer_value=base.precision,
        ),
        Row("  recall", ours.recall, "", peer="exact", peer_value=base.recall),
        Row(
            "  missed links (true pairs not linked)",
            ours.missed,
            "pairs",
            peer="exact",
            peer_value=base.missed,
        ),
        Row("  false links", ours.false, "pairs", peer="exact", peer_value=base.false),
        Row("  wall time", splink_wall, "s", peer="exact", peer_value=base_wall),
        Row("  CPU time", splink_cpu, "s", peer="exact", peer_value=base_cpu),
        Row("  peak memory of the run", peak, "GiB"),
        Row(
            "  records to confirm / unlinked",
            len(result.uncertain_links),
            f"/ {len(result.unlinked):,}",
        ),
    ]
    for name in sorted(set(group)):
        mine = group == name
        by_group = pairwise_quality(result.links["person_id"].to_numpy()[mine], actual[mine])
        b_mine = b_group == name
        b_by_group = pairwise_quality(baseline_labels[b_mine], b_actual[b_mine])
        rows.append(
            Row(
                f"  recall, {name}", by_group.recall, "", peer="exact", peer_value=b_by_group.recall
            )
        )
    if spark:
        rows += _on_spark(extracts, result, spark_memory)
    return rows


def _on_spark(extracts: AgencyExtracts, result: LinkageResult, memory: str) -> list[Row]:
    """Score the same extracts on Spark (local mode) with the model trained on DuckDB."""
    from advisory.linkage import local_spark_session

    session = local_spark_session(memory=memory)
    try:
        wall = time.perf_counter()
        on_spark = link_extracts(
            extracts, result.spec, backend="spark", spark=session, model=result.model
        )
        spark_wall = time.perf_counter() - wall
    finally:
        session.stop()
    ours = on_spark.links.set_index("record_uid")
    theirs = result.links.set_index("record_uid").reindex(ours.index)
    differ_person = int((ours["person_id"] != theirs["person_id"]).sum())
    differ_status = int((ours["status"] != theirs["status"]).sum())
    pairs = on_spark.pairs.merge(result.pairs, on=["uid_l", "uid_r"], how="outer")
    gap = (pairs["match_probability_x"] - pairs["match_probability_y"]).abs()
    return [
        Row("  Spark: records with another linked person", differ_person, "", budget="0"),
        Row("  Spark: records with another status", differ_status, "", budget="0"),
        Row("  Spark: pairs scored / DuckDB", len(on_spark.pairs) / len(result.pairs), ""),
        Row("  Spark: pairs whose probability differs by > 1e-6", int((gap > 1e-6).sum()), ""),
        Row("  Spark: largest pair probability difference", float(gap.max()), ""),
        Row("  Spark: wall time (scoring with the DuckDB model)", spark_wall, "s"),
    ]


def run(quick: bool = False) -> list[Row]:
    return measure(5_000 if quick else 100_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_linkage", description=__doc__)
    parser.add_argument("--records", type=int, default=100_000, help="agency records (about)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--link", type=float, help="upper threshold instead of the reference's")
    parser.add_argument(
        "--spark", action="store_true", help="also score on Spark local mode (same clusters?)"
    )
    parser.add_argument(
        "--spark-memory", default="4g", help="Spark driver memory (2g ran out at 100k records)"
    )
    args = parser.parse_args(argv)
    print(render(measure(args.records, args.seed, args.link, args.spark, args.spark_memory)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
