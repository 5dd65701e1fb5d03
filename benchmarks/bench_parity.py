"""Attribution and call-out parity, and proxy detection, at audit scale.

Parity: 100,000 cases, 24 factors, ethnicity (5 groups) and sex, 1,000
replicates, attributions and call-outs. The straightforward peer resamples
the cases and takes pandas ``groupby().mean()`` of both tables per replicate;
it is timed at a few replicates in the same run and extrapolated linearly.
Proxies: 20,000 cases, 24 factors, the same attributes, 1,000 replicates (no
peer: nothing else measures it; the figure is reported alone).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from advisory.fairness import parity_audit, proxy_audit
from benchmarks._table import Row, median_seconds

_FACTORS = 24


def _inputs(n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    index = pd.Index([f"C{i:07d}" for i in range(n)], name="case_id")
    groups = pd.DataFrame(
        {
            "ethnicity": rng.choice(["A", "B", "C", "D", "E"], n, p=[0.7, 0.1, 0.1, 0.06, 0.04]),
            "sex": rng.choice(["F", "M"], n),
        },
        index=index,
    )
    names = [f"factor_{j:02d}" for j in range(_FACTORS)]
    counts = rng.poisson(0.4, size=(n, _FACTORS)).astype(float)
    counts[:, 0] += groups["ethnicity"].eq("B").to_numpy() * rng.poisson(0.5, n)  # a proxy
    factors = pd.DataFrame(counts, index=index, columns=names)
    attributions = pd.DataFrame(0.2 * (counts - counts.mean(axis=0)), index=index, columns=names)
    mentions = attributions > 0.3
    return factors, attributions, mentions, groups


def _peer_parity(
    attributions: pd.DataFrame, mentions: pd.DataFrame, groups: pd.DataFrame, n_boot: int
) -> None:
    rng = np.random.default_rng(0)
    n = len(attributions)
    for _ in range(n_boot):
        take = rng.integers(0, n, n)
        sample_a = attributions.iloc[take].reset_index(drop=True)
        sample_m = mentions.iloc[take].reset_index(drop=True)
        for column in groups.columns:
            key = groups[column].iloc[take].to_numpy()
            sample_a.groupby(key).mean()
            sample_m.groupby(key).mean()


def run(quick: bool = False) -> list[Row]:
    n, n_boot, peer_boot = (20_000, 200, 3) if quick else (100_000, 1_000, 5)
    factors, attributions, mentions, groups = _inputs(n)
    ours = median_seconds(
        lambda: parity_audit(attributions, mentions, groups, n_boot=n_boot),
        repeat=1 if quick else 3,
    )
    start = time.perf_counter()
    _peer_parity(attributions, mentions, groups, peer_boot)
    peer = (time.perf_counter() - start) * n_boot / peer_boot
    n_proxy = 5_000 if quick else 20_000
    few = slice(0, n_proxy)
    proxies = median_seconds(
        lambda: proxy_audit(
            factors.iloc[few],
            groups.iloc[few],
            attributions=attributions.iloc[few],
            n_boot=n_boot,
        ),
        repeat=1,
    )
    return [
        Row(
            f"parity {n:,} cases x {_FACTORS} factors, 2 attributes, {n_boot:,} replicates",
            ours,
            "s",
            peer=f"pandas resample + groupby mean, extrapolated from {peer_boot} replicates",
            peer_value=peer,
        ),
        Row(
            f"proxies {n_proxy:,} cases x {_FACTORS} factors, 7 groups, {n_boot:,} replicates",
            proxies,
            "s",
        ),
    ]


if __name__ == "__main__":
    from benchmarks._table import render

    print(render(run(quick=False)))
