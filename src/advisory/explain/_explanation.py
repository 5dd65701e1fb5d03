"""Exact SHAP values per factor, with bootstrap stability intervals."""

from __future__ import annotations

from bisect import bisect_left as bisect
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._checks import check_fraction
from advisory._errors import AdvisoryError, InputError, ParameterError
from advisory._optional import import_optional
from advisory._result import DEFAULT_CONFIDENCE, JsonResult, json_number

__all__ = ["AdditivityError", "Explainer", "Explanation", "StableAttributions", "explain"]

Float = npt.NDArray[np.float64]


class AdditivityError(AdvisoryError, ArithmeticError):
    """Attributions do not add up to the model's margin.

    Parameters
    ----------
    largest : float
        Largest absolute difference between ``base + sum(values)`` and the margin.
    tolerance : float
        The tolerance that was exceeded.
    """

    def __init__(self, largest: float, tolerance: float) -> None:
        self.largest = largest
        super().__init__(
            f"SHAP values do not add up to the model's margin: base + sum(values) differs "
            f"from decision_function by up to {largest:.3g} (tolerance {tolerance:g}). "
            "The explanation is not exact; please report this with the model and versions."
        )


class Explanation(JsonResult):
    """SHAP values of cases, one column per original factor, in log-odds.

    Built by :func:`explain` or :meth:`Explainer.explain`; the constructor is
    keyword-only.

    Parameters
    ----------
    values : ndarray of shape (n_cases, n_factors)
        Attribution of each factor for each case.
    base_value : float
        Mean margin over the background; ``base_value + values.sum(axis=1)``
        is the margin.
    margin : ndarray of shape (n_cases,) or callable
        The model's margin (log-odds) for each case, or a function that
        computes it from the model when first asked for (so
        :meth:`check_additivity` compares with the model itself).
    data : pandas.DataFrame
        The explained factors.
    resampled : ndarray of shape (n_resamples, n_cases, n_factors) or None
        Attributions under each bootstrap refit, when the model kept refits.
    confidence : float
        Level of the stability intervals.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.models import ScorecardClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.poisson(1.0, 500).astype(float), "b": rng.normal(size=500)})
    >>> y = (rng.random(500) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    >>> model = ScorecardClassifier(n_resamples=10, random_state=0).fit(X, y)
    >>> expl = explain(model, X.head(3), check_additivity=True)
    >>> expl.values.shape, expl.lower.shape
    ((3, 2), (3, 2))
    >>> bool(np.allclose(expl.base_value + expl.values.sum(1), model.decision_function(X.head(3))))
    True
    """

    def __init__(
        self,
        *,
        values: Float,
        base_value: float,
        margin: Float | Callable[[], Float],
        data: pd.DataFrame,
        resampled: Float | None,
        confidence: float,
    ) -> None:
        self._values = values
        self._base_value = float(base_value)
        self._margin = margin
        self._data = data
        self._resampled = resampled
        self._confidence = confidence

    def __len__(self) -> int:
        return int(self._values.shape[0])

    def __repr__(self) -> str:
        return (
            f"Explanation({len(self)} cases x {len(self.factor_names)} factors, "
            f"stability={'yes' if self.has_stability else 'no'})"
        )

    @property
    def values(self) -> Float:
        """Attributions, shape (n_cases, n_factors)."""
        return self._values

    @property
    def base_value(self) -> float:
        """Mean margin over the background."""
        return self._base_value

    @property
    def base_values(self) -> Float:
        """The base value repeated per case, as ``shap.Explanation`` holds it."""
        return np.full(len(self), self._base_value)

    @property
    def margin(self) -> Float:
        """The model's margin per case (for data scientists; never shown to practitioners)."""
        if callable(self._margin):
            self._margin = np.asarray(self._margin(), dtype=np.float64)
        return self._margin

    @property
    def data(self) -> pd.DataFrame:
        """The explained factor values."""
        return self._data

    @property
    def factor_names(self) -> list[str]:
        """Factor names, in column order."""
        return [str(c) for c in self._data.columns]

    @property
    def confidence(self) -> float:
        """Level of the stability intervals."""
        return self._confidence

    @property
    def has_stability(self) -> bool:
        """Whether the model kept bootstrap refits, so intervals are available."""
        return self._resampled is not None

    def _resamples(self) -> Float:
        if self._resampled is None:
            raise InputError(
                "This explanation has no stability intervals: the model was fitted with "
                "n_resamples=0. Refit it with n_resamples >= 2 (30 is a good default)."
            )
        return self._resampled

    @property
    def lower(self) -> Float:
        """Lower end of each attribution's bootstrap interval, shape (n_cases, n_factors)."""
        out: Float = np.quantile(self._resamples(), (1 - self._confidence) / 2, axis=0)
        return out

    @property
    def upper(self) -> Float:
        """Upper end of each attribution's bootstrap interval, shape (n_cases, n_factors)."""
        out: Float = np.quantile(self._resamples(), (1 + self._confidence) / 2, axis=0)
        return out

    @property
    def reliable(self) -> npt.NDArray[np.bool_]:
        """Whether each attribution is reliably away from zero (interval excludes zero).

        This is a statement about the explanation's stability under refits,
        not a threshold on the case.
        """
        lower, upper = self.lower, self.upper
        same_sign = np.sign(self._values) == np.where(lower > 0, 1.0, -1.0)
        out: npt.NDArray[np.bool_] = ((lower > 0) | (upper < 0)) & same_sign
        return out

    @property
    def steady(self) -> npt.NDArray[np.bool_]:
        """Whether each attribution keeps its direction over the bootstrap refits.

        The rule reviews use to choose what to ask about. Like
        :attr:`reliable`, but a refit that gives exactly zero (it did not use
        the factor, as a boosting refit that never split on it) abstains
        instead of counting against the direction: the interval may end at
        zero, never cross it. A zero attribution is never steady.
        """
        lower, upper, values = self.lower, self.upper, self._values
        out: npt.NDArray[np.bool_] = ((values > 0) & (lower >= 0) & (upper > 0)) | (
            (values < 0) & (upper <= 0) & (lower < 0)
        )
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the attributions as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per case (indexed like :attr:`data`), one column per factor.
        """
        return pd.DataFrame(self._values, index=self._data.index, columns=self._data.columns)

    def to_dict(self) -> dict[str, Any]:
        """Return the attributions as JSON-ready builtins (for data scientists, not reviews).

        Returns
        -------
        dict
            ``cases`` (the index of :attr:`data`, as text), ``factors``,
            ``base_value``, ``values`` (one list per case), ``confidence``,
            and ``lower`` and ``upper`` (the stability intervals, or None
            when the model kept no refits).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from advisory.models import ScorecardClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame({"a": rng.poisson(1.0, 300).astype(float)})
        >>> y = (rng.random(300) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
        >>> model = ScorecardClassifier(n_resamples=0).fit(X, y)
        >>> document = explain(model, X.head(2)).to_dict()
        >>> document["factors"], len(document["values"]), document["lower"]
        (['a'], 2, None)
        """

        def rows(matrix: Float) -> list[list[float | None]]:
            return [[json_number(v) for v in row] for row in matrix.tolist()]

        stable = self.has_stability
        return {
            "cases": [str(c) for c in self._data.index],
            "factors": self.factor_names,
            "base_value": json_number(self._base_value),
            "values": rows(self._values),
            "confidence": self._confidence,
            "lower": rows(self.lower) if stable else None,
            "upper": rows(self.upper) if stable else None,
        }

    def importance(self) -> pd.Series:
        """Return the global importance: mean absolute attribution per factor.

        Returns
        -------
        pandas.Series
            ``mean_abs_shap`` per factor, largest first.
        """
        series = pd.Series(np.abs(self._values).mean(axis=0), index=self.factor_names)
        return series.sort_values(ascending=False, kind="stable").rename("mean_abs_shap")

    def check_additivity(self, tolerance: float = 1e-6) -> None:
        """Raise :class:`AdditivityError` unless ``base + sum(values) == margin``.

        The margin is the model's own ``decision_function`` (computed on first
        use), so this fails whenever the attributions are not exact.

        Parameters
        ----------
        tolerance : float, default=1e-6
            Largest absolute difference allowed, in log-odds.
        """
        largest = float(np.max(np.abs(self._base_value + self._values.sum(1) - self.margin)))
        if not largest <= tolerance:
            raise AdditivityError(largest, tolerance)

    def to_shap(self) -> Any:
        """Convert to ``shap.Explanation`` (needs the ``explain`` extra).

        ``data`` holds numbers (category codes for categorical factors) and
        ``display_data`` the values as shown, so shap's plots work.

        Returns
        -------
        shap.Explanation
            The same values, base values and factor names.
        """
        shap = import_optional("shap", "explain", "Converting to shap.Explanation")
        numeric = np.column_stack(
            [
                self._data[c].cat.codes.to_numpy(dtype=np.float64)
                if isinstance(self._data[c].dtype, pd.CategoricalDtype)
                else self._data[c].to_numpy(dtype=np.float64, na_value=np.nan)
                for c in self._data.columns
            ]
        )
        return shap.Explanation(
            values=self._values,
            base_values=self.base_values,
            data=numeric,
            display_data=self._data.astype(object).to_numpy(),
            feature_names=self.factor_names,
        )


class Explainer:
    """A model prepared for explaining cases quickly.

    Summarises the background once; each :meth:`explain` call then evaluates
    the model's stored tables (and those of its bootstrap refits). No call
    refits anything.

    Parameters
    ----------
    model : ScorecardClassifier, AdditiveBoostingClassifier or ShallowTreeClassifier
        A fitted model from :mod:`advisory.models`.
    background : pandas.DataFrame or None, default=None
        Cases that define "a typical case". ``None`` uses the training cases
        (summarised at fit time, so no data is needed at run time).
    confidence : float, default=0.9
        Level of the stability intervals, in (0, 1)
        (``advisory._result.DEFAULT_CONFIDENCE``, the library's one default).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.models import AdditiveBoostingClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.poisson(1.0, 500).astype(float), "b": rng.normal(size=500)})
    >>> y = (rng.random(500) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    >>> model = AdditiveBoostingClassifier(max_iter=20, n_resamples=0).fit(X, y)
    >>> explainer = Explainer(model)
    >>> explainer.explain(X.iloc[[0]]).values.shape
    (1, 2)
    """

    def __init__(
        self,
        model: Any,
        *,
        background: pd.DataFrame | None = None,
        confidence: float = DEFAULT_CONFIDENCE,
    ) -> None:
        from advisory.models._base import TransparentClassifier

        if not isinstance(model, TransparentClassifier):
            raise ParameterError(
                "model",
                "Explainer",
                "a fitted model from advisory.models",
                type(model).__name__,
            )
        confidence = check_fraction(confidence, "confidence", "Explainer")
        if not 0.0 < confidence < 1.0:
            raise ParameterError("confidence", "Explainer", "a number in (0, 1)", confidence)
        model._check_fitted()
        self.model = model
        self.confidence = confidence
        matrix = None if background is None else model._matrix(background, "explain (background)")
        self._background = model._background(matrix)

    def explain(self, X: pd.DataFrame, *, check_additivity: bool = False) -> Explanation:
        """Explain cases.

        Parameters
        ----------
        X : pandas.DataFrame
            Case factors with the model's columns.
        check_additivity : bool, default=False
            Also check ``base + sum(values) == decision_function(X)`` to 1e-6,
            raising :class:`AdditivityError` otherwise.

        Returns
        -------
        Explanation
            Exact SHAP values of the cases, with stability intervals when the model kept
            refits.
        """
        model = self.model
        matrix = model._matrix(X, "explain")
        values, base = model._attributions(matrix, self._background)
        data = (
            X if isinstance(X, pd.DataFrame) else pd.DataFrame(matrix, columns=model.layout_.names)
        )
        explanation = Explanation(
            values=values[0],
            base_value=float(base[0]),
            margin=lambda: model._margin(matrix),
            data=data,
            resampled=values[1:] if values.shape[0] > 1 else None,
            confidence=self.confidence,
        )
        if check_additivity:
            explanation.check_additivity()
        return explanation

    def stable_attributions(self) -> StableAttributions:
        """Prepare attributions and their stability for many cases (the reviews' hot path).

        Returns
        -------
        StableAttributions
            Called on case factors, gives ``(matrix, values, reliable)``:
            exactly :attr:`Explanation.values` and :attr:`Explanation.reliable`
            of :meth:`explain`, computed once per segment for additive models.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from advisory.models import ScorecardClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame({"a": rng.poisson(1.0, 500).astype(float), "b": rng.normal(size=500)})
        >>> y = (rng.random(500) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
        >>> explainer = Explainer(ScorecardClassifier(n_resamples=10, random_state=0).fit(X, y))
        >>> _, values, reliable = explainer.stable_attributions()(X)
        >>> expl = explainer.explain(X)
        >>> bool((values == expl.values).all() and (reliable == expl.reliable).all())
        True
        """
        return StableAttributions(self)


class StableAttributions:
    """Attributions and their stability for many cases at once: the reviews' hot path.

    Gives exactly ``explain(X).values`` and ``explain(X).reliable``, without
    building an :class:`Explanation` or bootstrap intervals per case. For
    additive models a factor's attribution under every refit depends only on
    the segment its value falls in, so the attribution and whether it is
    reliably away from zero are computed once per segment here, and a batch
    is a single lookup. Other models are explained case by case as usual.

    Build it with :meth:`Explainer.stable_attributions`.
    """

    def __init__(self, explainer: Explainer) -> None:
        self.explainer = explainer
        model = explainer.model
        self._layout = model.layout_
        self._category_checked: dict[Any, bool] = {}
        self._codes = [
            {} if levels is None else {level: float(k) for k, level in enumerate(levels)}
            for levels in self._layout.levels
        ]
        shapes = getattr(model, "shapes_", None)
        self._shapes = shapes
        if shapes is None:
            return
        means = np.asarray(explainer._background, dtype=np.float64)
        # the same subtraction explain() does per case, once per segment
        table = np.concatenate(
            [f.table - means[:, j][:, None] for j, f in enumerate(shapes.factors)], axis=1
        )
        sizes = [f.table.shape[1] for f in shapes.factors]
        self._offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        self._values = np.ascontiguousarray(table[0])
        # per factor: where its segments start, its thresholds (None for levels) and
        # its number of known segments (the unknown one comes after)
        self._segmenting = [
            (int(offset), None if f.levels is not None else f.thresholds.tolist(), f.n_known)
            for offset, f in zip(self._offsets, shapes.factors, strict=True)
        ]
        segments = Explanation(
            values=table[:1],
            base_value=0.0,
            margin=np.zeros(1),
            data=pd.DataFrame(),
            resampled=table[1:, None, :] if table.shape[0] > 1 else None,
            confidence=explainer.confidence,
        )
        self._reliable = segments.reliable[0]
        self._steady = segments.steady[0]

    def __call__(self, X: pd.DataFrame) -> tuple[Float, Float, npt.NDArray[np.bool_]]:
        """Return ``(matrix, values, reliable)`` for the cases ``X``.

        ``matrix`` is the model's numeric view of ``X`` (categories as codes,
        NaN for unknown), ``values`` the attributions and ``reliable`` whether
        each is reliably away from zero, both of shape (n_cases, n_factors).
        """
        model = self.explainer.model
        matrix = self._small_matrix(X) if len(X) <= _SMALL_FRAME else None
        if matrix is None:
            matrix = model._matrix(X, "explain")
        if self._shapes is None:
            values, base = model._attributions(matrix, self.explainer._background)
            explanation = Explanation(
                values=values[0],
                base_value=float(base[0]),
                margin=np.zeros(len(matrix)),
                data=pd.DataFrame(),
                resampled=values[1:] if values.shape[0] > 1 else None,
                confidence=self.explainer.confidence,
            )
            return matrix, values[0], explanation.reliable
        if len(matrix) <= _SMALL_FRAME:
            where = self._few_segments(matrix)
        else:
            where = self._shapes.segments(matrix) + self._offsets
        return matrix, self._values[where], self._reliable[where]

    def steady(self, X: pd.DataFrame) -> tuple[Float, Float, npt.NDArray[np.bool_]]:
        """Return ``(matrix, values, steady)``: as calling it, with :attr:`Explanation.steady`."""
        model = self.explainer.model
        matrix = self._small_matrix(X) if len(X) <= _SMALL_FRAME else None
        if matrix is None:
            matrix = model._matrix(X, "explain")
        if self._shapes is None:
            values, base = model._attributions(matrix, self.explainer._background)
            explanation = Explanation(
                values=values[0],
                base_value=float(base[0]),
                margin=np.zeros(len(matrix)),
                data=pd.DataFrame(),
                resampled=values[1:] if values.shape[0] > 1 else None,
                confidence=self.explainer.confidence,
            )
            return matrix, values[0], explanation.steady
        if len(matrix) <= _SMALL_FRAME:
            where = self._few_segments(matrix)
        else:
            where = self._shapes.segments(matrix) + self._offsets
        return matrix, self._values[where], self._steady[where]

    def _few_segments(self, matrix: Float) -> npt.NDArray[np.intp]:
        """Segment of each value, offset into the tables, for a few cases (as ``segments``)."""
        out = [
            [
                offset
                + (n_known if x != x else int(x) if thresholds is None else bisect(thresholds, x))
                for x, (offset, thresholds, n_known) in zip(row, self._segmenting, strict=True)
            ]
            for row in matrix.tolist()
        ]
        return np.array(out, dtype=np.intp)

    def _small_matrix(self, X: pd.DataFrame) -> Float | None:
        """Return the matrix of a few cases from one conversion of the frame, or None.

        Takes the same values as the model's own check for a frame whose
        columns, dtypes and categories match the fitted ones exactly (what
        a case's context holds); anything else returns ``None`` so the
        model's check converts it or raises its usual error.
        """
        layout = self._layout
        if not isinstance(X, pd.DataFrame) or not layout.named or len(X) == 0:
            return None
        if X.columns.tolist() != list(layout.names):
            return None
        dtypes = X.dtypes.tolist()
        for dtype, levels in zip(dtypes, layout.levels, strict=True):
            if levels is None:
                if not (isinstance(dtype, np.dtype) and dtype.kind in "fiu"):
                    return None
            elif not self._same_categories(dtype, levels):
                return None
        raw = X.to_numpy(dtype=object)
        out = np.empty(raw.shape)
        for j, levels in enumerate(layout.levels):
            if levels is None:
                out[:, j] = raw[:, j]
            else:  # the categories are the fitted levels, so a value is one of them or missing
                code = self._codes[j]
                out[:, j] = [code[v] if isinstance(v, str) else np.nan for v in raw[:, j]]
        if np.isinf(out).any():
            return None
        return out

    def _same_categories(self, dtype: Any, levels: tuple[str, ...]) -> bool:
        if not isinstance(dtype, pd.CategoricalDtype):
            return False
        known = self._category_checked.get(dtype)
        if known is None:
            known = (
                len(dtype.categories) == len(levels)
                and all(isinstance(c, str) for c in dtype.categories)
                and [str(c) for c in dtype.categories] == list(levels)
            )
            self._category_checked[dtype] = known
        return known


_SMALL_FRAME = 32


def explain(
    model: Any,
    X: pd.DataFrame,
    *,
    background: pd.DataFrame | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
    check_additivity: bool = False,
) -> Explanation:
    """Exact SHAP values of ``model`` for the cases ``X``, per original factor.

    Shorthand for ``Explainer(model, background=..., confidence=...).explain(X)``;
    prepare an :class:`Explainer` once when explaining cases one at a time.

    Parameters
    ----------
    model : fitted model from :mod:`advisory.models`
        The model to explain.
    X : pandas.DataFrame
        Case factors with the model's columns.
    background : pandas.DataFrame or None, default=None
        ``None`` uses the training cases.
    confidence : float, default=0.9
        Level of the stability intervals.
    check_additivity : bool, default=False
        Check ``base + sum(values) == decision_function(X)`` to 1e-6.

    Returns
    -------
    Explanation
        Exact SHAP values of the cases, with stability intervals when the model kept refits.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.models import ShallowTreeClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.poisson(1.0, 500).astype(float), "b": rng.normal(size=500)})
    >>> y = (rng.random(500) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    >>> model = ShallowTreeClassifier(max_depth=2, n_resamples=0).fit(X, y)
    >>> explain(model, X.head(), check_additivity=True).importance().index[0]
    'a'
    """
    return Explainer(model, background=background, confidence=confidence).explain(
        X, check_additivity=check_additivity
    )
