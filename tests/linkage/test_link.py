"""splink on DuckDB: quality against planted truth, accounting, records, decisions, charts."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import InputError
from advisory._errors import OutputError
from advisory.context import build_context, check_records
from advisory.datasets import AgencyExtracts
from advisory.definitions import load_definitions, reference_root
from advisory.linkage import (
    LinkageResult,
    LinkDecisions,
    check_extracts,
    exact_match_clusters,
    pairwise_quality,
)
from advisory.linkage._link import _assemble

from .conftest import fast_spec


def _true_ids(extracts: AgencyExtracts, uids: pd.Series) -> np.ndarray:
    links = extracts.truth.links
    truth = pd.Series(
        links["person_id"].to_numpy(), index=links["agency"] + ":" + links["agency_person_id"]
    )
    return truth.reindex(uids.to_numpy()).to_numpy()


def test_links_are_precise_and_beat_the_exact_match_baseline(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    actual = _true_ids(extracts, linked.links["record_uid"])
    quality = pairwise_quality(linked.links["person_id"], actual)
    assert quality.precision >= 0.98
    assert quality.recall >= 0.95
    records = check_extracts(extracts, fast_spec()).records
    baseline = pairwise_quality(
        exact_match_clusters(records), _true_ids(extracts, records["record_uid"])
    )
    assert baseline.precision >= 0.99
    assert quality.recall > baseline.recall + 0.2


def test_every_record_is_linked_uncertain_or_unlinked_exactly_once(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    table = linked.accounting()
    for agency, people in extracts.people.items():
        assert table.loc[agency, "records"] == len(people)
    assert (table[["linked", "uncertain", "unlinked"]].sum(axis=1) == table["records"]).all()
    links = linked.links
    assert links["record_uid"].is_unique and len(links) == extracts.n_records
    assert set(links["status"]) <= {"linked", "uncertain", "unlinked"}
    # uncertain records are those asked about; unlinked ones are all reported
    asked = set(linked.uncertain_links["agency"] + ":" + linked.uncertain_links["agency_record_id"])
    assert asked == set(links.loc[links["status"] == "uncertain", "record_uid"])
    assert len(linked.unlinked) == (links["status"] == "unlinked").sum()
    # the case agency's records are the picture: all linked
    assert table.loc["childrens_social_care", "linked"] == len(
        extracts.people["childrens_social_care"]
    )


def test_no_person_holds_two_case_agency_records(linked: LinkageResult) -> None:
    case = linked.links[linked.links["agency"] == "childrens_social_care"]
    assert case["person_id"].is_unique


def test_evidence_names_the_fields_that_agreed(linked: LinkageResult) -> None:
    links = linked.links[linked.links["agency"] == "health"]
    linked_health = links[links["status"] == "linked"]
    assert (linked_health["match_probability"] >= linked.spec.link).all()
    assert linked_health["agreed"].str.contains("birth_date").mean() > 0.8
    fields = {"name", "birth_date", "postcode", "sex", "nhs_number"}
    for column in ("agreed", "partly_agreed", "disagreed", "missing"):
        named = {f for text in links[column] for f in text.split(", ") if f}
        assert named <= fields


def test_uncertain_links_are_the_records_table_review_reads(linked: LinkageResult) -> None:
    table = linked.records.uncertain_links
    assert list(table.columns) == [
        "person_id",
        "agency",
        "agency_record_id",
        "described_as",
        "differences",
    ]
    assert len(table) > 0
    assert table["person_id"].isin(linked.records.people["person_id"]).all()
    assert table["described_as"].str.contains(", born |date of birth not recorded").all()
    assert (table["differences"].str.len() > 0).all()
    probability = linked.uncertain_links["match_probability"]
    assert ((probability >= linked.spec.ask) & (probability < linked.spec.link)).all()


def test_records_build_context_with_linkage_gaps(linked: LinkageResult) -> None:
    definitions = load_definitions(reference_root())
    check_records(linked.records, definitions.catalogue)
    context = build_context(linked.records, definitions)
    assert len(context.cases) == len(linked.records.cases)
    unmatched = linked.records.coverage[linked.records.coverage["status"] == "unmatched"]
    assert len(unmatched) > 0
    assert unmatched["reason"].str.contains("record").all()
    # every event is kept, keyed by a linked person
    assert linked.records.events["person_id"].isin(linked.records.people["person_id"]).all()


def test_context_from_linked_extracts_matches_the_true_records(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    definitions = load_definitions(reference_root())
    ours = build_context(linked.records, definitions).factors
    truth = build_context(extracts.truth.records, definitions).factors
    same = (ours.fillna(-1).to_numpy() == truth.fillna(-1).to_numpy()).mean()
    assert same > 0.97


def _anchor(linked: LinkageResult, person: str) -> str:
    return str(linked.links.loc[linked.links["person_id"] == person, "record_uid"].iloc[0])


def test_confirmed_links_are_merged_and_rejected_never(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    checked = check_extracts(extracts, linked.spec)
    ask = linked.uncertain_links.iloc[0]
    sure = linked.links[
        (linked.links["status"] == "linked") & (linked.links["agency"] == "police")
    ].iloc[0]
    decisions = LinkDecisions(
        pd.DataFrame(
            {
                "person_id": [ask["person_id"], sure["person_id"]],
                "agency": [ask["agency"], "police"],
                "agency_record_id": [ask["agency_record_id"], sure["agency_person_id"]],
                "decision": ["confirmed", "rejected"],
                "decided_by": ["worker a", "worker b"],
                "decided_on": ["2026-12-01", "2026-12-02"],
            }
        )
    )
    again = _assemble(checked, linked.scored, linked.spec, decisions, "duckdb").links.set_index(
        "record_uid"
    )
    confirmed = f"{ask['agency']}:{ask['agency_record_id']}"
    assert again.loc[confirmed, "person_id"] == ask["person_id"]
    assert again.loc[confirmed, "status"] == "linked"
    assert again.loc[sure["record_uid"], "person_id"] != sure["person_id"]
    # nobody else moved
    before = linked.links.set_index("record_uid")["person_id"]
    moved = again["person_id"] != before.reindex(again.index)
    assert set(moved[moved].index) <= {confirmed, sure["record_uid"]}


def test_decisions_naming_unknown_records_are_refused(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    checked = check_extracts(extracts, linked.spec)
    decisions = LinkDecisions(
        pd.DataFrame(
            {
                "person_id": ["Lnobody"],
                "agency": ["police"],
                "agency_record_id": ["PN0"],
                "decision": ["rejected"],
                "decided_by": ["w"],
                "decided_on": ["2026-12-01"],
            }
        )
    )
    with pytest.raises(InputError, match="rejected link decision names a person or record not in"):
        _assemble(checked, linked.scored, linked.spec, decisions, "duckdb")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"decision": "maybe"}, "'decision' column has \\['maybe'\\]"),
        ({"decided_on": "01/12/2026"}, "'decided_on' column has values that are not ISO 8601"),
        ({"decided_by": None}, "'decided_by' column has 1 missing"),
    ],
)
def test_bad_decisions(change: dict[str, Any], match: str) -> None:
    table = pd.DataFrame(
        {
            "person_id": ["L1"],
            "agency": ["police"],
            "agency_record_id": ["PN1"],
            "decision": ["confirmed"],
            "decided_by": ["w"],
            "decided_on": ["2026-12-01"],
        }
    ).assign(**change)
    with pytest.raises(InputError, match=match):
        LinkDecisions(table)


def test_write_is_atomic_and_charts_work_offline(
    linked: LinkageResult, tmp_path: pathlib.Path
) -> None:
    out = linked.write(tmp_path / "linked")
    assert (out / "records" / "people.csv").is_file()
    assert (out / "records" / "uncertain_links.csv").is_file()
    accounting = pd.read_csv(out / "accounting.csv", index_col=0)
    assert accounting["records"].sum() == len(linked.links)
    summary = json.loads((out / "linkage.json").read_text())
    assert summary == linked.to_dict()
    assert sum(a["records"] for a in summary["accounting"].values()) == len(linked.to_frame())
    for name in ("match_weights", "m_u_parameters"):
        spec = json.loads((out / "diagnostics" / f"{name}.vl.json").read_text())
        assert spec["data"]["values"]
        page = (out / "diagnostics" / f"{name}.html").read_text()
        assert "<script" in page and 'src="http' not in page and "cdn." not in page
    model = json.loads((out / "diagnostics" / "model.json").read_text())
    assert model["comparisons"][0]["output_column_name"] == "name"
    with pytest.raises(OutputError, match="already exists"):
        linked.write(out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".linked")]


def test_a_person_id_clash_is_refused_not_merged(
    extracts: AgencyExtracts, linked: LinkageResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import advisory.linkage._link as link_module

    checked = check_extracts(extracts, linked.spec)
    monkeypatch.setattr(
        link_module, "person_ids", lambda uids: np.full(len(uids), "L0", dtype=object)
    )
    with pytest.raises(InputError, match="same linked person id"):
        _assemble(checked, linked.scored, linked.spec, LinkDecisions.empty(), "duckdb")
