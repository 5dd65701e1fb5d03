"""The output contract on held-out cases: nothing sortable follows the model; read in a minute.

The demo's setting: 5,000 synthetic cases (seed 0), the model fitted on the
earlier 70% of referrals, briefs of the later 30% it did not see. For every
count, length and order a host could derive from a brief -- the items of each
list, the words, the text, HTML and JSON lengths, the questions of each kind,
the position of each factor among the questions -- the rank correlation with
the model's margin must not exceed that of the raw count of the household's
shared records in the year before the referral by more than 0.05. Run with
``-s`` to print the table. The lengths of single sections of the JSON are
printed too, for information (see the closing note of issue 13).
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import Advisor
from advisory.context import build_context
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.prompts import render_html, render_text

pytestmark = pytest.mark.slow

MARGIN_OF_ERROR = 0.05
WORDS_MEDIAN, WORDS_P95 = 200, 350


def practitioner_words(text: str) -> int:
    """Words of a brief's text a practitioner reads (without "About these prompts")."""
    body = text.split("\nAbout these prompts")[0]
    return sum(1 for token in body.split() if re.search(r"\w", token))


def _count(text: str | None) -> int:
    found = re.search(r"\d+", text or "")
    return int(found.group(0)) if found else 0


@pytest.fixture(scope="module")
def held_out() -> dict[str, Any]:
    data = make_multiagency(n_cases=5_000, seed=0)
    advisor = Advisor.from_definitions(reference_root())
    context = build_context(data, advisor.definitions)
    order = context.cases.sort_values(["reference_date", "case_id"], kind="stable")["case_id"]
    cut = round(0.7 * len(order))
    earlier, later = [str(c) for c in order[:cut]], [str(c) for c in order[cut:]]
    advisor.fit(data, earlier)
    dicts = advisor.review_dicts(data, later)
    margin = advisor.decision_function(data, later)
    records = context.household_events.groupby("case_id")["events"].sum()
    return {
        "advisor": advisor,
        "dicts": dicts,
        "margin": margin,
        "baseline": records.reindex(later).fillna(0),
    }


def measures(
    dicts: list[dict[str, Any]], catalogue: Any
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    strength = {e.name for e in catalogue.entries if e.direction == "strength"}
    hardship = {e.name for e in catalogue.entries if e.hardship}
    rows = {}
    positions: dict[str, dict[str, int]] = {}
    for d in dicts:
        text = render_text(d)
        questions = d["questions"]
        rows[d["case_id"]] = {
            "items: household": len(d["household"]),
            "items: living elsewhere": len(d["elsewhere"]),
            "items: chronology": len(d["chronology"]),
            "count: chronology 'and N more'": _count(d["chronology_more"]),
            "items: key history": len(d["key_history"]),
            "count: key history 'and N earlier'": _count(d["key_history_more"]),
            "items: questions": len(questions),
            "items: records to confirm": len(d["to_confirm"]),
            "items: not in these records": len(d["could_not_see"]),
            "items: record kinds on person lines": sum(len(p["records"]) for p in d["household"]),
            "items: notes on person lines": sum(len(p["notes"]) for p in d["household"]),
            "questions: circumstances": sum(q["kind"] == "circumstance" for q in questions),
            "questions: absences": sum(q["kind"] == "absence" for q in questions),
            "questions: general": sum(q["kind"] == "general" for q in questions),
            "questions: strengths": sum(q["factor"] in strength for q in questions),
            "questions: hardship": sum(q["factor"] in hardship for q in questions),
            "words": practitioner_words(text),
            "length: text": len(text),
            "length: HTML": len(render_html(d)),
            "length: JSON": len(json.dumps(d, ensure_ascii=False)),
            "length: JSON of questions": len(json.dumps(questions, ensure_ascii=False)),
            "items: safety first": len(d["safety"]),
        }
        for k, q in enumerate(questions):
            positions.setdefault(q["factor"], {})[d["case_id"]] = k
    table = pd.DataFrame.from_dict(rows, orient="index")
    return table, {f: pd.Series(p) for f, p in positions.items()}


def _sections(dicts: list[dict[str, Any]]) -> pd.DataFrame:
    keys = ("household", "chronology", "key_history", "safety", "could_not_see")
    return pd.DataFrame.from_dict(
        {d["case_id"]: {f"JSON of {k}": len(json.dumps(d[k])) for k in keys} for d in dicts},
        orient="index",
    )


#: Known to fail since the generator's realistic parents' ages (issue 13, reader verdicts 3-6):
#: the raw count's rho fell from 0.397 to 0.322 (limit 0.372). The choice of issue 13q (recorded
#: circumstances, concerns and supports alike, by exact SHAP; general questions by the case id)
#: brings every count of questions under the limit (strengths -0.345, general -0.324,
#: circumstances +0.324). With the person lines of reader verdicts 11-16 (every record of the
#: past year dated on its person's line, no value put on any kind; school moves as key
#: history; strengths and the family's own help asked of each adult alone in every brief) the
#: text (+0.362), HTML (+0.355), words (+0.351) and JSON (+0.355) lengths pass. Still over:
#: the JSON of the questions (+0.486): the ids, questions and citations of the factors of
#: high margins are longer than the general questions that fill empty places at low margins,
#: and which factors are asked must follow the model (padding the general questions to the
#: same lengths made it worse, +0.58: the order then follows the factors' own lengths).
#: Figures in the closing note.
#: Strict: an unexpected pass fails, so the mark goes.
_OPEN_CONTRACT = pytest.mark.xfail(
    strict=True,
    reason="issue 13: the questions' JSON length (+0.486) exceeds the raw count's rho + 0.05 "
    "(0.372); every count and the text, HTML, words and JSON lengths pass; see the closing note",
)


@_OPEN_CONTRACT
def test_nothing_sortable_follows_the_model(held_out: dict[str, Any]) -> None:
    margin, baseline = held_out["margin"], held_out["baseline"]
    table, positions = measures(held_out["dicts"], held_out["advisor"].definitions.catalogue)
    table = table.loc[margin.index]
    reference = abs(baseline.corr(margin, method="spearman"))
    limit = reference + MARGIN_OF_ERROR
    found: dict[str, float] = {}
    for column in table.columns:
        if table[column].nunique() > 1:
            found[column] = float(table[column].corr(margin, method="spearman"))
    for factor, where in positions.items():
        if len(where) >= 30 and where.nunique() > 1:
            found[f"position of {factor}"] = float(
                where.corr(margin.loc[where.index], method="spearman")
            )
    informative = _sections(held_out["dicts"]).loc[margin.index]
    print(
        f"\nraw household shared records (past year) vs margin: rho {reference:+.3f}; "
        f"limit {limit:.3f}"
    )
    for name, rho in sorted(found.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:52s} {rho:+.3f}")
    print("  constant: " + ", ".join(c for c in table.columns if table[c].nunique() <= 1))
    print("  for information (single sections of the JSON):")
    for column in informative.columns:
        rho = informative[column].corr(margin, method="spearman")
        print(f"  {column:52s} {rho:+.3f}")
    assert table["items: questions"].nunique() == 1
    worst = max(found, key=lambda name: abs(found[name]))
    assert abs(found[worst]) <= limit, (worst, found[worst], limit)


@pytest.mark.xfail(
    strict=True,
    reason="issue 13: the same five 'Before you go' lines and the same question to each adult "
    "alone in every brief, every record of the past year dated on its person's line and school "
    "moves as key history (reader verdicts 11-17) bring the median to 292 words and the 95th "
    "percentile to 401 (budget 200 and 350); see the closing note",
)
def test_read_in_a_minute(held_out: dict[str, Any]) -> None:
    words = np.array([practitioner_words(render_text(d)) for d in held_out["dicts"]])
    median, p95 = float(np.median(words)), float(np.percentile(words, 95))
    print(
        f"\nwords of the brief: median {median:.0f}, 95th percentile {p95:.0f}, max {words.max()}"
    )
    assert median <= WORDS_MEDIAN
    assert p95 <= WORDS_P95
