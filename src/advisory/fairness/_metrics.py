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
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

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

THRESHOLD_FREE: Final[tuple[Metric, ...]] = (
    "roc_auc",
    "pr_auc",
    "brier",
    "calibration_in_the_large",
    "calibration_slope",
    "mean_predicted",
    "observed_rate",
    "predicted_minus_observed",
)
OPERATING_POINT: Final[tuple[Metric, ...]] = (
    "selection_rate",
    "false_positive_rate",
    "false_negative_rate",
    "precision",
)
METRICS: Final[tuple[Metric, ...]] = THRESHOLD_FREE + OPERATING_POINT

#: Scores are clipped to [EPS, 1 - EPS] before taking logits.
_EPS: Final = 1e-9
#: Groups up to this size get exact Newton steps after the one-step update.
_EXACT_NEWTON_MAX_ROWS: Final = 1_000

FloatArray = npt.NDArray[np.float64]
CountArray = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True)
class GroupData:
    """One group's rows, sorted by score, with what the metrics need.

    Attributes
    ----------
    score, label, prediction : ndarray
        Sorted by score; ``prediction`` is None without an operating point.
    block_start, block_end : ndarray of int
        For each row, the first and one-past-last row holding the same score.
    citl_start : float
        Full-sample calibration intercept (logit scale, slope fixed at 1).
    slope_start : tuple of float
        Full-sample calibration intercept and slope.
    """

    score: FloatArray
    label: FloatArray
    prediction: FloatArray | None
    block_start: npt.NDArray[np.intp]
    block_end: npt.NDArray[np.intp]
    citl_start: float
    slope_start: tuple[float, float]

    @classmethod
    def build(
        cls, score: FloatArray, label: FloatArray, prediction: FloatArray | None
    ) -> GroupData:
        """Sort a group's rows by score and fit the full-sample calibration."""
        order = np.argsort(score, kind="stable")
        s, y = score[order], label[order]
        p = None if prediction is None else prediction[order]
        new_block = np.r_[True, s[1:] != s[:-1]]
        starts = np.flatnonzero(new_block)
        block_id = np.cumsum(new_block) - 1
        ends = np.r_[starts[1:], len(s)]
        x = _logit(s)
        ones = np.ones((len(s), 1))
        citl = _newton_offset(ones, x, y, np.zeros(1), exact_steps=50)
        a, c = _newton_slope(ones, x, y, np.zeros(1), np.ones(1), exact_steps=50)
        return cls(s, y, p, starts[block_id], ends[block_id], float(citl[0]), (a[0], c[0]))


#: Cumulative Poisson(1) probabilities times 65536, for drawing counts from uint16.
_POISSON_CUTS: Final = np.round(
    65536 * np.cumsum([np.exp(-1.0) / np.prod(np.arange(1, k + 1)) for k in range(8)])
).astype(np.uint32)[:-1]


def poisson_counts(rng: np.random.Generator, n_rows: int, n_rep: int) -> npt.NDArray[np.uint8]:
    """How often each row is drawn in each replicate: Poisson(1), at most 7.

    The Poisson bootstrap draws every row independently Poisson(1) times; it
    is the large-sample equivalent of resampling rows with replacement and
    lets every group share one draw per replicate (counts above 7 have
    probability 1e-5 and are cut to 7).

    Examples
    --------
    >>> import numpy as np
    >>> counts = poisson_counts(np.random.default_rng(0), 100_000, 2)
    >>> counts.shape, round(float(counts.mean()), 1)
    ((100000, 2), 1.0)
    """
    u = rng.integers(0, 65536, size=(n_rows, n_rep), dtype=np.uint16)
    out = np.zeros((n_rows, n_rep), dtype=np.uint8)
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
    """Intercept ``a`` of logit P(y) = a + x (x as offset), one per column of counts."""
    for _ in range(exact_steps):
        p = _sigmoid(a[None, :] + x[:, None])
        grad = (counts * (y[:, None] - p)).sum(axis=0)
        hess = (counts * (p * (1 - p))).sum(axis=0)
        step = _ratio(grad, hess)
        a = a + step
        if counts.shape[1] == 1 and abs(step[0]) < 1e-12:
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
    """Intercept and slope of logit P(y) = a + c x, one pair per column of counts."""
    for _ in range(exact_steps):
        p = _sigmoid(a[None, :] + c[None, :] * x[:, None])
        r = counts * (y[:, None] - p)
        w = counts * (p * (1 - p))
        a, c, done = _solve_step(a, c, r.sum(axis=0), x @ r, w.sum(axis=0), x @ w, (x * x) @ w)
        if counts.shape[1] == 1 and done:
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


def _project(columns: FloatArray, counts: CountArray) -> FloatArray:
    """``columns @ counts`` in the counts' precision (one BLAS call), as float64."""
    return np.asarray(columns.astype(counts.dtype) @ counts, dtype=np.float64)


def _ranking(
    counts: CountArray, g: GroupData, total: FloatArray, pos: FloatArray, want: set[Metric]
) -> dict[Metric, FloatArray]:
    """ROC-AUC (ties count one half) and average precision, per replicate.

    Two cumulative sums over the rows sorted by score (all rows, positive
    rows) give, at each positive row's block of tied scores, the negatives
    below it and the positives and rows at or above it.
    """
    is_pos = g.label == 1
    n_rep = counts.shape[1]
    cpos = counts[is_pos]
    cum_all = np.zeros((counts.shape[0] + 1, n_rep), dtype=counts.dtype)
    np.cumsum(counts, axis=0, out=cum_all[1:])
    cum_pos = np.zeros((cpos.shape[0] + 1, n_rep), dtype=counts.dtype)
    np.cumsum(cpos, axis=0, out=cum_pos[1:])
    pos_rank = np.r_[0, np.cumsum(is_pos)]
    bs = g.block_start[is_pos]
    all_before = cum_all[bs]
    pos_before = cum_pos[pos_rank[bs]]
    out: dict[Metric, FloatArray] = {}
    if "roc_auc" in want:
        below = all_before - pos_before
        if bool(np.any(g.block_end - g.block_start > 1)):
            be = g.block_end[is_pos]
            below = 0.5 * (below + cum_all[be] - cum_pos[pos_rank[be]])
        num = np.einsum("ij,ij->j", cpos, below, dtype=np.float64)
        out["roc_auc"] = _ratio(num, pos * (total - pos))
    if "pr_auc" in want:
        selected = cum_all[-1] - all_before
        tp = cum_pos[-1] - pos_before
        precision = np.divide(tp, selected, out=np.zeros_like(tp), where=selected > 0)
        num = np.einsum("ij,ij->j", cpos, precision, dtype=np.float64)
        out["pr_auc"] = _ratio(num, pos)
    return out


def group_metrics(
    counts: CountArray, g: GroupData, metrics: tuple[Metric, ...]
) -> dict[Metric, FloatArray]:
    """Each metric for every replicate (column of ``counts``) of one group.

    Parameters
    ----------
    counts : ndarray of shape (n_rows, n_replicates)
        How often each of the group's rows (in ``g``'s order) was drawn; rows
        are contiguous per data row so gathers and cumulative sums are fast.
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
    >>> group_metrics(np.ones((3, 1)), g, ("roc_auc", "observed_rate"))["roc_auc"]
    array([1.])
    """
    s, y = g.score, g.label
    n_rep = counts.shape[1]
    columns = [np.ones_like(s), y, s, (s - y) ** 2]
    if g.prediction is not None:
        q = g.prediction
        columns += [q, q * y, (1 - q) * y, q * (1 - y)]
    sums = _project(np.vstack(columns), counts)
    total, pos, sum_s, sq = sums[0], sums[1], sums[2], sums[3]
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
        out["brier"] = sq / total
    if want & {"roc_auc", "pr_auc"}:
        out.update(_ranking(counts, g, total, pos, want))
    if want & {"calibration_in_the_large", "calibration_slope"}:
        x = _logit(s)
        exact = 2 if len(s) <= _EXACT_NEWTON_MAX_ROWS and n_rep > 1 else 0
        if "calibration_in_the_large" in want:
            a0 = g.citl_start
            p0 = _sigmoid(a0 + x)
            lin = _project(np.vstack([y - p0, p0 * (1 - p0)]), counts)
            a = a0 + _ratio(lin[0], lin[1])
            out["calibration_in_the_large"] = _newton_offset(counts, x, y, a, exact_steps=exact)
        if "calibration_slope" in want:
            a0, c0 = g.slope_start
            p0 = _sigmoid(a0 + c0 * x)
            r0, w0 = y - p0, p0 * (1 - p0)
            lin = _project(np.vstack([r0, r0 * x, w0, w0 * x, w0 * x * x]), counts)
            a1, c1, _ = _solve_step(np.full(n_rep, a0), np.full(n_rep, c0), *lin)
            out["calibration_slope"] = _newton_slope(counts, x, y, a1, c1, exact_steps=exact)[1]
    if g.prediction is not None:
        sel, tp_, fn, fp = sums[4], sums[5], sums[6], sums[7]
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

    own = group_metrics(np.ones((len(score), 1)), g, metrics)
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
