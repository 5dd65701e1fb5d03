"""What a council's data scientist and a vendor expect: progress, logging, early failures,
honest small-data statements, notebook display and package metadata (issue 20)."""

from __future__ import annotations

import importlib.metadata
import json
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import advisory
from advisory import Advisor, MissingExtraError, SmallDataWarning
from advisory._optional import require_extras
from advisory._progress import progress, progress_enabled, show_progress
from advisory.cli import main
from advisory.context._io import read_table, write_records
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.models import ScorecardClassifier, validate

ROOT = Path(__file__).resolve().parents[1]

with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)  # matplotlib, at shap import
    import shap  # noqa: F401  (imported once here, so Advisor.explain does not warn)


@pytest.fixture(scope="module")
def data():
    return make_multiagency(n_cases=400, seed=3)


@pytest.fixture(scope="module")
def fitted(data):
    return Advisor.from_definitions(
        reference_root(), model_params={"n_resamples": 4, "random_state": 0}
    ).fit(data)


# --- logging and progress ---------------------------------------------------------------


def test_the_library_logger_is_silent_by_default():
    logger = logging.getLogger("advisory")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


def test_progress_bars_only_on_a_terminal(capsys, monkeypatch):
    monkeypatch.delenv("ADVISORY_PROGRESS", raising=False)
    # pytest captures standard error: not a terminal, so no bar and the items themselves
    assert not progress_enabled()
    items = [1, 2, 3]
    assert progress(items, desc="counting") is items
    with show_progress(True):
        assert list(progress(items, desc="counting", unit="n")) == items
    assert "counting" in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress_enabled()
    monkeypatch.setenv("ADVISORY_PROGRESS", "0")
    assert not progress_enabled()


def test_bootstrap_loops_show_their_bar_when_asked(capsys):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.poisson(1.0, 400).astype(float)})
    y = (rng.random(400) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    with show_progress(True):
        model = ScorecardClassifier(n_resamples=0)
        validate(model, X, y, split="random", n_boot=100, baseline_factor="a")
    assert "100 bootstrap replicates" in capsys.readouterr().err


def test_cli_verbose_logs_and_quiet_prints_nothing(tmp_path, capsys):
    records = tmp_path / "records"
    assert main(["-q", "generate", "--out", str(records), "--cases", "150", "--seed", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    bundle = tmp_path / "bundle"
    argv = ["-v", "train", "--records", str(records), "--out", str(bundle), "--resamples", "2"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "advisory: fitting the " in err
    # the small-data warning is one line on standard error, not a traceback
    assert "advisory: warning: Training on 150 cases" in err
    assert not any(
        isinstance(h, logging.StreamHandler) and not isinstance(h, logging.NullHandler)
        for h in logging.getLogger("advisory").handlers
    ), "the CLI leaves the library's logger as it found it"
    out = tmp_path / "reviews.jsonl"
    argv = ["review", "--bundle", str(bundle), "--records", str(records), "--out", str(out)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "\r" not in captured.err  # no counter written to a file or pipe
    assert len(out.read_text().splitlines()) == 150


def test_python_dash_m_advisory_is_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "advisory", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"advisory {advisory.__version__}"


# --- fail early --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hidden", "argv", "extra"),
    [
        ("matplotlib", ["demo", "--cases", "50"], "explain"),
        ("mlflow", ["demo", "--cases", "50"], "tracking"),
        ("fairlearn", ["audit", "--scores", "missing.csv"], "fairness"),
        ("jinja2", ["report", "missing.json"], "fairness"),
    ],
)
def test_a_missing_extra_fails_before_any_work(hidden, argv, extra, monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, hidden, None)  # as if not installed
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"pip install 'advisory[{extra}]'" in err
    assert repr(hidden) in err
    assert not out.exists()  # nothing computed, nothing written


def test_require_extras_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingExtraError, match=r"advisory\[parquet\]") as caught:
        require_extras("parquet", feature="Reading Parquet records")
    assert caught.value.extra == "parquet"


def test_reading_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):

    path = tmp_path / "cases.parquet"
    pd.DataFrame({"case_id": ["007"]}).to_parquet(path)
    assert read_table(path)["case_id"].tolist() == ["007"]
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingExtraError, match=r"advisory\[parquet\]"):
        read_table(path)


# --- small data --------------------------------------------------------------------------


def test_training_on_too_few_cases_warns_and_the_manifest_says_so(tmp_path):
    small = make_multiagency(n_cases=40, seed=2)
    advisor = Advisor.from_definitions(reference_root(), model_params={"n_resamples": 0})
    with pytest.warns(SmallDataWarning, match=r"Training on 40 cases, \d+ with the outcome"):
        advisor.fit(small)
    manifest = json.loads((advisor.save(tmp_path / "bundle") / "manifest.json").read_text())
    training = manifest["training_data"]
    assert training["cases"] == 40 and training["below_minimum"] is True
    assert training["minimum_cases"] == 100 and training["minimum_each_outcome"] == 10
    assert training["with_outcome"] + training["without_outcome"] == 40


def test_enough_data_trains_silently_and_records_the_versions(fitted, tmp_path):
    assert fitted.training_data_["below_minimum"] is False
    manifest = json.loads((fitted.save(tmp_path / "bundle") / "manifest.json").read_text())
    saved_with = manifest["saved_with"]
    assert saved_with["scikit-learn"] == importlib.metadata.version("scikit-learn")
    assert saved_with["numpy"] == np.__version__
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallDataWarning)
        Advisor.from_definitions(reference_root(), model_params={"n_resamples": 0}).fit(
            make_multiagency(n_cases=400, seed=3)
        )


def test_validation_with_too_few_test_outcomes_cannot_assess():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=120), "contacts": rng.poisson(1.0, 120)})
    y = np.zeros(120, dtype=int)
    y[[3, 50, 90, 100, 110, 115]] = 1  # a handful of outcomes, few of them in the test cases
    with pytest.warns(SmallDataWarning):  # too few to train on, too
        result = validate(
            ScorecardClassifier(n_resamples=0),
            X,
            y,
            split="random",
            n_boot=100,
            baseline_factor="contacts",
            random_state=0,
        )
    assert not result.assessable
    for verdict in result.verdicts.values():
        assert verdict.startswith("The model cannot be assessed against")
        assert "better" not in verdict and "worse" not in verdict
        assert "at least 10 of each are needed" in verdict


def test_validation_with_enough_outcomes_gives_verdicts(fitted, data):
    result = fitted.validate(data)
    assert result.assessable
    assert all(v.startswith("The model is") for v in result.verdicts.values())


# --- display -----------------------------------------------------------------------------


def test_shap_explanation_carries_labels_and_intervals(fitted, data):
    ids = list(data.cases["case_id"][:5])
    explanation = fitted.explain(data, case_ids=ids)
    labels = fitted.labels
    spec_names = [f.name for f in fitted.definitions.spec.factors]
    assert explanation.feature_names == [labels.get(n, n) for n in spec_names]
    assert explanation.feature_names != spec_names
    own = fitted.explainer_.explain(fitted._context(data, ids).factors)
    np.testing.assert_array_equal(explanation.lower_bounds, own.lower)
    np.testing.assert_array_equal(explanation.upper_bounds, own.upper)
    assert (explanation.lower_bounds <= explanation.upper_bounds).all()


def test_explanation_plot_uses_the_catalogue_labels(fitted, data):
    from advisory.explain import ExplanationDisplay

    own = fitted.explainer_.explain(fitted._context(data, None).factors)
    display = ExplanationDisplay.from_explanation(own, case=0, labels=fitted.labels)
    assert set(display.names) <= set(fitted.labels.values())
    overall = ExplanationDisplay.from_explanation(own, labels=fitted.labels)
    assert set(overall.names) <= set(fitted.labels.values())


def test_results_show_as_html_in_a_notebook(fitted, data):
    validation = fitted.validate(data)
    page = validation._repr_html_()
    assert page.startswith('<div class="advisory-validation">')
    for verdict in validation.verdicts.values():
        assert verdict.split(":")[0] in page
    assert "<table" in page
    audit = fitted.audit(data, n_boot=100)
    page = audit._repr_html_()
    assert page.startswith('<div class="advisory-audit">')
    assert f"{audit.n_cases:,} cases" in page
    assert page.count("<tr>") >= len(audit.to_frame())


# --- package metadata --------------------------------------------------------------------


def test_licence_and_metadata():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    metadata = importlib.metadata.metadata("advisory")
    classifiers = metadata.get_all("Classifier") or []
    assert "Intended Audience :: Science/Research" in classifiers
    assert any(c.startswith("Topic :: Scientific/Engineering") for c in classifiers)
    requires = metadata.get_all("Requires-Dist") or []
    assert any(r.startswith("pyarrow") and 'extra == "parquet"' in r for r in requires)
    for name in ("numpy", "pandas", "scipy", "scikit-learn", "skops"):
        (line,) = [r for r in requires if r.split(">")[0].split("<")[0].strip() == name]
        assert ">=" in line and "<" in line, line  # a range, tested at both ends


def test_records_written_as_parquet_are_read(tmp_path, data):
    from advisory.context import read_records

    folder = write_records(data, tmp_path / "csv")
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    for path in folder.glob("*.csv"):
        pd.read_csv(path, dtype=str).to_parquet(parquet / f"{path.stem}.parquet")
    tables = read_records(parquet)
    assert len(tables["cases"]) == len(data.cases)
    assert tables["cases"]["case_id"].iloc[0] == data.cases["case_id"].iloc[0]


def test_validation_records_a_small_training_split():
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"a": rng.normal(size=90), "contacts": rng.poisson(1.0, 90)})
    y = (rng.random(90) < 0.3).astype(int)
    with pytest.warns(SmallDataWarning, match="Validation trained the model on"):
        result = validate(
            ScorecardClassifier(n_resamples=0),
            X,
            y,
            split="random",
            n_boot=100,
            baseline_factor="contacts",
            random_state=0,
        )
    assert result.small_training
