"""Linkage quality by group: who is missing from the household picture."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from advisory._errors import InputError
from advisory.fairness._binomial import wilson_interval
from advisory.fairness._suppression import suppress
from advisory.linkage import LinkageResult

__all__ = ["LinkageQuality", "linkage_quality"]

_NOT_RECORDED: Final = "not recorded"
_METRICS: Final = {
    "unlinked_rate": "records not linked to anyone in the picture",
    "uncertain_rate": "records left as questions (records to confirm)",
    "match_rate": "records linked to the person they belong to",
    "missed_match_rate": "records of a person in the picture not linked to them",
    "false_match_rate": "linked records linked to someone they do not belong to",
}


@dataclass(frozen=True, kw_only=True)
class LinkageQuality:
    """Linkage quality by group, with Wilson intervals and small cells suppressed.

    Attributes
    ----------
    attribute : str
    table : pandas.DataFrame
        One row per group and metric: ``group``, ``metric``, ``n`` (the
        metric's denominator), ``count``, ``rate``, ``lower``, ``upper`` and
        ``suppressed`` (all five withheld).
    against_truth : bool
        Whether match, missed-match and false-match rates were measured
        against known links (synthetic data); otherwise only the unlinked and
        uncertain shares, which real data allow.
    min_cell_size, confidence_level
    """

    attribute: str
    table: pd.DataFrame
    against_truth: bool
    min_cell_size: int
    confidence_level: float

    def to_frame(self) -> pd.DataFrame:
        """Return the table (a copy).

        Returns
        -------
        pandas.DataFrame
            One row per group and metric.
        """
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain types, suppressed values as ``None``.

        Returns
        -------
        dict
            The attribute, settings, metric descriptions and rows.
        """
        rows = []
        for row in self.table.to_dict(orient="records"):
            rows.append(
                {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            )
        return {
            "attribute": self.attribute,
            "against_truth": self.against_truth,
            "min_cell_size": self.min_cell_size,
            "confidence_level": self.confidence_level,
            "metrics": {name: _METRICS[name] for name in dict.fromkeys(self.table["metric"])},
            "rows": rows,
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as JSON.

        Returns
        -------
        str
            The JSON text.
        """
        return json.dumps(self.to_dict(), indent=2, default=str)

    def summary(self) -> str:
        """Describe each metric by group, with its interval or 'withheld'.

        Returns
        -------
        str
            Plain lines.
        """
        level = round(self.confidence_level * 100)
        lines = [f"Linkage quality by {self.attribute} ({level}% Wilson intervals)"]
        for metric, rows in self.table.groupby("metric", sort=False):
            lines.append(f"  {metric}: {_METRICS[str(metric)]}")
            for row in rows.to_dict(orient="records"):
                if row["suppressed"]:
                    lines.append(f"    {row['group']}: withheld (small or disclosive cell)")
                else:
                    lines.append(
                        f"    {row['group']}: {row['rate']:.3f} "
                        f"[{row['lower']:.3f}, {row['upper']:.3f}] of {row['n']:,.0f}"
                    )
        return "\n".join(lines)


def linkage_quality(
    result: LinkageResult,
    *,
    attribute: str = "ethnicity",
    groups: pd.Series | None = None,
    truth: pd.DataFrame | None = None,
    min_cell_size: int = 10,
    confidence_level: float = 0.95,
) -> LinkageQuality:
    """Linkage quality by group, with intervals and small-cell suppression.

    Only the records of agencies other than the case agency are counted (the
    case agency's records are the picture itself). On any data: the share of
    each group's records left unlinked, and left as questions. With known
    links (``truth``, as :class:`advisory.datasets.ExtractTruth` ``.links``
    gives them): the match rate, missed-match rate and false-match rate too.

    Parameters
    ----------
    result : advisory.linkage.LinkageResult
        The linkage run to assess.
    attribute : str, default "ethnicity"
        The column of the linked people table (or of ``truth``) holding the group.
    groups : pandas.Series, optional
        A group per record, indexed by ``record_uid`` (``agency:id``), for
        records whose agency holds the attribute; others take their linked
        person's, else the group of the person they may belong to (uncertain
        and gap records), else "not recorded".
    truth : pandas.DataFrame, optional
        ``agency``, ``agency_person_id``, ``person_id`` (true) and the
        attribute; its groups are used when given.
    min_cell_size : int, default 10
        Cells with a smaller denominator, or a count of zero or all, are
        withheld, with secondary suppression across each metric's groups.
    confidence_level : float, default 0.95
        Of the Wilson intervals.

    Returns
    -------
    LinkageQuality
        The rates by group, with intervals and suppression.

    Examples
    --------
    >>> from advisory.datasets import make_agency_extracts
    >>> from advisory.linkage import link_extracts
    >>> extracts = make_agency_extracts(n_cases=40, seed=0)
    >>> quality = linkage_quality(link_extracts(extracts), truth=extracts.truth.links)
    >>> sorted(set(quality.table["metric"]))[:2]
    ['false_match_rate', 'match_rate']
    """
    if not 0 < confidence_level < 1:
        raise InputError(
            f"The 'confidence_level' parameter must be in (0, 1); got {confidence_level!r} instead."
        )
    links = result.links
    counted = links[links["agency"] != result.spec.case_agency]
    uid = counted["record_uid"]
    if truth is not None:
        missing = [
            c
            for c in ("agency", "agency_person_id", "person_id", attribute)
            if c not in truth.columns
        ]
        if missing:
            raise InputError(
                f"The 'truth' table has no column {missing[0]!r}; expected agency, "
                f"agency_person_id, person_id and {attribute!r}."
            )
        truth_by_uid = truth.set_index(
            truth["agency"].astype(str) + ":" + truth["agency_person_id"].astype(str)
        )
        group = truth_by_uid[attribute].astype(object).reindex(uid).to_numpy()
    else:
        people = result.records.people
        if attribute not in people.columns:
            raise InputError(
                f"The linked people table has no column {attribute!r}; the case agency's people "
                f"table must hold it. Found {list(map(str, people.columns))}."
            )
        by_person = people.set_index("person_id")[attribute].astype(object)
        group = by_person.reindex(counted["person_id"]).to_numpy()
        # a record outside the picture takes the group of the person it may belong to
        candidate = by_person.reindex(counted["candidate_person_id"].astype(object)).to_numpy()
        group = np.where(pd.isna(group), candidate, group)
        if groups is not None:
            own = groups.astype(object).reindex(uid).to_numpy()
            group = np.where(pd.isna(own), group, own)
    group = np.where(pd.isna(group), _NOT_RECORDED, group).astype(str)
    status = counted["status"].to_numpy()
    indicators: dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = {
        "unlinked_rate": (np.ones(len(counted), bool), status == "unlinked"),
        "uncertain_rate": (np.ones(len(counted), bool), status == "uncertain"),
    }
    if truth is not None:
        true_person = truth_by_uid["person_id"].astype(str)
        case = truth_by_uid[truth_by_uid["agency"] == result.spec.case_agency]
        case_uid = pd.Series(case.index, index=case["person_id"].astype(str).to_numpy())
        linked_person = links.set_index("record_uid")["person_id"]
        actual = true_person.reindex(uid).to_numpy()
        # the linked person each record should be in: its true person's case record's
        home_uid = case_uid.reindex(actual).to_numpy()
        home = linked_person.reindex(home_uid).to_numpy()
        belongs = ~pd.isna(home)
        right = belongs & (counted["person_id"].to_numpy() == home) & (status == "linked")
        is_linked = status == "linked"
        indicators["match_rate"] = (belongs, right)
        indicators["missed_match_rate"] = (belongs, belongs & ~right)
        indicators["false_match_rate"] = (is_linked, is_linked & ~right)
    rows = []
    names = sorted(set(group))
    for metric, (eligible, hit) in indicators.items():
        frame = pd.DataFrame({"group": group[eligible], "hit": hit[eligible]})
        counts = frame.groupby("group")["hit"].agg(["size", "sum"]).reindex(names, fill_value=0)
        cells: dict[tuple[str, ...], tuple[int, int]] = {
            (str(g),): (int(r["size"]), int(r["sum"])) for g, r in counts.iterrows()
        }
        hidden = suppress(cells, min_cell_size)
        n = counts["size"].to_numpy()
        count = counts["sum"].to_numpy()
        low, high = wilson_interval(count, n, confidence=confidence_level)
        for i, name in enumerate(names):
            withheld = (name,) in hidden
            rows.append(
                {
                    "group": name,
                    "metric": metric,
                    "n": np.nan if withheld else float(n[i]),
                    "count": np.nan if withheld else float(count[i]),
                    "rate": np.nan if withheld or n[i] == 0 else count[i] / n[i],
                    "lower": np.nan if withheld else low[i],
                    "upper": np.nan if withheld else high[i],
                    "suppressed": withheld,
                }
            )
    return LinkageQuality(
        attribute=attribute,
        table=pd.DataFrame(rows),
        against_truth=truth is not None,
        min_cell_size=min_cell_size,
        confidence_level=confidence_level,
    )
