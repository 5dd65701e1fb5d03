"""Practitioners' answers to records to confirm, from the oversight trail back into linkage.

A review asks ``confirm:<agency record id>``; the trail records agree or
disagree; :func:`advisory.oversight.link_decisions` turns them into
``LinkDecisions``; the next run merges the confirmed record and keeps the
rejected one apart.
"""

from __future__ import annotations

import datetime as dt
import pathlib

import pandas as pd
import pytest

from advisory import InputError
from advisory.cli import main
from advisory.datasets import AgencyExtracts
from advisory.linkage import LinkageResult, LinkDecisions, link_extracts

oversight = pytest.importorskip("advisory.oversight")

AT = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)


def _case_of(linked: LinkageResult, person: str) -> str:
    """A case whose household holds the person (as the review of it would ask)."""
    records = linked.records
    homes = records.memberships.loc[records.memberships["person_id"] == person, "household_id"]
    people = records.memberships.loc[records.memberships["household_id"].isin(homes), "person_id"]
    return str(records.cases.loc[records.cases["person_id"].isin(people), "case_id"].iloc[0])


def _answer(store: object, linked: LinkageResult, row: pd.Series, verdict: str) -> str:
    prompt = f"confirm:{row['agency_record_id']}"
    review = {"case_id": _case_of(linked, row["person_id"]), "to_confirm": [{"prompt_id": prompt}]}
    rid = store.record_review(  # type: ignore[attr-defined]
        review, team="T1", practitioner="P7", model_version="m1", snapshot_date="2026-11-30",
        at=AT,
    )  # fmt: skip
    reason = "" if verdict == "agree" else "the GP practice says this is another child"
    store.record_response(rid, prompt, verdict, reason=reason, seconds=75.0, at=AT)  # type: ignore[attr-defined]
    return str(rid)


def _two_questions(linked: LinkageResult) -> tuple[pd.Series, pd.Series]:
    asked = linked.uncertain_links.drop_duplicates("agency_record_id", keep=False)
    in_a_case = [i for i, person in enumerate(asked["person_id"]) if _has_case(linked, person)]
    assert len(in_a_case) >= 2, "the shared linkage run must leave two records to confirm"
    return asked.iloc[in_a_case[0]], asked.iloc[in_a_case[1]]


def _has_case(linked: LinkageResult, person: str) -> bool:
    try:
        _case_of(linked, person)
    except IndexError:
        return False
    return True


def test_confirm_merges_and_reject_keeps_apart_on_relinking(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    confirm, reject = _two_questions(linked)
    with oversight.Store.open("sqlite://") as store:
        _answer(store, linked, confirm, "agree")
        _answer(store, linked, reject, "disagree")
        decisions = oversight.link_decisions(store, linked.uncertain_links, records=linked.records)
    table = decisions.table.set_index("agency_record_id")
    assert table.loc[confirm["agency_record_id"], "decision"] == "confirmed"
    assert table.loc[reject["agency_record_id"], "decision"] == "rejected"
    assert table.loc[reject["agency_record_id"], "person_id"] == reject["person_id"]
    assert set(table["decided_by"]) == {"P7"}
    assert set(map(str, table["decided_on"])) == {"2026-12-02"}

    again = link_extracts(extracts, linked.spec, model=linked.model, decisions=decisions)
    links = again.links.set_index("record_uid")
    merged = f"{confirm['agency']}:{confirm['agency_record_id']}"
    apart = f"{reject['agency']}:{reject['agency_record_id']}"
    assert links.loc[merged, "person_id"] == confirm["person_id"]
    assert links.loc[merged, "status"] == "linked"
    assert links.loc[apart, "person_id"] != reject["person_id"]
    # and it is not asked about again for that person
    asked = again.uncertain_links
    assert not (
        (asked["agency_record_id"] == reject["agency_record_id"])
        & (asked["person_id"] == reject["person_id"])
    ).any()


def test_the_latest_answer_stands_and_not_relevant_is_no_decision(
    linked: LinkageResult,
) -> None:
    first, second = _two_questions(linked)
    with oversight.Store.open("sqlite://") as store:
        _answer(store, linked, first, "agree")
        _answer(store, linked, first, "disagree")
        rid = _answer(store, linked, second, "agree")
        store.record_response(rid, f"confirm:{second['agency_record_id']}", "not_relevant",
                              reason="not about this family", seconds=20.0, at=AT)  # fmt: skip
        decisions = oversight.link_decisions(store, linked.uncertain_links)
        later = oversight.link_decisions(store, linked.uncertain_links, since="2026-12-03")
    # the second question's later 'not relevant' withdraws nothing: its 'agree' stands
    assert dict(
        zip(decisions.table["agency_record_id"], decisions.table["decision"], strict=True)
    ) == {
        first["agency_record_id"]: "rejected",
        second["agency_record_id"]: "confirmed",
    }
    assert len(later) == 0


def test_an_answer_about_a_record_not_asked_in_this_run_is_refused(
    linked: LinkageResult,
) -> None:
    row = linked.uncertain_links.iloc[0]
    with oversight.Store.open("sqlite://") as store:
        _answer(store, linked, row, "agree")
        other = linked.uncertain_links[linked.uncertain_links.index != row.name]
        with pytest.raises(InputError, match=r"not among these records to confirm"):
            oversight.link_decisions(store, other)
        with pytest.raises(InputError, match=r"'uncertain_links' table has no column 'agency'"):
            oversight.link_decisions(store, other.drop(columns="agency"))


def test_the_command_writes_decisions_that_link_reads(
    linked: LinkageResult, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    confirm, reject = _two_questions(linked)
    db = tmp_path / "trail.db"
    with oversight.Store.open(db) as store:
        _answer(store, linked, confirm, "agree")
        _answer(store, linked, reject, "disagree")
    run = linked.write(tmp_path / "linked")
    out = tmp_path / "decisions.csv"
    args = ["oversight", "decisions", "--db", str(db), "--linked", str(run), "--out", str(out)]
    assert main(args) == 0
    assert "2 link decisions from the trail (1 confirmed, 1 rejected)" in capsys.readouterr().out
    read = LinkDecisions.read_csv(out)
    assert sorted(read.table["decision"]) == ["confirmed", "rejected"]
    assert main(args) == 2  # an existing output is replaced only with --force
    assert "--force" in capsys.readouterr().err
