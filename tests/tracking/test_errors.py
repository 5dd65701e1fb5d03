"""Bad input to log_training_run, and an unreachable tracking server."""

from __future__ import annotations

import copy
import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisory import Advisor, AdvisoryError, InputError, ParameterError
from advisory.datasets import MultiAgencyData
from advisory.tracking import TrackingServerError, log_training_run

from .conftest import free_port
from .mlflow_warnings import MLFLOW_WARNINGS

pytestmark = [pytest.mark.filterwarnings(w) for w in MLFLOW_WARNINGS]


def test_unreachable_server_fails_fast_in_one_line(
    fitted: object, tracked_data: MultiAgencyData
) -> None:
    uri = f"http://127.0.0.1:{free_port()}"
    start = time.monotonic()
    with pytest.raises(TrackingServerError) as info:
        log_training_run(fitted, tracked_data, tracking_uri=uri)  # type: ignore[arg-type]
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"The MLflow tracking server at {uri} did not answer (")
    assert "mlflow server --host 127.0.0.1 --port" in message
    assert info.value.reason == "connection refused"
    assert isinstance(info.value, AdvisoryError)
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"experiment": ""}, r"The 'experiment' parameter of log_training_run must be"),
        ({"register_as": 3}, r"The 'register_as' parameter of log_training_run must be"),
        ({"tracking_uri": " "}, r"The 'tracking_uri' parameter of log_training_run must be"),
        ({"audit": object()}, r"'audit' parameter .* advisory.fairness.Audit; got 'object'"),
        ({"validation": {}}, r"The 'validation' parameter of log_training_run must be"),
    ],
)
def test_bad_parameters(
    fitted: object, tracked_data: MultiAgencyData, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ParameterError, match=match):
        log_training_run(fitted, tracked_data, **kwargs)  # type: ignore[arg-type]


def test_unfitted_advisor_is_refused(tracked_data: MultiAgencyData) -> None:
    from advisory.definitions import reference_root
    from advisory.models import NotFittedError

    with pytest.raises(NotFittedError, match="Call 'fit'"):
        log_training_run(Advisor.from_definitions(reference_root()), tracked_data)


def test_import_advisory_does_not_import_mlflow() -> None:
    code = "import sys, advisory, advisory.tracking; print('mlflow' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_missing_definition_files_are_named(
    fitted: Advisor, tracked_data: MultiAgencyData, tmp_path: Path
) -> None:
    moved = copy.copy(fitted)
    moved.definitions = dataclasses.replace(fitted.definitions, root=tmp_path)
    with pytest.raises(InputError, match=r"The definition file models/cp_plan_12m.toml is not in"):
        log_training_run(moved, tracked_data, tracking_uri=f"sqlite:///{tmp_path / 'x.db'}")


def test_tracking_uri_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from advisory.tracking._log import _resolve_uri

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert _resolve_uri(None) == f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert _resolve_uri(None) == "http://127.0.0.1:5000"
    assert _resolve_uri("sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"


def test_missing_mlflow_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['mlflow'] = None\n"
        "import advisory.tracking\n"
        "try:\n"
        "    advisory.tracking.ReviewModel\n"
        "except advisory.MissingExtraError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'advisory[tracking]'" in result.stdout
