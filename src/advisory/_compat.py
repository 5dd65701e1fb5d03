"""The one place that reads private state of upstream libraries.

Keep every such access here, each with the versions it was checked against,
so an upgrade breaks in one file with a clear message.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from advisory._errors import AdvisoryError

__all__ = ["hgb_numeric_thresholds"]


def hgb_numeric_thresholds(model: Any, n_features: int) -> list[npt.NDArray[np.float64]]:
    """Numeric split thresholds per feature of a fitted binary HistGradientBoostingClassifier.

    Reads ``model._predictors[i][0].nodes`` and ``model._preprocessor``
    (checked with scikit-learn 1.9): the nodes are
    structured arrays with ``feature_idx`` (categorical features first when
    there are any), ``num_threshold``, ``is_leaf``
    and ``is_categorical``. A value goes left when ``x <= num_threshold``.
    Also checks that each tree splits on one feature only, which is what
    ``interaction_cst="no_interactions"`` promises and additivity needs.

    Raises
    ------
    AdvisoryError
        If the private layout is not as expected (an untested scikit-learn).
    """
    found: list[list[float]] = [[] for _ in range(n_features)]
    try:
        # With categorical features, the booster puts them first internally.
        order = np.arange(n_features)
        if getattr(model, "_preprocessor", None) is not None:
            categorical = np.asarray(model.is_categorical_, dtype=bool)
            order = np.concatenate([np.flatnonzero(categorical), np.flatnonzero(~categorical)])
        predictors = model._predictors
        for per_iteration in predictors:
            nodes = per_iteration[0].nodes
            split = nodes[~nodes["is_leaf"].astype(bool)]
            if len(np.unique(split["feature_idx"])) > 1:
                raise AdvisoryError(
                    "A boosted tree splits on more than one factor, so the model is not "
                    "additive; this needs interaction_cst='no_interactions'."
                )
            numeric = split[~split["is_categorical"].astype(bool)]
            for feature, threshold in zip(
                numeric["feature_idx"], numeric["num_threshold"], strict=True
            ):
                found[int(order[feature])].append(float(threshold))
    except (AttributeError, KeyError, ValueError, IndexError) as exc:
        raise AdvisoryError(
            "Could not read the trees of a HistGradientBoostingClassifier; this "
            "scikit-learn version is not supported by advisory (tested with 1.9)."
        ) from exc
    return [np.unique(np.asarray(t, dtype=np.float64)) for t in found]
