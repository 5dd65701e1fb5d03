"""Exact SHAP values: additivity, cross-checks against shap, stability."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisory import InputError
from advisory.explain import AdditivityError, Explainer, ExplanationDisplay, explain
from advisory.models import AdditiveBoostingClassifier, ScorecardClassifier, ShallowTreeClassifier


def _shap():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # matplotlib, at shap import
        import shap
    return shap


@pytest.fixture(scope="module")
def models(factors):
    X, y, mono = factors.X, factors.y, factors.monotone
    return {
        "scorecard": ScorecardClassifier(
            monotone_constraints=mono, n_resamples=20, random_state=0
        ).fit(X, y),
        "boosting": AdditiveBoostingClassifier(
            max_iter=60, monotone_constraints=mono, n_resamples=8, random_state=0
        ).fit(X, y),
        "tree": ShallowTreeClassifier(
            monotone_constraints=mono, n_resamples=10, random_state=0
        ).fit(X, y),
    }


@pytest.mark.parametrize("name", ["scorecard", "boosting", "tree"])
def test_additivity_with_training_and_own_background(models, factors, name):
    model = models[name]
    X = factors.X.head(500)
    for background in (None, factors.X.sample(300, random_state=1)):
        expl = explain(model, X, background=background, check_additivity=True)
        total = expl.base_value + expl.values.sum(axis=1)
        np.testing.assert_allclose(total, model.decision_function(X), atol=1e-6)
        assert expl.values.shape == (500, X.shape[1])
    with_bg = explain(model, X, background=X)
    np.testing.assert_allclose(with_bg.base_value, model.decision_function(X).mean(), atol=1e-9)


@given(rows=st.lists(st.integers(0, 3999), min_size=1, max_size=20), bg_seed=st.integers(0, 99))
@settings(max_examples=25, deadline=None)
def test_additivity_property(models, factors, rows, bg_seed):
    X = factors.X.iloc[rows]
    background = factors.X.sample(50, random_state=bg_seed)
    for model in models.values():
        explain(model, X, background=background, check_additivity=True)


def test_scorecard_matches_shap_linear_explainer(models, factors):
    shap = _shap()
    model = models["scorecard"]
    design, column_factor = model._design_matrix(factors.X)
    background = design[:400]
    explainer = shap.LinearExplainer(
        (model.coef_, model.intercept_), shap.maskers.Independent(background, max_samples=400)
    )
    encoded = explainer.shap_values(design[:200])
    per_factor = np.zeros((200, factors.X.shape[1]))
    np.add.at(per_factor.T, np.array(column_factor), encoded.T)
    ours = explain(model, factors.X.head(200), background=factors.X.head(400))
    np.testing.assert_allclose(ours.values, per_factor, atol=1e-9)


def test_boosting_matches_shap_path_dependent_tree_explainer(factors):
    # On numeric factors, path-dependent TreeSHAP of an additive booster is
    # g_j(x_j) minus the training mean of g_j: ours with the training background.
    shap = _shap()
    X = factors.X.drop(columns="household_adults")
    model = AdditiveBoostingClassifier(max_iter=40, n_resamples=0).fit(X, factors.y)
    reference = shap.TreeExplainer(model.booster_, feature_perturbation="tree_path_dependent")
    expected = reference.shap_values(X.head(100).to_numpy())
    ours = explain(model, X.head(100))
    np.testing.assert_allclose(ours.values, expected, atol=1e-6)


@pytest.mark.slow
def test_boosting_matches_shap_exact_on_a_small_subset(models, factors):
    shap = _shap()
    X = factors.X.drop(columns="household_adults")
    model = AdditiveBoostingClassifier(max_iter=30, n_resamples=0).fit(X, factors.y)
    background = X.head(40).to_numpy()
    exact = shap.explainers.Exact(
        lambda a: model.decision_function(pd.DataFrame(a, columns=X.columns)),
        shap.maskers.Independent(background, max_samples=40),
    )
    expected = exact(X.iloc[100:104].to_numpy()).values
    ours = explain(model, X.iloc[100:104], background=X.head(40))
    np.testing.assert_allclose(ours.values, expected, atol=1e-9)


def test_tree_matches_shap_tree_explainer_on_probabilities(factors):
    from advisory.models._tree import TreePaths, background_table, tree_shap

    shap = _shap()
    X = factors.X.drop(columns="household_adults")
    model = ShallowTreeClassifier(max_depth=4, min_samples_leaf=20, n_resamples=0).fit(X, factors.y)
    known = X.dropna()  # see test_shap_tree_explainer_mishandles_unknown_values
    background, cases = known.head(100), known.iloc[300:400]  # shap subsamples > 100 rows
    reference = shap.TreeExplainer(
        model.tree_, data=background.to_numpy(), feature_perturbation="interventional"
    )
    expected = reference.shap_values(cases.to_numpy())[..., 1]
    paths: TreePaths = model.paths_[0]
    tree = model.tree_.tree_
    leaf_proba = tree.value[paths.leaves, 0, 1] / tree.value[paths.leaves, 0].sum(axis=1)
    cf = model._column_factor_
    q = background_table(paths, paths.satisfied(background.to_numpy(), cf))
    ours, _ = tree_shap(paths, leaf_proba, paths.satisfied(cases.to_numpy(), cf), q, X.shape[1])
    np.testing.assert_allclose(ours, expected, atol=1e-6)  # shap works in single precision


@pytest.mark.slow  # over 5 s on a quiet machine; make test runs it
def test_tree_with_a_categorical_matches_shap_exact_per_factor(models, factors):
    # The categorical factor's indicators are one player: compare with shap's
    # exact explainer over the original factors (categories as codes).
    shap = _shap()
    model = models["tree"]
    X = factors.X
    codes = X.assign(
        household_adults=X.household_adults.cat.codes.replace(-1, np.nan).astype(float)
    )
    levels = X.household_adults.cat.categories

    def margin(a):
        frame = pd.DataFrame(a, columns=X.columns)
        frame["household_adults"] = pd.Categorical.from_codes(
            np.nan_to_num(frame.household_adults, nan=-1).astype(int), categories=levels
        )
        return model.decision_function(frame)

    exact = shap.explainers.Exact(
        margin, shap.maskers.Independent(codes.head(30).to_numpy(), max_samples=30)
    )
    expected = exact(codes.iloc[50:53].to_numpy()).values
    ours = explain(model, X.iloc[50:53], background=X.head(30))
    np.testing.assert_allclose(ours.values, expected, atol=1e-9)


def test_runtime_additivity_check_raises_clearly(models, factors):
    expl = explain(models["scorecard"], factors.X.head(5))
    expl._values = expl.values + 0.01
    with pytest.raises(
        AdditivityError, match=r"do not add up to the model's margin: .* up to 0\.0"
    ):
        expl.check_additivity()


@pytest.mark.parametrize("name", ["scorecard", "boosting", "tree"])
def test_check_additivity_compares_with_the_model_itself(models, factors, name, monkeypatch):
    """Built without the flag, an explanation still checks its values against the model."""
    model = models[name]
    X = factors.X.head(5)
    explain(model, X).check_additivity()  # exact: passes
    exact = type(model)._attributions

    def off_by_a_little(self, matrix, background):
        values, base = exact(self, matrix, background)
        values[0, :, 0] += 1e-3  # one factor's attribution, in the main model only
        return values, base

    monkeypatch.setattr(type(model), "_attributions", off_by_a_little)
    expl = explain(model, X)
    with pytest.raises(AdditivityError, match=r"differs from decision_function by up to 0\.001"):
        expl.check_additivity()


def test_stability_intervals_bracket_and_flag(models, factors):
    expl = explain(models["scorecard"], factors.X.head(300))
    assert expl.has_stability
    assert np.all(expl.lower <= expl.upper)
    reliable = expl.reliable
    assert reliable.shape == expl.values.shape
    flagged = pd.DataFrame(reliable, columns=expl.factor_names).mean()
    assert flagged["prior_referrals"] > 0.5
    assert flagged[factors.noise].max() < 0.05


def test_no_refits_means_a_clear_error_for_intervals(small_factors):
    model = ScorecardClassifier(n_resamples=0).fit(small_factors.X, small_factors.y)
    expl = explain(model, small_factors.X.head(3))
    assert not expl.has_stability
    with pytest.raises(InputError, match=r"fitted with n_resamples=0.*Refit it with n_resamples"):
        _ = expl.lower


def test_explaining_one_case_does_not_refit(models, factors, monkeypatch):
    model = models["boosting"]
    explainer = Explainer(model)

    def forbidden(*args, **kwargs):
        raise AssertionError("refit while explaining")

    monkeypatch.setattr(type(model), "fit", forbidden)
    monkeypatch.setattr(type(model.booster_), "fit", forbidden)
    expl = explainer.explain(factors.X.iloc[[7]])
    assert expl.lower.shape == (1, factors.X.shape[1])


def test_global_importance_puts_planted_factors_first(models, factors):
    for name in ("scorecard", "boosting"):
        importance = explain(models[name], factors.X).importance()
        top = set(importance.index[: len(factors.informative)])
        assert len(top & set(factors.informative)) / len(factors.informative) >= 0.9 - 1e-9, name


def test_to_shap_interoperates(models, factors):
    shap = _shap()
    expl = explain(models["scorecard"], factors.X.head(10))
    converted = expl.to_shap()
    assert isinstance(converted, shap.Explanation)
    np.testing.assert_allclose(converted.values, expl.values)
    assert list(converted.feature_names) == expl.factor_names
    assert converted.display_data[0, -1] in {
        "one adult",
        "two adults",
        "three or more adults",
    } or pd.isna(converted.display_data[0, -1])


def test_display_plots_a_case_and_global_importance(models, factors):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    expl = explain(models["scorecard"], factors.X.head(20))
    display = ExplanationDisplay.from_explanation(expl, case=3, max_factors=4).plot()
    assert len(display.names) == 4
    assert display.ax_.get_title().startswith("SHAP values of case case00003")
    overall = ExplanationDisplay.from_explanation(expl).plot(ax=display.ax_)
    assert overall.names[0] == expl.importance().index[0]
    plt.close("all")


def test_explain_rejects_foreign_models_and_bad_confidence(models, factors):
    from sklearn.linear_model import LogisticRegression

    from advisory import ParameterError

    with pytest.raises(
        ParameterError, match=r"'model' parameter of Explainer must be a fitted model"
    ):
        explain(LogisticRegression(), factors.X)
    with pytest.raises(ParameterError, match=r"'confidence' parameter of Explainer"):
        explain(models["tree"], factors.X, confidence=1.0)


def test_importing_models_and_explain_loads_neither_shap_nor_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, advisory.models, advisory.explain; "
        "print(','.join(m for m in ('shap', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
