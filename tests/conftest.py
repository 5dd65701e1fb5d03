"""Shared fixtures: synthetic records are generated once per session."""

from __future__ import annotations

import pytest

from advisory.datasets import MultiAgencyData, make_multiagency


@pytest.fixture(scope="session")
def records() -> MultiAgencyData:
    """A moderate data set with every planted bias and gap switched on."""
    return make_multiagency(n_cases=3_000, seed=11)


@pytest.fixture(scope="session")
def large_records() -> MultiAgencyData:
    """Enough cases to measure planted rates within a tight tolerance."""
    return make_multiagency(n_cases=30_000, seed=5)
