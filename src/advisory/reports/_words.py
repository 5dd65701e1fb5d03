"""Plain names, explanations and number formats for what the audit measures.

Every number the report prints goes through :func:`with_interval` or
:func:`interval_text`: an estimate is never written without its interval,
and a value that could not be estimated says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "METRIC_WORDS",
    "MetricWords",
    "could_not",
    "fmt",
    "interval_text",
    "level",
    "metric_words",
    "with_interval",
    "withheld",
]


@dataclass(frozen=True)
class MetricWords:
    """How the report names and explains one metric."""

    name: str
    meaning: str
    percent: bool
    ratio: bool = True  # False where 0 is a natural value, so a ratio has no meaning
    of: str = ""  # what a difference in percentage points is a difference of


METRIC_WORDS: Final[dict[str, MetricWords]] = {
    "roc_auc": MetricWords(
        "ROC-AUC",
        "how well the scores separate children with the outcome from children without it "
        "(0.5 is no better than chance, 1 is perfect separation)",
        False,
    ),
    "pr_auc": MetricWords(
        "PR-AUC (average precision)",
        "how well the top scores pick out children with the outcome; read it against the "
        "group's observed rate, which is what chance would give",
        False,
    ),
    "brier": MetricWords(
        "Brier score",
        "the average squared gap between score and outcome (smaller is closer; it also "
        "depends on how common the outcome is in the group)",
        False,
    ),
    "calibration_in_the_large": MetricWords(
        "Calibration in the large",
        "whether the scores run too high (below 0) or too low (above 0) on average for the "
        "group, on the log-odds scale (0 means neither)",
        False,
        ratio=False,
    ),
    "calibration_slope": MetricWords(
        "Calibration slope",
        "whether the scores are too spread out (below 1) or too bunched together (above 1) "
        "for the group (1 means neither)",
        False,
        ratio=False,
    ),
    "mean_predicted": MetricWords(
        "Average score",
        "the average of the scores in the group: the predicted probability of the outcome, "
        "averaged over the group's children and shown as a percentage",
        True,
        of="the average predicted probability",
    ),
    "observed_rate": MetricWords(
        "Observed rate",
        "the share of children in the group whose records show the outcome",
        True,
        of="the share of children with the outcome",
    ),
    "predicted_minus_observed": MetricWords(
        "Average score minus observed rate",
        "how far the average predicted probability sits above (positive) or below "
        "(negative) the share of the group's children whose records show the outcome, in "
        "percentage points",
        True,
        ratio=False,
        of="predicted probability minus observed share",
    ),
    "selection_rate": MetricWords(
        "Selection rate (at the operating point)",
        "the share of children in the group at or above the operating point",
        True,
        of="the share of children selected",
    ),
    "false_positive_rate": MetricWords(
        "False positive rate (at the operating point)",
        "among children without the outcome, the share at or above the operating point",
        True,
        of="the share of children without the outcome who were selected",
    ),
    "false_negative_rate": MetricWords(
        "False negative rate (at the operating point)",
        "among children with the outcome, the share below the operating point",
        True,
        of="the share of children with the outcome who were not selected",
    ),
    "precision": MetricWords(
        "Precision (at the operating point)",
        "among children at or above the operating point, the share with the outcome",
        True,
        of="the share of selected children with the outcome",
    ),
}


def metric_words(metric: str) -> MetricWords:
    """Return the words for ``metric``; an unknown name is shown as given.

    Examples
    --------
    >>> metric_words("roc_auc").name
    'ROC-AUC'
    >>> metric_words("new_metric").name
    'new metric'
    """
    return METRIC_WORDS.get(metric, MetricWords(metric.replace("_", " "), "", False))


def withheld() -> str:
    """Return the words shown in place of a number withheld to protect small counts."""
    return "withheld: it would reveal a small number of children"


def could_not() -> str:
    """Return the words shown in place of a number that could not be estimated."""
    return "could not be estimated"


def fmt(value: float, *, percent: bool = False, signed: bool = False, digits: int = 3) -> str:
    """One number as the report prints it.

    Parameters
    ----------
    value : float
        The number.
    percent : bool, default=False
        Print a proportion as a percentage (one decimal); a signed one (a
        difference of proportions) in percentage points.
    signed : bool, default=False
        Print a ``+`` before positive values (for differences).
    digits : int, default=3
        Decimals of a number that is not a percentage.

    Returns
    -------
    str

    Examples
    --------
    >>> fmt(0.1234, percent=True), fmt(-0.0213, signed=True), fmt(0.5)
    ('12.3%', '-0.021', '0.500')
    >>> fmt(-0.00042, signed=True, digits=4)
    '-0.0004'
    >>> fmt(0.023, percent=True, signed=True)
    '+2.3 points'
    """
    if percent and signed:
        return f"{100 * value:+.1f} points"
    if percent:
        return f"{100 * value:.1f}%"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def level(confidence: float) -> str:
    """Write a confidence level as a percentage.

    Examples
    --------
    >>> level(0.95), level(0.975)
    ('95%', '97.5%')
    """
    return f"{100 * confidence:.10g}%"


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and x == x


def interval_text(
    interval: list[Any] | None, *, percent: bool = False, signed: bool = False, digits: int = 3
) -> str | None:
    """``"lo to hi"``, or None when either bound is missing.

    Examples
    --------
    >>> interval_text([0.61, 0.7])
    '0.610 to 0.700'
    >>> interval_text([-0.01, 0.035], percent=True, signed=True)
    '-1.0 to +3.5 points'
    >>> interval_text([None, 0.7]) is None
    True
    """
    if not interval or len(interval) != 2 or not all(_finite(b) for b in interval):
        return None
    lo, hi = (fmt(b, percent=percent, signed=signed, digits=digits) for b in interval)
    if percent and signed:  # "+1.0 to +3.5 points"
        lo = lo.removesuffix(" points")
    return f"{lo} to {hi}"


def with_interval(
    estimate: Any,
    interval: list[Any] | None,
    confidence: float,
    *,
    percent: bool = False,
    signed: bool = False,
    digits: int = 3,
) -> str:
    """Write an estimate with its interval in words, or "could not be estimated".

    Examples
    --------
    >>> with_interval(0.66, [0.61, 0.7], 0.95)
    '0.660 (95% interval 0.610 to 0.700)'
    >>> with_interval(0.66, [None, 0.7], 0.95)
    'could not be estimated'
    """
    span = interval_text(interval, percent=percent, signed=signed, digits=digits)
    if span is None or not _finite(estimate):
        return could_not()
    shown = fmt(estimate, percent=percent, signed=signed, digits=digits)
    return f"{shown} ({level(confidence)} interval {span})"
