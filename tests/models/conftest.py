"""Synthetic case-factor tables shaped like advisory.context output."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

LEVELS = ["one adult", "two adults", "three or more adults"]
INFORMATIVE = ["prior_referrals", "police_notifications", "missed_appointments"]
PROTECTIVE = ["early_help"]
NOISE = ["dental_visits", "repairs_requests"]
MONOTONE = {
    "prior_referrals": 1,
    "police_notifications": 1,
    "missed_appointments": 1,
    "early_help": -1,
}


@dataclass(frozen=True)
class Factors:
    X: pd.DataFrame
    y: np.ndarray
    dates: pd.Series
    informative: list[str]
    noise: list[str]
    monotone: dict[str, int]


def make_factors(n: int, seed: int) -> Factors:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "prior_referrals": rng.poisson(0.8, n),
            "police_notifications": rng.poisson(0.6, n),
            "missed_appointments": rng.poisson(1.0, n),
            "early_help": rng.integers(0, 2, n),
            "dental_visits": rng.poisson(1.2, n),
            "repairs_requests": rng.poisson(0.7, n),
            "child_age": rng.uniform(0, 17, n).round(1),
        },
        index=pd.Index([f"case{i:05d}" for i in range(n)], name="case_id"),
    ).astype("float64")
    household = pd.Categorical(rng.choice(LEVELS, n, p=[0.4, 0.45, 0.15]), categories=LEVELS)
    z = (
        -1.6
        + 0.7 * X["prior_referrals"]
        + 0.6 * X["police_notifications"]
        + 0.4 * X["missed_appointments"]
        - 0.5 * X["early_help"]
        + 0.3 * (household == "one adult")
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    # Unknown: sources not covered for ~10% of cases.
    for column in ("police_notifications", "dental_visits"):
        X.loc[rng.random(n) < 0.1, column] = np.nan
    household[rng.random(n) < 0.05] = np.nan
    X["household_adults"] = household
    dates = pd.Series(
        pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
        index=X.index,
    )
    return Factors(X, np.asarray(y), dates, INFORMATIVE, NOISE, dict(MONOTONE))


@pytest.fixture(scope="session")
def factors() -> Factors:
    return make_factors(4_000, seed=3)


@pytest.fixture(scope="session")
def small_factors() -> Factors:
    return make_factors(600, seed=4)
