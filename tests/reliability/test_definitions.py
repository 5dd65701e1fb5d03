"""Holes in the language guard, tried on the definitions: every catalogue text is checked by
the full guard when definitions load, after normalising; text and JSON renderings agree."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from advisory import DefinitionError
from advisory._language import WordingError, check_free_text, normalise
from advisory.definitions import load_catalogue, load_definitions, reference_root
from advisory.definitions._catalogue import check_wording, parse_catalogue
from advisory.prompts import LanguageError, check_language

PATH = reference_root() / "explain" / "reference.toml"
TEXT = PATH.read_text(encoding="utf-8")
LABEL = 'label = "Police"'
QUESTION_KEY = "[factors.adult_arrests]"

#: Catalogue labels that state a number, share, rank or risk, disguised.
BAD_LABELS = [
    ("fraction character", "\u00be of the household"),
    ("superscript digit", "Police\u00b2"),
    ("roman numeral", "Police \u216b"),
    ("arabic-indic digits", "Police \u0668\u0667"),
    ("number words ratio", "Police in nine in ten homes"),
    ("number words percent", "Police in seventy per cent of homes"),
    ("percent word", "Police percent"),
    ("one in every", "Police in one in every five homes"),
    ("share in words", "Police in a third of homes"),
    ("cyrillic i", "Police r\u0456sk"),
    ("greek omicron", "Police sc\u03bfre"),
    ("full-width letters", "Police \uff53\uff43\uff4f\uff52\uff45"),
    ("zero-width space", "Police hi\u200bgh"),
    ("soft hyphen", "Police pri\u00adority"),
    ("combining accent", "Police hi\u0301gh"),
    ("identifier with percent", "Police C-87percent"),
    ("identifier with rank", "Police top10"),
    ("ranking phrase", "Police top ten"),
    ("markup", "Police <b>notes</b>"),
    ("ampersand entity", "Police &amp; partners"),
    ("instruction", "Police must act"),
    ("decimal", "Police 0.73"),
    ("percent sign", "Police 73%"),
    ("per mille sign", "Police 7\u2030"),
    ("fraction slash ratio", "Police 3\u204410"),
]


@pytest.mark.parametrize("label", [b[1] for b in BAD_LABELS], ids=[b[0] for b in BAD_LABELS])
def test_a_disguised_label_is_refused_when_the_catalogue_loads(label: str) -> None:
    with pytest.raises(DefinitionError, match=r"sources\.police\.label"):
        parse_catalogue(TEXT.replace(LABEL, f'label = "{label}"', 1))


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("Has <b>{who}</b> been arrested?", r"holds '<'; catalogue wording is plain text"),
        ("Has {who} been arrested & charged?", r"holds '&'"),
        ("Tell us about the arrest of {who}?", r"must begin with one of"),
        ("Has {who} been arrested in nine in ten cases?", r"number in words"),
        ("Has {who} been arrested \u00bd the time?", r"numeric character"),
        ("Has {who} been r\u0456sky?", r"'risky' states"),
    ],
    ids=["markup", "ampersand", "no opener", "number words", "half", "homoglyph"],
)
def test_a_bad_question_is_refused_when_the_catalogue_loads(question: str, message: str) -> None:
    start = TEXT.index(QUESTION_KEY)
    line = TEXT.index('question = "', start)
    end = TEXT.index("\n", line)
    text = TEXT[:line] + f'question = "{question}"' + TEXT[end:]
    with pytest.raises(DefinitionError, match=rf"factors\.adult_arrests\.question .*{message}"):
        parse_catalogue(text)


@pytest.mark.parametrize(
    ("key", "value"),
    [("reminder", "Records must be read with care."), ("not_captured", "Nine in ten incidents.")],
)
def test_reminder_and_gaps_text_are_guarded_too(key: str, value: str) -> None:
    if key == "reminder":
        start = TEXT.index('reminder = """')
        end = TEXT.index('"""', start + 14) + 3
        text = TEXT[:start] + f'reminder = "{value}"' + TEXT[end:]
    else:
        start = TEXT.index("not_captured = ", TEXT.index("[sources.police]"))
        end = TEXT.index("\n", start)
        text = TEXT[:start] + f'not_captured = "{value}"' + TEXT[end:]
    with pytest.raises(DefinitionError, match=key):
        parse_catalogue(text)


def test_definitions_folder_with_a_bad_catalogue_fails_at_load(tmp_path: Path) -> None:
    root = tmp_path / "definitions"
    shutil.copytree(reference_root(), root)
    path = root / "explain" / "reference.toml"
    path.write_text(TEXT.replace(LABEL, 'label = "Police \u00be"', 1), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"explain/reference.toml: sources\.police\.label"):
        load_definitions(root)


def test_a_catalogue_object_edited_after_loading_is_checked_again() -> None:
    catalogue = load_catalogue(PATH)
    check_wording(catalogue)
    police = dataclasses.replace(catalogue.sources[1], label="Police in nine in ten homes")
    edited = dataclasses.replace(catalogue, sources=(catalogue.sources[0], police))
    with pytest.raises(DefinitionError, match=r"sources\.police\.label .*number in words"):
        check_wording(edited)


#: Texts a host might see in a review; the text and dict (JSON) renderings must agree.
ATTACKS = [text for _, text in BAD_LABELS if "<" not in text and "&" not in text] + [
    "2 records in the last 365 days, latest on 2026-08-14",
    "Has the school been asked about the two adults?",
    "one adult",
    "three or more adults",
    "no one in the household was seen",
    "the child's half-brother",
    "seventy",
    "\u00be",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_and_json_renderings_give_the_same_verdict(text: str) -> None:
    def verdict(rendering: object) -> bool:
        try:
            check_language(rendering)
        except LanguageError:
            return False
        return True

    as_text = verdict(text)
    assert verdict({"observed": text}) is as_text
    assert verdict([{"stands_out": [{"observed": text}]}]) is as_text
    assert verdict(f"<p>{text}</p>") is as_text


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("r\u0456sk", "risk"),
        ("hi\u200bgh", "high"),
        ("\uff53\uff43\uff4f\uff52\uff45", "score"),
        ("pri\u00adority", "priority"),
        ("hi\u0301gh", "high"),
        ("\ufb01rst", "first"),
        ("plain text", "plain text"),
    ],
)
def test_normalise_reads_what_a_person_reads(raw: str, read: str) -> None:
    assert normalise(raw) == read


@pytest.mark.parametrize(
    "text",
    ["two adults joined the household", "3 records", "the child's mother", "Police", "2024"],
)
def test_plain_counts_and_words_pass(text: str) -> None:
    check_free_text(text)


def test_the_guard_names_the_rule_for_a_negative_age() -> None:
    with pytest.raises(WordingError, match=r"follows a sign"):
        check_free_text("aged -9 years")
