"""The trail on SQLite and PostgreSQL: order rules, append-only, hash chain, transactions."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from advisory import InputError
from advisory.oversight import (
    ModelSwitchedOffError,
    OversightError,
    Store,
    StoreVersionError,
    check_model_version,
    review_hash,
)

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _review(case_id: str = "C1") -> dict[str, Any]:
    return {
        "case_id": case_id,
        "stands_out": [{"prompt_id": "stands_out:a", "factor": "a", "question": "What?"}],
        "strengths": [{"prompt_id": "strengths:b", "factor": "b"}],
        "could_not_see": {"open_question": {"prompt_id": "open", "question": "Who?"}},
    }


def _issue(store: Store, case_id: str = "C1", **kw: Any) -> str:
    args: dict[str, Any] = {
        "team": "T1",
        "practitioner": "W1",
        "model_version": "m1",
        "snapshot_date": "2026-10-31",
        "definitions_sha256": {"spec": "ab" * 32},
        "at": T0,
    }
    args.update(kw)
    return store.record_review(_review(case_id), **args)


@pytest.fixture
def store(store_url: str) -> Any:
    with Store.open(store_url) as opened:
        yield opened


def test_a_full_review_is_recorded_in_order_and_verifies(store: Store) -> None:
    rid = _issue(store)
    store.record_own_view(rid, worries="school", going_well="grandmother", at=T0)
    store.record_prompts_shown(rid, at=T0 + dt.timedelta(minutes=5))
    store.record_responses(
        rid,
        [
            {"prompt_id": "stands_out:a", "verdict": "agree", "seconds": 30.5},
            {"prompt_id": "open", "verdict": "not_relevant", "reason": "known", "seconds": 12},
        ],
    )
    store.record_decision("C1", category="early help", text="family agreed", team="T1",
                          practitioner="W1")  # fmt: skip
    frame = store.records()
    assert list(frame["kind"]) == [
        "review_issued", "own_view", "prompts_shown", "response", "response", "decision",
    ]  # fmt: skip
    assert list(frame["seq"]) == [1, 2, 3, 4, 5, 6]
    issued = json.loads(frame["content"].iloc[0])
    assert issued["review_sha256"] == review_hash(_review())
    assert issued["prompts"] == [["stands_out:a", "a"], ["strengths:b", "b"], ["open", None]]
    assert issued["snapshot_date"] == "2026-10-31"
    # no review text is copied into the trail
    assert "What?" not in frame.to_json()
    responses = frame[frame["kind"] == "response"]
    assert list(responses["factor"].fillna("-")) == ["a", "-"]
    assert list(responses["seconds"]) == [30.5, 12.0]
    assert set(responses["team"]) == {"T1"}
    assert frame["recorded_at"].iloc[0] == "2026-11-02T09:00:00.000000+00:00"
    result = store.verify()
    assert result.ok and result.n_records == 6 and result.first_bad_seq is None
    assert result.head == frame["hash"].iloc[-1]


def test_records_out_of_order_are_clear_errors(store: Store) -> None:
    with pytest.raises(OversightError, match=r"No review of case 'C9'.*record_review first"):
        store.record_decision("C9", category="none", team="T1", practitioner="W1")
    with pytest.raises(OversightError, match="No review 'nope' is in the oversight trail"):
        store.record_response("nope", "open", "agree", seconds=1.0)
    rid = _issue(store)
    with pytest.raises(OversightError, match=r"did not hold prompt 'stands_out:zz'; it held \["):
        store.record_response(rid, "stands_out:zz", "agree", seconds=1.0)
    store.record_own_view(rid, worries="first")
    store.record_own_view(rid, worries="a correction before the prompts is a new record")
    store.record_prompts_shown(rid)
    with pytest.raises(OversightError, match="cannot be recorded now: its prompts were shown"):
        store.record_own_view(rid, worries="after")
    with pytest.raises(OversightError, match="already recorded as shown"):
        store.record_prompts_shown(rid)
    other = _issue(store, "C2")
    store.record_response(other, "open", "agree", seconds=3.0)
    with pytest.raises(OversightError, match="its prompts were answered"):
        store.record_own_view(other, worries="late")
    with pytest.raises(OversightError, match="already in the oversight trail"):
        _issue(store, "C3", review_id=other)
    assert store.verify().ok
    assert len(store.records(["own_view"])) == 2


def test_bad_values_are_refused_before_anything_is_written(store: Store) -> None:
    rid = _issue(store)
    with pytest.raises(InputError, match="needs a reason"):
        store.record_response(rid, "open", "disagree", seconds=2.0)
    with pytest.raises(InputError, match="seconds must be a finite number"):
        store.record_response(rid, "open", "agree", seconds=float("nan"))
    with pytest.raises(ValueError, match="verdict"):
        store.record_response(rid, "open", "maybe", seconds=1.0)
    with pytest.raises(InputError, match="with a time zone"):
        store.record_own_view(rid, worries="x", at=dt.datetime(2026, 1, 1))
    with pytest.raises(InputError, match="ISO 8601 date"):
        _issue(store, "C2", snapshot_date="31/10/2026")
    with pytest.raises(InputError, match="needs some content"):
        store.record_own_view(rid)
    with pytest.raises(InputError, match="no text 'case_id'"):
        store.record_review({"prompt_id": "x"}, team="T", practitioner="W", model_version="m",
                            snapshot_date="2026-01-01")  # fmt: skip
    assert len(store.records()) == 1


def test_a_failure_in_the_middle_of_a_batch_leaves_no_partial_record(store: Store) -> None:
    rid = _issue(store)
    with pytest.raises(OversightError, match="did not hold prompt 'missing'"):
        store.record_responses(
            rid,
            [
                {"prompt_id": "open", "verdict": "agree", "seconds": 1.0},
                {"prompt_id": "missing", "verdict": "agree", "seconds": 1.0},
            ],
        )
    assert len(store.records()) == 1 and store.verify().ok


def test_the_database_refuses_update_and_delete(store: Store) -> None:
    _issue(store)
    engine = store._engine
    statements = ["UPDATE oversight_record SET team = 'X'", "DELETE FROM oversight_record"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE oversight_record")
    for statement in statements:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert store.records()["team"].iloc[0] == "T1"


def _drop_triggers(store: Store) -> None:
    with store._engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER oversight_record_append_only ON oversight_record"))
        else:
            conn.execute(sa.text("DROP TRIGGER oversight_record_no_update"))
            conn.execute(sa.text("DROP TRIGGER oversight_record_no_delete"))


@pytest.mark.parametrize(
    ("statement", "seq", "problem"),
    [
        ("UPDATE oversight_record SET verdict = 'agree' WHERE seq = 3", 3, "was changed"),
        ("UPDATE oversight_record SET seconds = 0.5 WHERE seq = 4", 4, "was changed"),
        (
            'UPDATE oversight_record SET content = \'{"worries":"","going_well":"x",'
            '"categories":[]}\' WHERE seq = 2',
            2,
            "was changed",
        ),
        ("DELETE FROM oversight_record WHERE seq = 3", 4, "record 3 is missing"),
    ],
)
def test_verify_finds_a_row_edited_with_raw_sql(
    store: Store, statement: str, seq: int, problem: str
) -> None:
    rid = _issue(store)
    store.record_own_view(rid, worries="x")
    store.record_response(rid, "open", "disagree", reason="not here", seconds=4.0)
    store.record_response(rid, "stands_out:a", "agree", seconds=4.0)
    assert store.verify().ok
    _drop_triggers(store)
    with store._engine.begin() as conn:
        conn.execute(sa.text(statement))
    result = store.verify()
    assert not result.ok
    assert result.first_bad_seq == seq
    assert problem in result.problem


def test_a_rewritten_chain_link_is_found(store: Store) -> None:
    rid = _issue(store)
    store.record_response(rid, "open", "agree", seconds=4.0)
    _drop_triggers(store)
    with store._engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE oversight_record SET prev_hash = '{'1' * 64}' WHERE seq = 2"))
    result = store.verify()
    assert not result.ok and "does not link" in result.problem and result.first_bad_seq == 2


def test_a_switched_off_model_version_gives_no_more_reviews(store: Store) -> None:
    _issue(store, "C1")
    store.switch_off("m1", reason="a re-audit is due", by="board")
    with pytest.raises(ModelSwitchedOffError, match=r"'m1' was switched off.*a re-audit is due"):
        _issue(store, "C2")
    with pytest.raises(ModelSwitchedOffError, match="switch_on"):
        check_model_version(store, "m1")
    check_model_version(store, "m2")
    with pytest.raises(OversightError, match="already off"):
        store.switch_off("m1", reason="again", by="board")
    store.switch_on("m1", reason="re-audited", by="board")
    check_model_version(store, "m1")
    _issue(store, "C3")
    assert store.verify().ok


def test_reopening_keeps_the_trail_and_a_newer_schema_is_refused(store_url: str) -> None:
    with Store.open(store_url) as store:
        _issue(store)
        assert store.schema_revision == "0001"
    with Store.open(store_url) as again:
        assert len(again.records()) == 1 and again.verify().ok
        with again._engine.begin() as conn:
            conn.execute(sa.text("UPDATE advisory_oversight_version SET version_num = '9999'"))
    with pytest.raises(StoreVersionError, match="'9999', newer than this advisory's"):
        Store.open(store_url)


def test_a_plain_postgresql_url_uses_psycopg_3(postgres: Any) -> None:
    url = postgres.new_database().replace("postgresql+psycopg://", "postgresql://")
    with Store.open(url) as store:
        assert store.url.startswith("postgresql+psycopg://") and store.verify().ok


def test_a_sqlite_path_opens_a_file(tmp_path: Any) -> None:
    with Store.open(tmp_path / "trail.db") as store:
        assert store.url.startswith("sqlite:///") and store.verify().n_records == 0
    with pytest.raises(InputError, match="SQLite or PostgreSQL URL"):
        Store.open("mysql://x/y")


def _writers(url: str, n_writers: int, n_reviews: int, per_review: int) -> None:
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            with Store.open(url) as store:
                review = {"case_id": "C", "questions": [
                    {"prompt_id": f"p{i}"} for i in range(per_review)]}  # fmt: skip
                for r in range(n_reviews):
                    rid = store.record_review(
                        {**review, "case_id": f"C{w}-{r}"}, team=f"T{w}", practitioner=f"W{w}",
                        model_version="m1", snapshot_date="2026-10-31",
                    )  # fmt: skip
                    store.record_responses(
                        rid,
                        [{"prompt_id": f"p{i}", "verdict": "agree", "seconds": 1.0}
                         for i in range(per_review)],
                    )  # fmt: skip
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(n_writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def _check_concurrent(url: str, n_writers: int, n_reviews: int, per_review: int) -> None:
    _writers(url, n_writers, n_reviews, per_review)
    with Store.open(url) as store:
        frame = store.records()
        result = store.verify()
    responses = frame[frame["kind"] == "response"]
    assert len(responses) == n_writers * n_reviews * per_review
    assert responses.groupby("team").size().to_dict() == {
        f"T{w}": n_reviews * per_review for w in range(n_writers)
    }
    assert result.ok, result.problem
    assert result.n_records == n_writers * n_reviews * (1 + per_review)


def test_concurrent_writers_lose_nothing_and_keep_the_chain(store_url: str) -> None:
    Store.open(store_url).close()  # schema first, as a deployment would
    _check_concurrent(store_url, n_writers=8, n_reviews=10, per_review=5)


@pytest.mark.slow
def test_eight_writers_of_ten_thousand_responses_each(store_url: str) -> None:
    Store.open(store_url).close()
    _check_concurrent(store_url, n_writers=8, n_reviews=1_000, per_review=10)


def test_a_transaction_is_all_or_nothing(store: Store) -> None:
    with store.transaction():
        rid = _issue(store)
        store.record_own_view(rid, worries="x")
        store.record_response(rid, "open", "agree", seconds=3.0)
    with pytest.raises(OversightError, match="did not hold prompt 'zz'"), store.transaction():
        other = _issue(store, "C2")
        store.record_response(other, "open", "agree", seconds=3.0)
        store.record_response(other, "zz", "agree", seconds=3.0)
    frame = store.records()
    assert list(frame["kind"]) == ["review_issued", "own_view", "response"]
    assert store.verify().ok
    # the order rules hold for records made within one transaction too
    with pytest.raises(OversightError, match="its prompts were answered"), store.transaction():
        third = _issue(store, "C3")
        store.record_response(third, "open", "agree", seconds=3.0)
        store.record_own_view(third, worries="late")
    with store.transaction():
        fourth = _issue(store, "C4")
        store.record_response(fourth, "open", "agree", seconds=3.0)
    store.record_response(fourth, "stands_out:a", "agree", seconds=3.0)
    assert len(store.records()) == 6 and store.verify().ok
    with (
        pytest.raises(OversightError, match="do not nest it"),
        store.transaction(),
        store.transaction(),
    ):
        pass


def test_the_migrated_schema_matches_the_table_the_code_writes(store: Store) -> None:
    from advisory.oversight._tables import RECORD

    found = {c["name"]: c for c in sa.inspect(store._engine).get_columns("oversight_record")}
    assert list(found) == [c.name for c in RECORD.columns]
    for column in RECORD.columns:
        assert found[column.name]["nullable"] == column.nullable, column.name
    indexes = {i["name"] for i in sa.inspect(store._engine).get_indexes("oversight_record")}
    assert {"ix_oversight_record_review", "ix_oversight_record_case"} <= indexes
