"""Additive shape functions: the full content of an additive model.

An additive model's margin is ``intercept + sum_j g_j(x_j)``. Each ``g_j`` is
piecewise constant on *segments*: intervals between thresholds for a numeric
factor (``x <= t_0``, ``t_0 < x <= t_1``, ..., ``x > t_last``), one segment per
level for a categorical factor, and always a last segment for *unknown*
(``NaN``). :class:`AdditiveShapes` stores the values of several models at once
(the fitted model first, then its bootstrap refits) on shared segments, so
evaluating every refit for a batch of cases is a single gather.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["AdditiveShapes", "FactorShape", "segment_labels"]

Float = npt.NDArray[np.float64]
Int = npt.NDArray[np.intp]


@dataclass(frozen=True)
class FactorShape:
    """Contribution of one factor, for every stored model.

    Attributes
    ----------
    name : str
        The factor.
    thresholds : ndarray of shape (n_segments - 1,)
        Upper bounds (inclusive) of the numeric segments; empty for a
        categorical factor.
    levels : tuple of str or None
        Categories of a categorical factor, ``None`` for a numeric one.
    table : ndarray of shape (n_models, n_segments + 1)
        Contribution of each known segment, then of *unknown*, per model.
    n_train : ndarray of shape (n_segments + 1,)
        Training cases in each segment (unknown last).
    """

    name: str
    thresholds: Float
    levels: tuple[str, ...] | None
    table: Float
    n_train: npt.NDArray[np.int64]

    @property
    def n_known(self) -> int:
        """Number of known segments (intervals or levels)."""
        return int(self.table.shape[1]) - 1

    def segments(self, column: Float) -> Int:
        """Segment index of each value (``n_known`` for unknown)."""
        unknown = np.isnan(column)
        if self.levels is None:
            idx = np.searchsorted(self.thresholds, column, side="left")
        else:
            idx = np.where(unknown, 0, column).astype(np.intp)
        idx[unknown] = self.n_known
        return idx


def segment_labels(shape: FactorShape) -> list[str]:
    """Plain labels of a factor's segments, unknown last.

    Examples
    --------
    >>> import numpy as np
    >>> s = FactorShape("a", np.array([0.0, 2.0]), None, np.zeros((1, 4)), np.zeros(4, int))
    >>> segment_labels(s)
    ['<= 0', '(0, 2]', '> 2', 'unknown']
    """
    if shape.levels is not None:
        return [*shape.levels, "unknown"]
    t = shape.thresholds
    if len(t) == 0:
        return ["any value", "unknown"]
    labels = [f"<= {t[0]:g}"]
    labels += [f"({a:g}, {b:g}]" for a, b in itertools.pairwise(t)]
    labels.append(f"> {t[-1]:g}")
    return [*labels, "unknown"]


@dataclass(frozen=True)
class AdditiveShapes:
    """Intercepts and shape functions of one or more additive models.

    Model 0 is the fitted model; models 1.. are its bootstrap refits. Each
    model's shape functions are centred so that their mean over the training
    cases is zero, which puts the average training margin in the intercept.

    Attributes
    ----------
    intercept : ndarray of shape (n_models,)
    factors : tuple of FactorShape
    """

    intercept: Float
    factors: tuple[FactorShape, ...]

    @property
    def n_models(self) -> int:
        """Number of stored models (1 + number of refits)."""
        return int(self.intercept.shape[0])

    def segments(self, matrix: Float) -> Int:
        """Segment index per case and factor, shape (n_cases, n_factors)."""
        return np.column_stack(
            [f.segments(matrix[:, j]) for j, f in enumerate(self.factors)]
        ).astype(np.intp, copy=False)

    def contributions(self, segments: Int) -> Float:
        """Contributions ``g_j(x_j)``, shape (n_models, n_cases, n_factors)."""
        return np.stack([f.table[:, segments[:, j]] for j, f in enumerate(self.factors)], axis=-1)

    def margin(self, matrix: Float) -> Float:
        """Margins of every model, shape (n_models, n_cases)."""
        out: Float = self.intercept[:, None] + self.contributions(self.segments(matrix)).sum(-1)
        return out

    def background_means(self, segments: Int) -> Float:
        """Mean contribution over background cases, shape (n_models, n_factors)."""
        out = np.empty((self.n_models, len(self.factors)))
        for j, f in enumerate(self.factors):
            counts = np.bincount(segments[:, j], minlength=f.n_known + 1)
            out[:, j] = f.table @ counts / counts.sum()
        return out

    def frame(self) -> pd.DataFrame:
        """Shape table of the fitted model, one row per factor segment.

        Columns: ``factor``, ``segment`` (plain label), ``lower`` and
        ``upper`` (interval bounds, NaN for levels and unknown), ``level``,
        ``contribution`` (log-odds, centred on the training mean) and
        ``n_train``.
        """
        rows: list[dict[str, object]] = []
        for f in self.factors:
            labels = segment_labels(f)
            bounds = np.concatenate([[-np.inf], f.thresholds, [np.inf]])
            for k, label in enumerate(labels):
                numeric = f.levels is None and k < f.n_known
                rows.append(
                    {
                        "factor": f.name,
                        "segment": label,
                        "lower": float(bounds[k]) if numeric else np.nan,
                        "upper": float(bounds[k + 1]) if numeric else np.nan,
                        "level": f.levels[k] if f.levels is not None and k < f.n_known else None,
                        "contribution": float(f.table[0, k]),
                        "n_train": int(f.n_train[k]),
                    }
                )
        return pd.DataFrame(rows)


def centred(
    name: str,
    thresholds: Float,
    levels: tuple[str, ...] | None,
    table: Float,
    train_segments: Int,
) -> tuple[FactorShape, Float]:
    """Centre ``table`` on the training mean and return the shape and the shifts.

    A level no training case had, and *unknown* when no value was unknown at
    fit time, are set to the training mean: the model has no information
    about them, so they contribute nothing.
    """
    n_train = np.bincount(train_segments, minlength=table.shape[1]).astype(np.int64)
    shift = table @ n_train / n_train.sum()
    out = table - shift[:, None]
    empty = n_train == 0
    if levels is None:
        empty[:-1] = False
    out[:, empty] = 0.0
    return FactorShape(name, thresholds, levels, out, n_train), shift
