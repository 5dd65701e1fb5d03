"""The oversight trail: responses recorded per second, and the monitor over 1M responses.

Recording: reviews of 10 prompts each, recorded as a host would (the review
issued, then its responses in one transaction), on SQLite (a WAL file) and on
a throw-away PostgreSQL server with durable commits. The peer inserts the same
rows into a plain table of the same columns with SQLAlchemy Core, one
transaction per review, with no ordering checks, no chain lock and no hashes.

Monitor: 1,000,000 responses (100,000 reviews) as the store's records frame;
the peer is a pandas ``groupby().size()`` of the same responses by prompt,
factor, team and month (counts only: no corrections, intervals, per-review
measures or findings). CPU seconds, as the machine is shared.

``python -m benchmarks.bench_oversight [--quick]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisory.oversight import Store, monitor
from advisory.oversight._tables import RECORD
from benchmarks._postgres import TemporaryPostgres, find_postgres_bin
from benchmarks._table import Row, render

_PROMPTS = 10
_T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _review(i: int) -> dict[str, Any]:
    return {
        "case_id": f"C{i:07d}",
        "questions": [{"prompt_id": f"q{j}", "factor": f"factor_{j}"} for j in range(_PROMPTS)],
    }


def _answers() -> list[dict[str, Any]]:
    return [
        {"prompt_id": f"q{j}", "verdict": "agree" if j % 3 else "disagree",
         "reason": "" if j % 3 else "already known", "seconds": 12.5 + j}
        for j in range(_PROMPTS)
    ]  # fmt: skip


def _record(store: Store, n_reviews: int) -> float:
    answers = _answers()
    start = time.perf_counter()
    for i in range(n_reviews):
        with store.transaction():
            rid = store.record_review(
                _review(i), team="T1", practitioner="W1", model_version="m1",
                snapshot_date="2026-10-31", at=_T0,
            )  # fmt: skip
            store.record_responses(rid, answers, at=_T0)
    return time.perf_counter() - start


def _peer(store: Store, n_reviews: int) -> float:
    """Plain INSERTs of the same rows into a table of the same columns, a transaction each."""
    import sqlalchemy as sa

    rows = store.records()
    rows = rows.astype(object).where(rows.notna(), None)
    metadata = sa.MetaData()
    peer = sa.Table(
        "peer_record",
        metadata,
        *[sa.Column(c.name, c.type) for c in RECORD.columns],
    )
    engine = store._engine  # same connection settings (WAL, BEGIN IMMEDIATE on SQLite)
    metadata.create_all(engine)
    per_review = 1 + _PROMPTS
    batches = [
        rows.iloc[i * per_review : (i + 1) * per_review].to_dict(orient="records")
        for i in range(n_reviews)
    ]
    start = time.perf_counter()
    for batch in batches:
        with engine.begin() as conn:
            conn.execute(peer.insert(), batch)
    return time.perf_counter() - start


def _recording_rows(name: str, url: str, n_reviews: int) -> list[Row]:
    with Store.open(url) as store:
        seconds = _record(store, n_reviews)
        assert store.verify().ok
        peer_seconds = _peer(store, n_reviews)
    n = n_reviews * _PROMPTS
    print(
        f"{name}: {n / seconds:,.0f} responses/s recorded; plain INSERTs {n / peer_seconds:,.0f}/s",
        file=sys.stderr,
    )
    return [
        Row(
            f"oversight: time per response recorded, {name} ({n:,} in reviews of {_PROMPTS})",
            1000 * seconds / n,
            "ms",
            peer="plain INSERT of the same rows, a transaction per review",
            peer_value=1000 * peer_seconds / n,
        )
    ]


def _records_frame(n_reviews: int) -> pd.DataFrame:
    """The store's records frame for n_reviews reviews of 10 responses (built directly)."""
    rng = np.random.default_rng(0)
    rid = np.array([f"R{i:07d}" for i in range(n_reviews)], dtype=object)
    team = rng.choice([f"team_{t}" for t in range(12)], n_reviews)
    month = rng.choice([f"2026-{m:02d}" for m in range(1, 13)], n_reviews)
    has_view = rng.random(n_reviews) < 0.7
    n_resp = n_reviews * _PROMPTS
    r = np.repeat(np.arange(n_reviews), _PROMPTS)
    verdict = rng.choice(["agree", "disagree", "not_relevant"], n_resp, p=[0.7, 0.2, 0.1])
    prompt = np.tile(np.array([f"q{j}" for j in range(_PROMPTS)], dtype=object), n_reviews)
    reason = np.where(verdict == "agree", "", rng.choice(["known", "old records", "n/a"], n_resp))
    kinds = {
        "review_issued": np.arange(n_reviews),
        "own_view": np.flatnonzero(has_view),
        "prompts_shown": np.arange(n_reviews),
    }
    parts = []
    seq = 0
    for kind, idx in kinds.items():
        parts.append(
            pd.DataFrame(
                {
                    "seq": np.arange(seq, seq + len(idx)),
                    "kind": kind,
                    "recorded_at": pd.Series(month[idx]).str.cat(["-15T09:00:00+00:00"] * len(idx)),
                    "case_id": rid[idx],
                    "review_id": rid[idx],
                    "team": team[idx],
                    "model_version": "m1",
                    "content": "{}",
                }
            )
        )
        seq += len(idx)
    parts.append(
        pd.DataFrame(
            {
                "seq": np.arange(seq, seq + n_resp),
                "kind": "response",
                "recorded_at": pd.Series(month[r]).str.cat(["-15T09:30:00+00:00"] * n_resp),
                "case_id": rid[r],
                "review_id": rid[r],
                "team": team[r],
                "model_version": "m1",
                "prompt_id": prompt,
                "factor": np.char.replace(prompt.astype(str), "q", "factor_"),
                "verdict": verdict,
                "reason": reason,
                "seconds": rng.lognormal(3.5, 0.8, n_resp),
                "content": "{}",
            }
        )
    )
    frame = pd.concat(parts, ignore_index=True)
    for column in ("practitioner", "prev_hash", "hash"):
        frame[column] = None
    return frame


def _peer_groupby(frame: pd.DataFrame) -> None:
    resp = frame[frame["kind"] == "response"]
    resp = resp.assign(month=resp["recorded_at"].str.slice(0, 7))
    for key in ("prompt_id", "factor", "team", "month"):
        resp.groupby([key, "verdict"]).size().unstack(fill_value=0)


def _monitor_rows(n_reviews: int) -> list[Row]:
    frame = _records_frame(n_reviews)
    n = int((frame["kind"] == "response").sum())
    start = time.process_time()
    result = monitor(frame)
    seconds = time.process_time() - start
    assert result.n_responses == n
    start = time.process_time()
    _peer_groupby(frame)
    peer_seconds = time.process_time() - start
    return [
        Row(
            f"oversight: monitor over {n:,} responses (CPU)",
            seconds,
            "s",
            peer="pandas groupby counts by prompt, factor, team, month",
            peer_value=peer_seconds,
        )
    ]


def run(quick: bool = False) -> list[Row]:
    n_reviews, n_monitor = (200, 10_000) if quick else (2_000, 100_000)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        rows += _recording_rows("SQLite", f"sqlite:///{Path(folder) / 'trail.db'}", n_reviews)
    if find_postgres_bin() is not None:
        with TemporaryPostgres(durable=True) as server:
            rows += _recording_rows("PostgreSQL", server.new_database(), n_reviews)
    rows += _monitor_rows(n_monitor)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_oversight")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    print(render(run(quick=args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
