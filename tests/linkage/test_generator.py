"""make_agency_extracts: agency tables, planted errors at their rates, the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisory import ParameterError
from advisory.datasets import EXTRACT_ERROR_RATES, AgencyExtracts, make_agency_extracts

PEOPLE = ["agency_person_id", "first_name", "last_name", "birth_date", "sex", "postcode"]


def test_deterministic_under_a_seed() -> None:
    a = make_agency_extracts(n_cases=80, seed=3)
    b = make_agency_extracts(n_cases=80, seed=3)
    c = make_agency_extracts(n_cases=80, seed=4)
    for agency in a.people:
        pd.testing.assert_frame_equal(a.people[agency], b.people[agency])
        pd.testing.assert_frame_equal(a.events[agency], b.events[agency])
    pd.testing.assert_frame_equal(a.truth.links, b.truth.links)
    assert not a.people["police"].equals(c.people["police"])


def test_tables_keyed_by_each_agencys_own_ids(extracts: AgencyExtracts) -> None:
    prefixes = set()
    for agency, people in extracts.people.items():
        assert list(people.columns[:6]) == PEOPLE
        assert people["agency_person_id"].is_unique
        assert ("nhs_number" in people.columns) == (agency in ("health", "childrens_social_care"))
        assert extracts.events[agency]["agency_person_id"].isin(people["agency_person_id"]).all()
        prefixes |= set(people["agency_person_id"].str[:2])
    assert len(prefixes) == len(extracts.people)  # no id is shared across agencies
    case_ids = extracts.people["childrens_social_care"]["agency_person_id"]
    for name in ("memberships", "cases", "coverage"):
        assert getattr(extracts, name)["person_id"].isin(case_ids).all()
    assert extracts.relationships["other_id"].isin(case_ids).all()


def test_truth_links_every_record_to_its_person(extracts: AgencyExtracts) -> None:
    links = extracts.truth.links
    assert len(links) == extracts.n_records
    assert not links.duplicated(["agency", "agency_person_id"]).any()
    household = set(extracts.truth.records.people["person_id"])
    inside = links["person_id"].isin(household)
    assert (links.loc[~inside, "person_id"].str[0] == "X").all()
    assert (links.loc[~inside, "errors"].str.contains("outsider")).all()
    # every household member is in the case agency exactly once
    case = links[links["agency"] == "childrens_social_care"]
    assert case["person_id"].is_unique and set(case["person_id"]) == household


def test_events_are_the_true_records_events(extracts: AgencyExtracts) -> None:
    truth = extracts.truth.records.events.set_index("event_id")
    links = extracts.truth.links.set_index(["agency", "agency_person_id"])
    for agency, events in extracts.events.items():
        mine = events[events["event_id"].isin(truth.index)]
        keys = pd.MultiIndex.from_arrays([[agency] * len(mine), mine["agency_person_id"]])
        holders = links["person_id"].reindex(keys)
        assert (holders.to_numpy() == truth.loc[mine["event_id"], "person_id"].to_numpy()).all()


def test_planted_error_rates_match_the_documented_rates() -> None:
    data = make_agency_extracts(n_cases=3_000, seed=1)
    links = data.truth.links
    other = links[
        (links["agency"] != "childrens_social_care") & ~links["errors"].str.contains("outsider")
    ]
    for name in ("first_name_typo", "last_name_typo", "moved", "postcode_missing", "sex_missing"):
        share = other["errors"].str.contains(name).mean()
        rate = EXTRACT_ERROR_RATES[name]
        # "moved" is three times as common for one small group
        assert rate * 0.8 < share < rate * 1.25, (name, share, rate)
    # day and month can be swapped only when the day is 12 or less (and not the month)
    swapped = other["errors"].str.contains("birth_day_month_swap").mean()
    eligible = 12 / 30.4 * (11 / 12)
    rate = EXTRACT_ERROR_RATES["birth_day_month_swap"]
    assert rate * eligible * 0.7 < swapped < rate * eligible * 1.3
    assert data.truth.error_rates == EXTRACT_ERROR_RATES


def test_name_swaps_are_more_common_where_naming_conventions_differ() -> None:
    links = make_agency_extracts(n_cases=4_000, seed=2).truth.links
    swap = links["errors"].str.contains("name_swap")
    by_group = swap.groupby(links["ethnicity"], observed=True).mean()
    assert by_group["Asian"] > 2 * by_group["White British"]


def test_clean_extracts_have_no_planted_errors() -> None:
    data = make_agency_extracts(n_cases=60, seed=0, error_scale=0)
    links = data.truth.links
    assert (links["errors"] == "").all()
    by_person: dict[str, set[tuple[object, object, object]]] = {}
    for agency, people in data.people.items():
        people = people.merge(links[links["agency"] == agency], on="agency_person_id")
        for row in people.itertuples():
            key = (row.first_name, row.last_name, row.birth_date)
            by_person.setdefault(str(row.person_id), set()).add(key)
    assert all(len(keys) == 1 for keys in by_person.values())


def test_nhs_numbers_have_valid_check_digits(extracts: AgencyExtracts) -> None:
    health = extracts.people["health"].merge(
        extracts.truth.links[extracts.truth.links["agency"] == "health"], on="agency_person_id"
    )
    clean = health[health["nhs_number"].notna() & ~health["errors"].str.contains("nhs_number")]
    digits = np.array([[int(c) for c in s] for s in clean["nhs_number"]])
    check = (11 - digits[:, :9] @ np.arange(10, 1, -1) % 11) % 11
    assert (check == digits[:, 9]).all()


def test_twins_share_a_birth_date_and_a_household(extracts: AgencyExtracts) -> None:
    truth = make_agency_extracts(n_cases=2_000, seed=5).truth
    twins = truth.links.loc[truth.links["errors"].str.contains("twins"), "person_id"].unique()
    assert len(twins) > 0
    people = truth.records.people.set_index("person_id")
    households = truth.records.memberships.drop_duplicates("person_id").set_index("person_id")
    for twin in twins[:20]:
        house = households.loc[twin, "household_id"]
        others = households.index[households["household_id"] == house]
        births = people.loc[others, "birth_date"]
        assert (births == people.loc[twin, "birth_date"]).sum() >= 2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_cases": 0}, "'n_cases' parameter"),
        ({"error_scale": -1.0}, "'error_scale' parameter"),
        ({"error_rates": {"typo": 0.1}}, "'error_rates' parameter"),
        ({"error_rates": {"moved": 1.5}}, "error_rates\\['moved'\\]"),
        ({"agencies": ("police", "fire")}, "'agencies' parameter"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        make_agency_extracts(**kwargs)  # type: ignore[arg-type]


def test_true_records_and_case_agency_tables_pass_the_records_check(
    extracts: AgencyExtracts,
) -> None:
    from advisory.context import check_records
    from advisory.definitions import load_definitions, reference_root

    catalogue = load_definitions(reference_root()).catalogue
    check_records(extracts.truth.records, catalogue)  # twins included
