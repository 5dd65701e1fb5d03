"""Context built once per session from the shared synthetic records."""

from __future__ import annotations

import pytest

from advisory.context import CaseContext, RecordIndex, index_records
from advisory.datasets import MultiAgencyData
from advisory.definitions import Definitions, load_definitions, reference_root


@pytest.fixture(scope="session")
def definitions() -> Definitions:
    return load_definitions(reference_root())


@pytest.fixture(scope="session")
def index(records: MultiAgencyData, definitions: Definitions) -> RecordIndex:
    return index_records(records, definitions)


@pytest.fixture(scope="session")
def context(index: RecordIndex) -> CaseContext:
    return index.context()
