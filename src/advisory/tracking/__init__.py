"""Track training runs in MLflow, and serve reviews through a pyfunc model.

:func:`log_training_run` logs one fitted :class:`~advisory.Advisor` in one
call: parameters, the three definition files, validation metrics with their
intervals and verdicts, a global explanation plot, an optional audit, the
model bundle, and a pyfunc model (:class:`ReviewModel`) that a host system
loads with ``mlflow.pyfunc.load_model(uri)``; its ``predict`` takes a dict of
the six record tables and returns reviews as JSON, never scores. No person
or case identifier is written to MLflow.

MLflow is an optional dependency (``pip install 'advisory[tracking]'``),
imported only when a function here is called or :class:`ReviewModel` is
used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisory.tracking._errors import TrackingServerError
from advisory.tracking._log import LoggedRun, log_training_run
from advisory.tracking._records import input_example, model_input

if TYPE_CHECKING:
    from advisory.tracking._pyfunc import ReviewModel

__all__ = [
    "LoggedRun",
    "ReviewModel",
    "TrackingServerError",
    "input_example",
    "log_training_run",
    "model_input",
]


def __getattr__(name: str) -> Any:
    # ReviewModel subclasses mlflow's PythonModel: import mlflow only when asked for.
    if name == "ReviewModel":
        from advisory.tracking._pyfunc import ReviewModel

        return ReviewModel
    raise AttributeError(f"module 'advisory.tracking' has no attribute {name!r}")
