"""``mlflow models serve`` answers a host's JSON request with reviews, never scores."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from advisory import Advisor
from advisory.datasets import MultiAgencyData
from advisory.tracking import LoggedRun, model_input

from .conftest import free_port, using_tracking_uri
from .mlflow_warnings import MLFLOW_WARNINGS

pytestmark = [pytest.mark.filterwarnings(w) for w in MLFLOW_WARNINGS]

mlflow = pytest.importorskip("mlflow")

_START_TIMEOUT = 180.0


def _post(url: str, body: object) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.mark.slow
def test_mlflow_models_serve_answers_a_json_request(
    tmp_path: Path, local_run: LoggedRun, fitted: Advisor, tracked_data: MultiAgencyData
) -> None:
    with using_tracking_uri(local_run.tracking_uri):
        model = mlflow.artifacts.download_artifacts(local_run.model_uri, dst_path=str(tmp_path))
    port = free_port()
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",  # uvicorn
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    env.pop("MLFLOW_TRACKING_URI", None)
    command = [
        str(Path(bin_dir) / "mlflow"),
        "models",
        "serve",
        "-m",
        model,
        "--env-manager",
        "local",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        healthy = False
        while not healthy:
            if process.poll() is not None:
                pytest.fail(f"mlflow models serve exited:\n{log.read_text()[-2000:]}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/health", timeout=1) as response,
            ):
                healthy = response.status == 200
            if not healthy:
                assert time.monotonic() < deadline, log.read_text()[-2000:]
                time.sleep(0.5)

        tables = ("people", "memberships", "relationships", "events", "coverage", "cases")
        records: dict[str, object] = {name: getattr(tracked_data, name) for name in tables}
        records["cases"] = tracked_data.cases.drop(columns="outcome").head(2)
        records["snapshot_date"] = tracked_data.snapshot_date
        status, answer = _post(f"{url}/invocations", {"inputs": model_input(records)})
        assert status == 200, answer
        predictions = answer["predictions"]
        assert isinstance(predictions, list)
        reviews = [json.loads(row["review"]) for row in predictions]
        ids = list(tracked_data.cases["case_id"].head(2))
        expected = [r.to_dict() for r in fitted.review(tracked_data, ids)]
        assert reviews == json.loads(json.dumps(expected))

        # a request without a table is refused with MLflow's schema message, not a traceback
        broken = model_input(records)
        del broken["coverage"]
        status, answer = _post(f"{url}/invocations", {"inputs": broken})
        assert status == 400
        assert "coverage" in str(answer["message"])
    finally:
        _stop(process)
    assert process.poll() is not None
