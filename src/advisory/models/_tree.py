"""A shallow decision tree, with exact SHAP values over its factors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import factorial
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from advisory._checks import check_int
from advisory._errors import ParameterError
from advisory.models._base import TransparentClassifier, bootstrap_counts
from advisory.models._frame import Layout
from advisory.models._shapes import FactorShape, segment_labels

__all__ = ["ShallowTreeClassifier", "TreePaths"]

Float = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]

_EPS = 1e-3  # leaf proportions are clipped to [_EPS, 1 - _EPS] before the logit


@dataclass(frozen=True)
class TreePaths:
    """A fitted tree as root-to-leaf paths over the original factors.

    Attributes
    ----------
    feature, threshold : ndarray of shape (n_nodes,)
        Encoded column and threshold of each node (``x <= threshold`` goes left).
    missing_left : ndarray of shape (n_nodes,)
        Whether unknown (``NaN``) goes left at each node.
    leaves : ndarray of shape (n_leaves,)
        Node id of each leaf.
    paths : tuple of tuple of (int, bool)
        Per leaf, the (node, goes left) steps from the root.
    players : tuple of tuple of int
        Per leaf, the factors its path tests, sorted.
    margin : ndarray of shape (n_leaves,)
        Log-odds of each leaf.
    """

    feature: npt.NDArray[np.intp]
    threshold: Float
    missing_left: Bool
    leaves: npt.NDArray[np.intp]
    paths: tuple[tuple[tuple[int, bool], ...], ...]
    players: tuple[tuple[int, ...], ...]
    margin: Float

    @classmethod
    def from_tree(
        cls, tree: DecisionTreeClassifier, column_factor: npt.NDArray[np.intp]
    ) -> TreePaths:
        """Read a fitted binary ``DecisionTreeClassifier``."""
        t = tree.tree_
        left, right = t.children_left, t.children_right
        paths: list[tuple[tuple[int, bool], ...]] = []
        leaves: list[int] = []
        stack: list[tuple[int, tuple[tuple[int, bool], ...]]] = [(0, ())]
        while stack:
            node, path = stack.pop()
            if left[node] == -1:
                leaves.append(node)
                paths.append(path)
            else:
                stack.append((int(right[node]), (*path, (node, False))))
                stack.append((int(left[node]), (*path, (node, True))))
        proportion = t.value[leaves, 0, 1] / t.value[leaves, 0].sum(axis=1)
        p = np.clip(proportion, _EPS, 1 - _EPS)
        feature = t.feature.astype(np.intp)
        players = tuple(
            tuple(sorted({int(column_factor[feature[n]]) for n, _ in path})) for path in paths
        )
        return cls(
            feature=feature,
            threshold=t.threshold.astype(np.float64),
            missing_left=t.missing_go_to_left.astype(bool),
            leaves=np.array(leaves, dtype=np.intp),
            paths=tuple(paths),
            players=players,
            margin=np.log(p / (1 - p)),
        )

    def _goes_left(self, encoded: Float, node: int) -> Bool:
        x = encoded[:, self.feature[node]]
        out: Bool = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
        return out

    def satisfied(self, encoded: Float, column_factor: npt.NDArray[np.intp]) -> list[Bool]:
        """Per leaf, (n_cases, n_players): does each case meet the path's tests on each player."""
        cache: dict[int, Bool] = {}
        out: list[Bool] = []
        for path, players in zip(self.paths, self.players, strict=True):
            ok = np.ones((encoded.shape[0], len(players)), dtype=bool)
            for node, left in path:
                if node not in cache:
                    cache[node] = self._goes_left(encoded, node)
                k = players.index(int(column_factor[self.feature[node]]))
                ok[:, k] &= cache[node] == left
            out.append(ok)
        return out

    def margins(self, encoded: Float, column_factor: npt.NDArray[np.intp]) -> Float:
        """Margin of each case (via the paths)."""
        reach = np.column_stack([s.all(axis=1) for s in self.satisfied(encoded, column_factor)])
        out: Float = reach @ self.margin
        return out


def _subset_products(ok: Bool) -> Float:
    """Products over every subset (bitmask) of columns, shape (n_cases, 2**d)."""
    n, d = ok.shape
    out = np.ones((n, 1 << d))
    for mask in range(1, 1 << d):
        low = (mask & -mask).bit_length() - 1
        out[:, mask] = out[:, mask & (mask - 1)] * ok[:, low]
    return out


def background_table(paths: TreePaths, satisfied_bg: list[Bool]) -> list[Float]:
    """Per leaf, Q[S] = share of background cases meeting the tests of players *not* in S."""
    tables = []
    for ok in satisfied_bg:
        d = ok.shape[1]
        full = (1 << d) - 1
        products = _subset_products(ok).mean(axis=0)
        tables.append(np.array([products[full ^ s] for s in range(1 << d)]))
    return tables


def tree_shap(
    paths: TreePaths,
    values: Float,
    satisfied: list[Bool],
    q_tables: list[Float],
    n_factors: int,
) -> tuple[Float, float]:
    """Exact interventional SHAP values of a tree whose leaves hold ``values``.

    The value of a coalition S for case x is the background mean of the tree
    with the factors in S taken from x and the others from the background
    case. Each leaf's term factorises into x's tests on S and the
    background's tests on the rest, and only the factors on the leaf's path
    matter to it, so each leaf needs at most ``2 ** depth`` coalitions.

    Returns
    -------
    phi : ndarray of shape (n_cases, n_factors)
    base : float
        Background mean of the tree.
    """
    n = satisfied[0].shape[0] if satisfied else 0
    phi = np.zeros((n, n_factors))
    base = 0.0
    for leaf, (ok, q) in enumerate(zip(satisfied, q_tables, strict=True)):
        value = values[leaf]
        base += value * q[0]
        d = ok.shape[1]
        if d == 0:
            continue
        a = _subset_products(ok) * q  # v(S) for this leaf, up to the leaf value
        for i, player in enumerate(paths.players[leaf]):
            bit = 1 << i
            total = np.zeros(n)
            for s in range(1 << d):
                if s & bit:
                    continue
                size = bin(s).count("1")
                weight = factorial(size) * factorial(d - size - 1) / factorial(d)
                total += weight * (a[:, s | bit] - a[:, s])
            phi[:, player] += value * total
    return phi, base


class ShallowTreeClassifier(TransparentClassifier):
    """A shallow decision tree: a handful of rules, readable in full.

    Wraps scikit-learn's ``DecisionTreeClassifier`` with the declared
    monotone constraints. A categorical factor is one-hot encoded (unknown as
    ``NaN`` in each indicator); *unknown* values follow the branch the tree
    learned for them, or the larger branch when none was unknown at fit time
    (scikit-learn's rule). A leaf's margin is the log-odds of its training
    proportion, clipped to [0.001, 0.999].

    SHAP values are exact interventional values over the *original* factors
    (a categorical factor's indicators count as one player), computed from
    the tree's paths (:func:`tree_shap`); tests cross-check them against
    ``shap.TreeExplainer`` and ``shap``'s exact explainer.

    Parameters
    ----------
    max_depth : int, default=3
        Depth of the tree (1 to 6).
    min_samples_leaf : int, default=50
        Fewest training cases in a leaf.
    monotone_constraints : dict of str to {-1, 0, 1} or None, default=None
        Direction each factor's effect must keep (1 increasing, -1 decreasing).
    n_resamples : int, default=30
        Bootstrap refits kept for stability intervals (0 for none).
    random_state : int, RandomState or None, default=None
        Seed of the tree and the bootstrap refits.

    Attributes
    ----------
    tree_ : DecisionTreeClassifier
        The fitted tree on the encoded columns.
    paths_ : list of TreePaths
        The fitted tree, then its refits.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.poisson(1.0, 400).astype(float), "b": rng.normal(size=400)})
    >>> y = (rng.random(400) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    >>> model = ShallowTreeClassifier(max_depth=2, n_resamples=0).fit(X, y)
    >>> model.rules().columns.tolist()
    ['rule', 'n_train', 'margin']
    """

    tree_: DecisionTreeClassifier
    paths_: list[TreePaths]

    def __init__(
        self,
        *,
        max_depth: int = 3,
        min_samples_leaf: int = 50,
        monotone_constraints: Mapping[str, int] | None = None,
        n_resamples: int = 30,
        random_state: Any = None,
    ) -> None:
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.monotone_constraints = monotone_constraints
        self.n_resamples = n_resamples
        self.random_state = random_state

    def _check_params(self, layout: Layout) -> None:
        owner = self._owner
        depth = check_int(self.max_depth, "max_depth", owner, minimum=1)
        if depth > 6:
            raise ParameterError("max_depth", owner, "an int in [1, 6] (a shallow tree)", depth)
        check_int(self.min_samples_leaf, "min_samples_leaf", owner, minimum=1)

    def _encode(self, matrix: Float) -> Float:
        columns: list[Float] = []
        for j, levels in enumerate(self.layout_.levels):
            x = matrix[:, j]
            if levels is None:
                columns.append(x)
            else:
                for k in range(len(levels)):
                    columns.append(np.where(np.isnan(x), np.nan, (x == k).astype(np.float64)))
        return np.column_stack(columns)

    def _fit_matrix(self, matrix: Float, y01: Float) -> None:
        column_factor: list[int] = []
        monotone: list[int] = []
        for j, levels in enumerate(self.layout_.levels):
            width = 1 if levels is None else len(levels)
            column_factor += [j] * width
            monotone += [int(self.monotone_[j])] * width
        self._column_factor_ = np.array(column_factor, dtype=np.intp)
        encoded = self._encode(matrix)

        def grow(weights: Float | None) -> DecisionTreeClassifier:
            tree = DecisionTreeClassifier(
                max_depth=self.max_depth,
                min_samples_leaf=self.min_samples_leaf,
                monotonic_cst=monotone,
                random_state=0,
            )
            return tree.fit(encoded, y01, sample_weight=weights)

        self.tree_ = grow(None)
        trees = [self.tree_]
        if self.n_resamples:
            counts = bootstrap_counts(len(y01), self.n_resamples, self.random_state)
            trees += [grow(w) for w in counts]
        self.paths_ = [TreePaths.from_tree(t, self._column_factor_) for t in trees]
        self._train_background_ = self._background(matrix)
        leaf_of_node = {int(node): i for i, node in enumerate(self.paths_[0].leaves)}
        self._leaf_counts_ = np.bincount(
            [leaf_of_node[int(node)] for node in self.tree_.apply(encoded)],
            minlength=len(leaf_of_node),
        )
        self._shape_table_ = self._compute_shape_table(matrix)

    def _margin(self, matrix: Float) -> Float:
        paths = self.paths_[0]
        leaf_of_node = np.zeros(self.tree_.tree_.node_count, dtype=np.intp)
        leaf_of_node[paths.leaves] = np.arange(len(paths.leaves))
        out: Float = paths.margin[leaf_of_node[self.tree_.apply(self._encode(matrix))]]
        return out

    # -- explanation ----------------------------------------------------------

    def _background(self, matrix: Float | None) -> list[list[Float]]:
        if matrix is None:
            out: list[list[Float]] = self._train_background_
            return out
        encoded = self._encode(matrix)
        return [
            background_table(p, p.satisfied(encoded, self._column_factor_)) for p in self.paths_
        ]

    def _attributions(self, matrix: Float, background: Any) -> tuple[Float, Float]:
        encoded = self._encode(matrix)
        n_factors = len(self.layout_.names)
        values = np.empty((len(self.paths_), matrix.shape[0], n_factors))
        base = np.empty(len(self.paths_))
        for m, (paths, q) in enumerate(zip(self.paths_, background, strict=True)):
            satisfied = paths.satisfied(encoded, self._column_factor_)
            values[m], base[m] = tree_shap(paths, paths.margin, satisfied, q, n_factors)
        return values, base

    # -- global shape ---------------------------------------------------------

    def rules(self) -> pd.DataFrame:
        """Return the tree as rules: one row per leaf, with training count and margin.

        Returns
        -------
        pandas.DataFrame
            Columns ``rule`` (the path's tests in words), ``n_train`` and
            ``margin`` (log-odds).
        """
        self._check_fitted()
        paths = self.paths_[0]
        names = self._encoded_names()
        rows = []
        for leaf, path in enumerate(paths.paths):
            tests = []
            for node, left in path:
                name, level = names[paths.feature[node]]
                t = paths.threshold[node]
                if level is not None:
                    test = f"{name} is {'not ' if left else ''}{level!r}"
                else:
                    test = f"{name} <= {t:g}" if left else f"{name} > {t:g}"
                if bool(paths.missing_left[node]) == left:
                    test += " or unknown"
                tests.append(test)
            rows.append(
                {
                    "rule": " and ".join(tests) or "every case",
                    "n_train": int(self._leaf_counts_[leaf]),
                    "margin": float(paths.margin[leaf]),
                }
            )
        return pd.DataFrame(rows)

    def _encoded_names(self) -> list[tuple[str, str | None]]:
        names: list[tuple[str, str | None]] = []
        for name, levels in zip(self.layout_.names, self.layout_.levels, strict=True):
            names += [(name, None)] if levels is None else [(name, lv) for lv in levels]
        return names

    def shape_functions(self) -> pd.DataFrame:
        """Partial dependence of the margin on each factor, per segment.

        A tree is not additive, so a factor's curve is its partial dependence:
        the mean margin over the training cases with the factor set to each
        segment, centred on the training mean. Per-case contributions come
        from :mod:`advisory.explain`. Columns are those of the additive models.

        Returns
        -------
        pandas.DataFrame
            One row per factor and segment: the centred partial dependence.
        """
        self._check_fitted()
        return self._shape_table_.copy()

    def _compute_shape_table(self, matrix: Float) -> pd.DataFrame:
        paths = self.paths_[0]
        q_tables = self._train_background_[0]
        rows: list[dict[str, object]] = []
        for j, (name, levels) in enumerate(
            zip(self.layout_.names, self.layout_.levels, strict=True)
        ):
            columns = np.flatnonzero(self._column_factor_ == j)
            split = np.isin(paths.feature, columns) & (paths.threshold != -2)
            nodes = [n for path in paths.paths for n, _ in path]
            t = (
                np.unique(paths.threshold[[n for n in nodes if split[n]]])
                if levels is None
                else np.empty(0)
            )
            if levels is None:
                known = np.append(t, t[-1] + 1.0) if len(t) else np.zeros(1)
            else:
                known = np.arange(len(levels), dtype=np.float64)
            reps = np.append(known, np.nan)
            probe = np.zeros((len(reps), len(self.layout_.names)))
            probe[:, j] = reps
            satisfied = paths.satisfied(self._encode(probe), self._column_factor_)
            pd_values = np.zeros(len(reps))
            for leaf, (ok, q) in enumerate(zip(satisfied, q_tables, strict=True)):
                players = paths.players[leaf]
                if j in players:
                    k = players.index(j)
                    pd_values += paths.margin[leaf] * ok[:, k] * q[1 << k]
                else:
                    pd_values += paths.margin[leaf] * q[0]
            shape = FactorShape(name, t, levels, pd_values[None, :], np.zeros(0, np.int64))
            counts = np.bincount(shape.segments(matrix[:, j]), minlength=len(reps))
            centre = pd_values @ counts / counts.sum()
            bounds = np.concatenate([[-np.inf], t, [np.inf]])
            for k, label in enumerate(segment_labels(shape)):
                numeric = levels is None and k < len(reps) - 1
                rows.append(
                    {
                        "factor": name,
                        "segment": label,
                        "lower": float(bounds[k]) if numeric else np.nan,
                        "upper": float(bounds[k + 1]) if numeric else np.nan,
                        "level": levels[k] if levels is not None and k < len(levels) else None,
                        "contribution": float(pd_values[k] - centre),
                        "n_train": int(counts[k]),
                    }
                )
        return pd.DataFrame(rows)
