"""What a practitioner reads: safe questions, no contradictions, plain words (reader's verdicts)."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest

from advisory.definitions import load_catalogue, reference_root
from advisory.prompts import render_html, render_text
from advisory.prompts._choose import GENERAL, YOUNG_CHILD_VIEW
from advisory.prompts._gaps import parent_gap
from advisory.prompts._guard import check_question
from advisory.prompts._people import YOUNG_PARENT
from advisory.prompts._render import (
    CHRONOLOGY_ONLY_KEY,
    EMPTY,
    NO_SAFETY,
    SAFETY_CHECKS,
    SAFETY_CHECKS_BABY,
)
from advisory.prompts._safety import SAFETY
from advisory.prompts._words import event_words, who_words

CATALOGUE = load_catalogue(reference_root() / "explain" / "reference.toml")
#: Harms a person in the room may have caused or may not want to speak about in front of others.
PRIVATE = (
    "adult_domestic_abuse_notifications",
    "adult_arrests",
    "adults_with_mental_health_contacts",
    "adult_substance_misuse_contacts",
)


@pytest.mark.parametrize("name", PRIVATE)
def test_sensitive_questions_are_asked_of_each_person_alone(name: str) -> None:
    question = CATALOGUE.entry(name).question_for(who_words("household_adults"))
    assert re.search(r"\b(alone|privately|separately)\b", question), question
    # joint wording that invites disclosure in front of the others is gone
    assert "the adults" not in question
    assert "the family" not in question


def test_domestic_abuse_question_checks_with_police_first_and_asks_who() -> None:
    question = CATALOGUE.entry("adult_domestic_abuse_notifications").question_for("the adults")
    assert "Police first" in question
    assert "alone" in question
    assert "who was harmed" in question.lower()
    assert "who caused harm" in question.lower()
    assert "child" in question  # the child is seen alone too


def test_arrest_question_reads_for_one_arrest_or_many() -> None:
    question = CATALOGUE.entry("adult_arrests").question_for(who_words("household_adults"))
    assert "arrests of" not in question
    assert "each recorded arrest" in question
    assert "affect" not in question  # "how does it affect the child" assumes harm


def test_earlier_referrals_are_asked_of_each_parent_alone() -> None:
    # asked with the other parent present, "what happened after the earlier
    # referrals" could endanger a parent
    question = CATALOGUE.entry("child_prior_referrals").question_for("the child")
    assert "alone" in question
    assert "What happened after" not in question


def test_age_question_is_askable() -> None:
    question = CATALOGUE.entry("child_age").question_for("the child")
    assert "age of" not in question
    assert question.startswith("Who looks after the child day to day")


def test_community_contacts_are_in_plain_words() -> None:
    assert event_words("community_contact") == "police visit or call"
    question = CATALOGUE.entry("household_police_community_contacts").question_for("the household")
    assert "community contact" not in question


def test_absence_questions_are_offers_and_absences_are_of_records(
    dicts: list[dict[str, Any]],
) -> None:
    early_help = CATALOGUE.entry("household_early_help").absence_question
    assert early_help is not None
    assert early_help.startswith("What support would each adult welcome")
    assert early_help.endswith("(ask each alone)?")
    absences = [q for d in dicts for q in d["questions"] if q["kind"] == "absence"]
    assert absences
    for q in absences:
        # "no early help in the past year" read as a family failing
        assert q["recorded"].startswith("no record of "), q["recorded"]


def test_partial_windows_are_in_plain_words(dicts: list[dict[str, Any]]) -> None:
    partial = [r["partial"] for d in dicts for p in d["household"] for r in p["records"]]
    partial = [p for p in partial if p]
    assert partial
    for text in partial:
        assert "at least;" not in text
        assert text.startswith("nothing shared") and text.endswith("so there may be more")


def _with_history(document: dict[str, Any], days_before: int) -> dict[str, Any]:
    out = copy.deepcopy(document)
    reference = dt.date.fromisoformat(out["reference_date"])
    day = (reference - dt.timedelta(days=days_before)).isoformat()
    person = out["household"][0]
    out["chronology"], out["chronology_more"] = [], None
    out["key_history_more"] = None
    out["key_history"] = [
        {
            "date": day,
            "when": "some time before",
            "person_id": person["person_id"],
            "relationship": person["relationship"],
            "agency": "Children's social care",
            "event_type": "child in need plan",
            "event_id": None,
        }
    ]
    return out


def test_an_empty_past_year_never_sits_beside_a_key_record_of_that_year(
    dicts: list[dict[str, Any]],
) -> None:
    recent = _with_history(dicts[0], 90)
    for text in (render_text(recent), render_html(recent)):
        assert CHRONOLOGY_ONLY_KEY in text
        assert EMPTY["chronology"] not in text
    older = _with_history(dicts[0], 600)
    for text in (render_text(older), render_html(older)):
        assert EMPTY["chronology"].replace("(", "") in text.replace("(", "")
        assert CHRONOLOGY_ONLY_KEY not in text


def test_an_empty_key_history_says_what_was_looked_at_and_is_no_clearance(
    dicts: list[dict[str, Any]],
) -> None:
    text = EMPTY["key_history"]
    for kind in ("referrals", "plans", "missing reports", "exclusions"):
        assert kind in text
    assert "not proof" in text
    document = copy.deepcopy(dicts[0])
    document["key_history"], document["key_history_more"] = [], None
    assert text in render_text(document)
    assert "None in the shared records" not in render_text(document)


def test_emergency_question_is_open_and_general_questions_say_they_are_open(
    dicts: list[dict[str, Any]],
) -> None:
    question = CATALOGUE.entry("child_emergency_attendances").question_for("the child")
    assert "explanations fit" not in question
    # the reader of verdict 3: a young person is seen alone before "what happened"
    assert "young person alone" in question
    general = [q for d in dicts for q in d["questions"] if q["kind"] == "general"]
    assert general
    text = render_text(
        next(d for d in dicts if any(q["kind"] == "general" for q in d["questions"]))
    )
    assert "whole family" not in text
    # an open question cites no record: no line under it
    assert "not from a record" not in text


def test_a_parent_under_16_at_a_birth_is_named_as_a_plain_fact_to_check() -> None:
    # the reader of verdict 3: not "age to confirm against the eldest child's age" but
    # "The mother was 13 at the sister's birth: check the records before the visit."
    text = YOUNG_PARENT.format(parent="mother", age=13, child="sister")
    assert (
        text == "the mother was about 13 at the sister's birth: check the records before the visit"
    )
    assert "to confirm" not in text


def test_the_young_parent_note_follows_the_ages(dicts: list[dict[str, Any]]) -> None:
    # the demo's generator now makes parents 16 or older at every birth: no note
    for d in dicts:
        for p in d["household"]:
            assert not any("birth" in n for n in p["notes"]), d["case_id"]


def test_a_child_with_no_parent_recorded_has_it_named_as_a_gap(
    dicts: list[dict[str, Any]],
) -> None:
    for d in dicts:
        people = [p["relationship"] for p in [*d["household"], *d["elsewhere"]]]
        gaps = [g for g in d["could_not_see"] if g["prompt_id"] == "gap:parents"]
        if any(w in ("mother", "father", "parent") for w in people):
            assert not gaps, d["case_id"]
            continue
        assert len(gaps) == 1, d["case_id"]
        assert gaps[0]["description"].startswith("No parent of the child is recorded")
        assert "parental responsibility" in gaps[0]["question"]
        assert gaps[0]["description"] in render_text(d)
    # the demo's households all hold a parent; a grandmother's household holds none
    gap = parent_gap([{"relationship": "child"}, {"relationship": "grandmother"}], [])
    assert [g["prompt_id"] for g in gap] == ["gap:parents"]
    assert parent_gap([{"relationship": "child"}], [{"relationship": "father"}]) == []
    document = copy.deepcopy(dicts[0])
    document["could_not_see"] = [*document["could_not_see"], *gap]
    text = render_text(document)
    assert "No parent of the child is recorded, here or elsewhere." in text
    assert "Who are the child's parents, and who has parental responsibility?" in text


# ---- reader verdict 3 ---------------------------------------------------------------


def test_person_lines_carry_kinds_and_dates_never_counts(dicts: list[dict[str, Any]]) -> None:
    for d in dicts:
        for p in d["household"]:
            for r in p["records"]:
                assert "events" not in r
                assert not re.search(r"\d", r["kinds"]), r
                assert r["latest"] <= d["reference_date"]
        text = render_text(d).split("\nRecords\n")[0]
        assert "records)" not in text, d["case_id"]


def test_what_is_behind_and_n_more_is_said(dicts: list[dict[str, Any]]) -> None:
    more = [d["chronology_more"] for d in dicts if d["chronology_more"]]
    assert more
    for text in more:
        assert re.search(r"\d{4}-\d{2}-\d{2}", text), text
        assert any(
            agency in text
            for agency in ("Police", "Health", "Education", "Housing", "Children's social care")
        ), text


def test_every_household_date_is_relative_to_the_referral(dicts: list[dict[str, Any]]) -> None:
    moved = [d for d in dicts if any(p["member_since"] for p in d["household"])]
    assert moved
    for d in moved:
        text = render_text(d)
        for p in d["household"]:
            if p["member_since"]:
                assert re.search(
                    re.escape(p["member_since"])
                    + r",? \(?[^.]*(before|on the day of) the referral",
                    text,
                )


def test_safety_records_always_get_a_check_and_a_question(dicts: list[dict[str, Any]]) -> None:
    with_safety = [d for d in dicts if d["safety"]]
    assert with_safety
    for d in with_safety:
        asked = {q["factor"] for q in d["questions"]}
        text = render_text(d)
        for item in d["safety"]:
            assert re.search(r"alone(, never with .+ present)?\.$", item["check"]), item
            assert item["question"].endswith("?")
            # one compact line each: what, who, when and whom to see alone; the item's
            # question stays in the data (a longer line would follow the model's margin)
            check = item["check"][:1].lower() + item["check"][1:]
            what = f"{item['agency']}: {item['record']}, {item['people']}, {item['when']}"
            line = f"- {what}; {check}"
            assert line in text.splitlines(), (line, text)
            assert item["question"] not in text
            if item["prompt_id"] == "safety:domestic_abuse_notification":
                here = {p["relationship"]: p["age"] for p in d["household"][1:]}
                named = set(item["people"].split(" and ")) & set(here)
                others = [
                    w
                    for w, age in here.items()
                    if w not in named and re.match(r"([1-9]\d|1\d\d) ", age)
                ]
                if named and others:
                    assert "never with the " in item["check"], item
                # never asked again by a model question about the same records
                assert "adult_domestic_abuse_notifications" not in asked
        assert NO_SAFETY not in text
    assert set(SAFETY) >= {("police", "domestic_abuse_notification")}


def test_every_brief_has_the_same_checks_before_the_visit(dicts: list[dict[str, Any]]) -> None:
    # the section is in every brief, so its presence is never a label of the case
    assert "MARAC" in SAFETY_CHECKS
    for d in dicts:
        for text in (render_text(d), render_html(d)):
            assert "Before you go" in text
            child = next(p for p in d["household"] if p["relationship"] == "child")
            baby = re.match(r"(under 1|1) year", child["age"]) is not None
            # a baby's checks name the health visitor instead of school
            assert (SAFETY_CHECKS_BABY if baby else SAFETY_CHECKS) in text
            assert (NO_SAFETY in text) == (not d["safety"])
    assert "each time" not in " ".join(q for _, q in SAFETY.values())


def test_no_question_twice_and_never_the_number_of_adults(dicts: list[dict[str, Any]]) -> None:
    for d in dicts:
        texts = [q["question"] for q in d["questions"]] + [s["question"] for s in d["safety"]]
        assert len(texts) == len(set(texts)), d["case_id"]
        assert all("adult in the household" not in q["recorded"] for q in d["questions"])
        assert all(q["factor"] != "household_adults" for q in d["questions"])


def test_recorded_supports_are_named_and_asked(dicts: list[dict[str, Any]]) -> None:
    # named on the person's line; asked when a support factor is recorded, steady and
    # among the three the model relies on most (a sibling's dental visit is named, the
    # child's factor may be empty); the exact rule is in test_choice
    named = asked = 0
    for d in dicts:
        if any(r["support"] for p in d["household"] for r in p["records"]):
            named += 1
            assert "Supports: " in render_text(d)
            asked += any(q["factor"] in _SUPPORTS for q in d["questions"])
    assert named
    assert asked / named > 0.6, (asked, named)


_SUPPORTS = (
    "household_early_help",
    "health_visitor_contacts",
    "child_dental_visits",
    "child_attendance_support",
)


def test_a_former_partner_is_said_not_to_be_the_childs_parent(dicts: list[dict[str, Any]]) -> None:
    former = [p for d in dicts for p in d["elsewhere"] if "former partner" in p["relationship"]]
    assert former
    assert all(p["relation"].startswith("not the child's") for p in former)


def test_footer_has_no_model_jargon_and_no_date_after_the_referral(
    dicts: list[dict[str, Any]],
) -> None:
    for d in dicts[:50]:
        footer = render_text(d).split("\nAbout these prompts")[1]
        assert d["about"]["model_version"] not in footer
        assert "cp_plan" not in footer
        dates = re.findall(r"\d{4}-\d{2}-\d{2}", footer)
        assert dates and all(x <= d["reference_date"] for x in dates), footer
        assert "records shared up to" in footer


def test_gaps_name_who_this_familys_records_leave_out(dicts: list[dict[str, Any]]) -> None:
    # not only the generic open question: the other parent, a parent living elsewhere
    lone = elsewhere = 0
    for d in dicts:
        ids = [g["prompt_id"] for g in d["could_not_see"]]
        parents = [p for p in d["household"] if p["relationship"] in ("mother", "father")]
        away = [p for p in d["elsewhere"] if p["relationship"] in ("mother", "father")]
        for p in away:
            elsewhere += 1
            assert f"gap:elsewhere:{p['person_id']}" in ids, d["case_id"]
        if len(parents) == 1 and not away:
            lone += 1
            assert "gap:other_parent" in ids, d["case_id"]
        text = render_text(d)
        # the generic question closes the section only when nothing specific is named
        assert ("What do the child, family and professionals know" in text) == (not ids)
        assert len(ids) == len(set(ids))
    assert lone and elsewhere


def test_question_texts_sit_in_a_narrow_length_band() -> None:
    # which factor is asked follows the model; the length of what is asked must not
    # (issue 13: the JSON of the questions tracked the margin at rho 0.63)
    from advisory.prompts._choose import GENERAL

    texts = [e.question_for(who_words("household_adults")) for e in CATALOGUE.entries]
    texts = [
        t for t, e in zip(texts, CATALOGUE.entries, strict=True) if e.name != "household_adults"
    ]
    texts += [e.absence_question for e in CATALOGUE.entries if e.absence_question]
    texts += [t for _, t in GENERAL]
    lengths = sorted(len(t) for t in texts)
    assert lengths[-1] - lengths[0] <= 30, [
        (len(t), t) for t in texts if len(t) in (lengths[0], lengths[-1])
    ]


def test_question_citations_carry_no_counts(dicts: list[dict[str, Any]]) -> None:
    for d in dicts:
        for q in d["questions"]:
            assert not re.search(r"\d+ records?\b", q["recorded"]), q["recorded"]


def test_whom_to_ask_alone_is_the_households_own_adults(dicts: list[dict[str, Any]]) -> None:
    said = 0
    for d in dicts:
        adults = [p for p in d["household"] if re.match(r"(1[89]|[2-9]\d|1\d\d) ", p["age"])]
        for q in d["questions"]:
            if len(adults) <= 2 and q["prompt_id"] in (
                "question:child_prior_referrals",
                "question:adults_with_mental_health_contacts",
            ):
                assert "ask each" not in q["question"], (d["case_id"], q["question"])
                said += "alone)" in q["question"]
        for g in d["could_not_see"]:
            if g["prompt_id"] == "gap:other_parent":
                assert g["question"].endswith(" alone)?")
    assert said


def test_people_of_the_same_relationship_are_told_apart_and_earlier_history_is_said(
    dicts: list[dict[str, Any]],
) -> None:
    told = 0
    for d in dicts:
        named = [e["relationship"] for e in d["chronology"] + d["key_history"]]
        told += any("years old)" in n for n in named)
        if d["key_history_more"]:
            assert re.search(r"earlier: .+ \(.+\) \d{4}-\d{2}-\d{2}", d["key_history_more"])
        for p in d["household"]:
            for r in p["records"]:
                if r["support"]:
                    assert "absence" not in r["kinds"]
    assert told
    both = [
        (d, p)
        for d in dicts
        for p in d["household"]
        if len({r["support"] for r in p["records"]}) == 2
    ]
    assert both
    for d, p in both:
        # a support never reads as one of the concerns: concerns first, then "Supports:"
        line = next(x for x in render_text(d).splitlines() if p["person_id"] + "," in x)
        assert re.search(r"\)\. Supports: [^;]*; latest", line), line


def test_a_child_under_five_is_not_asked_about_school_and_friends(
    dicts: list[dict[str, Any]],
) -> None:
    school = next(q for key, q in GENERAL if key == "child_view")
    young = 0
    for d in dicts:
        child = next(p for p in d["household"] if p["relationship"] == "child")
        texts = [q["question"] for q in d["questions"]]
        if re.match(r"(under 1|[1-4]) year", child["age"]):
            assert school not in texts, d["case_id"]
            young += YOUNG_CHILD_VIEW in texts
    assert young
    check_question(YOUNG_CHILD_VIEW, where="test")  # raises on a breach
