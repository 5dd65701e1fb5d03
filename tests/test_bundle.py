"""Model bundles: skops only, checked manifest, explicit trust, tamper refusal."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import advisory
from advisory import Advisor, BundleError, UntrustedTypesError
from advisory._bundle import BUNDLE_TYPES
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root


@pytest.fixture(scope="module")
def data():
    return make_multiagency(n_cases=600, seed=3)


@pytest.fixture(scope="module")
def advisor(data):
    params = {"n_resamples": 4, "random_state": 0}
    return Advisor.from_definitions(reference_root(), model_params=params).fit(data)


@pytest.fixture
def bundle(advisor, tmp_path):
    return advisor.save(tmp_path / "bundle")


def test_round_trip_gives_identical_outputs_and_reviews(advisor, data, bundle):
    loaded = Advisor.load(bundle)
    assert np.array_equal(loaded.decision_function(data), advisor.decision_function(data))
    cases = list(data.cases["case_id"][:5])
    assert [r.to_dict() for r in loaded.review(data, cases)] == [
        r.to_dict() for r in advisor.review(data, cases)
    ]
    host = advisory.load(bundle)
    assert host.review_dicts(data, cases) == advisor.review_dicts(data, cases)


def test_manifest_records_versions_hashes_snapshot_and_schema(advisor, data, bundle):
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["format"] == "advisory-bundle"
    assert manifest["advisory_version"] == advisory.__version__
    assert manifest["training_snapshot_date"] == data.snapshot_date.date().isoformat()
    assert set(manifest["definitions_sha256"]) == {"spec", "catalogue", "policy"}
    assert [f["name"] for f in manifest["factors"]] == list(advisor.definitions.spec.factor_names)
    assert manifest["model_family"] == "additive_boosting"


def test_no_pickle_in_the_bundle(bundle):
    with zipfile.ZipFile(bundle / "advisor.skops") as archive:
        names = archive.namelist()
    assert "schema.json" in names
    assert not any(name.endswith((".pkl", ".pickle")) for name in names)
    assert {p.name for p in bundle.iterdir()} == {
        "advisor.skops",
        "manifest.json",
        ".advisory-complete.json",
    }


def test_a_path_that_is_not_a_bundle(tmp_path):
    with pytest.raises(BundleError, match=r"is not a model bundle: expected a folder with"):
        advisory.load(tmp_path)


def test_a_newer_format_is_refused(bundle):
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["format_version"] = 99
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match=r"format version 99.*Upgrade advisory"):
        advisory.load(bundle)


def test_a_tampered_model_file_is_refused(bundle):
    model = bundle / "advisor.skops"
    model.write_bytes(model.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(BundleError, match=r"does not match the checksum"):
        advisory.load(bundle)


def _rewrite(bundle: Path, edit) -> None:
    """Edit the skops archive's schema and fix the manifest checksum, as an attacker would."""
    import hashlib

    model = bundle / "advisor.skops"
    with zipfile.ZipFile(model) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(files["schema.json"])
    edit(schema)
    files["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(model, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["model_sha256"] = hashlib.sha256(model.read_bytes()).hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest))


def test_a_foreign_callable_is_refused_and_never_run(bundle, tmp_path):
    marker = tmp_path / "ran"

    def inject(schema):
        # replace the model's class with a callable that would write a file if called
        schema["__class__"] = "system"
        schema["__module__"] = "os"

    _rewrite(bundle, inject)
    with pytest.raises(
        UntrustedTypesError, match=r"not on advisory's reviewed list: \['os.system'\]"
    ):
        advisory.load(bundle)
    assert not marker.exists()


def test_trusting_an_extra_type_is_explicit(bundle):
    def rename(schema):
        schema["__module__"] = "mypackage.advisors"

    _rewrite(bundle, rename)
    with pytest.raises(UntrustedTypesError, match=r"mypackage.advisors.Advisor"):
        advisory.load(bundle)
    with pytest.raises(Exception, match=r"mypackage"):
        # trusted, it is constructed - and fails because no such module exists
        advisory.load(bundle, trusted=["mypackage.advisors.Advisor"])


def test_reviewed_types_are_the_library_and_known_sklearn_internals():
    allowed = ("advisory.", "sklearn.", "functools.", "pathlib.", "datetime.")
    assert all(t.startswith(allowed) for t in BUNDLE_TYPES)
    assert not any("pickle" in t or t.startswith(("builtins.", "os.")) for t in BUNDLE_TYPES)


def test_saving_an_unfitted_advisor_is_an_error(tmp_path):
    with pytest.raises(Exception, match=r"not fitted yet. Call 'fit'"):
        Advisor.from_definitions(reference_root()).save(tmp_path / "b")


def test_host_path_works_with_the_core_install_only(bundle, data, tmp_path):
    """A host loads a bundle and reviews one case with shap, mlflow, matplotlib, fairlearn
    and jinja2 made unimportable, as in an environment with only the core install."""
    import subprocess
    import sys

    tables = tmp_path / "tables"
    tables.mkdir()
    cases = data.cases.head(3)
    code = f"""
import importlib.abc
import sys

EXTRAS = {{"shap", "mlflow", "matplotlib", "fairlearn", "jinja2"}}

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in EXTRAS:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
import advisory
from advisory.datasets import make_multiagency
data = make_multiagency(n_cases=600, seed=3)
advisor = advisory.load({str(bundle)!r})
review = advisor.review(data, case_ids=[{cases["case_id"].iloc[0]!r}])[0]
assert review.to_json() and review.to_html()
print(",".join(m for m in sorted(EXTRAS) if m in sys.modules))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_reviews_from_several_threads_equal_sequential_reviews(bundle, data):
    from concurrent.futures import ThreadPoolExecutor

    loaded = advisory.load(bundle)
    cases = list(data.cases["case_id"][:16])
    expected = [r.to_dict() for r in loaded.review(data, cases)]
    fresh = advisory.load(bundle)  # an empty cache, filled by racing threads
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda c: fresh.review(data, [c])[0].to_dict(), cases))
    assert got == expected


def test_saving_keeps_no_cache_and_leaves_the_advisor_alone(advisor, data, tmp_path):
    advisor.review(data, list(data.cases["case_id"][:2]))  # fills the review builders' cache
    cached = dict(advisor._builders)
    assert cached
    assert "_builders" not in advisor.__getstate__()
    advisor.save(tmp_path / "b")
    assert advisor._builders == cached  # saving does not touch the live advisor
    loaded = Advisor.load(tmp_path / "b")
    assert loaded._builders == {}


def test_the_bundle_errors_are_public():
    assert advisory.BundleError is BundleError and "BundleError" in advisory.__all__
    assert advisory.UntrustedTypesError is UntrustedTypesError
    assert issubclass(BundleError, advisory.AdvisoryError)
