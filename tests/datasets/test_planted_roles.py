"""Planted roles of the reference factors, read from the generator's truth."""

from __future__ import annotations

import pytest

from advisory import InputError
from advisory.datasets import make_multiagency, planted_factor_roles
from advisory.definitions import load_definitions, reference_root


@pytest.fixture(scope="module")
def roles():
    spec = load_definitions(reference_root()).spec
    return planted_factor_roles(spec, make_multiagency(60, seed=1).truth)


def test_noise_factors_and_who_mapping(roles):
    noise = {f for f, r in roles.items() if r == "noise"}
    assert noise == {
        "household_police_community_contacts",  # who=household counts adult rows too
        "child_dental_visits",
        "child_school_moves",
        "household_repairs_requests",  # household adults -> adult rows
    }
    assert roles["adult_domestic_abuse_notifications"] == "informative"  # adult rows only
    assert roles["household_early_help"] == "informative"  # household -> child row
    assert roles["child_age"] == "informative"  # the harm model's child_under_2 term
    assert {roles[f] for f in ("household_adults", "adults_joined_household")} == {"unplanted"}
    assert list(roles) == [f.name for f in load_definitions(reference_root()).spec.factors]


def test_a_rate_table_without_roles_is_named():
    data = make_multiagency(60, seed=1)
    truth = data.truth.__class__(
        **{**data.truth.__dict__, "event_rates": data.truth.event_rates.drop(columns="role")}
    )
    with pytest.raises(InputError, match=r"event_rates .* has no column 'role'"):
        planted_factor_roles(load_definitions(reference_root()).spec, truth)
