"""Renderings: schema, JSON, text and HTML, goldens, and the guard on each."""

from __future__ import annotations

import dataclasses
import html
import json
import pathlib
import re

import pytest

from advisory import InputError
from advisory.prompts import (
    SCHEMA_ID,
    LanguageError,
    review_schema,
    validate_review,
)

from .conftest import GOLDEN_CASES

GOLDEN = pathlib.Path(__file__).parent / "golden"


def test_schema_is_versioned_and_has_no_score_fields():
    schema = review_schema()
    assert schema["$id"] == SCHEMA_ID and SCHEMA_ID.endswith(":v1")
    keys = set(re.findall(r'"([a-z_]+)":', json.dumps(schema)))
    for word in ("score", "probability", "rank", "band", "threshold", "margin", "base_value"):
        assert not any(word in key for key in keys), word


def test_every_review_follows_the_schema_and_round_trips(reviews):
    for review in reviews:
        document = review.to_dict()
        validate_review(document)
        assert json.loads(review.to_json()) == document


def test_validator_rejects_an_extra_score():
    document = {"schema": SCHEMA_ID}
    with pytest.raises(InputError, match="required key 'case_id'"):
        validate_review(document)


def test_html_is_an_accessible_self_contained_fragment(reviews):
    review = next(r for r in reviews if r.stands_out and r.gaps)
    markup = review.to_html()
    assert markup.startswith('<section class="advisory-review" lang="en" aria-labelledby=')
    for tag in ("<h2 ", "<h3>", "<ul>", "<li", "<details>", "<dl>"):
        assert tag in markup
    for banned in ("<script", "<style", "style=", "http:", "https:", "<img", "color"):
        assert banned not in markup.lower()
    assert review._repr_html_() == markup


def test_html_escapes_text(reviews):
    review = next(r for r in reviews if r.stands_out)
    prompt = dataclasses.replace(review.stands_out[0], label="<b>Adults & children</b>")
    markup = dataclasses.replace(review, stands_out=(prompt,)).to_html()
    assert "&lt;b&gt;Adults &amp; children&lt;/b&gt;" in markup
    assert "<b>" not in markup


@pytest.mark.parametrize(
    "observed", ["0.73", "stands out in the top 10%", "score 7", "must be referred"]
)
def test_every_rendering_is_guarded(reviews, observed):
    review = next(r for r in reviews if r.stands_out)
    prompt = dataclasses.replace(review.stands_out[0], observed=observed)
    bad = dataclasses.replace(review, stands_out=(prompt,))
    for render in (bad.to_dict, bad.to_json, bad.to_text, bad.to_html):
        with pytest.raises(LanguageError):
            render()


@pytest.mark.parametrize("case_id", GOLDEN_CASES)
@pytest.mark.parametrize("kind", ["txt", "html"])
def test_golden_renderings(advisor, demo, case_id, kind, regenerate_golden):
    review = advisor.review(demo, case_ids=[case_id])[0]
    rendered = review.to_text() if kind == "txt" else review.to_html()
    path = GOLDEN / f"review_{case_id}.{kind}"
    if regenerate_golden:
        path.write_text(rendered, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert rendered == expected, (
        f"{path.name} differs; if the change is intended, rerun with "
        "ADVISORY_REGENERATE_GOLDEN=1 (or --regenerate-golden) and review the diff."
    )
    assert html.unescape(rendered).count("?") >= 2
