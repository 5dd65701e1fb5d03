"""The :func:`audit` entry point: validation, groups, bootstrap, disparities."""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._checks import check_int
from advisory._errors import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE
from advisory.definitions import AuditPolicy, Outcome
from advisory.fairness._inputs import assess_difference as _assess
from advisory.fairness._inputs import group_labels, sensitive_frame
from advisory.fairness._inputs import percentile_interval as _interval
from advisory.fairness._metrics import (
    OPERATING_POINT,
    THRESHOLD_FREE,
    GroupData,
    Metric,
    group_metrics,
    point_estimates,
    poisson_counts,
)
from advisory.fairness._result import Audit
from advisory.fairness._sections import label_section, subject_section
from advisory.fairness._suppression import suppress

__all__ = ["audit"]

_OWNER: Final = "audit"
#: Bootstrap replicates processed together (bounds memory to ~n_rows x this).
_CHUNK: Final = 100
#: Threads computing groups' replicates at once.
_MAX_THREADS: Final = 2


@dataclass(frozen=True)
class _Settings:
    attributes: tuple[tuple[str, str, str], ...]  # name, column, reference
    intersections: tuple[tuple[str, ...], ...]
    metrics: tuple[Metric, ...]
    n_boot: int
    confidence: float
    min_cell_size: int
    threshold: float | None


def _resolve(
    sensitive: pd.DataFrame,
    policy: AuditPolicy | None,
    n_boot: int,
    confidence: float,
    min_cell_size: int,
    reference_groups: Mapping[str, str] | None,
    intersections: Sequence[Sequence[str]] | None,
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
        threshold = None if policy.operating_point is None else policy.operating_point.threshold
        if threshold is not None and has_predictions:
            raise ParameterError(
                "predictions",
                _OWNER,
                "None when the policy declares an operating point (it sets the predictions)",
                "an array",
            )
        metrics = tuple(m for m in policy.metrics if m in THRESHOLD_FREE + OPERATING_POINT)
        return _finish(
            sensitive,
            attributes,
            policy.intersections,
            metrics,
            policy.n_boot,
            policy.confidence_level,
            policy.min_cell_size,
            threshold,
            has_predictions,
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
    metrics = THRESHOLD_FREE[:-1] + (OPERATING_POINT if has_predictions else ())
    return _finish(
        sensitive,
        attributes,
        inter,
        metrics,
        n_boot,
        confidence,
        min_cell_size,
        None,
        has_predictions,
    )


def _finish(
    sensitive: pd.DataFrame,
    attributes: tuple[tuple[str, str, str], ...],
    intersections: tuple[tuple[str, ...], ...],
    metrics: tuple[Metric, ...],
    n_boot: int,
    confidence: float,
    min_cell_size: int,
    threshold: float | None,
    has_predictions: bool,
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
    if threshold is None and not has_predictions:
        metrics = tuple(m for m in metrics if m not in OPERATING_POINT)
    elif not any(m in OPERATING_POINT for m in metrics):
        metrics = metrics + OPERATING_POINT
    if "mean_predicted" in metrics and "observed_rate" in metrics:
        metrics = tuple(m for m in metrics if m != "predicted_minus_observed")
        metrics = (*metrics, "predicted_minus_observed")
    return _Settings(
        attributes, intersections, metrics, n_boot, float(confidence), min_cell_size, threshold
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


def audit(
    y_true: object,
    scores: object,
    sensitive_features: pd.DataFrame | pd.Series,
    *,
    policy: AuditPolicy | None = None,
    predictions: object = None,
    n_boot: int = 1000,
    confidence: float = DEFAULT_CONFIDENCE,
    min_cell_size: int = 10,
    reference_groups: Mapping[str, str] | None = None,
    intersections: Sequence[Sequence[str]] | None = None,
    random_state: int = 0,
    label: Outcome | None = None,
    subject: str | None = None,
) -> Audit:
    """Assess a tool's scores: performance and calibration by group, with intervals.

    Works on any tool's outputs: the observed outcome, the tool's scores
    (probabilities in [0, 1]) and the cases' sensitive attributes. Every
    metric comes with a bootstrap interval, for every group of every
    attribute and intersection, and as a difference and ratio to the
    attribute's reference group. Small or disclosive groups are suppressed.

    Parameters
    ----------
    y_true : array-like of 0/1
        The recorded outcome (often a past agency decision, not harm itself).
    scores : array-like of float in [0, 1]
        The tool's predicted probabilities.
    sensitive_features : pandas.DataFrame or Series
        One column per sensitive attribute, one row per case; no missing
        values (record them as an explicit group such as "Not recorded").
    policy : AuditPolicy, optional
        Attributes, reference groups, intersections, metrics, cell size,
        confidence level, replicates and operating point from a reviewable
        policy file. When given, leave the keyword settings below unset.
    predictions : array-like of 0/1, optional
        The tool's decisions at its operating point; adds operating-point
        metrics (selection rate, false positive and negative rates, precision).
    n_boot : int, default=1000
        Bootstrap replicates.
    confidence : float, default=0.9
        Level of the intervals.
    min_cell_size : int, default=10
        Groups with fewer cases are suppressed.
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
        One line naming the tool whose scores are audited.

    Returns
    -------
    Audit

    Notes
    -----
    Intervals are percentile intervals of a Poisson bootstrap: in each
    replicate every case is drawn Poisson(1) times, once for all groups, so
    differences between groups use the same replicate. Calibration intercept
    and slope in a replicate are one Newton step from the full-sample fit
    (two more exact steps for groups up to 1,000 cases).

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
    """
    y = _as_binary(y_true, "y_true", None)
    n = len(y)
    s = np.asarray(scores)
    if s.ndim != 1 or len(s) != n:
        raise InputError(
            f"scores has shape {s.shape} but y_true has {n} values; pass one score per case."
        )
    try:
        s = s.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError("scores must be numbers (probabilities in [0, 1]).") from exc
    if not np.all((s >= 0) & (s <= 1)):
        bad = s[~((s >= 0) & (s <= 1))][:3]
        raise InputError(
            f"scores must be probabilities in [0, 1]; found {bad.tolist()}. "
            "Calibrate or rescale the tool's scores before auditing them."
        )
    sensitive_features = sensitive_frame(sensitive_features)
    if len(sensitive_features) != n:
        raise InputError(
            f"sensitive_features has {len(sensitive_features)} rows but y_true has {n}; "
            "pass one row per case."
        )
    q = None if predictions is None else _as_binary(predictions, "predictions", n)
    cfg = _resolve(
        sensitive_features,
        policy,
        n_boot,
        confidence,
        min_cell_size,
        reference_groups,
        intersections,
        q is not None,
    )
    operating_point = None
    if cfg.threshold is not None:
        q = (s >= cfg.threshold).astype(np.float64)
        operating_point = f"policy threshold: score >= {cfg.threshold}"
    elif q is not None:
        operating_point = "predictions given by the caller"
    labels = {
        name: group_labels(sensitive_features[column], column) for name, column, _ in cfg.attributes
    }
    result = _run(cfg, y, s, q, labels, n, operating_point, random_state)
    sections: dict[str, Any] = {}
    if subject is not None:
        sections["subject"] = subject_section("external_scores", subject)
    if label is not None:
        sections["label"] = label_section(label)
    return result.with_sections(**sections) if sections else result


@dataclass
class _Table:
    name: str
    keys: list[tuple[str, ...]]
    rows: dict[tuple[str, ...], npt.NDArray[np.intp]]
    hidden: set[tuple[str, ...]]
    reference: tuple[str, ...] | None


def _run(
    cfg: _Settings,
    y: npt.NDArray[np.float64],
    s: npt.NDArray[np.float64],
    q: npt.NDArray[np.float64] | None,
    labels: dict[str, npt.NDArray[np.object_]],
    n: int,
    operating_point: str | None,
    random_state: int,
) -> Audit:
    notes: list[str] = []
    refs = {name: ref for name, _, ref in cfg.attributes}
    tables: list[_Table] = []
    for combo in [(a[0],) for a in cfg.attributes] + list(cfg.intersections):
        uniques = [np.unique(labels[a]) for a in combo]
        rows: dict[tuple[str, ...], npt.NDArray[np.intp]] = {}
        codes = np.zeros(n, dtype=np.int64)
        for a, u in zip(combo, uniques, strict=True):
            codes = codes * len(u) + np.searchsorted(u, labels[a])
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(
            codes[order], np.arange(int(np.prod([len(u) for u in uniques])) + 1)
        )
        for i, key in enumerate(itertools.product(*[u.tolist() for u in uniques])):
            rows[key] = np.sort(order[bounds[i] : bounds[i + 1]])
        cells = {k: (len(r), int(y[r].sum())) for k, r in rows.items()}
        hidden = suppress(cells, cfg.min_cell_size)
        name = " x ".join(combo)
        reference: tuple[str, ...] | None = _reference(combo, refs, rows, uniques)
        if reference is not None and reference in hidden:
            notes.append(
                f"{name}: the reference group {' & '.join(reference)!r} is suppressed "
                "(small or disclosive), so no disparities are reported for it."
            )
            reference = None
        if len(hidden) == len(rows):
            notes.append(
                f"{name}: every group is suppressed (small or disclosive); nothing reported."
            )
        tables.append(_Table(name, list(rows), rows, hidden, reference))
    if all(len(t.hidden) == len(t.keys) for t in tables):
        raise InputError(
            f"Every group of every attribute is suppressed (fewer than min_cell_size="
            f"{cfg.min_cell_size} cases, or no positive or no negative outcomes), so the audit "
            "cannot report anything. Audit more cases or fewer, coarser groups."
        )
    # groups to compute: visible ones
    work: list[tuple[_Table, tuple[str, ...], GroupData, npt.NDArray[np.intp]]] = []
    for t in tables:
        for key in t.keys:
            if key not in t.hidden:
                r = t.rows[key]
                g = GroupData.build(s[r], y[r], None if q is None else q[r])
                work.append((t, key, g, r[g.order]))
    boot = _bootstrap(cfg, n, [(g, order) for _, _, g, order in work], random_state)
    boot_of = {(t.name, key): b for (t, key, _, _), b in zip(work, boot, strict=True)}
    alpha = (1 - cfg.confidence) / 2
    group_rows: list[dict[str, object]] = []
    disparity_rows: list[dict[str, object]] = []
    points: dict[tuple[str, tuple[str, ...]], dict[Metric, float]] = {}
    for t, key, g, _ in work:
        r = t.rows[key]
        points[(t.name, key)] = point_estimates(
            s[r], y[r], None if q is None else q[r], g, cfg.metrics
        )
    for t in tables:
        for key in t.keys:
            withheld = key in t.hidden
            for m in cfg.metrics:
                est = lo = hi = np.nan
                if not withheld:
                    est = points[(t.name, key)][m]
                    lo, hi = _interval(boot_of[(t.name, key)][m], alpha)
                group_rows.append(
                    {
                        "attribute": t.name,
                        "group": " & ".join(key),
                        "n": np.nan if withheld else float(len(t.rows[key])),
                        "suppressed": withheld,
                        "metric": m,
                        "kind": "operating point" if m in OPERATING_POINT else "threshold-free",
                        "estimate": est,
                        "lower": lo,
                        "upper": hi,
                    }
                )
        if t.reference is None:
            continue
        ref = t.reference
        for key in t.keys:
            if key in t.hidden or key == ref:
                continue
            for m in cfg.metrics:
                pa, pb = points[(t.name, key)][m], points[(t.name, ref)][m]
                ba, bb = boot_of[(t.name, key)][m], boot_of[(t.name, ref)][m]
                with np.errstate(divide="ignore", invalid="ignore"):
                    pairs = (
                        ("difference", pa - pb, ba - bb, 0.0),
                        ("ratio", pa / pb if pb else np.nan, ba / bb, 1.0),
                    )
                for measure, est, dist, null in pairs:
                    lo, hi = _interval(dist, alpha)
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
                            "assessment": _assess(lo, hi, null),
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
    )


def _bootstrap(
    cfg: _Settings,
    n: int,
    groups: Sequence[tuple[GroupData, npt.NDArray[np.intp]]],
    random_state: int,
) -> list[dict[Metric, npt.NDArray[np.float64]]]:
    """Every metric of every group in every replicate, in chunks of replicates.

    numpy releases the GIL in the heavy steps, so groups run on a few
    threads; BLAS is held to one thread meanwhile (its own threads would
    compete with these for the same cores).
    """
    # a dependency of scikit-learn, which has no type information
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    out = [{m: np.empty(cfg.n_boot) for m in cfg.metrics} for _ in groups]
    # largest groups first, so the threads finish together
    by_size = sorted(range(len(groups)), key=lambda i: -len(groups[i][1]))
    rng = np.random.default_rng(random_state)
    workers = max(1, min(_MAX_THREADS, os.cpu_count() or 1, len(groups)))
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        for start in range(0, cfg.n_boot, _CHUNK):
            stop = min(start + _CHUNK, cfg.n_boot)
            counts = poisson_counts(rng, n, stop - start)

            def one(
                i: int, counts: npt.NDArray[np.uint8] = counts, at: slice = slice(start, stop)
            ) -> None:
                g, order = groups[i]
                values = group_metrics(np.take(counts, order, axis=1), g, cfg.metrics)
                for m, v in values.items():
                    out[i][m][at] = v

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
