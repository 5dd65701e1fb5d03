"""Point estimates identical to fairlearn's MetricFrame; intervals agree."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    precision_score,
    roc_auc_score,
)

from advisory._optional import import_optional
from advisory.fairness import audit


def _metric_frame() -> type:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = import_optional("fairlearn.metrics", "fairness", "Comparing with fairlearn")
    return module.MetricFrame  # type: ignore[no-any-return]


def _fpr(y: np.ndarray, p: np.ndarray) -> float:
    return float(((p == 1) & (y == 0)).sum() / (y == 0).sum())


def _fnr(y: np.ndarray, p: np.ndarray) -> float:
    return float(((p == 0) & (y == 1)).sum() / (y == 1).sum())


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(3)
    n = 1_200
    groups = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n, p=[0.45, 0.55]),
            "band": rng.choice(["young", "mid", "old"], n, p=[0.3, 0.5, 0.2]),
        }
    )
    scores = np.clip(rng.beta(2, 5, n) + 0.1 * (groups["band"] == "old"), 0, 1)
    y = (rng.uniform(size=n) < scores).astype(int)
    return y, scores, groups


_RANKING = {"roc_auc": roc_auc_score, "pr_auc": average_precision_score}
_PROBABILITY = {
    **_RANKING,
    "brier": brier_score_loss,
    "mean_predicted": lambda t, p: float(np.mean(p)),
}
_AT_POINT = {
    "selection_rate": lambda t, p: float(np.mean(p)),
    "false_positive_rate": _fpr,
    "false_negative_rate": _fnr,
    "precision": precision_score,
}
_OBSERVED = {"observed_rate": lambda t, p: float(np.mean(t))}


@pytest.mark.parametrize("kind", ["probability", "ordinal", "decisions"])
def test_point_estimates_identical_to_metricframe(
    data: tuple[np.ndarray, np.ndarray, pd.DataFrame], kind: str
) -> None:
    y, scores, groups = data
    deciles = np.ceil(scores * 10).astype(int)
    checks: tuple[tuple[dict[str, Any], np.ndarray], ...]
    if kind == "probability":
        predictions = (scores >= 0.3).astype(int)
        result = audit(
            y, scores, groups, predictions=predictions, n_boot=20, intersections=[["sex", "band"]]
        )
        checks = ((_PROBABILITY | _OBSERVED, scores), (_AT_POINT, predictions))
    elif kind == "ordinal":
        predictions = (deciles >= 4).astype(int)
        result = audit(
            y,
            deciles,
            groups,
            score_kind="ordinal",
            flagged_at=4,
            n_boot=20,
            intersections=[["sex", "band"]],
        )
        checks = ((_RANKING | _OBSERVED, deciles), (_AT_POINT, predictions))
    else:
        predictions = (deciles >= 4).astype(int)
        result = audit(
            y, sensitive_features=groups, predictions=predictions, intersections=[["sex", "band"]]
        )
        checks = ((_OBSERVED | _AT_POINT, predictions),)
    assert result.score_kind == kind
    assert set(result.metrics) == {m for metrics, _ in checks for m in metrics} | (
        {"calibration_in_the_large", "calibration_slope", "predicted_minus_observed"}
        if kind == "probability"
        else set()
    )
    frame = _metric_frame()
    compared = withheld = 0
    for column in (["sex"], ["band"], ["sex", "band"]):
        attribute = " x ".join(column)
        for metrics, y_pred in checks:
            features = groups[column[0]] if len(column) == 1 else groups[column]
            mf = frame(metrics=metrics, y_true=y, y_pred=y_pred, sensitive_features=features)
            for metric in metrics:
                table = result.by_group(metric).loc[attribute]  # type: ignore[arg-type]
                theirs = mf.by_group[metric]
                for group in theirs.index:
                    name = group if isinstance(group, str) else " & ".join(group)
                    if table.loc[name, "withheld"]:  # a small count: no estimate to compare
                        assert len(column) == 2, (attribute, metric, name)
                        withheld += 1
                        continue
                    assert table.loc[name, "estimate"] == theirs[group], (attribute, metric, name)
                    compared += 1
    # the single attributes' groups are large: none of their numbers is withheld
    assert compared >= 5 * sum(len(metrics) for metrics, _ in checks)
    assert withheld <= compared


@pytest.mark.slow
def test_intervals_agree_with_metricframe_bootstrap(
    data: tuple[np.ndarray, np.ndarray, pd.DataFrame],
) -> None:
    y, scores, groups = data
    n_boot = 200
    result = audit(y, scores, groups[["sex"]], n_boot=n_boot, random_state=1)
    mf = _metric_frame()(
        metrics={"roc_auc": roc_auc_score, "brier": brier_score_loss},
        y_true=y,
        y_pred=scores,
        sensitive_features=groups["sex"],
        n_boot=n_boot,
        ci_quantiles=[0.025, 0.975],
        random_state=1,
    )
    low, high = mf.by_group_ci
    diff_low, diff_high = mf.difference_ci()
    for metric in ("roc_auc", "brier"):
        ours = result.by_group(metric).loc["sex"]
        width = ours["upper"] - ours["lower"]
        # Monte Carlo error of a 2.5% quantile from 200 replicates is ~15% of the
        # width; allow 25% of the width for each end.
        for group in ("F", "M"):
            assert abs(ours.loc[group, "lower"] - low[metric][group]) < 0.25 * width[group]
            assert abs(ours.loc[group, "upper"] - high[metric][group]) < 0.25 * width[group]
        # fairlearn's difference is max minus min, always >= 0; compare widths.
        ours_diff = result.disparities(metric).loc["sex"].iloc[0]
        our_width = ours_diff["upper"] - ours_diff["lower"]
        their_width = diff_high[metric] - diff_low[metric]
        assert their_width == pytest.approx(our_width, rel=0.5)
