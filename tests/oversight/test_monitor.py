"""The monitor finds the planted practitioners; findings are observations, never judgements."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE, JsonResult
from advisory.datasets import simulate_oversight
from advisory.fairness._binomial import wilson_interval
from advisory.oversight import Store, monitor, record_simulated
from advisory.oversight._findings import check_finding


@pytest.fixture(scope="module")
def simulated() -> Any:
    return simulate_oversight(450, seed=3)


@pytest.fixture(scope="module")
def records(simulated: Any, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    url = f"sqlite:///{tmp_path_factory.mktemp('monitor') / 'trail.db'}"
    with Store.open(url) as store:
        record_simulated(store, simulated)
        return store.records()


def test_the_rubber_stamp_team_is_named_and_the_careful_team_is_not(
    simulated: Any, records: pd.DataFrame
) -> None:
    result = monitor(records, groups=simulated.reviews[["case_id", "group"]])
    truth = simulated.truth["teams"]
    stamp = next(t for t, s in truth.items() if s == "rubber_stamp")
    careful = next(t for t, s in truth.items() if s == "careful")
    randomly = next(t for t, s in truth.items() if s == "random")
    named = {(f.topic, f.subject) for f in result.findings}
    assert ("quick_agreement", stamp) in named
    assert ("own_view", stamp) in named
    assert not any(f.subject in (careful, randomly) for f in result.findings)
    # the prompt the careful practitioners mostly find off is named; no other prompt is
    relevant = {f.subject for f in result.findings if f.topic == "not_relevant"}
    assert relevant == {simulated.truth["rarely_relevant_prompt"]}
    stamp_text = next(f.text for f in result.findings if f.subject == stamp)
    assert stamp_text.startswith(f"In team {stamp}, every prompt was agreed within 10 seconds")
    for finding in result.findings:
        check_finding(finding.text)
        assert "W0" not in finding.text  # never a practitioner


def test_team_table_matches_a_direct_count(simulated: Any, records: pd.DataFrame) -> None:
    result = monitor(records)
    team = result.by_team.set_index("team")
    reviews = simulated.reviews
    has_view = reviews.assign(v=reviews["own_view_at"].notna()).groupby("team")["v"].sum()
    assert team["own_view_first"].to_dict() == has_view.to_dict()
    answers = simulated.responses.merge(reviews[["review_id", "team"]], on="review_id")
    agree = answers[answers["verdict"] == "agree"].groupby("team").size()
    assert team["agree"].to_dict() == agree.to_dict()
    low, high = wilson_interval(team["agree"], team["n"], DEFAULT_CONFIDENCE)
    np.testing.assert_allclose(team["agree_low"], low)
    np.testing.assert_allclose(team["agree_high"], high)
    medians = answers.groupby("team")["seconds"].median()
    np.testing.assert_allclose(team["seconds_median"], medians)
    by_prompt = result.by_prompt.set_index("prompt_id")["seconds_median"]
    expected = simulated.responses.groupby("prompt_id")["seconds"].median()
    np.testing.assert_allclose(by_prompt.loc[expected.index], expected)
    assert result.n_responses == len(simulated.responses)
    assert result.n_reviews == len(reviews)


def test_a_corrected_response_replaces_the_earlier_one(tmp_path: Any) -> None:
    with Store.open(tmp_path / "t.db") as store:
        rid = store.record_review({"case_id": "C1", "questions": [{"prompt_id": "p"}]},
                                  team="T", practitioner="W", model_version="m",
                                  snapshot_date="2026-01-01")  # fmt: skip
        store.record_response(rid, "p", "agree", seconds=2.0)
        store.record_response(rid, "p", "disagree", reason="on reflection", seconds=50.0)
        result = monitor(store)
    row = result.by_prompt.iloc[0]
    assert (row["n"], row["agree"], row["disagree"]) == (1, 0, 1)
    assert result.by_factor["factor"].tolist() == ["(no single factor)"]


def test_small_groups_are_suppressed_with_the_audits_rule(
    simulated: Any, records: pd.DataFrame
) -> None:
    groups = simulated.reviews[["case_id", "group"]].copy()
    groups.loc[groups.index[:2], "group"] = "tiny"
    table = monitor(records, groups=groups).by_group("group").set_index("group")
    assert table.loc["tiny", "suppressed"]
    assert table.loc[["tiny"], ["agree_rate", "n"]].isna().all(axis=None)
    # secondary suppression: one more group is withheld so the total cannot reveal the tiny one
    assert table["suppressed"].sum() == 2
    with pytest.raises(InputError, match="no groups for 'sex'"):
        monitor(records, groups=groups).by_group("sex")


def test_result_shapes(records: pd.DataFrame) -> None:
    result = monitor(records)
    assert isinstance(result, JsonResult)
    assert result.settings["confidence"] == DEFAULT_CONFIDENCE
    assert "\n" not in result.to_json(indent=None)
    data = result.to_dict()
    assert json.loads(result.to_json()) == json.loads(json.dumps(data))
    assert {"by_prompt", "by_team", "by_month", "findings", "reasons", "note"} <= set(data)
    frame = result.to_frame()
    assert set(frame["table"]) == {"by_prompt", "by_factor", "by_month", "by_model_version",
                                   "by_team"}  # fmt: skip
    assert list(result.by_month["month"]) == sorted(result.by_month["month"])
    assert "not a judgement of any worker" in result.note
    reasons = result.reasons
    assert (reasons["n"] >= 1).all()
    assert "(other reasons)" in set(reasons["reason"]) or (reasons["n"] >= 10).all()


def test_rare_reasons_are_grouped_as_other(tmp_path: Any) -> None:
    with Store.open(tmp_path / "t.db") as store:
        for i in range(12):
            rid = store.record_review({"case_id": f"C{i}", "questions": [{"prompt_id": "p"}]},
                                      team="T", practitioner="W", model_version="m",
                                      snapshot_date="2026-01-01")  # fmt: skip
            reason = "Already  KNOWN" if i < 10 else f"about Mrs Smith {i}"
            store.record_response(rid, "p", "disagree", reason=reason, seconds=20.0)
        reasons = monitor(store).reasons
    assert reasons[["reason", "n"]].values.tolist() == [["already known", 10],
                                                        ["(other reasons)", 2]]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"quick_seconds": 0}, "quick_seconds"),
        ({"attention_share": 1.0}, "attention_share"),
        ({"confidence": 95}, "confidence"),
    ],
)
def test_bad_parameters(records: pd.DataFrame, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        monitor(records, **kwargs)


def test_bad_sources() -> None:
    with pytest.raises(InputError, match="no column 'kind'"):
        monitor(pd.DataFrame({"seq": [1]}))
    with pytest.raises(InputError, match="needs a Store"):
        monitor([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Team T1 is careless with the prompts.",
        "Team T1 should record an own view.",
        "The team's agreement is in the top band.",
        "This case is high risk.",
    ],
)
def test_the_finding_guard_refuses_judgements(text: str) -> None:
    with pytest.raises(Exception, match="must be an observation"):
        check_finding(text)


def test_an_empty_trail_and_a_review_without_responses(tmp_path: Any) -> None:
    with Store.open(tmp_path / "t.db") as store:
        empty = monitor(store)
        assert (empty.n_reviews, empty.n_responses, empty.findings) == (0, 0, ())
        assert json.loads(empty.to_json())["by_prompt"] == []
        review = {"case_id": "C1", "q": [{"prompt_id": "p"}]}
        store.record_review(
            review, team="T", practitioner="W", model_version="m", snapshot_date="2026-01-01"
        )
        one = monitor(store)
    row = one.by_team.iloc[0]
    assert (row["reviews"], row["answered"], row["own_view_first"]) == (1, 0, 0)


def test_host_ids_that_look_like_ranked_words_do_not_break_the_findings(
    simulated: Any, records: pd.DataFrame
) -> None:
    renamed = records.assign(team=records["team"].replace({"team_b": "Red High"}))
    result = monitor(renamed)
    assert {f.subject for f in result.findings if f.topic == "quick_agreement"} == {"Red High"}
    same = monitor(records)
    # renaming a team changes nothing but its name
    pd.testing.assert_frame_equal(
        result.by_team.drop(columns="team").reset_index(drop=True),
        same.by_team.sort_values("team", key=lambda t: t.replace({"team_b": "Red High"}))
        .drop(columns="team")
        .reset_index(drop=True),
    )
