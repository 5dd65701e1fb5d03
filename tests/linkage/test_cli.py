"""advisory extracts / advisory link from the command line."""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

from advisory.cli import main
from advisory.context import read_records
from advisory.fairness import audit
from advisory.reports import render_html


@pytest.mark.slow
def test_link_command_writes_records_and_refuses_to_overwrite(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extracts = tmp_path / "extracts"
    assert main(["extracts", "--out", str(extracts), "--cases", "80", "--seed", "2"]) == 0
    spec = tmp_path / "spec.toml"
    spec.write_text(_fast_text(), encoding="utf-8")
    out = tmp_path / "linked"
    assert main(["link", "--extracts", str(extracts), "--spec", str(spec), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "training: u probabilities by random sampling" in printed
    assert "records to confirm" in printed
    records = read_records(out / "records")
    people = pd.read_csv(extracts / "childrens_social_care" / "people.csv")
    assert records["cases"]["person_id"].isin(records["people"]["person_id"]).all()
    accounting = pd.read_csv(out / "accounting.csv", index_col=0)
    assert accounting.loc["childrens_social_care", "records"] == len(people)
    # an existing output is refused, and the extracts folder is never an output
    assert main(["link", "--extracts", str(extracts), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["link", "--extracts", str(extracts), "--out", str(extracts / "x")]) == 2
    assert "is also an input" in capsys.readouterr().err


def _fast_text() -> str:
    from advisory.linkage._spec import reference_linkage_spec_text

    return reference_linkage_spec_text().replace("u_max_pairs = 3000000", "u_max_pairs = 200000")


def test_link_command_reports_bad_extracts(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["link", "--extracts", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_can_start_from_linked_extracts() -> None:
    from advisory._cli_link import linked_demo_records
    from advisory.context import build_context
    from advisory.definitions import load_definitions, reference_root

    records, summary, attach_linkage = linked_demo_records(60, 1)
    assert "records to confirm" in summary
    assert set(records.people["sex"].dropna()) <= {"female", "male"}
    context = build_context(records, load_definitions(reference_root()))
    assert len(context.cases) == len(records.cases)
    assert len(context.household) > len(context.cases)
    # the board report's section on who is missing from the household picture
    rng = np.random.default_rng(0)
    scores = rng.uniform(size=200)
    outcome = (rng.uniform(size=200) < scores).astype(int)
    plain = audit(outcome, scores, pd.Series(rng.choice(["F", "M"], 200), name="sex"), n_boot=20)
    linked = attach_linkage(plain)
    assert linked.linkage is not None and linked.linkage["against_truth"]
    assert {r["metric"] for r in linked.linkage["rows"]} >= {"missed_match_rate"}
    assert "Who is missing from the household picture" in render_html(linked)
