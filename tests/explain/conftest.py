"""Reuse the synthetic case factors of tests/models."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import pytest

_spec = importlib.util.spec_from_file_location(
    "_model_factors", pathlib.Path(__file__).parents[1] / "models" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _module
_spec.loader.exec_module(_module)
make_factors = _module.make_factors


@pytest.fixture(scope="session")
def factors():
    return make_factors(4_000, seed=3)


@pytest.fixture(scope="session")
def small_factors():
    return make_factors(600, seed=4)
