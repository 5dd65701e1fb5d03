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
>>> advisory.Advisor.__name__
'Advisor'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisory._bundle import BundleError, UntrustedTypesError
from advisory._errors import (
    AdvisoryError,
    DefinitionError,
    InputError,
    MissingExtraError,
    ParameterError,
    UnknownNameError,
)
from advisory._version import __version__

if TYPE_CHECKING:
    from advisory._advisor import Advisor
    from advisory._host import Reviewer, load

__all__ = [
    "Advisor",
    "AdvisoryError",
    "BundleError",
    "DefinitionError",
    "InputError",
    "MissingExtraError",
    "ParameterError",
    "Reviewer",
    "UnknownNameError",
    "UntrustedTypesError",
    "__version__",
    "load",
]


def __getattr__(name: str) -> Any:
    # Advisor pulls in pandas and scikit-learn; import it only when asked for.
    if name == "Advisor":
        from advisory._advisor import Advisor

        return Advisor
    if name == "Reviewer":
        from advisory._host import Reviewer

        return Reviewer
    if name == "load":
        from advisory._host import load

        return load
    raise AttributeError(f"module 'advisory' has no attribute {name!r}")
