"""Shared behaviour of additive models: shape tables and exact attributions.

For an additive model ``f(x) = b + sum_j g_j(x_j)`` the exact interventional
SHAP value of factor ``j`` with respect to a background is
``g_j(x_j) - mean_background g_j``; the background enters only through the
share of its cases in each segment, so any background size costs the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory.models._base import TransparentClassifier
from advisory.models._shapes import AdditiveShapes

__all__ = ["AdditiveClassifier"]

Float = npt.NDArray[np.float64]


class AdditiveClassifier(TransparentClassifier):
    """An additive classifier whose content is an :class:`AdditiveShapes`."""

    shapes_: AdditiveShapes

    def _margin(self, matrix: Float) -> Float:
        out: Float = self.shapes_.margin(matrix)[0]
        return out

    def shape_functions(self) -> pd.DataFrame:
        self._check_fitted()
        return self.shapes_.frame()

    def _background(self, matrix: Float | None) -> Float:
        shapes = self.shapes_
        if matrix is None:
            return np.zeros((shapes.n_models, len(shapes.factors)))
        return shapes.background_means(shapes.segments(matrix))

    def _attributions(self, matrix: Float, background: Any) -> tuple[Float, Float]:
        shapes = self.shapes_
        means = np.asarray(background, dtype=np.float64)
        values = shapes.contributions(shapes.segments(matrix)) - means[:, None, :]
        base = shapes.intercept + means.sum(axis=1)
        return values, base
