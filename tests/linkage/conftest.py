"""Agency extracts and one small linkage run, shared by the linkage tests."""

from __future__ import annotations

import pytest

from advisory.datasets import AgencyExtracts, make_agency_extracts
from advisory.linkage import LinkageResult, LinkageSpec, link_extracts, parse_linkage_spec
from advisory.linkage._spec import reference_linkage_spec_text


def fast_spec() -> LinkageSpec:
    """The reference specification with fewer random pairs for u (a quicker test)."""
    text = reference_linkage_spec_text().replace("u_max_pairs = 3000000", "u_max_pairs = 200000")
    return parse_linkage_spec(text, "fast.toml")


@pytest.fixture(scope="session")
def extracts() -> AgencyExtracts:
    """About 2,500 agency records."""
    return make_agency_extracts(n_cases=200, seed=5)


@pytest.fixture(scope="session")
def linked(extracts: AgencyExtracts) -> LinkageResult:
    return link_extracts(extracts, fast_spec())
