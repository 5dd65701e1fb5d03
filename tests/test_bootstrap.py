"""The one bootstrap engine: replicate counts, interval rules, weighted metrics, coverage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from advisory._bootstrap import (
    CHUNK,
    difference_interval,
    metrics_by_counts,
    percentile_interval,
    proportion_interval,
    ratio_interval,
    replicate_counts,
)

#: The grid of the coverage checks: small n (10-30) and p near 0 and 1.
SIZES = [*range(10, 31), 40, 50, 60, 80, 100]
PROBABILITIES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99]
PAIRS = [(10, 10), (15, 15), (20, 20), (30, 30), (10, 30), (20, 50), (50, 50), (100, 100)]
PAIR_PROBABILITIES = [0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99]


def test_replicates_are_reproducible_chunked_and_poisson() -> None:
    chunks = list(replicate_counts(5_000, 250, 3))
    assert [c.shape[0] for _, c in chunks] == [CHUNK, CHUNK, 50]
    again = np.vstack([c for _, c in replicate_counts(5_000, 250, 3)])
    counts = np.vstack([c for _, c in chunks])
    assert np.array_equal(counts, again)
    assert counts.mean() == pytest.approx(1.0, abs=0.01)
    assert counts.var() == pytest.approx(1.0, abs=0.02)


def test_percentile_interval_needs_most_replicates_finite() -> None:
    values = np.r_[np.arange(95.0), np.full(5, np.nan)]
    lo, hi = percentile_interval(values, 0.9)
    assert np.isfinite(lo) and np.isfinite(hi)
    lo, hi = percentile_interval(np.r_[np.arange(85.0), np.full(15, np.nan)], 0.9)
    assert np.isnan(lo) and np.isnan(hi)
    rows = percentile_interval(np.vstack([np.arange(100.0), np.full(100, np.nan)]), 0.9)
    assert np.isfinite(rows[0][0]) and np.isnan(rows[0][1])


def test_weighted_metrics_match_scikit_learn_with_weights() -> None:
    rng = np.random.default_rng(0)
    n = 400
    y = (rng.random(n) < 0.3).astype(float)
    score = np.clip(np.round(rng.random(n) * 0.6 + 0.3 * y, 2), 0.01, 0.99)
    counts = np.vstack([np.ones(n), rng.poisson(1.0, n)]).astype(np.uint8)
    values = metrics_by_counts(score, y, counts, ("roc_auc", "pr_auc", "brier"))
    for r in range(2):
        w = counts[r].astype(float)
        assert values["roc_auc"][r] == pytest.approx(roc_auc_score(y, score, sample_weight=w))
        assert values["pr_auc"][r] == pytest.approx(
            average_precision_score(y, score, sample_weight=w)
        )
        assert values["brier"][r] == pytest.approx(brier_score_loss(y, score, sample_weight=w))


def test_proportion_interval_is_the_mid_p_interval() -> None:
    lo, hi = proportion_interval([0, 3, 10], [10, 10, 10], 0.95)
    assert lo[0] == 0 and hi[0] == pytest.approx(1 - 0.05 ** (1 / 10), abs=1e-9)
    assert lo[2] == pytest.approx(0.05 ** (1 / 10), abs=1e-9) and hi[2] == 1
    # the defining equations of the mid-p bounds
    k, n = 3, 10
    assert binom.sf(k, n, lo[1]) + 0.5 * binom.pmf(k, n, lo[1]) == pytest.approx(0.025, abs=1e-9)
    assert binom.cdf(k - 1, n, hi[1]) + 0.5 * binom.pmf(k, n, hi[1]) == pytest.approx(0.025)
    assert np.isnan(proportion_interval(0, 0, 0.95)[0])


def test_differences_and_ratios_contain_their_estimates_and_cross_zero_when_equal() -> None:
    lo, hi = difference_interval(5, 50, 5, 50, 0.95)
    assert lo < 0 < hi
    lo, hi = ratio_interval(5, 50, 5, 50, 0.95)
    assert lo < 1 < hi
    lo, hi = ratio_interval(0, 50, 5, 50, 0.95)
    assert np.isnan(lo) and np.isnan(hi)


def _proportion_coverage() -> np.ndarray:
    out = np.empty((len(SIZES), len(PROBABILITIES)))
    for i, n in enumerate(SIZES):
        k = np.arange(n + 1)
        lo, hi = proportion_interval(k, np.full(n + 1, n), 0.95)
        for j, p in enumerate(PROBABILITIES):
            out[i, j] = binom.pmf(k, n, p)[(lo <= p) & (p <= hi)].sum()
    return out


def _difference_coverage() -> dict[tuple[int, int, float, float], float]:
    out = {}
    for n1, n2 in PAIRS:
        k1, k2 = np.meshgrid(np.arange(n1 + 1), np.arange(n2 + 1), indexing="ij")
        lo, hi = difference_interval(k1, np.full_like(k1, n1), k2, np.full_like(k2, n2), 0.95)
        for p1 in PAIR_PROBABILITIES:
            for p2 in PAIR_PROBABILITIES:
                w = np.outer(
                    binom.pmf(np.arange(n1 + 1), n1, p1), binom.pmf(np.arange(n2 + 1), n2, p2)
                )
                d = p1 - p2
                out[(n1, n2, p1, p2)] = float(w[(lo <= d + 1e-12) & (d - 1e-12 <= hi)].sum())
    return out


@pytest.mark.slow
def test_coverage_of_rate_intervals_over_small_counts_and_the_edges() -> None:
    """Coverage of nominal 95% intervals, computed exactly over every possible count.

    Every count k = 0..n is weighed by its binomial probability, which is what
    a simulation converges to, without its Monte Carlo error. Printed with -s
    as the closing note's table.
    """
    cover = _proportion_coverage()
    print("\nmid-p coverage (rows n, columns p):")
    print("n    " + " ".join(f"{p:>5}" for p in PROBABILITIES))
    for n, row in zip(SIZES, cover, strict=True):
        if n in (10, 12, 15, 16, 20, 25, 30, 50, 100):
            print(f"{n:<4} " + " ".join(f"{c:5.3f}" for c in row))
    print(f"min {cover.min():.3f}, mean {cover.mean():.3f}, max {cover.max():.3f}")
    # mean coverage near nominal; no point far below it. Above 97% only where a
    # count of 0 or n is likely: there any interval that can hold the truth at
    # k = 0 (or n) covers it whenever k is 0.
    assert 0.93 <= cover.mean() <= 0.97
    assert cover.min() >= 0.92
    expected_few = np.array([[n * min(p, 1 - p) < 2 for p in PROBABILITIES] for n in SIZES])
    assert (cover[~expected_few] <= 0.99).all()
    assert 0.93 <= cover[~expected_few].mean() <= 0.97

    diff = _difference_coverage()
    values = np.array(list(diff.values()))
    worst = min(diff, key=diff.__getitem__)
    print(f"MOVER difference: min {values.min():.3f} at {worst}, mean {values.mean():.3f}")
    for n1, n2 in PAIRS:
        these = [v for k, v in diff.items() if k[:2] == (n1, n2)]
        print(f"  n1={n1:<3} n2={n2:<3} min {min(these):.3f} mean {np.mean(these):.3f}")
    assert 0.93 <= values.mean() <= 0.97
    assert values.min() >= 0.92
