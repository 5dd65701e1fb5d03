from __future__ import annotations

import pytest

from advisory import DefinitionError, UnknownNameError
from advisory.datasets._vocabulary import AGENCIES, EVENT_TYPES
from advisory.definitions import load_catalogue, reference_root
from advisory.definitions._catalogue import parse_catalogue

PATH = reference_root() / "explain" / "reference.toml"
TEXT = PATH.read_text(encoding="utf-8")
QUESTION = (
    'question = "What led to each recorded arrest, and who cared for the child (ask each alone)?"'
)


def edit(old: str, new: str) -> str:
    assert old in TEXT, old
    return TEXT.replace(old, new, 1)


def test_reference_catalogue_uses_the_record_vocabulary() -> None:
    catalogue = load_catalogue(PATH)
    assert catalogue.source_names == AGENCIES
    for source in catalogue.sources:
        assert source.event_types == EVENT_TYPES[source.name]
        assert source.not_captured
    assert "household membership" in catalogue.source("childrens_social_care").not_captured
    assert catalogue.reminder


def test_reference_questions_are_questions() -> None:
    catalogue = parse_catalogue(TEXT)
    for entry in catalogue.entries:
        assert entry.question.endswith("?")
        assert "{" not in entry.question_for("the child")
    assert sum("{who}" in e.question for e in catalogue.entries) > len(catalogue.entries) // 2


def test_entry_lookup() -> None:
    catalogue = parse_catalogue(TEXT)
    assert catalogue.entry("adult_arrests").source == "police"
    with pytest.raises(UnknownNameError, match=r"no entry 'nope'"):
        catalogue.entry("nope")
    with pytest.raises(UnknownNameError, match=r"no source 'polce'; its sources are \['childrens"):
        catalogue.source("polce")


def test_question_must_end_with_question_mark() -> None:
    text = edit(QUESTION, 'question = "Discuss the domestic abuse recorded for {who}."')
    with pytest.raises(
        DefinitionError,
        match=r"factors\.adult_arrests\.question must be a question ending "
        r"with '\?', never an instruction",
    ):
        parse_catalogue(text)


@pytest.mark.parametrize("word", ["risk", "Risk", "HIGH", "likely", "Probability", "threshold"])
def test_question_with_risk_words(word: str) -> None:
    text = edit(QUESTION, f'question = "Is the {word} for {{who}} discussed with the police?"')
    with pytest.raises(
        DefinitionError,
        match=rf"\.question is .*: '{word}' states a risk level, a score or a likelihood",
    ):
        parse_catalogue(text)


def test_label_with_risk_word() -> None:
    text = edit('label = "Arrests of adults in the household"', 'label = "Arrest risk"')
    with pytest.raises(
        DefinitionError, match=r"factors\.adult_arrests\.label is 'Arrest risk': 'risk' states"
    ):
        parse_catalogue(text)


def test_question_with_digits() -> None:
    text = edit(QUESTION, 'question = "Were there more than 3 notifications for {who}?"')
    with pytest.raises(DefinitionError, match=r"\.question must not contain digits"):
        parse_catalogue(text)


@pytest.mark.parametrize("placeholder", ["{count}", "{who!r}", "{who:>10}", "{}"])
def test_bad_placeholder(placeholder: str) -> None:
    text = edit(QUESTION, f'question = "How many events for {placeholder}?"')
    with pytest.raises(
        DefinitionError,
        match=r"\.question has the placeholder '.*'; the only placeholder allowed is \{who\}",
    ):
        parse_catalogue(text)


def test_unmatched_brace() -> None:
    text = edit(QUESTION, 'question = "What about {who?"')
    with pytest.raises(DefinitionError, match=r"\.question has an unmatched brace"):
        parse_catalogue(text)


def test_entry_source_must_be_defined() -> None:
    text = edit('source = "police"\ndirection', 'source = "polce"\ndirection')
    with pytest.raises(
        DefinitionError,
        match=r"factors\.adult_domestic_abuse_notifications\.source refers to 'polce', which is "
        r"not a source in this catalogue; defined sources are \['childrens_social_care', ",
    ):
        parse_catalogue(text)


def test_bad_direction() -> None:
    text = edit('direction = "strength"', 'direction = "protective"')
    with pytest.raises(
        DefinitionError,
        match=r"\.direction must be one of \['concern', 'strength'\]; got 'protective'",
    ):
        parse_catalogue(text)


def test_unknown_source_key() -> None:
    text = edit('label = "Police"\n', 'label = "Police"\nnot_capturd = "x"\n')
    with pytest.raises(
        DefinitionError,
        match=r"sources\.police has unknown key 'not_capturd'.*did you mean 'not_captured'",
    ):
        parse_catalogue(text)


def test_missing_reminder() -> None:
    start = TEXT.index("reminder = ")
    end = TEXT.index('"""\n', TEXT.index('"""', start) + 3) + 4
    with pytest.raises(DefinitionError, match=r"^<string>: reminder is missing; add it"):
        parse_catalogue(TEXT[:start] + TEXT[end:])


def test_repeated_event_type() -> None:
    text = edit('"arrest", "missing_person_report"', '"arrest", "arrest"')
    with pytest.raises(
        DefinitionError, match=r"sources\.police\.event_types\[2\] repeats 'arrest'"
    ):
        parse_catalogue(text)


def test_review_keys_of_the_reference_catalogue() -> None:
    catalogue = parse_catalogue(TEXT)
    police = catalogue.source("police")
    assert police.key_history == ("missing_person_report",)
    assert police.chronology == police.event_types  # default: every type
    assert catalogue.entry("household_rent_arrears").hardship
    assert not catalogue.entry("adult_arrests").hardship
    visitor = catalogue.entry("health_visitor_contacts")
    assert visitor.absence_ages == (0, 4)
    assert visitor.absence_question is not None and visitor.absence_question.endswith("?")


def test_key_history_must_list_the_sources_own_types() -> None:
    text = edit('key_history = ["missing_person_report"]', 'key_history = ["exclusion"]')
    with pytest.raises(DefinitionError, match=r"sources\.police\.key_history lists 'exclusion'"):
        parse_catalogue(text)


@pytest.mark.parametrize("ages", ["[4, 0]", "[0]", '["a", "b"]', "[-1, 4]"])
def test_absence_ages_are_checked(ages: str) -> None:
    text = edit("absence_ages = [0, 4]", f"absence_ages = {ages}")
    with pytest.raises(DefinitionError, match=r"absence_ages must be \[youngest, oldest\]"):
        parse_catalogue(text)


def test_an_absence_question_is_a_question() -> None:
    text = edit('have they noticed?"', 'have they noticed."')
    with pytest.raises(DefinitionError, match=r"absence_question must be a question"):
        parse_catalogue(text)
