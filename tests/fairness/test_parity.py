"""Attribution and call-out parity: estimates, paired differences, suppression, bad input."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory._errors import InputError, ParameterError
from advisory.fairness._parity import PARITY_UNITS, ParityAudit, parity_audit

N = 3_000
RNG = np.random.default_rng(0)
INDEX = pd.Index([f"c{i}" for i in range(N)], name="case_id")
GROUP = RNG.choice(["A", "B", "C"], size=N, p=[0.6, 0.3, 0.1])
SENSITIVE = pd.DataFrame({"ethnicity": GROUP, "sex": RNG.choice(["F", "M"], size=N)}, index=INDEX)
ATTRIBUTIONS = pd.DataFrame(
    {
        "police": RNG.normal(0, 0.4, N) + 0.3 * (GROUP == "B"),
        "health": RNG.normal(0, 0.4, N),
        "housing": RNG.normal(0, 0.4, N),
    },
    index=INDEX,
)
MENTIONS = ATTRIBUTIONS > 0.5


def _cells(result: ParityAudit, section: str) -> Any:
    frame = result.to_frame()
    return frame[frame["section"] == section].set_index(["attribute", "group", "factor"])


def test_detects_the_planted_difference_and_not_the_others() -> None:
    result = parity_audit(ATTRIBUTIONS, MENTIONS, SENSITIVE, n_boot=300)
    attribution = _cells(result, "attribution")
    assert attribution.loc[("ethnicity", "B", "police"), "assessment"] == (
        "higher than the reference group"
    )
    callouts = _cells(result, "callouts")
    assert callouts.loc[("ethnicity", "B", "police"), "assessment"] == (
        "higher than the reference group"
    )
    for factor in ("health", "housing"):
        assert attribution.loc[("ethnicity", "B", factor), "assessment"] == (
            "insufficient evidence of a difference"
        )
    majority = SENSITIVE["sex"].value_counts().idxmax()
    assert set(attribution["reference"]) == {"A", majority}  # the largest group by default


def test_point_estimates_are_group_means_and_differences() -> None:
    result = parity_audit(ATTRIBUTIONS, MENTIONS, SENSITIVE, n_boot=100)
    attribution = _cells(result, "attribution")
    means: Any = ATTRIBUTIONS.groupby(SENSITIVE["ethnicity"]).mean()
    rates: Any = MENTIONS.groupby(SENSITIVE["ethnicity"]).mean()
    callouts = _cells(result, "callouts")
    for factor in ATTRIBUTIONS.columns:
        row = attribution.loc[("ethnicity", "C", factor)]
        assert row["group_value"] == pytest.approx(means.loc["C", factor], abs=1e-6)
        assert row["reference_value"] == pytest.approx(means.loc["A", factor], abs=1e-6)
        assert row["difference"] == pytest.approx(
            means.loc["C", factor] - means.loc["A", factor], abs=1e-6
        )
        assert row["difference_lower"] < row["difference"] < row["difference_upper"]
        rate = callouts.loc[("ethnicity", "C", factor)]
        assert rate["group_value"] == pytest.approx(rates.loc["C", factor], abs=1e-6)


def test_contract_shape() -> None:
    result = parity_audit(ATTRIBUTIONS, MENTIONS, SENSITIVE, n_boot=50)
    out = result.to_dict()
    assert set(out) == {
        "attribution",
        "callouts",
        "units",
        "references",
        "n_cases",
        "confidence",
        "n_boot",
        "min_cell_size",
        "familywise",
        "notes",
    }
    assert out["n_cases"] == N and out["confidence"] == result.confidence == 0.9
    assert out["units"] == dict(PARITY_UNITS)
    # one entry per attribute, non-reference group and factor
    assert len(out["attribution"]) == (2 + 1) * 3
    entry = out["attribution"][0]
    assert set(entry) == {
        "attribute",
        "group",
        "reference",
        "factor",
        "label",
        "suppressed",
        "group_value",
        "reference_value",
        "difference",
        "assessment",
    }
    assert set(entry["difference"]) == {"estimate", "interval"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.n_boot = 3  # type: ignore[misc]
    assert repr(result).startswith("ParityAudit(n_cases=3000")


def test_renaming_groups_changes_nothing_but_names() -> None:
    renamed = SENSITIVE.assign(ethnicity=SENSITIVE["ethnicity"].map({"A": "Z", "B": "Y", "C": "X"}))
    a = _cells(parity_audit(ATTRIBUTIONS, None, SENSITIVE, n_boot=100), "attribution")
    b = _cells(parity_audit(ATTRIBUTIONS, None, renamed, n_boot=100), "attribution")
    pairs = [("B", "Y"), ("C", "X")]
    for old, new in pairs:
        for factor in ATTRIBUTIONS.columns:
            assert a.loc[("ethnicity", old, factor), "difference"] == pytest.approx(
                b.loc[("ethnicity", new, factor), "difference"]
            )


def test_difference_of_a_shifted_copy_is_exact() -> None:
    """A group that is a copy of the reference shifted by 0.25: the difference is 0.25 exactly.

    The two groups are different cases, resampled independently, so the interval has a
    width; it must hold the exact difference and be as narrow as the spread implies.
    """
    doubled = pd.concat([ATTRIBUTIONS, ATTRIBUTIONS + 0.25])
    doubled.index = pd.RangeIndex(2 * N)
    groups = pd.DataFrame({"g": ["ref"] * N + ["shifted"] * N})
    result = parity_audit(doubled, None, groups, n_boot=200, reference_groups={"g": "ref"})
    entries = result.to_dict()["attribution"]
    assert [e["factor"] for e in entries] == list(ATTRIBUTIONS.columns)
    for entry in entries:
        mean = float(ATTRIBUTIONS[entry["factor"]].mean())
        assert entry["reference_value"]["estimate"] == pytest.approx(mean, abs=1e-6)
        assert entry["group_value"]["estimate"] == pytest.approx(mean + 0.25, abs=1e-6)
        assert entry["difference"]["estimate"] == pytest.approx(0.25, abs=1e-6)
        lo, hi = entry["difference"]["interval"]
        # two independent means of N values with sd ~0.4: a 90% interval about +-0.017 wide
        assert lo < 0.25 < hi
        assert hi - lo < 0.06
        assert entry["assessment"] == "higher than the reference group"


def test_named_reference_group() -> None:
    result = parity_audit(ATTRIBUTIONS, None, SENSITIVE, n_boot=50, reference_groups={"sex": "F"})
    frame = result.to_frame()
    assert set(frame.loc[frame["attribute"] == "sex", "group"]) == {"M"}
    assert result.references == {"ethnicity": "A", "sex": "F"}


def test_small_and_withheld_groups_are_suppressed() -> None:
    sensitive = SENSITIVE.copy()
    sensitive.iloc[:4, 0] = "D"
    result = parity_audit(ATTRIBUTIONS, MENTIONS, sensitive, n_boot=50)
    out = result.to_dict()["attribution"]
    d = [e for e in out if e["group"] == "D"]
    assert d and all(e == {**e, "suppressed": True} and len(e) == 4 for e in d)
    # secondary suppression: the smallest other group (C) goes too
    assert all(e["suppressed"] for e in out if e["group"] == "C")
    assert not any(e["suppressed"] for e in out if e["group"] == "B")
    withheld = parity_audit(ATTRIBUTIONS, None, SENSITIVE, n_boot=50, withheld=[("sex", "M")])
    assert all(
        e["suppressed"] for e in withheld.to_dict()["attribution"] if e["attribute"] == "sex"
    )
    # with two groups, withholding one withholds the other (secondary suppression)
    assert any("sex: the reference group" in note for note in withheld.notes)


def test_disclosive_callout_cells_are_withheld() -> None:
    mentions = MENTIONS.copy()
    mentions["rare"] = False
    mentions.loc[INDEX[GROUP == "C"][:3], "rare"] = True  # 3 of C's reviews
    mentions.loc[INDEX[GROUP == "A"][:40], "rare"] = True
    mentions.loc[INDEX[GROUP == "B"][:40], "rare"] = True
    attributions = ATTRIBUTIONS.assign(rare=0.0)
    result = parity_audit(attributions, mentions, SENSITIVE, n_boot=50)
    callouts = _cells(result, "callouts")
    assert bool(callouts.loc[("ethnicity", "C", "rare"), "suppressed"])
    assert np.isnan(callouts.loc[("ethnicity", "C", "rare"), "group_value"])
    # one withheld cell on the line takes the smallest other group's with it: only the
    # reference is left, so B's cell goes too
    assert bool(callouts.loc[("ethnicity", "B", "rare"), "suppressed"])
    # the attribution cells of the same factor are not counts: they stay
    attribution = _cells(result, "attribution")
    assert not bool(attribution.loc[("ethnicity", "C", "rare"), "suppressed"])
    # a factor every review of a group lists is disclosive too (none left out)
    everyone = MENTIONS.assign(health=True)
    every = _cells(parity_audit(ATTRIBUTIONS, everyone, SENSITIVE, n_boot=50), "callouts")
    assert every.loc[("ethnicity", slice(None), "health"), "suppressed"].all()


def test_familywise_intervals_are_wider() -> None:
    plain = _cells(parity_audit(ATTRIBUTIONS, None, SENSITIVE, n_boot=300), "attribution")
    joint = parity_audit(ATTRIBUTIONS, None, SENSITIVE, n_boot=300, familywise=True)
    wide = _cells(joint, "attribution")
    width = plain["difference_upper"] - plain["difference_lower"]
    joint_width = wide["difference_upper"] - wide["difference_lower"]
    assert (joint_width > width).all()
    assert any("hold jointly" in note for note in joint.notes)
    assert any("differences were tested" in note for note in joint.notes)


def test_bad_input_names_the_parameter() -> None:
    with pytest.raises(InputError, match="needs attributions, mentions or both"):
        parity_audit(None, None, SENSITIVE)
    with pytest.raises(InputError, match="sensitive_features and attributions have different"):
        parity_audit(ATTRIBUTIONS, None, SENSITIVE.set_axis(range(N)))
    with pytest.raises(InputError, match="mentions and attributions have different indexes"):
        parity_audit(ATTRIBUTIONS, MENTIONS.set_axis(range(N)), SENSITIVE)
    with pytest.raises(
        InputError, match="mentions column 'police' has dtype float64; expected bool"
    ):
        parity_audit(ATTRIBUTIONS, MENTIONS.astype(float), SENSITIVE)
    with_na = MENTIONS.astype("boolean")
    with_na.iloc[7, 1] = pd.NA
    with pytest.raises(InputError, match="mentions column 'health' has 1 missing values"):
        parity_audit(ATTRIBUTIONS, with_na, SENSITIVE)
    with pytest.raises(InputError, match=r"mentions must have the attributions' columns"):
        parity_audit(ATTRIBUTIONS, MENTIONS.drop(columns="health"), SENSITIVE)
    broken = ATTRIBUTIONS.copy()
    broken.iloc[5, 2] = np.inf
    with pytest.raises(InputError, match="attributions column 'housing' has 1 missing or infinite"):
        parity_audit(broken, None, SENSITIVE)
    nan = SENSITIVE.copy()
    nan.iloc[0, 0] = None
    with pytest.raises(InputError, match="column 'ethnicity' has 1 missing values"):
        parity_audit(ATTRIBUTIONS, None, nan)
    with pytest.raises(InputError, match="column 'one' has only one group"):
        parity_audit(ATTRIBUTIONS, None, SENSITIVE.assign(one="x"))
    with pytest.raises(ParameterError, match=r"'reference_groups' parameter .* got 'Q'"):
        parity_audit(ATTRIBUTIONS, None, SENSITIVE, reference_groups={"ethnicity": "Q"})
    with pytest.raises(ParameterError, match=r"'reference_groups' parameter .* got 'age'"):
        parity_audit(ATTRIBUTIONS, None, SENSITIVE, reference_groups={"age": "A"})
    with pytest.raises(ParameterError, match="'familywise' parameter"):
        parity_audit(ATTRIBUTIONS, None, SENSITIVE, familywise="yes")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="'n_boot' parameter"):
        parity_audit(ATTRIBUTIONS, None, SENSITIVE, n_boot=5)
