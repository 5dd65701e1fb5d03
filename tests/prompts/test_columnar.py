"""The columnar builder: mentions, shared pieces and fast paths give what reviews show."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pandas as pd
import pytest

from advisory import InputError
from advisory.prompts import LanguageError
from advisory.prompts._builder import MENTIONS


def _listed(review):
    out = {p.factor: "stands_out" for p in review.stands_out}
    out.update((p.factor, "strength") for p in review.strengths)
    out.update((u.factor, "unknown") for u in review.unknown)
    return out


def test_mentions_are_what_the_reviews_list(builder, demo_context):
    mentions = builder.mentions(demo_context)
    reviews = builder.reviews(demo_context)
    assert len(reviews) >= 300
    assert mentions.index.name == "case_id"
    assert list(mentions.columns) == list(builder.factor_names)
    assert list(mentions.index) == [r.case_id for r in reviews]
    for column in mentions.columns:  # categories only: no attribution, no number
        assert list(mentions[column].cat.categories) == list(MENTIONS)
    for review, (_, row) in zip(reviews, mentions.iterrows(), strict=True):
        expected = _listed(review)
        got = {name: value for name, value in row.items() if value != "not_listed"}
        assert got == expected, review.case_id
    counts = mentions.apply(lambda c: c.value_counts()).sum(axis=1)
    assert counts["stands_out"] > 0 and counts["strength"] > 0 and counts["unknown"] > 0


def test_mentions_name_a_missing_factor(builder, demo_context):
    context = dataclasses.replace(
        demo_context, factors=demo_context.factors.drop(columns="adult_arrests")
    )
    with pytest.raises(InputError, match="no factor column 'adult_arrests'"):
        builder.mentions(context)
    with pytest.raises(InputError, match="no factor column 'adult_arrests'"):
        builder.reviews(context)


def test_stable_attributions_are_the_explanation(advisor, demo_context):
    explainer = advisor.explainer_
    stable = explainer.stable_attributions()
    factors = demo_context.factors
    explanation = explainer.explain(factors)
    _, values, reliable = stable(factors)
    np.testing.assert_array_equal(values, explanation.values)
    np.testing.assert_array_equal(reliable, explanation.reliable)
    for rows in ([0], [3, 1, 4], list(range(40))):  # the few-cases path
        _, values, reliable = stable(factors.iloc[rows])
        np.testing.assert_array_equal(values, explanation.values[rows])
        np.testing.assert_array_equal(reliable, explanation.reliable[rows])


def test_one_case_at_a_time_equals_the_batch(advisor, builder, demo_context):
    batch = {r.case_id: r for r in builder.reviews(demo_context)}
    for case_id in list(demo_context.factors.index[:25]):
        (one,) = builder.reviews(demo_context.case(str(case_id)))
        assert one == batch[str(case_id)]
        assert one.to_json() == batch[str(case_id)].to_json()


def test_reordered_and_odd_values_give_the_same_reviews(advisor, builder, demo_context):
    ids = [str(c) for c in demo_context.factors.index[::-3]]
    context = advisor._context(demo_context, ids)
    factors = context.factors.copy()
    factors.iloc[::5, 0] = np.nan
    factors.iloc[1::5, 3] = 0.0
    context = dataclasses.replace(context, factors=factors)
    reviews = builder.reviews(context)
    assert [r.case_id for r in reviews] == ids
    for review in reviews[:40]:
        (one,) = builder.reviews(context.case(review.case_id))
        assert one == review


def test_json_text_is_json_dumps_of_the_dict(reviews):
    for review in reviews:
        assert review.to_json() == json.dumps(review.to_dict(), ensure_ascii=False)
        assert json.loads(review.to_json(indent=2)) == review.to_dict()


def test_shared_pieces_are_shared_and_a_changed_piece_is_checked(builder, demo_context):
    reviews = builder.reviews(demo_context)
    notes = {id(r.not_captured) for r in reviews}
    assert len(notes) == 1
    plain = [p for r in reviews for p in r.stands_out if not p.records]
    if plain:
        same = [
            p
            for p in plain
            if (p.factor, p.emphasis, p.observed)
            == (plain[0].factor, plain[0].emphasis, plain[0].observed)
        ]
        assert len({id(p) for p in same}) == 1
    review = next(r for r in reviews if r.unknown)
    bad = dataclasses.replace(
        review, unknown=(dataclasses.replace(review.unknown[0], reason="rank 3 of the caseload"),)
    )
    for render in (bad.to_dict, bad.to_json):
        with pytest.raises(LanguageError, match=r"could_not_see\.unknown_factors\[0\]\.reason"):
            render()


def test_review_dicts_equal_the_reviews_dicts_and_restore_the_collector(builder, demo_context):
    import gc

    assert gc.isenabled()
    dicts = builder.review_dicts(demo_context)
    assert gc.isenabled()
    assert dicts == [r.to_dict() for r in builder.reviews(demo_context)]
    assert any(d["stands_out"] and d["stands_out"][0]["records"] for d in dicts)
    assert any(d["household"] and d["could_not_see"]["gaps"] for d in dicts)


def test_review_dicts_are_the_callers_to_change(builder, demo_context):
    # shared pieces come from checked templates: changing a dict must not
    # change another review's, or the next batch's (which would skip the guard)
    context = dataclasses.replace(demo_context, provenance=demo_context.provenance.iloc[:0])
    first = builder.review_dicts(context)
    plain = [
        (i, k)
        for i, d in enumerate(first)
        for k, p in enumerate(d["stands_out"])
        if not p["records"]
    ]
    assert len(plain) >= 2
    for i, k in plain:
        prompt = first[i]["stands_out"][k]
        prompt["observed"] = "rank 1 of the caseload"
        prompt["records"].append({"event_id": "E1"})
    for d in first:
        d["could_not_see"]["not_captured"][0]["text"] = "risk score 0.9"
        d["could_not_see"]["open_question"]["question"] = "changed"
        d["about"]["model_version"] = "changed"
        for u in d["could_not_see"]["unknown_factors"]:
            u["reason"] = "changed"
    again = builder.review_dicts(context)
    assert again == [r.to_dict() for r in builder.reviews(context)]
    assert all(d["could_not_see"]["not_captured"][0]["text"] != "risk score 0.9" for d in again)


def test_review_dicts_name_where_a_breach_is(builder, demo_context):
    ids = list(demo_context.factors.index[:30])
    case = builder.reviews(demo_context)[0]
    assert case.case_id == ids[0]
    renamed = {ids[3]: "top10"}
    bad_ids = dataclasses.replace(
        demo_context,
        factors=demo_context.factors.iloc[:30].rename(index=renamed),
        cases=demo_context.cases.replace({"case_id": renamed}),
    )
    with pytest.raises(LanguageError, match=r"^case_id: 'top10' reads as a score"):
        builder.review_dicts(bad_ids)
    reviews = builder.reviews(demo_context)
    record = next(
        rec for r in reviews if r.stands_out for rec in r.stands_out[0].records if rec.event_id
    )
    provenance = demo_context.provenance.copy()
    hit = (provenance["event_id"] == record.event_id).to_numpy()
    provenance["event_type"] = provenance["event_type"].astype(object)
    provenance.loc[hit, "event_type"] = "high risk incident"
    bad_records = dataclasses.replace(demo_context, provenance=provenance)
    with pytest.raises(LanguageError, match=r"stands_out\[0\]\.records\[\d+\]\.event_type"):
        builder.review_dicts(bad_records)


def test_collector_paused_is_restored_by_the_last_of_several_threads():
    import gc
    import threading

    from advisory._gc import collector_paused

    entered, release = threading.Barrier(3), threading.Event()

    def hold() -> None:
        with collector_paused():
            entered.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    entered.wait()
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failing batch")
    assert gc.isenabled()


def test_a_shared_tuple_that_passed_does_not_hide_a_new_breach(builder, demo_context):
    review = builder.reviews(demo_context)[0]
    review.to_dict()  # its not-captured notes pass and are remembered
    bad_note = dataclasses.replace(review.not_captured[0], text="The risk score is high.")
    changed = dataclasses.replace(review, not_captured=(bad_note, *review.not_captured[1:]))
    with pytest.raises(LanguageError):
        changed.to_dict()


def test_reference_dates_follow_the_case_not_the_row(builder, demo_context):
    context = dataclasses.replace(
        demo_context, cases=demo_context.cases.iloc[::-1].reset_index(drop=True)
    )
    expected = {r.case_id: r.reference_date for r in builder.reviews(demo_context)}
    got = {d["case_id"]: d["reference_date"] for d in builder.review_dicts(context)}
    assert got == {case: day.isoformat() for case, day in expected.items()}
    cases = demo_context.cases.copy()
    cases.loc[[4, 7], "reference_date"] = pd.NaT
    missing = [str(c) for c in cases["case_id"].iloc[[4, 7]]]
    with pytest.raises(InputError, match=re.escape(f"Cases {missing} have no reference date")):
        builder.review_dicts(dataclasses.replace(demo_context, cases=cases))
    unknown = demo_context.cases.iloc[1:]
    with pytest.raises(InputError, match=str(demo_context.cases["case_id"].iloc[0])):
        builder.reviews(dataclasses.replace(demo_context, cases=unknown))
