"""The tutorials in this folder are executed by nbmake as part of the test suite.

Each takes about a minute on two cores, so they are marked ``slow`` (still part of the whole
suite; ``pytest -m "not slow"`` leaves them out).
"""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tutorials ``slow``: each takes about a minute."""
    for item in items:
        if item.path.suffix == ".ipynb" and item.path.parent == _HERE:
            item.add_marker(pytest.mark.slow)
