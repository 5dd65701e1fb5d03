"""Deterministic audits for the report tests: a real Audit plus hand-made sections.

The sections the lead adds to ``Audit.to_dict()`` (subject, label, validity,
proxies, parity) are built here by hand in the shape of the contract, so the
report is tested on every section whether or not a given Audit carries it.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory.fairness import Audit, audit

N_CASES = 1_500
SMALL_GROUP = "Other"  # about 8 cases: suppressed, with a secondary suppression


def make_data(seed: int = 7) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = N_CASES
    ethnicity = rng.choice(
        ["White", "Asian", "Black", "Mixed", SMALL_GROUP], n, p=[0.62, 0.17, 0.13, 0.074, 0.006]
    )
    sex = rng.choice(["F", "M"], n)
    disability = rng.choice(["No", "Yes"], n, p=[0.85, 0.15])
    truth = rng.uniform(size=n)
    y = (rng.uniform(size=n) < 0.1 + 0.5 * truth).astype(int)
    noise = np.where(ethnicity == "Black", 0.45, 0.12)  # scores say less about one group
    scores = np.clip(0.1 + 0.5 * truth + rng.normal(0, noise), 0.01, 0.99)
    scores = np.where(disability == "Yes", np.clip(scores + 0.08, 0, 0.99), scores)
    sensitive = pd.DataFrame({"ethnicity": ethnicity, "sex": sex, "disability": disability})
    return y, scores, sensitive


def make_audit() -> Audit:
    y, scores, sensitive = make_data()
    return audit(
        y,
        scores,
        sensitive,
        n_boot=40,
        confidence=0.95,  # the level of the golden files (the reference policy's)
        intersections=[["ethnicity", "sex"]],
        random_state=0,
    )


def _estimate(value: float, half: float) -> dict[str, Any]:
    return {"estimate": value, "interval": [round(value - half, 4), round(value + half, 4)]}


SUBJECT = {
    "kind": "advisory_model",
    "description": "cp_plan_12m additive_boosting model, fit-20261120-01",
    "model_version": "cp_plan_12m@fit-20261120-01",
}

LABEL = {
    "column": "outcome",
    "label": "Child protection plan started within 12 months of the referral",
    "records": (
        "Whether children's social care started a child protection plan for the child within "
        "365 days of the referral. This is a past decision made by the agency, not a measure "
        "of harm."
    ),
    "window_days": 365,
    "known_biases": [
        "Families in contact with more services are more visible, so their concerns are "
        "recorded and acted on more often.",
        "Harm that never reached an agency is invisible in the label.",
    ],
}

VALIDITY = {
    "split": "temporal",
    "n_train": 1_050,
    "n_test": 450,
    "test_prevalence": 0.31,
    "confidence": 0.95,
    "n_boot": 40,
    "metrics": [
        {"scorer": "model", "metric": "roc_auc", **_estimate(0.702, 0.041)},
        {"scorer": "prevalence", "metric": "roc_auc", **_estimate(0.5, 0.0)},
        {"scorer": "prior_referral_rule", "metric": "roc_auc", **_estimate(0.611, 0.038)},
        {"scorer": "logistic_regression", "metric": "roc_auc", **_estimate(0.688, 0.043)},
    ],
    "differences": [
        {"baseline": "prevalence", "metric": "roc_auc", **_estimate(0.202, 0.041)},
        {"baseline": "prior_referral_rule", "metric": "roc_auc", **_estimate(0.091, 0.035)},
        {"baseline": "logistic_regression", "metric": "roc_auc", **_estimate(0.014, 0.022)},
    ],
    "verdicts": {
        "prevalence": "The model is demonstrably better than the outcome prevalence on ROC-AUC: "
        "the 95% interval of the difference in ROC-AUC (0.161 to 0.243) excludes zero.",
        "prior_referral_rule": "The model is demonstrably better than the single prior-referral "
        "rule on ROC-AUC: the 95% interval of the difference in ROC-AUC (0.056 to 0.126) "
        "excludes zero.",
        "logistic_regression": "The model is not demonstrably better than a plain logistic "
        "regression: the 95% interval of the difference in ROC-AUC (-0.008 to 0.036) includes "
        "zero.",
    },
}

PROXIES = [
    {
        "attribute": "ethnicity",
        "group": "Black",
        "suppressed": False,
        "n": 196,
        "auc": _estimate(0.684, 0.035),
        "assessment": "the factors predict membership of this group",
        "carriers": [
            {"factor": "housing_temporary", "label": "Homelessness applications", "strength": 0.4},
            {"factor": "police_community", "label": "Police community contacts", "strength": 0.2},
        ],
        "attribution_share": _estimate(0.183, 0.03),
    },
    {
        "attribute": "ethnicity",
        "group": "Asian",
        "suppressed": False,
        "n": 251,
        "auc": _estimate(0.531, 0.04),
        "assessment": "insufficient evidence that the factors predict membership of this group",
        "carriers": [],
        "attribution_share": None,
    },
    {"attribute": "ethnicity", "group": SMALL_GROUP, "suppressed": True},
]


def _parity(
    factor: str, label: str, group: str, g: float, r: float, assessment: str
) -> dict[str, Any]:
    return {
        "attribute": "ethnicity",
        "group": group,
        "reference": "White",
        "factor": factor,
        "label": label,
        "suppressed": False,
        "group_value": _estimate(g, 0.02),
        "reference_value": _estimate(r, 0.01),
        "difference": _estimate(round(g - r, 4), 0.022),
        "assessment": assessment,
    }


HIGHER = "higher than the reference group"
SAME = "insufficient evidence of a difference"
PARITY = {
    "attribution": [
        _parity(
            "police_domestic_abuse",
            "Police domestic abuse notifications",
            "Black",
            0.214,
            0.121,
            HIGHER,
        ),
        _parity(
            "rent_arrears", "Rent arrears recorded for the household", "Asian", 0.051, 0.047, SAME
        ),
        {
            "attribute": "ethnicity",
            "group": SMALL_GROUP,
            "factor": "rent_arrears",
            "suppressed": True,
        },
    ],
    "callouts": [
        _parity(
            "police_domestic_abuse",
            "Police domestic abuse notifications",
            "Black",
            0.262,
            0.171,
            HIGHER,
        ),
        _parity(
            "rent_arrears", "Rent arrears recorded for the household", "Asian", 0.083, 0.079, SAME
        ),
    ],
    "units": {
        "attribution": "mean SHAP contribution of the factor to the model's log-odds, by group",
        "callouts": "share of the group's reviews in which the factor is listed as standing out",
    },
}

SECTIONS: dict[str, Any] = {
    "subject": SUBJECT,
    "label": LABEL,
    "validity": VALIDITY,
    "proxies": PROXIES,
    "parity": PARITY,
}


def _linkage_row(group: str, metric: str, n: int, count: int) -> dict[str, Any]:
    rate = count / n
    half = 1.96 * (rate * (1 - rate) / n) ** 0.5 + 0.002
    return {
        "group": group,
        "metric": metric,
        "n": float(n),
        "count": float(count),
        "rate": rate,
        "lower": max(0.0, rate - half),
        "upper": min(1.0, rate + half),
        "suppressed": False,
    }


def _linkage_hidden(group: str, metric: str) -> dict[str, Any]:
    return {
        "group": group,
        "metric": metric,
        "n": None,
        "count": None,
        "rate": None,
        "lower": None,
        "upper": None,
        "suppressed": True,
    }


#: (group, records, count) of each measure; no records: the cell is suppressed.
_LINKAGE_CELLS: dict[str, list[tuple[str, int, int]]] = {
    "unlinked_rate": [("Asian", 1_210, 167), ("Gypsy, Roma or Traveller", 140, 31),
                      ("White British", 7_480, 692), (SMALL_GROUP, 0, 0)],
    "uncertain_rate": [("Asian", 1_210, 48), ("Gypsy, Roma or Traveller", 140, 12),
                       ("White British", 7_480, 151), (SMALL_GROUP, 0, 0)],
    "match_rate": [("Asian", 1_080, 1_021), ("Gypsy, Roma or Traveller", 118, 97),
                   ("White British", 6_790, 6_652), (SMALL_GROUP, 0, 0)],
    "missed_match_rate": [("Asian", 1_080, 59), ("Gypsy, Roma or Traveller", 118, 21),
                          ("White British", 6_790, 138), (SMALL_GROUP, 0, 0)],
    "false_match_rate": [("Asian", 1_025, 11), ("Gypsy, Roma or Traveller", 0, 0),
                         ("White British", 6_660, 17), (SMALL_GROUP, 0, 0)],
}  # fmt: skip

#: Linkage quality against planted truth, in the shape of ``LinkageQuality.to_dict()``:
#: one group suppressed, one measure of another withheld.
LINKAGE: dict[str, Any] = {
    "attribute": "ethnicity",
    "against_truth": True,
    "min_cell_size": 10,
    "confidence_level": 0.95,
    "metrics": {
        "unlinked_rate": "records not linked to anyone in the picture",
        "uncertain_rate": "records left as questions (records to confirm)",
        "match_rate": "records linked to the person they belong to",
        "missed_match_rate": "records of a person in the picture not linked to them",
        "false_match_rate": "linked records linked to someone they do not belong to",
    },
    "rows": [
        _linkage_row(g, metric, n, c) if n else _linkage_hidden(g, metric)
        for metric, cells in _LINKAGE_CELLS.items()
        for g, n, c in cells
    ],
}

NULL_SECTIONS: dict[str, Any] = {
    "subject": {
        "kind": "external_scores",
        "description": "Scores of an existing screening tool, March 2026 extract",
        "model_version": None,
    },
    "label": None,
    "validity": None,
    "proxies": None,
    "parity": None,
}


@pytest.fixture(scope="session")
def audit_data() -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """The audited outcomes, scores and groups (to look for suppressed groups' numbers)."""
    return make_data()


@pytest.fixture(scope="session")
def real_audit() -> Audit:
    return make_audit()


@pytest.fixture
def sections() -> dict[str, Any]:
    """Hand-made subject, label, validity, proxies and parity in the contract's shape."""
    return copy.deepcopy(SECTIONS)


@pytest.fixture
def null_sections() -> dict[str, Any]:
    """Another tool's scores: every optional section null."""
    return copy.deepcopy(NULL_SECTIONS)


@pytest.fixture(scope="session")
def _base(real_audit: Audit) -> dict[str, Any]:
    return real_audit.to_dict()


@pytest.fixture
def full_dict(_base: dict[str, Any]) -> dict[str, Any]:
    """Every section present (a fresh copy each test)."""
    return copy.deepcopy({**_base, **SECTIONS})


@pytest.fixture
def linkage_section() -> dict[str, Any]:
    """Linkage quality in the shape of ``LinkageQuality.to_dict()`` (a fresh copy)."""
    return copy.deepcopy(LINKAGE)


@pytest.fixture
def linked_dict(_base: dict[str, Any]) -> dict[str, Any]:
    """Every section present, and linkage quality attached (a fresh copy each test)."""
    return copy.deepcopy({**_base, **SECTIONS, "linkage": LINKAGE})


@pytest.fixture
def bare_dict(_base: dict[str, Any]) -> dict[str, Any]:
    """Another tool's scores: every optional section null."""
    return copy.deepcopy({**_base, **NULL_SECTIONS})
