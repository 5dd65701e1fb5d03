"""advisory: transparent, explained models that prompt a practitioner's review.

``advisory`` trains transparent models on multi-agency case records, explains
every output with exact SHAP values, audits models for bias, and turns each
explanation into questions for a practitioner's review. It never produces a
risk score, a rank, a band, a label or a threshold for a case.

Importing :mod:`advisory` is cheap: heavy dependencies (shap, mlflow,
matplotlib, fairlearn) are imported only when a feature that needs them is
used.

Examples
--------
>>> import advisory
>>> advisory.__version__
'0.1.0'
"""

from __future__ import annotations

from advisory._errors import (
    AdvisoryError,
    DefinitionError,
    InputError,
    MissingExtraError,
    ParameterError,
)

__version__ = "0.1.0"

__all__ = [
    "AdvisoryError",
    "DefinitionError",
    "InputError",
    "MissingExtraError",
    "ParameterError",
    "__version__",
]
