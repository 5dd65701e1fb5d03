"""The one bootstrap engine: replicate counts, interval rules and weighted metrics.

Model validation (:func:`advisory.models.validate`) and every audit
(:mod:`advisory.fairness`) draw their replicates, compute their metrics and
turn them into intervals here, so they follow the same rules:

- **Replicate counts.** A replicate is a row of a count matrix: how often
  each case is drawn, Poisson(1) per case (:func:`poisson_counts`), drawn in
  chunks of :data:`CHUNK` replicates from one generator
  (:func:`replicate_counts`). Every group and every scorer of one analysis
  reads the same draw, so differences are paired.
- **Interval rule.** A bootstrap interval is the percentile interval of the
  finite replicate values; when fewer than :data:`MIN_FINITE_SHARE` of the
  replicates give a finite value (a metric undefined in many resamples,
  such as an AUC of a group with few outcomes), there is no interval
  (:func:`percentile_interval`). A proportion of counts has no bootstrap
  interval: it gets the mid-p interval of its binomial count
  (:func:`proportion_interval`), and a difference or ratio of two
  independent proportions the MOVER interval built from them
  (:func:`difference_interval`, :func:`ratio_interval`); percentile
  intervals collapse to a point at 0 and 1, these do not.
- **Weighted metrics.** :func:`group_metrics` computes ROC-AUC, average
  precision, Brier score, calibration intercept and slope, means and
  operating-point rates for every replicate at once from the counts.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "CHUNK",
    "MIN_FINITE_SHARE",
    "GroupData",
    "difference_interval",
    "group_metrics",
    "metrics_by_counts",
    "percentile_bounds",
    "percentile_interval",
    "poisson_counts",
    "proportion_interval",
    "ratio_interval",
    "replicate_counts",
]

#: Replicates drawn together (bounds memory to about n_rows x CHUNK bytes).
CHUNK: Final = 100
#: A bootstrap interval needs at least this share of finite replicate values.
MIN_FINITE_SHARE: Final = 0.9
#: Scores are clipped to [EPS, 1 - EPS] before taking logits.
_EPS: Final = 1e-9
#: Groups up to this size get exact Newton steps after the one-step update.
_EXACT_NEWTON_MAX_ROWS: Final = 1_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
CountArray = npt.NDArray[np.number[Any]]

# Columns of GroupData.columns: what each replicate's counts are projected on.
_TOTAL, _POS, _SUM_S, _SQ = 0, 1, 2, 3
_CITL = slice(4, 6)  # residual and weight at the full-sample intercept
_SLOPE = slice(6, 11)  # r, r x, w, w x, w x^2 at the full-sample intercept and slope
_SEL, _TP, _FN, _FP = 11, 12, 13, 14


@dataclass(frozen=True)
class GroupData:
    """One group's rows, ordered for the metrics, with what they need.

    Rows are ordered negatives first, then positives, each by ascending score,
    so each outcome's counts are one contiguous slice of a replicate.

    Attributes
    ----------
    order : ndarray of int
        The group's rows (as given to :meth:`build`) in this order.
    score, label, prediction : ndarray
        In this order; ``prediction`` is None without an operating point.
    n_neg : int
        Number of negative rows (where the positives start).
    columns : ndarray of shape (n_rows, n_columns)
        Per-row values whose count-weighted sums give the rates and the
        one-step calibration updates.
    pos_bounds : ndarray of int
        Start of each block of positives with tied scores, then their number.
    neg_below, neg_upto : ndarray of int
        For each block of positives, the negatives with a lower score, and
        with a lower or equal score.
    citl_start : float
        Full-sample calibration intercept (logit scale, slope fixed at 1).
    slope_start : tuple of float
        Full-sample calibration intercept and slope.
    """

    order: IntArray
    score: FloatArray
    label: FloatArray
    prediction: FloatArray | None
    n_neg: int
    columns: FloatArray
    pos_bounds: IntArray
    neg_below: IntArray
    neg_upto: IntArray
    citl_start: float
    slope_start: tuple[float, float]

    @classmethod
    def build(
        cls,
        score: FloatArray,
        label: FloatArray,
        prediction: FloatArray | None,
        *,
        calibrate: bool = True,
    ) -> GroupData:
        """Order a group's rows and fit the full-sample calibration.

        ``calibrate=False`` skips the calibration fits (for scores that are not
        probabilities); the calibration metrics are then NaN.
        """
        order = np.lexsort((score, label))
        s, y = score[order], label[order]
        p = None if prediction is None else prediction[order]
        n_neg = int(np.count_nonzero(y == 0))
        neg_s, pos_s = s[:n_neg], s[n_neg:]
        starts = np.flatnonzero(np.r_[True, pos_s[1:] != pos_s[:-1]])[: len(pos_s)]
        block_scores = pos_s[starts]
        x = _logit(s)
        ones = np.ones((1, len(s)))
        citl, a, c = np.nan, np.full(1, np.nan), np.full(1, np.nan)
        if calibrate:
            citl = float(_newton_offset(ones, x, y, np.zeros(1), exact_steps=50)[0])
            a, c = _newton_slope(ones, x, y, np.zeros(1), np.ones(1), exact_steps=50)
        p_citl = _sigmoid(citl + x)
        p_slope = _sigmoid(a[0] + c[0] * x)
        r, w = y - p_slope, p_slope * (1 - p_slope)
        columns = [np.ones_like(s), y, s, (s - y) ** 2, y - p_citl, p_citl * (1 - p_citl)]
        columns += [r, r * x, w, w * x, w * x * x]
        if p is not None:
            columns += [p, p * y, (1 - p) * y, p * (1 - y)]
        return cls(
            order=order,
            score=s,
            label=y,
            prediction=p,
            n_neg=n_neg,
            columns=np.ascontiguousarray(np.column_stack(columns)),
            pos_bounds=np.r_[starts, len(pos_s)].astype(np.intp),
            neg_below=np.searchsorted(neg_s, block_scores, side="left").astype(np.intp),
            neg_upto=np.searchsorted(neg_s, block_scores, side="right").astype(np.intp),
            citl_start=citl,
            slope_start=(float(a[0]), float(c[0])),
        )


#: Cumulative Poisson(1) probabilities times 65536, for drawing counts from uint16.
_POISSON_CUTS: Final = np.round(
    65536 * np.cumsum([np.exp(-1.0) / np.prod(np.arange(1, k + 1)) for k in range(8)])
).astype(np.uint32)[:-1]
#: The count of each uint16 draw: how many cuts it reaches (one lookup instead of 7 passes).
_POISSON_TABLE: Final = np.searchsorted(_POISSON_CUTS, np.arange(65536), side="right").astype(
    np.uint8
)


def poisson_counts(rng: np.random.Generator, n_rows: int, n_rep: int) -> npt.NDArray[np.uint8]:
    """How often each row is drawn in each replicate: Poisson(1), at most 7.

    The Poisson bootstrap draws every row independently Poisson(1) times; it
    is the large-sample equivalent of resampling rows with replacement and
    lets every group share one draw per replicate (counts above 7 have
    probability 1e-5 and are cut to 7). One replicate is one row of the
    result, so a replicate's counts are contiguous.

    Examples
    --------
    >>> import numpy as np
    >>> counts = poisson_counts(np.random.default_rng(0), 100_000, 2)
    >>> counts.shape, round(float(counts.mean()), 1)
    ((2, 100000), 1.0)
    """
    u = rng.integers(0, 65536, size=(n_rep, n_rows), dtype=np.uint16)
    out: npt.NDArray[np.uint8] = _POISSON_TABLE[u]
    return out


def _logit(s: FloatArray) -> FloatArray:
    c = np.clip(s, _EPS, 1 - _EPS)
    return np.asarray(np.log(c) - np.log1p(-c), dtype=np.float64)


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


def _newton_offset(
    counts: CountArray, x: FloatArray, y: FloatArray, a: FloatArray, *, exact_steps: int
) -> FloatArray:
    """Intercept ``a`` of logit P(y) = a + x (x as offset), one per row of counts."""
    for _ in range(exact_steps):
        p = _sigmoid(a[:, None] + x[None, :])
        grad = (counts * (y[None, :] - p)).sum(axis=1)
        hess = (counts * (p * (1 - p))).sum(axis=1)
        step = _ratio(grad, hess)
        a = a + step
        if counts.shape[0] == 1 and abs(step[0]) < 1e-12:
            break
    return a


def _newton_slope(
    counts: CountArray,
    x: FloatArray,
    y: FloatArray,
    a: FloatArray,
    c: FloatArray,
    *,
    exact_steps: int,
) -> tuple[FloatArray, FloatArray]:
    """Intercept and slope of logit P(y) = a + c x, one pair per row of counts."""
    for _ in range(exact_steps):
        p = _sigmoid(a[:, None] + c[:, None] * x[None, :])
        r = np.asarray(counts * (y[None, :] - p), dtype=np.float64)
        w = np.asarray(counts * (p * (1 - p)), dtype=np.float64)
        a, c, done = _solve_step(a, c, r.sum(axis=1), r @ x, w.sum(axis=1), w @ x, w @ (x * x))
        if counts.shape[0] == 1 and done:
            break
    return a, c


def _solve_step(
    a: FloatArray,
    c: FloatArray,
    g0: FloatArray,
    g1: FloatArray,
    h00: FloatArray,
    h01: FloatArray,
    h11: FloatArray,
) -> tuple[FloatArray, FloatArray, bool]:
    det = h00 * h11 - h01 * h01
    ok = det > 1e-12 * np.maximum(h00 * h11, 1e-300)
    safe = np.where(ok, det, 1.0)
    da = np.where(ok, (h11 * g0 - h01 * g1) / safe, np.nan)
    dc = np.where(ok, (h00 * g1 - h01 * g0) / safe, np.nan)
    done = bool(np.all(np.abs(da) < 1e-12) and np.all(np.abs(dc) < 1e-12))
    return a + da, c + dc, done


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    out: FloatArray = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _cumulative(counts: CountArray) -> npt.NDArray[Any]:
    """Return running totals along each replicate after a zero; exact for counts."""
    exact = np.int32 if np.issubdtype(counts.dtype, np.integer) else np.float64
    out = np.zeros((counts.shape[0], counts.shape[1] + 1), dtype=exact)
    np.cumsum(counts, axis=1, dtype=exact, out=out[:, 1:])
    return out


def _ranking(counts: CountArray, g: GroupData, want: set[str]) -> dict[str, FloatArray]:
    """ROC-AUC (ties count one half) and average precision, per replicate.

    Running totals of the negatives' and of the positives' counts, each in
    score order, read only at the boundaries of the positives' blocks of tied
    scores, give every block's positive weight, the negative weight below it
    (and tied with it) and the weight at or above it.
    """
    cum_neg = _cumulative(counts[:, : g.n_neg])
    cum_pos = _cumulative(counts[:, g.n_neg :])
    tied_pos = len(g.pos_bounds) <= cum_pos.shape[1] - 1
    at_bounds = np.take(cum_pos, g.pos_bounds, axis=1) if tied_pos else cum_pos
    block_pos = np.diff(at_bounds, axis=1)
    below = np.take(cum_neg, g.neg_below, axis=1)
    pos = cum_pos[:, -1].astype(np.float64)
    neg = cum_neg[:, -1].astype(np.float64)
    out: dict[str, FloatArray] = {}
    if "roc_auc" in want:
        tied = np.any(g.neg_upto > g.neg_below)
        twice = below + (np.take(cum_neg, g.neg_upto, axis=1) if tied else below)
        num = np.einsum("ij,ij->i", block_pos, twice, dtype=np.float64)
        out["roc_auc"] = _ratio(0.5 * num, pos * neg)
    if "pr_auc" in want:
        pos_above = (cum_pos[:, -1:] - at_bounds[:, :-1]).astype(np.float64)
        selected = pos_above + (cum_neg[:, -1:] - below)
        precision = np.divide(pos_above, selected, out=np.zeros_like(pos_above), where=selected > 0)
        num = np.einsum("ij,ij->i", block_pos, precision, dtype=np.float64)
        out["pr_auc"] = _ratio(num, pos)
    return out


def group_metrics(
    counts: CountArray, g: GroupData, metrics: tuple[str, ...]
) -> dict[str, FloatArray]:
    """Each metric for every replicate (row of ``counts``) of one group.

    Parameters
    ----------
    counts : ndarray of shape (n_replicates, n_rows)
        How often each of the group's rows (in ``g``'s order) was drawn;
        integer counts (such as :func:`poisson_counts`) keep the running
        totals exact.
    g : GroupData
        The group's rows.
    metrics : tuple of str
        Metrics to compute.

    Returns
    -------
    dict
        Metric name to an array of shape (n_replicates,).

    Examples
    --------
    >>> import numpy as np
    >>> g = GroupData.build(np.array([0.2, 0.4, 0.8]), np.array([0.0, 1.0, 1.0]), None)
    >>> group_metrics(np.ones((1, 3)), g, ("roc_auc", "observed_rate"))["roc_auc"]
    array([1.])
    """
    n_rep = counts.shape[0]
    weights = counts.astype(np.float32) if np.issubdtype(counts.dtype, np.integer) else counts
    # one matrix product for every rate and both one-step calibration updates
    sums = np.asarray(weights @ g.columns.astype(weights.dtype), dtype=np.float64).T
    total, pos, sum_s = sums[_TOTAL], sums[_POS], sums[_SUM_S]
    neg = total - pos
    out: dict[str, FloatArray] = {}
    want = set(metrics)
    if "mean_predicted" in want:
        out["mean_predicted"] = sum_s / total
    if "observed_rate" in want:
        out["observed_rate"] = pos / total
    if "predicted_minus_observed" in want:
        out["predicted_minus_observed"] = (sum_s - pos) / total
    if "brier" in want:
        out["brier"] = sums[_SQ] / total
    if want & {"roc_auc", "pr_auc"}:
        out.update(_ranking(counts, g, want))
    if want & {"calibration_in_the_large", "calibration_slope"}:
        s, y = g.score, g.label
        x = _logit(s)
        exact = 2 if len(s) <= _EXACT_NEWTON_MAX_ROWS and n_rep > 1 else 0
        if "calibration_in_the_large" in want:
            grad, hess = sums[_CITL]
            a = g.citl_start + _ratio(grad, hess)
            out["calibration_in_the_large"] = _newton_offset(weights, x, y, a, exact_steps=exact)
        if "calibration_slope" in want:
            a0, c0 = g.slope_start
            a1, c1, _ = _solve_step(np.full(n_rep, a0), np.full(n_rep, c0), *sums[_SLOPE])
            slope = _newton_slope(weights, x, y, a1, c1, exact_steps=exact)[1]
            out["calibration_slope"] = slope
    if g.prediction is not None:
        sel, tp_, fn, fp = sums[_SEL], sums[_TP], sums[_FN], sums[_FP]
        if "selection_rate" in want:
            out["selection_rate"] = sel / total
        if "false_positive_rate" in want:
            out["false_positive_rate"] = _ratio(fp, neg)
        if "false_negative_rate" in want:
            out["false_negative_rate"] = _ratio(fn, pos)
        if "precision" in want:
            out["precision"] = _ratio(tp_, sel)
    return {m: out[m] for m in metrics}


def metrics_by_counts(
    score: FloatArray,
    label: FloatArray,
    counts: CountArray,
    metrics: tuple[str, ...],
    *,
    calibrate: bool = True,
) -> dict[str, FloatArray]:
    """Each metric of one set of cases for every replicate (row of ``counts``).

    :meth:`GroupData.build` and :func:`group_metrics` in one call, with
    ``counts`` in the cases' own order.

    Examples
    --------
    >>> import numpy as np
    >>> out = metrics_by_counts(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0.0, 0.0, 1.0, 1.0]),
    ...                         np.ones((1, 4)), ("roc_auc",), calibrate=False)
    >>> out["roc_auc"].tolist()
    [0.75]
    """
    g = GroupData.build(score, label, None, calibrate=calibrate)
    return group_metrics(np.take(counts, g.order, axis=1), g, metrics)


def replicate_counts(
    n_rows: int, n_boot: int, random_state: int | np.random.Generator | None
) -> Iterator[tuple[slice, npt.NDArray[np.uint8]]]:
    """Draw ``n_boot`` replicates over ``n_rows`` cases, :data:`CHUNK` at a time.

    Yields
    ------
    slice
        Which replicates this chunk holds.
    ndarray of shape (chunk, n_rows)
        :func:`poisson_counts` for these replicates.

    Examples
    --------
    >>> [(s.start, s.stop, c.shape) for s, c in replicate_counts(5, 150, 0)]
    [(0, 100, (100, 5)), (100, 150, (50, 5))]
    """
    rng = (
        random_state
        if isinstance(random_state, np.random.Generator)
        else np.random.default_rng(random_state)
    )
    for start in range(0, n_boot, CHUNK):
        stop = min(start + CHUNK, n_boot)
        yield slice(start, stop), poisson_counts(rng, n_rows, stop - start)


def percentile_interval(values: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Percentile interval of replicate values along the last axis.

    NaN where fewer than :data:`MIN_FINITE_SHARE` of the values are finite:
    dropping the replicates where a metric is undefined would keep only the
    resamples where it happens to be defined, and narrow the interval.

    Parameters
    ----------
    values : ndarray of shape (..., n_replicates)
        Replicate values.
    confidence : float
        Level of the interval, in (0, 1).

    Returns
    -------
    lower, upper : ndarray of shape (...)

    Examples
    --------
    >>> import numpy as np
    >>> lo, hi = percentile_interval(np.arange(101.0), 0.9)
    >>> round(float(lo), 6), round(float(hi), 6)
    (5.0, 95.0)
    >>> percentile_interval(np.r_[np.full(20, np.nan), np.arange(80.0)], 0.9)[0]
    array(nan)
    """
    alpha = (1 - confidence) / 2
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    enough = finite.sum(axis=-1) >= MIN_FINITE_SHARE * v.shape[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: masked below
        lo, hi = np.nanquantile(np.where(finite, v, np.nan), [alpha, 1 - alpha], axis=-1)
    return np.where(enough, lo, np.nan), np.where(enough, hi, np.nan)


def percentile_bounds(values: FloatArray, confidence: float) -> tuple[float, float]:
    """:func:`percentile_interval` of one metric's replicates, as two floats.

    Examples
    --------
    >>> [round(b, 6) for b in percentile_bounds(np.arange(101.0), 0.9)]
    [5.0, 95.0]
    """
    lo, hi = percentile_interval(values, confidence)
    return float(lo), float(hi)


def _bisect(
    f: Any, lo: FloatArray, hi: FloatArray, increasing: bool, steps: int = 60
) -> FloatArray:
    """Root of a monotone ``f`` in [lo, hi], elementwise."""
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        above = f(mid) > 0
        if increasing:
            hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
        else:
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return np.asarray(0.5 * (lo + hi), dtype=np.float64)


def proportion_interval(
    k: npt.ArrayLike, n: npt.ArrayLike, confidence: float
) -> tuple[FloatArray, FloatArray]:
    """Mid-p interval of a binomial proportion ``k / n``.

    The Clopper-Pearson interval with half the probability of the observed
    count on each side: its bounds solve ``P(X > k) + P(X = k) / 2 = alpha/2``
    (lower) and ``P(X < k) + P(X = k) / 2 = alpha/2`` (upper). It never
    collapses to a point at 0 or 1 (``k = 0`` gives ``[0, 1 - alpha**(1/n)]``)
    and its coverage stays close to the nominal level at small counts
    (tests/test_bootstrap.py computes it exactly over a grid). NaN where
    ``n`` is 0.

    Examples
    --------
    >>> lo, hi = proportion_interval([0, 5], [10, 10], 0.95)
    >>> [round(float(x), 3) for x in lo], [round(float(x), 3) for x in hi]
    ([0.0, 0.212], [0.259, 0.788])
    """
    from scipy.special import bdtr, bdtrc

    kk = np.asarray(k, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    kk, nn = np.broadcast_arrays(kk, nn)
    half = (1 - confidence) / 2
    safe_n = np.where(nn > 0, nn, 1).astype(np.int64)  # scipy's binomial functions take integers
    ki = np.clip(kk, 0, safe_n).astype(np.int64)
    below = np.maximum(ki - 1, 0)

    def pieces(p: FloatArray) -> tuple[FloatArray, FloatArray]:
        """P(X < k) and P(X = k) under p."""
        less = np.where(kk >= 1, bdtr(below, safe_n, p), 0.0)
        return less, bdtr(ki, safe_n, p) - less

    def lower_f(p: FloatArray) -> FloatArray:
        _, equal = pieces(p)
        return np.asarray(bdtrc(ki, safe_n, p) + 0.5 * equal - half)

    def upper_f(p: FloatArray) -> FloatArray:
        less, equal = pieces(p)
        return np.asarray(less + 0.5 * equal - half)

    zeros, ones = np.zeros(kk.shape), np.ones(kk.shape)
    lo = np.where(kk <= 0, 0.0, _bisect(lower_f, zeros, ones, increasing=True))
    hi = np.where(kk >= nn, 1.0, _bisect(upper_f, zeros, ones, increasing=False))
    bad = nn <= 0
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def difference_interval(
    k1: npt.ArrayLike,
    n1: npt.ArrayLike,
    k2: npt.ArrayLike,
    n2: npt.ArrayLike,
    confidence: float,
) -> tuple[FloatArray, FloatArray]:
    """MOVER interval of ``k1/n1 - k2/n2`` for two independent proportions.

    The method of variance estimates recovery (Newcombe's method 10, Zou and
    Donner) built from each proportion's :func:`proportion_interval`:
    ``d - sqrt((p1 - l1)**2 + (u2 - p2)**2)`` to
    ``d + sqrt((u1 - p1)**2 + (p2 - l2)**2)``.

    Examples
    --------
    >>> lo, hi = difference_interval(3, 30, 15, 50, 0.95)
    >>> round(float(lo), 3), round(float(hi), 3)
    (-0.356, -0.013)
    """
    p1 = np.asarray(k1, np.float64) / np.asarray(n1, np.float64)
    p2 = np.asarray(k2, np.float64) / np.asarray(n2, np.float64)
    l1, u1 = proportion_interval(k1, n1, confidence)
    l2, u2 = proportion_interval(k2, n2, confidence)
    d = p1 - p2
    return (
        np.asarray(d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)),
        np.asarray(d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)),
    )


def ratio_interval(
    k1: npt.ArrayLike,
    n1: npt.ArrayLike,
    k2: npt.ArrayLike,
    n2: npt.ArrayLike,
    confidence: float,
) -> tuple[FloatArray, FloatArray]:
    """MOVER interval of ``(k1/n1) / (k2/n2)``, built on the log scale.

    MOVER applied to ``log p1 - log p2`` with the logs of each proportion's
    :func:`proportion_interval`, then exponentiated. NaN when either count
    is 0 (the ratio or its logarithm is undefined).

    Examples
    --------
    >>> lo, hi = ratio_interval(10, 50, 20, 50, 0.95)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.248, 0.936)
    """
    k1a, k2a = np.asarray(k1, np.float64), np.asarray(k2, np.float64)
    p1, p2 = k1a / np.asarray(n1, np.float64), k2a / np.asarray(n2, np.float64)
    l1, u1 = proportion_interval(k1, n1, confidence)
    l2, u2 = proportion_interval(k2, n2, confidence)
    ok = (k1a > 0) & (k2a > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.log(p1) - np.log(p2)
        lo = d - np.sqrt((np.log(p1) - np.log(l1)) ** 2 + (np.log(u2) - np.log(p2)) ** 2)
        hi = d + np.sqrt((np.log(u1) - np.log(p1)) ** 2 + (np.log(p2) - np.log(l2)) ** 2)
    return np.where(ok, np.exp(lo), np.nan), np.where(ok, np.exp(hi), np.nan)
