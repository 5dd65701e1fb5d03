"""The :class:`Audit` result object."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, cast

import pandas as pd

from advisory._checks import check_choice
from advisory._errors import ParameterError
from advisory._result import JsonResult
from advisory._result import json_number as _num
from advisory.fairness._metrics import Metric
from advisory.fairness._parity import ParityAudit
from advisory.fairness._proxies import ProxyAudit

if TYPE_CHECKING:
    from advisory.fairness._linkage import LinkageQuality

__all__ = ["Audit", "ScoreKind", "attribute_label"]

#: What the audited tool gave: probabilities, ordinal scores, or decisions only.
ScoreKind = Literal["probability", "ordinal", "decisions"]
SCORE_KINDS: Final = ("probability", "ordinal", "decisions")


def attribute_label(name: str) -> str:
    """Return a readable label for an attribute named in code.

    Examples
    --------
    >>> attribute_label("deprivation_decile")
    'Deprivation decile'
    """
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


_EXTERNAL = {
    "kind": "external_scores",
    "description": "Scores supplied to the audit (the tool that made them was not described)",
    "model_version": None,
}

_GROUP_COLUMNS = ["attribute", "group", "n", "suppressed", "metric", "kind", "withheld"]
_GROUP_COLUMNS += ["estimate", "lower", "upper"]
_DIFFERENT = ("higher than the reference group", "lower than the reference group")
_SECTIONS = ("subject", "label", "validity", "proxies", "parity", "linkage")


class Audit(JsonResult):
    """What a fairness audit measured, by group, with intervals.

    Suppressed groups (small or disclosive cells) have no count, estimate or
    interval in any output; they are marked ``suppressed``. A metric of a
    reported group whose numbers would reveal a small count is marked
    ``withheld`` and has no estimate or interval.

    Parameters
    ----------
    groups : pandas.DataFrame
        Long table: ``attribute``, ``group``, ``n``, ``suppressed``,
        ``metric``, ``kind``, ``withheld``, ``estimate``, ``lower``,
        ``upper``.
    disparities : pandas.DataFrame
        Long table: ``attribute``, ``group``, ``reference``, ``metric``,
        ``measure`` (difference or ratio), ``estimate``, ``lower``, ``upper``,
        ``assessment``.
    n_cases : int
        Cases audited.
    confidence : float
        Level of every interval.
    n_boot : int
        Bootstrap replicates.
    min_cell_size : int
        Groups smaller than this were suppressed.
    operating_point : str or None
        How the operating point was set, or None if no operating-point
        metrics were computed.
    notes : tuple of str
        Plain statements about what could not be reported and why.
    score_kind : {"probability", "ordinal", "decisions"}, default="probability"
        What the audited tool gave: probabilities, ordinal scores (ranks,
        bands, deciles) or decisions only.
    attribute_labels : mapping, optional
        Readable label of each attribute and intersection (by default the
        name with spaces, e.g. "Deprivation decile").
    subject : dict, optional
        What was audited (:func:`advisory.fairness.subject_section`); by
        default another tool's scores.
    label : dict, optional
        The outcome-label card (:func:`advisory.fairness.label_section`).
    validity : dict, optional
        The model against baselines (:func:`advisory.fairness.validity_section`).
    proxies : ProxyAudit, optional
        How well the factors predict each group, and the attribution on them.
    parity : ParityAudit, optional
        Attribution and review call-outs by group.
    linkage : LinkageQuality or dict, optional
        Linkage quality by group (:func:`advisory.fairness.linkage_quality`,
        or its ``to_dict()``), when the records were linked across agency
        extracts: who is missing from the household picture.
    """

    def __init__(
        self,
        *,
        groups: pd.DataFrame,
        disparities: pd.DataFrame,
        n_cases: int,
        confidence: float,
        n_boot: int,
        min_cell_size: int,
        operating_point: str | None,
        notes: tuple[str, ...],
        score_kind: ScoreKind = "probability",
        attribute_labels: Mapping[str, str] | None = None,
        subject: Mapping[str, Any] | None = None,
        label: Mapping[str, Any] | None = None,
        validity: Mapping[str, Any] | None = None,
        proxies: ProxyAudit | None = None,
        parity: ParityAudit | None = None,
        linkage: LinkageQuality | Mapping[str, Any] | None = None,
    ) -> None:
        check_choice(score_kind, "score_kind", "Audit", SCORE_KINDS)
        groups = groups.copy()
        if "withheld" not in groups.columns:
            groups.insert(6, "withheld", groups["suppressed"].to_numpy(dtype=bool))
        hidden = groups["suppressed"].to_numpy(dtype=bool)
        withheld = hidden | groups["withheld"].to_numpy(dtype=bool)
        groups["withheld"] = withheld
        groups.loc[hidden, "n"] = math.nan
        groups.loc[withheld, ["estimate", "lower", "upper"]] = math.nan
        self._groups = groups.reset_index(drop=True)
        self._disparities = disparities.reset_index(drop=True)
        self._n_cases = n_cases
        self._confidence = confidence
        self._n_boot = n_boot
        self._min_cell_size = min_cell_size
        self._operating_point = operating_point
        self._notes = notes
        self._score_kind: ScoreKind = score_kind
        labels = dict(attribute_labels or {})
        self._attribute_labels = {
            a: labels.get(a, attribute_label(a)) for a in dict.fromkeys(self._groups["attribute"])
        }
        self._subject = dict(subject or _EXTERNAL)
        self._label = None if label is None else dict(label)
        self._validity = None if validity is None else dict(validity)
        self._proxies = proxies
        self._parity = parity
        self._linkage = _linkage_section(linkage)

    def with_sections(self, *, more_notes: tuple[str, ...] = (), **sections: Any) -> Audit:
        """Return a copy of this audit with descriptive sections set.

        Parameters
        ----------
        more_notes : tuple of str, default=()
            Plain statements added after the audit's own notes.
        **sections
            Any of ``subject``, ``label``, ``validity``, ``proxies`` and
            ``parity``, ``linkage`` (see the class parameters).

        Returns
        -------
        Audit
            A new audit; this one is unchanged.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from advisory.fairness import audit, subject_section
        >>> rng = np.random.default_rng(0)
        >>> s = rng.uniform(size=200)
        >>> y = (rng.uniform(size=200) < s).astype(int)
        >>> a = audit(y, s, pd.Series(rng.choice(["F", "M"], 200), name="sex"), n_boot=20)
        >>> tool = subject_section("external_scores", "Tool X")
        >>> a.with_sections(subject=tool).subject["description"]
        'Tool X'
        """
        unknown = sorted(set(sections) - set(_SECTIONS))
        if unknown:
            raise ParameterError(
                unknown[0], "Audit.with_sections", f"one of {list(_SECTIONS)}", sections[unknown[0]]
            )
        current: dict[str, Any] = {
            "subject": self._subject,
            "label": self._label,
            "validity": self._validity,
            "proxies": self._proxies,
            "parity": self._parity,
            "linkage": self._linkage,
        }
        return Audit(
            groups=self._groups,
            disparities=self._disparities,
            n_cases=self._n_cases,
            confidence=self._confidence,
            n_boot=self._n_boot,
            min_cell_size=self._min_cell_size,
            operating_point=self._operating_point,
            notes=(*self._notes, *more_notes),
            score_kind=self._score_kind,
            attribute_labels=self._attribute_labels,
            **{**current, **sections},
        )

    @property
    def subject(self) -> dict[str, Any]:
        """What was audited: ``kind``, ``description``, ``model_version``."""
        return dict(self._subject)

    @property
    def label(self) -> dict[str, Any] | None:
        """The outcome-label card, or None when the label was not described."""
        return None if self._label is None else dict(self._label)

    @property
    def validity(self) -> dict[str, Any] | None:
        """The model against simple baselines, or None when not assessed."""
        return None if self._validity is None else dict(self._validity)

    @property
    def proxies(self) -> ProxyAudit | None:
        """The proxy audit, or None when not assessed."""
        return self._proxies

    @property
    def parity(self) -> ParityAudit | None:
        """The attribution and call-out parity, or None when not assessed."""
        return self._parity

    @property
    def linkage(self) -> dict[str, Any] | None:
        """Linkage quality by group (``LinkageQuality.to_dict()``), or None when not attached."""
        return None if self._linkage is None else dict(self._linkage)

    @property
    def suppressed_groups(self) -> frozenset[tuple[str, str]]:
        """``(attribute, group)`` pairs withheld as small or disclosive."""
        rows = self._groups[self._groups["suppressed"].astype(bool)]
        return frozenset(zip(rows["attribute"], rows["group"], strict=True))

    @property
    def score_kind(self) -> ScoreKind:
        """What the tool gave: ``"probability"``, ``"ordinal"`` or ``"decisions"``."""
        return self._score_kind

    @property
    def attribute_labels(self) -> dict[str, str]:
        """Readable label of each attribute and intersection, e.g. "Deprivation decile"."""
        return dict(self._attribute_labels)

    @property
    def n_cases(self) -> int:
        """Number of cases audited."""
        return self._n_cases

    @property
    def confidence(self) -> float:
        """Level of every interval, e.g. 0.95."""
        return self._confidence

    @property
    def n_boot(self) -> int:
        """Bootstrap replicates behind every interval."""
        return self._n_boot

    @property
    def min_cell_size(self) -> int:
        """Groups with fewer cases than this were suppressed."""
        return self._min_cell_size

    @property
    def operating_point(self) -> str | None:
        """How the operating point was set; None without operating-point metrics."""
        return self._operating_point

    @property
    def notes(self) -> tuple[str, ...]:
        """Plain statements about what could not be reported and why."""
        return self._notes

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """The metrics measured, in order (each one a valid ``metric`` of :meth:`by_group`)."""
        return tuple(cast("Metric", m) for m in dict.fromkeys(self._groups["metric"]))

    @property
    def attributes(self) -> tuple[str, ...]:
        """Attributes and intersections audited, e.g. ``"ethnicity x sex"``."""
        return tuple(dict.fromkeys(self._groups["attribute"]))

    def _check_metric(self, metric: str) -> None:
        check_choice(metric, "metric", f"{type(self).__name__} methods", self.metrics)

    def by_group(self, metric: Metric) -> pd.DataFrame:
        """One metric for every group, with its interval.

        Parameters
        ----------
        metric : str
            One of :attr:`metrics`.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``attribute`` and ``group``; columns ``n``,
            ``suppressed``, ``kind``, ``estimate``, ``lower``, ``upper``.
        """
        self._check_metric(metric)
        rows = self._groups[self._groups["metric"] == metric]
        return rows.drop(columns="metric").set_index(["attribute", "group"])

    def disparities(
        self, metric: Metric, measure: Literal["difference", "ratio"] = "difference"
    ) -> pd.DataFrame:
        """One metric's disparity to each attribute's reference group.

        Parameters
        ----------
        metric : str
            One of :attr:`metrics`.
        measure : {"difference", "ratio"}, default="difference"
            Group minus reference, or group divided by reference.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``attribute`` and ``group``; columns ``reference``,
            ``estimate``, ``lower``, ``upper`` and ``assessment`` ("higher
            than the reference group", "lower than the reference group" or
            "insufficient evidence of a difference").
        """
        self._check_metric(metric)
        check_choice(measure, "measure", "Audit.disparities", ("difference", "ratio"))
        d = self._disparities
        rows = d[(d["metric"] == metric) & (d["measure"] == measure)]
        return rows.drop(columns=["metric", "measure"]).set_index(["attribute", "group"])

    def differences_with_evidence(self) -> pd.DataFrame:
        """Return the differences to the reference group whose interval excludes none.

        Returns
        -------
        pandas.DataFrame
            Rows of the disparity table (``measure == "difference"``, every
            metric) assessed "higher" or "lower than the reference group".
        """
        d = self._disparities
        found = d["assessment"].isin(_DIFFERENT) & (d["measure"] == "difference")
        return d[found].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Return every group metric as one long table.

        Returns
        -------
        pandas.DataFrame
            ``attribute``, ``group``, ``n``, ``suppressed``, ``metric``,
            ``kind``, ``estimate``, ``lower`` and ``upper``; suppressed groups
            have no count, estimate or interval.
        """
        return self._groups.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return everything the audit reports, as JSON-ready builtins.

        Suppressed groups appear with ``"suppressed": true`` and nothing else
        (no count, estimate, interval, or reason that would reveal why).

        Returns
        -------
        dict
            The audit report's document (``urn:advisory:audit:v1`` without
            ``schema`` and ``generated_by``, which :func:`advisory.reports.audit_json`
            adds).
        """
        groups: list[dict[str, Any]] = []
        for (attribute, group), rows in self._groups.groupby(["attribute", "group"], sort=False):
            first = rows.iloc[0]
            entry: dict[str, Any] = {"attribute": attribute, "group": group}
            if bool(first["suppressed"]):
                entry["suppressed"] = True
            else:
                entry["suppressed"] = False
                entry["n"] = int(first["n"])
                entry["metrics"] = {
                    str(r["metric"]): {
                        "kind": str(r["kind"]),
                        "estimate": _num(r["estimate"]),
                        "interval": [_num(r["lower"]), _num(r["upper"])],
                        **({"withheld": True} if bool(r["withheld"]) else {}),
                    }
                    for _, r in rows.iterrows()
                }
            groups.append(entry)
        disparities = [
            {
                "attribute": r["attribute"],
                "group": r["group"],
                "reference": r["reference"],
                "metric": r["metric"],
                "measure": r["measure"],
                "estimate": _num(r["estimate"]),
                "interval": [_num(r["lower"]), _num(r["upper"])],
                "assessment": r["assessment"],
            }
            for _, r in self._disparities.iterrows()
        ]
        return {
            "n_cases": self._n_cases,
            "confidence": self._confidence,
            "n_boot": self._n_boot,
            "min_cell_size": self._min_cell_size,
            "operating_point": self._operating_point,
            "score_kind": self._score_kind,
            "attribute_labels": dict(self._attribute_labels),
            "notes": list(self._notes),
            "groups": groups,
            "disparities": disparities,
            "subject": dict(self._subject),
            "label": self._label,
            "validity": self._validity,
            "proxies": None if self._proxies is None else self._proxies.to_dict()["entries"],
            "parity": None if self._parity is None else _parity_section(self._parity),
            **({} if self._linkage is None else {"linkage": self._linkage}),
        }

    def _repr_html_(self) -> str:
        """Show the audit in a notebook: what was audited, notes, and every group's figures.

        Suppressed groups show no figure (as in :meth:`to_frame`); the full
        board report is :func:`advisory.reports.write_report`.
        """
        evidence = len(self.differences_with_evidence())
        facts = [
            f"{self._n_cases:,} cases",
            f"intervals at {self._confidence:.0%} from {self._n_boot:,} bootstrap replicates",
            f"groups under {self._min_cell_size} cases suppressed",
            f"{evidence} differences to a reference group with evidence",
        ]
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self._notes)
        table = self.to_frame().to_html(index=False, na_rep="", escape=True, border=0)
        return (
            '<div class="advisory-audit"><strong>Audit</strong>: '
            f"{html.escape('; '.join(facts))}."
            + (f"<ul>{notes}</ul>" if notes else "")
            + table
            + "</div>"
        )

    def __repr__(self) -> str:
        shown = int((~self._groups.drop_duplicates(["attribute", "group"])["suppressed"]).sum())
        return (
            f"Audit(n_cases={self._n_cases}, attributes={len(self.attributes)}, "
            f"groups_reported={shown}, confidence={self._confidence})"
        )


def _linkage_section(linkage: Any) -> dict[str, Any] | None:
    """Return the report's ``linkage`` section from a LinkageQuality or its dict."""
    if linkage is None:
        return None
    if isinstance(linkage, Mapping):
        return dict(linkage)
    to_dict = getattr(linkage, "to_dict", None)
    if not callable(to_dict):
        raise ParameterError(
            "linkage",
            "Audit",
            "an advisory.fairness.LinkageQuality or its to_dict()",
            type(linkage).__name__,
        )
    return dict(to_dict())


def _parity_section(parity: ParityAudit) -> dict[str, Any]:
    """Return the audit report's ``parity`` section: both tables and their units."""
    document = parity.to_dict()
    return {key: document[key] for key in ("attribution", "callouts", "units")}
