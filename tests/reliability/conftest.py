"""Small records, a fitted advisor and its bundle, shared by the reliability tests."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from advisory import Advisor
from advisory.datasets import MultiAgencyData, make_multiagency
from advisory.definitions import Definitions, load_definitions, reference_root

TABLES = ("people", "memberships", "relationships", "events", "coverage", "cases")


@pytest.fixture(scope="session")
def small_data() -> MultiAgencyData:
    return make_multiagency(n_cases=300, seed=9)


@pytest.fixture
def tables(small_data: MultiAgencyData) -> dict[str, Any]:
    """Fresh copies of the six tables, safe to edit in a test."""
    return {
        f.name: getattr(small_data, f.name).copy()
        for f in dataclasses.fields(small_data)
        if f.name in TABLES
    }


@pytest.fixture(scope="session")
def reference() -> Definitions:
    return load_definitions(reference_root())


@pytest.fixture(scope="session")
def fitted(small_data: MultiAgencyData, reference: Definitions) -> Advisor:
    return Advisor(reference, model_params={"n_resamples": 2}).fit(small_data)


@pytest.fixture(scope="session")
def bundle(fitted: Advisor, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fitted.save(tmp_path_factory.mktemp("reliability") / "bundle")


def uk(dates: pd.Series) -> pd.Series:
    """Dates written the UK way, day first (``04/01/2021`` is 4 January)."""
    written: pd.Series = dates.dt.strftime("%d/%m/%Y")
    return written
