from __future__ import annotations

import pytest

from advisory import DefinitionError
from advisory.definitions import load_audit_policy, reference_root
from advisory.definitions._audit_policy import THRESHOLD_FREE_METRICS, parse_audit_policy

PATH = reference_root() / "fairness" / "reference.toml"
TEXT = PATH.read_text(encoding="utf-8")
MINIMAL = """
schema_version = 1
[[attributes]]
name = "sex"
column = "sex"
reference_group = "majority"
description = "Recorded sex."
"""


def edit(old: str, new: str) -> str:
    assert old in TEXT, old
    return TEXT.replace(old, new, 1)


def test_reference_policy() -> None:
    policy = load_audit_policy(PATH)
    assert policy.attribute_names == (
        "ethnicity",
        "disability",
        "sex",
        "age_band",
        "deprivation_decile",
    )
    assert policy.intersections == (("ethnicity", "disability"), ("ethnicity", "sex"))
    assert policy.metrics == THRESHOLD_FREE_METRICS
    assert policy.operating_point is None


def test_defaults_applied() -> None:
    policy = parse_audit_policy(MINIMAL)
    assert (policy.min_cell_size, policy.confidence_level, policy.n_boot) == (10, 0.9, 1000)
    assert policy.metrics == THRESHOLD_FREE_METRICS
    assert policy.intersections == ()


@pytest.mark.parametrize("value", ["1.0", "0", "1.5", '"0.95"', "true"])
def test_bad_confidence_level(value: str) -> None:
    with pytest.raises(
        DefinitionError,
        match=r"^<string>: confidence_level must be a number between 0 and 1 \(exclusive\)",
    ):
        parse_audit_policy(f"confidence_level = {value}\n" + MINIMAL)


def test_bad_min_cell_size() -> None:
    with pytest.raises(
        DefinitionError, match=r"min_cell_size must be an integer > 0; got 0 \(int\) instead\."
    ):
        parse_audit_policy(edit("min_cell_size = 10", "min_cell_size = 0"))


def test_unknown_metric() -> None:
    with pytest.raises(
        DefinitionError,
        match=r"metrics\[1\] is 'accuracy', which is not a known metric; known metrics are "
        r"\['roc_auc', ",
    ):
        parse_audit_policy(edit('"pr_auc"', '"accuracy"'))


def test_operating_point_metric_needs_an_operating_point() -> None:
    with pytest.raises(
        DefinitionError,
        match=r"metrics\[0\] is 'selection_rate', a metric at an operating point, but the "
        r"policy declares no \[operating_point\]",
    ):
        parse_audit_policy('metrics = ["selection_rate"]\n' + MINIMAL)


def test_operating_point_declared() -> None:
    text = (
        'metrics = ["roc_auc", "selection_rate"]\n'
        + MINIMAL
        + '[operating_point]\nthreshold = 0.3\ndescription = "The host flags cases for audit."\n'
    )
    policy = parse_audit_policy(text)
    assert policy.operating_point is not None
    assert policy.operating_point.threshold == 0.3
    assert policy.metrics == ("roc_auc", "selection_rate")


def test_intersection_with_undefined_attribute() -> None:
    with pytest.raises(
        DefinitionError,
        match=r"intersections\[1\] refers to 'gender', which is not a defined attribute; "
        r"defined attributes are \['ethnicity', ",
    ):
        parse_audit_policy(edit('["ethnicity", "sex"]', '["ethnicity", "gender"]'))


@pytest.mark.parametrize("members", ['["ethnicity"]', '["sex", "sex"]', '"sex"'])
def test_intersection_needs_two_distinct_members(members: str) -> None:
    with pytest.raises(
        DefinitionError,
        match=r"intersections\[1\] must list two or more distinct attribute names",
    ):
        parse_audit_policy(edit('["ethnicity", "sex"]', members))


def test_repeated_intersection() -> None:
    with pytest.raises(DefinitionError, match=r"intersections\[1\] repeats the intersection"):
        parse_audit_policy(edit('["ethnicity", "sex"]', '["disability", "ethnicity"]'))


def test_duplicate_attribute() -> None:
    with pytest.raises(DefinitionError, match=r"attributes\[2\]\.name repeats 'disability'"):
        parse_audit_policy(edit('name = "sex"', 'name = "disability"'))


def test_attributes_required() -> None:
    with pytest.raises(
        DefinitionError, match=r"^<string>: attributes is missing; add it \(one or more "
    ):
        parse_audit_policy("schema_version = 1\n")
