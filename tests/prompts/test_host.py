"""The host's object from advisory.load: reviews and renderings, nothing numeric per case."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

import advisory
from advisory import Advisor, Reviewer
from advisory.prompts import Review


@pytest.fixture(scope="module")
def bundle(advisor: Advisor, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return advisor.save(tmp_path_factory.mktemp("host") / "bundle")


PUBLIC = {"index", "model_version", "review", "review_dicts", "review_html", "review_text"}


def test_the_host_object_has_only_reviews_and_renderings(bundle: Path) -> None:
    reviewer = advisory.load(bundle)
    assert isinstance(reviewer, Reviewer)
    public = {name for name in dir(reviewer) if not name.startswith("_")}
    assert public == PUBLIC
    for banned in ("decision_function", "predict_proba", "predict", "explain", "model_", "audit"):
        assert not hasattr(reviewer, banned)
    assert "score" not in repr(reviewer).replace("no scores", "")


def test_nothing_it_returns_is_a_number_per_case(bundle: Path, demo: Any) -> None:
    reviewer = advisory.load(bundle)
    cases = list(demo.cases["case_id"][:4])
    reviews = reviewer.review(demo, cases)
    assert all(isinstance(r, Review) for r in reviews)
    for method in ("review_dicts", "review_text", "review_html"):
        out = getattr(reviewer, method)(demo, cases)
        assert isinstance(out, list) and len(out) == len(cases)
        assert all(isinstance(item, (dict, str)) for item in out)
    assert isinstance(reviewer.model_version, str)
    for name in PUBLIC - {"model_version"}:
        hints = inspect.signature(getattr(Reviewer, name)).return_annotation
        assert (
            "float" not in str(hints) and "Series" not in str(hints) and "ndarray" not in str(hints)
        )


def test_data_scientists_open_the_full_model_explicitly(bundle: Path, demo: Any) -> None:
    full = Advisor.load(bundle)
    cases = list(demo.cases["case_id"][:3])
    assert len(full.decision_function(demo, cases)) == 3
    assert advisory.load(bundle).review_dicts(demo, cases) == full.review_dicts(demo, cases)


def test_the_text_and_html_are_the_reviews(bundle: Path, demo: Any) -> None:
    reviewer = advisory.load(bundle)
    case = [str(demo.cases["case_id"].iloc[5])]
    review = reviewer.review(demo, case)[0]
    assert reviewer.review_text(demo, case) == [review.to_text()]
    assert reviewer.review_html(demo, case) == [review.to_html()]
