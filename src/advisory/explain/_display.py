"""Plot of an explanation: one case's attributions, or global importance."""

from __future__ import annotations

from typing import Any, Self

import numpy as np

from advisory._checks import check_int
from advisory._errors import ParameterError
from advisory._optional import import_optional
from advisory.explain._explanation import Explanation

__all__ = ["ExplanationDisplay"]


class ExplanationDisplay:
    """Horizontal bars of attributions (log-odds), for data scientists.

    Build it with :meth:`from_explanation`, draw it with :meth:`plot`.
    matplotlib is imported only when plotting.

    Parameters
    ----------
    names : list of str
        Factor names, in drawing order (top first).
    values : list of float
        Bar lengths.
    lower, upper : list of float or None
        Interval ends drawn as error bars, when available.
    title : str
        The plot's title.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.models import ScorecardClassifier
    >>> from advisory.explain import explain
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.poisson(1.0, 300).astype(float), "b": rng.normal(size=300)})
    >>> y = (rng.random(300) < 1 / (1 + np.exp(1 - X["a"]))).astype(int)
    >>> model = ScorecardClassifier(n_resamples=5, random_state=0).fit(X, y)
    >>> display = ExplanationDisplay.from_explanation(explain(model, X), case=0)
    >>> display.names
    ['a', 'b']
    """

    def __init__(
        self,
        *,
        names: list[str],
        values: list[float],
        lower: list[float] | None,
        upper: list[float] | None,
        title: str,
    ) -> None:
        self.names = names
        self.values = values
        self.lower = lower
        self.upper = upper
        self.title = title

    @classmethod
    def from_explanation(
        cls, explanation: Explanation, *, case: int | None = None, max_factors: int = 10
    ) -> Self:
        """Prepare the plot of one case (``case=i``) or of global importance (``None``).

        Parameters
        ----------
        explanation : Explanation
            The explained cases.
        case : int or None, default=None
            Position of the case; ``None`` plots mean absolute attributions.
        max_factors : int, default=10
            Most factors drawn, largest first.

        Returns
        -------
        ExplanationDisplay
            The display, drawn.
        """
        owner = "ExplanationDisplay.from_explanation"
        check_int(max_factors, "max_factors", owner, minimum=1)
        names = explanation.factor_names
        if case is None:
            importance = explanation.importance().head(max_factors)
            return cls(
                names=[str(n) for n in importance.index],
                values=importance.tolist(),
                lower=None,
                upper=None,
                title="Mean |SHAP value| (log-odds)",
            )
        if isinstance(case, bool) or not isinstance(case, int) or not 0 <= case < len(explanation):
            raise ParameterError("case", owner, f"None or an int in [0, {len(explanation)})", case)
        row = explanation.values[case]
        order = np.argsort(-np.abs(row), kind="stable")[:max_factors]
        lower = upper = None
        if explanation.has_stability:
            lower = explanation.lower[case, order].tolist()
            upper = explanation.upper[case, order].tolist()
        return cls(
            names=[names[i] for i in order],
            values=row[order].tolist(),
            lower=lower,
            upper=upper,
            title=f"SHAP values of case {explanation.data.index[case]!s} (log-odds)",
        )

    def plot(self, ax: Any = None) -> Self:
        """Draw the bars on ``ax`` (a new figure when ``None``).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when not given.

        Returns
        -------
        ExplanationDisplay
            This display, with ``ax_`` and ``figure_`` set.
        """
        plt = import_optional("matplotlib.pyplot", "explain", "Plotting explanations")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.4 * len(self.names) + 1))
        positions = np.arange(len(self.names))[::-1]
        error = None
        if self.lower is not None and self.upper is not None:
            values = np.asarray(self.values)
            error = np.vstack(
                [
                    np.maximum(values - np.asarray(self.lower), 0),
                    np.maximum(np.asarray(self.upper) - values, 0),
                ]
            )
        ax.barh(positions, self.values, xerr=error, color="0.45", ecolor="0.1", capsize=3)
        ax.set_yticks(positions, self.names)
        ax.axvline(0.0, color="0.2", linewidth=0.8)
        ax.set_title(self.title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self
