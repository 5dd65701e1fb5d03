"""Property-based checks: no score leaks, and no shared record is ever hidden by a coverage gap."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisory import Advisor
from advisory.context import build_context
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.prompts import LanguageError, check_language, render_html, render_text
from advisory.prompts._guard import INT_KEYS
from advisory.prompts._words import event_words

SCORE_LIKE = re.compile(r"\d+\.\d+|\d+\s*%|\brank\b|\bscore\b|\bprobability\b|\bthreshold\b", re.I)
DATE_OR_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}|v\d+\.\d+\.\d+")
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _numbers(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v, key)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield key, value


def _assert_contract(document: dict[str, Any]) -> None:
    for key, number in _numbers(document):
        assert key in INT_KEYS and isinstance(number, int), (key, number)
    for rendering in (render_text(document), render_html(document), json.dumps(document)):
        assert SCORE_LIKE.search(DATE_OR_VERSION.sub("", rendering)) is None


@given(
    rows=st.lists(st.integers(0, 799), min_size=1, max_size=8, unique=True),
    changes=st.lists(
        st.tuples(st.integers(0, 22), st.one_of(st.integers(0, 40), st.just(np.nan))),
        max_size=12,
    ),
)
@SETTINGS
def test_random_factor_values_never_leak_a_score(
    advisor: Any, builder: Any, demo_context: Any, rows: list[int], changes: Any
) -> None:
    case_ids = [str(demo_context.factors.index[i]) for i in rows]
    context = advisor._context(demo_context, case_ids)
    factors = context.factors.copy()
    numeric = [c for c in factors.columns if factors[c].dtype.kind == "f"]
    for column, value in changes:
        factors.loc[factors.index[column % len(factors)], numeric[column % len(numeric)]] = value
    context = dataclasses.replace(context, factors=factors)
    for document in builder.review_dicts(context):
        _assert_contract(document)


@given(
    before=st.text(alphabet="abcdefghij ", max_size=12),
    bad=st.sampled_from(["risk", "score 7", "0.73", "top 10%", "must", "high priority"]),
    after=st.text(alphabet="abcdefghij ", max_size=12),
)
@settings(max_examples=40, deadline=None)
def test_guard_rejects_injected_wording_anywhere(before: str, bad: str, after: str) -> None:
    with pytest.raises(LanguageError):
        check_language({"questions": [{"recorded": f"{before} {bad} {after}"}]})


# ---- coverage gaps never hide a shared record ---------------------------------


@pytest.fixture(scope="module")
def gapped() -> tuple[Any, Advisor]:
    data = make_multiagency(n_cases=150, seed=8)
    advisor = Advisor.from_definitions(
        reference_root(), model_params={"n_resamples": 3, "random_state": 0}
    ).fit(data)
    return data, advisor


def _with_gaps(data: Any, gaps: list[tuple[int, str, int, int]]) -> dict[str, Any]:
    """The records with some people's coverage by an agency made 'unavailable' for a while."""
    coverage = data.coverage.copy()
    people = data.people["person_id"].tolist()
    for person_index, agency, start_day, length in gaps:
        person = people[person_index % len(people)]
        start = pd.Timestamp("2019-01-01") + pd.Timedelta(days=start_day)
        end = start + pd.Timedelta(days=length)
        mine = (coverage["person_id"] == person) & (coverage["agency"] == agency)
        kept = [coverage[~mine]]
        for row in coverage[mine].itertuples(index=False):
            row_end = row.end_date if not pd.isna(row.end_date) else pd.Timestamp("2100-01-01")
            if row_end < start or row.start_date > end:
                kept.append(pd.DataFrame([row._asdict()]))
                continue
            if row.start_date < start:
                kept.append(
                    pd.DataFrame([{**row._asdict(), "end_date": start - pd.Timedelta(days=1)}])
                )
            if row_end > end:
                kept.append(
                    pd.DataFrame([{**row._asdict(), "start_date": end + pd.Timedelta(days=1)}])
                )
        gap = {
            "person_id": person,
            "agency": agency,
            "start_date": start,
            "end_date": end,
            "status": "unavailable",
            "reason": "not supplied for this test",
        }
        coverage = pd.concat([*kept, pd.DataFrame([gap])], ignore_index=True)
    tables = ("people", "memberships", "relationships", "events", "cases")
    return {
        **{name: getattr(data, name) for name in tables},
        "coverage": coverage,
        "snapshot_date": data.snapshot_date,
    }


@pytest.mark.slow
@given(
    gaps=st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.sampled_from(["police", "health", "housing", "childrens_social_care"]),
            st.integers(0, 2_000),
            st.integers(1, 400),
        ),
        min_size=1,
        max_size=25,
    )
)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_shared_record_is_hidden_by_a_coverage_gap(
    gapped: tuple[Any, Advisor], gaps: list[tuple[int, str, int, int]]
) -> None:
    data, advisor = gapped
    records = _with_gaps(data, gaps)
    context = build_context(records, advisor.definitions)
    dicts = advisor.review_dicts(records)
    catalogue = advisor.definitions.catalogue
    listed = {(s.name, t) for s in catalogue.sources for t in s.chronology}
    key = {(s.name, t) for s in catalogue.sources for t in s.key_history}
    shared = context.records.merge(context.cases[["case_id", "reference_date"]])
    recent = shared[shared["date"] >= shared["reference_date"] - pd.Timedelta(days=365)]
    for d in dicts:
        mine = recent[recent["case_id"] == d["case_id"]]
        pairs = list(zip(mine["agency"], mine["event_type"], strict=True))
        chronology = mine[[p in listed and p not in key for p in pairs]]
        more = int(d["chronology_more"].split()[1]) if d["chronology_more"] else 0
        assert len(d["chronology"]) + more == len(chronology), d["case_id"]
        # each person's line dates every record of the past year, kind by kind
        for person in d["household"]:
            theirs = mine[mine["person_id"] == person["person_id"]]
            named = {r["event_type"]: list(r["dates"]) for r in person["records"]}
            assert len(named) == len(person["records"])  # one entry per kind
            for kind, days in theirs.groupby("event_type")["date"]:
                expected = sorted((day.date().isoformat() for day in days), reverse=True)
                assert named[event_words(str(kind))] == expected, d["case_id"]
        text = render_text(d)
        assert "nknown" not in text
        if any(p["records"] and any(r["partial"] for r in p["records"]) for p in d["household"]):
            assert "so there may be more" in text
