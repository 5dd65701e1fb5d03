"""Reviews: the contract in the types, the planted truth, gaps, household, responses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing

import numpy as np
import pandas as pd
import pytest

from advisory import InputError, ParameterError, prompts
from advisory.prompts import NOT_A_DECISION

FORBIDDEN_FIELD_WORDS = (
    "prob",
    "score",
    "rank",
    "band",
    "threshold",
    "base",
    "margin",
    "shap",
    "attribution",
    "contribution",
    "weight",
    "value",
    "colour",
    "color",
    "risk",
)


def _review_types():
    return [
        getattr(prompts, name)
        for name in prompts.__all__
        if dataclasses.is_dataclass(getattr(prompts, name))
    ]


def test_types_have_no_field_for_a_score_or_an_attribution():
    for cls in _review_types():
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            assert not any(w in field.name.lower() for w in FORBIDDEN_FIELD_WORDS), field.name
            assert "float" not in str(hints[field.name]), (cls.__name__, field.name)
            assert "ndarray" not in str(hints[field.name]), (cls.__name__, field.name)


def test_statement_is_fixed(reviews):
    review = reviews[0]
    assert review.statement == NOT_A_DECISION
    with pytest.raises(InputError, match="fixed"):
        dataclasses.replace(review, statement="Decision: open a plan.")


def test_planted_factors_are_called_out_for_the_cases_they_affect(reviews, demo_context):
    factors = demo_context.factors
    listed = {r.case_id: {p.factor for p in r.stands_out} for r in reviews}
    for name in (
        "adult_domestic_abuse_notifications",
        "adults_with_mental_health_contacts",
        "adult_substance_misuse_contacts",
    ):
        present = factors.index[factors[name] >= 1]
        absent = factors.index[factors[name] == 0]
        assert len(present) >= 20
        assert np.mean([name in listed[c] for c in present]) >= 0.8, name
        assert np.mean([name in listed[c] for c in absent]) <= 0.05, name


def test_order_and_qualitative_words_only(reviews):
    for review in reviews:
        for group, first, rest in (
            (review.stands_out, "stands out most", "also stands out"),
            (review.strengths, "pulls the other way most", "also pulls the other way"),
        ):
            expected = ([first] + [rest] * (len(group) - 1)) if group else []
            assert [p.emphasis for p in group] == expected


def test_planted_gaps_are_listed_with_questions(reviews, demo_context):
    gaps = demo_context.gaps.groupby("case_id").size()
    by_case = {r.case_id: r for r in reviews}
    for case_id, n in gaps.items():
        review = by_case[case_id]
        assert len(review.gaps) == n
        assert all(g.question.endswith("?") for g in review.gaps)
    outage = demo_context.gaps[demo_context.gaps["reason"].str.contains("Riverside")]
    assert len(outage) > 0
    review = by_case[outage["case_id"].iloc[0]]
    assert any("Riverside" in g.description and g.agency == "Police" for g in review.gaps)


def test_unknown_factors_are_stated_never_taken_as_none(reviews, demo_context):
    by_case = {r.case_id: r for r in reviews}
    unknown = demo_context.factors.isna()
    cases = unknown.index[unknown.any(axis=1)]
    assert len(cases) > 0
    for case_id in cases[:50]:
        review = by_case[case_id]
        expected = set(unknown.columns[unknown.loc[case_id]])
        assert {u.factor for u in review.unknown} == expected
        for prompt in review.stands_out + review.strengths:
            if prompt.factor in expected:
                assert prompt.observed.startswith("unknown (")


def test_household_members_are_listed_separately(reviews, demo_context):
    sizes = demo_context.household.groupby("case_id").size()
    for review in reviews[:100]:
        assert len(review.household) == sizes.get(review.case_id, 0)
        assert len({m.person_id for m in review.household}) == len(review.household)
    child = reviews[0].household[0]
    assert child.relationship == "the child"


def test_provenance_records_have_dates_and_people(reviews, advisor):
    spec = advisor.definitions.spec
    records = [r for review in reviews for p in review.stands_out for r in p.records]
    assert records
    assert all(isinstance(r.date, dt.date) and r.person_id and r.relationship for r in records)
    for review in reviews:
        for prompt in review.stands_out:
            if prompt.records and spec.factor(prompt.factor).kind == "events":
                assert prompt.records[-1].date.isoformat() in prompt.observed


def test_responses_can_be_recorded(reviews):
    review = next(r for r in reviews if r.stands_out)
    prompt_id = review.stands_out[0].prompt_id
    response = review.respond(prompt_id, "disagree", "The arrests were of a previous partner.")
    assert response.to_dict()["verdict"] == "disagree"
    assert response.model_version == review.model_version
    assert review.respond("open", "agree").reason == ""
    with pytest.raises(InputError, match="needs a reason"):
        review.respond(prompt_id, "not_relevant")
    with pytest.raises(ParameterError, match="'verdict' parameter"):
        review.respond(prompt_id, "maybe")
    with pytest.raises(InputError, match="is not in the review"):
        review.respond("stands_out:nothing", "agree")


def test_no_review_carries_model_output(advisor, demo, reviews):
    margin = advisor.decision_function(demo)
    explanation = advisor.explainer_.explain(advisor._context(demo, None).factors)
    numbers = {f"{x:.2f}" for x in margin.to_numpy()[:50]}
    numbers |= {f"{x:.2f}" for x in explanation.values[:50].ravel() if abs(x) >= 0.01}
    numbers |= {f"{explanation.base_value:.2f}"}
    for review in reviews[:50]:
        text = review.to_text() + review.to_json()
        assert not any(n in text for n in numbers)
    assert isinstance(margin, pd.Series)


def test_only_recorded_circumstances_are_listed(reviews, demo_context, advisor):
    """An unknown value or a count of zero never stands out and is never a strength."""
    factors = demo_context.factors
    counts = {
        f.name for f in advisor.definitions.spec.factors if f.kind in ("events", "household_change")
    }
    listed = 0
    for review in reviews:
        for prompt in (*review.stands_out, *review.strengths):
            value = factors.loc[review.case_id, prompt.factor]
            assert not pd.isna(value), (review.case_id, prompt.factor)
            if prompt.factor in counts:
                assert value > 0, (review.case_id, prompt.factor)
            listed += 1
    assert listed > 0
