"""A fitted advisor on demo records, shared by the prompt tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from advisory import Advisor
from advisory.context import CaseContext, build_context
from advisory.datasets import MultiAgencyData, make_multiagency
from advisory.definitions import reference_root
from advisory.prompts import Review, ReviewBuilder, reset_memos

GOLDEN_CASES = ("C0000009", "C0000082")


@pytest.fixture(autouse=True)
def _fresh_memos() -> Iterator[None]:
    """Each test starts with empty memos, so no test depends on what another left."""
    reset_memos()
    yield


@pytest.fixture(scope="session")
def demo() -> MultiAgencyData:
    return make_multiagency(n_cases=800, seed=21)


@pytest.fixture(scope="session")
def advisor(demo: MultiAgencyData) -> Advisor:
    return Advisor.from_definitions(
        reference_root(), model_params={"n_resamples": 8, "random_state": 0}
    ).fit(demo)


@pytest.fixture(scope="session")
def demo_context(demo: MultiAgencyData, advisor: Advisor) -> CaseContext:
    return build_context(demo, advisor.definitions)


@pytest.fixture(scope="session")
def reviews(advisor: Advisor, demo: MultiAgencyData) -> list[Review]:
    return advisor.review(demo)


@pytest.fixture(scope="session")
def dicts(reviews: list[Review]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in reviews]


@pytest.fixture(scope="session")
def builder(advisor: Advisor, demo: MultiAgencyData) -> ReviewBuilder:
    return ReviewBuilder(
        advisor.definitions,
        advisor.explainer_,
        model_version=advisor.model_version_,
        data_snapshot_date=demo.snapshot_date.date(),
    )
