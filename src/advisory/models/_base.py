"""What every transparent classifier in :mod:`advisory.models` shares."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError as _SklearnNotFittedError
from sklearn.utils import check_random_state

from advisory._checks import check_int
from advisory._errors import AdvisoryError, ParameterError
from advisory.models._frame import Layout, check_monotone, check_target, fit_layout, to_matrix

if TYPE_CHECKING:
    from sklearn.utils import Tags

    from advisory.definitions import ModelSpec

__all__ = ["NotFittedError", "TransparentClassifier"]

Float = npt.NDArray[np.float64]


class NotFittedError(AdvisoryError, _SklearnNotFittedError):  # type: ignore[misc]
    """A model was used before ``fit`` was called.

    Subclasses scikit-learn's ``NotFittedError`` (itself a ``ValueError`` and
    ``AttributeError``), so code written for scikit-learn catches it.
    """


def bootstrap_counts(n_rows: int, n_resamples: int, random_state: Any) -> npt.NDArray[np.float64]:
    """Multinomial bootstrap counts, shape (n_resamples, n_rows).

    A case drawn k times has weight k: the same as refitting on the
    resample, without copying the data.
    """
    rng = check_random_state(random_state)
    counts = rng.multinomial(n_rows, np.full(n_rows, 1.0 / n_rows), size=n_resamples)
    return np.asarray(counts, dtype=np.float64)


class TransparentClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Base class: input checks, fitted-state checks and the probability link.

    Subclasses implement ``_fit_matrix(matrix, y01)`` and ``_margin(matrix)``;
    explanations use ``_background`` and ``_attributions``.
    """

    layout_: Layout
    classes_: npt.NDArray[Any]
    n_features_in_: int
    feature_names_in_: npt.NDArray[np.object_]
    monotone_: npt.NDArray[np.int64]

    monotone_constraints: Mapping[str, int] | None
    n_resamples: int
    random_state: Any

    @classmethod
    def from_spec(cls, spec: ModelSpec, **params: Any) -> Self:
        """Build the estimator with the monotone constraints of a model specification.

        Parameters
        ----------
        spec : ModelSpec
            The reviewed specification (``load_definitions(...).spec``).
        **params
            Other parameters of the estimator.

        Returns
        -------
        estimator
            Unfitted, with ``monotone_constraints=spec.monotone_constraints``.
        """
        return cls(monotone_constraints=dict(spec.monotone_constraints), **params)

    @property
    def _owner(self) -> str:
        return type(self).__name__

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        assert tags.classifier_tags is not None
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X: Any, y: Any) -> Self:
        """Fit the model on case factors ``X`` and binary outcomes ``y``.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_cases, n_factors)
            Numeric factors (``NaN`` = unknown) and pandas Categorical factors.
            Arrays of numbers are accepted too (columns named ``x0, x1, ...``).
        y : array-like of shape (n_cases,)
            Binary outcomes.

        Returns
        -------
        self
        """
        owner = self._owner
        layout, matrix = fit_layout(X, owner)
        classes, y01 = check_target(y, matrix.shape[0], owner)
        check_int(self.n_resamples, "n_resamples", owner, minimum=0)
        if self.n_resamples == 1:
            raise ParameterError("n_resamples", owner, "0 (no intervals) or an int >= 2", 1)
        if not (
            self.random_state is None
            or isinstance(self.random_state, (numbers.Integral, np.random.RandomState))
        ):
            raise ParameterError(
                "random_state", owner, "None, an int or a numpy RandomState", self.random_state
            )
        monotone = check_monotone(self.monotone_constraints, layout, owner)
        self._check_params(layout)
        self.layout_ = layout
        self.classes_ = classes
        self.n_features_in_ = len(layout.names)
        if layout.named:
            self.feature_names_in_ = np.array(layout.names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.monotone_ = monotone
        self._fit_matrix(matrix, y01)
        return self

    def _check_params(self, layout: Layout) -> None:
        raise NotImplementedError

    def _fit_matrix(self, matrix: Float, y01: Float) -> None:
        raise NotImplementedError

    def _margin(self, matrix: Float) -> Float:
        raise NotImplementedError

    def _check_fitted(self) -> None:
        if not hasattr(self, "layout_"):
            raise NotFittedError(
                f"This {self._owner} is not fitted yet. Call 'fit' with case factors and "
                "outcomes before using it."
            )

    def _matrix(self, X: Any, method: str) -> Float:
        self._check_fitted()
        return to_matrix(X, self.layout_, f"{self._owner}.{method}")

    def decision_function(self, X: Any) -> Float:
        """Margin (log-odds) of the positive class for each case.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_cases, n_factors)
            The same columns, in the same order, as at fit time.

        Returns
        -------
        ndarray of shape (n_cases,)
        """
        return self._margin(self._matrix(X, "decision_function"))

    def predict_proba(self, X: Any) -> Float:
        """Probability of each class, columns in the order of ``classes_``.

        Returns
        -------
        ndarray of shape (n_cases, 2)
        """
        p = 1.0 / (1.0 + np.exp(-self._margin(self._matrix(X, "predict_proba"))))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """Class with the larger probability (for validation only, never for a case).

        Returns
        -------
        ndarray of shape (n_cases,)
        """
        margin = self._margin(self._matrix(X, "predict"))
        return self.classes_[(margin > 0).astype(np.intp)]

    def shape_functions(self) -> pd.DataFrame:
        """Contribution of every factor segment: the model's global shape.

        Returns
        -------
        pandas.DataFrame
            One row per factor segment, with columns ``factor``, ``segment``,
            ``lower``, ``upper``, ``level``, ``contribution`` (log-odds,
            centred on the training mean) and ``n_train``.
        """
        raise NotImplementedError

    # -- explanation engine (used by advisory.explain) ------------------------

    def _background(self, matrix: Float | None) -> object:
        raise NotImplementedError

    def _attributions(self, matrix: Float, background: object) -> tuple[Float, Float]:
        """Return ``(values, base)`` of shape (n_models, n_cases, n_factors), (n_models,)."""
        raise NotImplementedError
