"""Synthetic multi-agency records with planted, documented ground truth."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._checks import check_choice, check_fraction, check_int, check_positive
from advisory._errors import ParameterError
from advisory._progress import progress
from advisory.datasets._rates import EVENT_RATES, HARM_MODEL, EventRate
from advisory.datasets._vocabulary import AGENCIES, AREAS, COVERAGE_STATUSES, ETHNICITIES

__all__ = ["MultiAgencyData", "Truth", "make_multiagency"]

_OWNER: Final = "make_multiagency"
_YEAR: Final = 365.25


def _day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


#: Records run from DATA_START to SNAPSHOT (both inclusive); referrals
#: (reference dates) fall between REF_START and REF_END, so that a 12-month
#: outcome is observed for every case by the snapshot.
DATA_START: Final = _day("2018-01-01")
SNAPSHOT: Final = _day("2026-06-30")
REF_START: Final = _day("2021-01-01")
REF_END: Final = _day("2025-06-30")

_ETHNICITY_SHARES: Final = (0.60, 0.08, 0.10, 0.08, 0.08, 0.01, 0.05)
_POLICE_GAP: Final = ("Riverside", _day("2023-01-01"), _day("2023-12-31"))
_HOUSING_STALE: Final = ("East", _day("2024-03-31"))
_P_RECORDED_IF_HARM: Final = 0.55
_P_RECORDED_IF_NO_HARM: Final = 0.02
_MAX_LABEL_BIAS: Final = 1.0 / _P_RECORDED_IF_HARM


@dataclass(frozen=True, kw_only=True)
class Truth:
    """What the generator planted, so tests can check the library recovers it.

    Attributes
    ----------
    seed : int
        The seed the data were generated with.
    parameters : dict
        Every argument of :func:`make_multiagency`.
    harm_model : dict
        Log-odds coefficients of true harm on the hidden circumstances
        (see ``advisory.datasets._rates.HARM_MODEL``).
    event_rates : pandas.DataFrame
        One row per (agency, event type, who): ages, base rate per
        person-year, the rate each circumstance adds, and ``role``:
        ``"informative"`` (driven by a circumstance of the harm model),
        ``"proxy"`` (driven only by disability or deprivation) or ``"noise"``.
    circumstances : pandas.DataFrame
        One row per household: the hidden circumstances and who bears them.
    case_truth : pandas.DataFrame
        One row per case: circumstances at the reference date, the true harm
        log-odds and whether harm truly occurred (``true_harm``), next to the
        recorded ``outcome``.
    recording_bias : dict
        The group, agencies, event types and rate ratio of the planted
        recording bias (ratio 1.0 means switched off).
    label_bias : dict
        The group and recording probabilities of the outcome for the same true
        harm (equal probabilities mean switched off).
    gaps : pandas.DataFrame
        Every planted coverage gap: ``kind``, ``agency``, ``person_id`` or
        ``area``, ``start_date``, ``end_date`` and a description.
    """

    seed: int
    parameters: dict[str, Any]
    harm_model: dict[str, float]
    event_rates: pd.DataFrame
    circumstances: pd.DataFrame
    case_truth: pd.DataFrame
    recording_bias: dict[str, Any]
    label_bias: dict[str, Any]
    gaps: pd.DataFrame


@dataclass(frozen=True, kw_only=True)
class MultiAgencyData:
    """Multi-agency records in the schema :mod:`advisory` reads.

    Attributes
    ----------
    people : pandas.DataFrame
        One row per person: ``person_id``, ``role`` (child or adult),
        ``birth_date``, ``sex``, ``ethnicity``, ``disability``, ``area`` and
        ``deprivation_decile`` (1 = most deprived) of their home.
    memberships : pandas.DataFrame
        Who lived in which household when: ``person_id``, ``household_id``,
        ``start_date`` and ``end_date`` (inclusive; missing while still there).
    relationships : pandas.DataFrame
        ``person_id`` (a child), ``other_id`` and ``relationship``: what
        ``other_id`` is to the child (parent, partner_of_parent, sibling,
        grandparent).
    events : pandas.DataFrame
        ``event_id``, ``person_id``, ``agency``, ``event_type`` and ``date``.
    coverage : pandas.DataFrame
        For each person and agency, periods (``start_date`` to ``end_date``,
        inclusive) with ``status`` ``"available"`` (records shared),
        ``"unavailable"`` (records exist but were not shared),
        ``"unmatched"`` (the person could not be matched to that agency's
        records) or ``"not_applicable"`` (the agency holds no records for the
        person then, e.g. education before school age), and a ``reason``.
        Periods with no row had no data shared.
    cases : pandas.DataFrame
        ``case_id``, ``person_id`` (the child referred), ``reference_date``
        (the referral) and ``outcome`` (1 if a child protection plan was
        recorded within 12 months; a past agency decision, not harm itself).
    truth : Truth
        What was planted.
    snapshot_date : pandas.Timestamp
        The date the records were extracted.
    """

    people: pd.DataFrame
    memberships: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    coverage: pd.DataFrame
    cases: pd.DataFrame
    truth: Truth
    snapshot_date: pd.Timestamp

    def summary(self) -> str:
        """Describe the records in a few plain lines.

        Returns
        -------
        str
            Counts of cases, people, households, events by agency, coverage
            gaps and the recorded outcome rate.

        Examples
        --------
        >>> data = make_multiagency(n_cases=200, seed=1)
        >>> print(data.summary().splitlines()[0])
        Synthetic multi-agency records (seed 1), snapshot 2026-06-30
        """
        by_agency = self.events["agency"].value_counts().sort_index()
        not_available = self.coverage["status"].isin(["unavailable", "unmatched"])
        lines = [
            f"Synthetic multi-agency records (seed {self.truth.seed}), "
            f"snapshot {self.snapshot_date.date().isoformat()}",
            f"  cases: {len(self.cases):,} referrals of "
            f"{self.cases['person_id'].nunique():,} children, "
            f"{self.cases['reference_date'].min().date()} to "
            f"{self.cases['reference_date'].max().date()}",
            f"  people: {len(self.people):,} in "
            f"{self.memberships['household_id'].nunique():,} households; "
            f"{len(self.relationships):,} relationships",
            f"  events: {len(self.events):,}",
        ]
        lines += [f"    {agency}: {count:,}" for agency, count in by_agency.items()]
        lines += [
            f"  coverage periods: {len(self.coverage):,} "
            f"({int(not_available.sum()):,} unavailable or unmatched)",
            f"  recorded outcome (child protection plan within 12 months): "
            f"{self.cases['outcome'].mean():.1%} of cases",
        ]
        return "\n".join(lines)


def make_multiagency(
    n_cases: int = 2_000,
    *,
    seed: int = 0,
    agencies: Sequence[str] | None = None,
    recording_bias: float = 1.6,
    label_bias: float = 1.5,
    bias_group: str = "Black",
    biased_agencies: Sequence[str] = ("police", "childrens_social_care"),
    gp_unregistered_rate: float = 0.08,
    unmatched_partner_rate: float = 0.3,
    repeat_referral_rate: float = 0.08,
) -> MultiAgencyData:
    """Generate synthetic multi-agency case records with planted ground truth.

    Households of adults and children whose membership changes (partners
    move in and out, fathers leave) have hidden circumstances (domestic abuse,
    parental mental health, substance misuse, housing instability, neglect,
    support). Five agencies record dated events at rates those circumstances
    drive (see ``Truth.event_rates``); some event types are pure noise. A
    child referred at a reference date has a true harm drawn from a logistic
    model of the circumstances *at that date*; the recorded outcome (a child
    protection plan within 12 months) records that harm imperfectly.

    Planted on purpose and documented in ``truth``:

    - a **recording bias**: for ``bias_group``, ``biased_agencies`` record the
      same circumstances ``recording_bias`` times as often;
    - a **label bias**: for ``bias_group``, the outcome is recorded
      ``label_bias`` times as often for the same true harm;
    - **coverage gaps**: no health data for households not registered with a
      GP; no police data for one area during 2023; a housing extract not
      refreshed for one area since 2024-03-31; some partners who moved in
      could not be matched to police and health records. Events in a gap are
      absent from ``events``, as they would be from real shared records.

    Parameters
    ----------
    n_cases : int, default=2000
        Number of referrals (cases). Most households have one; a few have a
        repeat referral of the same child.
    seed : int, default=0
        Seed; the same seed and arguments give identical records.
    agencies : sequence of str, optional
        Agencies that share records (default: all five). Others have no events
        and no coverage.
    recording_bias : float, default=1.6
        Rate ratio of the recording bias; 1.0 switches it off.
    label_bias : float, default=1.5
        Ratio of the outcome recording probability for the same harm, in
        ``(0, 1/0.55]``; 1.0 switches it off.
    bias_group : str, default="Black"
        Ethnic group both biases apply to.
    biased_agencies : sequence of str, default=("police", "childrens_social_care")
        Agencies with the recording bias.
    gp_unregistered_rate : float, default=0.08
        Share of households not registered with a GP (higher for Gypsy, Roma
        and Traveller households and in deprived areas).
    unmatched_partner_rate : float, default=0.3
        Share of partners who moved in that could not be matched to police and
        health records.
    repeat_referral_rate : float, default=0.08
        Share of cases that are a repeat referral of an earlier child.

    Returns
    -------
    MultiAgencyData
        The tables, the snapshot date and the planted ``truth``.

    Raises
    ------
    ParameterError
        If an argument is out of range or names an unknown agency or group.

    Examples
    --------
    >>> data = make_multiagency(n_cases=300, seed=7)
    >>> len(data.cases)
    300
    >>> sorted(data.events["agency"].unique())  # doctest: +NORMALIZE_WHITESPACE
    ['childrens_social_care', 'education', 'health', 'housing', 'police']
    >>> data.truth.recording_bias["rate_ratio"]
    1.6
    """
    params = _validated(
        n_cases=n_cases,
        seed=seed,
        agencies=agencies,
        recording_bias=recording_bias,
        label_bias=label_bias,
        bias_group=bias_group,
        biased_agencies=biased_agencies,
        gp_unregistered_rate=gp_unregistered_rate,
        unmatched_partner_rate=unmatched_partner_rate,
        repeat_referral_rate=repeat_referral_rate,
    )
    return _Generator(params).run()


def _validated(**params: Any) -> dict[str, Any]:
    params["n_cases"] = check_int(params["n_cases"], "n_cases", _OWNER, minimum=1)
    params["seed"] = check_int(params["seed"], "seed", _OWNER, minimum=0)
    params["agencies"] = _agency_list(params["agencies"] or AGENCIES, "agencies")
    params["biased_agencies"] = _agency_list(params["biased_agencies"], "biased_agencies")
    params["recording_bias"] = check_positive(params["recording_bias"], "recording_bias", _OWNER)
    label_bias = check_positive(params["label_bias"], "label_bias", _OWNER)
    if label_bias > _MAX_LABEL_BIAS:
        raise ParameterError(
            "label_bias", _OWNER, f"a number in (0, {_MAX_LABEL_BIAS:.3f}]", label_bias
        )
    params["label_bias"] = label_bias
    params["bias_group"] = check_choice(params["bias_group"], "bias_group", _OWNER, ETHNICITIES)
    for name in ("gp_unregistered_rate", "unmatched_partner_rate", "repeat_referral_rate"):
        params[name] = check_fraction(params[name], name, _OWNER)
    if params["repeat_referral_rate"] > 0.5:
        raise ParameterError(
            "repeat_referral_rate", _OWNER, "a number in [0, 0.5]", params["repeat_referral_rate"]
        )
    return params


def _agency_list(values: object, name: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ParameterError(
            name, _OWNER, f"a sequence of agency names from {list(AGENCIES)}", values
        )
    chosen = tuple(values)
    unknown = [value for value in chosen if value not in AGENCIES]
    if unknown:
        raise ParameterError(
            name, _OWNER, f"a sequence of agency names from {list(AGENCIES)}", unknown
        )
    return chosen


def _sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-x))


def _dates(days: npt.NDArray[np.int64]) -> pd.Series:
    """Day numbers (NaT where negative one) as a datetime column."""
    values = days.astype("datetime64[D]").astype("datetime64[s]")
    return pd.Series(values).where(days != -1)


def _ids(prefix: str, count: int, width: int) -> npt.NDArray[np.object_]:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


class _Generator:
    """One run of the generator; every array is built once, vectorised."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.rng = np.random.default_rng(params["seed"])

    def run(self) -> MultiAgencyData:
        self._households()
        self._people()
        self._circumstances()
        cases, case_truth = self._cases()
        events = self._events(cases)
        coverage, gaps = self._coverage()
        truth = Truth(
            seed=self.params["seed"],
            parameters=dict(self.params),
            harm_model=dict(HARM_MODEL),
            event_rates=_event_rate_table(),
            circumstances=self._circumstance_table(),
            case_truth=case_truth,
            recording_bias={
                "group": self.params["bias_group"],
                "agencies": self.params["biased_agencies"],
                "event_types": self._biased_event_types(),
                "rate_ratio": self.params["recording_bias"],
                "enabled": self.params["recording_bias"] != 1.0,
            },
            label_bias={
                "group": self.params["bias_group"],
                "ratio": self.params["label_bias"],
                "p_recorded_if_harm": {
                    "group": _P_RECORDED_IF_HARM * self.params["label_bias"],
                    "others": _P_RECORDED_IF_HARM,
                },
                "p_recorded_if_no_harm": {
                    "group": _P_RECORDED_IF_NO_HARM * self.params["label_bias"],
                    "others": _P_RECORDED_IF_NO_HARM,
                },
                "enabled": self.params["label_bias"] != 1.0,
            },
            gaps=gaps,
        )
        return MultiAgencyData(
            people=self._people_table(),
            memberships=self._membership_table(),
            relationships=self._relationship_table(),
            events=events,
            coverage=coverage,
            cases=cases,
            truth=truth,
            snapshot_date=pd.Timestamp(np.datetime64(SNAPSHOT, "D")),
        )

    # -- households and people ------------------------------------------------

    def _households(self) -> None:
        rng, n_cases = self.rng, self.params["n_cases"]
        self.n_repeat = round(n_cases * self.params["repeat_referral_rate"])
        h = self.n_households = n_cases - self.n_repeat
        self.area = rng.integers(0, len(AREAS), h)
        deciles = np.arange(1, 11)
        self.decile = rng.choice(deciles, h, p=(11 - deciles) / (11 - deciles).sum())
        self.depx = (5.5 - self.decile) / 4.5  # +1 most deprived, -1 least
        self.ethnicity = rng.choice(len(ETHNICITIES), h, p=_ETHNICITY_SHARES)
        self.ref_day = rng.integers(REF_START, REF_END + 1, h)
        self.latent = rng.standard_normal(h)
        self.has_father = rng.random(h) < 0.45
        self.father_leave = np.where(
            self.has_father & (rng.random(h) < 0.3),
            rng.integers(DATA_START + 365, SNAPSHOT, h),
            -1,
        )
        father_stays = self.has_father & (self.father_leave == -1)
        self.has_partner = rng.random(h) < np.where(father_stays, 0.08, 0.45)
        self.partner_join = rng.integers(DATA_START + 365, SNAPSHOT - 30, h)
        leave_after = self.partner_join + (rng.random(h) * (SNAPSHOT - self.partner_join)).astype(
            np.int64
        )
        self.partner_leave = np.where(rng.random(h) < 0.4, leave_after, -1)
        self.has_grandparent = rng.random(h) < 0.08
        self.n_children = 1 + np.minimum(rng.poisson(0.9, h), 4)

    def _people(self) -> None:
        rng, h = self.rng, self.n_households
        households = np.arange(h)
        groups = {
            "carer": households,
            "father": households[self.has_father],
            "partner": households[self.has_partner],
            "grandparent": households[self.has_grandparent],
            "child": np.repeat(households, self.n_children),
        }
        self.kind = np.concatenate([np.full(len(v), k) for k, v in groups.items()])
        hh = self.person_household = np.concatenate(list(groups.values()))
        n = self.n_people = len(hh)
        self.person_ids = _ids("P", n, 7)
        child_offsets = np.cumsum(self.n_children) - self.n_children
        is_child = self.kind == "child"
        order = np.zeros(n, dtype=np.int64)
        order[is_child] = np.arange(is_child.sum()) - np.repeat(child_offsets, self.n_children)
        self.child_order = order
        self.index_child = np.flatnonzero(is_child & (order == 0))  # one per household, in order

        # four uniform draws per person, as many as ever (later draws stay aligned)
        u_carer, u_father, u_partner, u_grand = rng.random((4, n))
        child_age = np.where(order == 0, 17.99 * rng.beta(1.0, 1.4, n), rng.uniform(-2, 17.99, n))
        ref = self.ref_day[hh]
        age_years = self._adult_ages(
            hh, is_child, child_age, ref, u_carer, u_father, u_partner, u_grand
        )
        birth = np.minimum(ref - (age_years * _YEAR).astype(np.int64), SNAPSHOT - 30)
        self.birth = np.where(birth == -1, -2, birth)  # day -1 (1969-12-31) means "no date"

        female = np.select(
            [self.kind == "carer", self.kind == "father", self.kind == "grandparent"],
            [rng.random(n) < 0.9, np.zeros(n, bool), rng.random(n) < 0.7],
            rng.random(n) < 0.5,
        )
        carer_female = np.zeros(h, bool)
        carer_female[hh[self.kind == "carer"]] = female[self.kind == "carer"]
        partner = self.kind == "partner"
        female[partner] = ~carer_female[hh[partner]] ^ (rng.random(partner.sum()) < 0.05)
        self.female = female
        self.person_ethnicity = np.where(
            partner & (rng.random(n) < 0.3),
            rng.choice(len(ETHNICITIES), n, p=_ETHNICITY_SHARES),
            self.ethnicity[hh],
        )
        self.disabled = rng.random(n) < np.where(is_child, 0.08, 0.15)
        self.is_adult = ~is_child

        self.member_start = np.where(
            partner, self.partner_join[hh], np.maximum(self.birth, DATA_START)
        )
        self.member_end = np.select(
            [partner, self.kind == "father"],
            [self.partner_leave[hh], self.father_leave[hh]],
            -1,
        )

    def _adult_ages(
        self,
        hh: Any,
        is_child: Any,
        child_age: Any,
        ref: Any,
        u_carer: Any,
        u_father: Any,
        u_partner: Any,
        u_grand: Any,
    ) -> Any:
        """Return every person's age on the referral date, in years.

        Parents are 16 to 45 (carers) or 17 to 52 (fathers) at their eldest
        child's birth and young enough for the youngest; partners are near the
        carer's age and adult when they joined; grandparents a generation above.
        """
        h = self.n_households
        eldest = np.full(h, -np.inf)
        youngest = np.full(h, np.inf)
        np.maximum.at(eldest, hh[is_child], child_age[is_child])
        np.minimum.at(youngest, hh[is_child], child_age[is_child])
        spread = np.clip(eldest - np.maximum(youngest, 0.0), 0.0, None)
        eldest_h = np.maximum(eldest, 0.0)

        def parent(low: float, high: float, u: Any) -> Any:
            # age at the eldest child's birth, young enough to be a parent of the youngest
            top = np.maximum(high - spread[hh], low + 2.0)
            return eldest_h[hh] + low + (top - low) * u

        carer = parent(16.0, 45.0, u_carer)
        father = parent(17.0, 52.0, u_father)
        carer_of = np.zeros(h)
        is_carer = self.kind == "carer"
        carer_of[hh[is_carer]] = carer[is_carer]
        joined_years = (ref - self.partner_join[hh]) / _YEAR
        partner = np.maximum(carer_of[hh] - 6.0 + 16.0 * u_partner, 18.0 + joined_years)
        grand = np.clip(carer_of[hh] + 18.0 + 17.0 * u_grand, 36.0, 95.0)
        return np.select(
            [self.kind == "carer", self.kind == "father", self.kind == "partner"],
            [carer, father, partner],
            np.where(is_child, child_age, grand),
        )

    def _circumstances(self) -> None:
        rng, h, z, depx = self.rng, self.n_households, self.latent, self.depx

        def draw(intercept: float, latent: float = 0.8, deprivation: float = 0.5) -> Any:
            return rng.random(h) < _sigmoid(intercept + latent * z + deprivation * depx)

        self.c_domestic_abuse = draw(-1.9)
        self.c_mental_health = draw(-1.6)
        self.c_substance = draw(-2.3)
        self.c_housing = draw(-1.8, latent=0.4, deprivation=1.0)
        self.c_neglect = draw(-2.0)
        self.c_support = draw(-0.8, latent=-0.3, deprivation=0.0)

        first_of = {kind: self._first_person_of(kind) for kind in ("carer", "father", "partner")}
        choose_partner = self.has_partner & ((rng.random(h) < 0.6) | ~self.has_father)
        self.perpetrator = np.where(
            self.c_domestic_abuse,
            np.where(choose_partner, first_of["partner"], first_of["father"]),
            -1,
        )
        other_adult = np.where(self.has_partner, first_of["partner"], first_of["father"])
        self.substance_person = np.where(
            self.c_substance,
            np.where((rng.random(h) < 0.4) | (other_adult == -1), first_of["carer"], other_adult),
            -1,
        )
        self.carer = first_of["carer"]

    def _first_person_of(self, kind: str) -> npt.NDArray[np.int64]:
        out = np.full(self.n_households, -1, dtype=np.int64)
        idx = np.flatnonzero(self.kind == kind)
        out[self.person_household[idx]] = idx
        return out

    def _bearer(self, household_flag: npt.NDArray[np.bool_], person: npt.NDArray[np.int64]) -> Any:
        out = np.zeros(self.n_people)
        chosen = person[household_flag & (person >= 0)]
        out[chosen] = 1.0
        return out

    def _person_circumstances(self) -> dict[str, npt.NDArray[np.float64]]:
        hh, adult = self.person_household, self.is_adult
        return {
            "domestic_abuse": self._bearer(self.c_domestic_abuse, self.perpetrator),
            "domestic_abuse_victim": self._bearer(self.c_domestic_abuse, self.carer),
            "parental_mental_health": self._bearer(self.c_mental_health, self.carer),
            "substance_misuse": self._bearer(self.c_substance, self.substance_person),
            "housing_instability": (self.c_housing[hh] & adult).astype(float),
            "neglect": (self.c_neglect[hh] & ~adult).astype(float),
            "support": (self.c_support[hh] & ~adult).astype(float),
            "disability": self.disabled.astype(float),
            "deprivation": np.clip(self.depx[hh], 0.0, None),
        }

    # -- cases and outcomes ---------------------------------------------------

    def _cases(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng = self.rng
        first_child = self.index_child
        first_ref = self.ref_day
        birth = self.birth[first_child]
        eligible = np.flatnonzero((first_ref <= REF_END - 180) & ((first_ref - birth) < 15 * _YEAR))
        repeat_hh = np.sort(rng.choice(eligible, min(self.n_repeat, len(eligible)), replace=False))
        if len(repeat_hh) < self.n_repeat:  # tiny data sets: top up from any household
            extra = rng.choice(self.n_households, self.n_repeat - len(repeat_hh), replace=True)
            repeat_hh = np.concatenate([repeat_hh, extra])
        repeat_ref = np.minimum(
            first_ref[repeat_hh] + rng.integers(180, 721, len(repeat_hh)), REF_END
        )
        hh = np.concatenate([np.arange(self.n_households), repeat_hh])
        ref = np.concatenate([first_ref, repeat_ref])
        child = first_child[hh]
        order = np.lexsort((hh, ref))
        hh, ref, child = hh[order], ref[order], child[order]

        perp = self.perpetrator[hh]
        perp_safe = np.maximum(perp, 0)
        perp_present = (
            (perp >= 0)
            & (self.member_start[perp_safe] <= ref)
            & ((self.member_end[perp_safe] == -1) | (self.member_end[perp_safe] >= ref))
        )
        under_2 = (ref - self.birth[child]) < 2 * _YEAR
        terms = {
            "domestic_abuse": perp_present,
            "parental_mental_health": self.c_mental_health[hh],
            "substance_misuse": self.c_substance[hh],
            "housing_instability": self.c_housing[hh],
            "neglect": self.c_neglect[hh],
            "support": self.c_support[hh],
            "child_under_2": under_2,
        }
        logit = HARM_MODEL["intercept"] + sum(
            HARM_MODEL[name] * value.astype(float) for name, value in terms.items()
        )
        harm = rng.random(len(hh)) < _sigmoid(np.asarray(logit, dtype=float))
        in_group = self.person_ethnicity[child] == ETHNICITIES.index(self.params["bias_group"])
        ratio = np.where(in_group, self.params["label_bias"], 1.0)
        p_record = np.where(harm, _P_RECORDED_IF_HARM, _P_RECORDED_IF_NO_HARM) * ratio
        outcome = (rng.random(len(hh)) < p_record).astype(np.int8)

        case_ids = _ids("C", len(hh), 7)
        self.case_child, self.case_ref, self.case_outcome = child, ref, outcome
        cases = pd.DataFrame(
            {
                "case_id": case_ids,
                "person_id": self.person_ids[child],
                "reference_date": _dates(ref),
                "outcome": outcome,
            }
        )
        case_truth = pd.DataFrame(
            {"case_id": case_ids, "household_id": self._household_ids()[hh]}
            | {name: value.astype(bool) for name, value in terms.items()}
            | {
                "harm_logit": logit,
                "true_harm": harm,
                "outcome": outcome,
                "bias_group": in_group,
            }
        )
        return cases.astype({"case_id": "str", "person_id": "str"}), case_truth

    # -- events ---------------------------------------------------------------

    def _biased_event_types(self) -> list[tuple[str, str]]:
        concerns = {"support", "disability", "deprivation"}
        return sorted(
            {
                (rate.agency, rate.event_type)
                for rate in EVENT_RATES
                if rate.agency in self.params["biased_agencies"] and set(rate.drivers) - concerns
            }
        )

    def _events(self, cases: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        bearers = self._person_circumstances()
        biased = set(self._biased_event_types())
        in_group = self.person_ethnicity == ETHNICITIES.index(self.params["bias_group"])
        persons: list[npt.NDArray[np.int64]] = []
        rows: list[npt.NDArray[np.int64]] = []
        days: list[npt.NDArray[np.int64]] = []
        rates = progress(EVENT_RATES, desc="generating agency records", unit="event type")
        for r, rate in enumerate(rates):
            if rate.agency not in self.params["agencies"]:
                continue
            start, end = self._exposure(rate)
            years = np.clip(end - start + 1, 0, None) / _YEAR
            lam = np.full(self.n_people, rate.base)
            for circumstance, extra in rate.drivers.items():
                lam += extra * bearers[circumstance]
            if (rate.agency, rate.event_type) in biased:
                lam *= np.where(in_group, self.params["recording_bias"], 1.0)
            counts = rng.poisson(lam * years * (years > 0))
            who = np.repeat(np.arange(self.n_people), counts)
            persons.append(who)
            rows.append(np.full(len(who), r))
            span = end[who] - start[who] + 1
            days.append(start[who] + (rng.random(len(who)) * span).astype(np.int64))

        referral = _rate_index("childrens_social_care", "referral", "child")
        plan = _rate_index("childrens_social_care", "child_protection_plan", "child")
        if "childrens_social_care" in self.params["agencies"]:
            # The referral that opened each case, on its reference date, and the
            # recorded outcome: a child protection plan within the next 12 months.
            recorded = self.case_outcome == 1
            persons += [self.case_child, self.case_child[recorded]]
            rows += [
                np.full(len(self.case_child), referral),
                np.full(int(recorded.sum()), plan),
            ]
            days += [
                self.case_ref,
                self.case_ref[recorded] + rng.integers(14, 366, int(recorded.sum())),
            ]
        person = np.concatenate(persons)
        row = np.concatenate(rows)
        day = np.concatenate(days)
        keep = self._recorded(person, row, day)
        person, row, day = person[keep], row[keep], day[keep]
        order = np.lexsort((row, day, person))
        person, row, day = person[order], row[order], day[order]
        agency = np.array([rate.agency for rate in EVENT_RATES])[row]
        event_type = np.array([rate.event_type for rate in EVENT_RATES])[row]
        events = pd.DataFrame(
            {
                "event_id": _ids("E", len(person), 8),
                "person_id": self.person_ids[person],
                "agency": pd.Categorical(agency, categories=AGENCIES),
                "event_type": pd.Categorical(
                    event_type, categories=sorted({r.event_type for r in EVENT_RATES})
                ),
                "date": _dates(day),
            }
        )
        return events.astype({"event_id": "str", "person_id": "str"})

    def _exposure(self, rate: EventRate) -> tuple[Any, Any]:
        """Days during which ``rate`` can be recorded for each person."""
        low, high = rate.ages
        start = np.maximum(DATA_START, self.birth + int(low * _YEAR))
        end = np.minimum(SNAPSHOT, self.birth + int(high * _YEAR) - 1)
        wrong_role = self.is_adult if rate.who == "child" else ~self.is_adult
        end = np.where(wrong_role, start - 1, end)
        return start, end

    # -- coverage and planted gaps --------------------------------------------

    def _gap_flags(self) -> dict[str, Any]:
        rng, h = self.rng, self.n_households
        grt = self.ethnicity == ETHNICITIES.index("Gypsy, Roma or Traveller")
        p_unregistered = np.clip(
            self.params["gp_unregistered_rate"] * np.where(grt, 4.4, 1.0) * (1 + 0.3 * self.depx),
            0,
            1,
        )
        unregistered = rng.random(h) < p_unregistered
        unmatched = (self.kind == "partner") & (
            rng.random(self.n_people) < self.params["unmatched_partner_rate"]
        )
        return {"unregistered": unregistered, "unmatched": unmatched}

    def _recorded(self, person: Any, row: Any, day: Any) -> Any:
        """Whether each generated event reached the shared records."""
        if not hasattr(self, "gap_flags"):
            self.gap_flags = self._gap_flags()
        agency = np.array([rate.agency for rate in EVENT_RATES])[row]
        area = self.area[self.person_household[person]]
        unmatched = self.gap_flags["unmatched"][person]
        unregistered = self.gap_flags["unregistered"][self.person_household[person]]
        police_area, gap_start, gap_end = _POLICE_GAP
        stale_area, extract_day = _HOUSING_STALE
        lost = (
            ((agency == "health") & (unregistered | unmatched))
            | ((agency == "police") & unmatched)
            | (
                (agency == "police")
                & (area == AREAS.index(police_area))
                & (day >= gap_start)
                & (day <= gap_end)
            )
            | ((agency == "housing") & (area == AREAS.index(stale_area)) & (day > extract_day))
        )
        return ~lost

    def _coverage(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if not hasattr(self, "gap_flags"):
            self.gap_flags = self._gap_flags()
        n = self.n_people
        everyone = np.arange(n)
        start = np.maximum(DATA_START, self.birth)
        area = self.area[self.person_household]
        unmatched = self.gap_flags["unmatched"]
        unregistered = self.gap_flags["unregistered"][self.person_household]
        police_area, gap_start, gap_end = _POLICE_GAP
        stale_area, extract_day = _HOUSING_STALE
        in_gap_area = area == AREAS.index(police_area)
        stale = area == AREAS.index(stale_area)
        pieces: list[tuple[str, Any, Any, Any, str, str | None]] = []

        def add(agency: str, who: Any, s: Any, e: Any, status: str, reason: str | None) -> None:
            who = np.asarray(who)
            s = np.broadcast_to(s, n)[who]
            e = np.broadcast_to(e, n)[who]
            ok = s <= e
            pieces.append((agency, who[ok], s[ok], e[ok], status, reason))

        unmatched_reason = "could not be matched to this agency's records"
        add("childrens_social_care", everyone, start, SNAPSHOT, "available", None)
        police_ok = ~unmatched
        add("police", everyone[police_ok & ~in_gap_area], start, SNAPSHOT, "available", None)
        gap_people = everyone[police_ok & in_gap_area]
        add("police", gap_people, start, gap_start - 1, "available", None)
        add(
            "police",
            gap_people,
            np.maximum(start, gap_start),
            gap_end,
            "unavailable",
            f"police data for the {police_area} area was not supplied for 2023",
        )
        add("police", gap_people, np.maximum(start, gap_end + 1), SNAPSHOT, "available", None)
        add("police", everyone[unmatched], start, SNAPSHOT, "unmatched", unmatched_reason)
        add("health", everyone[unmatched], start, SNAPSHOT, "unmatched", unmatched_reason)
        add(
            "health",
            everyone[~unmatched & unregistered],
            start,
            SNAPSHOT,
            "unavailable",
            "not registered with a GP practice",
        )
        add("health", everyone[~unmatched & ~unregistered], start, SNAPSHOT, "available", None)
        children = everyone[~self.is_adult]
        school_start = np.maximum(DATA_START, self.birth + int(5 * _YEAR))
        school_end = np.minimum(SNAPSHOT, self.birth + int(16 * _YEAR) - 1)
        add("education", children, school_start, school_end, "available", None)
        not_of_school_age = "not of compulsory school age"
        add("education", children, start, school_start - 1, "not_applicable", not_of_school_age)
        add(
            "education",
            children,
            np.maximum(start, school_end + 1),
            SNAPSHOT,
            "not_applicable",
            not_of_school_age,
        )
        # housing records are shared for everyone (tenancies are held by adults,
        # but children who come of age are counted as household adults)
        add("housing", everyone[~stale], start, SNAPSHOT, "available", None)
        stale_people = everyone[stale]
        add("housing", stale_people, start, extract_day, "available", None)
        add(
            "housing",
            stale_people,
            np.maximum(start, extract_day + 1),
            SNAPSHOT,
            "unavailable",
            f"no housing extract received for the {stale_area} area since 2024-03-31",
        )
        pieces = [p for p in pieces if p[0] in self.params["agencies"]]
        person = np.concatenate([p[1] for p in pieces])
        coverage = pd.DataFrame(
            {
                "person_id": self.person_ids[person],
                "agency": pd.Categorical(
                    np.concatenate([np.full(len(p[1]), p[0]) for p in pieces]),
                    categories=AGENCIES,
                ),
                "start_date": _dates(np.concatenate([p[2] for p in pieces])),
                "end_date": _dates(np.concatenate([p[3] for p in pieces])),
                "status": pd.Categorical(
                    np.concatenate([np.full(len(p[1]), p[4]) for p in pieces]),
                    categories=list(COVERAGE_STATUSES),
                ),
                "reason": np.concatenate([np.full(len(p[1]), p[5], dtype=object) for p in pieces]),
            }
        )
        coverage = coverage.sort_values(["person_id", "agency", "start_date"], kind="stable")
        coverage = coverage.reset_index(drop=True).astype({"person_id": "str", "reason": "str"})
        return coverage, self._gap_table(unregistered, unmatched)

    def _gap_table(self, unregistered: Any, unmatched: Any) -> pd.DataFrame:
        police_area, gap_start, gap_end = _POLICE_GAP
        stale_area, extract_day = _HOUSING_STALE
        rows = [
            {
                "kind": "area_outage",
                "agency": "police",
                "person_id": None,
                "area": police_area,
                "start_date": gap_start,
                "end_date": gap_end,
                "description": "Police data not supplied for one area during 2023.",
            },
            {
                "kind": "stale_extract",
                "agency": "housing",
                "person_id": None,
                "area": stale_area,
                "start_date": extract_day + 1,
                "end_date": SNAPSHOT,
                "description": "Housing extract for one area not refreshed since 2024-03-31.",
            },
        ]
        table = pd.DataFrame(rows)
        no_gp = self.person_ids[np.flatnonzero(unregistered)]
        not_matched = self.person_ids[np.flatnonzero(unmatched)]
        per_person = pd.DataFrame(
            {
                "kind": ["no_gp_registration"] * len(no_gp) + ["unmatched"] * 2 * len(not_matched),
                "agency": ["health"] * len(no_gp)
                + ["police"] * len(not_matched)
                + ["health"] * len(not_matched),
                "person_id": np.concatenate([no_gp, not_matched, not_matched]),
                "area": None,
                "start_date": DATA_START,
                "end_date": SNAPSHOT,
                "description": ["Household not registered with a GP practice."] * len(no_gp)
                + ["Partner could not be matched to the agency's records."] * 2 * len(not_matched),
            }
        )
        table = pd.concat([table, per_person], ignore_index=True)
        table = table[table["agency"].isin(self.params["agencies"])].reset_index(drop=True)
        for column in ("start_date", "end_date"):
            table[column] = _dates(table[column].to_numpy(dtype=np.int64))
        return table

    # -- tables ---------------------------------------------------------------

    def _household_ids(self) -> npt.NDArray[np.object_]:
        if not hasattr(self, "household_ids"):
            self.household_ids = _ids("H", self.n_households, 7)
        return self.household_ids

    def _people_table(self) -> pd.DataFrame:
        hh = self.person_household
        table = pd.DataFrame(
            {
                "person_id": self.person_ids,
                "role": np.where(self.is_adult, "adult", "child"),
                "birth_date": _dates(self.birth),
                "sex": np.where(self.female, "female", "male"),
                "ethnicity": pd.Categorical(
                    np.array(ETHNICITIES)[self.person_ethnicity], categories=ETHNICITIES
                ),
                "disability": self.disabled,
                "area": pd.Categorical(np.array(AREAS)[self.area[hh]], categories=AREAS),
                "deprivation_decile": self.decile[hh].astype(np.int8),
            }
        )
        return table.astype({"person_id": "str", "role": "str", "sex": "str"})

    def _membership_table(self) -> pd.DataFrame:
        order = np.lexsort((self.kind != "carer", self.person_household))
        table = pd.DataFrame(
            {
                "person_id": self.person_ids[order],
                "household_id": self._household_ids()[self.person_household[order]],
                "start_date": _dates(self.member_start[order]),
                "end_date": _dates(self.member_end[order]),
            }
        )
        return table.astype({"person_id": "str", "household_id": "str"})

    def _relationship_table(self) -> pd.DataFrame:
        members = pd.DataFrame(
            {"person": np.arange(self.n_people), "hh": self.person_household, "kind": self.kind}
        )
        children = members[members["kind"] == "child"]
        pairs = children.merge(members, on="hh", suffixes=("", "_other"))
        pairs = pairs[pairs["person"] != pairs["person_other"]]
        relationship = pairs["kind_other"].map(
            {
                "carer": "parent",
                "father": "parent",
                "partner": "partner_of_parent",
                "grandparent": "grandparent",
                "child": "sibling",
            }
        )
        table = pd.DataFrame(
            {
                "person_id": self.person_ids[pairs["person"].to_numpy()],
                "other_id": self.person_ids[pairs["person_other"].to_numpy()],
                "relationship": relationship.to_numpy(),
            }
        )
        return table.astype(str).reset_index(drop=True)

    def _circumstance_table(self) -> pd.DataFrame:
        def person(idx: npt.NDArray[np.int64]) -> Any:
            return np.where(
                idx >= 0, self.person_ids[np.maximum(idx, 0)], np.array([None], dtype=object)
            )

        return pd.DataFrame(
            {
                "household_id": self._household_ids(),
                "domestic_abuse": self.c_domestic_abuse,
                "perpetrator_id": person(self.perpetrator),
                "parental_mental_health": self.c_mental_health,
                "substance_misuse": self.c_substance,
                "substance_misuse_person_id": person(self.substance_person),
                "housing_instability": self.c_housing,
                "neglect": self.c_neglect,
                "support": self.c_support,
                "gp_unregistered": self.gap_flags["unregistered"],
            }
        )


def _rate_index(agency: str, event_type: str, who: str) -> int:
    for i, rate in enumerate(EVENT_RATES):
        if (rate.agency, rate.event_type, rate.who) == (agency, event_type, who):
            return i
    raise KeyError((agency, event_type, who))  # pragma: no cover - a vocabulary error


def _event_rate_table() -> pd.DataFrame:
    harm = set(HARM_MODEL) | {"domestic_abuse_victim"}
    drivers = sorted({name for rate in EVENT_RATES for name in rate.drivers})
    rows = []
    for rate in EVENT_RATES:
        if set(rate.drivers) & harm:
            role = "informative"
        elif rate.drivers:
            role = "proxy"
        else:
            role = "noise"
        rows.append(
            {
                "agency": rate.agency,
                "event_type": rate.event_type,
                "who": rate.who,
                "min_age": rate.ages[0],
                "max_age": rate.ages[1],
                "base": rate.base,
                **{name: rate.drivers.get(name, 0.0) for name in drivers},
                "role": role,
            }
        )
    return pd.DataFrame(rows)
