"""Advisor.audit: the group audit, proxies, parity, validity and label card of a fitted model."""

from __future__ import annotations

import json

import pytest

from advisory import Advisor, ParameterError
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.fairness import Audit, label_section, validity_section
from advisory.models import NotFittedError
from advisory.reports import audit_json, check_audit_document

from .recovery import published_counts, solve_exactly, subtract_margins


@pytest.fixture(scope="module")
def split():
    data = make_multiagency(n_cases=1_500, seed=21)
    order = data.cases.sort_values(["reference_date", "case_id"])["case_id"].tolist()
    cut = int(0.7 * len(order))
    return data, order[:cut], order[cut:]


@pytest.fixture(scope="module")
def advisor(split):
    data, earlier, _ = split
    params = {"n_resamples": 4}
    return Advisor.from_definitions(reference_root(), model_params=params).fit(data, earlier)


@pytest.fixture(scope="module")
def validation(advisor, split):
    data, _, later = split
    return advisor.validate(data, later, n_boot=100)


@pytest.fixture(scope="module")
def result(advisor, split, validation):
    data, _, later = split
    return advisor.audit(data, later, validation=validation, n_boot=60)


def test_every_section_is_assessed_for_a_model_of_this_library(result, advisor, validation):
    assert isinstance(result, Audit)
    assert result.subject["kind"] == "advisory_model"
    assert result.subject["model_version"] == advisor.model_version_
    assert result.label == label_section(advisor.definitions.spec.outcome)
    assert result.validity == validity_section(validation)
    doc = result.to_dict()
    assert doc["proxies"] and doc["parity"]["attribution"] and doc["parity"]["callouts"]
    factors = {f.name for f in advisor.definitions.spec.factors}
    assert {e["factor"] for e in doc["parity"]["attribution"]} == factors
    policy = advisor.definitions.policy
    assert set(result.attributes) >= {a.name for a in policy.attributes}
    check_audit_document(json.loads(audit_json(result)))


def test_the_audit_covers_exactly_the_cases_asked_for(result, split):
    _, _, later = split
    assert result.n_cases == len(later)
    assert not any("used to fit the model" in note for note in result.notes)


def test_auditing_training_cases_says_the_figures_are_optimistic(advisor, split):
    data, earlier, later = split
    mixed = earlier[:300] + later[:300]
    audited = advisor.audit(data, mixed, n_boot=30)
    assert any(note.startswith("50% of the audited cases were used") for note in audited.notes)


def test_suppressed_groups_stay_suppressed_in_proxies_and_parity(result):
    hidden = {(a, g) for a, g in result.suppressed_groups if " x " not in a}
    assert hidden, "the policy's small groups should be suppressed at this size"
    doc = result.to_dict()
    for entry in doc["proxies"] + doc["parity"]["attribution"] + doc["parity"]["callouts"]:
        if (entry["attribute"], entry["group"]) in hidden:
            assert entry == {k: entry[k] for k in entry if k in _SUPPRESSED_KEYS}
            assert entry["suppressed"] is True


_SUPPRESSED_KEYS = {"attribute", "group", "factor", "suppressed"}


def test_no_withheld_group_size_can_be_worked_out_from_the_report(result):
    """Margins minus published cells, in every direction and combination, over every table
    of the model's audit and its report (five attributes, two intersections, proxies)."""
    doc = json.loads(audit_json(result))
    tables = published_counts(doc)["n"]
    assert any(v is None for t in tables.values() for v in t.values())
    assert subtract_margins(tables, doc["n_cases"]) == {}
    assert solve_exactly(tables, doc["n_cases"]) == {}
    # what the board reads: the report names attributes by the policy's labels
    assert doc["attribute_labels"]["deprivation_decile"] == "Deprivation decile"


def test_the_audit_is_deterministic_under_its_seed(advisor, split, validation, result):
    data, _, later = split
    again = advisor.audit(data, later, validation=validation, n_boot=60)
    assert again.to_dict() == result.to_dict()


def test_bad_arguments_are_named(advisor, split):
    data, _, later = split
    with pytest.raises(ParameterError, match="'n_boot'"):
        advisor.audit(data, later, n_boot=3)
    with pytest.raises(NotFittedError, match="before 'audit'"):
        Advisor.from_definitions(reference_root()).audit(data)
