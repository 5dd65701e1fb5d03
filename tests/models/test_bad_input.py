"""Bad input gives a clear error naming the column or parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisory import InputError, ParameterError
from advisory.models import (
    AdditiveBoostingClassifier,
    NotFittedError,
    ScorecardClassifier,
    ShallowTreeClassifier,
)

MODELS = [
    lambda: ScorecardClassifier(n_resamples=0),
    lambda: AdditiveBoostingClassifier(max_iter=5, n_resamples=0),
    lambda: ShallowTreeClassifier(n_resamples=0),
]


@pytest.fixture(params=range(3), ids=["scorecard", "boosting", "tree"])
def make(request):
    return MODELS[request.param]


@pytest.fixture(scope="module")
def fitted_models(small_factors):
    return [m().fit(small_factors.X, small_factors.y) for m in MODELS]


def test_unfitted_model_says_to_call_fit(make, small_factors):
    with pytest.raises(NotFittedError, match=r"is not fitted yet\. Call 'fit'"):
        make().decision_function(small_factors.X)


@pytest.mark.parametrize("i", range(3))
def test_missing_extra_and_reordered_columns_are_named(fitted_models, small_factors, i):
    model = fitted_models[i]
    X = small_factors.X
    with pytest.raises(InputError, match=r"has no column 'early_help'"):
        model.decision_function(X.drop(columns="early_help"))
    with pytest.raises(InputError, match=r"columns the model was not fitted on: 'extra'"):
        model.decision_function(X.assign(extra=1.0))
    with pytest.raises(InputError, match=r"different order: expected 'prior_referrals'"):
        model.decision_function(X[X.columns[::-1]])


@pytest.mark.parametrize("i", range(3))
def test_wrong_dtypes_and_unseen_categories(fitted_models, small_factors, i):
    model = fitted_models[i]
    X = small_factors.X.head(5)
    with pytest.raises(
        InputError, match=r"Column 'dental_visits' .* must be numeric .* got dtype (str|object)"
    ):
        model.decision_function(X.assign(dental_visits=["a"] * 5))
    with pytest.raises(
        InputError, match=r"Column 'household_adults' .* must be a pandas Categorical"
    ):
        model.decision_function(X.assign(household_adults=1.0))
    bad = X.assign(household_adults=pd.Categorical(["no adults"] * 5))
    with pytest.raises(InputError, match=r"categories unseen at fit time: 'no adults'"):
        model.decision_function(bad)
    with pytest.raises(InputError, match=r"'early_help' .* infinite values; use NaN"):
        model.decision_function(X.assign(early_help=np.inf))


def test_all_nan_column_single_class_and_lengths(make, small_factors):
    X, y = small_factors.X, small_factors.y
    with pytest.raises(InputError, match=r"Column 'early_help' .* entirely unknown"):
        make().fit(X.assign(early_help=np.nan), y)
    with pytest.raises(InputError, match=r"must have two classes; got only one class"):
        make().fit(X, np.zeros(len(X), dtype=int))
    with pytest.raises(InputError, match=r"y passed to .* has 10 values but X has 600 rows"):
        make().fit(X, y[:10])


def test_parameters_are_checked_in_fit(small_factors):
    X, y = small_factors.X, small_factors.y
    with pytest.raises(ParameterError, match=r"The 'max_bins' parameter of ScorecardClassifier"):
        ScorecardClassifier(max_bins=1).fit(X, y)
    with pytest.raises(ParameterError, match=r"'monotone_constraints' .* keys are columns of X"):
        ScorecardClassifier(monotone_constraints={"nope": 1}).fit(X, y)
    with pytest.raises(ParameterError, match=r"0 for the categorical column 'household_adults'"):
        ShallowTreeClassifier(monotone_constraints={"household_adults": 1}).fit(X, y)
    with pytest.raises(ParameterError, match=r"'max_depth' parameter .* shallow tree"):
        ShallowTreeClassifier(max_depth=9).fit(X, y)
    with pytest.raises(ParameterError, match=r"'n_resamples' .* 0 \(no intervals\) or an int >= 2"):
        AdditiveBoostingClassifier(n_resamples=1).fit(X, y)
