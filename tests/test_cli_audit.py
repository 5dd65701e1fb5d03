"""``advisory audit`` and ``advisory report``: any tool's scores in, the board report out."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from advisory.cli import main
from advisory.definitions import reference_root


@pytest.fixture(scope="module")
def scores_file(tmp_path_factory):
    rng = np.random.default_rng(5)
    n = 1_200
    score = rng.uniform(0.02, 0.9, size=n)
    table = pd.DataFrame(
        {
            "case": [f"K{i:05d}" for i in range(n)],
            "plan_started": (rng.uniform(size=n) < score).astype(int),
            "tool_score": score.round(4),
            "flagged": (score > 0.6).astype(int),
            "decile": np.ceil(score * 10).astype(int),
            "sex": rng.choice(["female", "male"], size=n),
            "area": rng.choice(["North", "South", "East"], size=n, p=[0.5, 0.3, 0.2]),
        }
    )
    path = tmp_path_factory.mktemp("tool") / "scores.csv"
    table.to_csv(path, index=False)
    return path


def _audit_args(scores_file, out, *extra):
    return [
        "audit",
        "--scores",
        str(scores_file),
        "--outcome",
        "plan_started",
        "--score",
        "tool_score",
        "--sensitive",
        "sex",
        "--sensitive",
        "area",
        "--n-boot",
        "40",
        "--out",
        str(out),
        *extra,
    ]


def test_audit_of_a_scores_file_writes_the_three_report_files(scores_file, tmp_path, capsys):
    out = tmp_path / "report"
    spec = reference_root() / "models" / "cp_plan_12m.toml"
    args = _audit_args(
        scores_file,
        out,
        "--reference",
        "area=South",
        "--intersection",
        "sex,area",
        "--label-spec",
        str(spec),
        "--tool",
        "Existing triage tool v3",
        "--decision",
        "flagged",
    )
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Board report:" in printed
    saved = json.loads((out / "audit.json").read_text())
    assert saved["schema"] == "urn:advisory:audit:v1"
    assert saved["subject"] == {
        "kind": "external_scores",
        "description": "Existing triage tool v3",
        "model_version": None,
    }
    assert saved["label"]["column"] == "outcome"
    assert saved["operating_point"] == "the tool's own decisions, given by the caller"
    assert saved["score_kind"] == "probability"
    assert saved["attribute_labels"]["sex x area"] == "Sex by area"
    assert {d["reference"] for d in saved["disparities"] if d["attribute"] == "area"} == {"South"}
    assert any(g["attribute"] == "sex x area" for g in saved["groups"])
    assert saved["proxies"] is None and saved["parity"] is None
    html = (out / "audit_report.html").read_text()
    assert "Existing triage tool v3" in html
    assert (out / "model_card.md").read_text().startswith("# ")


def _tool_args(scores_file, out, *extra):
    return [
        "audit",
        "--scores",
        str(scores_file),
        "--outcome",
        "plan_started",
        "--sensitive",
        "area",
        "--n-boot",
        "40",
        "--out",
        str(out),
        *extra,
    ]


def test_audit_of_decisions_only(scores_file, tmp_path):
    out = tmp_path / "decisions"
    assert main(_tool_args(scores_file, out, "--decision", "flagged")) == 0
    saved = json.loads((out / "audit.json").read_text())
    assert saved["score_kind"] == "decisions"
    metrics = {m for g in saved["groups"] if not g["suppressed"] for m in g["metrics"]}
    assert metrics == {
        "observed_rate",
        "selection_rate",
        "false_positive_rate",
        "false_negative_rate",
        "precision",
    }
    assert any("ranking (ROC-AUC, PR-AUC) and calibration could not" in n for n in saved["notes"])
    assert "decisions only" in (out / "audit_report.html").read_text()


def test_audit_of_deciles_with_an_operating_point(scores_file, tmp_path):
    out = tmp_path / "deciles"
    extra = ("--score", "decile", "--score-kind", "ordinal", "--flagged-at", "5")
    assert main(_tool_args(scores_file, out, *extra)) == 0
    saved = json.loads((out / "audit.json").read_text())
    assert saved["score_kind"] == "ordinal"
    assert saved["operating_point"].startswith("flagged when the score is at or above 5 ")
    metrics = {m for g in saved["groups"] if not g["suppressed"] for m in g["metrics"]}
    assert {"roc_auc", "pr_auc", "false_positive_rate"} <= metrics
    assert not metrics & {"brier", "calibration_slope", "mean_predicted"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--score", "decile"), r"scores must be probabilities.*score_kind='ordinal'"),
        (("--score", "decile", "--decision", "flagged", "--flagged-at", "5"), "sets the decisions"),
        (("--flagged-at", "5"), "give --score COLUMN with it"),
        ((), "--outcome COLUMN and --score COLUMN, --decision COLUMN, or both"),
    ],
)
def test_bad_tool_output_arguments(scores_file, tmp_path, capsys, extra, message):
    import re

    assert main(_tool_args(scores_file, tmp_path / "bad", *extra)) == 2
    assert re.search(message, capsys.readouterr().err), message


def test_report_renders_a_saved_audit_again(scores_file, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(_audit_args(scores_file, first)) == 0
    assert main(["report", str(first / "audit.json"), "--out", str(second)]) == 0
    for name in ("audit_report.html", "audit.json", "model_card.md"):
        assert (first / name).read_text() == (second / name).read_text()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--bundle", "somewhere"], "exactly one of them"),
        (["--policy", str(reference_root() / "fairness" / "reference.toml")], "leave out"),
        (["--reference", "area"], "COLUMN=GROUP; found 'area'"),
        (["--reference", "area=West"], "'reference_group'.*'West'"),
        (["--n-boot", "5"], "'n_boot'"),
    ],
)
def test_bad_audit_arguments_fail_in_one_line(scores_file, tmp_path, capsys, extra, message):
    import re

    assert main(_audit_args(scores_file, tmp_path / "out", *extra)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("advisory: ") and "\n" not in err
    assert re.search(message, err), err


def test_a_missing_column_is_named(scores_file, tmp_path, capsys):
    args = _audit_args(scores_file, tmp_path / "out")
    args[args.index("tool_score")] = "risk"
    assert main(args) == 2
    assert "no column 'risk'" in capsys.readouterr().err


def test_missing_group_values_are_refused_not_dropped(scores_file, tmp_path, capsys):
    table = pd.read_csv(scores_file)
    table.loc[3, "area"] = None
    path = tmp_path / "gappy.csv"
    table.to_csv(path, index=False)
    assert main(_audit_args(path, tmp_path / "out")) == 2
    assert "'area' has 1 missing values" in capsys.readouterr().err


def test_report_of_a_missing_or_broken_file_fails_in_one_line(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope.json"), "--out", str(tmp_path / "r")]) == 2
    assert "does not exist" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["report", str(broken), "--out", str(tmp_path / "r")]) == 2
    assert "is not JSON" in capsys.readouterr().err
