"""The generator at full scale (slow)."""

from __future__ import annotations

import pytest

from advisory.datasets import make_multiagency


@pytest.mark.slow
def test_one_hundred_thousand_cases():
    data = make_multiagency(n_cases=100_000, seed=0)
    assert len(data.cases) == 100_000
    assert len(data.events) >= 2_000_000
    assert data.events["event_id"].is_unique
