"""Proxy audit: finds factors that track a group, stays quiet on noise, suppresses small groups."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory._errors import InputError, ParameterError
from advisory.fairness._proxies import (
    NO_EVIDENCE,
    PREDICTS,
    PROXY_UNITS,
    ProxyAudit,
    proxy_audit,
)


def _frame(n: int = 1_500, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A noisy copy of membership of group B, noise, and unknown values."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["A", "B", "C"], size=n, p=[0.6, 0.25, 0.15])
    factors = pd.DataFrame(
        {
            "copy": (group == "B") * 1.0 + rng.normal(0, 0.8, n),
            "noise": rng.poisson(1.0, n).astype(float),
            "kind": pd.Categorical(rng.choice(np.array(["x", "y", None], dtype=object), n)),
            "flag": rng.random(n) < 0.3,
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="case_id"),
    )
    factors.loc[rng.random(n) < 0.1, "noise"] = np.nan
    sensitive = pd.DataFrame(
        {"ethnicity": group, "sex": rng.choice(["F", "M"], size=n)}, index=factors.index
    )
    return factors, sensitive


FACTORS, SENSITIVE = _frame()


def _entry(result: ProxyAudit, attribute: str, group: str) -> Any:
    return next(
        e
        for e in result.to_dict()["entries"]
        if e["attribute"] == attribute and e["group"] == group
    )


def test_finds_the_planted_proxy_and_only_it() -> None:
    result = proxy_audit(FACTORS, SENSITIVE, n_boot=200, labels={"copy": "Copy of B"})
    b = _entry(result, "ethnicity", "B")
    assert b["assessment"] == PREDICTS
    assert b["auc"]["interval"][0] > 0.6
    assert [c["factor"] for c in b["carriers"]] == ["copy"]
    assert b["carriers"][0]["label"] == "Copy of B"
    strength = b["carriers"][0]["strength"]
    assert 0.6 < strength <= 1.0
    for group in ("F", "M"):
        entry = _entry(result, "sex", group)
        assert entry["assessment"] == NO_EVIDENCE
        assert entry["carriers"] == []
        assert entry["attribution_share"] is None


def test_contract_keys_and_units() -> None:
    result = proxy_audit(FACTORS, SENSITIVE, n_boot=50)
    entry = _entry(result, "ethnicity", "B")
    assert set(entry) == {
        "attribute",
        "group",
        "suppressed",
        "n",
        "auc",
        "assessment",
        "carriers",
        "attribution_share",
    }
    assert entry["n"] == int((SENSITIVE["ethnicity"] == "B").sum())
    assert set(entry["auc"]) == {"estimate", "interval"}
    assert set(result.units) == {"auc", "strength", "attribution_share"}
    assert result.units == dict(PROXY_UNITS)
    frame = result.to_frame()
    assert list(frame["group"]) == ["A", "B", "C", "F", "M"]
    assert "ProxyAudit(n_cases=1500" in repr(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.n_boot = 3  # type: ignore[misc]


def test_attribution_share_on_carriers() -> None:
    rng = np.random.default_rng(1)
    attributions = pd.DataFrame(
        {
            "copy": rng.normal(0, 3.0, len(FACTORS)),
            "noise": rng.normal(0, 1.0, len(FACTORS)),
            "kind": np.zeros(len(FACTORS)),
            "flag": rng.normal(0, 1.0, len(FACTORS)),
        },
        index=FACTORS.index,
    )
    result = proxy_audit(FACTORS, SENSITIVE, attributions=attributions, n_boot=200)
    share = _entry(result, "ethnicity", "B")["attribution_share"]
    mass = attributions.abs().mean()
    expected = mass["copy"] / mass.sum()
    assert share["estimate"] == pytest.approx(expected)
    lo, hi = share["interval"]
    assert lo < expected < hi
    assert 0.5 < expected < 0.7


def test_small_groups_are_suppressed_with_secondary_suppression() -> None:
    sensitive = SENSITIVE.copy()
    sensitive.iloc[:6, 0] = "D"  # a group of 6 cases
    result = proxy_audit(FACTORS, sensitive, n_boot=50)
    d = _entry(result, "ethnicity", "D")
    assert d == {"attribute": "ethnicity", "group": "D", "suppressed": True}
    # the smallest other group goes too, so D's count is not the total minus the others
    assert _entry(result, "ethnicity", "C")["suppressed"] is True
    assert _entry(result, "ethnicity", "A")["suppressed"] is False
    frame: Any = result.to_frame().set_index(["attribute", "group"])
    assert np.isnan(frame.loc[("ethnicity", "D"), "n"])


def test_withheld_groups_are_suppressed() -> None:
    result = proxy_audit(
        FACTORS, SENSITIVE, n_boot=50, withheld=[("ethnicity", "C"), ("ethnicity x sex", "C & F")]
    )
    assert _entry(result, "ethnicity", "C")["suppressed"] is True
    # secondary: one withheld group takes the smallest other one with it
    assert _entry(result, "ethnicity", "B")["suppressed"] is True
    assert _entry(result, "sex", "F")["suppressed"] is False


def test_no_more_alarms_than_nominal_on_noise() -> None:
    """Held-out assessment: about 2.5% of null groups look predicted (one-sided 95%)."""
    alarms = tested = 0
    for seed in range(6):
        rng = np.random.default_rng(100 + seed)
        n = 1_000
        factors = pd.DataFrame({f"f{j}": rng.poisson(1.0, n).astype(float) for j in range(6)})
        sensitive = pd.DataFrame({"g": rng.choice(list("ABCD"), n, p=[0.55, 0.15, 0.15, 0.15])})
        frame = proxy_audit(factors, sensitive, n_boot=100, random_state=seed).to_frame()
        alarms += int((frame["assessment"] == PREDICTS).sum())
        tested += len(frame)
    # 24 null groups at 2.5%: P(4 or more alarms) is below 0.3% if calibrated
    assert alarms <= 3, (alarms, tested)


def test_bad_input_names_the_parameter() -> None:
    with pytest.raises(InputError, match="sensitive_features and factors have different indexes"):
        proxy_audit(FACTORS, SENSITIVE.set_axis(range(len(SENSITIVE))))
    with pytest.raises(InputError, match="sensitive_features has 10 rows but factors has 1500"):
        proxy_audit(FACTORS, SENSITIVE.iloc[:10])
    nan = SENSITIVE.copy()
    nan.iloc[3, 1] = None
    with pytest.raises(InputError, match="column 'sex' has 1 missing values"):
        proxy_audit(FACTORS, nan)
    with pytest.raises(InputError, match="column 'one' has only one group"):
        proxy_audit(FACTORS, SENSITIVE.assign(one="x"))
    with pytest.raises(
        InputError, match=r"factors column 'text' has dtype (object|str); expected numbers"
    ):
        proxy_audit(FACTORS.assign(text="a"), SENSITIVE)
    attributions = pd.DataFrame(0.0, index=FACTORS.index, columns=FACTORS.columns)
    attributions.iloc[2, 1] = np.nan
    with pytest.raises(InputError, match="attributions column 'noise' has 1 missing"):
        proxy_audit(FACTORS, SENSITIVE, attributions=attributions)
    with pytest.raises(InputError, match=r"attributions must have the factors' columns"):
        proxy_audit(FACTORS, SENSITIVE, attributions=attributions.drop(columns="copy"))
    with pytest.raises(ParameterError, match="'withheld' parameter"):
        proxy_audit(FACTORS, SENSITIVE, withheld=[("sex", "X")])
    with pytest.raises(ParameterError, match="'test_fraction' parameter"):
        proxy_audit(FACTORS, SENSITIVE, test_fraction=1.0)
    with pytest.raises(ParameterError, match="'confidence' parameter"):
        proxy_audit(FACTORS, SENSITIVE, confidence=95)
