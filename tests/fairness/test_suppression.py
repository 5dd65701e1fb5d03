"""Small-cell suppression: primary, secondary, and attempts at recovery."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from advisory._errors import InputError
from advisory.fairness import audit


def _data(
    sizes: dict[tuple[str, str], int], seed: int = 0
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    eth = [e for (e, _), k in sizes.items() for _ in range(k)]
    dis = [d for (_, d), k in sizes.items() for _ in range(k)]
    n = len(eth)
    scores = rng.uniform(0.05, 0.95, n)
    y = (rng.uniform(size=n) < scores).astype(int)
    y[::7] = 1
    y[3::7] = 0
    return y, scores, pd.DataFrame({"ethnicity": eth, "disability": dis})


def _visible_counts(result: object, attribute: str) -> dict[str, float]:
    table = result.by_group("observed_rate").loc[attribute]  # type: ignore[attr-defined]
    return table["n"].to_dict()  # type: ignore[no-any-return]


def test_one_small_group_forces_secondary_suppression() -> None:
    sizes = {("A", "no"): 300, ("A", "yes"): 60, ("B", "no"): 80, ("B", "yes"): 40}
    sizes |= {("C", "no"): 6, ("C", "yes"): 0}
    y, scores, groups = _data(sizes)
    result = audit(y, scores, groups, n_boot=20, intersections=[("ethnicity", "disability")])
    counts = _visible_counts(result, "ethnicity")
    assert np.isnan(counts["C"])  # primary: 6 < 10
    assert np.isnan(counts["B"])  # secondary: next smallest
    # recovery attempt: total minus visible cells gives B + C together, not C
    recovered = result.n_cases - np.nansum(list(counts.values()))
    assert recovered == 126
    assert recovered not in (6, 120)


def test_intersection_line_cannot_reveal_a_cell() -> None:
    sizes = {("A", "no"): 300, ("A", "yes"): 5, ("B", "no"): 80, ("B", "yes"): 40}
    y, scores, groups = _data(sizes)
    result = audit(y, scores, groups, n_boot=20, intersections=[("ethnicity", "disability")])
    margin = _visible_counts(result, "ethnicity")
    cells = _visible_counts(result, "ethnicity x disability")
    assert np.isnan(cells["A & yes"])
    # A's margin is published, so A & no must be withheld too
    assert np.isnan(cells["A & no"])
    assert margin["A"] == 305
    # and the yes column (A & yes + B & yes = disability 'yes' total) too
    assert np.isnan(cells["B & yes"]) or np.isnan(_visible_counts(result, "disability")["yes"])


def test_zero_positive_group_shows_its_size_but_withholds_every_outcome_metric() -> None:
    sizes = {("A", "no"): 200, ("B", "no"): 100, ("C", "no"): 50}
    y, scores, groups = _data(sizes)
    y[groups["ethnicity"].to_numpy() == "C"] = 0
    result = audit(y, scores, groups[["ethnicity"]], n_boot=20)
    frame = result.to_frame()
    rows = frame[frame["group"] == "C"].set_index("metric")
    assert not rows["suppressed"].any()
    assert rows.loc["mean_predicted", "estimate"] == pytest.approx(
        scores[groups["ethnicity"].to_numpy() == "C"].mean()
    )
    outcome = rows.drop(index="mean_predicted")
    assert outcome["withheld"].all()
    assert outcome[["estimate", "lower", "upper"]].isna().all().all()
    assert "C" not in set(result.disparities("roc_auc").reset_index()["group"])
    record = next(g for g in json.loads(result.to_json())["groups"] if g["group"] == "C")
    assert record["n"] == 50
    assert record["metrics"]["observed_rate"] == {
        "kind": "threshold-free",
        "estimate": None,
        "interval": [None, None],
        "withheld": True,
    }
    # the zero cannot be worked out either: another group's outcome metrics go too
    observed = result.by_group("observed_rate").loc["ethnicity"]
    assert int(observed["withheld"].sum()) == 2


def test_all_groups_suppressed_is_an_error() -> None:
    y, scores, groups = _data({("A", "no"): 8, ("B", "no"): 7})
    with pytest.raises(InputError, match="Every group of every attribute is suppressed"):
        audit(y, scores, groups[["ethnicity"]], n_boot=20)


def test_suppressed_reference_group_is_stated() -> None:
    sizes = {("A", "no"): 200, ("B", "no"): 100, ("C", "no"): 5}
    y, scores, groups = _data(sizes)
    result = audit(y, scores, groups[["ethnicity"]], n_boot=20, reference_groups={"ethnicity": "C"})
    assert any("reference group 'C' is suppressed" in note for note in result.notes)
    assert result.disparities("brier").empty
