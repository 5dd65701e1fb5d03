"""Exact SHAP explanations of transparent models, with stability intervals.

:func:`explain` returns an :class:`Explanation`: per case and per original
factor, the SHAP value in the model's margin (log-odds) space, exact for
every family of :mod:`advisory.models`, so ``base_value + values.sum(axis=1)``
equals the margin (checked on request). Values of encoded columns (bins,
levels, unknown) are already summed back to their factor.

How the values are computed, and where ``shap`` is and is not used:

- additive models (scorecard, additive boosting): ``phi_j = g_j(x_j) -
  mean_background g_j`` from the model's shape tables — the exact
  interventional value. ``shap.LinearExplainer`` on the scorecard's encoded
  columns agrees; ``shap``'s interventional ``TreeExplainer`` does not on
  HistGradientBoosting (it breaks additivity in shap 0.51), so it is not used;
- the shallow tree: exact interventional values over the original factors
  from the tree's paths (a categorical factor's indicators are one player),
  cross-checked against ``shap.TreeExplainer`` and ``shap``'s exact explainer.

Stability: when the model kept bootstrap refits (``n_resamples``), each value
gets an interval over the refits, and :attr:`Explanation.reliable` says which
are reliably away from zero. Nothing is refitted when explaining.

:meth:`Explanation.to_shap` gives a ``shap.Explanation`` for shap's plots;
:class:`ExplanationDisplay` draws one case or global importance.
"""

from __future__ import annotations

from advisory.explain._display import ExplanationDisplay
from advisory.explain._explanation import AdditivityError, Explainer, Explanation, explain

__all__ = ["AdditivityError", "Explainer", "Explanation", "ExplanationDisplay", "explain"]
