"""Who lives here: linking people across agency extracts with splink.

Agencies share no identifier. :func:`link_extracts` links each agency's
people (their own ids, names with typos and nicknames, dates of birth with
slips, old addresses, NHS numbers where held) into linked people with
splink's Fellegi-Sunter model, from a reviewable TOML specification
(:func:`load_linkage_spec`; the reference copy is :func:`reference_linkage_spec`):
comparisons, blocking rules, two thresholds and who approved them. DuckDB is
the embedded default; Spark runs the same specification at scale.

Links above the upper threshold are used, with their evidence; links between
the thresholds are never merged but become records to confirm
(``uncertain_links``); records below are reported unlinked, and as data gaps
for the person they came closest to. Every record is counted in exactly one of
the three (:meth:`LinkageResult.accounting`). The result's ``records`` are the
tables :func:`advisory.context.build_context` reads. Practitioners' answers
are fed back with :class:`LinkDecisions`.

Examples
--------
>>> from advisory.datasets import make_agency_extracts
>>> from advisory.linkage import link_extracts, pairwise_quality
>>> extracts = make_agency_extracts(n_cases=40, seed=0)
>>> result = link_extracts(extracts)
>>> truth = extracts.truth.links.set_index(["agency", "agency_person_id"])
>>> keys = list(zip(result.links["agency"], result.links["agency_person_id"]))
>>> actual = truth.loc[keys, "person_id"]
>>> pairwise_quality(result.links["person_id"], actual.to_numpy()).precision > 0.95
True
"""

from __future__ import annotations

from advisory.linkage._decisions import DECISION_COLUMNS, LinkDecisions
from advisory.linkage._engine import local_spark_session
from advisory.linkage._evaluate import PairwiseQuality, exact_match_clusters, pairwise_quality
from advisory.linkage._extracts import Extracts, check_extracts, read_extracts
from advisory.linkage._link import LinkageResult, LinkedRecords, link_extracts
from advisory.linkage._spec import (
    Comparison,
    LinkageSpec,
    load_linkage_spec,
    parse_linkage_spec,
    reference_linkage_spec,
)

__all__ = [
    "DECISION_COLUMNS",
    "Comparison",
    "Extracts",
    "LinkDecisions",
    "LinkageResult",
    "LinkageSpec",
    "LinkedRecords",
    "PairwiseQuality",
    "check_extracts",
    "exact_match_clusters",
    "link_extracts",
    "load_linkage_spec",
    "local_spark_session",
    "pairwise_quality",
    "parse_linkage_spec",
    "read_extracts",
    "reference_linkage_spec",
]
