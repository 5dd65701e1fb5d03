"""The scorecard's penalty: chosen by cross-validation, removing unsupported factors."""

from __future__ import annotations

import numpy as np
import pytest

from advisory import ParameterError
from advisory.models import ScorecardClassifier
from advisory.models._scorecard import _fit_penalised, _Problem, _prox


def _largest_contribution(model: ScorecardClassifier) -> dict[str, float]:
    shape = model.shape_functions()
    largest = shape.contribution.abs().groupby(shape.factor).max()
    return {str(factor): float(value) for factor, value in largest.items()}


@pytest.fixture(scope="module")
def one_se(factors):
    return ScorecardClassifier(
        monotone_constraints=factors.monotone, n_resamples=0, random_state=0
    ).fit(factors.X, factors.y)


def test_penalty_is_chosen_by_cross_validation(one_se):
    assert one_se.cv_log_loss_.shape == (len(one_se.alphas_), 5)
    assert one_se.alpha_ in one_se.alphas_
    assert np.all(np.diff(one_se.alphas_) < 0)  # walked from the largest down
    losses = one_se.cv_log_loss_.mean(axis=1)
    best = losses.argmin()
    error = one_se.cv_log_loss_[best].std(ddof=1) / np.sqrt(5)
    chosen = int(np.flatnonzero(one_se.alphas_ == one_se.alpha_)[0])
    assert chosen <= best and losses[chosen] <= losses[best] + error


def test_one_standard_error_rule_penalises_at_least_as_much_as_the_minimum(one_se, factors):
    best = ScorecardClassifier(
        monotone_constraints=factors.monotone, n_resamples=0, random_state=0, cv_rule="min"
    ).fit(factors.X, factors.y)
    assert one_se.alpha_ >= best.alpha_
    assert best.alpha_ == best.alphas_[best.cv_log_loss_.mean(axis=1).argmin()]


def test_noise_factors_contribute_less_than_every_informative_factor(one_se, factors):
    largest = _largest_contribution(one_se)
    noise = max(largest[f] for f in factors.noise)
    assert noise < min(largest[f] for f in factors.informative), largest
    assert min(largest[f] for f in factors.noise) == 0.0, largest  # removed exactly


def test_pure_ridge_removes_no_factor(factors):
    model = ScorecardClassifier(selection_ratio=0.0, n_resamples=0, random_state=0)
    largest = _largest_contribution(model.fit(factors.X, factors.y))
    assert all(value > 0 for value in largest.values()), largest


def test_one_penalty_given_skips_cross_validation(small_factors):
    model = ScorecardClassifier(alphas=[0.01], n_resamples=0).fit(small_factors.X, small_factors.y)
    assert model.alpha_ == 0.01
    assert model.cv_log_loss_.shape == (1, 0)


def test_a_single_case_of_a_class_gives_the_model_of_the_prior(small_factors):
    y = np.zeros(len(small_factors.y), dtype=int)
    y[0] = 1
    model = ScorecardClassifier(n_resamples=0).fit(small_factors.X, y)
    assert model.cv_log_loss_.shape == (1, 0)
    assert np.ptp(model.decision_function(small_factors.X)) < 1e-9


def test_refits_share_the_chosen_penalty_and_differ(small_factors):
    model = ScorecardClassifier(n_resamples=4, random_state=0).fit(small_factors.X, small_factors.y)
    assert model.shapes_.n_models == 5
    assert np.ptp(model.shapes_.intercept) > 0


def test_solver_reaches_the_optimum():
    # Proximal fixed point: theta = prox(theta - t * gradient) for any t > 0
    # exactly at the minimiser of the penalised, sign-constrained problem.
    rng = np.random.default_rng(0)
    n = 3_000
    design = np.column_stack([np.ones(n), (rng.random((n, 7)) < 0.3).astype(float)])
    y = (rng.random(n) < 1 / (1 + np.exp(1.5 - design[:, 1] - 0.5 * design[:, 2]))).astype(float)
    groups = (np.array([1, 2]), np.array([3, 4, 5]), np.array([6, 7]))
    problem = _Problem(
        design=design,
        y=y,
        groups=groups,
        starts=np.array([0, 2, 5]),
        scale=np.sqrt([2.0, 3.0, 2.0]),
        lower=np.array([-np.inf, 0.0, 0.0, -np.inf, -np.inf, -np.inf, -np.inf, -np.inf]),
        upper=np.full(8, np.inf),
        ratio=0.5,
    )
    weights = np.vstack([np.full(n, 1 / n), rng.multinomial(n, np.full(n, 1 / n)) / n])
    alpha = np.array([0.02, 0.02])
    theta = _fit_penalised(problem, weights, alpha, np.zeros((2, 8)))
    ridge, lam = problem.penalties(alpha)
    p = 1 / (1 + np.exp(-theta @ design.T))
    gradient = ((p - y) * weights) @ design + ridge * theta
    t = 1.0
    threshold = t * lam[:, None] * problem.scale[None, :]
    np.testing.assert_allclose(_prox(problem, theta - t * gradient, threshold), theta, atol=1e-6)
    assert np.all(theta[:, 1:3] >= 0)
    assert np.all(theta[:, 6:] == 0.0)  # the group without signal is removed
    assert np.all(theta[:, 1] > 0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alphas": 1}, r"'alphas' parameter of ScorecardClassifier must be an int >= 2"),
        ({"alphas": []}, r"'alphas' .* non-empty sequence of finite numbers > 0; got \[\]"),
        ({"alphas": [0.1, -1.0]}, r"'alphas' .* finite numbers > 0"),
        ({"alphas": "many"}, r"'alphas' .* finite numbers > 0; got 'many'"),
        ({"selection_ratio": 1.5}, r"'selection_ratio' .* a number in \[0, 1\]; got 1.5"),
        ({"cv": 1}, r"'cv' parameter of ScorecardClassifier must be an int >= 2; got 1"),
        ({"cv_rule": "max"}, r"'cv_rule' .* one of \['min', 'one_se'\]; got 'max'"),
    ],
)
def test_bad_penalty_parameters(small_factors, params, message):
    with pytest.raises(ParameterError, match=message):
        ScorecardClassifier(**params).fit(small_factors.X, small_factors.y)
