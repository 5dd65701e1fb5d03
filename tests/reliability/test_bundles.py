"""Bad bundles: tampered manifests, paths outside the folder, edited definitions, and no
recoverable training ids. Entry point: advisory.load and Advisor.save."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import advisory
from advisory import Advisor, BundleError, ParameterError
from advisory._errors import OutputError


@pytest.fixture
def copy(bundle: Path, tmp_path: Path) -> Path:
    target = tmp_path / "bundle"
    shutil.copytree(bundle, target)
    return target


def _manifest(folder: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return manifest


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        manifest = _manifest(folder)
        change(manifest)
        (folder / "manifest.json").write_text(json.dumps(manifest))

    return edit


def _outside(folder: Path) -> None:
    other = folder.parent / "other"
    other.mkdir()
    shutil.copy(folder / "advisor.skops", other / "advisor.skops")
    manifest = _manifest(folder)
    manifest["model_file"] = "../other/advisor.skops"
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _symlink(folder: Path) -> None:
    other = folder.parent / "elsewhere.skops"
    shutil.move(folder / "advisor.skops", other)
    (folder / "advisor.skops").symlink_to(other)


def _write(text: str | bytes) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "manifest.json"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return edit


def _pop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda m: m.pop(key)


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda m: m.__setitem__(key, value)


def _truncate(folder: Path) -> None:
    path = folder / "advisor.skops"
    path.write_bytes(path.read_bytes()[:1000])


BAD_BUNDLES = [
    ("model file outside the folder", _outside, r"model file '\.\./other/advisor\.skops'"),
    ("model file a link outside", _symlink, r"resolves to .*elsewhere\.skops, outside the bundle"),
    ("manifest a list", _write("[1, 2]"), r"holds a JSON list; expected an object"),
    ("manifest nested deeply", _write("[" * 100_000 + "]" * 100_000), r"not valid JSON \(nested"),
    ("manifest not JSON", _write("{format: bundle"), r"is not valid JSON"),
    ("manifest not UTF-8", _write(b"\xff\xfe{}"), r"is not valid JSON"),
    ("manifest empty", _write(""), r"is not valid JSON"),
    (
        "format version as text",
        _edit(_set("format_version", "1")),
        r"format_version='1'; expected a",
    ),
    ("format version true", _edit(_set("format_version", True)), r"format_version=True"),
    ("no checksum", _edit(_pop("model_sha256")), r"model_sha256=None; expected text"),
    ("factors not a list", _edit(_set("factors", "all")), r"factors='all'; expected a list"),
    ("family edited", _edit(_set("model_family", "tree")), r"model_family 'tree' does not match"),
    (
        "factors edited",
        _edit(lambda m: m["factors"].pop()),
        r"manifest's factors .* does not match the model",
    ),
    (
        "snapshot edited",
        _edit(_set("training_snapshot_date", "2030-01-01")),
        r"training_snapshot_date '2030-01-01' does not match",
    ),
    ("version edited", _edit(_set("model_version", "other")), r"model_version 'other' does not"),
    ("newer format", _edit(_set("format_version", 99)), r"format version 99"),
    ("model file damaged", _truncate, r"does not match the checksum"),
    ("model file missing", lambda f: (f / "advisor.skops").unlink(), r"has no advisor\.skops"),
    ("manifest missing", lambda f: (f / "manifest.json").unlink(), r"is not a model bundle"),
]


@pytest.mark.parametrize(
    ("edit", "message"), [b[1:] for b in BAD_BUNDLES], ids=[b[0] for b in BAD_BUNDLES]
)
def test_a_tampered_bundle_is_refused(
    copy: Path, edit: Callable[[Path], None], message: str
) -> None:
    edit(copy)
    with pytest.raises(BundleError, match=message) as caught:
        advisory.load(copy)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("trusted", ["os.system", b"os.system", [5], 3])
def test_trusted_must_be_a_list_of_type_names(copy: Path, trusted: object) -> None:
    with pytest.raises(ParameterError, match=r"'trusted' parameter of advisory.load"):
        advisory.load(copy, trusted=trusted)  # type: ignore[arg-type]


def test_definitions_edited_with_their_hashes_updated_are_validated_on_load(
    fitted: Advisor, tmp_path: Path
) -> None:
    loaded = advisory.Advisor.load(fitted.save(tmp_path / "good"))
    catalogue = loaded.definitions.catalogue
    police = dataclasses.replace(catalogue.sources[1], label="Police in nine in ten homes")
    bad = dataclasses.replace(
        catalogue, sources=(catalogue.sources[0], police, *catalogue.sources[2:])
    )
    loaded.definitions = dataclasses.replace(loaded.definitions, catalogue=bad)
    folder = loaded.save(tmp_path / "edited")  # the manifest's hashes match the edit
    with pytest.raises(BundleError, match=r"fail validation: .*sources\.police\.label"):
        advisory.load(folder)


def test_a_good_bundle_still_loads_and_reviews(bundle: Path, small_data: Any) -> None:
    loaded = advisory.load(bundle)
    assert len(loaded.review_dicts(small_data, ["C0000007"])) == 1


def _training_ids(data: Any) -> list[str]:
    return [str(c) for c in data.cases["case_id"]]


def test_no_training_id_can_be_recovered_from_a_bundle(
    fitted: Advisor, bundle: Path, small_data: Any
) -> None:
    ids = _training_ids(small_data)
    with zipfile.ZipFile(bundle / "advisor.skops") as archive:
        contents = b"".join(archive.read(name) for name in archive.namelist())
    contents += (bundle / "manifest.json").read_bytes()
    # the attack of the issue: hash every id of the known form with the old public key
    candidates = np.asarray([f"C{i:07d}" for i in range(1, 20_001)], dtype=object)
    public = pd.util.hash_array(candidates, hash_key="advisory-cases-1").astype(np.uint64)
    assert not any(h.tobytes() in contents for h in public[: len(ids) + 10])
    assert not any(c.encode() in contents for c in ids)
    assert b"training_cases_" not in contents and b"_case_key" not in contents
    for digest in (hashlib.sha256(c.encode()).digest() for c in ids[:50]):
        assert digest not in contents
    # the advisor that was fitted knows its cases; a loaded bundle cannot tell
    assert fitted.training_share(ids[:10]) == 1.0
    assert advisory.Advisor.load(bundle).training_share(ids) is None


def test_an_audit_of_a_loaded_bundle_says_what_it_cannot_check(
    bundle: Path, small_data: Any
) -> None:
    loaded = advisory.Advisor.load(bundle)
    result = loaded.audit(small_data, _training_ids(small_data)[:250], n_boot=20)
    assert any("stores no training case ids" in note for note in result.notes)


@pytest.mark.parametrize(
    "where", ["/proc/advisory-bundle", "{tmp}/a-file/bundle"], ids=["/proc", "under a file"]
)
def test_saving_where_nothing_can_be_written_is_a_clear_error(
    fitted: Advisor, tmp_path: Path, where: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(OutputError, match=r"The bundle folder .* cannot be created"):
        fitted.save(where.format(tmp=tmp_path))
