"""Simulated practitioners responding to review prompts, and a planted population shift.

Planted truth for the oversight monitor and the drift check:

- three practitioner styles in different teams: **careful** (own view first,
  takes time, disagrees where a prompt is off, marks the prompt that rarely
  fits as not relevant), **rubber-stamp** (no own view, agrees with every
  prompt within seconds) and **random** (own view half the time, any verdict,
  any time);
- case factors in three periods: the audited one, a later unshifted one and
  a later one where one factor's distribution was planted to move; with the
  model's expected rate and the outcome of each case, and calibration
  planted to drift in the shifted period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from advisory._checks import check_int
from advisory._errors import ParameterError

__all__ = ["SimulatedOversight", "simulate_oversight"]

#: The prompts of the simulated reviews: id, factor and how often it is off for a case.
PROMPTS: Final = (
    ("stands_out:child_prior_referrals", "child_prior_referrals", 0.1),
    ("stands_out:adult_domestic_abuse_notifications", "adult_domestic_abuse_notifications", 0.15),
    ("stands_out:child_persistent_absence", "child_persistent_absence", 0.2),
    ("stands_out:household_housing_instability", "household_housing_instability", 0.3),
    ("strengths:health_visitor_contacts", "health_visitor_contacts", 0.25),
    ("stands_out:child_dental_visits", "child_dental_visits", 0.9),
)
#: Reasons a careful practitioner gives when a prompt is off.
REASONS: Final = (
    "already known and addressed",
    "records are out of date",
    "not relevant to this family now",
    "the records concern a different household",
)
#: Styles by team: the planted truth the monitor must find.
TEAMS: Final = {"team_a": "careful", "team_b": "rubber_stamp", "team_c": "random"}
#: Factors of the drift simulation, with their mean count in the audited period.
DRIFT_FACTORS: Final = {
    "child_prior_referrals": 1.2,
    "adult_domestic_abuse_notifications": 0.6,
    "household_police_community_contacts": 0.8,
    "child_persistent_absence": 0.4,
    "household_rent_arrears": 0.5,
}
#: The factor whose distribution moves in the shifted period, and the period's name.
SHIFTED_FACTOR: Final = "household_police_community_contacts"
PERIODS: Final = ("audited", "later_unshifted", "later_shifted")


@dataclass(frozen=True, kw_only=True)
class SimulatedOversight:
    """Simulated reviews, responses and case factors with their planted truth.

    Attributes
    ----------
    reviews : pandas.DataFrame
        One row per review: ``review_id``, ``case_id``, ``team``,
        ``practitioner``, ``style``, ``issued_at``, ``own_view_at`` (NaT when
        none), ``shown_at``, ``group`` (the child's group, for rates by group).
    responses : pandas.DataFrame
        One row per prompt response: ``review_id``, ``prompt_id``, ``factor``,
        ``verdict``, ``reason``, ``seconds``, ``prompt_off`` (planted).
    factors : pandas.DataFrame
        One row per case: ``case_id``, ``period`` (see :data:`PERIODS`), a
        column per factor, ``expected`` (the model's expected rate) and
        ``outcome``.
    truth : dict
        ``teams`` (team to style), ``shifted_factor``, ``shifted_period``,
        ``rarely_relevant_prompt``.
    """

    reviews: pd.DataFrame
    responses: pd.DataFrame
    factors: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)

    def review_dict(self, review_id: str) -> dict[str, Any]:
        """Return a hand-made review dict holding the review's prompts.

        Parameters
        ----------
        review_id : str
            One of the simulated reviews (``reviews["review_id"]``).

        Returns
        -------
        dict
            The case id and the review's questions (prompt id and factor), as the
            oversight adapter reads them from a review.
        """
        row = self.reviews.loc[self.reviews["review_id"] == review_id].iloc[0]
        held = self.responses.loc[self.responses["review_id"] == review_id]
        return {
            "case_id": str(row["case_id"]),
            "questions": [
                {"prompt_id": p, "factor": f}
                for p, f in zip(held["prompt_id"], held["factor"], strict=True)
            ],
        }


def simulate_oversight(
    n_reviews: int = 900,
    *,
    prompts_per_review: int = 3,
    n_cases_per_period: int = 2_000,
    seed: int = 0,
) -> SimulatedOversight:
    """Simulate practitioners responding to prompts, and cases over three periods.

    Parameters
    ----------
    n_reviews : int, default 900
        Reviews, spread evenly over the three teams (:data:`TEAMS`), three
        practitioners each, over six months from November 2026.
    prompts_per_review : int, default 3
        Prompts in each review, drawn from :data:`PROMPTS`.
    n_cases_per_period : int, default 2000
        Cases in each period of the drift simulation.
    seed : int, default 0
        Seed; the same seed gives the same data.

    Returns
    -------
    SimulatedOversight
        The simulated records and their planted truth.

    Examples
    --------
    >>> sim = simulate_oversight(90, seed=1)
    >>> sorted(sim.reviews["style"].unique())
    ['careful', 'random', 'rubber_stamp']
    >>> len(sim.responses), sim.truth["shifted_factor"]
    (270, 'household_police_community_contacts')
    """
    n_reviews = check_int(n_reviews, "n_reviews", "simulate_oversight", minimum=3)
    k = check_int(
        prompts_per_review, "prompts_per_review", "simulate_oversight", minimum=1,
    )  # fmt: skip
    if k > len(PROMPTS):
        raise ParameterError(
            "prompts_per_review", "simulate_oversight", f"an int in 1..{len(PROMPTS)}", k
        )
    n_cases = check_int(n_cases_per_period, "n_cases_per_period", "simulate_oversight", minimum=50)
    rng = np.random.default_rng(seed)
    teams = list(TEAMS)
    team = np.array([teams[i % len(teams)] for i in range(n_reviews)])
    style = np.array([TEAMS[t] for t in team])
    practitioner = np.array([f"W{teams.index(t) * 3 + int(rng.integers(3)) + 1:02d}" for t in team])
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    issued = [
        start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 182 * 24 * 60, n_reviews)
    ]
    has_view = np.where(
        style == "careful", True, np.where(style == "random", rng.random(n_reviews) < 0.5, False)
    )
    view_minutes = rng.uniform(2, 20, n_reviews)
    reviews = pd.DataFrame(
        {
            "review_id": [f"R{i:06d}" for i in range(n_reviews)],
            "case_id": [f"C{i:06d}" for i in range(n_reviews)],
            "team": team,
            "practitioner": practitioner,
            "style": style,
            "issued_at": issued,
            "own_view_at": [
                issued[i] + dt.timedelta(minutes=float(view_minutes[i])) if has_view[i] else pd.NaT
                for i in range(n_reviews)
            ],
            "shown_at": [issued[i] + dt.timedelta(minutes=25) for i in range(n_reviews)],
            "group": rng.choice(["group_1", "group_2", "group_3"], n_reviews, p=[0.5, 0.3, 0.2]),
        }
    )
    rows: dict[str, list[Any]] = {
        k_: []
        for k_ in ("review_id", "prompt_id", "factor", "verdict", "reason", "seconds", "prompt_off")
    }
    for i in range(n_reviews):
        chosen = rng.choice(len(PROMPTS), size=k, replace=False)
        for j in sorted(chosen):
            prompt, factor, p_off = PROMPTS[j]
            off = bool(rng.random() < p_off)
            verdict, reason, seconds = _respond(str(style[i]), off, prompt, rng)
            rows["review_id"].append(f"R{i:06d}")
            rows["prompt_id"].append(prompt)
            rows["factor"].append(factor)
            rows["verdict"].append(verdict)
            rows["reason"].append(reason)
            rows["seconds"].append(seconds)
            rows["prompt_off"].append(off)
    responses = pd.DataFrame(rows)
    return SimulatedOversight(
        reviews=reviews,
        responses=responses,
        factors=_factors(n_cases, rng),
        truth={
            "teams": dict(TEAMS),
            "shifted_factor": SHIFTED_FACTOR,
            "shifted_period": PERIODS[2],
            "rarely_relevant_prompt": PROMPTS[-1][0],
        },
    )


def _respond(
    style: str, off: bool, prompt: str, rng: np.random.Generator
) -> tuple[str, str, float]:
    if style == "rubber_stamp":
        return "agree", "", round(float(rng.uniform(1.0, 6.0)), 1)
    if style == "random":
        verdict = str(rng.choice(["agree", "disagree", "not_relevant"]))
        reason = "" if verdict == "agree" else str(rng.choice(REASONS))
        return verdict, reason, round(float(rng.uniform(5.0, 120.0)), 1)
    seconds = round(float(rng.lognormal(np.log(60.0), 0.5)) + 10.0, 1)
    if not off:
        return "agree", "", seconds
    if prompt == PROMPTS[-1][0]:
        return "not_relevant", "not relevant to this family now", seconds
    return "disagree", str(rng.choice(REASONS[:2])), seconds


def _factors(n: int, rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for p, period in enumerate(PERIODS):
        data: dict[str, Any] = {
            "case_id": [f"P{p}C{i:06d}" for i in range(n)],
            "period": period,
        }
        margin = np.full(n, -1.5)
        for name, mean in DRIFT_FACTORS.items():
            if period == PERIODS[2] and name == SHIFTED_FACTOR:
                mean = mean * 2.5  # the planted shift
            counts = rng.poisson(mean, n)
            data[name] = counts
            margin = margin + 0.3 * counts
        expected = 1 / (1 + np.exp(-margin))
        # in the shifted period outcomes also drift away from the model's expected rate
        true_rate = np.clip(expected + (0.1 if period == PERIODS[2] else 0.0), 0, 1)
        data["expected"] = expected
        data["outcome"] = (rng.random(n) < true_rate).astype(int)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)
