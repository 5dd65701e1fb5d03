"""Input checks and small types shared by the proxy and parity audits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._errors import InputError, ParameterError
from advisory._result import json_number as _num
from advisory.fairness._suppression import suppress

__all__ = [
    "Estimate",
    "FloatArray",
    "Labels",
    "assess_difference",
    "check_confidence",
    "check_index",
    "check_labels",
    "finite_values",
    "group_labels",
    "hidden_groups",
    "sensitive_frame",
    "sensitive_labels",
]

FloatArray = npt.NDArray[np.float64]
Labels = dict[str, npt.NDArray[np.object_]]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its bootstrap interval.

    Examples
    --------
    >>> Estimate(0.61, 0.58, 0.64).to_dict()
    {'estimate': 0.61, 'interval': [0.58, 0.64]}
    """

    estimate: float
    lower: float
    upper: float

    def to_dict(self) -> dict[str, Any]:
        """``{"estimate": ..., "interval": [lower, upper]}``; non-finite numbers are None."""
        return {
            "estimate": _num(self.estimate),
            "interval": [_num(self.lower), _num(self.upper)],
        }


def check_confidence(confidence: object, owner: str) -> float:
    """Return ``confidence`` as a float strictly between 0 and 1."""
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, float | int)
        or not 0 < confidence < 1
    ):
        raise ParameterError("confidence", owner, "a number strictly between 0 and 1", confidence)
    return float(confidence)


def check_index(frame: pd.DataFrame, name: str, index: pd.Index, against: str) -> None:
    """Require ``frame`` to have exactly ``index`` (same cases, same order)."""
    if len(frame) != len(index):
        raise InputError(
            f"{name} has {len(frame)} rows but {against} has {len(index)}; pass one row per case."
        )
    if not frame.index.equals(index):
        diff = [(a, b) for a, b in zip(frame.index, index, strict=True) if a != b and a == a] or [
            ("<missing>", "<missing>")
        ]
        raise InputError(
            f"{name} and {against} have different indexes (first difference: {diff[0][0]!r} "
            f"against {diff[0][1]!r}); pass the same cases in the same order, e.g. "
            f"{name}.loc[{against}.index]."
        )


def sensitive_frame(sensitive_features: object) -> pd.DataFrame:
    """Return the sensitive features as a DataFrame (a Series becomes one column).

    Raises on a wrong type or a frame without columns.
    """
    if isinstance(sensitive_features, pd.Series):
        sensitive_features = sensitive_features.to_frame()
    if not isinstance(sensitive_features, pd.DataFrame):
        raise InputError(
            "sensitive_features must be a pandas DataFrame; "
            f"got {type(sensitive_features).__name__}."
        )
    if sensitive_features.shape[1] == 0:
        raise InputError("sensitive_features has no columns; pass one column per attribute.")
    if sensitive_features.shape[0] == 0:
        raise InputError(
            "sensitive_features has no rows: there are no cases to audit; pass one row per case."
        )
    return sensitive_features


def group_labels(column: pd.Series, name: object) -> npt.NDArray[np.object_]:
    """One sensitive column's groups as strings: no missing values, two groups at least."""
    missing = int(column.isna().sum())
    if missing:
        raise InputError(
            f"sensitive_features column {name!r} has {missing} missing values; "
            "record them as an explicit group (e.g. 'Not recorded') rather than dropping cases."
        )
    values: npt.NDArray[np.object_] = column.astype(str).to_numpy(dtype=object)
    if len(values) == 0:
        raise InputError(f"sensitive_features column {name!r} is empty; there are no cases.")
    if len(np.unique(values)) < 2:
        raise InputError(
            f"sensitive_features column {name!r} has only one group "
            f"({values[0]!r}); an audit needs at least two groups to compare."
        )
    return values


def sensitive_labels(sensitive_features: object, index: pd.Index, against: str) -> Labels:
    """Each sensitive attribute's group of every case, as strings.

    Raises on a wrong type, a different index, missing values or an attribute
    with a single group, naming the column.
    """
    frame = sensitive_frame(sensitive_features)
    check_index(frame, "sensitive_features", index, against)
    return {str(column): group_labels(frame[column], column) for column in frame.columns}


def hidden_groups(
    labels: Labels, min_cell_size: int, withheld: Iterable[tuple[str, str]], owner: str
) -> set[tuple[str, str]]:
    """Return the groups to suppress: small, ``withheld``, and by secondary suppression.

    A group is suppressed when it has fewer than ``min_cell_size`` cases (a
    group of one always), or the caller withheld it (the main audit's
    suppressed cells); then, as in the main audit, an attribute with exactly
    one suppressed group also loses its smallest other group, so the
    suppressed count cannot be recovered from the total.
    """
    pairs = _withheld(withheld, labels, owner)
    hidden: set[tuple[str, str]] = set()
    for attribute, values in labels.items():
        groups, counts = np.unique(values, return_counts=True)
        cells: dict[tuple[str, ...], tuple[int, int]] = {
            (str(g),): (0 if (attribute, str(g)) in pairs else int(c), 1)
            for g, c in zip(groups, counts, strict=True)
        }
        hidden |= {(attribute, key[0]) for key in suppress(cells, min_cell_size)}
    return hidden


def _withheld(withheld: object, labels: Labels, owner: str) -> set[tuple[str, str]]:
    if isinstance(withheld, str | bytes) or not isinstance(withheld, Iterable):
        raise ParameterError("withheld", owner, "an iterable of (attribute, group) pairs", withheld)
    out: set[tuple[str, str]] = set()
    for pair in withheld:
        if (
            not isinstance(pair, tuple | list)
            or len(pair) != 2
            or not all(isinstance(p, str) for p in pair)
        ):
            raise ParameterError(
                "withheld", owner, "an iterable of (attribute, group) pairs of strings", pair
            )
        attribute, group = str(pair[0]), str(pair[1])
        # pairs naming other attributes (e.g. the main audit's intersections) do not apply
        if attribute in labels and group not in set(labels[attribute]):
            raise ParameterError(
                "withheld",
                owner,
                f"pairs naming groups of {attribute!r} ({sorted(set(labels[attribute]))})",
                pair,
            )
        out.add((attribute, group))
    return out


def check_labels(labels: Mapping[str, str] | None, owner: str) -> dict[str, str]:
    """Return the plain-language label of each factor (its name where not given)."""
    if labels is None:
        return {}
    if not isinstance(labels, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
    ):
        raise ParameterError(
            "labels", owner, "a mapping of factor name to plain-language label", labels
        )
    return dict(labels)


def finite_values(frame: pd.DataFrame, name: str) -> FloatArray:
    """Return the frame's values as floats, refusing NaN and infinity (naming the column)."""
    try:
        values = frame.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must hold numbers (SHAP values in log-odds).") from exc
    bad = ~np.isfinite(values)
    if bad.any():
        column = frame.columns[int(np.flatnonzero(bad.any(axis=0))[0])]
        raise InputError(
            f"{name} column {column!r} has {int(bad[:, frame.columns.get_loc(column)].sum())} "
            "missing or infinite values; every case needs a finite attribution "
            "(explain every case with the fitted model)."
        )
    return values


def assess_difference(lo: float, hi: float, null: float) -> str:
    """Return what an interval says of a difference from ``null``, in the report's words."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "could not be estimated"
    if lo > null:
        return "higher than the reference group"
    if hi < null:
        return "lower than the reference group"
    return "insufficient evidence of a difference"
