"""Group sizes withheld from the sizes alone equal what the audit withholds."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from advisory import ParameterError
from advisory.fairness import audit, withheld_group_sizes


def test_withheld_sizes_equal_the_audits() -> None:
    rng = np.random.default_rng(4)
    n = 900
    sex = rng.choice(["F", "M"], n)
    area = rng.choice(["North", "South", "East", "West", "Isles"], n, p=[0.4, 0.3, 0.2, 0.09, 0.01])
    y = (rng.uniform(size=n) < 0.3).astype(int)
    frame = pd.DataFrame({"sex": sex, "area": area})
    result = audit(y, rng.uniform(size=n), frame, n_boot=50, intersections=[("sex", "area")])
    by_group = result.by_group(result.metrics[0]).reset_index()
    counts: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {}
    for combo in (("sex",), ("area",), ("sex", "area")):
        groups = [sorted(set(frame[a])) for a in combo]
        sizes = frame.groupby(list(combo)).size()
        counts[combo] = {
            key: int(sizes.get(key if len(key) > 1 else key[0], 0))
            for key in itertools.product(*groups)
        }
    withheld = withheld_group_sizes(counts)
    got = {(" x ".join(combo), " & ".join(key)) for combo, keys in withheld.items() for key in keys}
    want = set(
        zip(
            by_group.loc[by_group["suppressed"], "attribute"],
            by_group.loc[by_group["suppressed"], "group"],
            strict=True,
        )
    )
    assert got == want
    small = {("sex x area", "F & Isles"), ("sex x area", "M & Isles")}
    assert small <= got  # fewer than 10 cases each
    assert len(got) > len(small)  # and others, so they cannot be worked out from margins


def test_min_cell_size_is_checked() -> None:
    with pytest.raises(ParameterError, match=r"'min_cell_size' parameter of withheld_group_sizes"):
        withheld_group_sizes({("sex",): {("F",): 3}}, min_cell_size=0)
