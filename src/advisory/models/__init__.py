"""Transparent models of case factors, each inspectable in full.

Three scikit-learn compatible families, all binary classifiers working in the
margin (log-odds) space and reading case factors as produced by
:mod:`advisory.context`: numeric columns with ``NaN`` for *unknown* (never
taken as zero) and pandas Categorical columns.

- :class:`ScorecardClassifier` — binned factors with a penalised,
  monotone-constrained logistic model;
- :class:`AdditiveBoostingClassifier` — gradient boosting with no
  interactions, turned into exact per-factor shape functions;
- :class:`ShallowTreeClassifier` — a shallow decision tree, readable as rules.

Each exposes ``shape_functions()`` (the global shape) and keeps bootstrap
refits for the stability intervals of :mod:`advisory.explain`.
:func:`validate` assesses a model honestly against simple baselines.
"""

from __future__ import annotations

from advisory.models._base import NotFittedError
from advisory.models._boosting import AdditiveBoostingClassifier
from advisory.models._scorecard import ScorecardClassifier
from advisory.models._tree import ShallowTreeClassifier
from advisory.models._validation import ValidationResult, validate

__all__ = [
    "AdditiveBoostingClassifier",
    "NotFittedError",
    "ScorecardClassifier",
    "ShallowTreeClassifier",
    "ValidationResult",
    "validate",
]
