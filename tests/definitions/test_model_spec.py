from __future__ import annotations

import pathlib

import pytest

from advisory import DefinitionError, UnknownNameError
from advisory.definitions import load_model_spec, reference_root
from advisory.definitions._model_spec import parse_model_spec

SPEC_PATH = reference_root() / "models" / "cp_plan_12m.toml"
TEXT = SPEC_PATH.read_text(encoding="utf-8")


def edit(old: str, new: str, *, text: str = TEXT) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def test_reference_spec_loads() -> None:
    spec = load_model_spec(SPEC_PATH)
    assert spec.name == "cp_plan_12m"
    assert spec.family == "additive_boosting"
    assert spec.outcome.known_biases
    assert len(spec.factors) >= 16
    assert spec.factor_names[0] == "child_prior_referrals"
    kinds = {f.kind for f in spec.factors}
    assert kinds == {"events", "household_change", "child_age", "household_composition"}
    sources = {f.source for f in spec.factors}
    assert sources == {"childrens_social_care", "police", "health", "education", "housing"}
    ever = spec.factor("child_previous_protection_plan")
    assert ever.ever and ever.window_days is None and ever.aggregation == "any"
    composition = spec.factor("household_adults")
    assert composition.is_categorical
    assert composition.levels == ("one adult", "two adults", "three or more adults")
    assert spec.monotone_constraints["household_adults"] == 0
    assert spec.monotone_constraints["adult_arrests"] == 1
    assert spec.monotone_constraints["household_early_help"] == -1


def test_factor_lookup_names_the_factors() -> None:
    spec = parse_model_spec(TEXT)
    with pytest.raises(
        UnknownNameError, match=r"has no factor 'nope'; its factors are \['child_prior"
    ):
        spec.factor("nope")


def test_unknown_key() -> None:
    text = edit("window_days = 730\n", "windw_days = 730\n")
    with pytest.raises(
        DefinitionError,
        match=r"^<string>: factors\[0\] has unknown key 'windw_days'; expected one of "
        r"\['aggregation', .*\]\. Check the spelling \(did you mean 'window_days'\?\)\.$",
    ):
        parse_model_spec(text)


def test_unknown_top_level_key() -> None:
    with pytest.raises(DefinitionError, match=r"the top level has unknown key 'colour'"):
        parse_model_spec('colour = "red"\n' + TEXT)


def test_missing_field() -> None:
    text = edit('column = "outcome"\n', "")
    with pytest.raises(
        DefinitionError, match=r"^<string>: outcome\.column is missing; add it \(a non-empty"
    ):
        parse_model_spec(text)


def test_wrong_type() -> None:
    text = edit("window_days = 730\n", 'window_days = "730"\n')
    with pytest.raises(
        DefinitionError,
        match=r"factors\[0\]\.window_days must be an integer > 0; got '730' \(str\) instead\.",
    ):
        parse_model_spec(text)


def test_bool_is_not_an_integer() -> None:
    text = edit("window_days = 365\n", "window_days = true\n")
    with pytest.raises(DefinitionError, match=r"outcome\.window_days must be an integer > 0"):
        parse_model_spec(text)


def test_bad_enum_value() -> None:
    text = edit('monotone = "increasing"', 'monotone = "up"')
    with pytest.raises(
        DefinitionError,
        match=r"factors\[0\]\.monotone must be one of \['increasing', 'decreasing', 'none'\]; "
        r"got 'up' \(str\) instead\.",
    ):
        parse_model_spec(text)


def test_window_with_ever() -> None:
    text = edit("ever = true\n", "ever = true\nwindow_days = 365\n")
    with pytest.raises(
        DefinitionError,
        match=r"factors\[1\]\.window_days is not allowed with ever = true .*; remove it\.",
    ):
        parse_model_spec(text)


def test_window_or_ever_required() -> None:
    text = edit("ever = true\n", "")
    with pytest.raises(
        DefinitionError,
        match=r"factors\[1\]\.window_days is missing; add it .* or declare ever = true",
    ):
        parse_model_spec(text)


def test_duplicate_factor_name() -> None:
    text = edit('name = "adult_arrests"', 'name = "adult_domestic_abuse_notifications"')
    with pytest.raises(
        DefinitionError,
        match=r"factors\[4\]\.name repeats 'adult_domestic_abuse_notifications', already the "
        r"name of factors\[3\]",
    ):
        parse_model_spec(text)


def test_factor_name_must_be_snake_case() -> None:
    text = edit('name = "adult_arrests"', 'name = "Adult arrests"')
    with pytest.raises(DefinitionError, match=r"factors\[4\]\.name must be a snake_case name"):
        parse_model_spec(text)


def test_event_types_required_for_events() -> None:
    text = edit('event_types = ["referral"]\n', "")
    with pytest.raises(DefinitionError, match=r"factors\[0\]\.event_types is missing; add it"):
        parse_model_spec(text)


def test_people_aggregation_needs_a_group() -> None:
    text = edit('aggregation = "count"\n', 'aggregation = "people"\n')
    with pytest.raises(
        DefinitionError, match=r"factors\[0\]\.aggregation is 'people', .* who = 'child'"
    ):
        parse_model_spec(text)


def test_household_change_needs_childrens_social_care() -> None:
    old = 'kind = "household_change"\nsource = "childrens_social_care"'
    text = edit(old, 'kind = "household_change"\nsource = "housing"')
    with pytest.raises(
        DefinitionError,
        match=r"\.source must be 'childrens_social_care' for kind 'household_change'",
    ):
        parse_model_spec(text)


def test_household_change_who() -> None:
    old = 'kind = "household_change"\nsource = "childrens_social_care"\nwho = "household_adults"'
    new = 'kind = "household_change"\nsource = "childrens_social_care"\nwho = "child"'
    with pytest.raises(
        DefinitionError,
        match=r"\.who must be one of \['household_adults', 'household_children'\] for kind "
        r"'household_change'; got 'child' instead\.",
    ):
        parse_model_spec(edit(old, new))


def test_child_age_takes_no_window() -> None:
    old = 'kind = "child_age"\n'
    text = edit(old, 'kind = "child_age"\nwindow_days = 365\n')
    with pytest.raises(
        DefinitionError, match=r"\.window_days is not allowed for kind 'child_age'; remove it\."
    ):
        parse_model_spec(text)


def test_categorical_monotone_must_be_none() -> None:
    old = 'levels = ["one adult", "two adults", "three or more adults"]\nmonotone = "none"'
    new = 'levels = ["one adult", "two adults", "three or more adults"]\nmonotone = "increasing"'
    with pytest.raises(
        DefinitionError,
        match=r"\.monotone must be 'none' for a categorical factor \(kind "
        r"'household_composition'\); got 'increasing' instead\.",
    ):
        parse_model_spec(edit(old, new))


def test_levels_required() -> None:
    old = 'levels = ["one adult", "two adults", "three or more adults"]\n'
    with pytest.raises(DefinitionError, match=r"\.levels is missing; add it"):
        parse_model_spec(edit(old, ""))


def test_empty_known_biases() -> None:
    text = edit("known_biases = [", "known_biases = []\nold_biases = [")
    with pytest.raises(DefinitionError, match=r"outcome has unknown key 'old_biases'"):
        parse_model_spec(text)
    start = TEXT.index("known_biases = [")
    end = TEXT.index("]\n", start) + 2
    text = TEXT[:start] + "known_biases = []\n" + TEXT[end:]
    with pytest.raises(
        DefinitionError,
        match=r"outcome\.known_biases must be a non-empty list of distinct non-empty strings",
    ):
        parse_model_spec(text)


def test_schema_version_from_the_future() -> None:
    text = edit("schema_version = 1", "schema_version = 2")
    with pytest.raises(DefinitionError, match=r"schema_version is 2, but this version of advisory"):
        parse_model_spec(text)


def test_catalogue_name_cannot_be_a_path() -> None:
    text = edit('catalogue = "reference"', 'catalogue = "../reference"')
    with pytest.raises(DefinitionError, match=r"^<string>: catalogue must be a snake_case name"):
        parse_model_spec(text)


def test_invalid_toml() -> None:
    with pytest.raises(DefinitionError, match=r"^<string>: the file is not valid TOML"):
        parse_model_spec(TEXT + "\n[[factors]\n")


def test_name_must_match_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(
        DefinitionError,
        match=r"name is 'cp_plan_12m' but the file is called 'other\.toml'",
    ):
        load_model_spec(path)


def test_missing_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(DefinitionError, match=r"nope\.toml: the file does not exist"):
        load_model_spec(tmp_path / "nope.toml")


def test_spec_is_frozen() -> None:
    spec = parse_model_spec(TEXT)
    with pytest.raises(AttributeError):
        spec.name = "x"  # type: ignore[misc]
