"""The pyfunc flavour: reviews from a logged bundle, never scores.

The model is logged as *models from code*: MLflow stores a three-line script
(:data:`MODEL_CODE`) that builds a :class:`ReviewModel`, plus the bundle
folder as an artifact. Nothing is pickled; loading runs
:func:`advisory.load`, which checks the bundle's manifest, checksum and types.
"""

from __future__ import annotations

import abc
from typing import Any, Final

import pandas as pd

from advisory.tracking._mlflow import import_mlflow
from advisory.tracking._records import predict_reviews

_PythonModel: Any = import_mlflow("mlflow.pyfunc").PythonModel

__all__ = ["BUNDLE_ARTIFACT", "MODEL_CODE", "WHEEL_ARTIFACT", "ReviewModel", "predict_reviews"]

#: Name of the pyfunc artifact holding the bundle folder.
BUNDLE_ARTIFACT: Final = "bundle"
#: Name of the pyfunc artifact holding the project's own wheel.
WHEEL_ARTIFACT: Final = "wheel"

#: The script MLflow stores and runs to build the model when loading it.
MODEL_CODE: Final = """\
import mlflow
from advisory.tracking import ReviewModel

mlflow.models.set_model(ReviewModel())
"""


class ReviewModel(_PythonModel):  # type: ignore[misc]
    """An MLflow pyfunc model whose ``predict`` returns reviews, never scores.

    :func:`~advisory.tracking.log_training_run` logs it with a signature
    (:func:`model_signature`) and an input example; a host system loads it
    with ``mlflow.pyfunc.load_model(model_uri)`` and calls
    ``predict(records)``, where ``records`` is a dict of the six record
    tables as lists of rows (:func:`model_input` turns DataFrames into that
    form), or serves it with ``mlflow models serve`` and posts
    ``{"inputs": records}``. The advisor is read from the logged bundle with
    :func:`advisory.load` in :meth:`load_context`.

    ``predict(context, model_input, params=None)`` returns
    :func:`predict_reviews` of the loaded advisor: a ``pandas.Series`` of
    review JSON strings indexed by ``case_id``. Called directly (not through
    MLflow's signature check) it takes a dict of DataFrames as well.

    Examples
    --------
    A host system, with the records of the cases to review:

    >>> import json, mlflow  # doctest: +SKIP
    >>> from advisory.tracking import model_input
    >>> model = mlflow.pyfunc.load_model("models:/advisory-review/1")  # doctest: +SKIP
    >>> reviews = model.predict(model_input(records))  # doctest: +SKIP
    >>> json.loads(reviews.iloc[0])["schema"]  # doctest: +SKIP
    'urn:advisory:review:v2'
    """

    def load_context(self, context: Any) -> None:
        """Load the bundle artifact with :func:`advisory.load` (checked, no pickle).

        Parameters
        ----------
        context : mlflow.pyfunc.PythonModelContext
            MLflow's context, whose artifacts hold the bundle folder.
        """
        from advisory._host import load

        self.advisor_ = load(context.artifacts[BUNDLE_ARTIFACT])  # a score-free Reviewer


# ``predict`` is attached after the class is created, on purpose. MLflow 3.17
# wraps a ``predict`` written in the class body in type-hint validation that
# accepts only ``list[...]`` inputs, and warns (in a way no filter can hide)
# when the hint is missing; the input here is one mapping of tables, so it has
# no hint either, which also keeps MLflow from inferring a signature from it.
def _predict(  # type: ignore[no-untyped-def]
    self: ReviewModel, context: Any, model_input, params: dict[str, Any] | None = None
) -> pd.Series:
    """Review every case of the records ``model_input``.

    Parameters
    ----------
    context : mlflow.pyfunc.PythonModelContext
        MLflow's context (unused: the advisor was loaded in ``load_context``).
    model_input : mapping
        The record tables, as for :func:`predict_reviews`.
    params : dict, optional
        Unused; accepted as MLflow passes it.

    Returns
    -------
    pandas.Series
        Review JSON strings indexed by ``case_id`` (:func:`predict_reviews`).
    """
    return predict_reviews(self.advisor_, model_input)


setattr(ReviewModel, "predict", _predict)  # noqa: B010
abc.update_abstractmethods(ReviewModel)
