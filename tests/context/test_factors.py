"""Factor values agree with the records and their provenance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_one_row_per_case_and_one_column_per_factor(records, definitions, context):
    assert list(context.factors.index) == list(records.cases["case_id"])
    assert tuple(context.factors.columns) == definitions.spec.factor_names


def test_event_counts_equal_their_provenance(definitions, context):
    provenance = context.provenance
    for factor in definitions.spec.factors:
        if factor.kind != "events" or factor.aggregation != "count":
            continue
        values = context.factors[factor.name].dropna()
        counted = (
            provenance[provenance["factor"] == factor.name]
            .groupby("case_id")
            .size()
            .reindex(values.index, fill_value=0)
        )
        assert (values == counted).all(), factor.name


def test_provenance_matches_the_event_records(records, definitions, context):
    events = records.events.set_index("event_id")
    provenance = context.provenance.dropna(subset=["event_id"])
    joined = events.loc[provenance["event_id"]]
    assert (joined["person_id"].to_numpy() == provenance["person_id"].to_numpy()).all()
    assert (joined["agency"].astype(str).to_numpy() == provenance["agency"].to_numpy()).all()
    assert (joined["date"].to_numpy() == provenance["date"].to_numpy()).all()
    for factor in definitions.spec.factors:
        if factor.kind == "events":
            types = provenance.loc[provenance["factor"] == factor.name, "event_type"]
            assert set(types) <= set(factor.event_types), factor.name


def test_counted_people_are_in_the_household_on_the_reference_date(context):
    provenance = context.provenance.dropna(subset=["event_id"])
    pairs = provenance[["case_id", "person_id"]].drop_duplicates()
    members = context.household[["case_id", "person_id"]]
    assert len(pairs.merge(members)) == len(pairs)


def test_windows_are_respected(definitions, context):
    merged = context.provenance.merge(context.cases[["case_id", "reference_date"]], on="case_id")
    for factor in definitions.spec.factors:
        if factor.kind != "events" or factor.ever:
            continue
        rows = merged[merged["factor"] == factor.name]
        age = (rows["reference_date"] - rows["date"]).dt.days
        assert (age <= factor.window_days).all(), factor.name


def test_any_and_people_aggregations(definitions, context):
    for factor in definitions.spec.factors:
        values = context.factors[factor.name].dropna()
        if factor.aggregation == "any":
            assert set(values.unique()) <= {0.0, 1.0}
        if factor.aggregation == "people":
            rows = context.provenance[context.provenance["factor"] == factor.name]
            people = rows.groupby("case_id")["person_id"].nunique()
            assert (values == people.reindex(values.index, fill_value=0)).all()


def test_child_age_matches_birth_date(records, context):
    people = records.people.set_index("person_id")
    birth = people.loc[context.cases["person_id"], "birth_date"].to_numpy()
    days = (context.cases["reference_date"].to_numpy() - birth) / np.timedelta64(1, "D")
    expected = np.floor(days / 365.25)
    assert np.array_equal(context.factors["child_age"].to_numpy(), expected)


def test_household_composition_counts_adults(context):
    adults = (
        context.household[context.household["adult_or_child"] == "adult"]
        .groupby("case_id")
        .size()
        .reindex(context.factors.index, fill_value=0)
    )
    levels = context.factors["household_adults"]
    assert isinstance(levels.dtype, pd.CategoricalDtype)
    expected = np.minimum(adults, 3).map(
        {1: "one adult", 2: "two adults", 3: "three or more adults"}
    )
    known = levels.notna()
    assert (levels[known].astype(str) == expected[known]).all()
    assert levels[~known].index.isin(adults[adults == 0].index).all()


def test_partners_joining_are_counted(records, context):
    joined = context.provenance[context.provenance["factor"] == "adults_joined_household"]
    assert len(joined) > 0
    assert set(joined["relationship"]) <= {"partner_of_parent", "parent", "grandparent"}
    merged = joined.merge(context.cases[["case_id", "reference_date"]], on="case_id")
    assert ((merged["reference_date"] - merged["date"]).dt.days.between(1, 365)).all()


@pytest.mark.parametrize("column", ["adult_domestic_abuse_notifications", "child_prior_referrals"])
def test_unknown_is_never_zero(context, column):
    unknown = context.unknown[context.unknown["factor"] == column]["case_id"]
    assert context.factors.loc[unknown, column].isna().all()
    known = context.factors[column].notna()
    assert set(context.factors.index[~known]) == set(unknown)
