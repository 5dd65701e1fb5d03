"""Data gaps match the gaps the generator planted, and unknown is never zero."""

from __future__ import annotations

import pandas as pd


def _gaps_of(context, kind, agency):
    gaps = context.gaps
    return gaps[(gaps["kind"] == kind) & (gaps["agency"] == agency)]


def test_unmatched_partners_are_reported(records, context):
    planted = set(records.truth.gaps.query("kind == 'unmatched'")["person_id"])
    members = context.household.merge(context.cases[["case_id"]], on="case_id")
    expected = members[members["person_id"].isin(planted)][["case_id", "person_id"]]
    reported = _gaps_of(context, "unmatched", "police")[["case_id", "person_id"]]
    assert len(expected) > 0
    assert set(map(tuple, expected.to_numpy())) == set(map(tuple, reported.to_numpy()))
    assert (_gaps_of(context, "unmatched", "police")["relationship"] == "partner_of_parent").all()


def test_unmatched_partner_makes_police_factors_unknown(context):
    cases = set(_gaps_of(context, "unmatched", "police")["case_id"])
    values = context.factors.loc[sorted(cases), "adult_domestic_abuse_notifications"]
    assert values.isna().all()
    reasons = context.unknown[
        (context.unknown["factor"] == "adult_domestic_abuse_notifications")
        & context.unknown["case_id"].isin(cases)
    ]["reason"]
    assert reasons.str.contains("could not be matched").all()


def test_no_gp_registration_is_reported_for_the_child(records, context):
    planted = set(records.truth.gaps.query("kind == 'no_gp_registration'")["person_id"])
    children = context.cases[context.cases["person_id"].isin(planted)]
    assert len(children) > 0
    reported = _gaps_of(context, "unavailable", "health")
    child_gaps = reported.merge(children[["case_id", "person_id"]])
    assert set(child_gaps["case_id"]) == set(children["case_id"])
    assert child_gaps["reason"].str.contains("GP").all()
    assert context.factors.loc[children["case_id"], "child_missed_health_appointments"].isna().all()


def test_police_outage_is_reported_only_where_windows_overlap_it(records, context):
    outage = records.truth.gaps.query("kind == 'area_outage'").iloc[0]
    people = records.people.set_index("person_id")
    area = people.loc[context.cases["person_id"], "area"].to_numpy()
    birth = people.loc[context.cases["person_id"], "birth_date"].to_numpy()
    reference = context.cases["reference_date"]
    window_start = (reference - pd.Timedelta(days=365)).clip(lower=pd.Series(birth))
    overlaps = (
        (area == outage["area"])
        & (reference > outage["start_date"])
        & (window_start <= outage["end_date"])
    )
    reported = _gaps_of(context, "unavailable", "police")
    child_rows = reported[reported["relationship"] == "the child"]
    assert set(child_rows["case_id"]) == set(context.cases.loc[overlaps, "case_id"])
    assert (child_rows["start_date"] >= outage["start_date"]).all()
    assert (child_rows["end_date"] <= outage["end_date"]).all()
    missing = context.factors.loc[
        context.cases.loc[overlaps, "case_id"], "child_missing_person_reports"
    ]
    assert missing.isna().all()


def test_stale_housing_extract_makes_housing_unknown(records, context):
    stale = records.truth.gaps.query("kind == 'stale_extract'").iloc[0]
    reported = _gaps_of(context, "unavailable", "housing")
    assert len(reported) > 0
    assert reported["reason"].str.contains("no housing extract").all()
    assert (reported["start_date"] >= stale["start_date"]).all()
    cases = reported["case_id"].unique()
    assert context.factors.loc[cases, "household_rent_arrears"].isna().all()


def test_gaps_are_stated_for_every_unknown_value(context):
    unknown_cases = set(context.unknown["case_id"])
    gap_cases = set(context.gaps["case_id"])
    assert unknown_cases <= gap_cases | set(
        context.unknown[context.unknown["reason"].str.contains("age|adult")]["case_id"]
    )


def test_education_before_school_age_is_not_a_gap(context):
    young = context.factors.index[context.factors["child_age"] < 4]
    assert len(young) > 0
    assert context.factors.loc[young, "child_persistent_absence"].notna().all()
    education = context.gaps[context.gaps["agency"] == "education"]
    assert not education["case_id"].isin(young).any()


def test_every_reported_gap_was_planted(records, context):
    """On synthetic records every gap is one the generator planted (the converse is below)."""
    assert set(context.gaps["kind"]) <= {"unavailable", "unmatched"}
    planted = records.truth.gaps
    by_person = set(planted["person_id"].dropna())
    areas = planted.dropna(subset=["area"])
    by_area = dict(zip(areas["agency"], areas["area"], strict=True))
    people = records.people.set_index("person_id")
    for gap in context.gaps.itertuples(index=False):
        if gap.person_id in by_person:
            continue
        assert people.loc[gap.person_id, "area"] == by_area[gap.agency], gap


def _members_read(spec, records, context):
    """Every (case, member, agency) some factor reads, with the first and last day it reads.

    From the specification: each ``events`` factor reads its source's records of the members
    its ``who`` names, over its window before the reference date (from birth at the earliest).
    Factors read "ever" only widen what others read, so they are left out.
    """
    members = context.household.merge(context.cases[["case_id", "reference_date"]], on="case_id")
    birth = records.people.set_index("person_id")["birth_date"]
    child = members["relationship"] == "the child"
    chosen = {
        "child": child,
        "household": pd.Series(True, index=members.index),
        "siblings": members["relationship"] == "sibling",
        "household_adults": ~child & (members["adult_or_child"] != "child"),
        "household_children": ~child & (members["adult_or_child"] != "adult"),
    }
    parts = []
    for factor in spec.factors:
        if factor.kind != "events" or factor.ever:
            continue
        rows = members[chosen[factor.who]]
        first = rows["reference_date"] - pd.Timedelta(days=int(factor.window_days))
        first = first.where(first >= rows["person_id"].map(birth), rows["person_id"].map(birth))
        parts.append(
            rows.assign(
                agency=factor.source,
                first=first,
                last=rows["reference_date"] - pd.Timedelta(days=1),
            )[["case_id", "person_id", "agency", "first", "last"]]
        )
    return pd.concat(parts, ignore_index=True)


def _triples(frame):
    return set(map(tuple, frame[["case_id", "person_id", "agency"]].to_numpy()))


def test_every_planted_gap_is_reported_wherever_a_factor_reads_it(records, definitions, context):
    """The converse: a planted gap over a member whose records a factor reads is reported."""
    read = _members_read(definitions.spec, records, context)
    read["area"] = read["person_id"].map(records.people.set_index("person_id")["area"])
    planted = records.truth.gaps.reset_index(drop=True).rename_axis("gap").reset_index()
    by_person = planted.dropna(subset=["person_id"]).drop(columns="area")
    by_area = planted.dropna(subset=["area"]).drop(columns="person_id")
    hits = pd.concat(
        [
            read.merge(by_person, on=["person_id", "agency"]),
            read.merge(by_area, on=["area", "agency"]),
        ]
    )
    hits = hits[(hits["first"] <= hits["end_date"]) & (hits["last"] >= hits["start_date"])]
    missing = _triples(hits) - _triples(context.gaps)
    assert not missing, sorted(missing)[:5]
    # every kind of planted gap touches cases, so the check above is not vacuous
    touched = hits.drop_duplicates(["gap", "case_id", "person_id"])["kind"].value_counts()
    assert set(touched.index) == {"area_outage", "stale_extract", "no_gp_registration", "unmatched"}
    assert touched.min() > 10, touched
