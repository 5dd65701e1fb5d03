"""Fixtures: a real ``mlflow server`` on 127.0.0.1, and one logged run per store.

The server runs with a SQLite backend in a temporary folder, one worker and
no job runner; it is started once per session, polled on ``/health`` and
stopped by process group at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sklearn.base import clone

from advisory import Advisor
from advisory.context import build_context
from advisory.datasets import MultiAgencyData, make_multiagency
from advisory.definitions import reference_root
from advisory.fairness import Audit, audit
from advisory.fairness._attributes import case_attributes
from advisory.models import ValidationResult, validate
from advisory.tracking import LoggedRun, log_training_run

_START_TIMEOUT = 90.0


@contextlib.contextmanager
def using_tracking_uri(uri: str) -> Iterator[None]:
    """Point MLflow's fluent API (``models:/`` URIs) at ``uri`` for a while."""
    import mlflow

    mlflow.set_tracking_uri(uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(None)  # type: ignore[arg-type]  # None unsets it again


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MlflowServer:
    """An ``mlflow server`` child process; :meth:`uri` waits until it is healthy."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.log = folder / "server.log"
        executable = Path(sys.executable).with_name("mlflow")
        command = [
            str(executable),
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--backend-store-uri",
            f"sqlite:///{folder / 'server.db'}",
            "--artifacts-destination",
            str(folder / "artifacts"),
        ]
        env = {
            **os.environ,
            "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
            "MLFLOW_DISABLE_TELEMETRY": "true",
        }
        env.pop("MLFLOW_TRACKING_URI", None)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._healthy = False

    def uri(self) -> str:
        """The server's URI, once ``/health`` answers."""
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._healthy:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                pytest.fail(f"mlflow server exited with {self.process.returncode}:\n{tail}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/health", timeout=1) as response,
            ):
                self._healthy = response.status == 200
            if not self._healthy:
                if time.monotonic() > deadline:
                    pytest.fail(f"mlflow server not healthy after {_START_TIMEOUT:.0f} s")
                time.sleep(0.25)
        return url

    def stop(self) -> None:
        """Stop the server and its children (its own process group)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """A real tracking server; ``.uri()`` waits until it is healthy."""
    server = MlflowServer(tmp_path_factory.mktemp("mlflow-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def _start_server_early(request: pytest.FixtureRequest) -> None:
    """Start the server before the first tracking test when a server test (all are
    marked slow) was selected, so it becomes healthy (~10 s) while the advisor is
    fitted."""
    here = Path(__file__).parent
    if any(
        item.get_closest_marker("slow") is not None and here in Path(item.path).parents
        for item in request.session.items
    ):
        request.getfixturevalue("mlflow_server")


@pytest.fixture(scope="session")
def tracked_data() -> MultiAgencyData:
    """A small synthetic data set."""
    return make_multiagency(n_cases=400, seed=3)


@pytest.fixture(scope="session")
def fitted(tracked_data: MultiAgencyData) -> Advisor:
    """A fitted advisor on the reference definitions."""
    return Advisor.from_definitions(
        reference_root(), model_params={"n_resamples": 4, "random_state": 0}
    ).fit(tracked_data)


@pytest.fixture(scope="session")
def validation(fitted: Advisor, tracked_data: MultiAgencyData) -> ValidationResult:
    """Validation against the baselines, with few bootstrap replicates."""
    context = build_context(tracked_data, fitted.definitions)
    cases = tracked_data.cases.set_index("case_id").loc[context.factors.index]
    return validate(
        clone(fitted.model_),
        context.factors,
        cases["outcome"].to_numpy(),
        dates=cases["reference_date"].to_numpy(),
        n_boot=100,
    )


@pytest.fixture(scope="session")
def tracked_audit(fitted: Advisor, tracked_data: MultiAgencyData) -> Audit:
    """A group audit of the fitted model's scores (small groups suppressed)."""
    ids = list(tracked_data.cases["case_id"])
    scores = fitted.model_.predict_proba(build_context(tracked_data, fitted.definitions).factors)
    sensitive, _ = case_attributes(tracked_data, ids, fitted.definitions.policy)
    outcome = tracked_data.cases.set_index("case_id").loc[ids, "outcome"]
    return audit(
        outcome.to_numpy(),
        scores[:, 1],
        sensitive[["sex", "ethnicity"]],
        n_boot=50,
        label=fitted.definitions.spec.outcome,
    )


@pytest.fixture(scope="session")
def local_run(
    tmp_path_factory: pytest.TempPathFactory,
    fitted: Advisor,
    tracked_data: MultiAgencyData,
    validation: ValidationResult,
    tracked_audit: Audit,
) -> LoggedRun:
    """A run logged to the embedded default store, in a temporary working folder."""
    folder = tmp_path_factory.mktemp("working-folder")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        return log_training_run(
            fitted,
            tracked_data,
            validation=validation,
            audit=tracked_audit,
            register_as="advisory-review",
        )


@pytest.fixture(scope="session")
def server_run(
    mlflow_server: MlflowServer,
    fitted: Advisor,
    tracked_data: MultiAgencyData,
    validation: ValidationResult,
    tracked_audit: Audit,
) -> LoggedRun:
    """A run logged to the real tracking server."""
    return log_training_run(
        fitted,
        tracked_data,
        tracking_uri=mlflow_server.uri(),
        validation=validation,
        audit=tracked_audit,
        register_as="advisory-review",
    )
