"""The audit's descriptive sections: subject, label card, validity; and case attributes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from advisory import InputError, ParameterError
from advisory.datasets import make_multiagency
from advisory.definitions import load_definitions, reference_root
from advisory.fairness import audit, label_section, subject_section, validity_section
from advisory.fairness._attributes import NOT_RECORDED, case_attributes
from advisory.models import ScorecardClassifier, validate

DEFINITIONS = load_definitions(reference_root())


@pytest.fixture(scope="module")
def small():
    return make_multiagency(n_cases=300, seed=4)


def _scored(n=400, seed=0):
    rng = np.random.default_rng(seed)
    s = rng.uniform(size=n)
    y = (rng.uniform(size=n) < s).astype(int)
    return y, s, pd.DataFrame({"sex": rng.choice(["F", "M"], n)})


def test_an_audit_of_scores_alone_says_what_it_could_not_assess():
    result = audit(*_scored(), n_boot=30).to_dict()
    assert result["subject"]["kind"] == "external_scores"
    for section in ("label", "validity", "proxies", "parity"):
        assert section in result
        assert result[section] is None


def test_an_external_tool_can_be_named_and_its_label_described():
    outcome = DEFINITIONS.spec.outcome
    result = audit(*_scored(), n_boot=30, subject="Tool X v2", label=outcome)
    assert result.subject == {
        "kind": "external_scores",
        "description": "Tool X v2",
        "model_version": None,
    }
    card = result.to_dict()["label"]
    assert card["label"] == outcome.label
    assert "past decision" in card["records"]
    assert "\n" not in card["records"]
    assert card["known_biases"] == list(outcome.known_biases)
    json.dumps(result.to_dict())


def test_a_label_that_is_not_an_outcome_is_refused():
    with pytest.raises(ParameterError, match=r"'label'.*Outcome"):
        audit(*_scored(), n_boot=30, label="plan started")  # type: ignore[arg-type]


def test_with_sections_refuses_unknown_sections_and_keeps_the_rest():
    result = audit(*_scored(), n_boot=30, subject="Tool X")
    with pytest.raises(ParameterError, match="'verdict'"):
        result.with_sections(verdict="fine")
    again = result.with_sections(label=label_section(DEFINITIONS.spec.outcome))
    assert again.subject["description"] == "Tool X"
    assert again.to_frame().equals(result.to_frame())


def test_subject_needs_a_known_kind_and_a_description():
    with pytest.raises(ParameterError, match="'kind'"):
        subject_section("score", "x")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="'description'"):
        subject_section("external_scores", "  ")


def test_validity_section_carries_every_figure_with_its_interval_and_the_verdicts():
    rng = np.random.default_rng(0)
    n = 1500
    X = pd.DataFrame(
        {
            "child_prior_referrals": rng.poisson(0.6, n).astype(float),
            "other": rng.normal(size=n),
        }
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(1.5 - X["child_prior_referrals"]))).astype(int)
    result = validate(ScorecardClassifier(), X, y, split="random", n_boot=100)
    section = validity_section(result)
    json.dumps(section)
    assert section["n_test"] + section["n_train"] == n
    assert len(section["metrics"]) == len(result.metrics)
    assert len(section["differences"]) == len(result.differences)
    defined = 0
    for row in section["metrics"] + section["differences"]:
        lo, hi = row["interval"]
        if lo is None or hi is None:  # e.g. a constant scorer has no calibration slope
            continue
        assert lo <= hi
        defined += 1
    assert defined >= len(section["metrics"]) + len(section["differences"]) - 2
    assert set(section["verdicts"]) == {"prevalence", "prior_referral_rule", "logistic_regression"}
    with pytest.raises(ParameterError, match="'validation'"):
        validity_section(section)  # type: ignore[arg-type]


def test_case_attributes_reads_the_child_and_derives_the_age_band(small):
    ids = list(small.cases["case_id"])
    frame, notes = case_attributes(small, ids, DEFINITIONS.policy)
    assert list(frame.index) == ids
    assert notes == ()
    child = small.cases.merge(small.people, on="person_id").set_index("case_id").loc[ids]
    assert (frame["ethnicity"] == child["ethnicity"].astype(str)).all()
    assert set(frame["disability"]) == {"yes", "no"}
    age = (child["reference_date"] - child["birth_date"]).dt.days / 365.25
    expected = np.select([age < 5, age < 10, age < 16], ["0-4", "5-9", "10-15"], "16 and over")
    assert (frame["age_band"].to_numpy() == expected).all()


def test_case_attributes_reports_missing_values_as_a_group(small):
    people = small.people.copy()
    people["ethnicity"] = people["ethnicity"].astype(object)
    child = small.cases["person_id"].iloc[0]
    people.loc[people["person_id"] == child, "ethnicity"] = None
    records = {"cases": small.cases, "people": people}
    frame, notes = case_attributes(records, list(small.cases["case_id"]), DEFINITIONS.policy)
    assert frame["ethnicity"].iloc[0] == NOT_RECORDED
    assert notes == (
        f"ethnicity: not recorded for 1 cases, audited as the group {NOT_RECORDED!r}.",
    )


def test_case_attributes_names_a_column_no_table_has(small):
    people = small.people.drop(columns="deprivation_decile")
    with pytest.raises(InputError, match="'deprivation_decile'"):
        case_attributes({"cases": small.cases, "people": people}, ["C0000001"], DEFINITIONS.policy)
    with pytest.raises(InputError, match="no case"):
        case_attributes(small, ["C9999999"], DEFINITIONS.policy)
