"""`advisory oversight init/simulate/report/verify/switch-off/switch-on`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from advisory.cli import main


def test_the_oversight_commands_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "trail.db")
    assert main(["oversight", "init", "--db", db]) == 0
    assert main(["oversight", "simulate", "--db", db, "--reviews", "90"]) == 0
    out, page = tmp_path / "oversight.json", tmp_path / "oversight.html"
    assert main(["oversight", "report", "--db", db, "--out", str(out), "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "In team team_b, every prompt was agreed within 10 seconds" in html
    assert "<script" not in html and "http" not in html
    section = json.loads(out.read_text(encoding="utf-8"))
    assert section["n_responses"] == 270
    assert {f["subject"] for f in section["findings"] if f["topic"] == "quick_agreement"} == {
        "team_b"
    }
    assert main(["oversight", "report", "--db", db, "--out", str(out)]) == 2
    assert "already exists; nothing was changed. Pass --force" in capsys.readouterr().err
    assert main(["oversight", "verify", "--db", db]) == 0
    assert "All 494 records match" in capsys.readouterr().out  # 90 x 3 prompts, 44 own views
    switch = ["--db", db, "--model-version", "simulated-1", "--reason", "due", "--by", "board"]
    assert main(["oversight", "switch-off", *switch]) == 0
    assert main(["oversight", "simulate", "--db", db, "--reviews", "3", "--seed", "1"]) == 2
    assert "was switched off" in capsys.readouterr().err
    assert main(["oversight", "switch-on", *switch]) == 0
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER oversight_record_no_update"))
        conn.execute(sa.text("UPDATE oversight_record SET verdict = 'agree' WHERE seq = 5"))
    engine.dispose()
    assert main(["oversight", "verify", "--db", db]) == 1
    assert "record 5 was changed" in capsys.readouterr().out


def test_the_drift_command_switches_a_version_off_when_a_reaudit_is_due(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from advisory.datasets import simulate_oversight

    factors = simulate_oversight(3, seed=2).factors
    for period in ("audited", "later_unshifted", "later_shifted"):
        factors[factors["period"] == period].drop(columns="period").to_csv(
            tmp_path / f"{period}.csv", index=False
        )
    db = str(tmp_path / "trail.db")
    common = ["--expected", "expected", "--outcome", "outcome", "--db", db,
              "--model-version", "m1", "--by", "board", "--switch-off-when-due"]  # fmt: skip
    audited = ["oversight", "drift", "--audited", str(tmp_path / "audited.csv")]
    calm = [*audited, "--new", str(tmp_path / "later_unshifted.csv")]
    calm += ["--out", str(tmp_path / "a.json")]
    assert main([*calm, *common]) == 0
    assert "No re-audit is due" in capsys.readouterr().out
    shifted = [*audited, "--new", str(tmp_path / "later_shifted.csv")]
    shifted += ["--out", str(tmp_path / "b.json")]
    assert main([*shifted, *common]) == 0
    out = capsys.readouterr().out
    assert "A re-audit is due" in out and "'m1' is switched off" in out
    saved = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert saved["reaudit_due"] is True
    from advisory.oversight import ModelSwitchedOffError, Store, check_model_version

    with Store.open(db) as store, pytest.raises(ModelSwitchedOffError, match="A re-audit is due"):
        check_model_version(store, "m1")


def test_an_oversight_output_that_is_its_own_database_is_refused(tmp_path, capsys):
    database = tmp_path / "trail.db"
    assert main(["oversight", "init", "--db", str(database)]) == 0
    before = database.read_bytes()
    argv = ["oversight", "report", "--db", str(database), "--out", str(database), "--force"]
    assert main(argv) == 2
    assert "is also an input" in capsys.readouterr().err
    assert database.read_bytes() == before
