"""The same specification on Spark (local mode) gives the same links as on DuckDB."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from advisory import InputError
from advisory.datasets import AgencyExtracts
from advisory.linkage import LinkageResult, link_extracts

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        message = (
            "java is missing: Spark needs a Java 17 runtime "
            "(apt-get install openjdk-17-jre-headless)"
        )
        if os.environ.get("ADVISORY_REQUIRE_JAVA") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from advisory.linkage import local_spark_session

    session = local_spark_session()
    yield session
    session.stop()


def test_spark_gives_the_same_clusters_with_the_same_model(
    spark: Any, extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    on_spark = link_extracts(
        extracts, linked.spec, backend="spark", spark=spark, model=linked.model
    )
    ours = on_spark.links.set_index("record_uid")
    theirs = linked.links.set_index("record_uid").reindex(ours.index)
    assert (ours["person_id"] == theirs["person_id"]).all()
    assert (ours["status"] == theirs["status"]).all()
    pairs = on_spark.pairs.merge(
        linked.pairs, on=["uid_l", "uid_r"], how="outer", suffixes=("_s", "_d")
    )
    assert len(pairs) == len(linked.pairs) == len(on_spark.pairs)
    assert np.allclose(pairs["match_probability_s"], pairs["match_probability_d"], atol=1e-9)
    mine, theirs_asked = on_spark.uncertain_links, linked.uncertain_links
    text = ["person_id", "agency", "agency_record_id", "described_as", "differences"]
    assert mine[text].equals(theirs_asked[text])
    assert np.allclose(mine["match_probability"], theirs_asked["match_probability"], atol=1e-9)


def test_a_session_without_splinks_functions_is_refused(
    spark: Any, extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    with pytest.raises(InputError, match="needs a SparkSession"):
        link_extracts(extracts, linked.spec, backend="spark", model=linked.model)
