"""The audit's descriptive sections: what was audited, its label, its validity.

Each builder returns JSON-ready builtins in the shape of the audit report's
schema (``urn:advisory:audit:v1``), so :class:`advisory.fairness.Audit` can
carry them without knowing where they came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from advisory._errors import ParameterError

if TYPE_CHECKING:
    from advisory.definitions import Outcome
    from advisory.models import ValidationResult

__all__ = ["label_section", "subject_section", "validity_section"]

#: The keys of the audit report's validity section, in order.
_VALIDITY_KEYS = (
    "split",
    "n_train",
    "n_test",
    "test_prevalence",
    "confidence",
    "n_boot",
    "metrics",
    "differences",
    "verdicts",
)


def subject_section(
    kind: Literal["advisory_model", "external_scores"],
    description: str,
    model_version: str | None = None,
) -> dict[str, Any]:
    """Describe what was audited.

    Parameters
    ----------
    kind : {"advisory_model", "external_scores"}
        A model of this library (whose factors and explanations are
        available) or another tool's scores.
    description : str
        One plain line, e.g. the model version or the tool's name.
    model_version : str, optional
        The model version, when known.

    Returns
    -------
    dict
        ``kind``, ``description`` and ``model_version``.

    Examples
    --------
    >>> subject_section("external_scores", "Scores of an existing tool")["kind"]
    'external_scores'
    """
    if kind not in ("advisory_model", "external_scores"):
        raise ParameterError(
            "kind", "subject_section", "'advisory_model' or 'external_scores'", kind
        )
    if not isinstance(description, str) or not description.strip():
        raise ParameterError("description", "subject_section", "a non-empty str", description)
    return {"kind": kind, "description": description.strip(), "model_version": model_version}


def label_section(outcome: Outcome) -> dict[str, Any]:
    """Describe the outcome label: what the label records and its known biases.

    Parameters
    ----------
    outcome : advisory.definitions.Outcome
        The ``[outcome]`` of a model specification.

    Returns
    -------
    dict
        ``column``, ``label``, ``records``, ``window_days`` and ``known_biases``.

    Examples
    --------
    >>> from advisory.definitions import load_definitions, reference_root
    >>> card = label_section(load_definitions(reference_root()).spec.outcome)
    >>> "not a measure of harm" in card["records"]
    True
    """
    from advisory.definitions import Outcome

    if not isinstance(outcome, Outcome):
        raise ParameterError(
            "label",
            "audit",
            "an advisory.definitions.Outcome (a model specification's [outcome])",
            type(outcome).__name__,
        )
    return {
        "column": outcome.column,
        "label": outcome.label,
        "records": " ".join(outcome.records.split()),
        "window_days": outcome.window_days,
        "known_biases": list(outcome.known_biases),
    }


def validity_section(result: ValidationResult) -> dict[str, Any]:
    """Summarise the model against simple baselines, with intervals and plain verdicts.

    Parameters
    ----------
    result : advisory.models.ValidationResult
        From :func:`advisory.models.validate`.

    Returns
    -------
    dict
        The audit report's validity section: the figures of
        :meth:`advisory.models.ValidationResult.to_dict` without the cut-off date.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.models import ScorecardClassifier, validate
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"contacts": rng.poisson(2.0, 400).astype(float)})
    >>> y = (rng.uniform(size=400) < 0.2 + 0.1 * (X["contacts"] > 2)).astype(int)
    >>> result = validate(
    ...     ScorecardClassifier(), X, y, split="random", n_boot=100, baseline_factor="contacts"
    ... )
    >>> section = validity_section(result)
    >>> section["split"], "cutoff" in section
    ('random', False)
    """
    from advisory.models import ValidationResult

    if not isinstance(result, ValidationResult):
        raise ParameterError(
            "validation",
            "audit",
            "an advisory.models.ValidationResult (from advisory.models.validate)",
            type(result).__name__,
        )
    document = result.to_dict()
    return {key: document[key] for key in _VALIDITY_KEYS}
