"""A scorecard: binned factors with a penalised, monotone-constrained logistic model."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.linalg import solve_triangular
from scipy.optimize import lsq_linear
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning

from advisory._checks import check_int, check_positive
from advisory.models._additive import AdditiveClassifier
from advisory.models._base import bootstrap_counts
from advisory.models._frame import Layout
from advisory.models._shapes import AdditiveShapes, FactorShape, centred

__all__ = ["ScorecardClassifier"]

Float = npt.NDArray[np.float64]
Int = npt.NDArray[np.intp]


def _thresholds(column: Float, max_bins: int, min_samples_bin: int) -> Float:
    """Upper bounds of at most ``max_bins`` bins, each holding ``min_samples_bin`` known cases.

    Examples
    --------
    >>> column = np.array([0.0] * 60 + [1.0] * 30 + [2.0] * 5 + [3.0] * 2 + [np.nan])
    >>> _thresholds(column, 8, 1).tolist()
    [0.0, 1.0, 2.0]
    >>> _thresholds(column, 8, 10).tolist()
    [0.0]
    """
    values = column[~np.isnan(column)]
    unique = np.unique(values)
    if len(unique) <= max_bins:
        cuts = unique[:-1].astype(np.float64)
    else:
        cuts = np.quantile(values, np.linspace(0, 1, max_bins + 1)[1:-1], method="inverted_cdf")
        cuts = np.unique(cuts)
        cuts = cuts[cuts < unique[-1]]
    # Merge bins with too few cases: a sparse tail bin would otherwise get a
    # large, unstable weight (a noise factor "standing out" on a handful of cases).
    below = np.searchsorted(np.sort(values), cuts, side="right")
    kept: list[float] = []
    last = 0
    for cut, n_below in zip(cuts, below, strict=True):
        if n_below - last >= min_samples_bin and len(values) - n_below >= min_samples_bin:
            kept.append(float(cut))
            last = int(n_below)
    return np.asarray(kept, dtype=np.float64)


class ScorecardClassifier(AdditiveClassifier):
    """Scorecard: each factor binned, one weight per bin, penalised logistic fit.

    A numeric factor is cut into at most ``max_bins`` bins at quantiles of its
    known values (every distinct value gets its own bin when there are few).
    Bin weights are modelled as cumulative steps from the lowest bin, with a
    ridge penalty ``alpha`` on the steps (neighbouring bins are pulled
    together). A factor declared increasing has non-negative steps, one
    declared decreasing non-positive steps, so its contribution is monotone
    by construction; the bound-constrained problem is solved with L-BFGS-B.
    *Unknown* (``NaN``) values get their own weight, never the weight of zero,
    and that weight is penalised towards the factor's mean contribution over
    the known training cases, not towards the lowest bin: with little
    evidence, an unknown value counts as a typical known case. (Shrinking it
    towards the lowest bin would read "not recorded" as "no concern", and the
    gap would be made up by the unknown weights of the other factors from the
    same source, including pure-noise ones.) A categorical factor gets one
    penalised weight per level.

    Parameters
    ----------
    max_bins : int, default=8
        Most bins per numeric factor (>= 2).
    min_samples_bin : int, default=50
        Fewest known training cases in a bin (>= 1); sparser bins are merged
        into their neighbours, so no weight rests on a handful of cases.
    alpha : float, default=5.0
        Ridge penalty on bin steps and level weights (> 0), relative to the
        summed log-loss.
    monotone_constraints : dict of str to {-1, 0, 1} or None, default=None
        Sign of the constraint per factor; missing factors are free.
        :meth:`from_spec` fills it from a model specification.
    n_resamples : int, default=30
        Bootstrap refits kept for stability intervals (0 for none). The refits
        are solved together as one vectorised problem at fit time.
    random_state : int, RandomState or None, default=None
        Seed of the bootstrap resamples.

    Attributes
    ----------
    shapes_ : AdditiveShapes
        Intercepts and shape functions of the model and its refits.
    coef_ : ndarray of shape (n_encoded,)
        Weights of the encoded (bin step, level, unknown) columns.
    intercept_ : float
        Intercept of the encoded linear model.
    classes_, n_features_in_, feature_names_in_
        As in scikit-learn.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.poisson(1.0, 400).astype(float), "b": rng.normal(size=400)})
    >>> y = (rng.random(400) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    >>> model = ScorecardClassifier(monotone_constraints={"a": 1}, n_resamples=0).fit(X, y)
    >>> shape = model.shape_functions()
    >>> a = shape[(shape.factor == "a") & (shape.segment != "unknown")].contribution
    >>> bool(np.all(np.diff(a) >= 0))
    True
    """

    coef_: Float
    _unknown_fill_: tuple[Float, ...]
    intercept_: float

    def __init__(
        self,
        *,
        max_bins: int = 8,
        min_samples_bin: int = 50,
        alpha: float = 5.0,
        monotone_constraints: Mapping[str, int] | None = None,
        n_resamples: int = 30,
        random_state: Any = None,
    ) -> None:
        self.max_bins = max_bins
        self.min_samples_bin = min_samples_bin
        self.alpha = alpha
        self.monotone_constraints = monotone_constraints
        self.n_resamples = n_resamples
        self.random_state = random_state

    def _check_params(self, layout: Layout) -> None:
        check_int(self.max_bins, "max_bins", self._owner, minimum=2)
        check_int(self.min_samples_bin, "min_samples_bin", self._owner, minimum=1)
        check_positive(self.alpha, "alpha", self._owner)

    # -- encoding -------------------------------------------------------------

    def _blocks(self, segments: Int) -> Float:
        """Build the encoded design matrix from segment indices.

        Unknown rows take, in the bin-step (or level) columns, the share of
        known training cases in each (``_unknown_fill_``), so the unknown
        column's weight is the difference from the mean known contribution.
        """
        columns: list[Float] = []
        for j, (n_known, categorical, has_unknown) in enumerate(self._encoding_):
            seg = segments[:, j]
            unknown = seg == n_known
            fill = self._unknown_fill_[j]
            if categorical:
                block = [(seg == k).astype(np.float64) for k in range(n_known)]
            else:
                block = [((seg >= k) & ~unknown).astype(np.float64) for k in range(1, n_known)]
            for column, share in zip(block, fill, strict=True):
                column[unknown] = share
            columns += block
            if has_unknown:
                columns.append(unknown.astype(np.float64))
        if not columns:
            return np.zeros((segments.shape[0], 0))
        return np.column_stack(columns)

    def _design_matrix(self, X: Any) -> tuple[Float, list[int]]:
        """Return the encoded columns for ``X`` and the factor index of each column.

        This is the matrix the logistic model is linear in; shap's
        ``LinearExplainer`` on it (with ``coef_`` and ``intercept_``) gives
        values that sum, per factor, to this model's attributions.
        """
        matrix = self._matrix(X, "_design_matrix")
        return self._blocks(self.shapes_.segments(matrix)), list(self._column_factor_)

    def _margin(self, matrix: Float) -> Float:
        design = self._blocks(self.shapes_.segments(matrix))
        out: Float = design @ self.coef_ + self.intercept_
        return out

    # -- fitting --------------------------------------------------------------

    def _fit_matrix(self, matrix: Float, y01: Float) -> None:
        layout = self.layout_
        thresholds: list[Float] = []
        encoding: list[tuple[int, bool, bool]] = []
        segments = np.empty(matrix.shape, dtype=np.intp)
        lower: list[float] = []
        upper: list[float] = []
        column_factor: list[int] = []
        fill: list[Float] = []
        for j, levels in enumerate(layout.levels):
            column = matrix[:, j]
            has_unknown = bool(np.isnan(column).any())
            if levels is None:
                t = _thresholds(column, self.max_bins, self.min_samples_bin)
                n_known = len(t) + 1
                seg = np.searchsorted(t, column, side="left")
                sign = self.monotone_[j]
                n_steps = n_known - 1
                lower += [0.0 if sign > 0 else -np.inf] * n_steps
                upper += [0.0 if sign < 0 else np.inf] * n_steps
            else:
                t = np.empty(0)
                n_known = len(levels)
                seg = np.where(np.isnan(column), 0, column).astype(np.intp)
                n_steps = n_known
                lower += [-np.inf] * n_steps
                upper += [np.inf] * n_steps
            seg[np.isnan(column)] = n_known
            segments[:, j] = seg
            counts = np.bincount(seg, minlength=n_known + 1)[:n_known].astype(np.float64)
            shares = counts / counts.sum()
            fill.append(shares if levels is not None else np.cumsum(shares[::-1])[::-1][1:])
            thresholds.append(t)
            encoding.append((n_known, levels is not None, has_unknown))
            column_factor += [j] * (n_steps + int(has_unknown))
            if has_unknown:
                lower.append(-np.inf)
                upper.append(np.inf)
        self._encoding_ = encoding
        self._unknown_fill_ = tuple(fill)
        self._column_factor_ = tuple(column_factor)
        design = self._blocks(segments)
        bounds = (np.array(lower), np.array(upper))
        prior = float(np.clip(y01.mean(), 1e-6, 1 - 1e-6))
        theta = _fit_logistic(design, y01, np.ones((1, len(y01))), self.alpha, bounds, prior)
        if self.n_resamples:
            weights = bootstrap_counts(len(y01), self.n_resamples, self.random_state)
            refits = _fit_logistic(design, y01, weights, self.alpha, bounds, prior)
            theta = np.vstack([theta, refits])
        self.intercept_ = float(theta[0, 0])
        self.coef_ = theta[0, 1:].copy()
        self.shapes_ = self._shapes(theta, thresholds, segments)

    def _shapes(self, theta: Float, thresholds: list[Float], segments: Int) -> AdditiveShapes:
        intercept = theta[:, 0].copy()
        factors: list[FactorShape] = []
        position = 1
        for j, (n_known, categorical, has_unknown) in enumerate(self._encoding_):
            table = np.zeros((theta.shape[0], n_known + 1))
            if categorical:
                weights = theta[:, position : position + n_known]
                table[:, :n_known] = weights
                position += n_known
            else:
                weights = theta[:, position : position + n_known - 1]
                table[:, 1:n_known] = np.cumsum(weights, axis=1)
                position += n_known - 1
            # Unknown: the mean known contribution plus the unknown weight.
            table[:, n_known] = weights @ self._unknown_fill_[j]
            if has_unknown:
                table[:, n_known] += theta[:, position]
                position += 1
            shape, shift = centred(
                self.layout_.names[j],
                thresholds[j],
                self.layout_.levels[j],
                table,
                segments[:, j],
            )
            factors.append(shape)
            intercept += shift
        return AdditiveShapes(intercept, tuple(factors))


def _fit_logistic(
    design: Float,
    y: Float,
    weights: Float,
    alpha: float,
    bounds: tuple[Float, Float],
    prior: float,
) -> Float:
    """Fit one penalised logistic model per row of ``weights``.

    Bound-constrained Newton: each step minimises the local quadratic model
    within the bounds (a bounded least-squares problem on the Cholesky factor
    of the Hessian, solved by BVLS), followed by a backtracking line search.
    Returns ``theta`` of shape (n_models, 1 + n_columns): intercept, weights.
    """
    n, q = design.shape
    d1 = np.column_stack([np.ones(n), design])
    lo = np.concatenate([[-np.inf], bounds[0]])
    hi = np.concatenate([[np.inf], bounds[1]])
    ridge = np.concatenate([[0.0], np.full(q, alpha)])
    out = np.empty((weights.shape[0], q + 1))
    for m, w in enumerate(weights):
        out[m] = _newton(d1, y, w, ridge, lo, hi, prior)
    return out


def _objective(d1: Float, y: Float, w: Float, ridge: Float, theta: Float) -> float:
    z = d1 @ theta
    return float(w @ (np.logaddexp(0.0, z) - y * z) + 0.5 * ridge @ theta**2)


def _newton(
    d1: Float, y: Float, w: Float, ridge: Float, lo: Float, hi: Float, prior: float
) -> Float:
    theta = np.zeros(d1.shape[1])
    theta[0] = np.log(prior / (1 - prior))
    current = _objective(d1, y, w, ridge, theta)
    for _ in range(100):
        p = expit(d1 @ theta)
        grad = d1.T @ (w * (p - y)) + ridge * theta
        hess = (d1 * (w * p * (1 - p))[:, None]).T @ d1 + np.diag(ridge + 1e-9)
        chol = np.linalg.cholesky(hess)
        rhs = -solve_triangular(chol, grad, lower=True)
        step = lsq_linear(chol.T, rhs, bounds=(lo - theta, hi - theta), method="bvls").x
        size = 1.0
        while True:
            candidate = np.clip(theta + size * step, lo, hi)
            value = _objective(d1, y, w, ridge, candidate)
            if value <= current or size < 1e-8:
                break
            size /= 2
        converged = current - value < 1e-10 * max(1.0, abs(current))
        theta, current = candidate, min(value, current)
        if converged:
            return np.asarray(theta, dtype=np.float64)
    warnings.warn(
        "ScorecardClassifier's solver stopped before converging; increase 'alpha' or "
        "reduce 'max_bins'.",
        ConvergenceWarning,
        stacklevel=4,
    )
    return theta
