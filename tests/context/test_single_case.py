"""One case at a time gives exactly what the batch gives."""

from __future__ import annotations

import pandas.testing as pdt
import pytest

from advisory import InputError
from advisory.context import build_context


@pytest.mark.slow  # over 5 s on a quiet machine; make test runs it
def test_every_case_alone_equals_the_batch(index, context):
    for case_id in list(index.case_ids[:300]) + list(index.case_ids[-50:]):
        alone = index.context([case_id])
        from_batch = context.case(case_id)
        for name in (
            "cases",
            "factors",
            "unknown",
            "provenance",
            "household",
            "household_events",
            "gaps",
        ):
            pdt.assert_frame_equal(getattr(alone, name), getattr(from_batch, name), obj=name)


def test_chunked_batch_equals_one_chunk(records, definitions, context):
    chunked = build_context(records, definitions)
    small = type(chunked)
    assert isinstance(chunked, small)
    from advisory.context import RecordIndex

    index = RecordIndex(records, definitions, chunk_size=997)
    for name in ("factors", "unknown", "provenance", "household", "gaps"):
        pdt.assert_frame_equal(getattr(index.context(), name), getattr(context, name), obj=name)


def test_a_host_supplying_one_familys_records(records, definitions, context):
    case = context.cases.iloc[42]
    people = set(
        context.household.loc[context.household["case_id"] == case["case_id"], "person_id"]
    )
    family = {
        "people": records.people[records.people["person_id"].isin(people)],
        "memberships": records.memberships[records.memberships["person_id"].isin(people)],
        "relationships": records.relationships[
            records.relationships["person_id"].isin(people)
            & records.relationships["other_id"].isin(people)
        ],
        "events": records.events[records.events["person_id"].isin(people)],
        "coverage": records.coverage[records.coverage["person_id"].isin(people)],
        "cases": records.cases[records.cases["case_id"] == case["case_id"]],
    }
    alone = build_context(family, definitions)
    pdt.assert_frame_equal(alone.factors, context.case(case["case_id"]).factors)


def test_unknown_case_id_is_an_error(index):
    with pytest.raises(InputError, match=r"Unknown case ids \['C9999999'\]"):
        index.context(["C9999999"])
