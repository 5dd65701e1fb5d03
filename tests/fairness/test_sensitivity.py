"""The audit detects the planted recording bias and is quiet without it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from advisory.datasets import make_multiagency
from advisory.fairness import audit


def _scored(n_cases: int, seed: int, **bias: Any) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Score = logistic fit of the outcome on prior police + social care records."""
    data = make_multiagency(n_cases=n_cases, seed=seed, **bias)
    events = data.events[data.events["agency"].isin(["police", "childrens_social_care"])]
    merged = data.cases[["case_id", "person_id", "reference_date"]].merge(events, on="person_id")
    prior = merged[merged["date"] < merged["reference_date"]].groupby("case_id").size()
    count = data.cases["case_id"].map(prior).fillna(0).to_numpy(dtype=float)
    y = data.cases["outcome"].to_numpy()
    x = np.log1p(count)[:, None]
    scores = LogisticRegression().fit(x, y).predict_proba(x)[:, 1]
    people = data.people.set_index("person_id")
    ethnicity = data.cases["person_id"].map(people["ethnicity"])
    black = np.where(ethnicity == data.truth.recording_bias["group"], "Black", "Other")
    return y, scores, pd.DataFrame({"ethnicity": black})


@pytest.mark.slow
def test_planted_recording_bias_is_detected() -> None:
    y, scores, groups = _scored(6_000, 0)
    result = audit(y, scores, groups, n_boot=300, reference_groups={"ethnicity": "Other"})
    table = result.disparities("predicted_minus_observed")
    assessment = table.loc[("ethnicity", "Black"), "assessment"]
    assert assessment == "lower than the reference group", table


@pytest.mark.slow
def test_no_more_alarms_than_nominal_without_bias() -> None:
    alarms = 0
    seeds = range(5)
    for seed in seeds:
        y, scores, groups = _scored(3_000, seed, recording_bias=1.0, label_bias=1.0)
        result = audit(y, scores, groups, n_boot=200, reference_groups={"ethnicity": "Other"})
        table = result.disparities("predicted_minus_observed")
        assessment = table.loc[("ethnicity", "Black"), "assessment"]
        alarms += int(str(assessment) != "insufficient evidence of a difference")
    # nominal 5% of 5 seeds: at most one alarm expected by chance
    assert alarms <= 1
