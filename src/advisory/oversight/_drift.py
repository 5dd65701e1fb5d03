"""Drift of new cases from the audited ones, and when a re-audit is due."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._checks import check_int
from advisory._errors import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE, JsonResult
from advisory.definitions import AuditPolicy, DriftLimits
from advisory.oversight._findings import check_finding

__all__ = ["DriftCheck", "drift"]

_MAX_LEVELS: Final = 12  # a factor with at most this many values is binned by value
_N_QUANTILE_BINS: Final = 10


@dataclass(frozen=True, kw_only=True, slots=True)
class Calibration:
    """Calibration in the large (observed minus expected rate) before and now."""

    audited: float
    new: float
    change: float
    low: float
    high: float
    n_audited: int
    n_new: int
    beyond_limit: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the calibration change as plain JSON types.

        Returns
        -------
        dict
            Every field, by name.
        """
        return {
            "audited": self.audited,
            "new": self.new,
            "change": self.change,
            "low": self.low,
            "high": self.high,
            "n_audited": self.n_audited,
            "n_new": self.n_new,
            "beyond_limit": self.beyond_limit,
        }


class DriftCheck(JsonResult):
    """Population stability per factor, calibration drift and whether a re-audit is due.

    Built by :func:`drift`.

    Parameters
    ----------
    stability : pandas.DataFrame
        Per factor: population stability index with its bootstrap interval.
    calibration : Calibration or None
        The change in calibration in the large, when outcomes were given.
    limits : DriftLimits
        The limits the check applied.
    n_audited, n_new : int
        Cases in the audited period and in the new one.
    reaudit_due : bool
        Whether a re-audit is due.
    statement : str
        In plain words, whether a re-audit is due and why.
    confidence : float
        Level of the intervals.
    n_boot : int
        Bootstrap replicates.
    """

    def __init__(
        self,
        *,
        stability: pd.DataFrame,
        calibration: Calibration | None,
        limits: DriftLimits,
        n_audited: int,
        n_new: int,
        reaudit_due: bool,
        statement: str,
        confidence: float,
        n_boot: int,
    ) -> None:
        self._stability = stability
        self._calibration = calibration
        self._limits = limits
        self._n_audited = n_audited
        self._n_new = n_new
        self._reaudit_due = reaudit_due
        self._statement = statement
        self._confidence = confidence
        self._n_boot = n_boot

    @property
    def stability(self) -> pd.DataFrame:
        """Per factor: population stability index with its bootstrap interval."""
        return self._stability.copy()

    @property
    def calibration(self) -> Calibration | None:
        """The change in calibration in the large, when outcomes were given."""
        return self._calibration

    @property
    def reaudit_due(self) -> bool:
        """Whether drift went beyond the audit policy's limits."""
        return self._reaudit_due

    @property
    def flagged_factors(self) -> tuple[str, ...]:
        """Factors whose stability index is beyond the limit with its whole interval."""
        table = self._stability
        return tuple(table.loc[table["beyond_limit"], "factor"])

    @property
    def statement(self) -> str:
        """In plain words, whether a re-audit is due and why."""
        return self._statement

    def to_dict(self) -> dict[str, Any]:
        """Return the check as plain JSON types.

        Returns
        -------
        dict
            The figures, limits, stability rows, calibration and statement.
        """
        return {
            "n_audited": self._n_audited,
            "n_new": self._n_new,
            "confidence": self._confidence,
            "n_boot": self._n_boot,
            "limits": {
                "population_stability_limit": self._limits.population_stability_limit,
                "calibration_limit": self._limits.calibration_limit,
                "min_new_cases": self._limits.min_new_cases,
            },
            "stability": [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                for row in json.loads(self._stability.to_json(orient="records"))
            ],
            "calibration": None if self._calibration is None else self._calibration.to_dict(),
            "reaudit_due": self._reaudit_due,
            "statement": self._statement,
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the stability table.

        Returns
        -------
        pandas.DataFrame
            One row per factor.
        """
        return self.stability

    def __repr__(self) -> str:
        return f"DriftCheck(reaudit_due={self._reaudit_due}, flagged={list(self.flagged_factors)})"


def _bins(
    reference: pd.Series, values: pd.Series
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """Bin codes of both samples from the reference's values or deciles; unknown is its own bin."""
    ref_known = reference.dropna()
    levels = pd.unique(ref_known)
    numeric = pd.api.types.is_numeric_dtype(reference) and pd.api.types.is_numeric_dtype(values)
    if len(levels) <= _MAX_LEVELS or not numeric:
        order = {v: i for i, v in enumerate(sorted(levels, key=str))}
        other = len(order)  # values never seen in the audit
        codes = []
        for series in (reference, values):
            mapped = series.map(order)
            code = np.where(series.isna(), other + 1, mapped.fillna(other)).astype(np.int64)
            codes.append(code)
        return codes[0], codes[1], other + 2
    qs = np.quantile(ref_known.to_numpy(dtype=float), np.linspace(0, 1, _N_QUANTILE_BINS + 1))
    edges = np.unique(qs[1:-1])
    codes = []
    for series in (reference, values):
        x = series.to_numpy(dtype=float)
        code = np.searchsorted(edges, x, side="right").astype(np.int64)
        code[np.isnan(x)] = len(edges) + 1
        codes.append(code)
    return codes[0], codes[1], len(edges) + 2


def _psi(ref: npt.NDArray[np.float64], new: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """PSI of count rows (last axis: bins), with half a case added to every bin."""
    p = (ref + 0.5) / (ref.sum(axis=-1, keepdims=True) + 0.5 * ref.shape[-1])
    q = (new + 0.5) / (new.sum(axis=-1, keepdims=True) + 0.5 * new.shape[-1])
    result: npt.NDArray[np.float64] = ((q - p) * np.log(q / p)).sum(axis=-1)
    return result


def _limits(policy: AuditPolicy | DriftLimits | None) -> DriftLimits:
    if policy is None:
        return DriftLimits()
    if isinstance(policy, AuditPolicy):
        return policy.drift
    if isinstance(policy, DriftLimits):
        return policy
    raise ParameterError("policy", "drift", "an AuditPolicy, DriftLimits or None", policy)


def drift(
    audited: pd.DataFrame,
    new: pd.DataFrame,
    *,
    factors: Sequence[str] | None = None,
    policy: AuditPolicy | DriftLimits | None = None,
    expected: str | None = None,
    outcome: str | None = None,
    n_boot: int = 500,
    confidence: float | None = None,
    random_state: int = 0,
) -> DriftCheck:
    """Compare new cases with the audited ones, per factor, and say if a re-audit is due.

    Parameters
    ----------
    audited : pandas.DataFrame
        The cases the model was audited on: one row per case, a column per factor.
    new : pandas.DataFrame
        The cases seen since, with the same columns.
    factors : sequence of str, optional
        The factor columns to compare (default: the columns both frames
        share, less ``expected`` and ``outcome``).
    policy : AuditPolicy or DriftLimits, optional
        The audit policy's ``[drift]`` limits (default: :class:`DriftLimits`).
    expected, outcome : str, optional
        Columns with the model's expected rate and the later outcome; when
        both are given, calibration drift is measured on the rows whose
        outcome has arrived.
    n_boot : int, default 500
        Bootstrap replicates of the intervals.
    confidence : float, optional
        Level of the intervals (default: the policy's ``confidence_level``
        when an :class:`~advisory.definitions.AuditPolicy` is given, else the
        library's one default, 0.9).
    random_state : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    DriftCheck
        The stability table, the calibration change and the statement.

    Raises
    ------
    InputError
        If a factor column is missing or a frame is empty.

    Examples
    --------
    >>> from advisory.datasets import simulate_oversight
    >>> f = simulate_oversight(3, seed=0).factors
    >>> check = drift(f[f.period == "audited"], f[f.period == "later_shifted"],
    ...               factors=["household_police_community_contacts", "child_prior_referrals"])
    >>> check.reaudit_due, check.flagged_factors
    (True, ('household_police_community_contacts',))
    """
    limits = _limits(policy)
    if confidence is None:
        confidence = (
            policy.confidence_level if isinstance(policy, AuditPolicy) else DEFAULT_CONFIDENCE
        )
    n_boot = check_int(n_boot, "n_boot", "drift", minimum=50)
    if isinstance(confidence, bool) or not isinstance(confidence, float) or not 0 < confidence < 1:
        raise ParameterError("confidence", "drift", "a number strictly between 0 and 1", confidence)
    for name, frame in (("audited", audited), ("new", new)):
        if not isinstance(frame, pd.DataFrame) or frame.empty:
            raise InputError(f"The {name!r} cases of drift must be a non-empty DataFrame.")
    extra = {c for c in (expected, outcome) if c is not None}
    names = (
        [c for c in audited.columns if c in new.columns and c not in extra]
        if factors is None
        else list(factors)
    )
    for name in names:
        for label, frame in (("audited", audited), ("new", new)):
            if name not in frame.columns:
                raise InputError(
                    f"The {label!r} cases have no factor column {name!r}; "
                    f"found {list(frame.columns)}."
                )
    if not names:
        raise InputError("drift found no factor column shared by the audited and new cases.")
    rng = np.random.default_rng(random_state)
    alpha = (1 - confidence) / 2
    rows = []
    for name in names:
        ref_code, new_code, k = _bins(audited[name], new[name])
        ref_counts = np.bincount(ref_code, minlength=int(k)).astype(np.float64)
        new_counts = np.bincount(new_code, minlength=int(k)).astype(np.float64)
        point = float(_psi(ref_counts, new_counts))
        boot_ref = rng.multinomial(len(ref_code), ref_counts / ref_counts.sum(), size=n_boot)
        boot_new = rng.multinomial(len(new_code), new_counts / new_counts.sum(), size=n_boot)
        reps = _psi(boot_ref.astype(np.float64), boot_new.astype(np.float64))
        low, high = (float(v) for v in np.quantile(reps, [alpha, 1 - alpha]))
        rows.append(
            {
                "factor": name,
                "population_stability": point,
                "low": low,
                "high": high,
                "limit": limits.population_stability_limit,
                "beyond_limit": bool(low > limits.population_stability_limit),
            }
        )
    stability = pd.DataFrame(rows)
    calibration = None
    if expected is not None and outcome is not None:
        calibration = _calibration(audited, new, expected, outcome, limits, n_boot, alpha, rng)
    enough = len(new) >= limits.min_new_cases
    if not enough:
        stability["beyond_limit"] = False
        if calibration is not None:
            calibration = _replace_beyond(calibration, False)
    flagged = list(stability.loc[stability["beyond_limit"], "factor"])
    calibration_moved = calibration is not None and calibration.beyond_limit
    due = bool(flagged) or calibration_moved
    statement = check_finding(
        _statement(stability, calibration, limits, len(new), enough, flagged, due), names=names
    )
    return DriftCheck(
        stability=stability,
        calibration=calibration,
        limits=limits,
        n_audited=len(audited),
        n_new=len(new),
        reaudit_due=due,
        statement=statement,
        confidence=confidence,
        n_boot=n_boot,
    )


def _replace_beyond(c: Calibration, beyond: bool) -> Calibration:
    return Calibration(
        audited=c.audited, new=c.new, change=c.change, low=c.low, high=c.high,
        n_audited=c.n_audited, n_new=c.n_new, beyond_limit=beyond,
    )  # fmt: skip


def _calibration(
    audited: pd.DataFrame,
    new: pd.DataFrame,
    expected: str,
    outcome: str,
    limits: DriftLimits,
    n_boot: int,
    alpha: float,
    rng: np.random.Generator,
) -> Calibration | None:
    residuals = []
    for label, frame in (("audited", audited), ("new", new)):
        for column in (expected, outcome):
            if column not in frame.columns:
                raise InputError(f"The {label!r} cases have no column {column!r}.")
        known = frame[[expected, outcome]].dropna()
        residuals.append(known[outcome].to_numpy(float) - known[expected].to_numpy(float))
    if min(len(r) for r in residuals) < 2:
        return None
    ref, cur = residuals
    change = float(cur.mean() - ref.mean())
    reps = np.empty(n_boot)
    for b in range(n_boot):
        reps[b] = (
            cur[rng.integers(0, len(cur), len(cur))].mean()
            - ref[rng.integers(0, len(ref), len(ref))].mean()
        )
    low, high = (float(v) for v in np.quantile(reps, [alpha, 1 - alpha]))
    limit = limits.calibration_limit
    return Calibration(
        audited=float(ref.mean()),
        new=float(cur.mean()),
        change=change,
        low=low,
        high=high,
        n_audited=len(ref),
        n_new=len(cur),
        beyond_limit=bool(low > limit or high < -limit),
    )


def _statement(
    stability: pd.DataFrame,
    calibration: Calibration | None,
    limits: DriftLimits,
    n_new: int,
    enough: bool,
    flagged: list[str],
    due: bool,
) -> str:
    if not enough:
        return (
            f"Drift is not judged yet: {n_new} new cases, and the audit policy asks for at "
            f"least {limits.min_new_cases}."
        )
    if not due:
        return (
            "No re-audit is due: no factor's population stability index and no change in "
            "calibration went beyond the audit policy's limits with its whole interval."
        )
    reasons = []
    table = stability.set_index("factor")
    for name in flagged:
        row = table.loc[name]
        reasons.append(
            f"the values of {name} among new cases moved from the audited ones (population "
            f"stability index {row['population_stability']:.2f}, interval {row['low']:.2f} to "
            f"{row['high']:.2f}; the policy's limit is {limits.population_stability_limit:g})"
        )
    if calibration is not None and calibration.beyond_limit:
        reasons.append(
            f"the observed outcome rate now differs from the model's expected rate by "
            f"{calibration.new:+.3f} against {calibration.audited:+.3f} when audited (change "
            f"{calibration.change:+.3f}, interval {calibration.low:+.3f} to "
            f"{calibration.high:+.3f}; the policy's limit is {limits.calibration_limit:g})"
        )
    return "A re-audit is due under the audit policy: " + "; ".join(reasons) + "."
