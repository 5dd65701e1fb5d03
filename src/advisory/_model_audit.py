"""Audit a model of this library from its public results: scores, explanations, reviews.

:meth:`advisory.Advisor.audit` computes the results and passes them here; this
module turns them into one :class:`advisory.fairness.Audit` with every section
set. It reads nothing private of the :class:`~advisory.Advisor`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from advisory.fairness import (
    Audit,
    audit,
    label_section,
    parity_audit,
    proxy_audit,
    subject_section,
    validity_section,
)
from advisory.fairness._attributes import case_attributes

if TYPE_CHECKING:
    import numpy as np

    from advisory.definitions import AuditPolicy, Definitions
    from advisory.models import ValidationResult

__all__ = ["audit_model"]


def audit_model(
    data: object,
    factors: pd.DataFrame,
    y: np.ndarray[Any, Any],
    scores: np.ndarray[Any, Any],
    *,
    definitions: Definitions,
    policy: AuditPolicy,
    model_version: str,
    attributions: pd.DataFrame,
    callouts: pd.DataFrame,
    validation: ValidationResult,
    training_share: float | None,
    training_snapshot: dt.date,
    reference_dates: pd.Series,
    date_format: str | None = None,
    random_state: int,
) -> Audit:
    """Audit a fitted model's scores, explanations and review call-outs by group.

    Parameters
    ----------
    data : records
        The records the cases come from (their sensitive attributes are read
        from ``cases`` or the child's row of ``people``).
    factors : pandas.DataFrame
        The audited cases' factors, indexed by case id.
    y, scores : numpy.ndarray
        The recorded outcome and the model's probability per case.
    definitions : advisory.definitions.Definitions
        The model specification (subject and label) and factor catalogue.
    policy : advisory.definitions.AuditPolicy
        The audit policy (the definitions' own, or with other replicates).
    model_version : str
        Says which model was audited.
    attributions : pandas.DataFrame
        Exact SHAP values per case and factor.
    callouts : pandas.DataFrame of bool
        Whether each case's review asks about each factor
        (:meth:`advisory.prompts.ReviewBuilder.asked`).
    validation : advisory.models.ValidationResult
        The model against simple baselines.
    training_share : float or None
        Share of the audited cases the model was fitted on; above 0 a note
        says the figures on them are optimistic. None when it cannot be known
        (a loaded bundle keeps no training case ids): then cases dated on or
        before ``training_snapshot`` get that note.
    training_snapshot : datetime.date
        The training data's snapshot date.
    reference_dates : pandas.Series
        The audited cases' reference dates, in the order of ``factors``.
    date_format : str, optional
        The strftime format of text dates in ``data``; default ISO 8601.
    random_state : int
        Seed of the bootstraps.

    Returns
    -------
    advisory.fairness.Audit
        With ``subject``, ``label``, ``validity``, ``proxies`` and ``parity`` set.
    """
    ids = [str(c) for c in factors.index]
    sensitive, notes = case_attributes(data, ids, policy, date_format=date_format)
    base = audit(
        y, scores, sensitive.reset_index(drop=True), policy=policy, random_state=random_state
    )
    by_name = pd.DataFrame(
        {a.name: sensitive[a.column].to_numpy() for a in policy.attributes}, index=factors.index
    )
    references = {a.name: a.reference_group for a in policy.attributes}
    references = {k: v for k, v in references.items() if v != "majority"}
    common: dict[str, Any] = {
        "labels": {e.name: e.label for e in definitions.catalogue.entries},
        "n_boot": policy.n_boot,
        "confidence": policy.confidence_level,
        "min_cell_size": policy.min_cell_size,
        "withheld": base.suppressed_groups,
        "random_state": random_state,
    }
    proxies = proxy_audit(factors, by_name, attributions=attributions, **common)
    parity = parity_audit(
        attributions, callouts, by_name, reference_groups=references or None, **common
    )
    extra = list(notes)
    if training_share is not None and training_share > 0:
        extra.append(
            f"{training_share:.0%} of the audited cases were used to fit the model, so its "
            "figures on them are optimistic; audit cases the model has not seen."
        )
    elif training_share is None:
        early = float((reference_dates.dt.date <= training_snapshot).mean())
        if early > 0:
            extra.append(
                f"{early:.0%} of the audited cases are dated on or before the training data's "
                f"snapshot date ({training_snapshot.isoformat()}), so the model may have been "
                "fitted on them and its figures on them may be optimistic; the bundle stores "
                "no training case ids to check. Audit later cases."
            )
    spec = definitions.spec
    return base.with_sections(
        more_notes=tuple(extra),
        subject=subject_section("advisory_model", spec.title, model_version),
        label=label_section(spec.outcome),
        validity=validity_section(validation),
        proxies=proxies,
        parity=parity,
    )
