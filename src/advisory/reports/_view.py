"""What the report says, built from a validated audit document.

:func:`build_view` turns the audit's JSON-ready dict into plain sentences and
table rows with every number already formatted with its interval; the HTML
and Markdown templates only lay them out. Suppressed entries become rows that
say they are suppressed and carry no count or estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from advisory.fairness._result import attribute_label
from advisory.reports._linkage import linkage_view
from advisory.reports._words import (
    could_not,
    fmt,
    level,
    metric_words,
    with_interval,
    withheld,
)

__all__ = ["build_view"]

EVIDENCE: Final = ("higher than the reference group", "lower than the reference group")
PROXY_EVIDENCE: Final = "the factors predict membership of this group"
#: Differences shown in the summary.
_STRONGEST: Final = 5

Row = dict[str, Any]


def _strength(estimate: Any, interval: list[Any]) -> float:
    """How far an interval lies from no difference, in half-widths (for ordering only)."""
    lo, hi = interval
    half = (hi - lo) / 2 if hi > lo else 1e-12
    return float(abs(estimate) / half)


def _missing_reason(section: str, external: bool) -> str:
    if section == "label":
        return (
            "The outcome label was not described to this audit. Ask the tool's owner what the "
            "label records (for example, a decision an agency made, or harm that was found), "
            "over what period, and what is known about its biases."
        )
    if section == "validity":
        if external:
            return (
                "Validity against simple baselines was not assessed: the audit was given "
                "another tool's scores and outcomes only, and a comparison with baselines "
                "needs the cases' factors and a held-out period. Ask the tool's owner for it."
            )
        return "Validity against simple baselines was not supplied with this audit."
    what = "proxies" if section == "proxies" else "attribution and call-out parity"
    if external:
        return (
            f"The {what} could not be assessed: the audit was given another tool's scores, "
            "and this needs the model's factors and explanations."
        )
    return f"The {what} were not assessed in this audit."


def _group_rows(doc: Mapping[str, Any], references: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for g in doc["groups"]:
        rows.append(
            {
                "attribute": g["attribute"],
                "group": g["group"],
                "suppressed": g["suppressed"],
                "reference": references.get(g["attribute"]) == g["group"],
                "n": None if g["suppressed"] else g["n"],
                "metrics": {} if g["suppressed"] else g["metrics"],
            }
        )
    return rows


def _metric_tables(doc: Mapping[str, Any], rows: list[Row]) -> list[Row]:
    confidence = doc["confidence"]
    order: dict[str, str] = {}
    for r in rows:
        for m, v in r["metrics"].items():
            order.setdefault(m, v["kind"])
    tables = []
    for metric, kind in order.items():
        words = metric_words(metric)
        body = []
        for r in rows:
            cell = r["metrics"].get(metric)
            entry: Row = {
                "attribute": r["attribute"],
                "group": r["group"],
                "reference": r["reference"],
                "suppressed": r["suppressed"],
                "n": r["n"],
                "estimate": None,
                "interval": None,
                "text": could_not(),
            }
            if cell is not None and cell.get("withheld"):
                entry["text"] = withheld()
                entry["withheld"] = True
            elif cell is not None:
                text = with_interval(
                    cell["estimate"], cell["interval"], confidence, percent=words.percent
                )
                if text != could_not():
                    entry["estimate"] = cell["estimate"]
                    entry["interval"] = cell["interval"]
                entry["text"] = text
            body.append(entry)
        tables.append(
            {
                "key": metric,
                "name": words.name,
                "meaning": words.meaning,
                "kind": kind,
                "percent": words.percent,
                "rows": body,
                "plot": None,
            }
        )
    return tables


def _disparities(doc: Mapping[str, Any]) -> list[Row]:
    confidence = doc["confidence"]
    rows: dict[tuple[str, str, str], Row] = {}
    for d in doc["disparities"]:
        key = (d["attribute"], d["group"], d["metric"])
        words = metric_words(d["metric"])
        row = rows.setdefault(
            key,
            {
                "attribute": d["attribute"],
                "group": d["group"],
                "reference": d["reference"],
                "metric": d["metric"],
                "metric_name": words.name,
                "difference": could_not(),
                "ratio": could_not() if words.ratio else "not shown for this measure",
                "assessment": d["assessment"],
                "evidence": False,
                "strength": 0.0,
                "sentence": "",
            },
        )
        if d["measure"] == "difference":
            text = with_interval(
                d["estimate"], d["interval"], confidence, percent=words.percent, signed=True
            )
            row["difference"] = text
            row["assessment"] = d["assessment"]
            row["evidence"] = d["assessment"] in EVIDENCE and text != could_not()
            if row["evidence"]:
                row["strength"] = _strength(d["estimate"], d["interval"])
                row["sentence"] = (
                    f"{words.name} for {d['attribute']} group \u201c{d['group']}\u201d is "
                    f"{d['assessment'].replace('the reference group', '')}for the reference "
                    f"group \u201c{d['reference']}\u201d: difference "
                    f"{_difference_words(d, words, confidence, text)}."
                )
        elif words.ratio:
            text = with_interval(d["estimate"], d["interval"], confidence)
            head, _, tail = text.partition(" (")
            row["ratio"] = text if text == could_not() else f"{head} times ({tail}"
    return list(rows.values())


def _difference_words(d: Mapping[str, Any], words: Any, confidence: float, text: str) -> str:
    """Write a difference for a sentence; in percentage points, saying of what."""
    if not (words.percent and words.of):
        return str(text)
    lo, hi = (fmt(b, percent=True, signed=True).removesuffix(" points") for b in d["interval"])
    shown = fmt(d["estimate"], percent=True, signed=True).removesuffix(" points")
    return f"{shown} percentage points of {words.of} ({level(confidence)} interval {lo} to {hi})"


def _estimate(
    entry: Mapping[str, Any] | None, confidence: float, *, percent: bool, digits: int = 3
) -> str:
    if entry is None:
        return could_not()
    return with_interval(
        entry["estimate"], entry["interval"], confidence, percent=percent, digits=digits
    )


def _proxies(doc: Mapping[str, Any]) -> list[Row] | None:
    if doc["proxies"] is None:
        return None
    confidence = doc["confidence"]
    rows = []
    for p in doc["proxies"]:
        row: Row = {
            "attribute": p["attribute"],
            "group": p["group"],
            "suppressed": p["suppressed"],
            "evidence": False,
        }
        if not p["suppressed"]:
            auc = _estimate(p["auc"], confidence, percent=False)
            row |= {
                "n": p["n"],
                "auc": auc,
                "assessment": p["assessment"],
                "evidence": p["assessment"] == PROXY_EVIDENCE and auc != could_not(),
                "carriers": [c["label"] for c in p["carriers"]],
                "share": (
                    "no single factor carries it clearly"
                    if not p["carriers"]
                    else "not assessed"
                    if p["attribution_share"] is None
                    else _estimate(p["attribution_share"], confidence, percent=True)
                ),
            }
        rows.append(row)
    return rows


#: Decimals of a mean attribution (log-odds): group differences are often below 0.001.
_ATTRIBUTION_DIGITS = 4


def _parity_rows(entries: list[Mapping[str, Any]], confidence: float, percent: bool) -> list[Row]:
    digits = 3 if percent else _ATTRIBUTION_DIGITS
    rows = []
    for e in entries:
        row: Row = {
            "attribute": e["attribute"],
            "group": e["group"],
            "factor": e["factor"],
            "suppressed": e["suppressed"],
            "evidence": False,
        }
        if not e["suppressed"]:
            diff = with_interval(
                e["difference"]["estimate"],
                e["difference"]["interval"],
                confidence,
                percent=percent,
                signed=True,
                digits=digits,
            )
            row |= {
                "label": e["label"],
                "reference": e["reference"],
                "group_value": _estimate(
                    e["group_value"], confidence, percent=percent, digits=digits
                ),
                "reference_value": _estimate(
                    e["reference_value"], confidence, percent=percent, digits=digits
                ),
                "difference": diff,
                "assessment": e["assessment"],
                "evidence": e["assessment"] in EVIDENCE and diff != could_not(),
            }
        rows.append(row)
    return rows


def _parity(doc: Mapping[str, Any]) -> Row | None:
    parity = doc["parity"]
    if parity is None:
        return None
    confidence = doc["confidence"]
    return {
        "attribution": _parity_rows(parity["attribution"], confidence, percent=False),
        "callouts": _parity_rows(parity["callouts"], confidence, percent=True),
        "units": parity["units"],
    }


def _validity(doc: Mapping[str, Any]) -> Row | None:
    v = doc["validity"]
    if v is None:
        return None
    confidence = v["confidence"]
    return {
        "split": (
            "earlier cases trained the model and later cases tested it (a temporal split, as "
            "the model would be used)"
            if v["split"] == "temporal"
            else "cases were split at random into training and test sets (a temporal split "
            "was not possible)"
        ),
        "n_train": v["n_train"],
        "n_test": v["n_test"],
        "level": level(confidence),
        "n_boot": v["n_boot"],
        "verdicts": list(v["verdicts"].values()),
        "metrics": [
            {
                "scorer": m["scorer"].replace("_", " "),
                "metric": metric_words(m["metric"]).name,
                "text": with_interval(m["estimate"], m["interval"], confidence),
            }
            for m in v["metrics"]
        ],
        "differences": [
            {
                "baseline": d["baseline"].replace("_", " "),
                "metric": metric_words(d["metric"]).name,
                "text": with_interval(d["estimate"], d["interval"], confidence, signed=True),
            }
            for d in v["differences"]
        ],
    }


def _cannot_see(external: bool, label: Mapping[str, Any] | None) -> list[str]:
    lines = [
        "Harm or need that never reached an agency: the outcome records what agencies "
        "recorded and decided, so children whose circumstances were never reported are "
        "invisible to it.",
        "Anything outside the shared records: what children and parents say, family "
        "strengths, support from relatives and community, and practitioners' own knowledge.",
        "Periods or agencies whose data were not available for a child; gaps of this kind "
        "look the same as having nothing recorded unless they are stated.",
        "Groups that agencies did not record, or recorded inconsistently; such groups cannot "
        "be audited here.",
    ]
    if external:
        lines.insert(
            0,
            "Which records the audited tool reads was not described to this audit: ask its "
            "owner what it uses and what it cannot see.",
        )
    if label is None:
        lines.append("What the outcome label records was not described (see the label card).")
    return lines


def _limitations(doc: Mapping[str, Any]) -> list[str]:
    conf = doc["confidence"]
    chance = 100 - round(100 * conf)
    return [
        f"The intervals (exact binomial intervals for rates, {doc['n_boot']:,} bootstrap "
        f"resamples of the {doc['n_cases']:,} cases audited for the other measures) show the "
        "uncertainty due to the number of cases only, not errors in the records or changes "
        "over time.",
        f"Each comparison has its own {level(conf)} interval. With many comparisons, some will "
        f"show a difference by chance alone: about {chance} in 100 when there is none.",
        "\u201cInsufficient evidence of a difference\u201d does not show that groups are "
        "treated alike. Small groups give wide intervals, and a real difference can hide "
        "inside them.",
        "The scores are measured against recorded outcomes. If the outcome itself was "
        "recorded differently for some groups (for example because some families are more "
        "visible to services), the scores can match the records well and still carry that "
        "difference.",
        f"Groups with fewer than {doc['min_cell_size']} cases, or whose numbers would disclose "
        "something about individual children, are suppressed: differences in them cannot be "
        "seen in this report.",
        "The results describe the cases and period audited; they may not hold for another "
        "area, another period, or after the way cases are recorded changes.",
        "The groups are as recorded by agencies. Missing or wrong recording of ethnicity, "
        "disability or other characteristics changes who is counted in each group.",
    ]


def _glossary(doc: Mapping[str, Any], tables: list[Row]) -> list[tuple[str, str]]:
    conf = level(doc["confidence"])
    terms = [
        (
            f"{conf} interval",
            f"The range of values that fit the data at the {conf} level. A narrow interval "
            "means the estimate is precise; a wide one means the data cannot pin it down.",
        ),
        (
            "Bootstrap",
            "Re-running the measurement on many samples drawn with replacement from the "
            "audited cases, to see how much the result moves; the spread gives the interval.",
        ),
        (
            "Reference group",
            "The group other groups in the same attribute are compared with (the largest "
            "group unless the audit policy names another).",
        ),
        (
            "Difference and ratio",
            "A group's value minus the reference group's value, and the group's value "
            "divided by it. No difference is a difference of 0 and a ratio of 1. Ratios are "
            "not shown for measures where 0 is a natural value (calibration), where a ratio "
            "has no meaning.",
        ),
        (
            "Percentage points",
            "The difference between two percentages: 12% and 15% differ by 3 points.",
        ),
        (
            "Evidence of a difference",
            "The interval of the difference lies entirely above or entirely below zero.",
        ),
        (
            "Insufficient evidence of a difference",
            "The interval includes zero: the data cannot tell a difference from none. It is "
            "not a finding that the groups are treated alike.",
        ),
        (
            "Suppressed",
            f"Not reported because the group has fewer than {doc['min_cell_size']} cases, or "
            "because its numbers (or numbers from which they could be worked out) would "
            "disclose something about individual children.",
        ),
        (
            "Withheld",
            f"One measure of a reported group left out because it would reveal fewer than "
            f"{doc['min_cell_size']} children (for example, the few children without the "
            "outcome behind a false positive rate), or a number that could be worked out "
            "from the other tables.",
        ),
        (
            "Proxy",
            "Factors that together reveal a group (for example, areas and services that "
            "stand in for ethnicity), so a model can treat the group differently without "
            "being given it.",
        ),
        (
            "Attribution",
            "How much a factor moved the model's output for a case, on the model's log-odds "
            "scale (SHAP values); 0 means no effect.",
        ),
        (
            "Call-out",
            "A factor listed in a review as standing out for the case, which is what a "
            "practitioner sees.",
        ),
        (
            "Operating point",
            "A cut-off on the scores that a host system declares; metrics at it are labelled "
            "as such.",
        ),
        (
            "Baseline",
            "A simple comparison: the same estimate for every case, a single prior-referral "
            "rule, or a plain logistic regression.",
        ),
    ]
    terms += [(t["name"], t["meaning"][0].upper() + t["meaning"][1:] + ".") for t in tables]
    return terms


def _labelled(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Copy the document with every attribute named by its readable label."""
    labels = dict(doc.get("attribute_labels") or {})

    def name(attribute: str) -> str:
        return str(labels.get(attribute) or attribute_label(attribute))

    def relabel(entries: Any) -> Any:
        return [{**e, "attribute": name(e["attribute"])} for e in entries]

    out = dict(doc)
    out["groups"] = relabel(doc["groups"])
    out["disparities"] = relabel(doc["disparities"])
    if doc["proxies"] is not None:
        out["proxies"] = relabel(doc["proxies"])
    if doc["parity"] is not None:
        parity = dict(doc["parity"])
        for section in ("attribution", "callouts"):
            parity[section] = relabel(parity[section])
        out["parity"] = parity
    return out


_KIND_WORDS: Final = {
    "probability": "probabilities",
    "ordinal": "ordinal scores (ranks, bands or deciles), so calibration was not assessed",
    "decisions": "decisions only, so ranking and calibration could not be assessed",
}


def build_view(doc: Mapping[str, Any], *, title: str | None) -> dict[str, Any]:
    """Everything the templates print, from a validated audit document.

    Parameters
    ----------
    doc : mapping
        The audit document (validated against the schema).
    title : str or None
        The report's title; a default names what was audited.

    Returns
    -------
    dict
    """
    doc = _labelled(doc)
    subject = doc["subject"]
    external = subject["kind"] == "external_scores"
    references = {d["attribute"]: d["reference"] for d in doc["disparities"]}
    group_rows = _group_rows(doc, references)
    tables = _metric_tables(doc, group_rows)
    disparities = _disparities(doc)
    differences = [d for d in disparities if d["metric"] in {t["key"] for t in tables}]
    evidence = sorted(
        (d for d in differences if d["evidence"]), key=lambda d: -float(d["strength"])
    )
    proxies = _proxies(doc)
    parity = _parity(doc)
    suppressed = [r for r in group_rows if r["suppressed"]]
    missing = {
        s: _missing_reason(s, external)
        for s in ("label", "validity", "proxies", "parity")
        if doc[s] is None
    }
    not_assessed = list(missing.values())
    if doc["operating_point"] is None:
        not_assessed.append(
            "No operating point (cut-off) was declared, so no metric at a cut-off was "
            "computed; the metrics reported need no cut-off."
        )
    if suppressed:
        not_assessed.append(
            f"{len(suppressed)} group(s) were suppressed (fewer than {doc['min_cell_size']} "
            "cases, or disclosive); nothing is reported about them."
        )
    held = sum(1 for t in tables for r in t["rows"] if r.get("withheld"))
    if held:
        not_assessed.append(
            f"{held} group measurement(s) were withheld: each would reveal fewer than "
            f"{doc['min_cell_size']} children (for example, few children with the outcome in "
            "the group), or a number that could be worked out from the other tables."
        )
    blanks = sum(
        1
        for t in tables
        for r in t["rows"]
        if not r["suppressed"] and not r.get("withheld") and r["estimate"] is None
    )
    if blanks:
        not_assessed.append(
            f"{blanks} group measurement(s) could not be estimated (for example, too few "
            "children with the outcome in the group)."
        )
    not_assessed += list(doc["notes"])
    outputs = "decisions" if doc.get("score_kind") == "decisions" else "scores"
    kind_words = (
        f"{outputs} from another tool" if external else "a model built with this library (advisory)"
    )
    return {
        "title": title or "Bias and validity audit",
        "generated_by": doc["generated_by"],
        "schema": doc["schema"],
        "subject": {**subject, "external": external, "kind_words": kind_words},
        "level": level(doc["confidence"]),
        "confidence": doc["confidence"],
        "n_boot": doc["n_boot"],
        "n_cases": doc["n_cases"],
        "min_cell_size": doc["min_cell_size"],
        "suppressed_words": (f"suppressed: fewer than {doc['min_cell_size']} cases or disclosive"),
        "operating_point": doc["operating_point"],
        "score_kind": doc.get("score_kind", "probability"),
        "score_kind_words": _KIND_WORDS[doc.get("score_kind", "probability")],
        "attributes": list(dict.fromkeys(r["attribute"] for r in group_rows)),
        "references": references,
        "summary": {
            "strongest": [d["sentence"] for d in evidence[:_STRONGEST]],
            "n_comparisons": len(differences),
            "n_evidence": len(evidence),
            "n_by_chance": round(len(differences) * (1 - doc["confidence"])),
            "verdicts": []
            if doc["validity"] is None
            else list(doc["validity"]["verdicts"].values()),
            "not_assessed": not_assessed,
            "proxies": (
                None
                if proxies is None
                else [
                    f"{p['attribute']}: \u201c{p['group']}\u201d"
                    for p in proxies
                    if p.get("evidence")
                ]
            ),
            "parity": (
                None
                if parity is None
                else {
                    k: sum(1 for r in parity[k] if r["evidence"])
                    for k in ("attribution", "callouts")
                }
            ),
        },
        "label": doc["label"],
        "validity": _validity(doc),
        "missing": missing,
        "tables": tables,
        "disparities": disparities,
        "disparities_evidence": evidence,
        "proxies": proxies,
        "parity": parity,
        "linkage": linkage_view(doc.get("linkage")),
        "suppressed": [f"{r['attribute']}: {r['group']}" for r in suppressed],
        "notes": list(doc["notes"]),
        "cannot_see": _cannot_see(external, doc["label"]),
        "limitations": _limitations(doc),
        "glossary": _glossary(doc, tables),
    }
