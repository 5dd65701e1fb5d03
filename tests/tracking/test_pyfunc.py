"""The pyfunc flavour: a host loads the logged model and gets reviews, never scores."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from advisory import Advisor, InputError
from advisory.datasets import MultiAgencyData
from advisory.tracking import LoggedRun

from .conftest import using_tracking_uri
from .mlflow_warnings import MLFLOW_WARNINGS

pytestmark = [pytest.mark.filterwarnings(w) for w in MLFLOW_WARNINGS]

mlflow = pytest.importorskip("mlflow")

TABLES = ("people", "memberships", "relationships", "events", "coverage", "cases")
#: Keys a review must never carry, at any depth.
SCORE_KEYS = {
    "score",
    "scores",
    "probability",
    "proba",
    "margin",
    "risk",
    "rank",
    "band",
    "threshold",
    "prediction",
    "shap_value",
    "shap_values",
    "base_value",
    "attribution",
}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _records(data: MultiAgencyData, n: int) -> dict[str, object]:
    records: dict[str, object] = {name: getattr(data, name) for name in TABLES}
    records["cases"] = data.cases.drop(columns="outcome").head(n)
    records["snapshot_date"] = data.snapshot_date
    return records


@pytest.mark.parametrize("which", ["local_run", pytest.param("server_run", marks=pytest.mark.slow)])
def test_host_gets_review_json_without_scores(
    which: str,
    request: pytest.FixtureRequest,
    fitted: Advisor,
    tracked_data: MultiAgencyData,
) -> None:
    run: LoggedRun = request.getfixturevalue(which)
    records = _records(tracked_data, 3)
    with using_tracking_uri(run.tracking_uri):
        model = mlflow.pyfunc.load_model(run.model_uri)
        registered = mlflow.pyfunc.load_model(f"models:/advisory-review/{run.registered_version}")
    out = model.predict(records)
    assert isinstance(out, pd.Series)
    assert out.name == "review"
    assert list(out.index) == list(tracked_data.cases["case_id"].head(3))
    expected = [r.to_json() for r in fitted.review(tracked_data, list(out.index))]
    assert list(out) == expected
    for text in out:
        review = json.loads(text)
        assert review["statement"].startswith("Not a decision")
        assert review["schema"] == "urn:advisory:review:v2"
        assert _keys(review) & SCORE_KEYS == set()
    assert list(registered.predict(records)) == list(out)
    before = mlflow.get_tracking_uri()
    assert list(run.load_model().predict(records)) == list(out)
    assert mlflow.get_tracking_uri() == before


def test_the_model_is_logged_from_code_with_the_bundle(local_run: LoggedRun) -> None:
    with using_tracking_uri(local_run.tracking_uri):
        info = mlflow.models.get_model_info(local_run.model_uri)
    flavor = info.flavors["python_function"]
    assert "model_code_path" in flavor
    assert "python_model.pkl" not in json.dumps(info.flavors)
    assert set(flavor["artifacts"]) == {"bundle"}


def test_predict_names_the_missing_tables(fitted: Advisor, tracked_data: MultiAgencyData) -> None:
    from advisory.tracking._pyfunc import predict_reviews

    records = _records(tracked_data, 1)
    del records["coverage"]
    with pytest.raises(InputError, match=r"missing the record tables \['coverage'\]"):
        predict_reviews(fitted, records)
    with pytest.raises(InputError, match="must be a mapping of the six record tables"):
        predict_reviews(fitted, tracked_data.cases)
