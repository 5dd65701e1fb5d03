"""The pyfunc flavour: reviews from a logged bundle, never scores.

The model is logged as *models from code*: MLflow stores a three-line script
(:data:`MODEL_CODE`) that builds a :class:`ReviewModel`, plus the bundle
folder as an artifact. Nothing is pickled; loading runs
:func:`advisory.load`, which checks the bundle's manifest, checksum and types.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from advisory._errors import InputError
from advisory.tracking._mlflow import import_mlflow

_PythonModel: Any = import_mlflow("mlflow.pyfunc").PythonModel

__all__ = ["BUNDLE_ARTIFACT", "MODEL_CODE", "ReviewModel", "predict_reviews"]

#: Name of the pyfunc artifact holding the bundle folder.
BUNDLE_ARTIFACT: Final = "bundle"

#: The script MLflow stores and runs to build the model when loading it.
MODEL_CODE: Final = """\
import mlflow
from advisory.tracking import ReviewModel

mlflow.models.set_model(ReviewModel())
"""

_TABLES: Final = ("people", "memberships", "relationships", "events", "coverage", "cases")


def predict_reviews(advisor: Any, model_input: object) -> pd.Series:
    """Review every case of ``model_input`` and return the reviews as JSON strings.

    Parameters
    ----------
    advisor : Advisor
        A fitted advisor.
    model_input : mapping
        The records: a mapping with the six tables of
        :data:`advisory.context.SCHEMA` (``people``, ``memberships``,
        ``relationships``, ``events``, ``coverage``, ``cases``) as pandas
        DataFrames, and optionally ``snapshot_date`` (the date the records
        were extracted, stated in each review; default: the latest
        reference date among the cases). Every case in ``cases`` is
        reviewed, in that table's order. The records are not stored
        anywhere.

    Returns
    -------
    pandas.Series
        Named ``"review"``, indexed by ``case_id``; each value is one review
        as JSON (``Review.to_json()``), which carries no score.

    Raises
    ------
    advisory.InputError
        If ``model_input`` is not a mapping of the six tables.
    """
    if not isinstance(model_input, Mapping):
        raise InputError(
            "The review model's input must be a mapping of the six record tables "
            f"{list(_TABLES)} to pandas DataFrames; got {type(model_input).__name__}. "
            "Pass a dict such as {'people': people, ..., 'cases': cases}."
        )
    missing = [t for t in _TABLES if not isinstance(model_input.get(t), pd.DataFrame)]
    if missing:
        raise InputError(
            f"The review model's input is missing the record tables {missing} (each a pandas "
            f"DataFrame); it needs all of {list(_TABLES)}. Add them to the mapping."
        )
    case_ids = [str(c) for c in model_input["cases"]["case_id"]]
    reviews = advisor.review(model_input, case_ids)
    return pd.Series(
        [r.to_json() for r in reviews],
        index=pd.Index(case_ids, name="case_id"),
        name="review",
        dtype=object,
    )


class ReviewModel(_PythonModel):  # type: ignore[misc]
    """An MLflow pyfunc model whose ``predict`` returns reviews, never scores.

    :func:`~advisory.tracking.log_training_run` logs it; a host system loads
    it with ``mlflow.pyfunc.load_model(model_uri)`` and calls
    ``predict(records)``, where ``records`` is a dict of the six record
    tables (see :func:`predict_reviews`). The advisor is read from the
    logged bundle with :func:`advisory.load` in :meth:`load_context`.

    ``predict(context, model_input, params=None)`` returns
    :func:`predict_reviews` of the loaded advisor: a ``pandas.Series`` of
    review JSON strings indexed by ``case_id``.

    Examples
    --------
    A host system, with the records of the cases to review:

    >>> import json, mlflow  # doctest: +SKIP
    >>> model = mlflow.pyfunc.load_model("models:/advisory-review/1")  # doctest: +SKIP
    >>> records = {name: getattr(data, name) for name in (  # doctest: +SKIP
    ...     "people", "memberships", "relationships", "events", "coverage", "cases")}
    >>> records["snapshot_date"] = "2026-06-30"  # doctest: +SKIP
    >>> reviews = model.predict(records)  # doctest: +SKIP
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
