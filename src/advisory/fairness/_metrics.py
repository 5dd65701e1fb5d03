"""The audit's metric names and full-sample estimates.

The replicates, the weighted metrics and the intervals come from the one
bootstrap engine, :mod:`advisory._bootstrap`, shared with model validation.
"""

from __future__ import annotations

from typing import Final, Literal, cast

import numpy as np
import numpy.typing as npt

from advisory._bootstrap import GroupData, group_metrics, poisson_counts
from advisory.definitions._audit_policy import OPERATING_POINT_METRICS, THRESHOLD_FREE_METRICS

__all__ = [
    "METRICS",
    "OPERATING_POINT",
    "THRESHOLD_FREE",
    "GroupData",
    "Metric",
    "group_metrics",
    "point_estimates",
    "poisson_counts",
]

FloatArray = npt.NDArray[np.float64]

Metric = Literal[
    "roc_auc",
    "pr_auc",
    "brier",
    "calibration_in_the_large",
    "calibration_slope",
    "mean_predicted",
    "observed_rate",
    "predicted_minus_observed",
    "selection_rate",
    "false_positive_rate",
    "false_negative_rate",
    "precision",
]

# The metric names an audit policy may ask for live in advisory.definitions; the
# audit adds one derived metric. ``Metric`` spells them out for type checkers.
THRESHOLD_FREE: Final = cast(
    "tuple[Metric, ...]", (*THRESHOLD_FREE_METRICS, "predicted_minus_observed")
)
OPERATING_POINT: Final = cast("tuple[Metric, ...]", OPERATING_POINT_METRICS)
METRICS: Final[tuple[Metric, ...]] = THRESHOLD_FREE + OPERATING_POINT


def point_estimates(
    score: FloatArray,
    label: FloatArray,
    prediction: FloatArray | None,
    g: GroupData,
    metrics: tuple[Metric, ...],
) -> dict[Metric, float]:
    """Full-sample estimates; scikit-learn's functions where it has one.

    Rows are in their original order, as :class:`fairlearn.metrics.MetricFrame`
    passes them, so estimates are identical to a ``MetricFrame`` built on the
    same scikit-learn functions.
    """
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    own = group_metrics(np.ones((1, len(score))), g, metrics)
    out: dict[Metric, float] = {}
    for m in metrics:
        if m == "roc_auc":
            out[m] = float(roc_auc_score(label, score))
        elif m == "pr_auc":
            out[m] = float(average_precision_score(label, score))
        elif m == "brier":
            out[m] = float(brier_score_loss(label, score))
        elif m == "mean_predicted":
            out[m] = float(np.mean(score))
        elif m == "observed_rate":
            out[m] = float(np.mean(label))
        elif m == "predicted_minus_observed":
            out[m] = float(np.mean(score) - np.mean(label))
        else:
            out[m] = float(own[m][0])
    return out
