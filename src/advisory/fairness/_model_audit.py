"""Audit an :class:`advisory.Advisor`: scores, explanations and reviews by group."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from advisory._checks import check_int
from advisory.fairness._attributes import case_attributes
from advisory.fairness._audit import audit
from advisory.fairness._result import Audit
from advisory.fairness._sections import label_section, subject_section, validity_section

if TYPE_CHECKING:
    from advisory._advisor import Advisor

__all__ = ["audit_advisor"]

_OWNER = "Advisor.audit"


def audit_advisor(
    advisor: Advisor,
    data: object,
    case_ids: Iterable[str] | None,
    *,
    validation: Any,
    n_boot: int | None,
    random_state: int,
) -> Audit:
    """Run :meth:`advisory.Advisor.audit` (see there)."""
    from advisory._advisor import training_share
    from advisory.fairness import parity_audit, proxy_audit

    definitions = advisor.definitions
    policy = definitions.policy
    if n_boot is not None:
        policy = dataclasses.replace(policy, n_boot=check_int(n_boot, "n_boot", _OWNER, minimum=20))
    context = advisor._context(data, case_ids)
    factors = context.factors
    ids = [str(c) for c in factors.index]
    y = advisor._outcome(data, context)
    scores = advisor.model_.predict_proba(factors)[:, 1]
    sensitive, notes = case_attributes(data, ids, policy)
    base = audit(
        y, scores, sensitive.reset_index(drop=True), policy=policy, random_state=random_state
    )
    by_name = pd.DataFrame(
        {a.name: sensitive[a.column].to_numpy() for a in policy.attributes}, index=factors.index
    )
    references = {a.name: a.reference_group for a in policy.attributes}
    references = {k: v for k, v in references.items() if v != "majority"}
    labels = {e.name: e.label for e in definitions.catalogue.entries}
    attributions = advisor.explainer_.explain(factors).to_frame()
    common: dict[str, Any] = {
        "labels": labels,
        "reference_groups": references or None,
        "n_boot": policy.n_boot,
        "confidence": policy.confidence_level,
        "min_cell_size": policy.min_cell_size,
        "withheld": base.suppressed_groups,
        "random_state": random_state,
    }
    proxies = proxy_audit(factors, by_name, attributions=attributions, **common)
    asked = advisor._builder(data, context).asked(context)
    parity = parity_audit(attributions, asked, by_name, **common)
    if validation is None:
        # validate needs at least 100 replicates for its intervals
        replicates = max(policy.n_boot, 100)
        validation = advisor._validate(context, y, n_boot=replicates, random_state=random_state)
    share = training_share(advisor, ids)
    extra = list(notes)
    if share > 0:
        extra.append(
            f"{share:.0%} of the audited cases were used to fit the model, so its figures on "
            "them are optimistic; audit cases the model has not seen."
        )
    spec = definitions.spec
    return base.with_sections(
        more_notes=tuple(extra),
        subject=subject_section("advisory_model", spec.title, advisor.model_version_),
        label=label_section(spec.outcome),
        validity=validity_section(validation),
        proxies=proxies,
        parity=parity,
    )
