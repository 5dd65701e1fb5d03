"""Import MLflow lazily, with telemetry off and its import-time noise filtered."""

from __future__ import annotations

import os
import warnings
from types import ModuleType

from advisory._optional import import_optional

__all__ = ["import_mlflow"]


def import_mlflow(module: str = "mlflow") -> ModuleType:
    """Import ``module`` (``mlflow`` or a submodule) for the ``tracking`` extra.

    Sets ``MLFLOW_DISABLE_TELEMETRY=true`` unless the variable is already set.
    MLflow 3.17 warns about its *own* type hints while importing
    ``mlflow.pyfunc`` ("Any type hint is inferred as AnyType"); that warning
    says nothing about the caller's code and is ignored here, so the import
    works with warnings turned into errors.

    Raises
    ------
    advisory.MissingExtraError
        If MLflow is not installed.
    """
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r".*Any type hint is inferred as AnyType", category=UserWarning
        )
        return import_optional(module, "tracking", "Tracking runs in MLflow")
