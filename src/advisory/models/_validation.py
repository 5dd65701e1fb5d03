"""Honest validation: a temporal split, intervals, and simple baselines.

The outcome a model learns is what was *recorded* (for the reference use
case, a child protection plan within twelve months: a past agency decision,
not harm itself), so the figures here describe how well the model reproduces
recorded decisions. They are always set against three baselines, with paired
bootstrap intervals of the differences, and each comparison ends in a plain
sentence that says when the model is not demonstrably better.

Every metric is computed on bootstrap *counts* (how often each test case is
drawn in each replicate) by the one bootstrap engine the audits also use
(:mod:`advisory._bootstrap`), so all replicates are evaluated at once and the
model and its baselines are always compared on the same resamples.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import clone
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from advisory._bootstrap import metrics_by_counts, percentile_interval, replicate_counts
from advisory._checks import check_int
from advisory._dates import parse_dates
from advisory._errors import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE, JsonResult, json_number
from advisory.models._frame import check_target, fit_layout

__all__ = ["ValidationResult", "validate"]

Float = npt.NDArray[np.float64]

METRICS: Final = ("roc_auc", "pr_auc", "brier", "calibration_in_the_large", "calibration_slope")
_LABELS: Final = {
    "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC",
    "brier": "Brier score",
    "calibration_in_the_large": "calibration-in-the-large",
    "calibration_slope": "calibration slope",
}
BASELINES: Final = {
    "prevalence": "the outcome prevalence (the same probability for every case)",
    "prior_referral_rule": "the single prior-referral rule",
    "logistic_regression": "a plain logistic regression",
}


# -- metrics on bootstrap counts ---------------------------------------------


def _metrics(p: Float, y: Float, counts: npt.NDArray[Any]) -> Float:
    """All metrics per replicate, shape (n_metrics, n_replicates), from the one engine."""
    values = metrics_by_counts(p, y, counts, METRICS)
    return np.vstack([values[m] for m in METRICS])


# -- baselines ----------------------------------------------------------------


def _rule_probabilities(train: Float, y_train: Float, test: Float) -> Float:
    """Outcome rate in training per level of the rule: none, some, unknown."""

    def level(x: Float) -> npt.NDArray[np.intp]:
        return np.where(np.isnan(x), 2, (np.nan_to_num(x) > 0).astype(np.intp))

    lv = level(train)
    events = np.bincount(lv, weights=y_train, minlength=3)
    cases = np.bincount(lv, minlength=3)
    rate = (events + 0.5) / (cases + 1.0)  # a level never seen gets one half
    out: Float = rate[level(test)]
    return out


def _logistic_baseline() -> Any:
    """Standardised logistic regression with median imputation and missing indicators."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True),
        StandardScaler(),
        LogisticRegression(C=1.0, max_iter=2000),
    )


def _one_hot(matrix: Float, levels: tuple[tuple[str, ...] | None, ...]) -> Float:
    """Numeric columns as they are; each categorical column as level indicators (NaN kept)."""
    columns: list[Float] = []
    for j, lv in enumerate(levels):
        x = matrix[:, j]
        if lv is None:
            columns.append(x)
        else:
            for k in range(len(lv)):
                columns.append(np.where(np.isnan(x), np.nan, (x == k).astype(np.float64)))
    return np.column_stack(columns)


# -- the result ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ValidationResult(JsonResult):
    """Validation of a model against baselines on held-out cases.

    Built by :func:`validate`. Point estimates and intervals describe how well
    scores reproduce the *recorded* outcome on the test cases (for the
    reference use case a past agency decision, not harm).

    Attributes
    ----------
    metrics : pandas.DataFrame
        Index (``scorer``, ``metric``); columns ``estimate``, ``lower``,
        ``upper``. Scorers: ``model`` and each baseline.
    differences : pandas.DataFrame
        Index (``baseline``, ``metric``); columns ``difference`` (model minus
        baseline), ``lower``, ``upper`` (paired bootstrap interval).
    confidence : float
        Level of every interval.
    n_boot : int
        Bootstrap replicates.
    split : str
        ``"temporal"`` or ``"random"``.
    n_train, n_test : int
        Cases used to fit and to assess.
    test_prevalence : float
        Share of test cases with the recorded outcome.
    cutoff : pandas.Timestamp or None
        First reference date of the test cases (temporal split).
    model : estimator
        The model fitted on the training cases.
    """

    metrics: pd.DataFrame
    differences: pd.DataFrame
    confidence: float
    n_boot: int
    split: str
    n_train: int
    n_test: int
    test_prevalence: float
    cutoff: pd.Timestamp | None
    model: Any = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Every figure in one long table.

        Returns
        -------
        pandas.DataFrame
            Columns ``comparison`` (a scorer, or ``"model - <baseline>"``),
            ``metric``, ``estimate``, ``lower``, ``upper``.
        """
        metrics = self.metrics.reset_index().rename(columns={"scorer": "comparison"})
        diffs = self.differences.reset_index().rename(columns={"difference": "estimate"})
        diffs.insert(0, "comparison", "model - " + diffs.pop("baseline"))
        return pd.concat([metrics, diffs], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """Every figure and verdict as JSON-ready builtins (the model itself is left out).

        Returns
        -------
        dict
            ``split``, ``cutoff`` (ISO date or None), ``n_train``, ``n_test``,
            ``test_prevalence``, ``confidence``, ``n_boot``, ``metrics`` (one
            entry per scorer and metric with its interval), ``differences``
            (model minus each baseline, with its interval) and ``verdicts``.
            Figures that could not be estimated are None.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from advisory.models import ScorecardClassifier, validate
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame({"contacts": rng.poisson(2.0, 400).astype(float)})
        >>> y = (rng.uniform(size=400) < 0.2 + 0.1 * (X["contacts"] > 2)).astype(int)
        >>> result = validate(
        ...     ScorecardClassifier(), X, y, split="random", n_boot=100, baseline_factor="contacts"
        ... )
        >>> sorted(result.to_dict())[:4]
        ['confidence', 'cutoff', 'differences', 'metrics']
        """
        metrics = [
            {
                "scorer": str(row["scorer"]),
                "metric": str(row["metric"]),
                "estimate": json_number(row["estimate"]),
                "interval": [json_number(row["lower"]), json_number(row["upper"])],
            }
            for row in self.metrics.reset_index().to_dict("records")
        ]
        differences = [
            {
                "baseline": str(row["baseline"]),
                "metric": str(row["metric"]),
                "estimate": json_number(row["difference"]),
                "interval": [json_number(row["lower"]), json_number(row["upper"])],
            }
            for row in self.differences.reset_index().to_dict("records")
        ]
        return {
            "split": self.split,
            "cutoff": None if self.cutoff is None else self.cutoff.date().isoformat(),
            "n_train": int(self.n_train),
            "n_test": int(self.n_test),
            "test_prevalence": float(self.test_prevalence),
            "confidence": float(self.confidence),
            "n_boot": int(self.n_boot),
            "metrics": metrics,
            "differences": differences,
            "verdicts": dict(self.verdicts),
        }

    def verdict(self, baseline: str, metric: str = "roc_auc") -> str:
        """Plain-language verdict of the model against one baseline on one metric.

        Parameters
        ----------
        baseline : {'prevalence', 'prior_referral_rule', 'logistic_regression'}
            The baseline to compare with.
        metric : {'roc_auc', 'pr_auc', 'brier'}, default='roc_auc'
            Higher is better for the AUCs, lower for the Brier score.

        Returns
        -------
        str
            One plain sentence.
        """
        if baseline not in BASELINES:
            raise ParameterError(
                "baseline", "ValidationResult.verdict", f"one of {list(BASELINES)}", baseline
            )
        if metric not in ("roc_auc", "pr_auc", "brier"):
            raise ParameterError(
                "metric",
                "ValidationResult.verdict",
                "one of ['brier', 'pr_auc', 'roc_auc']",
                metric,
            )
        keys = list(self.differences.index)
        position = keys.index((baseline, metric))
        bounds = self.differences[["lower", "upper"]].to_numpy(dtype=np.float64)[position]
        lo, hi = float(bounds[0]), float(bounds[1])
        what = BASELINES[baseline]
        span = (
            f"the {self.confidence:.0%} interval of the difference in {_LABELS[metric]} "
            f"({lo:.3f} to {hi:.3f})"
        )
        better = lo > 0 if metric != "brier" else hi < 0
        worse = hi < 0 if metric != "brier" else lo > 0
        if better or worse:
            word = "better" if better else "worse"
            return (
                f"The model is demonstrably {word} than {what} on {_LABELS[metric]}: "
                f"{span} excludes zero."
            )
        return f"The model is not demonstrably better than {what}: {span} includes zero."

    @property
    def verdicts(self) -> dict[str, str]:
        """One plain-language verdict per baseline, on ROC-AUC."""
        return {b: self.verdict(b) for b in BASELINES}


# -- the entry point ----------------------------------------------------------


def _split(
    dates: Any, n: int, split: str, train_fraction: float, rng: np.random.Generator
) -> tuple[npt.NDArray[np.bool_], pd.Timestamp | None]:
    owner = "validate"
    if split == "random":
        train = np.zeros(n, dtype=bool)
        train[rng.permutation(n)[: round(train_fraction * n)]] = True
        return train, None
    if dates is None:
        raise ParameterError(
            "dates", owner, "the reference date of each case for split='temporal'", None
        )
    stamps = parse_dates(pd.Series(np.asarray(dates)), where="dates passed to validate")
    if len(stamps) != n:
        raise InputError(
            f"dates passed to validate has {len(stamps)} values but X has {n} rows; "
            "pass one reference date per case."
        )
    if stamps.isna().any():
        raise InputError(
            f"dates passed to validate holds {int(stamps.isna().sum())} missing or unreadable "
            "dates; every case needs a reference date."
        )
    ordered = np.sort(stamps.to_numpy())
    cutoff = pd.Timestamp(ordered[min(int(train_fraction * n), n - 1)])
    train = (stamps < cutoff).to_numpy()
    return train, cutoff


def validate(
    model: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    dates: Any = None,
    split: str = "temporal",
    train_fraction: float = 0.7,
    baseline_factor: str = "child_prior_referrals",
    n_boot: int = 1000,
    confidence: float = DEFAULT_CONFIDENCE,
    random_state: int | None = 0,
) -> ValidationResult:
    """Fit on earlier cases, assess on later ones, and compare with baselines.

    The model is cloned and fitted on the training cases; all scorers are
    assessed on the test cases with ROC-AUC, PR-AUC, Brier score,
    calibration-in-the-large (``a`` in ``logit P(y) = a + logit p``; 0 is
    ideal) and calibration slope (1 is ideal), each with a percentile
    bootstrap interval. The baselines, fitted on the same training cases:

    - ``prevalence``: the training outcome rate for every case;
    - ``prior_referral_rule``: one factor as three levels (none, some,
      unknown — unknown is its own level, not "none"), each scored with its
      training outcome rate;
    - ``logistic_regression``: scikit-learn's ``LogisticRegression`` on the
      same factors, with unknown values imputed by the training median
      *and* a missing indicator per factor with unknowns
      (``SimpleImputer(strategy="median", add_indicator=True)``), standardised,
      categorical factors one-hot encoded.

    Differences (model minus baseline) get paired intervals: the model and
    baselines are assessed on the same bootstrap resamples.

    The outcome is what was recorded — for the reference use case a child
    protection plan, which is an agency decision and carries that agency's
    recording practice — so these figures describe agreement with past
    decisions, not the detection of harm.

    Parameters
    ----------
    model : estimator
        An unfitted scikit-learn classifier with ``predict_proba`` (any, not
        only :mod:`advisory.models`). If it has an ``n_resamples`` parameter
        it is set to 0: refits for explanation intervals are not needed here.
    X : pandas.DataFrame of shape (n_cases, n_factors)
        Case factors (``NaN`` = unknown).
    y : array-like of shape (n_cases,)
        The recorded binary outcome.
    dates : array-like of shape (n_cases,), optional
        Reference date of each case; required for ``split="temporal"``.
    split : {'temporal', 'random'}, default='temporal'
        ``"temporal"`` trains on the cases before the cutoff date (the
        reference date at the ``train_fraction`` quantile) and tests on the
        rest, as a model would be used; ``"random"`` splits at random.
    train_fraction : float, default=0.7
        Share of cases used for training, in (0, 1).
    baseline_factor : str, default="child_prior_referrals"
        The numeric factor of the single-factor rule (score 1 when > 0).
    n_boot : int, default=1000
        Bootstrap replicates (>= 100).
    confidence : float, default=0.9
        Level of the intervals, in (0, 1).
    random_state : int or None, default=0
        Seed of the split (when random) and of the bootstrap.

    Returns
    -------
    ValidationResult
        Figures of the model and each baseline on the held-out cases, with paired intervals.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.models import ScorecardClassifier
    >>> rng = np.random.default_rng(0)
    >>> n = 2000
    >>> X = pd.DataFrame({"child_prior_referrals": rng.poisson(0.5, n).astype(float),
    ...                   "police": rng.poisson(0.5, n).astype(float)})
    >>> y = (rng.random(n) < 1 / (1 + np.exp(2 - 1.5 * X["police"]))).astype(int)
    >>> dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D")
    >>> result = validate(ScorecardClassifier(), X, y, dates=dates, n_boot=200)
    >>> result.verdicts["prior_referral_rule"].startswith("The model is demonstrably better")
    True
    >>> sorted(result.to_frame().columns)
    ['comparison', 'estimate', 'lower', 'metric', 'upper']
    """
    owner = "validate"
    if split not in ("temporal", "random"):
        raise ParameterError("split", owner, "one of ['random', 'temporal']", split)
    train_fraction = _open_fraction(train_fraction, "train_fraction")
    confidence = _open_fraction(confidence, "confidence")
    n_boot = check_int(n_boot, "n_boot", owner, minimum=100)
    if not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
        raise ParameterError(
            "model",
            owner,
            "an unfitted classifier with fit and predict_proba",
            type(model).__name__,
        )
    if not isinstance(X, pd.DataFrame):
        raise ParameterError("X", owner, "a pandas DataFrame of case factors", type(X).__name__)
    layout, matrix = fit_layout(X, owner)
    _, y01 = check_target(y, len(X), owner)
    if baseline_factor not in layout.names:
        raise ParameterError(
            "baseline_factor",
            owner,
            f"a column of X ({', '.join(layout.names[:6])}, ...)",
            baseline_factor,
        )
    j = layout.names.index(baseline_factor)
    if layout.levels[j] is not None:
        raise ParameterError(
            "baseline_factor",
            owner,
            "a numeric column (a count), not a categorical one",
            baseline_factor,
        )
    rng = np.random.default_rng(random_state)
    train, cutoff = _split(dates, len(X), split, float(train_fraction), rng)
    for part, mask in (("training", train), ("test", ~train)):
        if len(np.unique(y01[mask])) < 2:
            raise InputError(
                f"The {part} cases of validate have only one outcome class "
                f"({int(mask.sum())} cases); use more cases or another train_fraction."
            )
    fitted = clone(model)
    if "n_resamples" in fitted.get_params():
        fitted.set_params(n_resamples=0)
    fitted.fit(X[train], np.asarray(y)[train])
    eps = 1e-6
    scores = {"model": fitted.predict_proba(X[~train])[:, 1]}
    y_test = y01[~train]
    scores["prevalence"] = np.full(len(y_test), y01[train].mean())
    scores["prior_referral_rule"] = _rule_probabilities(
        matrix[train, j], y01[train], matrix[~train, j]
    )
    encoded = _one_hot(matrix, layout.levels)
    keep = ~np.isnan(encoded[train]).all(axis=0)
    logistic = _logistic_baseline().fit(encoded[train][:, keep], y01[train])
    scores["logistic_regression"] = logistic.predict_proba(encoded[~train][:, keep])[:, 1]
    probs = {k: np.clip(np.asarray(v, np.float64), eps, 1 - eps) for k, v in scores.items()}

    n_test = len(y_test)
    ones = np.ones((1, n_test))
    point = {k: _metrics(p, y_test, ones)[:, 0] for k, p in probs.items()}
    boots = {k: np.empty((len(METRICS), n_boot)) for k in probs}
    # BLAS's own threads wait on each other on a busy machine (measured: 20.7 s
    # against 12.5 s on one thread for 20,000 cases); these products are small.
    with threadpool_limits(limits=1, user_api="blas"):
        for at, counts in replicate_counts(n_test, n_boot, rng):
            for k, p in probs.items():
                boots[k][:, at] = _metrics(p, y_test, counts)

    rows = []
    for k in probs:
        lo, hi = percentile_interval(boots[k], confidence)
        for m, name in enumerate(METRICS):
            rows.append((k, name, point[k][m], lo[m], hi[m]))
    metrics = pd.DataFrame(rows, columns=["scorer", "metric", "estimate", "lower", "upper"])
    diff_rows = []
    for b in BASELINES:
        lo, hi = percentile_interval(boots["model"] - boots[b], confidence)
        for m, name in enumerate(METRICS):
            diff_rows.append((b, name, point["model"][m] - point[b][m], lo[m], hi[m]))
    differences = pd.DataFrame(
        diff_rows, columns=["baseline", "metric", "difference", "lower", "upper"]
    )
    return ValidationResult(
        metrics=metrics.set_index(["scorer", "metric"]),
        differences=differences.set_index(["baseline", "metric"]),
        confidence=float(confidence),
        n_boot=n_boot,
        split=split,
        n_train=int(train.sum()),
        n_test=n_test,
        test_prevalence=float(y_test.mean()),
        cutoff=cutoff,
        model=fitted,
    )


def _open_fraction(value: object, name: str) -> float:
    """Return ``value`` as a float after checking it lies in (0, 1)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 < float(value) < 1.0
    ):
        raise ParameterError(name, "validate", "a number in (0, 1)", value)
    return float(value)
