"""The board's oversight page: findings, tables, drift; self-contained; dicts render the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisory import ParameterError
from advisory.datasets import simulate_oversight
from advisory.oversight import Store, drift, monitor, record_simulated
from advisory.reports import render_oversight_html, write_oversight_report


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    sim = simulate_oversight(120, seed=5)
    with Store.open(tmp_path_factory.mktemp("o") / "trail.db") as store:
        record_simulated(store, sim)
        watched = monitor(store, groups=sim.reviews[["case_id", "group"]])
    f = sim.factors.drop(columns="case_id")
    checked = drift(f[f.period == "audited"].drop(columns="period"),
                    f[f.period == "later_shifted"].drop(columns="period"), n_boot=100)  # fmt: skip
    return watched, checked


def test_the_page_shows_findings_tables_and_drift(results: tuple[object, object]) -> None:
    watched, checked = results
    page = render_oversight_html(watched, drift=checked)
    assert page.startswith("<!DOCTYPE html>")
    for finding in watched.findings:  # type: ignore[attr-defined]
        assert finding.text.replace("'", "&#39;") in page
    assert "By the child's group" in page
    assert "A re-audit is due under the audit policy" in page
    assert "<script" not in page and "http" not in page
    again = render_oversight_html(
        json.loads(watched.to_json()),  # type: ignore[attr-defined]
        drift=json.loads(checked.to_json()),  # type: ignore[attr-defined]
    )
    assert again == page


def test_write_oversight_report(results: tuple[object, object], tmp_path: Path) -> None:
    watched, _ = results
    files = write_oversight_report(watched, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "oversight.json",
        "oversight_report.html",
    ]
    saved = json.loads(files["json"].read_text(encoding="utf-8"))
    assert saved["drift"] is None and saved["oversight"]["n_reviews"] == 120
    with pytest.raises(ParameterError, match="'monitor' parameter"):
        render_oversight_html([1, 2])
