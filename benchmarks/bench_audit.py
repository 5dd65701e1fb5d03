"""Fairness audit intervals: our vectorised bootstrap against fairlearn's.

100,000 cases, two sensitive attributes and their intersection, 1,000
replicates. fairlearn's ``MetricFrame(n_boot=...)`` recomputes every metric
in a Python loop per replicate, so it is timed at a smaller ``n_boot`` in the
same run and extrapolated linearly (its cost is proportional to ``n_boot``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from advisory._optional import import_optional
from advisory.fairness import audit
from benchmarks._table import Row, median_seconds


def _inputs(n: int) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(0)
    groups = pd.DataFrame(
        {
            "ethnicity": rng.choice(["A", "B", "C", "D", "E"], n, p=[0.7, 0.1, 0.1, 0.06, 0.04]),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    scores = rng.beta(2, 6, n)
    y = (rng.uniform(size=n) < scores).astype(int)
    return y, scores, groups


def run(quick: bool = False) -> list[Row]:
    n, n_boot = (20_000, 200) if quick else (100_000, 1_000)
    fl_boot = 5 if quick else 10
    y, scores, groups = _inputs(n)
    ours = median_seconds(
        lambda: audit(y, scores, groups, n_boot=n_boot, intersections=[("ethnicity", "sex")]),
        repeat=1 if quick else 3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metric_frame = import_optional("fairlearn.metrics", "fairness", "The benchmark").MetricFrame
    metrics = {"roc_auc": roc_auc_score, "pr_auc": average_precision_score}
    metrics |= {"brier": brier_score_loss}
    start = time.perf_counter()
    for features in (groups["ethnicity"], groups["sex"], groups):
        metric_frame(
            metrics=metrics,
            y_true=y,
            y_pred=scores,
            sensitive_features=features,
            n_boot=fl_boot,
            ci_quantiles=[0.025, 0.975],
            random_state=0,
        )
    fairlearn = (time.perf_counter() - start) * n_boot / fl_boot
    return [
        Row(
            f"audit {n:,} rows, 2 attributes + intersection, {n_boot:,} replicates",
            ours,
            "s",
            budget="< 10 s, >= 20x" if not quick else "",
            peer=f"MetricFrame(n_boot), 3 metrics only, extrapolated from n_boot={fl_boot}",
            peer_value=fairlearn,
        )
    ]


if __name__ == "__main__":
    from benchmarks._table import render

    print(render(run(quick=False)))
