"""Property-based checks of the contract over random data, models and wording."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisory import Advisor
from advisory._language import RANK_WORDS, RISK_WORDS
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.prompts import LanguageError, ReviewBuilder, check_language
from advisory.prompts._guard import INT_KEYS

SCORE_LIKE = re.compile(r"\d+\.\d+|\d+\s*%|\brank\b|\bscore\b|\bprobability\b|\bthreshold\b", re.I)
DATE_OR_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}|v\d+\.\d+\.\d+")
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _numbers(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v, key)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield key, value


def _assert_contract(review):
    document = review.to_dict()
    for key, number in _numbers(document):
        assert key in INT_KEYS and isinstance(number, int), (key, number)
    for rendering in (review.to_text(), review.to_html(), json.dumps(document)):
        assert SCORE_LIKE.search(DATE_OR_VERSION.sub("", rendering)) is None


@given(
    rows=st.lists(st.integers(0, 799), min_size=1, max_size=8, unique=True),
    changes=st.lists(
        st.tuples(st.integers(0, 22), st.one_of(st.integers(0, 40), st.just(np.nan))),
        max_size=12,
    ),
)
@SETTINGS
def test_random_factor_values_never_leak_a_score(advisor, builder, demo_context, rows, changes):
    case_ids = [str(demo_context.factors.index[i]) for i in rows]
    context = advisor._context(demo_context, case_ids)
    factors = context.factors.copy()
    numeric = [c for c in factors.columns if factors[c].dtype.kind == "f"]
    for column, value in changes:
        factors.loc[factors.index[column % len(factors)], numeric[column % len(numeric)]] = value
    context = dataclasses.replace(context, factors=factors)
    for review in builder.reviews(context):
        _assert_contract(review)


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    family=st.sampled_from(["scorecard", "tree"]),
    n_cases=st.integers(120, 200),
)
@settings(max_examples=3, deadline=None)
def test_random_data_and_models_never_leak_a_score(seed, family, n_cases):
    data = make_multiagency(n_cases=n_cases, seed=seed)
    advisor = Advisor.from_definitions(
        reference_root(), model_params={"n_resamples": 4, "random_state": seed}
    )
    advisor.definitions = dataclasses.replace(
        advisor.definitions, spec=dataclasses.replace(advisor.definitions.spec, family=family)
    )
    advisor.fit(data)
    for review in advisor.review(data, case_ids=list(data.cases["case_id"][:20])):
        _assert_contract(review)


WORDS = st.sampled_from(
    ["the", "child", "family", "school", "support", "records", "home", "adults", "recent"]
)
BAD = st.sampled_from(
    list(RISK_WORDS)
    + list(RANK_WORDS)
    + ["must", "should", "shall", "ought to", "needs to", "refer to", "remove", "escalate"]
    + ["0.73", "73%", "rank 3", "top 10%", "3/10"]
)


@given(before=st.lists(WORDS, max_size=5), bad=BAD, after=st.lists(WORDS, max_size=5))
@settings(max_examples=200, deadline=None)
def test_guard_rejects_injected_risk_wording_anywhere(before, bad, after):
    text = " ".join([*before, bad, *after])
    with pytest.raises(LanguageError):
        check_language(text)
    with pytest.raises(LanguageError):
        check_language({"stands_out": [{"observed": text}]})


@given(
    label=st.lists(WORDS, min_size=1, max_size=6).map(" ".join),
    bad=st.one_of(st.none(), BAD),
    factor=st.integers(0, 23),
)
@SETTINGS
def test_random_catalogue_wording_is_clean_or_refused(advisor, demo_context, label, bad, factor):
    catalogue = advisor.definitions.catalogue
    entries = list(catalogue.entries)
    wording = label if bad is None else f"{label} {bad}"
    entries[factor] = dataclasses.replace(entries[factor], label=wording.capitalize())
    definitions = dataclasses.replace(
        advisor.definitions, catalogue=dataclasses.replace(catalogue, entries=tuple(entries))
    )

    def build():
        return ReviewBuilder(
            definitions,
            advisor.explainer_,
            model_version="reference model",
            data_snapshot_date=demo_context.cases["reference_date"].max().date(),
        )

    if bad is not None:
        with pytest.raises(LanguageError):
            build()
        return
    one = advisor._context(demo_context, [str(demo_context.factors.index[factor])])
    for review in build().reviews(one):
        _assert_contract(review)
