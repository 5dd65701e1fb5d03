"""The :func:`audit` entry point: validation, groups, suppression, intervals, disparities."""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._bootstrap import (
    GroupData,
    difference_interval,
    group_metrics,
    percentile_bounds,
    proportion_interval,
    ratio_interval,
    replicate_counts,
)
from advisory._checks import check_choice, check_int
from advisory._errors import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE
from advisory.definitions import AuditPolicy, Outcome
from advisory.fairness._inputs import assess_difference as _assess
from advisory.fairness._inputs import check_index, group_labels, sensitive_frame
from advisory.fairness._metrics import OPERATING_POINT, THRESHOLD_FREE, Metric, point_estimates
from advisory.fairness._result import Audit, ScoreKind, attribute_label
from advisory.fairness._sections import label_section, subject_section
from advisory.fairness._suppression import CountTable, suppress_jointly

__all__ = ["audit"]

_OWNER: Final = "audit"
#: Threads computing groups' replicates at once.
_MAX_THREADS: Final = 2

#: Rates of counts: numerator and denominator. They get binomial intervals, not bootstrap ones.
_RATES: Final[dict[Metric, tuple[str, str]]] = {
    "observed_rate": ("pos", "n"),
    "selection_rate": ("sel", "n"),
    "false_positive_rate": ("fp", "neg"),
    "false_negative_rate": ("fn", "pos"),
    "precision": ("tp", "sel"),
}
#: What each metric reveals, as nested layers of a group's counts: 0 its size,
#: 1 its outcomes (positives and negatives), 2 its decisions by outcome.
_LAYER: Final[dict[Metric, int]] = {
    "mean_predicted": 0,
    "observed_rate": 1,
    "predicted_minus_observed": 1,
    "roc_auc": 1,
    "pr_auc": 1,
    "brier": 1,
    "calibration_in_the_large": 1,
    "calibration_slope": 1,
    "selection_rate": 2,
    "false_positive_rate": 2,
    "false_negative_rate": 2,
    "precision": 2,
}
#: The metrics each kind of tool output allows (operating-point metrics need decisions).
_ALLOWED: Final[dict[ScoreKind, tuple[Metric, ...]]] = {
    "probability": THRESHOLD_FREE + OPERATING_POINT,
    "ordinal": ("roc_auc", "pr_auc", "observed_rate", *OPERATING_POINT),
    "decisions": ("observed_rate", *OPERATING_POINT),
}
_KIND_NOTES: Final[dict[ScoreKind, str]] = {
    "probability": "",
    "ordinal": (
        "The scores are ordinal (ranks, bands or deciles), not probabilities: how well they "
        "rank children with the outcome above those without (ROC-AUC, PR-AUC) is assessed; "
        "calibration, the Brier score and the average score need probabilities and were not."
    ),
    "decisions": (
        "Only the tool's decisions were given, not its scores: the metrics at its operating "
        "point are reported; ranking (ROC-AUC, PR-AUC) and calibration could not be assessed."
    ),
}


@dataclass(frozen=True)
class _Settings:
    attributes: tuple[tuple[str, str, str], ...]  # name, column, reference
    labels: dict[str, str]
    intersections: tuple[tuple[str, ...], ...]
    metrics: tuple[Metric, ...]
    n_boot: int
    confidence: float
    min_cell_size: int
    threshold: float | None
    dropped: tuple[Metric, ...] = field(default=())


def _resolve(
    sensitive: pd.DataFrame,
    policy: AuditPolicy | None,
    kind: ScoreKind,
    n_boot: int,
    confidence: float,
    min_cell_size: int,
    reference_groups: Mapping[str, str] | None,
    intersections: Sequence[Sequence[str]] | None,
    flagged_at: float | None,
    has_predictions: bool,
) -> _Settings:
    """One set of settings from a policy or from the keyword arguments."""
    if policy is not None:
        for name, value, default in (
            ("n_boot", n_boot, 1000),
            ("confidence", confidence, DEFAULT_CONFIDENCE),
            ("min_cell_size", min_cell_size, 10),
            ("reference_groups", reference_groups, None),
            ("intersections", intersections, None),
        ):
            if value != default:
                raise ParameterError(
                    name, _OWNER, "left unset when a policy is given (set it in the policy)", value
                )
        attributes = tuple((a.name, a.column, a.reference_group) for a in policy.attributes)
        labels = {a.name: a.label for a in policy.attributes}
        threshold = flagged_at
        if policy.operating_point is not None:
            if has_predictions or flagged_at is not None:
                raise ParameterError(
                    "predictions" if has_predictions else "flagged_at",
                    _OWNER,
                    "None when the policy declares an operating point (it sets the decisions)",
                    "an array" if has_predictions else flagged_at,
                )
            threshold = policy.operating_point.threshold
        metrics = tuple(m for m in policy.metrics if m in THRESHOLD_FREE + OPERATING_POINT)
        return _finish(
            sensitive,
            attributes,
            labels,
            policy.intersections,
            metrics,
            kind,
            policy.n_boot,
            policy.confidence_level,
            policy.min_cell_size,
            threshold,
            has_predictions,
            from_policy=True,
        )
    refs = dict(reference_groups or {})
    for column in refs:
        if column not in sensitive.columns:
            raise ParameterError(
                "reference_groups",
                _OWNER,
                f"keyed by columns of sensitive_features {list(sensitive.columns)}",
                column,
            )
    attributes = tuple((str(c), str(c), refs.get(str(c), "majority")) for c in sensitive.columns)
    inter = tuple(tuple(str(a) for a in combo) for combo in (intersections or ()))
    return _finish(
        sensitive,
        attributes,
        {name: attribute_label(name) for name, _, _ in attributes},
        inter,
        THRESHOLD_FREE[:-1] + OPERATING_POINT,
        kind,
        n_boot,
        confidence,
        min_cell_size,
        flagged_at,
        has_predictions,
        from_policy=False,
    )


def _finish(
    sensitive: pd.DataFrame,
    attributes: tuple[tuple[str, str, str], ...],
    labels: dict[str, str],
    intersections: tuple[tuple[str, ...], ...],
    metrics: tuple[Metric, ...],
    kind: ScoreKind,
    n_boot: int,
    confidence: float,
    min_cell_size: int,
    threshold: float | None,
    has_predictions: bool,
    from_policy: bool,
) -> _Settings:
    n_boot = check_int(n_boot, "n_boot", _OWNER, minimum=20)
    min_cell_size = check_int(min_cell_size, "min_cell_size", _OWNER, minimum=1)
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, float | int)
        or not 0 < confidence < 1
    ):
        raise ParameterError("confidence", _OWNER, "a number strictly between 0 and 1", confidence)
    names = [a[0] for a in attributes]
    for name, column, _ in attributes:
        if column not in sensitive.columns:
            raise InputError(
                f"sensitive_features has no column {column!r} (attribute {name!r}); "
                f"found {list(sensitive.columns)}. Add the column or remove the attribute."
            )
    for combo in intersections:
        unknown = [a for a in combo if a not in names]
        if unknown or len(combo) < 2:
            raise ParameterError(
                "intersections", _OWNER, f"combinations of two or more of {names}", list(combo)
            )
    decisions = threshold is not None or has_predictions
    if not decisions:
        metrics = tuple(m for m in metrics if m not in OPERATING_POINT)
    elif not any(m in OPERATING_POINT for m in metrics):
        metrics = metrics + OPERATING_POINT
    if "mean_predicted" in metrics and "observed_rate" in metrics:
        metrics = tuple(m for m in metrics if m != "predicted_minus_observed")
        metrics = (*metrics, "predicted_minus_observed")
    if kind != "probability" and "observed_rate" not in metrics:
        metrics = ("observed_rate", *metrics)
    allowed = _ALLOWED[kind]
    dropped = tuple(
        m for m in metrics if m not in allowed and m != "predicted_minus_observed" and from_policy
    )
    metrics = tuple(m for m in metrics if m in allowed)
    labels = dict(labels)
    for combo in intersections:
        labels[" x ".join(combo)] = " by ".join(
            labels[a] if i == 0 else labels[a][:1].lower() + labels[a][1:]
            for i, a in enumerate(combo)
        )
    return _Settings(
        attributes,
        labels,
        intersections,
        metrics,
        n_boot,
        float(confidence),
        min_cell_size,
        threshold,
        dropped,
    )


def _as_binary(values: object, name: str, n: int | None) -> npt.NDArray[np.float64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise InputError(f"{name} must be one-dimensional; got shape {arr.shape}.")
    if n is not None and len(arr) != n:
        raise InputError(
            f"{name} has {len(arr)} values but y_true has {n}; pass one value per case."
        )
    try:
        out = arr.astype(np.float64)
    except (TypeError, ValueError):
        out = np.full(len(arr), np.nan)
    bad = ~np.isin(out, (0.0, 1.0))
    if bad.any():
        found = sorted({str(v) for v in arr[bad][:5]})
        raise InputError(
            f"{name} must hold only 0 and 1 (or False and True); found {found}. "
            "Encode the outcome as binary; missing values cannot be audited."
        )
    return out


def _as_scores(values: object, n: int, kind: ScoreKind) -> npt.NDArray[np.float64]:
    s = np.asarray(values)
    if s.ndim != 1 or len(s) != n:
        raise InputError(
            f"scores has shape {s.shape} but y_true has {n} values; pass one score per case."
        )
    try:
        s = s.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            "scores must be numbers (probabilities in [0, 1], or ranks, bands or deciles with "
            "score_kind='ordinal')."
        ) from exc
    if not np.all(np.isfinite(s)):
        raise InputError(
            f"scores has {int((~np.isfinite(s)).sum())} missing or infinite values (found "
            f"{s[~np.isfinite(s)][:3].tolist()}); every case needs a score (audit the cases "
            "the tool scored)."
        )
    if kind == "probability" and not np.all((s >= 0) & (s <= 1)):
        bad = s[~((s >= 0) & (s <= 1))][:3]
        raise InputError(
            f"scores must be probabilities in [0, 1]; found {bad.tolist()}. For ranks, bands "
            "or deciles pass score_kind='ordinal' (higher meaning more likely outcome)."
        )
    return s


def _check_aligned(values: object, name: str, sensitive: pd.DataFrame) -> None:
    """Refuse a pandas input whose index is not the sensitive frame's (cases, order)."""
    if isinstance(values, pd.Series | pd.DataFrame):
        check_index(values, name, sensitive.index, "sensitive_features")  # type: ignore[arg-type]


def audit(
    y_true: object,
    scores: object = None,
    sensitive_features: pd.DataFrame | pd.Series | None = None,
    *,
    predictions: object = None,
    score_kind: Literal["probability", "ordinal"] = "probability",
    flagged_at: float | None = None,
    policy: AuditPolicy | None = None,
    n_boot: int = 1000,
    confidence: float = DEFAULT_CONFIDENCE,
    min_cell_size: int = 10,
    reference_groups: Mapping[str, str] | None = None,
    intersections: Sequence[Sequence[str]] | None = None,
    random_state: int = 0,
    label: Outcome | None = None,
    subject: str | None = None,
) -> Audit:
    """Assess a tool's outputs by group, with intervals: scores, decisions or both.

    Works on any tool's outputs as they are: the observed outcome, the
    cases' sensitive attributes, and the tool's scores (probabilities, or
    ordinal scores such as deciles, bands or ranks), its decisions, or both.
    Every metric comes with an interval, for every group of every attribute
    and intersection, and as a difference and ratio to the attribute's
    reference group. Small or disclosive numbers are withheld, jointly over
    every table of the audit.

    What each output allows:

    - probabilities: ranking (ROC-AUC, PR-AUC), Brier score, calibration,
      average score against observed rate;
    - ordinal scores: ranking only;
    - decisions (``predictions``, or scores with ``flagged_at`` or a policy's
      operating point): selection rate, false positive and negative rates,
      precision, labelled as metrics at an operating point.

    Parameters
    ----------
    y_true : array-like of 0/1
        The recorded outcome (often a past agency decision, not harm itself).
    scores : array-like of float, optional
        The tool's scores, higher meaning the outcome is more likely.
    sensitive_features : pandas.DataFrame or Series
        One column per sensitive attribute, one row per case; no missing
        values (record them as an explicit group such as "Not recorded").
        Pandas inputs (``y_true``, ``scores``, ``predictions``) must have
        its index: the same cases in the same order.
    predictions : array-like of 0/1, optional
        The tool's decisions (1 = flagged, selected).
    score_kind : {"probability", "ordinal"}, default="probability"
        What ``scores`` are: probabilities in [0, 1], or ranks, bands or
        deciles whose values only order the cases.
    flagged_at : float, optional
        The tool's operating point on its scores: a case is flagged when
        its score is at or above it (e.g. decile 5). Sets the decisions.
    policy : AuditPolicy, optional
        Attributes (with their labels), reference groups, intersections,
        metrics, cell size, confidence level, replicates and operating point
        from a reviewable policy file. When given, leave the keyword
        settings below unset.
    n_boot : int, default=1000
        Bootstrap replicates, for the metrics that are not rates of counts.
    confidence : float, default=0.9
        Level of the intervals.
    min_cell_size : int, default=10
        The smallest count a published number may reveal.
    reference_groups : mapping, optional
        Column to the group others are compared with; default ``"majority"``
        (the largest group).
    intersections : sequence of sequences of str, optional
        Combinations of columns audited together.
    random_state : int, default=0
        Seed of the bootstrap.
    label : advisory.definitions.Outcome, optional
        What the outcome records and its known biases (a model
        specification's ``[outcome]``), shown as the label card. Without it
        the report says the label was not described.
    subject : str, optional
        One line naming the tool whose outputs are audited.

    Returns
    -------
    Audit
        Every group metric with its interval, disparities and notes.

    Notes
    -----
    **Withheld numbers.** Every count a published number reveals, and its
    complement, must be at least ``min_cell_size``; zeros count as
    disclosive. In three nested layers per group: its size (a group under
    the size is suppressed whole); its outcomes (positives and negatives,
    revealed by the observed rate and the denominators of ranking and
    calibration); its decisions by outcome (true and false positives and
    negatives, revealed by the rates at the operating point). Each layer is
    then protected jointly over the attribute and intersection tables, so no
    withheld count equals a published margin minus published cells, in any
    direction or combination (:func:`advisory.fairness._suppression.suppress_jointly`).

    **Intervals.** A rate of counts (observed, selection, false positive
    and negative rates, precision) gets the mid-p binomial interval, and a
    difference or ratio of two groups' rates the MOVER interval built from
    them: these keep their coverage at small counts and near 0 and 1, where
    percentile bootstrap intervals collapse. Other metrics get percentile
    intervals of a Poisson bootstrap from :mod:`advisory._bootstrap`: every
    case is drawn Poisson(1) times per replicate, once for all groups, so
    differences between groups use the same replicate.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.fairness import audit
    >>> rng = np.random.default_rng(0)
    >>> scores = rng.uniform(size=400)
    >>> y = (rng.uniform(size=400) < scores).astype(int)
    >>> groups = pd.DataFrame({"sex": rng.choice(["F", "M"], size=400)})
    >>> result = audit(y, scores, groups, n_boot=100)
    >>> result.by_group("roc_auc").loc[("sex", "F"), "n"]
    np.float64(188.0)
    >>> row = result.disparities("roc_auc").loc[("sex", "F")]
    >>> row["reference"], row["assessment"]
    ('M', 'insufficient evidence of a difference')

    Decisions only, or deciles with an operating point:

    >>> flagged = (scores > 0.6).astype(int)
    >>> audit(y, sensitive_features=groups, predictions=flagged).score_kind
    'decisions'
    >>> deciles = np.ceil(scores * 10).astype(int)
    >>> ordinal = audit(y, deciles, groups, score_kind="ordinal", flagged_at=7, n_boot=50)
    >>> ordinal.metrics
    ('roc_auc', 'pr_auc', 'observed_rate', 'selection_rate', 'false_positive_rate', \
'false_negative_rate', 'precision')
    """
    if sensitive_features is None:
        raise ParameterError(
            "sensitive_features", _OWNER, "a DataFrame with one column per attribute", None
        )
    check_choice(score_kind, "score_kind", _OWNER, ("probability", "ordinal"))
    y = _as_binary(y_true, "y_true", None)
    n = len(y)
    if scores is None and predictions is None:
        raise ParameterError(
            "scores", _OWNER, "given, or predictions given (or both): something to audit", None
        )
    if flagged_at is not None:
        if scores is None:
            raise ParameterError(
                "flagged_at",
                _OWNER,
                "None unless scores are given (it is a cut on them)",
                flagged_at,
            )
        if predictions is not None:
            raise ParameterError(
                "flagged_at", _OWNER, "None when predictions are given (they are the decisions)",
                flagged_at,
            )  # fmt: skip
        if isinstance(flagged_at, bool) or not isinstance(flagged_at, int | float):
            raise ParameterError("flagged_at", _OWNER, "a number on the scores' scale", flagged_at)
    kind: ScoreKind = "decisions" if scores is None else score_kind
    s = None if scores is None else _as_scores(scores, n, kind)
    frame = sensitive_frame(sensitive_features)
    if len(frame) != n:
        raise InputError(
            f"sensitive_features has {len(frame)} rows but y_true has {n}; pass one row per case."
        )
    for values, name in ((y_true, "y_true"), (scores, "scores"), (predictions, "predictions")):
        _check_aligned(values, name, frame)
    q = None if predictions is None else _as_binary(predictions, "predictions", n)
    cfg = _resolve(
        frame,
        policy,
        kind,
        n_boot,
        confidence,
        min_cell_size,
        reference_groups,
        intersections,
        flagged_at,
        q is not None,
    )
    operating_point = None
    if cfg.threshold is not None and s is not None:
        q = (s >= cfg.threshold).astype(np.float64)
        source = "the audit policy" if policy is not None and flagged_at is None else "the caller"
        operating_point = f"flagged when the score is at or above {cfg.threshold:g} (from {source})"
    elif q is not None:
        operating_point = "the tool's own decisions, given by the caller"
    # each attribute's groups, sorted, and each case's position among them
    labels = {
        name: _coded(group_labels(frame[column], column)) for name, column, _ in cfg.attributes
    }
    result = _run(cfg, kind, y, s, q, labels, n, operating_point, random_state)
    sections: dict[str, Any] = {}
    if subject is not None:
        sections["subject"] = subject_section("external_scores", subject)
    if label is not None:
        sections["label"] = label_section(label)
    return result.with_sections(**sections) if sections else result


def _coded(values: npt.NDArray[np.object_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype=object)


@dataclass
class _Table:
    name: str
    combo: tuple[str, ...]
    keys: list[tuple[str, ...]]
    rows: dict[tuple[str, ...], npt.NDArray[np.intp]]
    counts: dict[tuple[str, ...], dict[str, int]]
    hidden: list[set[tuple[str, ...]]]  # by layer
    reference: tuple[str, ...] | None


def _cell_counts(
    y: npt.NDArray[np.float64], q: npt.NDArray[np.float64] | None, r: npt.NDArray[np.intp]
) -> dict[str, int]:
    n, pos = len(r), int(y[r].sum())
    out = {"n": n, "pos": pos, "neg": n - pos}
    if q is not None:
        sel, tp = int(q[r].sum()), int((q[r] * y[r]).sum())
        out |= {"sel": sel, "tp": tp, "fp": sel - tp, "fn": pos - tp, "tn": n - pos - sel + tp}
    return out


def _primary(c: dict[str, int], layer: int, k: int) -> bool:
    """Whether a group's counts of ``layer`` are withheld for their own sake."""
    if layer == 0:
        return c["n"] < k
    if layer == 1:
        return min(c["pos"], c["neg"]) < k
    return min(c["tp"], c["fp"], c["fn"], c["tn"]) < k


def withheld_group_sizes(
    counts: Mapping[tuple[str, ...], Mapping[tuple[str, ...], int]], *, min_cell_size: int = 10
) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Return which group sizes an audit withholds, from the sizes alone.

    The first layer of :func:`audit`'s suppression: a group with fewer than
    ``min_cell_size`` cases is withheld for its own sake, then more are
    withheld jointly over every table so that no withheld size can be worked
    out from the others (margins, intersections). Counting can then happen
    anywhere (``advisory.spark`` counts on Spark) and the same sizes are
    published as the audit would publish.

    Parameters
    ----------
    counts : mapping
        For each table -- a tuple of attributes, one for a single attribute,
        more for an intersection -- every combination of their groups (empty
        ones included, as 0) to its number of cases.
    min_cell_size : int, default=10
        Groups with fewer cases are withheld.

    Returns
    -------
    dict
        For each table, the groups whose size is withheld.

    Examples
    --------
    >>> sizes = {("sex",): {("F",): 40, ("M",): 35}, ("area",): {("N",): 70, ("S",): 5}}
    >>> withheld = withheld_group_sizes(sizes)
    >>> sorted(withheld[("area",)]), sorted(withheld[("sex",)])
    ([('N',), ('S',)], [])
    """
    min_cell_size = check_int(min_cell_size, "min_cell_size", "withheld_group_sizes", minimum=1)
    tables = [
        CountTable(
            tuple(combo),
            dict(cells),
            frozenset(k for k, n in cells.items() if _primary({"n": n}, 0, min_cell_size)),
        )
        for combo, cells in counts.items()
    ]
    hidden = suppress_jointly(tables)
    return {tuple(combo): set(h) for combo, h in zip(counts, hidden, strict=True)}


def _tables(
    cfg: _Settings,
    y: npt.NDArray[np.float64],
    q: npt.NDArray[np.float64] | None,
    labels: Mapping[str, tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]],
    n: int,
) -> list[_Table]:
    """Every table's groups and counts, with joint suppression layer by layer."""
    tables: list[_Table] = []
    for combo in [(a[0],) for a in cfg.attributes] + list(cfg.intersections):
        uniques = [labels[a][1] for a in combo]
        rows: dict[tuple[str, ...], npt.NDArray[np.intp]] = {}
        codes = np.zeros(n, dtype=np.int64)
        for a, u in zip(combo, uniques, strict=True):
            codes = codes * len(u) + labels[a][0]
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(
            codes[order], np.arange(int(np.prod([len(u) for u in uniques])) + 1)
        )
        for i, key in enumerate(itertools.product(*[u.tolist() for u in uniques])):
            rows[key] = np.sort(order[bounds[i] : bounds[i + 1]])
        counts = {k: _cell_counts(y, q, r) for k, r in rows.items()}
        tables.append(_Table(" x ".join(combo), combo, list(rows), rows, counts, [], None))
    hidden: list[set[tuple[str, ...]]] = [set() for _ in tables]
    for layer in range(3 if q is not None else 2):
        joint = [
            CountTable(
                t.combo,
                {k: c["n"] for k, c in t.counts.items()},
                frozenset(
                    hidden[i]
                    | {k for k, c in t.counts.items() if _primary(c, layer, cfg.min_cell_size)}
                ),
            )
            for i, t in enumerate(tables)
        ]
        hidden = suppress_jointly(joint)
        for t, h in zip(tables, hidden, strict=True):
            t.hidden.append(set(h))
    return tables


def _run(
    cfg: _Settings,
    kind: ScoreKind,
    y: npt.NDArray[np.float64],
    s: npt.NDArray[np.float64] | None,
    q: npt.NDArray[np.float64] | None,
    labels: Mapping[str, tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]],
    n: int,
    operating_point: str | None,
    random_state: int,
) -> Audit:
    notes: list[str] = [_KIND_NOTES[kind]] if _KIND_NOTES[kind] else []
    if cfg.dropped:
        notes.append(
            f"Not computed for {kind} outputs: {', '.join(cfg.dropped)} (listed by the policy)."
        )
    refs = {name: ref for name, _, ref in cfg.attributes}
    tables = _tables(cfg, y, q, labels, n)
    for t in tables:
        uniques = [labels[a][1] for a in t.combo]
        reference: tuple[str, ...] | None = _reference(t.combo, refs, t.rows, uniques)
        if reference is not None and reference in t.hidden[0]:
            notes.append(
                f"{t.name}: the reference group {' & '.join(reference)!r} is suppressed "
                "(small or disclosive), so no disparities are reported for it."
            )
            reference = None
        t.reference = reference
        if len(t.hidden[0]) == len(t.keys):
            notes.append(
                f"{t.name}: every group is suppressed (small or disclosive); nothing reported."
            )
    if all(len(t.hidden[0]) == len(t.keys) for t in tables):
        raise InputError(
            f"Every group of every attribute is suppressed (fewer than min_cell_size="
            f"{cfg.min_cell_size} cases), so the audit cannot report anything. Audit more "
            "cases or fewer, coarser groups."
        )

    if all(len(t.hidden[1]) == len(t.keys) for t in tables):
        raise InputError(
            "Every group's outcomes are suppressed: in each group fewer than "
            f"min_cell_size={cfg.min_cell_size} cases have the outcome, or fewer than that do "
            "not, so no measure of the outcome can be reported. Audit more cases or fewer, "
            "coarser groups."
        )

    def shown(t: _Table, key: tuple[str, ...], m: Metric) -> bool:
        return key not in t.hidden[_LAYER[m]]

    # metrics that are not rates of counts: full-sample estimates and the bootstrap
    boot_metrics = tuple(m for m in cfg.metrics if m not in _RATES)
    work: list[tuple[_Table, tuple[str, ...], tuple[Metric, ...]]] = []
    data: list[tuple[GroupData, npt.NDArray[np.intp]]] = []
    points: dict[tuple[str, tuple[str, ...]], dict[Metric, float]] = {}
    for t in tables:
        for key in t.keys:
            wanted = tuple(m for m in boot_metrics if shown(t, key, m))
            if not wanted or s is None:
                continue
            r = t.rows[key]
            g = GroupData.build(s[r], y[r], None, calibrate=kind == "probability")
            work.append((t, key, wanted))
            data.append((g, r[g.order]))
            points[(t.name, key)] = point_estimates(s[r], y[r], None, g, wanted)
    boot = _bootstrap(cfg.n_boot, n, data, [w[2] for w in work], random_state)
    boot_of = {(t.name, key): b for (t, key, _), b in zip(work, boot, strict=True)}

    rates = _RateIntervals(tables, cfg, shown)
    group_rows: list[dict[str, object]] = []
    disparity_rows: list[dict[str, object]] = []
    for t in tables:
        for key in t.keys:
            c = t.counts[key]
            for m in cfg.metrics:
                est = lo = hi = np.nan
                withheld = not shown(t, key, m)
                if not withheld and m in _RATES:
                    num, den = _RATES[m]
                    est = c[num] / c[den]
                    lo, hi = rates.single[(c[num], c[den])]
                elif not withheld:
                    est = points[(t.name, key)][m]
                    lo, hi = percentile_bounds(boot_of[(t.name, key)][m], cfg.confidence)
                group_rows.append(
                    {
                        "attribute": t.name,
                        "group": " & ".join(key),
                        "n": np.nan if key in t.hidden[0] else float(c["n"]),
                        "suppressed": key in t.hidden[0],
                        "metric": m,
                        "kind": "operating point" if m in OPERATING_POINT else "threshold-free",
                        "withheld": withheld,
                        "estimate": est,
                        "lower": lo,
                        "upper": hi,
                    }
                )
        if t.reference is None:
            continue
        ref = t.reference
        for key in t.keys:
            if key == ref:
                continue
            for m in cfg.metrics:
                if not (shown(t, key, m) and shown(t, ref, m)):
                    continue
                for measure, est, lo, hi in _disparity(t, key, ref, m, points, boot_of, rates, cfg):
                    disparity_rows.append(
                        {
                            "attribute": t.name,
                            "group": " & ".join(key),
                            "reference": " & ".join(ref),
                            "metric": m,
                            "measure": measure,
                            "estimate": est,
                            "lower": lo,
                            "upper": hi,
                            "assessment": _assess(lo, hi, 0.0 if measure == "difference" else 1.0),
                        }
                    )
    disparity_columns = ["attribute", "group", "reference", "metric", "measure", "estimate"]
    disparity_columns += ["lower", "upper", "assessment"]
    return Audit(
        groups=pd.DataFrame(group_rows),
        disparities=pd.DataFrame(disparity_rows, columns=disparity_columns),
        n_cases=n,
        confidence=cfg.confidence,
        n_boot=cfg.n_boot,
        min_cell_size=cfg.min_cell_size,
        operating_point=operating_point,
        notes=tuple(notes),
        score_kind=kind,
        attribute_labels={t.name: cfg.labels[t.name] for t in tables},
    )


class _RateIntervals:
    """Every interval of a rate, and of a difference and ratio of two, in one call each.

    The audit's rates of counts take their intervals from the engine
    (mid-p, MOVER); computing them all at once keeps that cheap.
    """

    def __init__(self, tables: Sequence[_Table], cfg: _Settings, shown: Any) -> None:
        singles: set[tuple[int, int]] = set()
        pairs: set[tuple[int, int, int, int]] = set()
        for t in tables:
            for key in t.keys:
                for m in cfg.metrics:
                    if m not in _RATES or not shown(t, key, m):
                        continue
                    num, den = _RATES[m]
                    a = t.counts[key]
                    singles.add((a[num], a[den]))
                    if t.reference is not None and key != t.reference and shown(t, t.reference, m):
                        b = t.counts[t.reference]
                        pairs.add((a[num], a[den], b[num], b[den]))
        one, two = sorted(singles), sorted(pairs)
        k, n = _columns(one, 2)
        self.single = _bounds(one, proportion_interval(k, n, cfg.confidence))
        k1, n1, k2, n2 = _columns(two, 4)
        self.difference = _bounds(two, difference_interval(k1, n1, k2, n2, cfg.confidence))
        self.ratio = _bounds(two, ratio_interval(k1, n1, k2, n2, cfg.confidence))


def _columns(keys: Sequence[tuple[int, ...]], width: int) -> list[npt.NDArray[np.int64]]:
    table = np.array(keys, dtype=np.int64).reshape(len(keys), width)
    return [table[:, j] for j in range(width)]


def _bounds(
    keys: Sequence[tuple[int, ...]], bounds: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
) -> dict[tuple[int, ...], tuple[float, float]]:
    lo, hi = bounds
    return {k: (float(a), float(b)) for k, a, b in zip(keys, lo, hi, strict=True)}


def _disparity(
    t: _Table,
    key: tuple[str, ...],
    ref: tuple[str, ...],
    m: Metric,
    points: Mapping[tuple[str, tuple[str, ...]], Mapping[Metric, float]],
    boot_of: Mapping[tuple[str, tuple[str, ...]], Mapping[Metric, npt.NDArray[np.float64]]],
    rates: _RateIntervals,
    cfg: _Settings,
) -> list[tuple[str, float, float, float]]:
    """Difference and ratio of one metric between a group and the reference, with intervals."""
    if m in _RATES:
        num, den = _RATES[m]
        a, b = t.counts[key], t.counts[ref]
        pa, pb = a[num] / a[den], b[num] / b[den]
        pair = (a[num], a[den], b[num], b[den])
        return [
            ("difference", pa - pb, *rates.difference[pair]),
            ("ratio", pa / pb if pb else np.nan, *rates.ratio[pair]),
        ]
    pa, pb = points[(t.name, key)][m], points[(t.name, ref)][m]
    ba, bb = boot_of[(t.name, key)][m], boot_of[(t.name, ref)][m]
    with np.errstate(divide="ignore", invalid="ignore"):
        pairs = (("difference", pa - pb, ba - bb), ("ratio", pa / pb if pb else np.nan, ba / bb))
    return [(name, est, *percentile_bounds(dist, cfg.confidence)) for name, est, dist in pairs]


def _bootstrap(
    n_boot: int,
    n: int,
    groups: Sequence[tuple[GroupData, npt.NDArray[np.intp]]],
    metrics: Sequence[tuple[Metric, ...]],
    random_state: int,
) -> list[dict[Metric, npt.NDArray[np.float64]]]:
    """Every metric of every group in every replicate, chunk by chunk of the engine's draws.

    numpy releases the GIL in the heavy steps, so groups run on a few
    threads; BLAS is held to one thread meanwhile (its own threads would
    compete with these for the same cores).
    """
    # a dependency of scikit-learn, which has no type information
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    out = [{m: np.empty(n_boot) for m in ms} for ms in metrics]
    if not groups:
        return out
    # largest groups first, so the threads finish together
    by_size = sorted(range(len(groups)), key=lambda i: -len(groups[i][1]))
    workers = max(1, min(_MAX_THREADS, os.cpu_count() or 1, len(groups)))
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        for at, counts in replicate_counts(n, n_boot, random_state):

            def one(i: int, counts: npt.NDArray[np.uint8] = counts, at: slice = at) -> None:
                g, order = groups[i]
                values = group_metrics(np.take(counts, order, axis=1), g, metrics[i])
                for m, v in values.items():
                    out[i][m][at] = v  # type: ignore[index]

            list(pool.map(one, by_size))
    return out


def _reference(
    combo: tuple[str, ...],
    refs: Mapping[str, str],
    rows: Mapping[tuple[str, ...], npt.NDArray[np.intp]],
    uniques: Sequence[npt.NDArray[np.object_]],
) -> tuple[str, ...]:
    for a, u in zip(combo, uniques, strict=True):
        if refs[a] != "majority" and refs[a] not in u:
            raise ParameterError(
                "reference_group",
                _OWNER,
                f"a group of {a!r} ({sorted(u.tolist())}) or 'majority'",
                refs[a],
            )
    if all(refs[a] != "majority" for a in combo):
        return tuple(refs[a] for a in combo)
    return max(rows, key=lambda k: len(rows[k]))  # first largest, in sorted order
