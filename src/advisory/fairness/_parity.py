"""Attribution and call-out parity: what the model leans on, and what reviews show, by group.

A practitioner never sees a score; they see which factors a review lists as
standing out. :func:`parity_audit` measures, by group of every sensitive
attribute, the mean SHAP contribution of each factor (in the model's
log-odds) and the share of reviews that list each factor as standing out,
and compares each group with a reference group. Every figure has a Poisson
bootstrap interval; differences use the same replicates for both groups
(paired). The replicates are one weight matrix per chunk, and every group's
weighted sums for every factor are one matrix product.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._bootstrap import percentile_bounds, replicate_counts
from advisory._checks import check_int
from advisory._errors import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE, JsonResult
from advisory.fairness._inputs import (
    Estimate,
    assess_difference,
    check_confidence,
    check_index,
    check_labels,
    finite_values,
    hidden_groups,
    sensitive_labels,
)
from advisory.fairness._suppression import CountTable, suppress_jointly

__all__ = ["PARITY_UNITS", "ParityAudit", "ParityEntry", "parity_audit"]

_OWNER: Final = "parity_audit"

#: What the figures of each section mean, one sentence each.
PARITY_UNITS: Final[Mapping[str, str]] = {
    "attribution": (
        "mean SHAP contribution of the factor to the model's log-odds over the group's cases "
        "(positive: the factor moves the model's output up compared with a typical case)"
    ),
    "callouts": (
        "share of the group's reviews in which the factor is listed as standing out (0 to 1)"
    ),
}

Section = Literal["attribution", "callouts"]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, kw_only=True, slots=True)
class ParityEntry:
    """One factor for one group, compared with the reference group.

    A suppressed entry has only ``attribute``, ``group``, ``factor`` and
    ``suppressed=True``; everything else is None.
    """

    attribute: str
    group: str
    factor: str
    suppressed: bool
    reference: str | None = None
    label: str | None = None
    group_value: Estimate | None = None
    reference_value: Estimate | None = None
    difference: Estimate | None = None
    assessment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as JSON-ready builtins (a suppressed entry carries no figures)."""
        if self.suppressed or self.difference is None:
            return {
                "attribute": self.attribute,
                "group": self.group,
                "factor": self.factor,
                "suppressed": True,
            }
        assert self.group_value is not None and self.reference_value is not None
        return {
            "attribute": self.attribute,
            "group": self.group,
            "reference": self.reference,
            "factor": self.factor,
            "label": self.label,
            "suppressed": False,
            "group_value": self.group_value.to_dict(),
            "reference_value": self.reference_value.to_dict(),
            "difference": self.difference.to_dict(),
            "assessment": self.assessment,
        }


@dataclass(frozen=True, kw_only=True)
class ParityAudit(JsonResult):
    """Mean attribution and call-out rate per factor by group, against a reference group.

    Built by :func:`parity_audit`.

    Attributes
    ----------
    attribution, callouts : tuple of ParityEntry
        One entry per attribute, non-reference group and factor; empty when
        the attributions (or the mentions) were not given.
    references : dict
        Attribute to its reference group.
    n_cases, n_boot, min_cell_size : int
        Cases audited, bootstrap replicates and the suppression threshold.
    confidence : float
        Level of every interval.
    familywise : bool
        Whether intervals hold jointly over each section's cells.
    notes : tuple of str
        Plain statements about what was not assessed, what was suppressed and
        how to read many intervals at once.
    """

    attribution: tuple[ParityEntry, ...]
    callouts: tuple[ParityEntry, ...]
    references: dict[str, str]
    n_cases: int
    confidence: float
    n_boot: int
    min_cell_size: int
    familywise: bool
    notes: tuple[str, ...]

    @property
    def units(self) -> dict[str, str]:
        """One sentence per section: what its values measure."""
        return dict(PARITY_UNITS)

    def to_dict(self) -> dict[str, Any]:
        """Return the parity audit as JSON-ready builtins.

        Returns
        -------
        dict
            ``attribution`` and ``callouts`` (lists of entries), ``units``
            (what the audit report's ``parity`` section holds), then
            ``references``, ``n_cases``, ``confidence``, ``n_boot``,
            ``min_cell_size``, ``familywise`` and ``notes``.
        """
        return {
            "attribution": [e.to_dict() for e in self.attribution],
            "callouts": [e.to_dict() for e in self.callouts],
            "units": self.units,
            "references": dict(self.references),
            "n_cases": self.n_cases,
            "confidence": self.confidence,
            "n_boot": self.n_boot,
            "min_cell_size": self.min_cell_size,
            "familywise": self.familywise,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """Return every entry of both sections as one long table.

        Columns: ``section`` (attribution or callouts), ``attribute``,
        ``group``, ``reference``, ``factor``, ``label``, ``suppressed``,
        ``group_value``, ``reference_value``, ``difference`` with ``_lower``
        and ``_upper`` for each, and ``assessment``. Suppressed rows have no
        figures (NaN).

        Returns
        -------
        pandas.DataFrame
            One row per entry.
        """
        rows = []
        for section, entries in (("attribution", self.attribution), ("callouts", self.callouts)):
            for e in entries:
                row: dict[str, Any] = {
                    "section": section,
                    "attribute": e.attribute,
                    "group": e.group,
                    "reference": e.reference,
                    "factor": e.factor,
                    "label": e.label,
                    "suppressed": e.suppressed,
                }
                for name in ("group_value", "reference_value", "difference"):
                    value: Estimate | None = getattr(e, name)
                    row[name] = value.estimate if value else math.nan
                    row[f"{name}_lower"] = value.lower if value else math.nan
                    row[f"{name}_upper"] = value.upper if value else math.nan
                row["assessment"] = e.assessment
                rows.append(row)
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        def flagged(entries: tuple[ParityEntry, ...]) -> int:
            return sum(e.assessment in _DIRECTIONS for e in entries)

        return (
            f"ParityAudit(n_cases={self.n_cases}, attribution_cells={len(self.attribution)} "
            f"({flagged(self.attribution)} with a difference), "
            f"callout_cells={len(self.callouts)} ({flagged(self.callouts)} with a difference), "
            f"confidence={self.confidence})"
        )


_DIRECTIONS: Final = ("higher than the reference group", "lower than the reference group")


def _check_mentions(mentions: object, index: pd.Index, factors: list[str] | None) -> Any:
    if not isinstance(mentions, pd.DataFrame):
        raise InputError(f"mentions must be a pandas DataFrame; got {type(mentions).__name__}.")
    if mentions.shape[1] == 0:
        raise InputError("mentions has no columns; pass one boolean column per factor.")
    check_index(mentions, "mentions", index, "attributions" if factors else "sensitive_features")
    columns = [str(c) for c in mentions.columns]
    if factors is not None and sorted(columns) != sorted(factors):
        missing = sorted(set(factors) - set(columns))
        extra = sorted(set(columns) - set(factors))
        raise InputError(
            f"mentions must have the attributions' columns; missing {missing}, extra {extra}."
        )
    for column, name in zip(mentions.columns, columns, strict=True):
        if not pd.api.types.is_bool_dtype(mentions[column].dtype):
            raise InputError(
                f"mentions column {name!r} has dtype {mentions[column].dtype}; expected bool "
                "(True where the review lists the factor as standing out). Missing values "
                "cannot be audited."
            )
    frame = mentions.set_axis(columns, axis=1)
    gaps = frame.isna().to_numpy().sum(axis=0)
    if gaps.any():
        first = int(np.flatnonzero(gaps)[0])
        raise InputError(
            f"mentions column {columns[first]!r} has {int(gaps[first])} missing values; expected "
            "True or False for every case (False where the review does not list the factor)."
        )
    return frame[factors] if factors is not None else frame


def parity_audit(
    attributions: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    sensitive_features: pd.DataFrame | pd.Series,
    *,
    labels: Mapping[str, str] | None = None,
    reference_groups: Mapping[str, str] | None = None,
    n_boot: int = 1000,
    confidence: float = DEFAULT_CONFIDENCE,
    min_cell_size: int = 10,
    withheld: Iterable[tuple[str, str]] = (),
    familywise: bool = False,
    random_state: int = 0,
) -> ParityAudit:
    """Assess how attributions and review call-outs differ between groups.

    For each sensitive attribute, each group and each factor:

    - **attribution**: the mean SHAP contribution of the factor over the
      group's cases, in the model's log-odds;
    - **callouts**: the share of the group's reviews that list the factor
      as standing out;

    each with a bootstrap interval, for the group and for the attribute's
    reference group, and the difference (group minus reference) with an
    interval from the same replicates. The assessment says "higher than the
    reference group", "lower than the reference group" or "insufficient
    evidence of a difference", as in :func:`advisory.fairness.audit`.

    Parameters
    ----------
    attributions : pandas.DataFrame or None
        SHAP values (log-odds) per case and factor, e.g.
        ``advisor.explainer_.explain(factors).to_frame()``; no missing values.
    mentions : pandas.DataFrame or None
        Boolean per case and factor: True where the case's review lists the
        factor as standing out. Same index (and columns, when both are
        given) as ``attributions``. At least one of the two is needed.
    sensitive_features : pandas.DataFrame or Series
        One column per attribute, indexed like the cases; no missing values.
    labels : mapping, optional
        Plain-language label of each factor (default: its name).
    reference_groups : mapping, optional
        Attribute to the group others are compared with; default (and
        ``"majority"``) the largest group.
    n_boot : int, default=1000
        Bootstrap replicates.
    confidence : float, default=0.9
        Level of the intervals.
    min_cell_size : int, default=10
        Groups with fewer cases are suppressed (with secondary suppression);
        a call-out cell is withheld when fewer than this many of the group's
        reviews list the factor, or fewer than this many do not.
    withheld : iterable of (attribute, group) pairs, default=()
        Groups the main audit suppressed; suppressed here too.
    familywise : bool, default=False
        If True, the difference intervals hold jointly over all cells of a
        section (simultaneous intervals from the bootstrap distribution of
        the largest standardised deviation), so "no difference anywhere" is
        wrongly rejected with probability at most ``1 - confidence``.
    random_state : int, default=0
        Seed of the bootstrap.

    Returns
    -------
    ParityAudit
        Attribution and call-out parity by group, against each reference group.

    Notes
    -----
    With many factors and groups, many cells are tested: at ``confidence``
    0.95 and no real difference anywhere, about one cell in twenty still
    shows one. The audit's notes say how many cells were tested; pass
    ``familywise=True`` for intervals that hold jointly.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.fairness import parity_audit
    >>> rng = np.random.default_rng(0)
    >>> group = pd.Series(rng.choice(["A", "B"], size=2000, p=[0.7, 0.3]), name="g")
    >>> shap = pd.DataFrame({
    ...     "police": rng.normal(0, 0.3, 2000) + 0.4 * (group == "B"),
    ...     "health": rng.normal(0, 0.3, 2000),
    ... })
    >>> result = parity_audit(shap, shap > 0.3, group.to_frame(), n_boot=200)
    >>> for entry in result.to_dict()["attribution"]:
    ...     print(entry["group"], entry["factor"], entry["assessment"])
    B police higher than the reference group
    B health insufficient evidence of a difference
    """
    if attributions is None and mentions is None:
        raise InputError(
            "parity_audit needs attributions, mentions or both; both are None. Pass the "
            "model's SHAP values per case and factor and/or which factors each review lists."
        )
    factors: list[str] | None = None
    values: FloatArray | None = None
    if attributions is not None:
        if not isinstance(attributions, pd.DataFrame):
            raise InputError(
                f"attributions must be a pandas DataFrame; got {type(attributions).__name__}."
            )
        if attributions.shape[1] == 0 or attributions.shape[0] == 0:
            raise InputError("attributions is empty; pass one row per case, one column per factor.")
        factors = [str(c) for c in attributions.columns]
        values = finite_values(attributions.set_axis(factors, axis=1), "attributions")
        index = attributions.index
    else:
        assert mentions is not None
        index = mentions.index if isinstance(mentions, pd.DataFrame) else pd.RangeIndex(0)
    flags = None
    if mentions is not None:
        if isinstance(mentions, pd.DataFrame) and len(mentions) == 0:
            raise InputError("mentions is empty; pass one row per case, one column per factor.")
        frame = _check_mentions(mentions, index, factors)
        factors = factors or [str(c) for c in frame.columns]
        flags = frame.to_numpy(dtype=np.float64)
    assert factors is not None
    if not index.is_unique:
        raise InputError("The cases' index has repeated labels; each case must appear once.")
    against = "attributions" if attributions is not None else "mentions"
    groups_of = sensitive_labels(sensitive_features, index, against)
    n_boot = check_int(n_boot, "n_boot", _OWNER, minimum=20)
    min_cell_size = check_int(min_cell_size, "min_cell_size", _OWNER, minimum=1)
    confidence = check_confidence(confidence, _OWNER)
    seed = check_int(random_state, "random_state", _OWNER, minimum=0)
    if not isinstance(familywise, bool):
        raise ParameterError("familywise", _OWNER, "True or False", familywise)
    words = check_labels(labels, _OWNER)
    references = _references(reference_groups, groups_of)
    hidden = hidden_groups(groups_of, min_cell_size, withheld, _OWNER)
    return _run(
        values, flags, factors, groups_of, references, hidden,
        n_boot=n_boot, confidence=confidence, min_cell_size=min_cell_size,
        familywise=familywise, seed=seed, words=words,
    )  # fmt: skip


def _references(
    reference_groups: Mapping[str, str] | None, groups_of: dict[str, npt.NDArray[np.object_]]
) -> dict[str, str]:
    refs = dict(reference_groups or {})
    if not isinstance(reference_groups, Mapping | None):
        raise ParameterError(
            "reference_groups", _OWNER, "a mapping of attribute to group", reference_groups
        )
    for attribute in refs:
        if attribute not in groups_of:
            raise ParameterError(
                "reference_groups",
                _OWNER,
                f"keyed by columns of sensitive_features {list(groups_of)}",
                attribute,
            )
    out = {}
    for attribute, values in groups_of.items():
        uniques, counts = np.unique(values, return_counts=True)
        wanted = refs.get(attribute, "majority")
        if wanted == "majority":
            out[attribute] = str(uniques[int(np.argmax(counts))])
        elif wanted in set(uniques.tolist()):
            out[attribute] = wanted
        else:
            raise ParameterError(
                "reference_groups",
                _OWNER,
                f"a group of {attribute!r} ({sorted(uniques.tolist())}) or 'majority'",
                wanted,
            )
    return out


def _run(
    values: FloatArray | None,
    flags: FloatArray | None,
    factors: list[str],
    groups_of: dict[str, npt.NDArray[np.object_]],
    references: dict[str, str],
    hidden: set[tuple[str, str]],
    *,
    n_boot: int,
    confidence: float,
    min_cell_size: int,
    familywise: bool,
    seed: int,
    words: dict[str, str],
) -> ParityAudit:
    n, n_factors = len(next(iter(groups_of.values()))), len(factors)
    # one value matrix: a column of ones (weights), then attributions (centred, so
    # float32 sums keep their precision), then call-outs
    blocks: list[FloatArray] = [np.ones((n, 1))]
    centre = None
    if values is not None:
        centre = values.mean(axis=0)
        blocks.append(values - centre)
    if flags is not None:
        blocks.append(flags)
    matrix = np.hstack(blocks).astype(np.float32)
    layout = {a: np.unique(v, return_inverse=True) for a, v in groups_of.items()}
    orders = {a: np.argsort(codes, kind="stable") for a, (_, codes) in layout.items()}
    bounds = {
        a: np.searchsorted(codes[orders[a]], np.arange(len(uniques) + 1))
        for a, (uniques, codes) in layout.items()
    }
    sorted_values = {a: np.ascontiguousarray(matrix[orders[a]]) for a in groups_of}
    # full-sample sums and the bootstrap's, per attribute: (groups, [replicates,] columns)
    point = {
        a: np.stack(
            [
                sorted_values[a][lo:hi].astype(np.float64).sum(axis=0)
                for lo, hi in zip(bounds[a][:-1], bounds[a][1:], strict=True)
            ]
        )
        for a in groups_of
    }
    boot = {a: np.empty((len(layout[a][0]), n_boot, matrix.shape[1])) for a in groups_of}
    for reps, counts in replicate_counts(n, n_boot, seed):
        for a in groups_of:
            weights = np.take(counts, orders[a], axis=1).astype(np.float32)
            for g, (lo, hi) in enumerate(zip(bounds[a][:-1], bounds[a][1:], strict=True)):
                boot[a][g, reps] = weights[:, lo:hi] @ sorted_values[a][lo:hi]

    notes: list[str] = []
    sections: dict[Section, list[ParityEntry]] = {"attribution": [], "callouts": []}
    columns: dict[Section, slice] = {}
    if values is not None:
        columns["attribution"] = slice(1, 1 + n_factors)
    if flags is not None:
        first = 1 + (n_factors if values is not None else 0)
        columns["callouts"] = slice(first, first + n_factors)
    for section, cols in columns.items():
        shift = centre if section == "attribution" and centre is not None else np.zeros(n_factors)
        cells: list[tuple[str, str, str, int, FloatArray, FloatArray, FloatArray, FloatArray]] = []
        for attribute, (uniques, _) in layout.items():
            names = uniques.tolist()
            ref = references[attribute]
            r = names.index(ref)
            means = point[attribute][:, cols] / point[attribute][:, :1] + shift
            with np.errstate(invalid="ignore", divide="ignore"):
                dist = boot[attribute][:, :, cols] / boot[attribute][:, :, :1] + shift
            withheld_cells = _withheld_cells(
                section, attribute, names, point[attribute], cols, hidden, min_cell_size
            )
            if (attribute, ref) in hidden:
                notes.append(
                    f"{attribute}: the reference group {ref!r} is suppressed (small or "
                    "disclosive), so no comparisons are reported for it."
                )
            for g, name in enumerate(names):
                if name == ref:
                    continue
                for j, factor in enumerate(factors):
                    if (g, j) in withheld_cells or (r, j) in withheld_cells:
                        sections[section].append(
                            ParityEntry(
                                attribute=attribute, group=name, factor=factor, suppressed=True
                            )
                        )
                        continue
                    cells.append(
                        (attribute, name, factor, len(sections[section]),
                         means[g, j:j + 1], means[r, j:j + 1], dist[g, :, j], dist[r, :, j])
                    )  # fmt: skip
                    sections[section].append(
                        ParityEntry(attribute=attribute, group=name, factor=factor, suppressed=True)
                    )
        scale = _familywise_scale(cells, confidence) if familywise else None
        for attribute, name, factor, at, mg, mr, dg, dr in cells:
            est_g, est_r = float(mg[0]), float(mr[0])
            diff = dg - dr
            lo, hi = percentile_bounds(diff, confidence)
            if scale is not None:
                sd = float(np.nanstd(diff))
                lo, hi = est_g - est_r - scale * sd, est_g - est_r + scale * sd
            sections[section][at] = ParityEntry(
                attribute=attribute,
                group=name,
                factor=factor,
                suppressed=False,
                reference=references[attribute],
                label=words.get(factor, factor),
                group_value=Estimate(est_g, *percentile_bounds(dg, confidence)),
                reference_value=Estimate(est_r, *percentile_bounds(dr, confidence)),
                difference=Estimate(est_g - est_r, lo, hi),
                assessment=assess_difference(lo, hi, 0.0),
            )
        tested = len(cells)
        if tested:
            how = (
                "the intervals of the differences hold jointly over them"
                if familywise
                else f"with no real difference anywhere about {tested * (1 - confidence):.1f} "
                "of them would still show one by chance; read single differences with that "
                "in mind, or pass familywise=True"
            )
            notes.append(f"{section}: {tested} factor-by-group differences were tested; {how}.")
    if values is None:
        notes.append("No attributions were given, so attribution parity was not assessed.")
    if flags is None:
        notes.append("No review call-outs were given, so call-out parity was not assessed.")
    return ParityAudit(
        attribution=tuple(sections["attribution"]),
        callouts=tuple(sections["callouts"]),
        references=references,
        n_cases=n,
        confidence=confidence,
        n_boot=n_boot,
        min_cell_size=min_cell_size,
        familywise=familywise,
        notes=tuple(notes),
    )


def _withheld_cells(
    section: Section,
    attribute: str,
    names: list[str],
    sums: FloatArray,
    cols: slice,
    hidden: set[tuple[str, str]],
    min_cell_size: int,
) -> set[tuple[int, int]]:
    """(group, factor) cells to withhold in one attribute's table of one section.

    Suppressed groups lose every cell. For call-outs, a cell is also withheld
    when fewer than ``min_cell_size`` of the group's reviews list the factor,
    or fewer than that do not (a rate times a published count would reveal
    them); then, per factor, the audit's secondary suppression
    (:func:`~advisory.fairness._suppression.suppress_jointly`) withholds the
    smallest other groups until no withheld count follows from the total.
    """
    n_factors = cols.stop - cols.start
    out = {(g, j) for g, name in enumerate(names) if (attribute, name) in hidden
           for j in range(n_factors)}  # fmt: skip
    if section != "callouts":
        return out
    sizes = sums[:, 0]
    called = np.rint(sums[:, cols])
    small = (called < min_cell_size) | (sizes[:, None] - called < min_cell_size)
    for j in range(n_factors):
        primary = {(names[g],) for g in range(len(names)) if small[g, j] or (g, j) in out}
        counts: dict[tuple[str, ...], int] = {
            (name,): int(sizes[g]) for g, name in enumerate(names)
        }
        line = suppress_jointly([CountTable((attribute,), counts, frozenset(primary))])[0]
        out |= {(names.index(key[0]), j) for key in line}
    return out


def _familywise_scale(
    cells: list[tuple[str, str, str, int, FloatArray, FloatArray, FloatArray, FloatArray]],
    confidence: float,
) -> float:
    """Half-width of simultaneous intervals, in standard deviations (max-|t| bootstrap)."""
    if not cells:
        return math.nan
    diffs = np.stack([dg - dr for *_, dg, dr in cells], axis=1)  # replicates x cells
    est = np.array([float(mg[0] - mr[0]) for *_, mg, mr, _, _ in cells])
    sd = np.nanstd(diffs, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.abs(diffs - est[None, :]) / np.where(sd > 0, sd, np.nan)[None, :]
    largest = np.nanmax(np.where(np.isfinite(t), t, np.nan), axis=1)
    return float(np.nanquantile(largest, confidence))
