"""The command line: generate, train, review; one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from advisory.cli import main


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    assert main(["generate", "--out", str(root / "records"), "--cases", "500", "--seed", "2"]) == 0
    assert (
        main(
            [
                "train",
                "--records",
                str(root / "records"),
                "--out",
                str(root / "bundle"),
                "--resamples",
                "4",
            ]
        )
        == 0
    )
    return root


def test_review_writes_json_lines_without_scores(flow):
    (flow / "cases.csv").write_text("case_id\nC0000003\nC0000004\n")
    out = flow / "reviews.jsonl"
    code = main(
        [
            "review",
            "--bundle",
            str(flow / "bundle"),
            "--records",
            str(flow / "records"),
            "--cases",
            str(flow / "cases.csv"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    lines = out.read_text().splitlines()
    assert [json.loads(line)["case_id"] for line in lines] == ["C0000003", "C0000004"]
    text = out.read_text().lower()
    assert "score" not in text and "probability" not in text and "threshold" not in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [
                "review",
                "--bundle",
                "{flow}/records",
                "--records",
                "{flow}/records",
                "--out",
                "{flow}/x",
            ],
            "is not a model bundle",
        ),
        (
            ["train", "--records", "{flow}/nowhere", "--out", "{flow}/b2"],
            "records folder .*nowhere does not exist",
        ),
        (
            [
                "review",
                "--bundle",
                "{flow}/bundle",
                "--records",
                "{flow}/records",
                "--cases",
                "{flow}/records/people.csv",
                "--out",
                "{flow}/x",
            ],
            "has no 'case_id' column",
        ),
        (
            [
                "review",
                "--bundle",
                "{flow}/bundle",
                "--records",
                "{flow}/records",
                "--cases",
                "{flow}/missing.csv",
                "--out",
                "{flow}/x",
            ],
            "cases file .*missing.csv does not exist",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(flow, capsys, argv, message):
    code = main([a.format(flow=flow) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("advisory:")]
    assert len(lines) == 1
    assert "Traceback" not in err
    import re

    assert re.search(message, lines[0])


def test_missing_table_names_it(flow, tmp_path, capsys):
    import shutil

    shutil.copytree(flow / "records", tmp_path / "records")
    (tmp_path / "records" / "coverage.csv").unlink()
    assert (
        main(["train", "--records", str(tmp_path / "records"), "--out", str(tmp_path / "b")]) == 2
    )
    assert "has no 'coverage' table; expected coverage.csv" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["demo", "generate", "train", "review", "audit", "report"])
def test_every_command_has_help(command):
    result = subprocess.run(
        [sys.executable, "-m", "advisory.cli", command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "usage: advisory" in result.stdout
