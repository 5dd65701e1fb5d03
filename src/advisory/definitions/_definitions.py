"""The bundle of one model's definitions, loaded together and cross-checked."""

from __future__ import annotations

import importlib.resources
import os
import pathlib
from dataclasses import dataclass

from advisory._errors import DefinitionError
from advisory.definitions._audit_policy import AuditPolicy, load_audit_policy
from advisory.definitions._catalogue import Catalogue, load_catalogue
from advisory.definitions._model_spec import ModelSpec, load_model_spec

__all__ = ["Definitions", "check_definitions", "load_definitions", "reference_root"]


@dataclass(frozen=True, kw_only=True)
class Definitions:
    """A model specification with its factor catalogue and audit policy.

    Attributes
    ----------
    spec : ModelSpec
        The model specification (``models/<name>.toml``).
    catalogue : Catalogue
        The factor catalogue it names (``explain/<catalogue>.toml``).
    policy : AuditPolicy
        The audit policy it names (``fairness/<audit_policy>.toml``).
    root : pathlib.Path
        The folder holding ``models/``, ``explain/`` and ``fairness/``.
    """

    spec: ModelSpec
    catalogue: Catalogue
    policy: AuditPolicy
    root: pathlib.Path


def reference_root() -> pathlib.Path:
    """Return the folder holding the reference definitions shipped with advisory.

    It has the same ``models/``, ``explain/``, ``fairness/`` and ``linkage/``
    folders as the repository root, with byte-identical copies of the
    reference files.

    Returns
    -------
    pathlib.Path
        The folder, inside the installed package.

    Examples
    --------
    >>> sorted(p.name for p in reference_root().iterdir() if p.is_dir())
    ['explain', 'fairness', 'linkage', 'models']
    """
    return pathlib.Path(str(importlib.resources.files("advisory") / "reference"))


def load_definitions(root: str | os.PathLike[str] = ".", model: str | None = None) -> Definitions:
    """Load a model specification, its catalogue and audit policy, and cross-check them.

    Parameters
    ----------
    root : str or os.PathLike, default "."
        The folder holding ``models/``, ``explain/`` and ``fairness/``.
    model : str, optional
        The specification's name (the stem of ``models/<model>.toml``). If
        omitted, ``models/`` must hold exactly one specification.

    Returns
    -------
    Definitions
        The three definitions, consistent with each other.

    Raises
    ------
    DefinitionError
        If a folder or file is missing, a file is invalid, or the files
        disagree (see :func:`check_definitions`).

    Examples
    --------
    >>> from advisory.definitions import reference_root
    >>> definitions = load_definitions(reference_root())
    >>> definitions.spec.name, definitions.spec.catalogue, definitions.spec.audit_policy
    ('cp_plan_12m', 'reference', 'reference')
    >>> load_definitions(reference_root(), model="cp_plan_6m")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: models/cp_plan_6m.toml: the file does not exist;
    the model specifications in models/ are ['cp_plan_12m']. Check the name.
    """
    base = pathlib.Path(root)
    models = base / "models"
    if not models.is_dir():
        raise DefinitionError(
            "models/",
            "the folder",
            f"does not exist in {base.resolve()}; pass the folder holding models/, explain/ "
            "and fairness/ as root (advisory.definitions.reference_root() has the reference "
            "definitions).",
        )
    available = sorted(p.stem for p in models.glob("*.toml"))
    if model is None:
        if len(available) != 1:
            raise DefinitionError(
                "models/",
                "the folder",
                f"holds {len(available)} model specifications {available}; "
                "say which to load with model=<name>.",
            )
        model = available[0]
    elif model not in available:
        raise DefinitionError(
            f"models/{model}.toml",
            "the file",
            f"does not exist; the model specifications in models/ are {available}. Check the name.",
        )
    spec = load_model_spec(models / f"{model}.toml", source=f"models/{model}.toml")
    catalogue_source = f"explain/{spec.catalogue}.toml"
    policy_source = f"fairness/{spec.audit_policy}.toml"
    catalogue = load_catalogue(base / catalogue_source, source=catalogue_source)
    policy = load_audit_policy(base / policy_source, source=policy_source)
    definitions = Definitions(spec=spec, catalogue=catalogue, policy=policy, root=base)
    check_definitions(
        definitions, spec_source=f"models/{model}.toml", catalogue_source=catalogue_source
    )
    return definitions


def check_definitions(
    definitions: Definitions,
    *,
    spec_source: str = "model specification",
    catalogue_source: str = "the catalogue",
) -> None:
    """Check that a specification and its catalogue agree.

    Every factor must have a catalogue entry with the same source; every
    factor's source must be a catalogue source; every event type must be one
    the source records.

    Parameters
    ----------
    definitions : Definitions
        The definitions to check.
    spec_source, catalogue_source : str
        How to name the two files in messages.

    Raises
    ------
    DefinitionError
        On the first disagreement, naming both files and the fix.
    """
    catalogue = definitions.catalogue
    sources = list(catalogue.source_names)
    entries = {e.name: e for e in catalogue.entries}
    for i, factor in enumerate(definitions.spec.factors):
        where = f"factors[{i}]"
        if factor.source not in sources:
            raise DefinitionError(
                spec_source,
                f"{where}.source",
                f"refers to {factor.source!r}, which is not a source in {catalogue_source}; "
                f"defined sources are {sources}.",
            )
        recorded = catalogue.source(factor.source).event_types
        for event_type in factor.event_types:
            if event_type not in recorded:
                raise DefinitionError(
                    spec_source,
                    f"{where}.event_types",
                    f"contains {event_type!r}, which is not an event type of source "
                    f"{factor.source!r} in {catalogue_source}; that source records "
                    f"{list(recorded)}.",
                )
        entry = entries.get(factor.name)
        if entry is None:
            raise DefinitionError(
                spec_source,
                f"{where}.name",
                f"is {factor.name!r}, which has no entry in {catalogue_source}; add a "
                f"[factors.{factor.name}] table there with label, source, direction and "
                "question.",
            )
        if entry.source != factor.source:
            raise DefinitionError(
                catalogue_source,
                f"factors.{factor.name}.source",
                f"is {entry.source!r} but {spec_source} gives source {factor.source!r} for "
                "this factor; make them the same.",
            )
