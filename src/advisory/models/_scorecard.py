"""A scorecard: binned factors with a penalised, monotone-constrained logistic model."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from advisory._checks import check_choice, check_fraction, check_int
from advisory._errors import ParameterError
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
    known values (every distinct value gets its own bin when there are few;
    bins with fewer than ``min_samples_bin`` known cases are merged). Bin
    weights are modelled as cumulative steps from the lowest bin. A factor
    declared increasing has non-negative steps, one declared decreasing
    non-positive steps, so its contribution is monotone by construction. A
    categorical factor gets one weight per level.

    *Unknown* (``NaN``) values get their own weight, never the weight of zero,
    measured from the factor's mean contribution over the known training
    cases: with little evidence, an unknown value counts as a typical known
    case, not as "no concern".

    **Penalty.** The weights of each factor (its steps or levels and its
    unknown weight) form a group, penalised by ``alpha`` times a mix of a
    group lasso (share ``selection_ratio``: the Euclidean norm of the group,
    scaled by the square root of its size) and a ridge (the rest; it pulls
    neighbouring bins together and shares the effect of a source's
    coverage gap among its factors). The group lasso sets *every* weight of
    a factor to exactly zero when the data do not support it, so a factor
    with no evidence contributes nothing to any case and is never called out
    by an explanation. ``alpha`` is chosen inside ``fit`` by stratified
    ``cv``-fold cross-validated log-loss over a grid running down from the
    smallest penalty that removes every factor; by default the largest
    penalty whose log-loss is within one standard error of the best (the
    "one standard error" rule), which favours the simpler explanation when
    the data cannot tell the two apart. The problem is convex and solved
    exactly by proximal Newton steps; the folds and the bootstrap refits are
    solved together, vectorised, and the refits reuse the chosen ``alpha``.

    Parameters
    ----------
    max_bins : int, default=8
        Most bins per numeric factor (>= 2).
    min_samples_bin : int, default=50
        Fewest known training cases in a bin (>= 1); sparser bins are merged
        into their neighbours, so no weight rests on a handful of cases.
    alphas : int or sequence of float, default=12
        Penalties to choose from: an int ``k >= 2`` for ``k`` values on a log scale
        from the smallest penalty that removes every factor down to 1e-4 of
        it, or the values themselves (one value: no cross-validation).
    selection_ratio : float, default=0.5
        Share of the penalty given to the group lasso, in [0, 1]; 0 is a
        pure ridge (no factor removed).
    cv : int, default=5
        Cross-validation folds (>= 2), stratified by outcome; fewer when a
        class has fewer cases.
    cv_rule : {"one_se", "min"}, default="one_se"
        ``"one_se"``: the largest penalty within one standard error of the
        best mean held-out log-loss; ``"min"``: the best.
    monotone_constraints : dict of str to {-1, 0, 1} or None, default=None
        Sign of the constraint per factor; missing factors are free.
        :meth:`from_spec` fills it from a model specification.
    n_resamples : int, default=30
        Bootstrap refits kept for stability intervals (0 for none). The refits
        are solved together as one vectorised problem at fit time.
    random_state : int, RandomState or None, default=None
        Seed of the cross-validation folds and the bootstrap resamples.

    Attributes
    ----------
    shapes_ : AdditiveShapes
        Intercepts and shape functions of the model and its refits.
    coef_ : ndarray of shape (n_encoded,)
        Weights of the encoded (bin step, level, unknown) columns.
    intercept_ : float
        Intercept of the encoded linear model.
    alpha_ : float
        The chosen penalty.
    alphas_ : ndarray of shape (n_evaluated,)
        Penalties evaluated, largest first (the walk stops once the held-out
        log-loss has stopped improving).
    cv_log_loss_ : ndarray of shape (n_evaluated, n_folds)
        Held-out mean log-loss per penalty and fold (no columns when no
        cross-validation was run).
    classes_, n_features_in_, feature_names_in_
        As in scikit-learn.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.poisson(1.0, 400).astype(float), "b": rng.normal(size=400)})
    >>> y = (rng.random(400) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    >>> model = ScorecardClassifier(
    ...     monotone_constraints={"a": 1}, n_resamples=0, random_state=0
    ... ).fit(X, y)
    >>> shape = model.shape_functions()
    >>> a = shape[(shape.factor == "a") & (shape.segment != "unknown")].contribution
    >>> bool(np.all(np.diff(a) >= 0))
    True
    >>> model.cv_log_loss_.shape[1], bool(model.alpha_ in model.alphas_)
    (5, True)
    """

    coef_: Float
    _unknown_fill_: tuple[Float, ...]
    intercept_: float
    alpha_: float
    alphas_: Float
    cv_log_loss_: Float

    def __init__(
        self,
        *,
        max_bins: int = 8,
        min_samples_bin: int = 50,
        alphas: int | Sequence[float] = 12,
        selection_ratio: float = 0.5,
        cv: int = 5,
        cv_rule: Literal["one_se", "min"] = "one_se",
        monotone_constraints: Mapping[str, int] | None = None,
        n_resamples: int = 30,
        random_state: Any = None,
    ) -> None:
        self.max_bins = max_bins
        self.min_samples_bin = min_samples_bin
        self.alphas = alphas
        self.selection_ratio = selection_ratio
        self.cv = cv
        self.cv_rule = cv_rule
        self.monotone_constraints = monotone_constraints
        self.n_resamples = n_resamples
        self.random_state = random_state

    def _check_params(self, layout: Layout) -> None:
        owner = self._owner
        check_int(self.max_bins, "max_bins", owner, minimum=2)
        check_int(self.min_samples_bin, "min_samples_bin", owner, minimum=1)
        check_fraction(self.selection_ratio, "selection_ratio", owner)
        check_int(self.cv, "cv", owner, minimum=2)
        check_choice(self.cv_rule, "cv_rule", owner, ("one_se", "min"))
        if isinstance(self.alphas, numbers.Integral):
            check_int(self.alphas, "alphas", owner, minimum=2)
            return
        expected = "an int >= 2 or a non-empty sequence of finite numbers > 0"
        try:
            values = np.asarray(self.alphas, dtype=np.float64)
        except (TypeError, ValueError):
            raise ParameterError("alphas", owner, expected, self.alphas) from None
        if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
            raise ParameterError("alphas", owner, expected, self.alphas)

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
        design = np.column_stack([np.ones(len(y01)), self._blocks(segments)])
        factor_of = np.asarray(column_factor, dtype=np.intp)
        groups = tuple(
            np.flatnonzero(factor_of == j) + 1
            for j in range(len(layout.names))
            if (factor_of == j).any()
        )
        problem = _Problem(
            design=design,
            y=y01,
            groups=groups,
            starts=np.array([g[0] - 1 for g in groups], dtype=np.intp),
            scale=np.sqrt([len(g) for g in groups]).astype(np.float64),
            lower=np.array([-np.inf, *lower]),
            upper=np.array([np.inf, *upper]),
            ratio=float(self.selection_ratio),
        )
        prior = float(np.clip(y01.mean(), 1e-6, 1 - 1e-6))
        start = np.zeros((1, design.shape[1]))
        start[0, 0] = np.log(prior / (1 - prior))
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

        # One BLAS thread: the matrices are small, and on a shared machine
        # threaded BLAS spends far longer waiting than computing.
        with threadpool_limits(limits=1, user_api="blas"):
            rng = check_random_state(self.random_state)
            self.alphas_, self.cv_log_loss_, chosen, warm = self._cross_validate(
                problem, y01, start, prior, rng
            )
            self.alpha_ = float(self.alphas_[chosen])
            full = np.full((1, len(y01)), 1.0 / len(y01))
            theta = _fit_penalised(problem, full, np.array([self.alpha_]), warm)
            if self.n_resamples:
                counts = bootstrap_counts(len(y01), self.n_resamples, rng)
                counts /= counts.sum(1, keepdims=True)
                alpha = np.full(self.n_resamples, self.alpha_)
                refits = _fit_penalised(problem, counts, alpha, np.repeat(theta, len(counts), 0))
                theta = np.vstack([theta, refits])
        self.intercept_ = float(theta[0, 0])
        self.coef_ = theta[0, 1:].copy()
        self.shapes_ = self._shapes(theta, thresholds, segments)

    def _alpha_grid(self, problem: _Problem, prior: float) -> Float:
        if isinstance(self.alphas, numbers.Integral):
            top = problem.alpha_max(prior)
            return (top if top > 0 else 1.0) * np.geomspace(1.0, 1e-4, int(self.alphas))
        return np.sort(np.asarray(self.alphas, dtype=np.float64))[::-1]

    def _cross_validate(
        self, problem: _Problem, y01: Float, start: Float, prior: float, rng: Any
    ) -> tuple[Float, Float, int, Float]:
        """Choose the penalty by stratified K-fold cross-validated log-loss.

        Returns the penalties evaluated, the held-out log-loss table, the
        index of the chosen penalty and a warm start for the full fit.

        Walks the grid from the largest penalty down, warm-starting each fold
        model from the previous penalty, and stops once two penalties in a
        row do not improve on the best mean held-out log-loss.
        """
        grid = self._alpha_grid(problem, prior)
        minority = int(min(y01.sum(), len(y01) - y01.sum()))
        n_folds = min(self.cv, minority)
        if len(grid) == 1 or n_folds < 2:
            # One penalty given, or too few cases of a class to cross-validate:
            # keep the given penalty, or the largest (the model of the prior).
            return grid[:1], np.empty((1, 0)), 0, start
        fold = np.empty(len(y01), dtype=np.intp)
        for label in (0.0, 1.0):
            rows = rng.permutation(np.flatnonzero(y01 == label))
            fold[rows] = np.arange(len(rows)) % n_folds
        train = np.stack([(fold != k).astype(np.float64) for k in range(n_folds)])
        train /= train.sum(1, keepdims=True)
        theta = np.repeat(start, n_folds, axis=0)
        losses: list[Float] = []
        starts: list[Float] = []
        for alpha in grid:
            theta = _fit_penalised(problem, train, np.full(n_folds, alpha), theta, step_tol=1e-5)
            z = theta @ problem.design.T
            loss = np.logaddexp(0.0, z) - problem.y * z
            losses.append(np.array([loss[k, fold == k].mean() for k in range(n_folds)]))
            starts.append(theta.mean(0, keepdims=True))
            means = np.array([f.mean() for f in losses])
            if len(means) >= 3 and means[-1] > means.min() and means[-2] > means.min():
                break
        table = np.array(losses)
        means = table.mean(1)
        best = int(means.argmin())
        chosen = best
        if self.cv_rule == "one_se":
            error = table[best].std(ddof=1) / np.sqrt(n_folds)
            chosen = int(np.flatnonzero(means <= means[best] + error)[0])
        return grid[: len(table)], table, chosen, starts[chosen]

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


@dataclass(frozen=True)
class _Problem:
    """A penalised logistic problem shared by several models (row weights differ).

    ``design`` has the intercept as column 0; ``groups`` holds the columns of
    each factor (contiguous, in order) and ``starts`` their first column
    counted after the intercept; ``lower``/``upper`` are sign constraints (0
    or infinite).
    """

    design: Float
    y: Float
    groups: tuple[Int, ...]
    starts: Int
    scale: Float
    lower: Float
    upper: Float
    ratio: float

    @property
    def sizes(self) -> Int:
        """Number of columns of each group."""
        return np.diff(np.append(self.starts, self.design.shape[1] - 1))

    def penalties(self, alpha: Float) -> tuple[Float, Float]:
        """Ridge per column, shape (M, q), and group weight per model, shape (M,)."""
        ridge = np.repeat(alpha[:, None] * (1.0 - self.ratio), self.design.shape[1], axis=1)
        ridge[:, 0] = 0.0
        return ridge, alpha * self.ratio

    def objective(self, weights: Float, theta: Float, ridge: Float, lam: Float) -> Float:
        """Weighted mean log-loss plus penalty, per model."""
        z = theta @ self.design.T
        out: Float = (weights * (np.logaddexp(0.0, z) - self.y * z)).sum(1)
        out += 0.5 * (ridge * theta**2).sum(1)
        for columns, s in zip(self.groups, self.scale, strict=True):
            out += lam * s * np.sqrt((theta[:, columns] ** 2).sum(1))
        return out

    def alpha_max(self, prior: float) -> float:
        """Smallest penalty at which every factor's weights are zero (null model)."""
        gradient = (prior - self.y) @ self.design / len(self.y)
        largest = 0.0
        for columns, s in zip(self.groups, self.scale, strict=True):
            feasible = np.clip(-gradient[columns], self.lower[columns], self.upper[columns])
            largest = max(largest, float(np.linalg.norm(feasible)) / s)
        return largest / max(self.ratio, 1e-3)


def _prox(problem: _Problem, v: Float, threshold: Float) -> Float:
    """Proximal map of the group penalty with sign constraints (project, then shrink).

    For a cone constraint the two maps compose: project each factor's weights
    onto their allowed signs, then shrink the factor's weight vector towards
    zero by ``threshold`` (per model and factor), to exactly zero when its
    norm is below it. A factor's columns are contiguous, in factor order.
    """
    out = np.clip(v, problem.lower, problem.upper)
    if not problem.groups:
        return out
    norm = np.sqrt(np.add.reduceat(out[:, 1:] ** 2, problem.starts, axis=1))
    keep = np.maximum(0.0, 1.0 - threshold / np.maximum(norm, 1e-300))
    out[:, 1:] *= np.repeat(keep, problem.sizes, axis=1)
    return out


def _quadratic_step(
    problem: _Problem, hessian: Float, gradient: Float, theta: Float, lam: Float, tol: float
) -> Float:
    """Minimise the local quadratic model plus the group penalty, by ADMM.

    Splits ``beta`` (quadratic) from ``z`` (penalty and signs); the ADMM
    penalty is constant within a factor so ``z``'s update is :func:`_prox`.
    Vectorised over models. Returns ``z``: feasible, with exact zeros.
    """
    m, q = theta.shape
    diag = hessian[:, np.arange(q), np.arange(q)]
    rho = np.empty((m, q))
    rho[:, 0] = diag[:, 0]
    threshold = np.empty((m, len(problem.groups)))
    for g, columns in enumerate(problem.groups):
        rho[:, columns] = diag[:, columns].mean(1, keepdims=True)
        threshold[:, g] = lam * problem.scale[g] / rho[:, columns[0]]
    inverse = np.linalg.inv(hessian + rho[:, :, None] * np.eye(q))
    linear = np.einsum("mqk,mk->mq", hessian, theta) - gradient
    z = theta.copy()
    u = np.zeros_like(theta)
    for _ in range(10_000):
        beta = np.einsum("mqk,mk->mq", inverse, linear + rho * (z - u))
        new = _prox(problem, beta + u, threshold)
        u += beta - new
        change = float(np.abs(new - z).max(initial=0.0))
        residual = float(np.abs(beta - new).max(initial=0.0))
        z = new
        if change < tol and residual < tol:
            break
    return z


def _gram(design: Float, root: Float) -> Float:
    """``design.T @ diag(root**2) @ design``, as one symmetric product."""
    scaled = design * root[:, None]
    out: Float = scaled.T @ scaled
    return out


def _fit_penalised(
    problem: _Problem,
    weights: Float,
    alpha: Float,
    theta: Float,
    *,
    step_tol: float = 1e-7,
    max_iter: int = 100,
) -> Float:
    """Fit one penalised logistic model per row of ``weights`` (rows sum to 1).

    Proximal Newton: each step minimises the penalised local quadratic model
    (:func:`_quadratic_step`), followed by a backtracking line search on the
    exact objective. Returns ``theta`` of shape (n_models, q): intercept, weights.
    """
    theta = theta.copy()
    ridge_all, lam_all = problem.penalties(alpha)
    value = problem.objective(weights, theta, ridge_all, lam_all)
    todo = np.arange(len(theta))
    q = theta.shape[1]
    tol = 1e-6
    for _ in range(max_iter):
        if len(todo) == 0:
            return theta
        current, ridge, lam, w = theta[todo], ridge_all[todo], lam_all[todo], weights[todo]
        p = expit(current @ problem.design.T)
        gradient = ((p - problem.y) * w) @ problem.design + ridge * current
        hessian = np.stack([_gram(problem.design, r) for r in np.sqrt(w * p * (1.0 - p))])
        hessian[:, np.arange(q), np.arange(q)] += ridge + 1e-10
        step = _quadratic_step(problem, hessian, gradient, current, lam, tol) - current
        size = np.ones(len(todo))
        before = value[todo]
        after = problem.objective(w, current + step, ridge, lam)
        for _ in range(40):
            worse = after > before
            if not worse.any():
                break
            size[worse] /= 2
            candidate = current[worse] + size[worse, None] * step[worse]
            after[worse] = problem.objective(w[worse], candidate, ridge[worse], lam[worse])
        improved = after <= before
        moved = size[:, None] * step
        theta[todo[improved]] = current[improved] + moved[improved]
        value[todo[improved]] = after[improved]
        largest = np.abs(moved).max(1, initial=0.0)
        tol = max(1e-10, min(tol, 1e-3 * float(largest.max(initial=0.0))))
        done = (
            ~improved | (largest < step_tol) | (before - after <= 1e-13 * np.maximum(1.0, before))
        )
        todo = todo[~done]
    warnings.warn(
        "ScorecardClassifier's solver stopped before converging; give larger 'alphas' or "
        "reduce 'max_bins'.",
        ConvergenceWarning,
        stacklevel=4,
    )
    return theta
