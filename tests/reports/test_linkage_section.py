"""The board report's section on linkage quality: who is missing from the household picture."""

from __future__ import annotations

import copy
import re
from typing import Any

import pandas as pd
import pytest

from advisory import InputError, ParameterError
from advisory.fairness import Audit, LinkageQuality
from advisory.reports import audit_json, render_html, render_model_card

HEADING = "Who is missing from the household picture"


def _section(page: str) -> str:
    start = page.index('<section aria-labelledby="linkage">')
    return page[start : page.index("</section>", start)]


def test_the_section_shows_each_group_with_intervals(linked_dict: dict[str, Any]) -> None:
    page = render_html(linked_dict)
    assert f'<a href="#linkage">{HEADING}</a>' in page
    section = _section(page)
    assert f'<h2 id="linkage">{HEADING}</h2>' in section
    asian = section[section.index('<th scope="row">Asian</th>') :].split("</tr>")[0]
    # 1,080 Asian records of people in the picture, 59 of them missed
    assert "5.5%" in asian and "(95% interval 3.9% to 7.0%)" in asian
    assert "1,210" in asian
    assert section.count('<span class="ci">(95% interval') == 14
    assert "The share of records missed was highest for \u201cGypsy, Roma or Traveller\u201d" in (
        section
    )
    # real data need not know the truth: the synthetic case says so
    assert "who each record belongs to is known" in section


def test_suppressed_groups_and_withheld_cells_carry_no_number(linked_dict: dict[str, Any]) -> None:
    section = _section(render_html(linked_dict))
    other = section[section.index('<th scope="row">Other</th>') :].split("</tr>")[0]
    assert "suppressed: fewer than 10 records or disclosive" in other
    shown = re.sub(r"<[^>]*>", "", other).replace("10 records", "")
    assert not re.search(r"\d", shown)
    traveller = section[section.index("Gypsy, Roma or Traveller</th>") :].split("</tr>")[0]
    assert traveller.count("withheld: it would reveal a small number of people") == 1
    assert traveller.count("<td") == 6  # records and five measures


def test_the_model_card_has_the_same_facts(linked_dict: dict[str, Any]) -> None:
    card = render_model_card(linked_dict)
    section = card[card.index(f"## {HEADING}") : card.index("## Suppression")]
    assert "- Asian: 1,210 records; linked to their person: 94.5% (95% interval" in section
    assert "- Other: suppressed: fewer than 10 records or disclosive\n" in section
    assert "linked to someone else: withheld" in section


def test_without_linkage_quality_there_is_no_section(full_dict: dict[str, Any]) -> None:
    assert "linkage" not in full_dict
    assert HEADING not in render_html(full_dict)
    assert HEADING not in render_model_card(full_dict)
    assert "## Suppression" in render_model_card({**full_dict, "linkage": None})


def test_on_real_data_only_the_unlinked_and_uncertain_shares_are_shown(
    linked_dict: dict[str, Any], linkage_section: dict[str, Any]
) -> None:
    real = linkage_section
    real["against_truth"] = False
    real["rows"] = [r for r in real["rows"] if r["metric"] in ("unlinked_rate", "uncertain_rate")]
    section = _section(render_html({**linked_dict, "linkage": real}))
    assert "Left unlinked" in section and "Missed" not in section
    assert "The share of records left unlinked was highest for" in section
    assert "is not known" in section


def test_the_json_carries_the_section_and_the_schema_checks_it(
    linked_dict: dict[str, Any],
) -> None:
    assert '"linkage": {' in audit_json(linked_dict)
    bad = copy.deepcopy(linked_dict)
    bad["linkage"]["rows"][0]["metric"] = "linked_share"
    with pytest.raises(InputError, match="linkage"):
        audit_json(bad)


def test_an_audit_carries_linkage_quality(
    real_audit: Audit, linkage_section: dict[str, Any]
) -> None:
    table = pd.DataFrame(
        [
            {
                "group": r["group"],
                "metric": r["metric"],
                **_numbers(r),
                "suppressed": r["suppressed"],
            }
            for r in linkage_section["rows"]
        ]
    )
    quality = LinkageQuality(
        attribute="ethnicity",
        table=table,
        against_truth=True,
        min_cell_size=10,
        confidence_level=0.95,
    )
    attached = real_audit.with_sections(linkage=quality)
    assert real_audit.linkage is None and "linkage" not in real_audit.to_dict()
    assert attached.linkage == quality.to_dict()
    assert attached.to_dict()["linkage"] == quality.to_dict()
    assert HEADING in render_html(attached)
    with pytest.raises(ParameterError, match="'linkage' parameter of Audit"):
        real_audit.with_sections(linkage=42)


def _numbers(row: dict[str, Any]) -> dict[str, float]:
    return {
        k: float("nan") if row[k] is None else float(row[k])
        for k in ("n", "count", "rate", "lower", "upper")
    }
