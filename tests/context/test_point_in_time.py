"""Nothing dated on or after a case's reference date influences its context."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pandas.testing as pdt
from hypothesis import given, settings
from hypothesis import strategies as st

from advisory.context import build_context


def _tables(records):
    return {f.name: getattr(records, f.name) for f in dataclasses.fields(records)}


def _case_and_household(records, context, case_id):
    members = context.household.loc[context.household["case_id"] == case_id, "person_id"]
    reference = context.cases.set_index("case_id").loc[case_id, "reference_date"]
    return set(members), reference


def _subset(records, case_ids):
    tables = {
        "people": records.people,
        "memberships": records.memberships,
        "relationships": records.relationships,
        "events": records.events,
        "coverage": records.coverage,
        "cases": records.cases[records.cases["case_id"].isin(case_ids)],
    }
    return tables


def _assert_same(first, second):
    for name in ("factors", "unknown", "provenance", "household", "household_events", "gaps"):
        pdt.assert_frame_equal(getattr(first, name), getattr(second, name), check_dtype=False)


CASES = st.integers(min_value=0, max_value=2_999)


@settings(max_examples=15, deadline=None)
@given(position=CASES, shift=st.integers(min_value=0, max_value=400))
def test_future_events_change_nothing(records, definitions, context, position, shift):
    case_id = records.cases["case_id"].iloc[position]
    members, reference = _case_and_household(records, context, case_id)
    tables = _subset(records, [case_id])
    before = build_context(tables, definitions)

    events = tables["events"]
    future = events["person_id"].isin(members) & (events["date"] >= reference)
    changed = events.copy()
    # move every future event of the household further into the future and change its type
    changed.loc[future, "date"] = changed.loc[future, "date"] + pd.Timedelta(days=shift)
    police = changed["agency"] == "police"
    changed.loc[future & police, "event_type"] = "domestic_abuse_notification"
    extra = pd.DataFrame(
        {
            "event_id": [f"FUTURE{i}" for i in range(len(members))],
            "person_id": sorted(members),
            "agency": "police",
            "event_type": "arrest",
            "date": reference + pd.Timedelta(days=shift),
        }
    )
    tables["events"] = pd.concat([changed, extra], ignore_index=True)
    after = build_context(tables, definitions)
    _assert_same(before, after)


def test_events_just_before_the_reference_date_count(records, definitions, context):
    row = context.cases.iloc[10]
    case_id, child, reference = row["case_id"], row["person_id"], row["reference_date"]
    tables = _subset(records, [case_id])
    before = build_context(tables, definitions).factors.loc[case_id, "child_prior_referrals"]
    extra = pd.DataFrame(
        {
            "event_id": ["EXTRA1", "EXTRA2"],
            "person_id": [child, child],
            "agency": "childrens_social_care",
            "event_type": "referral",
            "date": [reference - pd.Timedelta(days=1), reference],
        }
    )
    tables["events"] = pd.concat([records.events, extra], ignore_index=True)
    after = build_context(tables, definitions).factors.loc[case_id, "child_prior_referrals"]
    if np.isnan(before):
        assert np.isnan(after)
    else:
        assert after == before + 1  # the day before counts; the reference date does not


def test_the_referral_on_the_reference_date_is_not_a_prior_referral(records, context):
    # every case's own referral is dated on its reference date (see the generator)
    provenance = context.provenance[context.provenance["factor"] == "child_prior_referrals"]
    merged = provenance.merge(context.cases[["case_id", "reference_date"]], on="case_id")
    assert (merged["date"] < merged["reference_date"]).all()


def test_provenance_is_always_before_the_reference_date(context):
    merged = context.provenance.merge(context.cases[["case_id", "reference_date"]], on="case_id")
    dated = merged.dropna(subset=["date"])
    assert (dated["date"] < dated["reference_date"]).all()
