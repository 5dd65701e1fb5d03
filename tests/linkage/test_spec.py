"""The linkage specification: reference copy, loading, clear errors."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest

from advisory import DefinitionError
from advisory.linkage import load_linkage_spec, parse_linkage_spec, reference_linkage_spec
from advisory.linkage._spec import reference_linkage_path, reference_linkage_spec_text

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (REPO / "linkage").is_dir(), reason="not run from the repository")
def test_packaged_copy_matches_repository_root() -> None:
    root = sorted(p.name for p in (REPO / "linkage").glob("*.toml"))
    packaged = sorted(p.name for p in reference_linkage_path().parent.glob("*.toml"))
    assert root == packaged == ["reference.toml"]
    assert (
        REPO / "linkage" / "reference.toml"
    ).read_bytes() == reference_linkage_path().read_bytes(), (
        "src/advisory/reference/linkage/reference.toml differs from linkage/reference.toml; "
        "copy the root file over it."
    )


def test_reference_spec_reads_as_reviewed() -> None:
    spec = reference_linkage_spec()
    assert spec.case_agency == "childrens_social_care"
    assert spec.approved_on == dt.date(2026, 12, 7)
    assert spec.approved_by
    assert 0 < spec.gap < spec.ask < spec.link < 1
    assert [c.kind for c in spec.comparisons][:2] == ["forename_surname", "date_of_birth"]
    assert ("nhs_number",) in spec.blocking
    assert "name_tokens" in spec.columns
    assert load_linkage_spec(
        REPO / "linkage" / "reference.toml"
    ) == reference_linkage_spec().__class__(
        **{**vars(reference_linkage_spec()), "source": str(REPO / "linkage" / "reference.toml")}
    )


def _bad(old: str, new: str) -> str:
    text = reference_linkage_spec_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        (
            'columns = ["sex"]',
            'columns = ["gender"]',
            r"comparisons\[3\].columns names the column 'gender'",
        ),
        (
            'columns = ["birth_date", "postcode"]',
            'columns = ["birth_date", "post_code"]',
            r"blocking\[1\].columns names the column 'post_code'",
        ),
        (
            "approved_on = 2026-12-07",
            'approved_on = "30/11/2026"',
            "approval.approved_on must be a TOML date",
        ),
        ("link = 0.9", "link = 0.4", "thresholds.link must be above ask"),
        ("ask = 0.5", "ask = 1.5", "thresholds.ask must be a number between 0 and 1"),
        ('kind = "postcode"', 'kind = "fuzzy"', "comparisons\\[2\\].kind must be one of"),
        ('kind = "date_of_birth"', 'kind = "forename_surname"', "must name 2 column"),
        (
            "u_max_pairs = 3000000",
            "u_max_pairs = 10",
            "training.u_max_pairs must be a whole number",
        ),
        ("em_max_pairs = 2000000", "em_max_pairs = 2.5", "training.em_max_pairs must be a whole"),
        ("case_agency =", "case_agncy =", "unknown key 'case_agncy'.*did you mean 'case_agency'"),
        (
            'em_blocking = [["birth_date"], ["first_name", "last_name"]]',
            'em_blocking = [["dob"]]',
            r"training.em_blocking\[0\] names the column 'dob'",
        ),
        (
            'em_blocking = [["birth_date"], ["first_name", "last_name"]]',
            'em_blocking = [["birth_date"], ["name_tokens"]]',
            r"training.em_blocking\[1\] names the derived column 'name_tokens'; name the "
            r"columns it is derived from \(first_name, last_name\)",
        ),
        ("schema_version = 1", "schema_version = 2", "schema_version is 2"),
    ],
)
def test_bad_specifications_name_the_key(old: str, new: str, match: str) -> None:
    with pytest.raises(DefinitionError, match=match):
        parse_linkage_spec(_bad(old, new), "bad.toml")


def test_missing_file_is_a_clear_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(DefinitionError, match="does not exist"):
        load_linkage_spec(tmp_path / "nope.toml")
