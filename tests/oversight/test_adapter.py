"""The one adapter from a review dict: a hand-made dict, v1-like and v2-like keys."""

from __future__ import annotations

import pytest

from advisory import InputError
from advisory.oversight import review_hash, review_prompts


def test_prompts_are_found_at_any_depth_in_order() -> None:
    review = {
        "schema": "urn:advisory:review:v2",
        "case_id": "C7",
        "household": [{"person_id": "P1"}],
        "questions": [
            {"question_id": "q:child_prior_referrals", "factor": "child_prior_referrals"},
            {"question_id": "q:absence", "factor": None},
        ],
        "could_not_see": {"open_question": {"prompt_id": "open", "question": "What else?"}},
    }
    held = review_prompts(review)
    assert held.case_id == "C7"
    assert held.prompts == (
        ("q:child_prior_referrals", "child_prior_referrals"),
        ("q:absence", None),
        ("open", None),
    )
    assert held.prompt_ids == ("q:child_prior_referrals", "q:absence", "open")


def test_a_real_v1_review_dict() -> None:
    review = {
        "case_id": "C1",
        "stands_out": [{"prompt_id": "stands_out:a", "factor": "a", "records": []}],
        "strengths": [],
        "could_not_see": {"gaps": [{"prompt_id": "gap:0"}], "open_question": {"prompt_id": "open"}},
    }
    assert review_prompts(review).prompt_ids == ("stands_out:a", "gap:0", "open")


@pytest.mark.parametrize(
    ("review", "match"),
    [
        ([], "must be a dict"),
        ({"prompts": []}, "no text 'case_id'"),
        ({"case_id": "C1"}, "holds no prompt"),
        ({"case_id": "C1", "a": [{"prompt_id": 3}]}, "must be non-empty text"),
        (
            {"case_id": "C1", "a": [{"prompt_id": "p"}, {"prompt_id": "p"}]},
            "names prompt 'p' twice",
        ),
    ],
)
def test_unusable_reviews_are_refused(review: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        review_prompts(review)  # type: ignore[arg-type]


def test_the_hash_ignores_key_order_and_sees_any_change() -> None:
    a = {"case_id": "C1", "x": [1, 2], "y": {"b": 1, "a": 2}}
    b = {"y": {"a": 2, "b": 1}, "x": [1, 2], "case_id": "C1"}
    assert review_hash(a) == review_hash(b)
    assert review_hash(a) != review_hash({**a, "x": [2, 1]})
