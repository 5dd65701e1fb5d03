"""Invalid generator arguments fail with the house wording."""

from __future__ import annotations

import pytest

from advisory import ParameterError
from advisory.datasets import make_multiagency


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_cases": -5}, r"'n_cases' parameter of make_multiagency must be an int >= 1; got -5"),
        ({"n_cases": 2.5}, r"'n_cases' .* must be an int >= 1; got 2.5"),
        ({"seed": -1}, r"'seed' .* must be an int >= 0; got -1"),
        ({"gp_unregistered_rate": 1.2}, r"'gp_unregistered_rate' .* in \[0, 1\]; got 1.2"),
        ({"unmatched_partner_rate": -0.1}, r"'unmatched_partner_rate' .* \[0, 1\]; got -0.1"),
        ({"repeat_referral_rate": 0.9}, r"'repeat_referral_rate' .* \[0, 0.5\]; got 0.9"),
        ({"agencies": ["police", "polce"]}, r"'agencies' .* agency names .*; got \['polce'\]"),
        ({"agencies": "police"}, r"'agencies' .* a sequence of agency names"),
        ({"biased_agencies": ["probation"]}, r"'biased_agencies' .*; got \['probation'\]"),
        ({"recording_bias": 0}, r"'recording_bias' .* a finite number > 0; got 0"),
        ({"label_bias": 3.0}, r"'label_bias' .* in \(0, 1.818\]; got 3.0"),
        ({"bias_group": "Martian"}, r"'bias_group' .* one of \[.*\]; got 'Martian'"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        make_multiagency(**kwargs)


def test_parameter_errors_are_value_errors():
    with pytest.raises(ValueError):
        make_multiagency(n_cases=0)
