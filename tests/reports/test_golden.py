"""Golden renderings of the report from a fixed-seed audit and hand-made sections.

Rerun with ``ADVISORY_REGENERATE_GOLDEN=1`` (or ``--regenerate-golden``) after an
intended change, and review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisory.reports import render_html, render_model_card

GOLDEN = Path(__file__).parent / "golden"
IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def normalised_html(page: str) -> str:
    """The page with its embedded images replaced by a placeholder."""
    return IMAGE.sub("data:image/png;base64,(image)", page)


@pytest.mark.parametrize(
    ("name", "sections", "render"),
    [
        ("model_card.md", "full", render_model_card),
        ("model_card_external.md", "bare", render_model_card),
        ("audit_report.html.txt", "full", lambda d: normalised_html(render_html(d))),
    ],
)
def test_golden_renderings(full_dict, bare_dict, name, sections, render, golden):
    golden(GOLDEN / name, render(full_dict if sections == "full" else bare_dict))


def test_golden_html_keeps_one_placeholder_per_chart():
    text = (GOLDEN / "audit_report.html.txt").read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,(image)") == text.count("<img ")
    assert "base64,iVBOR" not in text
