"""MLflow 3.17's own warnings, filtered in the tracking tests (each with its reason)."""

from __future__ import annotations

MLFLOW_WARNINGS = [
    # sqlalchemy 2.1 deprecates a loader strategy mlflow's SQL store still uses.
    "ignore:The ``noload`` loader strategy is deprecated:DeprecationWarning",
]
