"""The Advisor facade: definitions in, reviews out; data-scientist outputs kept apart."""

from __future__ import annotations

import dataclasses
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import advisory
from advisory import Advisor, DefinitionError, InputError, ParameterError
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.models import NotFittedError
from advisory.prompts import Review, ReviewBuilder

ROOT = pathlib.Path(__file__).parents[1]

with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)  # matplotlib, at shap import
    import shap


@pytest.fixture(scope="module")
def data():
    return make_multiagency(n_cases=400, seed=3)


@pytest.fixture(scope="module")
def fitted(data):
    return Advisor.from_definitions(reference_root(), model_params={"n_resamples": 4}).fit(data)


def test_is_exposed_lazily():
    assert advisory.Advisor is Advisor
    assert "Advisor" in advisory.__all__


def test_from_repository_root_and_reference_root_agree():
    here = Advisor.from_definitions(ROOT)
    shipped = Advisor.from_definitions(reference_root())
    assert here.definitions.spec == shipped.definitions.spec
    assert repr(here) == "Advisor('cp_plan_12m', family='additive_boosting', not fitted)"


def test_missing_catalogue_entry_fails_at_construction():
    definitions = Advisor.from_definitions(reference_root()).definitions
    catalogue = definitions.catalogue
    short = dataclasses.replace(
        catalogue, entries=tuple(e for e in catalogue.entries if e.name != "adult_arrests")
    )
    with pytest.raises(DefinitionError, match="'adult_arrests', which has no entry"):
        Advisor(dataclasses.replace(definitions, catalogue=short))


def test_bad_arguments():
    with pytest.raises(ParameterError, match="'definitions' parameter of Advisor"):
        Advisor("models/")  # type: ignore[arg-type]
    with pytest.raises(NotFittedError, match="Call 'fit'"):
        Advisor.from_definitions(reference_root()).review(None)


def test_review_selected_cases_in_order(fitted, data):
    ids = ["C0000007", "C0000002"]
    reviews = fitted.review(data, case_ids=ids)
    assert [r.case_id for r in reviews] == ids
    assert all(isinstance(r, Review) for r in reviews)
    assert reviews[0].about.data_snapshot_date == data.snapshot_date.date().isoformat()
    assert reviews[0].about.model_version.startswith("cp_plan_12m additive_boosting model, fit-")


def test_review_dicts_are_the_reviews_dicts(fitted, data):
    ids = ["C0000007", "C0000002", "C0000011"]
    assert fitted.review_dicts(data, ids) == [r.to_dict() for r in fitted.review(data, ids)]
    assert len(fitted.review_dicts(data)) == len(data.cases)
    with pytest.raises(NotFittedError, match="Call 'fit'"):
        Advisor.from_definitions(reference_root()).review_dicts(data)


def test_unknown_case_id_is_a_clear_error(fitted, data):
    with pytest.raises(InputError, match=r"Unknown case ids \['C9999999'\]"):
        fitted.review(data, case_ids=["C9999999"])
    with pytest.raises(InputError, match=r"Unknown case ids \['C9999999'\]"):
        fitted.review_dicts(data, case_ids=["C9999999"])


def test_review_from_context_matches_review_from_records(fitted, data):
    context = fitted._context(data, None)
    ids = ["C0000003", "C0000011"]
    from_context = fitted.review(context, case_ids=ids)
    from_records = fitted.review(data, case_ids=ids)

    # A context carries no snapshot date; the review falls back to its latest reference date.
    def strip(review):
        return {k: v for k, v in review.to_dict().items() if k != "about"}

    assert [strip(r) for r in from_context] == [strip(r) for r in from_records]


def test_explain_adds_up_to_decision_function(fitted, data):
    ids = list(data.cases["case_id"][:30])
    explanation = fitted.explain(data, case_ids=ids)
    assert isinstance(explanation, shap.Explanation)
    margin = fitted.decision_function(data, case_ids=ids)
    assert isinstance(margin, pd.Series) and list(margin.index) == ids
    total = explanation.base_values + explanation.values.sum(axis=1)
    np.testing.assert_allclose(total, margin.to_numpy(), atol=1e-6)


def test_fit_needs_the_outcome(data):
    cases = data.cases.drop(columns="outcome")
    tables = {name: getattr(data, name) for name in ("people", "memberships", "relationships")}
    tables |= {"events": data.events, "coverage": data.coverage, "cases": cases}
    with pytest.raises(InputError, match="outcome column 'outcome'"):
        Advisor.from_definitions(reference_root()).fit(tables)


def test_builder_needs_stability(data):
    advisor = Advisor.from_definitions(reference_root(), model_params={"n_resamples": 0})
    advisor.fit(data)
    with pytest.raises(ParameterError, match="'n_resamples' parameter"):
        ReviewBuilder(
            advisor.definitions,
            advisor.explainer_,
            model_version="m",
            data_snapshot_date=data.snapshot_date.date(),
        )


def test_a_review_is_the_same_alone_and_in_a_batch_without_a_snapshot_date(fitted, data):
    from advisory.context import SCHEMA

    records = {name: getattr(data, name) for name in SCHEMA}  # no snapshot_date
    batch = fitted.review(records)
    latest = data.cases["reference_date"].max().date().isoformat()
    assert {r.about.data_snapshot_date for r in batch} == {latest}
    for position in (0, 7, len(batch) - 1):
        alone = fitted.review(records, [batch[position].case_id])[0]
        assert alone.to_json() == batch[position].to_json()


def test_reviews_from_an_index_equal_reviews_from_records(fitted, data):
    index = fitted.index(data)
    cases = list(data.cases["case_id"][:4])
    assert [r.to_dict() for r in fitted.review(index, cases)] == [
        r.to_dict() for r in fitted.review(data, cases)
    ]
