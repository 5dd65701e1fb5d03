"""Honest validation and model fitting on real case context.

``advisory.models.validate`` at 20,000 cases (a temporal split: 14,000 to fit,
6,000 to assess) with 1,000 bootstrap replicates, against the straightforward
peer: a Python loop over resamples calling scikit-learn's ``roc_auc_score``,
``average_precision_score`` and ``brier_score_loss`` for the same four scorers
(the model and three baselines). The peer is timed at fewer replicates in the
same run and extrapolated linearly (its cost is proportional to the number of
replicates). validate's bootstrap time is isolated from its model fits as the
difference between runs with 1,000 and 100 replicates, scaled to 1,000; it
includes two metrics the peer does not compute (calibration-in-the-large and
slope, fitted per replicate), so validate's engine is also timed on the
peer's three metrics alone. The point estimates of both must agree.

Also: fit time of each model family at 20,000 cases, with the 30 bootstrap
refits kept for explanation intervals; boosting is timed a second time with
its native (OpenMP) threads limited to one, because on a shared, loaded
machine threads that wait for each other can cost more than they save.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from advisory.models import (
    AdditiveBoostingClassifier,
    ScorecardClassifier,
    ShallowTreeClassifier,
    validate,
)
from advisory.models._base import TransparentClassifier
from benchmarks._table import Row

_FACTOR = "child_prior_referrals"
_PEER_METRICS = {"roc_auc": roc_auc_score, "pr_auc": average_precision_score}
_PEER_METRICS |= {"brier": brier_score_loss}


def _context(n: int) -> tuple[pd.DataFrame, pd.Series, pd.Series, Any]:
    from advisory.context import build_context
    from advisory.datasets import make_multiagency
    from advisory.definitions import load_definitions, reference_root

    data = make_multiagency(n, seed=11)
    definitions = load_definitions(reference_root())
    X = build_context(data, definitions).factors
    cases = data.cases.set_index("case_id").loc[X.index]
    return X, cases["outcome"], cases["reference_date"], definitions.spec


def _peer_scores(result: Any, X: pd.DataFrame, y: pd.Series, dates: pd.Series) -> dict[str, Any]:
    """The four probability vectors validate assesses, rebuilt on the same split."""
    from advisory.models._frame import fit_layout
    from advisory.models._validation import _logistic_baseline, _one_hot, _rule_probabilities

    train = (pd.to_datetime(dates) < result.cutoff).to_numpy()
    layout, matrix = fit_layout(X, "benchmark")
    y01 = np.asarray(y, dtype=np.float64)
    j = layout.names.index(_FACTOR)
    encoded = _one_hot(matrix, layout.levels)
    keep = ~np.isnan(encoded[train]).all(axis=0)
    logistic = _logistic_baseline().fit(encoded[train][:, keep], y01[train])
    scores = {
        "model": result.model.predict_proba(X[~train])[:, 1],
        "prevalence": np.full(int((~train).sum()), y01[train].mean()),
        "prior_referral_rule": _rule_probabilities(matrix[train, j], y01[train], matrix[~train, j]),
        "logistic_regression": logistic.predict_proba(encoded[~train][:, keep])[:, 1],
    }
    probs = {k: np.clip(np.asarray(v, np.float64), 1e-6, 1 - 1e-6) for k, v in scores.items()}
    return {"y": y01[~train], "probs": probs}


def _peer_seconds(y: np.ndarray, probs: dict[str, np.ndarray], n_boot: int) -> float:
    rng = np.random.default_rng(0)
    n = len(y)
    start = time.perf_counter()
    for _ in range(n_boot):
        index = rng.integers(0, n, n)
        for p in probs.values():
            for metric in _PEER_METRICS.values():
                metric(y[index], p[index])
    return time.perf_counter() - start


def _engine_seconds(y: np.ndarray, probs: dict[str, np.ndarray], n_boot: int) -> float:
    """validate's own engine on the peer's three metrics, same resampling scheme."""
    from advisory._bootstrap import metrics_by_counts, replicate_counts

    start = time.perf_counter()
    for _, counts in replicate_counts(len(y), n_boot, 0):
        for p in probs.values():
            metrics_by_counts(p, y, counts, ("roc_auc", "pr_auc", "brier"), calibrate=False)
    return time.perf_counter() - start


def _largest_point_difference(result: Any, y: np.ndarray, probs: dict[str, np.ndarray]) -> float:
    largest = 0.0
    for scorer, p in probs.items():
        for name, metric in _PEER_METRICS.items():
            ours = float(result.metrics.loc[(scorer, name), "estimate"])
            largest = max(largest, abs(ours - float(metric(y, p))))
    return largest


def run(quick: bool = False) -> list[Row]:
    n, n_boot, peer_boot = (3_000, 200, 10) if quick else (20_000, 1_000, 100)
    n_resamples = 5 if quick else 30
    X, y, dates, spec = _context(n)
    model = ScorecardClassifier.from_spec(spec, random_state=0)
    rows: list[Row] = []

    start = time.perf_counter()
    result = validate(model, X, y, dates=dates, baseline_factor=_FACTOR, n_boot=n_boot)
    total = time.perf_counter() - start
    start = time.perf_counter()
    validate(model, X, y, dates=dates, baseline_factor=_FACTOR, n_boot=100)
    floor = time.perf_counter() - start
    bootstrap = max(total - floor, 1e-9) * n_boot / (n_boot - 100)

    peer = _peer_scores(result, X, y, dates)
    peer_total = _peer_seconds(peer["y"], peer["probs"], peer_boot) * n_boot / peer_boot
    rows.append(
        Row(
            f"validate {n:,} cases (scorecard + 3 baselines), {n_boot:,} replicates, total",
            total,
            "s",
        )
    )
    rows.append(
        Row(
            f"  bootstrap part ({result.n_test:,} test cases, 5 metrics x 4 scorers)",
            bootstrap,
            "s",
            peer=f"sklearn loop, 3 metrics only, extrapolated from {peer_boot}",
            peer_value=peer_total,
        )
    )
    rows.append(
        Row(
            "  the same 3 metrics x 4 scorers on validate's engine (no calibration)",
            _engine_seconds(peer["y"], peer["probs"], n_boot),
            "s",
            peer=f"sklearn loop, extrapolated from {peer_boot}",
            peer_value=peer_total,
        )
    )
    rows.append(
        Row(
            "  point estimates: largest |validate - sklearn| (AUC, AP, Brier; 4 scorers)",
            _largest_point_difference(result, peer["y"], peer["probs"]) * 1e12,
            "x 1e-12",
            budget="< 1,000 x 1e-12",
        )
    )

    boosting = {"max_iter": 30} if quick else {}
    families: dict[str, tuple[type[TransparentClassifier], dict[str, Any], int | None]] = {
        "scorecard": (ScorecardClassifier, {}, None),
        "additive boosting": (AdditiveBoostingClassifier, boosting, None),
        "additive boosting, native threads limited to 1": (AdditiveBoostingClassifier, boosting, 1),
        "shallow tree": (ShallowTreeClassifier, {}, None),
    }
    for name, (cls, params, threads) in families.items():
        estimator = cls.from_spec(spec, n_resamples=n_resamples, random_state=0, **params)
        start = time.perf_counter()
        with threadpool_limits(limits=threads):
            estimator.fit(X, y)
        rows.append(
            Row(
                f"fit {name}, {n:,} cases, {n_resamples} refits",
                time.perf_counter() - start,
                "s",
            )
        )
    return rows


if __name__ == "__main__":
    from benchmarks._table import render

    print(render(run(quick=True)))
