"""Group metrics computed for many bootstrap replicates at once.

Every metric of a group is a function of the group's rows weighted by how
often each row was drawn. A replicate is therefore a row of a count matrix
``counts`` (replicates x rows), and each metric is computed for all
replicates with a few passes over that matrix: sums and matrix products for
rates, cumulative sums over rows sorted by score for ROC-AUC and average
precision, and a Newton update for the calibration intercept and slope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt

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
        cls, score: FloatArray, label: FloatArray, prediction: FloatArray | None
    ) -> GroupData:
        """Order a group's rows and fit the full-sample calibration."""
        order = np.lexsort((score, label))
        s, y = score[order], label[order]
        p = None if prediction is None else prediction[order]
        n_neg = int(np.count_nonzero(y == 0))
        neg_s, pos_s = s[:n_neg], s[n_neg:]
        starts = np.flatnonzero(np.r_[True, pos_s[1:] != pos_s[:-1]])[: len(pos_s)]
        block_scores = pos_s[starts]
        x = _logit(s)
        ones = np.ones((1, len(s)))
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
    out = np.zeros((n_rep, n_rows), dtype=np.uint8)
    for cut in _POISSON_CUTS:
        out += u >= cut
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


def _ranking(counts: CountArray, g: GroupData, want: set[Metric]) -> dict[Metric, FloatArray]:
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
    out: dict[Metric, FloatArray] = {}
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
    counts: CountArray, g: GroupData, metrics: tuple[Metric, ...]
) -> dict[Metric, FloatArray]:
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
    out: dict[Metric, FloatArray] = {}
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
