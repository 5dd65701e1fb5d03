"""Simulated practitioners: deterministic under a seed, with their planted styles."""

from __future__ import annotations

import pandas as pd
import pytest

from advisory import ParameterError
from advisory.datasets import simulate_oversight


def test_same_seed_same_data_and_styles_as_planted() -> None:
    a, b = simulate_oversight(60, seed=4), simulate_oversight(60, seed=4)
    pd.testing.assert_frame_equal(a.responses, b.responses)
    pd.testing.assert_frame_equal(a.factors, b.factors)
    answers = a.responses.merge(a.reviews[["review_id", "style"]], on="review_id")
    stamp = answers[answers["style"] == "rubber_stamp"]
    assert (stamp["verdict"] == "agree").all() and (stamp["seconds"] < 10).all()
    careful = answers[answers["style"] == "careful"]
    assert ((careful["verdict"] != "agree") == careful["prompt_off"]).all()
    assert (careful["seconds"] > 10).all()
    views = a.reviews.set_index("style")["own_view_at"]
    assert views.loc["careful"].notna().all() and views.loc["rubber_stamp"].isna().all()
    assert (a.reviews["own_view_at"].dropna() < a.reviews.loc[
        a.reviews["own_view_at"].notna(), "shown_at"]).all()  # fmt: skip
    review = a.review_dict("R000000")
    assert review["case_id"] == "C000000" and len(review["questions"]) == 3


def test_the_shift_is_planted_in_one_factor_of_one_period() -> None:
    sim = simulate_oversight(3, seed=0)
    means = sim.factors.groupby("period").mean(numeric_only=True)
    factor = sim.truth["shifted_factor"]
    assert means.loc["later_shifted", factor] > 2 * means.loc["audited", factor]
    assert means.loc["later_unshifted", factor] == pytest.approx(
        means.loc["audited", factor], rel=0.1
    )


def test_bad_arguments() -> None:
    with pytest.raises(ParameterError, match="n_reviews"):
        simulate_oversight(0)
    with pytest.raises(ParameterError, match="prompts_per_review"):
        simulate_oversight(10, prompts_per_review=9)
