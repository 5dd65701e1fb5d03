"""Reviewable definitions: model specifications, factor catalogues, audit policies.

The definitions are TOML files an ethics board can read without reading
Python. A folder holding them has three sub-folders:

- ``models/<name>.toml`` — a model specification: the outcome and what it
  really records, the factors and how each is computed from records, the
  model family and monotone constraints (:class:`ModelSpec`);
- ``explain/<name>.toml`` — a factor catalogue: the sources, what each never
  captures, and per factor a plain-language label, whether it is a concern or
  a strength and the question to ask in a review (:class:`Catalogue`);
- ``fairness/<name>.toml`` — an audit policy: sensitive attributes, reference
  groups, intersections, metrics, minimum cell size and confidence level
  (:class:`AuditPolicy`).

:func:`load_definitions` loads one specification with the catalogue and
policy it names and checks they agree. Every problem raises a
:class:`~advisory.DefinitionError` naming the file, the key, what was expected,
what was found and the fix. The reference definitions ship with the package
(:func:`reference_root`); a host system can supply its own folder.

Examples
--------
>>> from advisory.definitions import load_definitions, reference_root
>>> definitions = load_definitions(reference_root())
>>> definitions.spec.outcome.column
'outcome'
>>> definitions.catalogue.entry(definitions.spec.factor_names[0]).source
'childrens_social_care'
"""

from __future__ import annotations

from advisory.definitions._audit_policy import (
    AuditPolicy,
    DriftLimits,
    OperatingPoint,
    SensitiveAttribute,
    load_audit_policy,
)
from advisory.definitions._catalogue import (
    Catalogue,
    CatalogueEntry,
    Source,
    load_catalogue,
)
from advisory.definitions._definitions import (
    Definitions,
    load_definitions,
    reference_root,
)
from advisory.definitions._model_spec import (
    FactorSpec,
    ModelSpec,
    Outcome,
    load_model_spec,
)

__all__ = [
    "AuditPolicy",
    "Catalogue",
    "CatalogueEntry",
    "Definitions",
    "DriftLimits",
    "FactorSpec",
    "ModelSpec",
    "OperatingPoint",
    "Outcome",
    "SensitiveAttribute",
    "Source",
    "load_audit_policy",
    "load_catalogue",
    "load_definitions",
    "load_model_spec",
    "reference_root",
]
