"""Renaming the groups of an attribute changes nothing but the names."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from advisory.fairness import audit

_NAMES = st.text(alphabet="abcdefXYZ019_", min_size=1, max_size=4)


@settings(max_examples=8, deadline=None)
@given(
    new_names=st.lists(_NAMES, min_size=3, max_size=3, unique=True),
    seed=st.integers(0, 2**16),
)
def test_renaming_groups_leaves_metrics_and_intervals_unchanged(
    new_names: list[str], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    old_names = ["g0", "g1", "g2"]
    # distinct sizes everywhere, so no tie decides the reference or a suppression
    sizes = {
        (g, b): 30 + 7 * (2 * i + j) for i, g in enumerate(old_names) for j, b in enumerate("PQ")
    }
    band = np.array([b for (_, b), k in sizes.items() for _ in range(k)])
    group = np.array([g for (g, _), k in sizes.items() for _ in range(k)])
    scores = rng.uniform(0.05, 0.95, len(group))
    y = (rng.uniform(size=len(group)) < scores).astype(int)
    y[::5], y[1::5] = 1, 0
    rename = dict(zip(old_names, new_names, strict=True))
    frames = [
        pd.DataFrame({"group": g, "band": band}) for g in (group, np.vectorize(rename.get)(group))
    ]
    before, after = (
        audit(y, scores, f, n_boot=20, intersections=[("group", "band")], random_state=seed)
        for f in frames
    )
    for metric in before.metrics:
        pairs = [
            (before.by_group(metric), after.by_group(metric)),
            (before.disparities(metric), after.disparities(metric)),
        ]
        for table, renamed in pairs:
            for attribute, label in table.index.tolist():
                row = table.loc[(attribute, label)]
                first, *rest = str(label).split(" & ")
                other = renamed.loc[(attribute, " & ".join([rename.get(first, first), *rest]))]
                for column in ("estimate", "lower", "upper"):
                    assert np.array_equal(row[column], other[column], equal_nan=True), (
                        metric,
                        attribute,
                        label,
                        column,
                    )
