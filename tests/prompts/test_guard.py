"""The language guard: what it lets through and what it rejects."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisory import _language
from advisory.context import ID_PATTERN
from advisory.definitions import _catalogue, load_definitions, reference_root
from advisory.prompts import LanguageError, _guard, check_language, check_question
from advisory.prompts._guard import check_identifiers, identifier_shape

ALLOWED = [
    "2 records in the last 365 days, latest on 2026-08-14",
    "none recorded at any time before the reference date",
    "unknown (health: no records of P0001535 (parent) from 2020-01-07 to 2021-01-05)",
    "police data for the Riverside area was not supplied for 2023",
    "12 years old",
    "cp_plan_12m scorecard model, fit-3fa9c2e1b7d0",
    "advisory v0.1.0",
    "Has the domestic abuse recorded for the parent been discussed with the family?",
    "Consider whether the school knows the child well?",
    "Add what you know from the child, the family and other professionals.",
]

REJECTED = [
    ("Stands out: 0.73", "decimal"),
    ("Contribution .4", "decimal"),
    ("73% of similar cases", "percentage"),
    ("73 percent", "ranks"),
    ("rank 3 of the caseload", "ranks"),
    ("in the top 10% of referrals", "percentage"),
    ("top 10 referrals", "ranking word"),
    ("top10", "score, rank or band"),
    ("the 3rd case", "bare number"),
    ("case #3", "ranking word"),
    ("3/10", "ratio"),
    ("1 in 5 children", "ratio"),
    ("3 out of 10", "ratio"),
    ("+2 compared with a typical case", "sign"),
    ("value 73", "bare number"),
    ("Risk level: high", "risk level"),
    ("a likely outcome", "likelihood"),
    ("above the threshold", "risk level"),
    ("red band", "ranks"),
    ("predicted to need a plan", "predicts"),
    ("You must refer to the police.", "instructs"),
    ("The worker should remove the child", "instructs"),
    ("Escalate to a manager", "instructs"),
    ("It is recommended to act", "instructs"),
]


@pytest.mark.parametrize("text", ALLOWED)
def test_allows_records_dates_and_questions(text):
    check_language(text)


@pytest.mark.parametrize(("text", "rule"), REJECTED)
def test_rejects_scores_ranks_risk_words_and_instructions(text, rule):
    with pytest.raises(LanguageError, match=rule):
        check_language(text)


def test_dict_rules_name_the_key_path():
    check_language({"events": 3, "age_years": 12, "date": "2020-01-01", "observed": "3 records"})
    with pytest.raises(LanguageError, match=r"stands_out\[1\]\.weight: '0.2' is a float"):
        check_language({"stands_out": [{"observed": "1 record"}, {"weight": 0.2}]})
    with pytest.raises(LanguageError, match=r"position: '3' is a number"):
        check_language({"position": 3})
    with pytest.raises(LanguageError, match="is not an ISO date"):
        check_language({"dates": ["2020-01-01", "last week"]})
    with pytest.raises(LanguageError, match="rank"):
        check_language({"prompt_id": "rank:3"})
    with pytest.raises(LanguageError, match="score"):
        check_language({"factor": "risk_score"})


def test_questions_must_be_questions():
    check_question("What helped when the child had a plan before?")
    for bad in ("Refer to the police.", "The child is absent?", "What now"):
        with pytest.raises(LanguageError, match="is not a question"):
            check_question(bad)
    with pytest.raises(LanguageError, match="instructs"):
        check_question("Has the worker been told they must act?")


def test_catalogue_and_guard_share_one_rule_set():
    from advisory.prompts import _guard

    assert vars(_catalogue)["check_free_text"] is _language.check_free_text
    assert _guard._CHECKS["text"] is _language.check_free_text


def test_reference_catalogue_wording_passes_the_guard():
    catalogue = load_definitions(reference_root()).catalogue
    check_language(catalogue.reminder)
    for source in catalogue.sources:
        check_language(source.label)
        check_language(source.not_captured)
    for entry in catalogue.entries:
        check_language(entry.label)
        check_question(entry.question_for("the child"))


def test_no_banned_word_or_phrase_holds_a_digit():
    # identifiers are checked by shape (digit runs as one 0), which is exact
    # only while no rule word holds a digit
    from advisory.prompts._guard import _BANNED_PREFIXES

    rules = [*_language.RISK_WORDS, *_language.RANK_WORDS, *_language.INSTRUCTION_PHRASES]
    for text in [*rules, *_BANNED_PREFIXES]:
        assert not any(c.isdigit() for c in text) and "\\d" not in text, text


ID_PARTS = st.sampled_from(
    [
        "C",
        "case",
        "P",
        "top",
        "rank",
        "risk",
        "high",
        "low",
        "band",
        "refer",
        "to",
        "place",
        "on",
        "x",
        "escalate",
        "recommended",
        "abc",
        "0",
        "7",
        "0012",
        "99",
        "2024",
        "3rd",
        "_",
        "-",
        ":",
        "/",
        " ",
        ".",
        "%",
    ]
)


@given(parts=st.lists(ID_PARTS, min_size=1, max_size=6))
@settings(max_examples=500, deadline=None)
def test_an_identifier_passes_exactly_when_its_shape_passes(parts):
    text = "".join(parts)

    def passes(value):
        try:
            _guard._check_identifier(value)
        except _guard._BreachError:
            return False
        return True

    expected = passes(text)
    assert passes(identifier_shape(text)) is expected
    # the cached route (by shape, once per shape) agrees with the full check
    try:
        check_language({"prompt_id": text})
        cached = True
    except LanguageError as error:
        assert error.where == "prompt_id"
        cached = False
    assert cached is expected


@given(parts=st.lists(ID_PARTS, min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_a_record_id_is_data_checked_for_its_format_only(parts):
    text = "".join(parts)
    written_as_id = re.fullmatch(ID_PATTERN, text) is not None
    try:
        check_identifiers([text], where="case_id")
        check_language({"case_id": text, "person_id": text, "event_id": text})
        passed = True
    except LanguageError as error:
        assert error.where in ("case_id", "person_id", "event_id")
        assert "is not a record identifier" in str(error)
        passed = False
    assert passed is written_as_id


def test_check_identifiers_names_the_first_bad_one():
    check_identifiers([f"C{i:07d}" for i in range(1000)], where="case_id")
    # ids are data: numbers and words are fine, only the way they are written is checked
    check_identifiers(["10001", "011", "2", "3C", "P12_risk", "top3"], where="person_id")
    with pytest.raises(LanguageError, match=r"^case_id: 'C 7' is not a record identifier"):
        check_identifiers(["C3", "C 7"], where="case_id")


def test_record_ids_are_masked_in_free_text_and_nothing_else_is():
    ids = ["10001", "011", "2"]
    check_language("mother 10001 lives with father 2 in household 011", identifiers=ids)
    check_language("Has the father 2 been asked? Record 011: seen by 10001.", identifiers=ids)
    assert _guard.masker(["2", "P0000012"]) is not None
    assert _guard.masker(["P0000012", "C0000007"]) is None  # read as identifiers already
    check_language(
        {
            "person_id": "2",
            "relation": "with the child's father 10001 and 2",
            "x": [{"person_id": "10001"}, {"event_id": "011"}],
        }
    )
    # the same numbers that are not the review's ids are still numbers
    with pytest.raises(LanguageError, match=r"bare number"):
        check_language("mother 10001 lives with father 2", identifiers=["10001"])
    # an id never hides a ratio, a decimal, a percentage or a risk word beside it
    for text, rule in [
        ("2/10 of the household", "ratio"),
        ("father 0.2", "decimal"),
        ("2% of cases", "percentage"),
        ("10001 is high risk", "risk level"),
        ("+2 compared with others", "sign"),
        ("2,000 cases", "decimal"),
    ]:
        with pytest.raises(LanguageError, match=rule):
            check_language(text, identifiers=ids)
