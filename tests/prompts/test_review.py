"""Review v2: a pre-visit brief with the same number of questions, and everything recorded shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import InputError
from advisory.prompts import (
    NOT_A_DECISION,
    SCHEMA_ID,
    LanguageError,
    Person,
    Question,
    RecordEntry,
    Review,
    render_text,
    validate_review,
)
from advisory.prompts._choose import N_QUESTIONS, order_of
from advisory.prompts._words import relative_words, relative_words_many

BANNED_FIELDS = re.compile(
    r"prob|score|rank|band|label|threshold|base|margin|attribution|shap|value|weight", re.I
)


def _all_fields(cls: Any) -> list[str]:
    names = []
    for f in dataclasses.fields(cls):
        names.append(f.name)
    return names


def test_types_have_no_field_for_a_score_or_an_attribution() -> None:
    from advisory.prompts import About, Gap, LinkToConfirm, RecordKinds

    for cls in (Review, Person, RecordKinds, RecordEntry, Question, LinkToConfirm, Gap, About):
        for name in _all_fields(cls):
            assert BANNED_FIELDS.search(name) is None, (cls.__name__, name)


def test_statement_and_schema_are_fixed(dicts: list[dict[str, Any]]) -> None:
    assert {d["statement"] for d in dicts} == {NOT_A_DECISION}
    assert {d["schema"] for d in dicts} == {SCHEMA_ID} == {"urn:advisory:review:v2"}


@pytest.mark.parametrize("read", [Review.from_dict, validate_review, render_text])
def test_a_v1_review_is_refused_naming_v2(dicts: list[dict[str, Any]], read: Any) -> None:
    old = {**dicts[0], "schema": "urn:advisory:review:v1"}
    with pytest.raises(InputError, match=r"urn:advisory:review:v2.*version one"):
        read(old)


def test_every_review_asks_the_same_number_of_questions(dicts: list[dict[str, Any]]) -> None:
    assert {len(d["questions"]) for d in dicts} == {N_QUESTIONS}
    for d in dicts:
        ids = [q["prompt_id"] for q in d["questions"]]
        assert len(set(ids)) == len(ids)


def test_question_order_is_set_by_the_case_id(dicts: list[dict[str, Any]], reviews: Any) -> None:
    # the same case in another position of the batch keeps its order, and the
    # permutation used is the case id's, whatever the questions are
    kinds = {"circumstance": 0, "absence": 1, "general": 1}
    permutations = {order_of(d["case_id"]) for d in dicts}
    assert len(permutations) == 6  # every order occurs: position carries nothing
    for d in dicts:
        first = d["questions"][0]
        assert first["kind"] in kinds


def test_hardship_is_never_first_nor_all(dicts: list[dict[str, Any]], advisor: Any) -> None:
    hardship = {e.name for e in advisor.definitions.catalogue.entries if e.hardship}
    for d in dicts:
        factors = [q["factor"] for q in d["questions"]]
        assert factors[0] not in hardship, d["case_id"]
        assert not all(f in hardship for f in factors)


def test_each_household_member_separately_child_first(
    dicts: list[dict[str, Any]], demo_context: Any
) -> None:
    sizes = demo_context.household.groupby("case_id").size()
    for d in dicts:
        people = d["household"]
        assert len(people) == sizes[d["case_id"]]
        assert people[0]["relationship"] == "child"
        assert len({p["person_id"] for p in people}) == len(people)


def test_relationship_words_a_worker_uses(dicts: list[dict[str, Any]]) -> None:
    words = {p["relationship"] for d in dicts for p in [*d["household"], *d["elsewhere"]]}
    assert {"mother", "father", "sister", "brother"} <= words
    assert "parent" not in words and "sibling" not in words  # the records hold each sex
    assert any(w.endswith("'s partner") for w in words)


def test_ages_read_naturally(dicts: list[dict[str, Any]]) -> None:
    ages = {p["age_years"]: p["age"] for d in dicts for p in d["household"]}
    assert ages[1] == "1 year old"
    assert ages[0] == "under 1 year old"
    assert ages[12] == "12 years old"
    assert not any(re.search(r"\b1 years|\b1 months|\b1 days", render_text(d)) for d in dicts)


def test_move_in_is_shown_only_when_recorded(dicts: list[dict[str, Any]], demo: Any) -> None:
    start = demo.memberships["start_date"].min().date().isoformat()
    since = [p["member_since"] for d in dicts for p in d["household"] if p["member_since"]]
    assert since, "some adults moved in during the records"
    assert start not in since  # the start of the records is not a move-in
    children = [p for d in dicts for p in d["household"] if p["relationship"] == "child"]
    assert all(p["member_since"] is None for p in children)  # born into the household


def _key_records(context: Any, catalogue: Any) -> pd.DataFrame:
    key = {(s.name, t) for s in catalogue.sources for t in s.key_history}
    records = context.records
    mask = [(a, t) in key for a, t in zip(records["agency"], records["event_type"], strict=True)]
    out: pd.DataFrame = records[mask]
    return out


def test_key_history_is_always_shown(
    dicts: list[dict[str, Any]], demo_context: Any, advisor: Any
) -> None:
    key = _key_records(demo_context, advisor.definitions.catalogue)
    assert len(key) > 50
    by_case = key.groupby("case_id")["event_id"].apply(set)
    shown_cases = 0
    for d in dicts:
        expected = by_case.get(d["case_id"], set())
        shown = {e["event_id"] for e in d["key_history"] if e["event_id"]}
        earlier = int(d["key_history_more"].split()[1]) if d["key_history_more"] else 0
        changes = sum(1 for e in d["key_history"] if e["event_id"] is None)
        # the newest are listed, the rest counted: nothing is dropped
        assert shown <= expected
        assert len(shown) + changes + earlier >= len(expected)
        if expected:
            assert d["key_history"], d["case_id"]
            shown_cases += 1
    assert shown_cases > 50
    referrals = {e["event_type"] for d in dicts for e in d["key_history"]}
    assert {"referral", "child protection plan", "joined the household"} <= referrals


def test_the_chronology_shows_or_counts_every_record_of_the_past_year(
    dicts: list[dict[str, Any]], demo_context: Any, advisor: Any
) -> None:
    catalogue = advisor.definitions.catalogue
    listed = {(s.name, t) for s in catalogue.sources for t in s.chronology}
    key = {(s.name, t) for s in catalogue.sources for t in s.key_history}
    records = demo_context.records.merge(demo_context.cases[["case_id", "reference_date"]])
    recent = records[records["date"] >= records["reference_date"] - pd.Timedelta(days=365)]
    pairs = list(zip(recent["agency"], recent["event_type"], strict=True))
    recent_all = recent
    recent = recent[[p in listed and p not in key for p in pairs]]
    counts = recent.groupby("case_id")["event_id"].apply(list)
    person_of = dict(zip(records["event_id"], records["person_id"], strict=True))
    every = recent_all.groupby(["case_id", "person_id"]).size()
    for d in dicts:
        expected = counts.get(d["case_id"], [])
        shown = [e["event_id"] for e in d["chronology"]]
        assert set(shown) <= set(expected)
        dates = [e["date"] for e in d["chronology"]]
        assert dates == sorted(dates, reverse=True)
        # the newest two listed, the others counted in "and N more" and dated on their
        # person's line (said so when every one of them is)
        lined = {p["person_id"]: p for p in d["household"] + d["elsewhere"]}
        rest = [e for e in expected if e not in shown]
        more = int(d["chronology_more"].split()[1]) if d["chronology_more"] else 0
        assert more == len(rest), d["case_id"]
        if rest and all(person_of[e] in lined for e in rest):
            assert d["chronology_more"] == f"and {more} more, dated on the person lines above"
        for person, p in lined.items():
            counted = sum(len(r["dates"]) for r in p["records"])
            assert counted == every.get((d["case_id"], person), 0), (d["case_id"], person)


def test_old_records_are_dated_relative_to_the_referral(dicts: list[dict[str, Any]]) -> None:
    for d in dicts:
        for e in [*d["chronology"], *d["key_history"]]:
            assert re.fullmatch(
                r"((over |almost )?\d+ (days?|weeks?|months?|years?) before the referral"
                r"|on the day of the referral)",
                e["when"],
            ), e["when"]
    entries = [(e, d) for d in dicts for e in d["key_history"] if "years" in e["when"]]
    assert entries
    for entry, d in entries:
        # whole months: "3 years", "over 2 years" (1-8 months more), "almost 3 years"
        start, end = (
            dt.date.fromisoformat(entry["date"]),
            dt.date.fromisoformat(d["reference_date"]),
        )
        months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
        years, rest = divmod(months, 12)
        said = entry["when"].split()
        if said[0] == "almost":
            assert rest >= 9 and int(said[1]) == years + 1, (entry, months)
        elif said[0] == "over":
            assert 1 <= rest < 9 and int(said[1]) == years, (entry, months)
        else:
            assert rest == 0 and int(said[0]) == years, (entry, months)
    # weeks between a month and two: 32 and 58 days never read alike (reader verdict 11)
    weeks = [(e, d) for d in dicts for e in d["chronology"] if "week" in e["when"]]
    assert weeks
    for e, case in weeks:
        days = (
            dt.date.fromisoformat(case["reference_date"]) - dt.date.fromisoformat(e["date"])
        ).days
        assert 31 <= days < 62 and int(e["when"].split()[0]) == days // 7, (e, days)


def test_gp_non_registration_is_a_fact_not_a_gap(dicts: list[dict[str, Any]]) -> None:
    # the other note a person line may carry: a parent's age at a birth (test_wording)
    notes = [n for d in dicts for p in d["household"] for n in p["notes"] if "birth" not in n]
    assert notes
    assert all("not registered with a GP" in n for n in notes)
    gaps = [g for d in dicts for g in d["could_not_see"] if "GP" in g["description"]]
    assert gaps
    for g in gaps:
        assert "not registered with a GP practice" in g["description"]
        assert "unwell" in g["question"] or "What do they hold" in g["question"]


def test_one_gap_item_per_agency(dicts: list[dict[str, Any]]) -> None:
    for d in dicts:
        agencies = [g["agency"] for g in d["could_not_see"] if g["agency"]]
        assert len(agencies) == len(set(agencies)), d["case_id"]


def test_partly_covered_windows_show_what_was_seen(
    dicts: list[dict[str, Any]], demo_context: Any
) -> None:
    partial = [r for d in dicts for p in d["household"] for r in p["records"] if r["partial"]]
    assert partial, "the demo plants coverage gaps inside windows"
    for r in partial:
        assert r["partial"].startswith("nothing shared")
        assert r["dates"][0] <= next(
            d["reference_date"] for d in dicts if any(r in p["records"] for p in d["household"])
        )
    texts = "\n".join(render_text(d) for d in dicts)
    assert "Unknown" not in texts and "unknown" not in texts


def test_responses_can_be_recorded(reviews: list[Review]) -> None:
    review = reviews[0]
    prompt = next(iter(review.prompts))
    response = review.respond(prompt, "disagree", "already known to the team")
    assert response.model_version == review.about.model_version
    with pytest.raises(InputError, match="needs a reason"):
        review.respond(prompt, "not_relevant")
    with pytest.raises(InputError, match="is not in the review"):
        review.respond("question:nothing", "agree")


def test_no_review_carries_model_output(
    advisor: Any, demo: Any, dicts: list[dict[str, Any]]
) -> None:
    margins = advisor.decision_function(demo).round(3).astype(str)
    for d, margin in zip(dicts[:100], margins.iloc[:100], strict=True):
        assert margin not in str(d).replace(d["case_id"], "")
    assert all(not isinstance(v, float) for d in dicts for v in _leaves(d))


def _leaves(value: Any) -> Any:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def test_review_round_trips_through_its_dict(reviews: list[Review]) -> None:
    for review in reviews[:50]:
        assert Review.from_dict(review.to_dict()) == review


def test_a_case_twice_in_a_context_is_refused(builder: Any, demo_context: Any) -> None:
    twice = dataclasses.replace(
        demo_context, factors=pd.concat([demo_context.factors.iloc[:2]] * 2)
    )
    with pytest.raises(InputError, match="more than once"):
        builder.review_dicts(twice)


def test_one_case_equals_the_batch(advisor: Any, demo: Any, dicts: list[dict[str, Any]]) -> None:
    index = advisor.index(demo)
    for d in dicts[::97]:
        assert advisor.review_dicts(index, [d["case_id"]])[0] == d


def test_large_tables_read_column_wise_give_the_same_briefs(
    builder: Any, demo_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch path reads large tables' dates column-wise (numpy), small ones value by value."""
    from advisory.prompts import _columns

    small = builder.review_dicts(demo_context)
    monkeypatch.setattr(_columns, "_SMALL", 0)
    assert builder.review_dicts(demo_context) == small


def test_relative_words_of_many_records_are_those_of_each() -> None:
    rng = np.random.default_rng(0)
    references = np.datetime64("2020-01-01") + rng.integers(0, 2_000, 5_000).astype("m8[D]")
    dates = references - rng.integers(-3, 3_000, 5_000).astype("m8[D]")
    dates[:40] = references[:40] - np.arange(40).astype("m8[D]")  # every day count of a month
    expected = [relative_words(str(d), str(r)) for d, r in zip(dates, references, strict=True)]
    assert relative_words_many(dates, references) == expected
    assert relative_words_many(dates[:9], references[:9]) == expected[:9]  # few: looked up


def test_a_record_the_guard_refuses_is_named_where_a_brief_shows_it(
    builder: Any, demo_context: Any, dicts: list[dict[str, Any]]
) -> None:
    """Rows' strings are checked once per batch; a breach is named in the brief that shows it."""
    shown = next(d for d in dicts if d["chronology"])
    records = demo_context.records.copy()
    row = records["event_id"] == shown["chronology"][0]["event_id"]
    records.loc[row, "event_type"] = "top10_flag"  # on the person's line: 'top10 flag'
    with pytest.raises(LanguageError, match=r"household\[\d+\]\.records\[\d+\]\.event_type.*top10"):
        builder.review_dicts(dataclasses.replace(demo_context, records=records))
    # a row no brief shows (a person the case's household does not hold) breaks nothing
    extra = demo_context.records[row].assign(person_id="P9999999", event_id="E9999999")
    extra["event_type"] = "top10_flag"
    records = pd.concat([demo_context.records, extra], ignore_index=True)
    unshown = builder.review_dicts(dataclasses.replace(demo_context, records=records))
    assert unshown == builder.review_dicts(demo_context)


def test_numeric_person_ids_are_masked_and_change_nothing_else(
    builder: Any, demo_context: Any
) -> None:
    """A batch whose record ids need masking in free text checks every brief whole."""
    import json

    ids = demo_context.cases["case_id"].iloc[:60]
    small = dataclasses.replace(
        demo_context,
        **{
            name: table[table["case_id"].isin(ids)].reset_index(drop=True)
            for name in ("cases", "household", "records", "provenance", "gaps", "connected")
            for table in [getattr(demo_context, name)]
        },
        factors=demo_context.factors.loc[ids],
    )
    numeric = dataclasses.replace(
        small,
        **{
            name: table.assign(person_id=table["person_id"].str.replace("P", "", regex=False))
            for name in ("cases", "household", "records", "provenance", "gaps", "connected")
            for table in [getattr(small, name)]
        },
    )
    expected = [
        re.sub(r'"P(\d+)"', r'"\1"', re.sub(r"\bP(\d{7})\b", r"\1", json.dumps(d)))
        for d in builder.review_dicts(small)
    ]
    found = [json.dumps(d) for d in builder.review_dicts(numeric)]
    assert found == expected
    assert any('"0' in f for f in found)


def test_a_batch_finds_each_case_s_safety_records(builder: Any, demo_context: Any) -> None:
    from advisory.prompts._batch import SafetyRows
    from advisory.prompts._safety import covered_pairs
    from advisory.prompts._tables import CaseTables

    tables = CaseTables(demo_context)
    ids = demo_context.cases["case_id"].astype(str).tolist()
    references = [tables.reference_dates[c] for c in ids]
    found = SafetyRows(tables, ids, references, builder.type_window).found
    one_by_one = [
        covered_pairs(c, r, tables, builder.type_window)
        for c, r in zip(ids, references, strict=True)
    ]
    assert found == one_by_one
    assert sum(map(bool, found)) > 10


def test_the_asked_table_is_what_the_reviews_ask(
    builder: Any, demo_context: Any, dicts: list[dict[str, Any]]
) -> None:
    asked = builder.asked(demo_context)
    assert asked.dtypes.map(lambda t: t == np.bool_).all()
    # a safety item asks about its records too: the factor counting them is asked
    by_safety = {
        "safety:police": {"adult_domestic_abuse_notifications", "child_missing_person_reports"},
        "safety:health": {"child_emergency_attendances"},
        "safety:education": set(),
        "safety:childrens_social_care": {"child_previous_protection_plan"},
        "safety:seen_alone": set(),
    }
    for d in dicts:
        factors = {q["factor"] for q in d["questions"] if q["kind"] != "general"}
        found = set(asked.columns[asked.loc[d["case_id"]].to_numpy()])
        assert factors <= found
        possible = set().union(*(by_safety[s["prompt_id"]] for s in d["safety"]))
        assert found - factors <= possible, (d["case_id"], found - factors)
