"""log_training_run against the embedded local store and a real tracking server."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from advisory import Advisor
from advisory.datasets import MultiAgencyData
from advisory.fairness import Audit
from advisory.models import ValidationResult
from advisory.reports import audit_json, render_html, render_model_card
from advisory.tracking import LoggedRun, log_training_run

from .conftest import MlflowServer
from .mlflow_warnings import MLFLOW_WARNINGS

pytestmark = [pytest.mark.filterwarnings(w) for w in MLFLOW_WARNINGS]

mlflow = pytest.importorskip("mlflow")


def _text(client: object, run: LoggedRun, path: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        local = client.download_artifacts(run.run_id, path, folder)  # type: ignore[attr-defined]
        return Path(local).read_text(encoding="utf-8")


def _check_run(run: LoggedRun, fitted: Advisor, validation: ValidationResult) -> None:
    client = mlflow.MlflowClient(tracking_uri=run.tracking_uri)
    data = client.get_run(run.run_id).data
    spec = fitted.definitions.spec
    assert data.params["family"] == spec.family
    assert data.params["spec_name"] == spec.name
    assert data.params["n_cases"] == str(fitted.n_cases_)
    assert data.params["advisory_version"] == "0.1.0"
    assert {f"definitions_sha256.{d}" for d in ("spec", "catalogue", "policy")} <= set(data.params)
    assert any(key.startswith("model.") for key in data.params)
    for key in ("model.roc_auc", "model_minus_prevalence.roc_auc"):
        for suffix in ("", "_lower", "_upper"):
            assert key + suffix in data.metrics
    assert data.metrics["model.roc_auc_lower"] <= data.metrics["model.roc_auc_upper"]

    paths = {
        f.path
        for folder in ("definitions/models", "definitions/explain", "definitions/fairness")
        for f in client.list_artifacts(run.run_id, folder)
    }
    assert paths == {
        f"definitions/models/{spec.name}.toml",
        f"definitions/explain/{spec.catalogue}.toml",
        f"definitions/fairness/{spec.audit_policy}.toml",
    }
    toml = _text(client, run, f"definitions/models/{spec.name}.toml")
    assert toml == (fitted.definitions.root / "models" / f"{spec.name}.toml").read_text()
    verdicts = json.loads(_text(client, run, "validation/verdicts.json"))
    assert verdicts == validation.verdicts
    top = {f.path for f in client.list_artifacts(run.run_id)}
    assert {"audit", "bundle", "definitions", "explanation", "validation"} <= top
    png = {f.path for f in client.list_artifacts(run.run_id, "explanation")}
    assert "explanation/global_importance.png" in png
    bundle = {f.path for f in client.list_artifacts(run.run_id, "bundle")}
    assert bundle == {
        "bundle/advisor.skops",
        "bundle/manifest.json",
        "bundle/.advisory-complete.json",
    }

    assert run.registered_name == "advisory-review"
    assert run.registered_version is not None
    version = client.get_model_version("advisory-review", run.registered_version)
    assert version.run_id == run.run_id


def test_local_store_is_the_default_under_the_working_folder(
    local_run: LoggedRun, fitted: Advisor, validation: ValidationResult
) -> None:
    folder = Path(local_run.tracking_uri.removeprefix("sqlite:///")).parent
    assert local_run.tracking_uri == f"sqlite:///{folder / 'mlflow.db'}"
    assert (folder / "mlflow.db").is_file()
    assert Path(local_run.artifact_uri).is_relative_to(folder / "mlruns")
    assert os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"
    _check_run(local_run, fitted, validation)


def test_artifacts_go_beside_a_sqlite_store_not_into_the_working_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fitted: Advisor,
    tracked_data: MultiAgencyData,
) -> None:
    store, elsewhere = tmp_path / "store", tmp_path / "elsewhere"
    store.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    run = log_training_run(fitted, tracked_data, tracking_uri=f"sqlite:///{store / 'mlflow.db'}")
    assert Path(run.artifact_uri).is_relative_to(store / "mlruns")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.slow
def test_tracking_server_works_the_same_way(
    server_run: LoggedRun,
    mlflow_server: MlflowServer,
    fitted: Advisor,
    validation: ValidationResult,
) -> None:
    assert server_run.tracking_uri == mlflow_server.uri()
    assert server_run.artifact_uri.startswith("mlflow-artifacts:")
    _check_run(server_run, fitted, validation)


def test_tracking_uri_is_restored(local_run: LoggedRun) -> None:
    assert mlflow.get_tracking_uri() != local_run.tracking_uri
    assert not mlflow.tracking.is_tracking_uri_set()
    assert "MLFLOW_TRACKING_URI" not in os.environ


def test_validation_table_and_board_report_are_logged_in_full(
    local_run: LoggedRun, validation: ValidationResult, tracked_audit: Audit
) -> None:
    client = mlflow.MlflowClient(tracking_uri=local_run.tracking_uri)
    rows = json.loads(_text(client, local_run, "validation/metrics.json"))
    assert len(rows) == len(validation.to_frame())
    assert set(rows[0]) == {"comparison", "metric", "estimate", "lower", "upper"}
    audit = json.loads(_text(client, local_run, "audit/audit.json"))
    assert audit["schema"] == "urn:advisory:audit:v1"
    assert audit == json.loads(audit_json(tracked_audit))
    html = _text(client, local_run, "audit/audit_report.html")
    assert html == render_html(tracked_audit)
    assert _text(client, local_run, "audit/model_card.md") == render_model_card(tracked_audit)
    run = client.get_run(local_run.run_id)
    assert run.data.metrics["audit.n_cases"] == tracked_audit.n_cases
    hidden = len(tracked_audit.suppressed_groups)
    assert run.data.metrics["audit.groups_suppressed"] == hidden
