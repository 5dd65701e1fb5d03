from __future__ import annotations

import pathlib
import shutil

import pytest

from advisory import DefinitionError
from advisory.definitions import Definitions, load_definitions, reference_root

SPEC = "models/cp_plan_12m.toml"
CATALOGUE = "explain/reference.toml"


@pytest.fixture
def root(tmp_path: pathlib.Path) -> pathlib.Path:
    for folder in ("models", "explain", "fairness"):
        shutil.copytree(reference_root() / folder, tmp_path / folder)
    return tmp_path


def edit(root: pathlib.Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_reference_definitions_load() -> None:
    definitions = load_definitions(reference_root())
    assert isinstance(definitions, Definitions)
    assert definitions.root == reference_root()
    for name in definitions.spec.factor_names:
        assert definitions.catalogue.entry(name).source == definitions.spec.factor(name).source


def test_model_by_name(root: pathlib.Path) -> None:
    definitions = load_definitions(root, model="cp_plan_12m")
    assert definitions.spec.name == "cp_plan_12m"
    assert definitions.root == root


def test_two_specs_need_a_model_name(root: pathlib.Path) -> None:
    text = (root / SPEC).read_text(encoding="utf-8")
    (root / "models" / "cp_plan_6m.toml").write_text(
        text.replace('name = "cp_plan_12m"', 'name = "cp_plan_6m"'), encoding="utf-8"
    )
    with pytest.raises(
        DefinitionError,
        match=r"^models/: the folder holds 2 model specifications \['cp_plan_12m', "
        r"'cp_plan_6m'\]; say which to load with model=<name>\.$",
    ):
        load_definitions(root)
    assert load_definitions(root, model="cp_plan_6m").spec.name == "cp_plan_6m"


def test_unknown_model_name(root: pathlib.Path) -> None:
    with pytest.raises(
        DefinitionError, match=r"^models/nope\.toml: the file does not exist; the model spec"
    ):
        load_definitions(root, model="nope")


def test_missing_models_folder(tmp_path: pathlib.Path) -> None:
    with pytest.raises(
        DefinitionError, match=r"^models/: the folder does not exist in .*; pass the folder"
    ):
        load_definitions(tmp_path)


def test_missing_catalogue_file(root: pathlib.Path) -> None:
    (root / CATALOGUE).unlink()
    with pytest.raises(
        DefinitionError,
        match=r"^explain/reference\.toml: the file does not exist \(looked for .*\); create it",
    ):
        load_definitions(root)


def test_missing_policy_folder(root: pathlib.Path) -> None:
    shutil.rmtree(root / "fairness")
    with pytest.raises(DefinitionError, match=r"^fairness/reference\.toml: the file does not"):
        load_definitions(root)


def test_errors_name_the_relative_file(root: pathlib.Path) -> None:
    edit(root, SPEC, "window_days = 730", "windw_days = 730")
    with pytest.raises(DefinitionError, match=r"^models/cp_plan_12m\.toml: factors\[0\] has"):
        load_definitions(root)


def test_undefined_source(root: pathlib.Path) -> None:
    edit(
        root,
        SPEC,
        'source = "police"\nwho = "household_adults"',
        'source = "polce"\nwho = "household_adults"',
    )
    with pytest.raises(
        DefinitionError,
        match=r"^models/cp_plan_12m\.toml: factors\[3\]\.source refers to 'polce', which is not "
        r"a source in explain/reference\.toml; defined sources are \['childrens_social_care', ",
    ):
        load_definitions(root)


def test_event_type_not_in_source(root: pathlib.Path) -> None:
    edit(root, SPEC, 'event_types = ["arrest"]', 'event_types = ["arrest", "dental_visit"]')
    with pytest.raises(
        DefinitionError,
        match=r"factors\[4\]\.event_types contains 'dental_visit', which is not an event type "
        r"of source 'police' in explain/reference\.toml; that source records \['domestic",
    ):
        load_definitions(root)


def test_factor_without_catalogue_entry(root: pathlib.Path) -> None:
    edit(root, SPEC, 'name = "adult_arrests"', 'name = "adult_arrests_365d"')
    with pytest.raises(
        DefinitionError,
        match=r"^models/cp_plan_12m\.toml: factors\[4\]\.name is 'adult_arrests_365d', which "
        r"has no entry in explain/reference\.toml; add a \[factors\.adult_arrests_365d\] table",
    ):
        load_definitions(root)


def test_catalogue_source_disagrees(root: pathlib.Path) -> None:
    edit(
        root,
        CATALOGUE,
        'label = "Arrests of adults in the household"\nsource = "police"',
        'label = "Arrests of adults in the household"\nsource = "housing"',
    )
    with pytest.raises(
        DefinitionError,
        match=r"^explain/reference\.toml: factors\.adult_arrests\.source is 'housing' but "
        r"models/cp_plan_12m\.toml gives source 'police' for this factor; make them the same\.",
    ):
        load_definitions(root)


def test_spec_names_a_missing_catalogue(root: pathlib.Path) -> None:
    edit(root, SPEC, 'catalogue = "reference"', 'catalogue = "local"')
    with pytest.raises(DefinitionError, match=r"^explain/local\.toml: the file does not exist"):
        load_definitions(root)
