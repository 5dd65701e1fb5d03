"""The command line never loses or half-writes a file; errors are one line with exit code 2.
Entry point: the CLI (in process, and as a subprocess for Ctrl-C)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from advisory import AdvisoryError
from advisory._files import COMPLETE_MARKER
from advisory.cli import main


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    assert main(["generate", "--out", str(root / "records"), "--cases", "300", "--seed", "4"]) == 0
    argv = ["train", "--records", str(root / "records"), "--out", str(root / "bundle")]
    assert main([*argv, "--resamples", "2"]) == 0
    (root / "cases.csv").write_text("case_id\nC0000003\nC0000004\n")
    (root / "notes.txt").write_text("a file that is not an input\n")
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob(".*") if p.name.endswith((".tmp", ".partial", ".check"))]


def _review(work: Path, out: str, *extra: str) -> list[str]:
    return [
        "review",
        "--bundle",
        str(work / "bundle"),
        "--records",
        str(work / "records"),
        "--cases",
        str(work / "cases.csv"),
        "--out",
        out,
        *extra,
    ]


CASES: list[tuple[str, Callable[[Path], list[str]], str]] = [
    (
        "review output is an input table",
        lambda w: _review(w, str(w / "records" / "cases.csv")),
        r"is also an input",
    ),
    ("review output is the bundle", lambda w: _review(w, str(w / "bundle")), r"is also an input"),
    (
        "review output under a file",
        lambda w: _review(w, str(w / "notes.txt" / "out.jsonl")),
        r"notes\.txt is a file, not a folder",
    ),
    (
        "review output in /proc",
        lambda w: _review(w, "/proc/advisory-out.jsonl"),
        r"cannot be written",
    ),
    (
        "review output exists",
        lambda w: _review(w, str(w / "notes.txt")),
        r"already exists; nothing was changed\. Pass --force",
    ),
    (
        "generate into an old folder",
        lambda w: ["generate", "--out", str(w / "records")],
        r"already exists",
    ),
    (
        "train over an existing bundle",
        lambda w: ["train", "--records", str(w / "records"), "--out", str(w / "bundle")],
        r"bundle folder \(--out\) .*bundle already exists",
    ),
    (
        "train into the records",
        lambda w: ["train", "--records", str(w / "records"), "--out", str(w / "records" / "b")],
        r"is also an input",
    ),
    (
        "audit report into the records",
        lambda w: [
            "audit",
            "--bundle",
            str(w / "bundle"),
            "--records",
            str(w / "records"),
            "--out",
            str(w / "records"),
        ],
        r"is also an input",
    ),
    (
        "report over its own audit",
        lambda w: ["report", str(w / "records" / "cases.csv"), "--out", str(w / "records")],
        r"is also an input",
    ),
    (
        "bad date format option",
        lambda w: _review(w, str(w / "new.jsonl"), "--date-format", "dd/mm/yyyy"),
        r"'date_format' parameter",
    ),
    (
        "records folder missing",
        lambda w: ["train", "--records", str(w / "nowhere"), "--out", str(w / "b3")],
        r"records folder .*nowhere does not exist",
    ),
    (
        "cases file without case_id",
        lambda w: _review(w, str(w / "new3.jsonl"), "--cases", str(w / "notes.txt")),
        r"has no 'case_id' column",
    ),
]


@pytest.mark.parametrize(("argv", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_refused_command_changes_nothing_and_says_one_line(
    work: Path,
    capsys: pytest.CaptureFixture[str],
    argv: Callable[[Path], list[str]],
    message: str,
) -> None:
    before = _snapshot(work)
    code = main(argv(work))
    err = capsys.readouterr().err
    assert code == 2
    errors = [line for line in err.splitlines() if not line.startswith("note: ")]
    assert len(errors) == 1 and errors[0].startswith("advisory: "), err
    assert pd.Series([err]).str.contains(message).all(), err
    assert "Traceback" not in err
    assert _snapshot(work) == before
    assert _leftovers(work) == []


def test_force_replaces_and_a_failing_rerun_keeps_the_previous_output(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = work / "reviews.jsonl"
    assert main(_review(work, str(out))) == 0
    first = out.read_bytes()
    assert main(_review(work, str(out))) == 2  # exists: refused without --force
    assert main(_review(work, str(out), "--force")) == 0
    assert out.read_bytes() == first  # same cases, same reviews
    # a rerun that fails half-way (an unknown case after the bundle and records loaded)
    (work / "bad_cases.csv").write_text("case_id\nC0000003\nC9999999\n")
    argv = _review(work, str(out), "--force")
    argv[argv.index(str(work / "cases.csv"))] = str(work / "bad_cases.csv")
    assert main(argv) == 2
    assert "C9999999" in capsys.readouterr().err
    assert out.read_bytes() == first
    assert _leftovers(work) == []


def test_generate_with_force_replaces_tables_and_marks_the_folder_complete(
    tmp_path: Path,
) -> None:
    out = tmp_path / "records"
    assert main(["generate", "--out", str(out), "--cases", "40", "--seed", "1"]) == 0
    assert (out / COMPLETE_MARKER).is_file()
    first = (out / "people.csv").read_bytes()
    assert main(["generate", "--out", str(out), "--cases", "40", "--seed", "2", "--force"]) == 0
    assert (out / "people.csv").read_bytes() != first and (out / COMPLETE_MARKER).is_file()
    assert _leftovers(tmp_path) == []


def test_uk_dates_need_the_date_format_option(work: Path, tmp_path: Path) -> None:
    records = tmp_path / "uk"
    records.mkdir()
    for path in (work / "records").glob("*.csv"):
        table = pd.read_csv(path, dtype=str)
        for column in ("birth_date", "start_date", "end_date", "date", "reference_date"):
            if column in table.columns:
                table[column] = pd.to_datetime(table[column]).dt.strftime("%d/%m/%Y")
        table.to_csv(records / path.name, index=False)
    out = tmp_path / "bundle"
    argv = ["train", "--records", str(records), "--out", str(out), "--resamples", "2"]
    assert main(argv) == 2
    assert not out.exists()
    assert main([*argv, "--date-format", "%d/%m/%Y"]) == 0
    assert (out / COMPLETE_MARKER).is_file()


def test_uk_dates_without_the_option_name_table_column_and_value(
    work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "uk"
    for path in (work / "records").glob("*.csv"):
        records.mkdir(exist_ok=True)
        table = pd.read_csv(path, dtype=str)
        if "reference_date" in table.columns:
            table.loc[0, "reference_date"] = "04/01/2021"
        table.to_csv(records / path.name, index=False)
    argv = ["train", "--records", str(records), "--out", str(tmp_path / "b"), "--resamples", "2"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "'cases' table's 'reference_date' column (cases.csv)" in err and "'04/01/2021'" in err


def test_debug_shows_the_traceback(work: Path) -> None:
    with pytest.raises(AdvisoryError, match="is also an input"):
        main(["--debug", *_review(work, str(work / "records" / "cases.csv"))])


def _interrupt(argv: list[str], folder: Path, appears: str, cwd: Path) -> int:
    """Run the CLI as a subprocess and send SIGINT once ``appears`` shows up in ``folder``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "advisory.cli", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if any(folder.glob(appears)):
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.005)
    _, err = process.communicate(timeout=120)
    assert b"Traceback" not in err, err
    assert process.returncode == 130, err
    return process.returncode


@pytest.mark.slow
def test_ctrl_c_during_review_leaves_nothing_partial(work: Path, tmp_path: Path) -> None:
    many = tmp_path / "many.csv"
    ids = pd.read_csv(work / "records" / "cases.csv", dtype=str)["case_id"].tolist()
    many.write_text("case_id\n" + "\n".join(ids * 100) + "\n")
    out = tmp_path / "reviews.jsonl"
    out.write_text("previous output\n")
    argv = _review(work, str(out), "--force")
    argv[argv.index(str(work / "cases.csv"))] = str(many)
    code = _interrupt(argv, tmp_path, ".reviews.jsonl.*.tmp", tmp_path)
    assert code == 130
    text = out.read_text()
    if text != "previous output\n":  # interrupted just after the rename: complete, not partial
        lines = text.splitlines()
        assert len(lines) == len(ids) * 100 and all(json.loads(line) for line in lines)
    assert _leftovers(tmp_path) == []


@pytest.mark.slow
def test_ctrl_c_during_generate_leaves_nothing_partial(tmp_path: Path) -> None:
    out = tmp_path / "records"
    argv = ["generate", "--out", str(out), "--cases", "20000", "--seed", "3"]
    code = _interrupt(argv, tmp_path, ".records.*.partial", tmp_path)
    assert code == 130
    assert not out.exists()
    assert _leftovers(tmp_path) == []
