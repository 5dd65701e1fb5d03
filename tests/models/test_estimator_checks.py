"""scikit-learn's estimator checks, with each expected failure and its reason."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from advisory.models import AdditiveBoostingClassifier, ScorecardClassifier, ShallowTreeClassifier

# Column checks raise advisory's InputError naming the missing, extra or
# reordered columns in the house wording, rather than scikit-learn's text.
_OWN_WORDING = (
    "advisory names the columns in its own wording (InputError), tested in test_bad_input"
)
EXPECTED: dict[str, str] = {
    "check_dataframe_column_names_consistency": _OWN_WORDING,
}


def expected_failed_checks(estimator):
    return EXPECTED


@parametrize_with_checks(
    [
        ScorecardClassifier(n_resamples=2, random_state=0),
        AdditiveBoostingClassifier(max_iter=10, n_resamples=0),
        ShallowTreeClassifier(min_samples_leaf=1, n_resamples=2, random_state=0),
    ],
    expected_failed_checks=expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
