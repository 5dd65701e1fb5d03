"""The report's section on linkage quality: who is missing from the household picture.

Built from the audit document's ``linkage`` entry
(:meth:`advisory.fairness.LinkageQuality.to_dict`): one row per group, one
cell per measure with its interval, suppressed groups and withheld cells
marked and carrying no number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from advisory.fairness._result import attribute_label
from advisory.reports._words import could_not, level, with_interval

__all__ = ["linkage_view"]

#: Column heading and meaning of each measure, in the order the table shows them.
MEASURES: Final = {
    "match_rate": (
        "Linked to their person",
        "the share of the group's records, of people in the household picture, that were "
        "linked to the right person",
    ),
    "missed_match_rate": (
        "Missed",
        "the share of the group's records, of people in the household picture, that were not "
        "linked to them (left unlinked, left as a question, or linked to someone else)",
    ),
    "false_match_rate": (
        "Linked to someone else",
        "the share of the group's linked records that were linked to a person they do not "
        "belong to",
    ),
    "unlinked_rate": (
        "Left unlinked",
        "the share of the group's records linked to no one in the household picture "
        "(some belong to people outside it)",
    ),
    "uncertain_rate": (
        "Left as questions",
        "the share of the group's records that practitioners are asked to confirm before "
        "relying on them",
    ),
}
_WITHHELD: Final = "withheld: it would reveal a small number of people"


def _missing_measure(linkage: Mapping[str, Any]) -> str:
    """Return the measure of who is missing: missed links against truth, else unlinked."""
    metrics = {r["metric"] for r in linkage["rows"]}
    return "missed_match_rate" if "missed_match_rate" in metrics else "unlinked_rate"


def linkage_view(linkage: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return what the report prints about linkage quality (None when none was attached).

    Parameters
    ----------
    linkage : mapping or None
        The audit document's ``linkage`` entry.

    Returns
    -------
    dict or None
        ``attribute``, ``level``, ``against_truth``, ``min_cell_size``,
        ``columns`` (heading and meaning of each measure shown), ``rows`` (a
        group and its cells, or ``suppressed``), ``range`` (a sentence on
        the measure of who is missing, or None), ``suppressed`` (groups) and
        ``suppressed_words``.

    Examples
    --------
    >>> view = linkage_view({
    ...     "attribute": "ethnicity", "against_truth": False, "min_cell_size": 10,
    ...     "confidence_level": 0.95, "metrics": {},
    ...     "rows": [{"group": "Mixed", "metric": "unlinked_rate", "n": 200.0,
    ...               "count": 20.0, "rate": 0.1, "lower": 0.066, "upper": 0.149,
    ...               "suppressed": False}]})
    >>> view["rows"][0]["cells"]
    ['10.0% (95% interval 6.6% to 14.9%)']
    """
    if linkage is None:
        return None
    confidence = float(linkage["confidence_level"])
    shown = [m for m in MEASURES if any(r["metric"] == m for r in linkage["rows"])]
    by_group: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in linkage["rows"]:
        by_group.setdefault(str(row["group"]), {})[str(row["metric"])] = row
    rows = []
    for group, cells in by_group.items():
        # a group is suppressed when every measure of it is: nothing about it is shown
        suppressed = all(bool(c["suppressed"]) for c in cells.values())
        texts = []
        for metric in shown:
            cell = cells.get(metric)
            if cell is None:
                texts.append(could_not())
            elif cell["suppressed"]:
                texts.append(_WITHHELD)
            else:
                texts.append(
                    with_interval(
                        cell["rate"], [cell["lower"], cell["upper"]], confidence, percent=True
                    )
                )
        records = cells.get("unlinked_rate", {}).get("n")
        rows.append(
            {
                "group": group,
                "suppressed": suppressed,
                "records": None if suppressed or records is None else int(records),
                "cells": [] if suppressed else texts,
            }
        )
    return {
        "attribute": attribute_label(str(linkage["attribute"])),
        "level": level(confidence),
        "against_truth": bool(linkage["against_truth"]),
        "min_cell_size": int(linkage["min_cell_size"]),
        "columns": [{"name": MEASURES[m][0], "meaning": MEASURES[m][1]} for m in shown],
        "rows": rows,
        "range": _range_sentence(linkage, confidence),
        "suppressed": [r["group"] for r in rows if r["suppressed"]],
        "suppressed_words": (
            f"suppressed: fewer than {int(linkage['min_cell_size'])} records or disclosive"
        ),
    }


def _range_sentence(linkage: Mapping[str, Any], confidence: float) -> str | None:
    """Return where the measure of who is missing was highest and lowest, with intervals."""
    metric = _missing_measure(linkage)
    cells = [
        r
        for r in linkage["rows"]
        if r["metric"] == metric and not r["suppressed"] and r["rate"] is not None
    ]
    if len(cells) < 2:
        return None
    cells.sort(key=lambda r: (float(r["rate"]), str(r["group"])))
    low, high = cells[0], cells[-1]
    name = MEASURES[metric][0].lower()
    return (
        f"The share of records {name} was highest for \u201c{high['group']}\u201d: "
        f"{with_interval(high['rate'], [high['lower'], high['upper']], confidence, percent=True)}, "
        f"and lowest for \u201c{low['group']}\u201d: "
        f"{with_interval(low['rate'], [low['lower'], low['upper']], confidence, percent=True)}. "
        "Each interval shows how sure the estimate is for its own group; small groups have "
        "wide intervals."
    )
