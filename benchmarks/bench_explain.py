"""Explaining cases: one prepared case, and batches, against a per-case shap call.

Peer: the straightforward route, ``shap.Explainer`` built on the model's margin
with a 100-case background and called once per case.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from advisory.explain import Explainer
from advisory.models import AdditiveBoostingClassifier, ScorecardClassifier
from benchmarks._table import Row, median_seconds


def _factors(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({f"f{i}": rng.poisson(1.0, n).astype(float) for i in range(20)})
    X.loc[rng.random(n) < 0.1, "f1"] = np.nan
    X["household"] = pd.Categorical(rng.choice(["one", "two", "three"], n))
    z = -1.5 + 0.6 * X["f0"] + 0.4 * X["f1"].fillna(0) + 0.3 * X["f2"]
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


def _shap_per_case_seconds(model, X: pd.DataFrame) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import shap

        numeric = X.drop(columns="household")
        local = type(model)(n_resamples=0).fit(numeric, np.asarray(model._y_bench))
        masker = shap.maskers.Independent(numeric.head(100).to_numpy(), max_samples=100)
        explainer = shap.Explainer(
            lambda a: local.decision_function(pd.DataFrame(a, columns=numeric.columns)), masker
        )
        row = numeric.iloc[[5]].to_numpy()
        return median_seconds(lambda: explainer(row, silent=True), repeat=3)


def run(quick: bool = False) -> list[Row]:
    n_train = 5_000 if quick else 20_000
    n_batch = 20_000 if quick else 200_000
    n_resamples = 5 if quick else 30
    X, y = _factors(n_train)
    batch, _ = _factors(n_batch, seed=1)
    rows: list[Row] = []
    models = {
        "scorecard": ScorecardClassifier(n_resamples=n_resamples, random_state=0),
        "additive boosting": AdditiveBoostingClassifier(
            max_iter=100, n_resamples=min(n_resamples, 10), random_state=0
        ),
    }
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X, y)
        rows.append(
            Row(f"fit {name} with refits on {n_train:,} cases", time.perf_counter() - start, "s")
        )
        model._y_bench = y
        explainer = Explainer(model)
        case = X.iloc[[5]]
        explainer.explain(case)
        one = median_seconds(lambda: explainer.explain(case).reliable, repeat=201)  # noqa: B023
        peer = _shap_per_case_seconds(model, X)
        rows.append(
            Row(
                f"explain one prepared case, {name} (with intervals)",
                one * 1e3,
                "ms",
                budget="< 2 ms",
                peer="shap.Explainer per case (no intervals)",
                peer_value=peer * 1e3,
            )
        )
        seconds = median_seconds(lambda: explainer.explain(batch), repeat=3)  # noqa: B023
        rows.append(
            Row(
                f"  batch of {n_batch:,}, {name}: time per case ({n_batch / seconds:,.0f} cases/s)",
                seconds / n_batch * 1e6,
                "us",
                budget="<= 20 us (>= 50,000 cases/s)",
                peer="shap.Explainer per case",
                peer_value=peer * 1e6,
            )
        )
    return rows


if __name__ == "__main__":
    from benchmarks._table import render

    print(render(run(quick=True)))
