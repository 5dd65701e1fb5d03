"""The pyfunc flavour: a host loads the logged model and gets reviews, never scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from advisory import Advisor, InputError
from advisory.datasets import MultiAgencyData
from advisory.tracking import LoggedRun, input_example, model_input

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
    records = model_input(_records(tracked_data, 3))
    json.dumps(records)  # what a host posts is plain JSON
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
    # the model itself takes DataFrames and JSON text too
    python_model = model.unwrap_python_model()
    for same in (_records(tracked_data, 3), json.dumps(records), json.dumps({"inputs": records})):
        assert list(python_model.predict(None, same)) == list(out)


# validate_serving_input is what MLflow's docs still show for checking a payload offline
@pytest.mark.filterwarnings("ignore:``mlflow.models.utils.validate_serving_input`` is deprecated")
def test_the_model_has_a_signature_and_an_invented_input_example(local_run: LoggedRun) -> None:
    with using_tracking_uri(local_run.tracking_uri):
        info = mlflow.models.get_model_info(local_run.model_uri)
        model = mlflow.pyfunc.load_model(local_run.model_uri)
    signature = info.signature
    assert signature is not None
    assert [c.name for c in signature.inputs.inputs] == [*TABLES, "snapshot_date"]
    assert [c.required for c in signature.inputs.inputs] == [True] * 6 + [False]
    assert signature.outputs.input_names() == ["review"]
    assert info.saved_input_example_info is not None
    example = input_example()
    people = {row["person_id"] for row in example["people"]}
    assert people == {"example-parent", "example-child"}
    out = model.predict(example)
    assert list(out.index) == ["example-case"]
    assert json.loads(out.iloc[0])["case_id"] == "example-case"
    # a payload in MLflow's serving form passes its own validation
    payload = json.dumps({"inputs": example})
    with using_tracking_uri(local_run.tracking_uri):
        served = mlflow.models.validate_serving_input(local_run.model_uri, payload)
    assert list(served) == list(out)


def test_model_input_is_plain_json_with_iso_dates(tracked_data: MultiAgencyData) -> None:
    payload = model_input(_records(tracked_data, 2))
    assert set(payload) == {*TABLES, "snapshot_date"}
    assert payload["snapshot_date"] == tracked_data.snapshot_date.date().isoformat()
    assert len(payload["cases"]) == 2
    assert payload["cases"][0]["reference_date"] == str(
        tracked_data.cases["reference_date"].iloc[0].date()
    )
    open_ended = [row for row in payload["memberships"] if row["end_date"] is None]
    assert open_ended, "a missing date must be null, not NaN or NaT"
    assert json.loads(json.dumps(payload)) == payload


def test_the_model_is_logged_from_code_with_the_bundle(local_run: LoggedRun) -> None:
    with using_tracking_uri(local_run.tracking_uri):
        info = mlflow.models.get_model_info(local_run.model_uri)
    flavor = info.flavors["python_function"]
    assert "model_code_path" in flavor
    assert "python_model.pkl" not in json.dumps(info.flavors)
    assert set(flavor["artifacts"]) == {"bundle", "wheel"}
    with using_tracking_uri(local_run.tracking_uri):
        folder = Path(mlflow.artifacts.download_artifacts(local_run.model_uri))
    requirements = (folder / "requirements.txt").read_text().split()
    wheel = "artifacts/advisory-0.1.0-py3-none-any.whl"
    assert requirements[0] == wheel
    assert (folder / wheel).is_file()
    assert not any(r.startswith("advisory==") for r in requirements)
    assert any(r.startswith("scikit-learn==") for r in requirements)


def test_predict_names_the_missing_tables(fitted: Advisor, tracked_data: MultiAgencyData) -> None:
    from advisory.tracking._pyfunc import predict_reviews

    records = _records(tracked_data, 1)
    del records["coverage"]
    with pytest.raises(InputError, match=r"missing the record tables \['coverage'\]"):
        predict_reviews(fitted, records)
    with pytest.raises(InputError, match="must be one mapping of the six record tables"):
        predict_reviews(fitted, tracked_data.cases)
    with pytest.raises(InputError, match="must be a mapping of the six record tables"):
        predict_reviews(fitted, [1, 2])
    with pytest.raises(InputError, match="not valid JSON"):
        predict_reviews(fitted, "{people")
    records["coverage"] = 3
    with pytest.raises(InputError, match="'coverage' table must be a pandas DataFrame, a list"):
        predict_reviews(fitted, records)
