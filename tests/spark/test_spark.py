"""advisory.spark in Spark local mode: the same results as the pandas path, and clear errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from advisory import Advisor, InputError
from advisory.context import SCHEMA, build_context
from advisory.datasets import MultiAgencyData, make_multiagency
from advisory.definitions import Definitions, load_definitions, reference_root
from advisory.fairness import audit
from advisory.spark import (
    audit_counts_on_spark,
    context_on_spark,
    reviews_on_spark,
)

pytestmark = [
    pytest.mark.slow,
    # pyspark 4.3 warns that it does not fully support pandas 3; the results are checked here
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


@pytest.fixture(scope="module")
def definitions() -> Definitions:
    return load_definitions(reference_root())


@pytest.fixture(scope="module")
def data() -> MultiAgencyData:
    return make_multiagency(n_cases=300, seed=3)


@pytest.fixture(scope="module")
def links(data: MultiAgencyData) -> pd.DataFrame:
    """Records to confirm for household members and connected people, one person twice."""
    members = data.memberships["person_id"].drop_duplicates().iloc[:40:4].tolist()
    connected = data.relationships["other_id"].drop_duplicates().iloc[:30:6].tolist()
    people = [*members, *connected, members[0]]
    return pd.DataFrame(
        {
            "person_id": people,
            "agency": ["police"] * len(people),
            "agency_record_id": [f"PNC-{i:04d}" for i in range(len(people))],
            "described_as": [f"A. Person, born 19{60 + i}-01-02" for i in range(len(people))],
            "differences": ["surname spelled differently"] * len(people),
        }
    )


def _with_links(data: MultiAgencyData, links: pd.DataFrame) -> dict[str, Any]:
    tables = {name: getattr(data, name) for name in SCHEMA}
    return {**tables, "uncertain_links": links, "snapshot_date": data.snapshot_date}


def _spark_frame(spark: Any, table: pd.DataFrame) -> Any:
    # through Arrow: pyspark's own pandas conversion trips over a pandas 3 deprecation
    return spark.createDataFrame(pa.Table.from_pandas(table, preserve_index=False))


def _frames(spark: Any, data: object) -> dict[str, Any]:
    return {name: _spark_frame(spark, getattr(data, name)) for name in SCHEMA}


def _no_job_ran(spark: Any, group: str) -> bool:
    return len(spark.sparkContext.statusTracker().getJobIdsForGroup(group)) == 0


def test_context_on_spark_equals_the_pandas_path(spark, data, links, definitions) -> None:
    # three groups of households, each computed apart; the records-wide facts come from all rows
    frames = {**_frames(spark, data), "uncertain_links": _spark_frame(spark, links)}
    got = context_on_spark(frames, definitions, n_groups=3).to_pandas()
    want = build_context(_with_links(data, links), definitions)
    for field in dataclasses.fields(want):
        pd.testing.assert_frame_equal(getattr(got, field.name), getattr(want, field.name))
    # unknown values (from coverage gaps) and records to confirm are part of what is compared
    assert want.factors.isna().to_numpy().any()
    assert want.to_confirm["person_id"].nunique() > 5


def test_one_group_and_many_groups_give_the_same_context(spark, definitions) -> None:
    data = make_multiagency(n_cases=120, seed=8)
    frames = _frames(spark, data)
    one = context_on_spark(frames, definitions, n_groups=1, check_all=False).to_pandas()
    many = context_on_spark(frames, definitions, n_groups=7, check_all=False).to_pandas()
    for field in dataclasses.fields(one):
        pd.testing.assert_frame_equal(getattr(one, field.name), getattr(many, field.name))


def test_reviews_on_spark_equal_the_pandas_reviews(
    spark, data, links, definitions, tmp_path
) -> None:
    advisor = Advisor(definitions, model_params={"n_resamples": 4, "random_state": 0}).fit(data)
    bundle = advisor.save(tmp_path / "bundle")
    frames = {
        **_frames(spark, data),
        "uncertain_links": _spark_frame(spark, links),
        "snapshot_date": data.snapshot_date,
    }
    reviews = reviews_on_spark(frames, bundle, n_groups=2).toArrow().to_pandas()
    want = {d["case_id"]: d for d in advisor.review_dicts(_with_links(data, links))}
    assert sum(bool(d["to_confirm"]) for d in want.values()) > 5
    assert sorted(reviews["case_id"]) == sorted(want)
    for case_id, text in zip(reviews["case_id"], reviews["review"], strict=True):
        assert json.loads(text) == want[case_id]


def test_reviews_refuse_an_altered_bundle_before_any_job(spark, data, definitions, tmp_path):
    from advisory import BundleError

    advisor = Advisor(definitions, model_params={"n_resamples": 2}).fit(
        make_multiagency(n_cases=200, seed=1)
    )
    bundle = Path(advisor.save(tmp_path / "bundle"))
    model = bundle / "advisor.skops"
    model.write_bytes(model.read_bytes() + b"x")
    spark.sparkContext.setJobGroup("altered-bundle", "a bundle that must be refused")
    with pytest.raises(BundleError, match="checksum"):
        reviews_on_spark(_frames(spark, data), bundle)
    assert _no_job_ran(spark, "altered-bundle")


def test_a_missing_column_fails_before_any_job_naming_table_and_column(spark, data, definitions):
    frames = _frames(spark, data)
    frames["events"] = frames["events"].drop("agency")
    spark.sparkContext.setJobGroup("missing-column", "a missing column")
    with pytest.raises(InputError, match=r"'events' table has no column 'agency'"):
        context_on_spark(frames, definitions)
    assert _no_job_ran(spark, "missing-column")


def test_text_dates_are_refused_before_any_job(spark, data, definitions) -> None:
    frames = _frames(spark, data)
    cases = data.cases.assign(reference_date=data.cases["reference_date"].dt.strftime("%d/%m/%Y"))
    frames["cases"] = _spark_frame(spark, cases)
    spark.sparkContext.setJobGroup("text-dates", "dates as text")
    with pytest.raises(InputError, match=r"'cases' table's 'reference_date' column .* to_date"):
        context_on_spark(frames, definitions)
    assert _no_job_ran(spark, "text-dates")


def test_wrong_id_type_is_refused_before_any_job(spark, data, definitions) -> None:
    frames = _frames(spark, data)
    frames["memberships"] = frames["memberships"].withColumn(
        "household_id", frames["memberships"]["start_date"]
    )
    spark.sparkContext.setJobGroup("wrong-id-type", "a date as household id")
    with pytest.raises(InputError, match=r"'memberships' table's 'household_id' column"):
        context_on_spark(frames, definitions)
    assert _no_job_ran(spark, "wrong-id-type")


def test_an_unknown_person_is_refused_over_all_rows(spark, data, definitions) -> None:
    events = data.events.copy()
    events.loc[events.index[0], "person_id"] = "P-nobody"
    frames = {**_frames(spark, data), "events": _spark_frame(spark, events)}
    with pytest.raises(InputError, match=r"'events' table's 'person_id' column .*'P-nobody'"):
        context_on_spark(frames, definitions)


def test_a_failing_group_names_its_households(spark, data, definitions) -> None:
    memberships = data.memberships.copy()
    child = data.cases["person_id"].iloc[0]
    row = memberships.index[memberships["person_id"] == child][0]
    memberships.loc[row, "end_date"] = memberships.loc[row, "start_date"] - pd.Timedelta(days=5)
    frames = {**_frames(spark, data), "memberships": _spark_frame(spark, memberships)}
    context = context_on_spark(frames, definitions, n_groups=4)
    with pytest.raises(InputError, match="Spark group of households") as caught:
        context.to_pandas()
    message = str(caught.value)
    assert f"'end_date' is before their 'start_date' for person_id {child!r}" in message
    named = message.split("households [", 1)[1].split("]", 1)[0]
    assert set(named.replace("'", "").split(", ")) <= set(memberships["household_id"])


def test_audit_counts_equal_the_audit_groups(spark) -> None:
    rng = np.random.default_rng(4)
    n = 900
    sex = rng.choice(["F", "M"], n)
    area = rng.choice(["North", "South", "East", "West", "Isles"], n, p=[0.4, 0.3, 0.2, 0.09, 0.01])
    y = (rng.uniform(size=n) < 0.3).astype(int)
    scores = rng.uniform(size=n)
    frame = pd.DataFrame({"sex": sex, "area": area, "outcome": y})
    result = audit(y, scores, frame[["sex", "area"]], n_boot=20, intersections=[("sex", "area")])
    by_group = result.by_group(result.metrics[0]).reset_index()
    want = by_group[["attribute", "group", "n", "suppressed"]]
    got = audit_counts_on_spark(
        _spark_frame(spark, frame), ["sex", "area"], "outcome", intersections=[("sex", "area")]
    )
    key = ["attribute", "group"]
    pd.testing.assert_frame_equal(
        got.sort_values(key, ignore_index=True), want.sort_values(key, ignore_index=True)
    )
    assert got["suppressed"].any() and not got["suppressed"].all()
