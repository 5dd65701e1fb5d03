"""Checking case-factor tables against what a model was fitted on.

Every model in :mod:`advisory.models` turns its input into one float matrix:
numeric factors as floats with ``NaN`` for *unknown*, categorical factors as
category codes (``0 .. n_levels - 1``) with ``NaN`` for unknown. The
:class:`Layout` remembers the columns, their order and the categories seen at
fit time, so later calls can name exactly what differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._errors import InputError, ParameterError

__all__ = ["Layout", "check_monotone", "check_target", "fit_layout", "to_matrix"]

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Layout:
    """Columns a model was fitted on.

    Attributes
    ----------
    names : tuple of str
        Column names in order (``x0, x1, ...`` for arrays without names).
    levels : tuple of (tuple of str or None)
        The categories of each categorical column; ``None`` for numeric ones.
    named : bool
        Whether the fit-time input carried column names (a DataFrame).
    """

    names: tuple[str, ...]
    levels: tuple[tuple[str, ...] | None, ...]
    named: bool

    @property
    def categorical(self) -> npt.NDArray[np.bool_]:
        """Boolean mask of categorical columns."""
        return np.array([lv is not None for lv in self.levels], dtype=bool)


def _few(values: list[str]) -> str:
    shown = ", ".join(repr(v) for v in values[:5])
    return shown + (f" and {len(values) - 5} more" if len(values) > 5 else "")


def _array_matrix(X: Any, owner: str) -> Matrix:
    from sklearn.utils.validation import check_array

    try:
        return np.asarray(
            check_array(X, dtype=np.float64, ensure_all_finite="allow-nan", ensure_min_samples=1),
            dtype=np.float64,
        )
    except ValueError as exc:
        if "complex" in str(exc).lower():
            raise
        raise InputError(
            f"X passed to {owner} must be a 2-D table of numbers (a pandas DataFrame of "
            f"float factors, NaN for unknown, or pandas Categorical columns); {exc}"
        ) from exc


def _column_values(
    frame: pd.DataFrame, name: str, levels: tuple[str, ...] | None, owner: str
) -> npt.NDArray[np.float64]:
    column = frame[name]
    if levels is None:
        if isinstance(column.dtype, pd.CategoricalDtype):
            raise InputError(
                f"Column {name!r} passed to {owner} must be numeric, as it was at fit time; "
                "got a categorical column instead."
            )
        if not (pd.api.types.is_numeric_dtype(column.dtype) and column.dtype != bool):
            if pd.api.types.is_bool_dtype(column.dtype):
                return column.to_numpy(dtype=np.float64)
            raise InputError(
                f"Column {name!r} passed to {owner} must be numeric (float, NaN for unknown) "
                f"or a pandas Categorical; got dtype {column.dtype} instead. Convert it with "
                "astype('float64') or astype('category')."
            )
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(values).any():
            raise InputError(
                f"Column {name!r} passed to {owner} holds infinite values; use NaN for unknown."
            )
        return values
    if not isinstance(column.dtype, pd.CategoricalDtype):
        raise InputError(
            f"Column {name!r} passed to {owner} must be a pandas Categorical with levels "
            f"{list(levels)}, as it was at fit time; got dtype {column.dtype} instead. "
            "Convert it with astype(pd.CategoricalDtype(levels))."
        )
    seen = {str(c) for c in column.cat.categories[np.unique(column.cat.codes[column.notna()])]}
    unseen = sorted(seen - set(levels))
    if unseen:
        raise InputError(
            f"Column {name!r} passed to {owner} holds categories unseen at fit time: "
            f"{_few(unseen)}; expected one of {list(levels)} or NaN for unknown."
        )
    codes = pd.Categorical(column.astype("object"), categories=list(levels)).codes
    out = codes.astype(np.float64)
    out[codes < 0] = np.nan
    return out


def fit_layout(X: Any, owner: str) -> tuple[Layout, Matrix]:
    """Read the columns of a fit-time input and return its layout and matrix.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_cases, n_factors)
        Case factors: numeric columns (``NaN`` = unknown) and pandas
        Categorical columns.
    owner : str
        The estimator's name, for error messages.

    Returns
    -------
    layout : Layout
    matrix : ndarray of shape (n_cases, n_factors)

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, None], "b": pd.Categorical(["x", "y"])})
    >>> layout, m = fit_layout(X, "Model")
    >>> layout.names, layout.levels
    (('a', 'b'), (None, ('x', 'y')))
    """
    if isinstance(X, pd.DataFrame):
        if X.shape[1] == 0 or X.shape[0] == 0:
            raise InputError(
                f"X passed to {owner} must have at least one row and one column; "
                f"got shape {X.shape} instead."
            )
        names = [str(c) for c in X.columns]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise InputError(f"X passed to {owner} has duplicated columns {_few(dupes)}.")
        levels: list[tuple[str, ...] | None] = []
        for name in X.columns:
            dtype = X[name].dtype
            if isinstance(dtype, pd.CategoricalDtype):
                levels.append(tuple(str(c) for c in dtype.categories))
            else:
                levels.append(None)
        layout = Layout(tuple(names), tuple(levels), named=True)
        frame = X.set_axis(names, axis=1)
        matrix = np.column_stack(
            [_column_values(frame, n, lv, owner) for n, lv in zip(names, levels, strict=True)]
        )
    else:
        matrix = _array_matrix(X, owner)
        layout = Layout(
            tuple(f"x{i}" for i in range(matrix.shape[1])),
            (None,) * matrix.shape[1],
            named=False,
        )
    empty = [n for n, col in zip(layout.names, matrix.T, strict=True) if np.isnan(col).all()]
    if empty:
        raise InputError(
            f"Column {empty[0]!r} passed to {owner} is entirely unknown (NaN); a model cannot "
            "learn anything from it. Drop it, or check that its source is covered."
        )
    return layout, matrix


def _fast_matrix(X: pd.DataFrame, layout: Layout, owner: str) -> Matrix:
    """Matrix of a frame whose columns match ``layout``; slow checks only when needed."""
    out = np.empty((len(X), len(layout.names)))
    dtypes = list(X.dtypes)
    numeric = [
        j
        for j, (dtype, levels) in enumerate(zip(dtypes, layout.levels, strict=True))
        if levels is None and isinstance(dtype, np.dtype) and dtype.kind in "fiu"
    ]
    if numeric:
        block = X.iloc[:, numeric].to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(block).any():
            bad = numeric[int(np.flatnonzero(np.isinf(block).any(axis=0))[0])]
            raise InputError(
                f"Column {layout.names[bad]!r} passed to {owner} holds infinite values; "
                "use NaN for unknown."
            )
        out[:, numeric] = block
    done = set(numeric)
    for j, (dtype, levels) in enumerate(zip(dtypes, layout.levels, strict=True)):
        if j in done:
            continue
        if (
            levels is not None
            and isinstance(dtype, pd.CategoricalDtype)
            and len(dtype.categories) == len(levels)
            and [str(c) for c in dtype.categories] == list(levels)
        ):
            codes = X.iloc[:, j].cat.codes.to_numpy()
            out[:, j] = np.where(codes < 0, np.nan, codes)
        else:
            out[:, j] = _column_values(
                X.set_axis(list(layout.names), axis=1), layout.names[j], levels, owner
            )
    return out


def to_matrix(X: Any, layout: Layout, owner: str) -> Matrix:
    """Check a later input against the fit-time ``layout`` and return its matrix.

    Raises
    ------
    InputError
        Naming missing, extra or reordered columns, wrong dtypes, unseen
        categories or the wrong number of columns.

    Examples
    --------
    >>> import pandas as pd
    >>> layout, _ = fit_layout(pd.DataFrame({"a": [1.0], "b": [2.0]}), "Model")
    >>> to_matrix(pd.DataFrame({"a": [1.0]}), layout, "Model")
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: X passed to Model has no column 'b'; ...
    """
    if isinstance(X, pd.DataFrame) and layout.named:
        names = [str(c) for c in X.columns]
        missing = [n for n in layout.names if n not in names]
        extra = [n for n in names if n not in layout.names]
        if missing:
            raise InputError(
                f"X passed to {owner} has no column {_few(missing)}; the model was fitted on "
                f"columns {_few(list(layout.names))}."
            )
        if extra:
            raise InputError(
                f"X passed to {owner} has columns the model was not fitted on: {_few(extra)}. "
                "Select the fitted columns with X[model.feature_names_in_]."
            )
        if names != list(layout.names):
            raise InputError(
                f"X passed to {owner} has the fitted columns in a different order: expected "
                f"{_few(list(layout.names))}, got {_few(names)}. Reorder with "
                "X[model.feature_names_in_]."
            )
        if len(X) == 0:
            raise InputError(f"X passed to {owner} has no rows.")
        return _fast_matrix(X, layout, owner)
    if isinstance(X, pd.DataFrame) and bool(layout.categorical.any()):
        raise InputError(
            f"X passed to {owner} must be a DataFrame with the fitted column names, since the "
            "model has categorical columns; got a DataFrame without them."
        )
    matrix = _array_matrix(X, owner)
    if matrix.shape[1] != len(layout.names):
        raise ValueError(
            f"X has {matrix.shape[1]} features, but {owner.split('.')[0]} is expecting "
            f"{len(layout.names)} features as input."
        )
    if layout.categorical.any():
        raise InputError(
            f"X passed to {owner} must be a DataFrame with categorical columns "
            f"{[n for n, c in zip(layout.names, layout.categorical, strict=True) if c]}; "
            "got an array instead."
        )
    return matrix


def check_target(
    y: Any, n_rows: int, owner: str
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64]]:
    """Check a binary outcome and return ``(classes, y01)``.

    Examples
    --------
    >>> classes, y01 = check_target([0, 1, 1], 3, "Model")
    >>> classes.tolist(), y01.tolist()
    ([0, 1], [0.0, 1.0, 1.0])
    """
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import column_or_1d

    if y is None:
        raise InputError(
            f"{owner} requires y to be passed, but the target y is None; pass one binary "
            "outcome per case."
        )
    values = column_or_1d(y, warn=True)
    if len(values) != n_rows:
        raise InputError(
            f"y passed to {owner} has {len(values)} values but X has {n_rows} rows; "
            "they must have one outcome per case."
        )
    if pd.isna(values).any():
        raise InputError(f"y passed to {owner} holds missing values; every case needs an outcome.")
    if values.dtype.kind in "fc" and not np.isfinite(values).all():
        raise InputError(f"y passed to {owner} holds infinite values; expected binary outcomes.")
    check_classification_targets(values)
    classes = np.unique(values)
    if len(classes) < 2:
        raise InputError(
            f"y passed to {owner} must have two classes; got only one class "
            f"({classes[0]!r}). A model cannot be fitted without both outcomes."
        )
    if len(classes) > 2:
        raise InputError(
            f"Only binary classification is supported: y passed to {owner} has "
            f"{len(classes)} classes {_few([str(c) for c in classes])}; expected two."
        )
    return classes, (values == classes[1]).astype(np.float64)


def check_monotone(
    constraints: Mapping[str, int] | None, layout: Layout, owner: str
) -> npt.NDArray[np.int64]:
    """Return the monotone constraint per column (-1, 0, 1) after checking the mapping.

    Examples
    --------
    >>> import pandas as pd
    >>> layout, _ = fit_layout(pd.DataFrame({"a": [1.0], "b": [2.0]}), "M")
    >>> check_monotone({"b": -1}, layout, "M").tolist()
    [0, -1]
    """
    out = np.zeros(len(layout.names), dtype=np.int64)
    if constraints is None:
        return out
    if not isinstance(constraints, Mapping):
        raise ParameterError(
            "monotone_constraints",
            owner,
            "a dict of column name -> -1, 0 or 1, or None",
            constraints,
        )
    for name, sign in constraints.items():
        if name not in layout.names:
            raise ParameterError(
                "monotone_constraints",
                owner,
                f"a dict whose keys are columns of X ({_few(list(layout.names))})",
                name,
            )
        if isinstance(sign, bool) or sign not in (-1, 0, 1):
            raise ParameterError(
                "monotone_constraints",
                owner,
                f"a dict with values -1, 0 or 1 (key {name!r})",
                sign,
            )
        j = layout.names.index(name)
        if layout.levels[j] is not None and sign != 0:
            raise ParameterError(
                "monotone_constraints",
                owner,
                f"0 for the categorical column {name!r} (categories have no order)",
                sign,
            )
        out[j] = int(sign)
    return out
