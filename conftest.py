"""Options every test run knows, whatever folder it starts from.

pytest reads this file at start-up (it is in the root folder), so
``pytest --regenerate-golden`` works for any selection of tests, for example
``pytest tests/reports --regenerate-golden``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--regenerate-golden``."""
    parser.addoption(
        "--regenerate-golden",
        action="store_true",
        default=False,
        help="rewrite every golden file of the selected tests from the current output "
        "(also ADVISORY_REGENERATE_GOLDEN=1); review the diff before committing",
    )


@pytest.fixture(scope="session")
def regenerate_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden files are rewritten instead of compared."""
    return bool(request.config.getoption("--regenerate-golden")) or (
        os.environ.get("ADVISORY_REGENERATE_GOLDEN") == "1"
    )


@pytest.fixture(scope="session")
def golden(regenerate_golden: bool) -> Callable[[Path, str], None]:
    """Compare a rendering with its golden file, or rewrite the file when asked to."""

    def check(path: Path, rendered: str) -> None:
        if regenerate_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rendered, encoding="utf-8")
        expected = path.read_text(encoding="utf-8")
        assert rendered == expected, (
            f"{path.name} differs; if the change is intended, rerun with --regenerate-golden "
            "(or ADVISORY_REGENERATE_GOLDEN=1) and review the diff."
        )

    return check
