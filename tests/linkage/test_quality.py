"""Linkage quality by group: rates against planted truth, intervals, suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd

from advisory.datasets import AgencyExtracts
from advisory.fairness import linkage_quality
from advisory.fairness._binomial import wilson_interval
from advisory.linkage import LinkageResult


def test_rates_against_truth_add_up_and_match_a_direct_count(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    quality = linkage_quality(linked, truth=extracts.truth.links, min_cell_size=1)
    table = quality.table.set_index(["metric", "group"])
    match = table.loc["match_rate"]
    missed = table.loc["missed_match_rate"]
    visible = ~match["suppressed"] & ~missed["suppressed"]
    assert np.allclose((match["rate"] + missed["rate"])[visible], 1.0)
    # the unlinked share, counted directly
    links = linked.links[linked.links["agency"] != "childrens_social_care"]
    truth = extracts.truth.links
    group = truth.set_index(truth["agency"] + ":" + truth["agency_person_id"])["ethnicity"]
    direct = (
        (links["status"] == "unlinked")
        .groupby(group.reindex(links["record_uid"]).to_numpy())
        .mean()
    )
    shown = table.loc["unlinked_rate"]
    for name, rate in direct.items():
        row = shown.loc[str(name)]
        if not row["suppressed"]:
            assert row["rate"] == rate
    shown_rows = table[~table["suppressed"]]
    assert len(shown_rows) > 0
    assert (shown_rows["lower"] <= shown_rows["rate"]).all()
    assert (shown_rows["rate"] <= shown_rows["upper"]).all()


def test_small_and_zero_cells_are_withheld_with_secondary_suppression(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    quality = linkage_quality(linked, truth=extracts.truth.links, min_cell_size=50)
    table = quality.table
    small = table[table["suppressed"]]
    assert len(small) > 0
    assert small[["n", "count", "rate", "lower", "upper"]].isna().all().all()
    for _, rows in table.groupby("metric"):
        assert rows["suppressed"].sum() != 1  # one withheld cell alone could be recovered
    text = quality.summary()
    assert "withheld" in text
    assert quality.to_dict()["rows"][0].keys() >= {"group", "metric", "rate", "suppressed"}


def test_real_data_reports_unlinked_shares_without_truth(linked: LinkageResult) -> None:
    quality = linkage_quality(linked, min_cell_size=1)
    assert set(quality.table["metric"]) == {"unlinked_rate", "uncertain_rate"}
    assert not quality.against_truth


def test_wilson_interval_is_honest_at_the_edges() -> None:
    low, high = wilson_interval(np.array([0, 10, 5]), np.array([10, 10, 10]), 0.95)
    assert low[0] == 0.0 and 0.2 < high[0] < 0.35
    assert high[1] == 1.0 and 0.65 < low[1] < 0.8
    assert low[2] < 0.5 < high[2]
    low, high = wilson_interval(np.array([0]), np.array([0]), 0.95)
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_renaming_groups_changes_nothing_else(
    extracts: AgencyExtracts, linked: LinkageResult
) -> None:
    truth = extracts.truth.links
    renamed = truth.assign(ethnicity=truth["ethnicity"].astype(str).map(lambda g: "group " + g))
    a = linkage_quality(linked, truth=truth, min_cell_size=1).table
    b = linkage_quality(linked, truth=renamed, min_cell_size=1).table
    pd.testing.assert_frame_equal(
        a.drop(columns="group").reset_index(drop=True),
        b.drop(columns="group").reset_index(drop=True),
    )
