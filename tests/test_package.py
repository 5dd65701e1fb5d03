"""Package-level promises: light import, optional extras, the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

import advisory
from advisory._errors import MissingExtraError
from advisory._optional import import_optional
from advisory.cli import main

HEAVY = ("shap", "mlflow", "matplotlib", "fairlearn", "sklearn", "skops")


def test_import_advisory_loads_no_heavy_dependency():
    code = (
        "import sys, advisory, advisory.datasets, advisory.definitions, advisory.context; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_missing_extra_names_the_extra():
    with pytest.raises(MissingExtraError, match=r"pip install 'advisory\[tracking\]'"):
        import_optional("surely_not_installed_module", "tracking", "Tracking runs")
    with pytest.raises(ImportError):
        import_optional("surely_not_installed_module", "tracking", "Tracking runs")


def test_version_is_exposed_and_matches_the_package_metadata():
    from importlib.metadata import version

    assert advisory.__version__.count(".") == 2
    assert advisory.__version__ == version("advisory")


@pytest.mark.slow  # over 5 s on a quiet machine; make test runs it
def test_demo_writes_a_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default MLflow store goes under the working folder
    assert main(["demo", "--cases", "300", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "mlflow.db").exists()
    printed = capsys.readouterr().out
    assert "Synthetic multi-agency records" in printed
    assert (tmp_path / "summary.txt").read_text().startswith("Synthetic multi-agency records")
    assert "In team team_b, every prompt was agreed within 10 seconds" in printed
    assert (tmp_path / "oversight" / "oversight_report.html").exists()


def test_demo_bad_argument_is_one_line_on_stderr(tmp_path, capsys):
    assert main(["demo", "--cases", "0", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'n_cases' parameter" in err


def test_cli_help_lists_commands():
    result = subprocess.run(
        [sys.executable, "-m", "advisory.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "demo" in result.stdout
