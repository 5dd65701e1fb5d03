"""Proxy detection: how well the case factors tell each sensitive group apart.

A model that never sees ethnicity, disability or deprivation can still lean
on them through factors that track them (a "proxy"). For every group of every
sensitive attribute, one against the rest, :func:`proxy_audit` measures how
well the factors *together* predict membership (the ROC-AUC, on held-out
cases, of a logistic regression fitted on the other cases), which factors
carry that information *on their own* (held-out ROC-AUC of each factor), and,
given the model's attributions, how much of the model's attribution mass sits
on those factors. Every figure has a Poisson-bootstrap interval; small groups
are suppressed.

The helpers for sensitive features and group suppression here are shared
with :mod:`advisory.fairness._parity`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._bootstrap import (
    GroupData,
    group_metrics,
    metrics_by_counts,
    percentile_bounds,
    replicate_counts,
)
from advisory._checks import check_int
from advisory._errors import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE, JsonResult
from advisory._result import json_number as _num
from advisory.fairness._inputs import (
    Estimate,
    FloatArray,
    check_confidence,
    check_index,
    check_labels,
    finite_values,
    hidden_groups,
    sensitive_labels,
)
from advisory.fairness._metrics import point_estimates

__all__ = ["PROXY_UNITS", "Carrier", "ProxyAudit", "ProxyEntry", "proxy_audit"]

_OWNER: Final = "proxy_audit"
#: At most this many carriers are reported per group, strongest first.
_MAX_CARRIERS: Final = 5
#: A numeric factor with more distinct values is cut at this many quantiles.
_BINS: Final = 16
#: Pseudo-cases pulling a level's out-of-fold group rate towards the group's share.
_SMOOTHING: Final = 20.0
#: Iterations and tolerance of the cross-validated classifier's solver.
_MAX_ITER: Final = 1000
_TOL: Final = 1e-3

PREDICTS: Final = "the factors predict membership of this group"
NO_EVIDENCE: Final = "insufficient evidence that the factors predict membership of this group"
NOT_ESTIMATED: Final = "could not be estimated"

#: What each number of a proxy entry means, in one sentence each.
PROXY_UNITS: Final[Mapping[str, str]] = {
    "auc": (
        "ROC-AUC on held-out cases of all the factors together for telling members of the group "
        "from other cases (0.5 = no better than chance, 1 = separates them completely)"
    ),
    "strength": (
        "ROC-AUC on held-out cases of the factor on its own for telling members of the group "
        "from other cases (0.5 = carries no information, 1 = separates them completely)"
    ),
    "attribution_share": (
        "share of the model's total absolute attribution (mean |SHAP| over all cases) that "
        "sits on the carrier factors (0 to 1)"
    ),
}


# -- result objects ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Carrier:
    """A factor that on its own tells a group's cases from the others.

    Attributes
    ----------
    factor, label : str
        The factor's name and plain-language label.
    strength : float
        Cross-validated ROC-AUC of the factor alone (see ``PROXY_UNITS``).
    """

    factor: str
    label: str
    strength: float

    def to_dict(self) -> dict[str, Any]:
        """Return the carrier as JSON-ready builtins."""
        return {"factor": self.factor, "label": self.label, "strength": _num(self.strength)}


@dataclass(frozen=True, kw_only=True, slots=True)
class ProxyEntry:
    """What the proxy audit found for one group of one attribute.

    A suppressed entry has only ``attribute``, ``group`` and
    ``suppressed=True``; everything else is None or empty.
    """

    attribute: str
    group: str
    suppressed: bool
    n: int | None = None
    auc: Estimate | None = None
    assessment: str | None = None
    carriers: tuple[Carrier, ...] = ()
    attribution_share: Estimate | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as JSON-ready builtins (a suppressed entry carries no figures)."""
        if self.suppressed or self.auc is None:
            return {"attribute": self.attribute, "group": self.group, "suppressed": True}
        share = self.attribution_share
        return {
            "attribute": self.attribute,
            "group": self.group,
            "suppressed": False,
            "n": self.n,
            "auc": self.auc.to_dict(),
            "assessment": self.assessment,
            "carriers": [c.to_dict() for c in self.carriers],
            "attribution_share": None if share is None else share.to_dict(),
        }


@dataclass(frozen=True, kw_only=True)
class ProxyAudit(JsonResult):
    """How well the factors predict each sensitive group, and which carry it.

    Built by :func:`proxy_audit`. ``to_dict()["entries"]`` has one entry per
    attribute and group; suppressed groups carry only their names.

    Attributes
    ----------
    entries : tuple of ProxyEntry
        One per attribute and group, in the order of the columns of the
        sensitive features and then of the sorted groups.
    n_cases, n_boot, min_cell_size : int
        Cases audited, bootstrap replicates and the suppression threshold.
    test_fraction : float
        Share of each group's cases held out to assess the classifiers.
    confidence : float
        Level of every interval.
    notes : tuple of str
        Plain statements about what was not assessed and why, and how to read
        the figures.
    """

    entries: tuple[ProxyEntry, ...]
    n_cases: int
    confidence: float
    test_fraction: float
    n_boot: int
    min_cell_size: int
    notes: tuple[str, ...]

    @property
    def units(self) -> dict[str, str]:
        """One sentence per figure: ``auc``, ``strength`` and ``attribution_share``."""
        return dict(PROXY_UNITS)

    def to_dict(self) -> dict[str, Any]:
        """Return the proxy audit as JSON-ready builtins.

        Returns
        -------
        dict
            ``entries`` (one per attribute and group: the audit report's
            ``proxies`` list), ``units``, ``n_cases``, ``confidence``,
            ``test_fraction``, ``n_boot``, ``min_cell_size`` and ``notes``.
        """
        return {
            "entries": [e.to_dict() for e in self.entries],
            "units": self.units,
            "n_cases": self.n_cases,
            "confidence": self.confidence,
            "test_fraction": self.test_fraction,
            "n_boot": self.n_boot,
            "min_cell_size": self.min_cell_size,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the proxy audit as one table.

        Returns
        -------
        pandas.DataFrame
            One row per attribute and group; columns ``attribute``, ``group``,
            ``suppressed``, ``n``, ``auc``, ``auc_lower``, ``auc_upper``,
            ``assessment``, ``carriers`` (a tuple of factor names),
            ``strengths``, ``attribution_share``, ``share_lower`` and
            ``share_upper`` (missing figures are NaN; suppressed rows have none).
        """
        rows = []
        for e in self.entries:
            visible = not e.suppressed and e.auc is not None
            auc = e.auc if visible else None
            share = e.attribution_share if visible else None
            rows.append(
                {
                    "attribute": e.attribute,
                    "group": e.group,
                    "suppressed": not visible,
                    "n": e.n if visible else math.nan,
                    "auc": auc.estimate if auc else math.nan,
                    "auc_lower": auc.lower if auc else math.nan,
                    "auc_upper": auc.upper if auc else math.nan,
                    "assessment": e.assessment if visible else None,
                    "carriers": tuple(c.factor for c in e.carriers),
                    "strengths": tuple(c.strength for c in e.carriers),
                    "attribution_share": share.estimate if share else math.nan,
                    "share_lower": share.lower if share else math.nan,
                    "share_upper": share.upper if share else math.nan,
                }
            )
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        shown = sum(not e.suppressed for e in self.entries)
        found = sum(e.assessment == PREDICTS for e in self.entries)
        return (
            f"ProxyAudit(n_cases={self.n_cases}, groups_reported={shown}, "
            f"groups_predicted={found}, confidence={self.confidence})"
        )


# -- input checks shared with the parity audit -----------------------------------


# -- factors -------------------------------------------------------------------


def _check_factors(factors: object) -> pd.DataFrame:
    """Factors as a frame the classifier takes: floats and pandas categoricals."""
    if not isinstance(factors, pd.DataFrame):
        raise InputError(f"factors must be a pandas DataFrame; got {type(factors).__name__}.")
    if factors.shape[0] == 0 or factors.shape[1] == 0:
        raise InputError(
            f"factors is empty ({factors.shape[0]} cases x {factors.shape[1]} factors); "
            "pass the case factors (one row per case, one column per factor)."
        )
    if not factors.index.is_unique:
        raise InputError("factors has repeated index labels; each case must appear once.")
    names = [str(c) for c in factors.columns]
    if len(set(names)) != len(names):
        raise InputError("factors has repeated column names; each factor must appear once.")
    out: dict[str, pd.Series] = {}
    for column, name in zip(factors.columns, names, strict=True):
        col = factors[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = col
        elif pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isinf(values).any():
                raise InputError(
                    f"factors column {name!r} holds infinite values; expected finite numbers "
                    "(NaN for unknown)."
                )
            out[name] = pd.Series(values, index=factors.index)
        else:
            raise InputError(
                f"factors column {name!r} has dtype {col.dtype}; expected numbers, booleans "
                "or a pandas categorical (convert text with .astype('category'))."
            )
    return pd.DataFrame(out, index=factors.index)


def _bin_codes(X: pd.DataFrame) -> tuple[npt.NDArray[np.intp], list[int]]:
    """Each factor as a few levels: categories or quantile bins, unknown its own level."""
    codes = np.empty(X.shape, dtype=np.intp)
    levels: list[int] = []
    for j, column in enumerate(X.columns):
        col = X[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            c = col.cat.codes.to_numpy().astype(np.intp)
            unknown, n_known = c < 0, len(col.cat.categories)
        else:
            v = col.to_numpy(dtype=np.float64)
            unknown = np.isnan(v)
            known = v[~unknown]
            uniques = np.unique(known)
            if len(uniques) <= _BINS:
                edges = uniques[1:]
            else:
                edges = np.unique(np.quantile(known, np.linspace(0, 1, _BINS + 1)[1:-1]))
            c = np.searchsorted(edges, np.where(unknown, 0.0, v), side="right").astype(np.intp)
            n_known = len(edges) + 1
        codes[:, j] = np.where(unknown, n_known, c)
        levels.append(n_known + 1)
    return codes, levels


def _split(codes: npt.NDArray[np.intp], test_fraction: float, rng: np.random.Generator) -> Any:
    """Whether each case is held out, each group split in the same proportion."""
    held_out = np.zeros(len(codes), dtype=bool)
    for g in np.unique(codes):
        rows = rng.permutation(np.flatnonzero(codes == g))
        held_out[rows[: round(len(rows) * test_fraction)]] = True
    return held_out


def _design(codes: npt.NDArray[np.intp], levels: list[int]) -> Any:
    """One-hot encoding of every factor's levels (a step function per factor)."""
    from scipy import sparse

    n, n_factors = codes.shape
    offsets = np.r_[0, np.cumsum(levels)[:-1]].astype(np.intp)
    columns = (codes + offsets[None, :]).ravel()
    indptr = np.arange(0, n * n_factors + 1, n_factors)
    data = np.ones(len(columns))
    return sparse.csr_matrix((data, columns, indptr), shape=(n, int(sum(levels))))


def _held_out_probability(
    design: Any, group: npt.NDArray[np.intp], held_out: npt.NDArray[np.bool_], n_groups: int
) -> tuple[FloatArray, bool]:
    """Probability of each group for each held-out case, from a model fitted on the others.

    A multinomial logistic regression (L2, ``C=1``) on the one-hot levels
    of every factor: an additive model with a step function per factor.
    Returns the probabilities (held-out cases x groups) and whether the fit
    converged.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=_MAX_ITER, tol=_TOL)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(design[~held_out], group[~held_out])
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    out = np.zeros((int(held_out.sum()), n_groups))
    out[:, model.classes_] = model.predict_proba(design[held_out])
    return out, converged


def _level_scores(codes: npt.NDArray[np.intp], levels: int, y: FloatArray) -> FloatArray:
    """Share of the group at each level of one factor in the fitting cases, smoothed."""
    pos = np.bincount(codes, weights=y, minlength=levels)
    tot = np.bincount(codes, minlength=levels).astype(np.float64)
    prior = y.mean()
    return np.asarray((pos + _SMOOTHING * prior) / (tot + _SMOOTHING))


def _single_factor(
    codes: npt.NDArray[np.intp], levels: int, y: FloatArray, scores: FloatArray
) -> tuple[float, float]:
    """Held-out ROC-AUC of one factor's level scores, and its z against no information.

    The z statistic is the Mann-Whitney test's with the tie correction: under
    the hypothesis that the factor carries no information about the group,
    the held-out labels are exchangeable given the scores, so its null
    variance is exact (only the normal approximation is not).
    """
    pos = np.bincount(codes, weights=y, minlength=levels)
    tot = np.bincount(codes, minlength=levels).astype(np.float64)
    weights = np.r_[pos, tot - pos][None, :]
    auc = float(
        metrics_by_counts(
            np.r_[scores, scores],
            np.r_[np.ones(levels), np.zeros(levels)],
            weights,
            ("roc_auc",),
            calibrate=False,
        )["roc_auc"][0]
    )
    _, tie_group = np.unique(scores, return_inverse=True)
    ties = np.bincount(tie_group, weights=tot)
    n1, n = float(pos.sum()), float(tot.sum())
    n0 = n - n1
    correction = 1.0 - float(np.sum(ties**3 - ties)) / (n**3 - n)
    variance = (n + 1) / (12 * n1 * n0) * correction
    z = (auc - 0.5) / math.sqrt(variance) if variance > 0 else 0.0
    return auc, z


# -- the audit -----------------------------------------------------------------


def proxy_audit(
    factors: pd.DataFrame,
    sensitive_features: pd.DataFrame | pd.Series,
    *,
    attributions: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    test_fraction: float = 0.5,
    n_boot: int = 1000,
    confidence: float = DEFAULT_CONFIDENCE,
    min_cell_size: int = 10,
    withheld: Iterable[tuple[str, str]] = (),
    random_state: int = 0,
) -> ProxyAudit:
    """Assess how well the case factors predict each sensitive group, and which carry it.

    For every group of every attribute, one against the rest, with the
    cases split at random (within each group) into a part the classifiers
    are fitted on and a held-out part they are assessed on:

    - **auc**: ROC-AUC on the held-out cases of a multinomial logistic
      regression on all the factors (a step function per factor, unknown
      values as their own level), with a bootstrap interval. When the
      interval lies above 0.5 the assessment is "the factors predict
      membership of this group".
    - **carriers**: for such a group, the factors that on their own tell its
      cases from the others (held-out ROC-AUC of the factor alone, its
      ``strength``), strongest first, at most five, and only those whose AUC
      is above 0.5 by a one-sided Mann-Whitney test (tie-corrected) at the
      audit's confidence with a Bonferroni adjustment for the number of
      factors.
    - **attribution_share**: given the model's ``attributions``, the share
      of its total mean absolute attribution (over all cases) that sits on
      the carriers.

    Parameters
    ----------
    factors : pandas.DataFrame
        Case factors (one row per case): numbers, booleans or pandas
        categoricals; NaN means unknown.
    sensitive_features : pandas.DataFrame or Series
        One column per attribute, indexed like ``factors``; no missing values.
    attributions : pandas.DataFrame, optional
        The model's SHAP values per case and factor, indexed like
        ``factors`` with its columns.
    labels : mapping, optional
        Plain-language label of each factor (default: its name).
    test_fraction : float, default=0.5
        Share of each group's cases held out for assessment.
    n_boot : int, default=1000
        Bootstrap replicates.
    confidence : float, default=0.9
        Level of the intervals.
    min_cell_size : int, default=10
        Groups with fewer cases are suppressed (with secondary suppression).
    withheld : iterable of (attribute, group) pairs, default=()
        Groups the main audit suppressed; suppressed here too.
    random_state : int, default=0
        Seed of the split and the bootstrap.

    Returns
    -------
    ProxyAudit
        One entry per attribute and group, with its carriers.

    Notes
    -----
    Why a held-out part rather than cross-validation: given the fitted
    classifier, the held-out cases are independent of it, so resampling them
    (a Poisson bootstrap shared by every group and factor) gives an interval
    that holds. Pooled cross-validated predictions reuse every case's group
    in the other folds' fits, and resampling them understates the
    uncertainty (by about a third of the interval's width in our
    simulations), which would raise false alarms. Numeric factors with more
    than 16 distinct values are cut at 16 quantiles; unknown is a level of
    its own. A factor's level scores are its group shares in the fitting part
    (smoothed), so its held-out AUC is honest too.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.fairness import proxy_audit
    >>> rng = np.random.default_rng(0)
    >>> group = rng.choice(["A", "B"], size=600)
    >>> factors = pd.DataFrame({
    ...     "copy": (group == "A") + rng.normal(0, 0.7, 600),
    ...     "noise": rng.normal(size=600),
    ... })
    >>> result = proxy_audit(factors, pd.DataFrame({"g": group}), n_boot=100)
    >>> entry = result.to_dict()["entries"][0]
    >>> entry["group"], entry["assessment"]
    ('A', 'the factors predict membership of this group')
    >>> [c["factor"] for c in entry["carriers"]]
    ['copy']
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    X = _check_factors(factors)
    n, names = len(X), [str(c) for c in X.columns]
    groups_of = sensitive_labels(sensitive_features, X.index, "factors")
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, float | int)
        or not 0.1 <= test_fraction <= 0.9
    ):
        raise ParameterError("test_fraction", _OWNER, "a number in [0.1, 0.9]", test_fraction)
    n_boot = check_int(n_boot, "n_boot", _OWNER, minimum=20)
    min_cell_size = check_int(min_cell_size, "min_cell_size", _OWNER, minimum=1)
    confidence = check_confidence(confidence, _OWNER)
    seed = check_int(random_state, "random_state", _OWNER, minimum=0)
    words = check_labels(labels, _OWNER)
    magnitude = None if attributions is None else np.abs(_check_attributions(attributions, X))
    hidden = hidden_groups(groups_of, min_cell_size, withheld, _OWNER)
    notes: list[str] = []
    codes, levels = _bin_codes(X)
    design = _design(codes, levels)
    rng = np.random.default_rng(seed)

    # per attribute: the split, held-out probabilities and single-factor level scores
    work: list[_Group] = []
    test_rows_of: dict[str, npt.NDArray[np.intp]] = {}
    with threadpool_limits(limits=1):
        for attribute, values in groups_of.items():
            uniques, group_codes = np.unique(values, return_inverse=True)
            held_out = _split(group_codes, float(test_fraction), rng)
            assessed = []
            for g, name in enumerate(uniques.tolist()):
                if (attribute, name) in hidden:
                    continue
                mine = group_codes == g
                parts = [int((mine & held_out).sum()), int((mine & ~held_out).sum())]
                parts += [int((~mine & held_out).sum()), int((~mine & ~held_out).sum())]
                if min(parts) < 2:
                    hidden.add((attribute, name))
                    notes.append(
                        f"{attribute} = {name}: too few cases in or outside the group to fit "
                        "and assess a classifier; suppressed."
                    )
                    continue
                assessed.append((g, name))
            if not assessed:
                continue
            test_rows = np.flatnonzero(held_out)
            test_rows_of[attribute] = test_rows
            probability, converged = _held_out_probability(
                design, group_codes, held_out, len(uniques)
            )
            if not converged:
                notes.append(
                    f"{attribute}: the classifier did not fully converge in {_MAX_ITER} "
                    "iterations; its AUC may understate how well the factors predict the groups."
                )
            train = ~held_out
            for g, name in assessed:
                y_fit = (group_codes[train] == g).astype(np.float64)
                y = (group_codes[test_rows] == g).astype(np.float64)
                score = probability[:, g]
                work.append(
                    _Group(
                        attribute,
                        name,
                        g,
                        int(np.count_nonzero(group_codes == g)),
                        y,
                        score,
                        [
                            _level_scores(codes[train, j], levels[j], y_fit)
                            for j in range(len(names))
                        ],
                        GroupData.build(score, y, None),
                    )
                )

    # point estimates
    auc_point = [
        point_estimates(w.score, w.y, None, w.ranked, ("roc_auc",))["roc_auc"] for w in work
    ]
    single = [
        np.array(
            [
                _single_factor(codes[test_rows_of[w.attribute], j], levels[j], w.y, w.levels[j])
                for j in range(len(names))
            ]
        )
        for w in work
    ]
    mass_point = None if magnitude is None else magnitude.sum(axis=0)

    # bootstrap: one Poisson draw per chunk, shared by every group
    auc_boot = np.empty((len(work), n_boot))
    mass_boot = None if magnitude is None else np.empty((n_boot, len(names)))
    for reps, counts in replicate_counts(n, n_boot, rng):
        for i, w in enumerate(work):
            rows = test_rows_of[w.attribute][w.ranked.order]
            taken = np.take(counts, rows, axis=1)
            auc_boot[i, reps] = group_metrics(taken, w.ranked, ("roc_auc",))["roc_auc"]
        if mass_boot is not None and magnitude is not None:
            mass_boot[reps] = counts.astype(np.float64) @ magnitude

    alpha = (1 - confidence) / 2
    z = NormalDist().inv_cdf(1 - alpha / len(names))
    results: dict[tuple[str, str], ProxyEntry] = {}
    for i, w in enumerate(work):
        lo, hi = percentile_bounds(auc_boot[i], confidence)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            assessment = NOT_ESTIMATED
        else:
            assessment = PREDICTS if lo > 0.5 else NO_EVIDENCE
        carriers: list[Carrier] = []
        if assessment == PREDICTS:
            strength, z_stat = single[i][:, 0], single[i][:, 1]
            strong = np.flatnonzero(z_stat > z)
            strong = strong[np.argsort(-strength[strong], kind="stable")][:_MAX_CARRIERS]
            carriers = [
                Carrier(names[j], words.get(names[j], names[j]), float(strength[j])) for j in strong
            ]
        share = None
        if carriers and mass_point is not None and mass_boot is not None:
            chosen = [names.index(c.factor) for c in carriers]
            with np.errstate(invalid="ignore", divide="ignore"):
                point = float(mass_point[chosen].sum() / mass_point.sum())
                dist = mass_boot[:, chosen].sum(axis=1) / mass_boot.sum(axis=1)
            share = Estimate(point, *percentile_bounds(dist, confidence))
        results[(w.attribute, w.name)] = ProxyEntry(
            attribute=w.attribute,
            group=w.name,
            suppressed=False,
            n=w.n,
            auc=Estimate(auc_point[i], lo, hi),
            assessment=assessment,
            carriers=tuple(carriers),
            attribution_share=share,
        )
    entries = []
    for attribute, values in groups_of.items():
        for name in np.unique(values).tolist():
            entry = results.get((attribute, name))
            if entry is None:
                entry = ProxyEntry(attribute=attribute, group=name, suppressed=True)
            entries.append(entry)
    if magnitude is None:
        notes.append(
            "No attributions were given, so the share of attribution on the carriers "
            "was not assessed."
        )
    notes.append(
        "Each group is compared with all other cases. A carrier is a factor that on its own "
        "tells the group's cases apart on held-out cases (a one-sided test, adjusted for the "
        f"{len(names)} factors tested); factors that carry the same information are each "
        "listed."
    )
    return ProxyAudit(
        entries=tuple(entries),
        n_cases=n,
        confidence=confidence,
        test_fraction=float(test_fraction),
        n_boot=n_boot,
        min_cell_size=min_cell_size,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class _Group:
    """One assessed group: its held-out outcome and scores."""

    attribute: str
    name: str
    g: int
    n: int
    y: FloatArray  # membership of the held-out cases
    score: FloatArray  # the classifier's held-out probability
    levels: list[FloatArray]  # per factor: the group's share at each level (fitting part)
    ranked: GroupData


def _check_attributions(attributions: object, X: pd.DataFrame) -> FloatArray:
    if not isinstance(attributions, pd.DataFrame):
        raise InputError(
            f"attributions must be a pandas DataFrame; got {type(attributions).__name__}."
        )
    check_index(attributions, "attributions", X.index, "factors")
    columns = [str(c) for c in attributions.columns]
    if sorted(columns) != sorted(X.columns):
        missing = sorted(set(X.columns) - set(columns))
        extra = sorted(set(columns) - set(X.columns))
        raise InputError(
            f"attributions must have the factors' columns; missing {missing}, extra {extra}."
        )
    frame = attributions.set_axis(columns, axis=1)[list(X.columns)]
    return finite_values(frame, "attributions")
