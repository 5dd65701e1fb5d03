"""Renderings: schema, JSON, text and HTML built from the dict, goldens, and the guard on each."""

from __future__ import annotations

import html
import json
import pathlib
import re
from typing import Any

import pytest

from advisory import InputError
from advisory.prompts import (
    SCHEMA_ID,
    LanguageError,
    Review,
    render_html,
    render_text,
    review_schema,
    validate_review,
)

from .conftest import GOLDEN_CASES

GOLDEN = pathlib.Path(__file__).parent / "golden"


def test_schema_is_versioned_and_has_no_score_fields() -> None:
    schema = review_schema()
    assert schema["$id"] == SCHEMA_ID == "urn:advisory:review:v2"
    text = json.dumps(schema).lower()
    for word in ("probability", "score", "rank", "threshold", "attribution", "margin"):
        assert f'"{word}' not in text


def test_every_review_follows_the_schema_and_round_trips(reviews: list[Review]) -> None:
    for review in reviews:
        document = json.loads(review.to_json())
        validate_review(document)
        assert document == review.to_dict()
        assert Review.from_dict(document) == review


def test_validator_rejects_an_extra_score(dicts: list[dict[str, Any]]) -> None:
    with pytest.raises(InputError, match="score"):
        validate_review({**dicts[0], "score": 0.7})


def test_renderings_are_built_from_the_dict(reviews: list[Review]) -> None:
    for review in reviews[:40]:
        document = review.to_dict()
        assert review.to_text() == render_text(document)
        assert review.to_html() == render_html(document)


def test_the_page_order_of_the_text(dicts: list[dict[str, Any]]) -> None:
    headings = [
        "Who lives here",
        "Records",
        "Before you go",
        "Questions for the visit",
        "Not in these records",
    ]
    for d in dicts[:100]:
        lines = render_text(d).splitlines()
        positions = [lines.index(h) for h in headings]
        assert positions == sorted(positions)
        assert lines[1] == d["statement"]
        assert lines[-1].startswith("About these prompts:")


def test_html_is_an_accessible_self_contained_fragment(dicts: list[dict[str, Any]]) -> None:
    markup = render_html(dicts[0])
    assert markup.startswith('<section class="advisory-review" lang="en"')
    assert "<script" not in markup and "<style" not in markup and "http" not in markup
    assert "<details><summary>About these prompts</summary>" in markup
    about = markup.split("<details>")[1]
    assert dicts[0]["about"]["reminder"] in html.unescape(about)  # fixed texts collapsed
    assert dicts[0]["about"]["reminder"] not in html.unescape(markup.split("<details>")[0])


def test_html_escapes_text(dicts: list[dict[str, Any]]) -> None:
    document = json.loads(json.dumps(dicts[0]))
    document["household"][0]["relationship"] = "<b>child & co</b>"
    markup = render_html(document)
    assert "&lt;b&gt;child &amp; co&lt;/b&gt;" in markup
    assert "<b>" not in markup


@pytest.mark.parametrize("bad", ["0.73", "in the top 10%", "score 7", "must be referred"])
@pytest.mark.parametrize("render", [render_text, render_html, Review.from_dict])
def test_every_rendering_is_guarded(dicts: list[dict[str, Any]], bad: str, render: Any) -> None:
    document = json.loads(json.dumps(dicts[0]))
    document["questions"][0]["recorded"] = bad
    with pytest.raises(LanguageError):
        review = render(document)
        review.to_dict()  # a Review checks its dict when it renders


@pytest.mark.parametrize("case_id", GOLDEN_CASES)
@pytest.mark.parametrize("kind", ["txt", "html"])
def test_golden_renderings(advisor: Any, demo: Any, case_id: str, kind: str, golden: Any) -> None:
    review = advisor.review(demo, case_ids=[case_id])[0]
    rendered = review.to_text() if kind == "txt" else review.to_html()
    golden(GOLDEN / f"review_{case_id}.{kind}", rendered)
    assert html.unescape(rendered).count("?") >= 4
    assert re.search(r"\d+\.\d", rendered.replace(case_id, "")) is None
