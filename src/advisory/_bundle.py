"""Model bundles: a fitted Advisor saved with skops, never with pickle.

This module knows the file format, not the Advisor: :meth:`Advisor.save
<advisory.Advisor.save>` and :func:`advisory.load` call it.

A bundle is a folder with two files:

- ``advisor.skops`` — the fitted :class:`~advisory.Advisor` (definitions,
  model with its bootstrap refits, explainer), written by ``skops.io``;
- ``manifest.json`` — what a reviewer and a host need to know before loading:
  the bundle format, the library version that wrote it, the SHA-256 of
  ``advisor.skops`` and of each definition, the training data's snapshot date
  and the factor schema.

Both are written whole or not at all (a temporary file, then a rename), the
manifest after the model file, and the folder's completion marker
(``.advisory-complete.json``) last.

Loading checks the manifest (format, version compatibility, checksum, the
type of every field), then lists the types the skops file would construct
and refuses any that are not on this library's reviewed list
(:data:`BUNDLE_TYPES`) unless the caller trusts them explicitly. Nothing in
the file runs before those checks pass. The model file is always
``advisor.skops`` in the bundle folder itself: a manifest naming another
file, or a file that resolves outside the folder (a symbolic link), is
refused. :func:`advisory.load` then validates the definitions inside again
as if read from their files (the wording guard included) and checks the
manifest's model family, factors, snapshot date and model version against
the loaded model.

Privacy: a bundle holds **no training case ids**, not even hashed. While the
advisor that was fitted is in memory, it knows its training cases as HMAC-
SHA256 digests under a random key that exists only in that process; neither
the digests nor the key are saved. So a loaded bundle cannot tell which cases
it was fitted on; its audit uses the training snapshot date instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from advisory._errors import AdvisoryError, ParameterError
from advisory._files import COMPLETE_MARKER, make_folder, mark_complete, write_bytes, write_text
from advisory._version import __version__

__all__ = [
    "BUNDLE_TYPES",
    "BundleError",
    "UntrustedTypesError",
    "definition_hashes",
    "read_bundle",
    "read_manifest",
    "write_bundle",
]

FORMAT: Final = "advisory-bundle"
FORMAT_VERSION: Final = 1
_MODEL_FILE: Final = "advisor.skops"
_MANIFEST: Final = "manifest.json"

#: Types a bundle written by this library contains, reviewed once here: the
#: library's own classes, and the scikit-learn internals of gradient boosting
#: that skops does not trust by default. Anything else needs ``trusted=``.
BUNDLE_TYPES: Final = (
    "advisory._advisor.Advisor",
    "advisory.definitions._audit_policy.AuditPolicy",
    "advisory.definitions._audit_policy.DriftLimits",
    "advisory.definitions._audit_policy.OperatingPoint",
    "advisory.definitions._audit_policy.SensitiveAttribute",
    "advisory.definitions._catalogue.Catalogue",
    "advisory.definitions._catalogue.CatalogueEntry",
    "advisory.definitions._catalogue.Source",
    "advisory.definitions._definitions.Definitions",
    "advisory.definitions._model_spec.FactorSpec",
    "advisory.definitions._model_spec.ModelSpec",
    "advisory.definitions._model_spec.Outcome",
    "advisory.explain._explanation.Explainer",
    "advisory.models._boosting.AdditiveBoostingClassifier",
    "advisory.models._scorecard.ScorecardClassifier",
    "advisory.models._tree.ShallowTreeClassifier",
    "advisory.models._frame.Layout",
    "advisory.models._shapes.AdditiveShapes",
    "advisory.models._shapes.FactorShape",
    "datetime.date",
    "functools.partial",
    "pathlib.PosixPath",
    "pathlib.WindowsPath",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.utils.validation.check_array",
)


class BundleError(AdvisoryError, ValueError):
    """A path is not a bundle, or a bundle is incompatible or has been altered."""


class UntrustedTypesError(AdvisoryError, TypeError):
    """A bundle would construct types nobody has trusted.

    Parameters
    ----------
    path : str
        The bundle.
    types : list of str
        The untrusted types, sorted.
    """

    def __init__(self, path: str, types: list[str]) -> None:
        self.types = types
        super().__init__(
            f"The bundle {path} would construct types that are not on advisory's reviewed "
            f"list: {types}. Nothing was loaded. If you have reviewed where the bundle came "
            "from and trust these types, pass them: advisory.load(path, trusted=[...])."
        )


_MANIFEST_TYPES: Final[dict[str, type]] = {
    "format": str,
    "format_version": int,
    "model_file": str,
    "model_sha256": str,
    "model_family": str,
    "model_version": str,
    "training_snapshot_date": str,
    "factors": list,
    "definitions_sha256": dict,
}
_KIND_NAMES: Final[dict[type, str]] = {
    str: "text",
    int: "a whole number",
    list: "a list",
    dict: "an object",
}


def short(value: object) -> str:
    """Return ``repr(value)`` cut to 60 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def definition_hashes(definitions: object) -> dict[str, str]:
    """SHA-256 of each definition, from its canonical text (stable across machines)."""
    return {
        name: _sha256(repr(getattr(definitions, name)).encode())
        for name in ("spec", "catalogue", "policy")
    }


def write_bundle(obj: object, path: str | os.PathLike[str], manifest: dict[str, Any]) -> Path:
    """Write ``obj`` with skops and its manifest into the bundle folder ``path``.

    Parameters
    ----------
    obj : object
        What the bundle holds (a fitted :class:`~advisory.Advisor`); skops
        writes the state its ``__getstate__`` gives.
    path : str or os.PathLike
        The bundle folder; created if missing, its two files replaced.
    manifest : dict
        What the object's owner says about it (model version, snapshot date,
        factor schema, definition hashes); the format, library version,
        creation time and checksum are added here.

    Returns
    -------
    pathlib.Path
        The bundle folder.
    """
    import skops.io as sio

    folder = make_folder(path, "bundle folder")
    payload: bytes = sio.dumps(obj)
    (folder / COMPLETE_MARKER).unlink(missing_ok=True)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "advisory_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **manifest,
        "model_file": _MODEL_FILE,
        "model_sha256": _sha256(payload),
    }
    write_bytes(folder / _MODEL_FILE, payload)
    write_text(folder / _MANIFEST, json.dumps(document, indent=2) + "\n")
    mark_complete(folder)
    return folder


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a bundle's manifest without loading the model.

    Raises
    ------
    BundleError
        If the path is not a bundle, or its format is unknown or newer than
        this library reads.
    """
    folder = Path(path)
    manifest_file = folder / _MANIFEST
    if not folder.is_dir() or not manifest_file.is_file():
        raise BundleError(
            f"{folder} is not a model bundle: expected a folder with {_MANIFEST} and "
            f"{_MODEL_FILE}, written by Advisor.save(path)."
        )
    try:
        manifest: dict[str, Any] = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        found = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise BundleError(
            f"{manifest_file} is not valid JSON ({found}); the bundle is damaged."
        ) from None
    except OSError as exc:
        raise BundleError(f"{manifest_file} cannot be read ({exc.strerror or exc}).") from exc
    if not isinstance(manifest, dict):
        raise BundleError(
            f"{manifest_file} holds a JSON {type(manifest).__name__}; expected an object with "
            "the keys format, format_version, model_file, model_sha256, ... The bundle is damaged."
        )
    for key, kind in _MANIFEST_TYPES.items():
        if not isinstance(manifest.get(key), kind) or isinstance(manifest.get(key), bool):
            raise BundleError(
                f"{manifest_file} has {key}={short(manifest.get(key))}; expected "
                f"{_KIND_NAMES[kind]}. The bundle is damaged or was edited."
            )
    if manifest.get("format") != FORMAT:
        raise BundleError(
            f"{manifest_file} has format {manifest.get('format')!r}; expected {FORMAT!r}."
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BundleError(
            f"The bundle {folder} has format version {version!r}, written by advisory "
            f"{manifest.get('advisory_version')!r}; this advisory reads format version "
            f"{FORMAT_VERSION} and older. Upgrade advisory to load it."
        )
    return manifest


def read_bundle(
    path: str | os.PathLike[str], *, trusted: Iterable[str] = ()
) -> tuple[Any, dict[str, Any]]:
    """Check a bundle, then load what it holds (see :func:`advisory.load`).

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    trusted : iterable of str, optional
        Extra types to trust beyond :data:`BUNDLE_TYPES`, after reviewing them.

    Returns
    -------
    tuple
        The loaded object and the bundle's manifest.

    Raises
    ------
    BundleError
        If the path is not a bundle, its format is newer than this library
        reads, or ``advisor.skops`` does not match the manifest's checksum
        (the file was altered or damaged).
    UntrustedTypesError
        If the bundle would construct a type not on the reviewed list and not
        in ``trusted``. Nothing is constructed in that case.
    """
    import skops.io as sio

    if isinstance(trusted, (str, bytes)) or not isinstance(trusted, Iterable):
        raise ParameterError(
            "trusted", "advisory.load", "a list of type names (a single one as a list)", trusted
        )
    trusted = list(trusted)
    if not all(isinstance(t, str) for t in trusted):
        raise ParameterError("trusted", "advisory.load", "a list of type names (str)", trusted)
    manifest = read_manifest(path)
    folder = Path(path)
    if manifest["model_file"] != _MODEL_FILE:
        raise BundleError(
            f"The manifest of {folder} names the model file {short(manifest['model_file'])}; "
            f"a bundle's model file is always {_MODEL_FILE!r} in the bundle folder. The "
            "manifest was edited: do not load it."
        )
    model_file = folder / _MODEL_FILE
    if not model_file.is_file():
        raise BundleError(f"The bundle {path} has no {model_file.name}; it is incomplete.")
    if model_file.resolve().parent != folder.resolve():
        raise BundleError(
            f"{model_file} resolves to {model_file.resolve()}, outside the bundle folder; a "
            "bundle is self-contained. Do not load it; copy the real file into the folder."
        )
    payload = model_file.read_bytes()
    if _sha256(payload) != manifest.get("model_sha256"):
        raise BundleError(
            f"{model_file} does not match the checksum in the bundle's manifest: the file "
            "was altered or damaged after it was saved. Do not load it; save the bundle again "
            "from its source."
        )
    allowed = set(BUNDLE_TYPES) | set(trusted)
    try:
        found = sio.get_untrusted_types(data=payload)
    except Exception as exc:
        raise BundleError(f"{model_file} is not a readable skops file ({exc}).") from exc
    refused = sorted(set(found) - allowed)
    if refused:
        raise UntrustedTypesError(str(path), refused)
    return sio.loads(payload, trusted=sorted(set(found))), manifest
