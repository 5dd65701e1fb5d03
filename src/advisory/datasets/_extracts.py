"""Per-agency extracts with each agency's own person ids and planted recording errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._checks import check_fraction, check_int, check_positive
from advisory._errors import ParameterError
from advisory.datasets._multiagency import (
    _YEAR,
    DATA_START,
    SNAPSHOT,
    MultiAgencyData,
    _dates,
    _Generator,
    _validated,
)
from advisory.datasets._names import NAME_POOLS, NAME_SWAP_FACTOR, NICKNAMES, SPELLINGS
from advisory.datasets._vocabulary import AGENCIES, AREAS, ETHNICITIES, EVENT_TYPES

__all__ = ["EXTRACT_ERROR_RATES", "AgencyExtracts", "ExtractTruth", "make_agency_extracts"]

_OWNER: Final = "make_agency_extracts"
_ETHNICITY_SHARES: Final = (0.60, 0.08, 0.10, 0.08, 0.08, 0.01, 0.05)

#: The agency that holds the cases and the household picture (memberships,
#: relationships, coverage), keyed by its own person ids.
CASE_AGENCY: Final = "childrens_social_care"

#: Default rates of every planted error, per agency record (the case agency's
#: own records get half of each rate, and no date-of-birth slips: its dates of
#: birth agree with its own household records). ``nickname`` and ``spelling`` apply to
#: names that have one (see :mod:`advisory.datasets._names`); ``name_swap`` is
#: multiplied by the group's factor; ``moved`` (an older address) is three
#: times as common for Gypsy, Roma and Traveller people.
EXTRACT_ERROR_RATES: Final[dict[str, float]] = {
    "first_name_typo": 0.03,
    "last_name_typo": 0.03,
    "nickname": 0.15,
    "spelling": 0.25,
    "name_swap": 0.01,
    "surname_change": 0.05,
    "first_name_missing": 0.005,
    "birth_day_month_swap": 0.02,
    "birth_date_typo": 0.01,
    "birth_date_missing": 0.01,
    "sex_missing": 0.02,
    "moved": 0.08,
    "postcode_missing": 0.03,
    "nhs_number_missing": 0.05,
    "nhs_number_typo": 0.005,
    "duplicate_record": 0.02,
    "outsider": 0.10,
    "same_name_and_birth": 0.01,
    "twins": 0.03,
}

#: Which agencies hold an NHS number, and for what share of their people.
_NHS_HELD: Final = {"health": 1.0, "childrens_social_care": 0.7}
#: How each agency writes sex.
_SEX_CODES: Final = {
    "police": ("F", "M"),
    "health": ("F", "M"),
}
_ID_PREFIX: Final = {
    "childrens_social_care": "CS",
    "police": "PN",
    "health": "HL",
    "education": "ED",
    "housing": "HO",
}
_INWARD_LETTERS: Final = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
_ALPHABET: Final = np.array(list("abcdefghijklmnopqrstuvwxyz"))


@dataclass(frozen=True, kw_only=True)
class ExtractTruth:
    """What :func:`make_agency_extracts` planted.

    Attributes
    ----------
    seed : int
    parameters : dict
        Every argument, with the error rates used.
    error_rates : dict
        The rate of each planted error (see :data:`EXTRACT_ERROR_RATES`).
    links : pandas.DataFrame
        One row per agency record: ``agency``, ``agency_person_id``, the true
        ``person_id`` (``P...`` for household members, ``X...`` for people
        outside every household), ``ethnicity`` and ``errors`` (the planted
        errors of that record, ``;``-separated, empty when none).
    records : MultiAgencyData
        The records with true person ids, as :func:`make_multiagency` gives
        them (what a perfect linkage would rebuild).
    """

    seed: int
    parameters: dict[str, Any]
    error_rates: dict[str, float]
    links: pd.DataFrame
    records: MultiAgencyData


@dataclass(frozen=True, kw_only=True)
class AgencyExtracts:
    """Each agency's own person table and events, and the case agency's household picture.

    Attributes
    ----------
    people : dict of str to pandas.DataFrame
        Per agency: ``agency_person_id``, ``first_name``, ``last_name``,
        ``birth_date``, ``sex``, ``postcode`` and, where the agency holds one,
        ``nhs_number``. The case agency's table also has ``role``,
        ``ethnicity``, ``disability``, ``area`` and ``deprivation_decile``.
    events : dict of str to pandas.DataFrame
        Per agency: ``event_id``, ``agency_person_id``, ``event_type``, ``date``.
    memberships, relationships, cases, coverage : pandas.DataFrame
        The case agency's tables of the records schema, keyed by its own ids.
    case_agency : str
        The agency holding cases and households (``"childrens_social_care"``).
    snapshot_date : pandas.Timestamp
    truth : ExtractTruth
    """

    people: dict[str, pd.DataFrame]
    events: dict[str, pd.DataFrame]
    memberships: pd.DataFrame
    relationships: pd.DataFrame
    cases: pd.DataFrame
    coverage: pd.DataFrame
    case_agency: str
    snapshot_date: pd.Timestamp
    truth: ExtractTruth

    @property
    def n_records(self) -> int:
        """Agency person records, all agencies together."""
        return sum(len(table) for table in self.people.values())

    def write(self, folder: str | os.PathLike[str]) -> Path:
        """Write one sub-folder per agency (``people.csv``, ``events.csv``; the case tables).

        Dates are written as ISO 8601. The truth is not written.

        Parameters
        ----------
        folder : str or os.PathLike
            Created if missing.

        Returns
        -------
        pathlib.Path
            The folder.

        Examples
        --------
        >>> import tempfile
        >>> extracts = make_agency_extracts(n_cases=20, seed=1)
        >>> root = extracts.write(tempfile.mkdtemp())
        >>> sorted(p.name for p in (root / "childrens_social_care").iterdir())  # doctest: +ELLIPSIS
        ['cases.csv', 'coverage.csv', 'events.csv', 'memberships.csv', 'people.csv', ...]
        """
        root = Path(folder)
        for agency, people in self.people.items():
            where = root / agency
            where.mkdir(parents=True, exist_ok=True)
            people.to_csv(where / "people.csv", index=False, date_format="%Y-%m-%d")
            self.events[agency].to_csv(where / "events.csv", index=False, date_format="%Y-%m-%d")
        where = root / self.case_agency
        for name in ("memberships", "relationships", "cases", "coverage"):
            table: pd.DataFrame = getattr(self, name)
            table.to_csv(where / f"{name}.csv", index=False, date_format="%Y-%m-%d")
        return root


def make_agency_extracts(
    n_cases: int = 2_000,
    *,
    seed: int = 0,
    agencies: tuple[str, ...] | None = None,
    error_scale: float = 1.0,
    error_rates: Mapping[str, float] | None = None,
) -> AgencyExtracts:
    """Generate per-agency extracts of the synthetic records, with planted linkage errors.

    The people, households and events of :func:`make_multiagency` (same
    seed), as five agencies would hold them: each with its own person ids,
    names, dates of birth, sex and postcode as that agency recorded them, an
    NHS number where the agency holds one, and its events keyed by its own
    ids. The case agency (children's social care) also holds the cases,
    household memberships, relationships and coverage, keyed by its ids. No
    identifier is shared across agencies; the true links are in
    ``truth.links``.

    Who appears where: children's social care holds every household member;
    health everyone registered with a GP; police, education and housing the
    people they have records of (education every school-age child, housing
    every main carer). Each non-case agency also holds people outside every
    household (``outsider``), some sharing a name and date of birth with a
    household member (``same_name_and_birth``).

    Planted errors, at the rates of :data:`EXTRACT_ERROR_RATES` times
    ``error_scale`` (overridden one by one by ``error_rates``): typos in
    names, nicknames, other spellings of transliterated names, given and
    family name swapped (more often for groups whose naming conventions
    differ), a changed surname, missing values, day and month of birth
    swapped, other date-of-birth slips, an older address (``moved``), a
    second record of the same person in one agency (``duplicate_record``),
    and twins (two children of a household born the same day). Name pools
    differ by ethnic group, so linkage difficulty does too.

    Parameters
    ----------
    n_cases : int, default=2000
        Referrals, as in :func:`make_multiagency`; about 12 agency records
        per case.
    seed : int, default=0
        Seed; the same seed and arguments give identical extracts.
    agencies : tuple of str, optional
        Agencies with extracts (default: all five; the case agency always).
    error_scale : float, default=1.0
        Multiplies every default error rate (0 gives clean extracts).
    error_rates : mapping of str to float, optional
        Rates to use instead of the scaled defaults, by name.

    Returns
    -------
    AgencyExtracts
        Each agency's tables, the case agency's household tables and the truth.

    Raises
    ------
    ParameterError
        If an argument is out of range or names an unknown agency or error.

    Examples
    --------
    >>> extracts = make_agency_extracts(n_cases=100, seed=3)
    >>> sorted(extracts.people)
    ['childrens_social_care', 'education', 'health', 'housing', 'police']
    >>> list(extracts.people["health"].columns)
    ['agency_person_id', 'first_name', 'last_name', 'birth_date', 'sex', 'postcode', 'nhs_number']
    >>> extracts.truth.links["person_id"].str[0].isin(["P", "X"]).all()
    np.True_
    """
    n_cases = check_int(n_cases, "n_cases", _OWNER, minimum=1)
    seed = check_int(seed, "seed", _OWNER, minimum=0)
    scale = check_positive(error_scale, "error_scale", _OWNER) if error_scale != 0 else 0.0
    rates = {name: min(rate * scale, 1.0) for name, rate in EXTRACT_ERROR_RATES.items()}
    for name, value in dict(error_rates or {}).items():
        if name not in EXTRACT_ERROR_RATES:
            raise ParameterError(
                "error_rates",
                _OWNER,
                f"a mapping with keys from {sorted(EXTRACT_ERROR_RATES)}",
                name,
            )
        rates[name] = check_fraction(value, f"error_rates[{name!r}]", _OWNER)
    chosen = tuple(agencies) if agencies is not None else AGENCIES
    if isinstance(agencies, str) or any(a not in AGENCIES for a in chosen):
        raise ParameterError(
            "agencies", _OWNER, f"a tuple of names from {list(AGENCIES)}", agencies
        )
    if CASE_AGENCY not in chosen:
        chosen = (CASE_AGENCY, *chosen)
    params = _validated(
        n_cases=n_cases,
        seed=seed,
        agencies=chosen,
        recording_bias=1.6,
        label_bias=1.5,
        bias_group="Black",
        biased_agencies=("police", "childrens_social_care"),
        gp_unregistered_rate=0.08,
        unmatched_partner_rate=0.0,
        repeat_referral_rate=0.08,
    )
    generator = _TwinGenerator(params, twin_rate=rates["twins"])
    data = generator.run()
    return _Extracts(generator, data, rates, np.random.default_rng([seed, 14])).build(
        {"n_cases": n_cases, "seed": seed, "agencies": chosen, "error_scale": scale}
    )


class _TwinGenerator(_Generator):
    """The multi-agency generator with twins planted among each household's children."""

    def __init__(self, params: dict[str, Any], *, twin_rate: float) -> None:
        super().__init__(params)
        self.twin_rate = twin_rate

    def _people(self) -> None:
        super()._people()
        rng = np.random.default_rng([self.params["seed"], 15])
        second = np.flatnonzero((self.kind == "child") & (self.child_order == 1))
        twins = second[rng.random(len(second)) < self.twin_rate]
        self.birth[twins] = self.birth[self.index_child[self.person_household[twins]]]
        # a child is in the household from birth (or the start of the records)
        self.member_start[twins] = np.maximum(self.birth[twins], DATA_START)
        self.twins = twins


def _nhs_numbers(rng: np.random.Generator, count: int) -> npt.NDArray[np.object_]:
    """Draw valid NHS numbers (modulus 11 check digit), as 10-digit strings."""
    digits = rng.integers(0, 10, (count, 9))
    digits[:, 0] = rng.integers(4, 10, count)
    weights = np.arange(10, 1, -1)
    while True:
        check = 11 - (digits @ weights) % 11
        bad = check == 10
        if not bad.any():
            break
        digits[bad, 8] = (digits[bad, 8] + 1) % 10
    check = np.where(check == 11, 0, check)
    whole = digits @ (10 ** np.arange(9, 0, -1)) + check
    return np.array([f"{v:010d}" for v in whole], dtype=object)


def _postcodes(rng: np.random.Generator, area: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    district = area * 4 + rng.integers(1, 5, len(area))
    sector = rng.integers(1, 10, len(area))
    letters = _INWARD_LETTERS[rng.integers(0, len(_INWARD_LETTERS), (len(area), 2))]
    return np.array(
        [f"LS{d} {s}{a}{b}" for d, s, (a, b) in zip(district, sector, letters, strict=True)],
        dtype=object,
    )


def _typos(rng: np.random.Generator, names: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """One keying slip per name: a letter substituted, dropped, doubled or two swapped."""
    kind = rng.integers(0, 4, len(names))
    where = rng.random(len(names))
    letter = _ALPHABET[rng.integers(0, 26, len(names))]
    out = names.copy()
    for i, name in enumerate(names):
        if not isinstance(name, str) or len(name) < 3:
            continue
        k = 1 + int(where[i] * (len(name) - 2))  # never the first letter
        if kind[i] == 0:
            out[i] = name[:k] + letter[i] + name[k + 1 :]
        elif kind[i] == 1:
            out[i] = name[:k] + name[k + 1 :]
        elif kind[i] == 2:
            out[i] = name[:k] + name[k] + name[k:]
        else:
            out[i] = name[:k] + name[k + 1] + name[k] + name[k + 2 :]
    return out


def _pick(
    rng: np.random.Generator, names: npt.NDArray[np.object_], table: Mapping[str, tuple[str, ...]]
) -> Any:
    draws = rng.random(len(names))
    return np.array(
        [
            table[n][int(u * len(table[n]))] if n in table else n
            for n, u in zip(names, draws, strict=True)
        ],
        dtype=object,
    )


class _Extracts:
    """One run of the extracts generator over a generated population."""

    def __init__(
        self,
        generator: _TwinGenerator,
        data: MultiAgencyData,
        rates: dict[str, float],
        rng: np.random.Generator,
    ) -> None:
        self.g = generator
        self.data = data
        self.rates = rates
        self.rng = rng

    # -- who each person truly is -----------------------------------------------

    def _identities(self) -> None:
        g, rng = self.g, self.rng
        n, h = g.n_people, g.n_households
        ethnicity = g.person_ethnicity
        female = g.female
        first, surname_of = _draw_names(rng, ethnicity, female)
        # parents give their children distinct first names (and rarely their own):
        # redraw repeats within a household
        hh = g.person_household
        for _ in range(8):
            repeat = pd.DataFrame({"hh": hh, "first": first}).duplicated(keep="first").to_numpy()
            if not repeat.any():
                break
            for e, group in enumerate(ETHNICITIES):
                pool = NAME_POOLS[group]
                for sex, is_sex in (("female", female), ("male", ~female)):
                    chosen = np.flatnonzero(repeat & (ethnicity == e) & is_sex)
                    names = np.array(pool[sex], dtype=object)
                    first[chosen] = names[rng.integers(0, len(names), len(chosen))]
        # a household surname: the carer's; children take the father's where
        # there is one (mostly), grandparents the carer's half the time
        carer = g.carer
        father = g._first_person_of("father")
        last = surname_of.copy()
        child = g.kind == "child"
        with_father = child & (father[hh] >= 0) & (rng.random(n) < 0.7)
        last[child] = surname_of[carer[hh[child]]]
        last[with_father] = surname_of[father[hh[with_father]]]
        grand = (g.kind == "grandparent") & (rng.random(n) < 0.5)
        last[grand] = surname_of[carer[hh[grand]]]
        self.first, self.last = first, last
        household_postcode = _postcodes(rng, g.area)
        self.postcode = household_postcode[hh]
        moved_area = np.where(rng.random(n) < 0.6, g.area[hh], rng.integers(0, len(AREAS), n))
        self.old_postcode = _postcodes(rng, moved_area)
        self.nhs = _nhs_numbers(rng, n)
        del h

    # -- who appears in which agency --------------------------------------------

    def _members(self) -> dict[str, npt.NDArray[np.int64]]:
        g, data = self.g, self.data
        person_index = pd.Index(g.person_ids)
        agencies = self.g.params["agencies"]
        out: dict[str, npt.NDArray[np.int64]] = {}
        events = data.events
        for agency in agencies:
            with_events = person_index.get_indexer(
                events.loc[events["agency"] == agency, "person_id"].unique()
            )
            if agency == CASE_AGENCY:
                chosen = np.arange(g.n_people)
            elif agency == "health":
                unregistered = g.gap_flags["unregistered"][g.person_household]
                chosen = np.flatnonzero(~unregistered)
            elif agency == "education":
                school_end = g.birth + int(16 * _YEAR)
                school_start = g.birth + int(5 * _YEAR)
                child = (
                    (g.kind == "child") & (school_end >= DATA_START) & (school_start <= SNAPSHOT)
                )
                chosen = np.union1d(np.flatnonzero(child), with_events)
            elif agency == "housing":
                chosen = np.union1d(np.flatnonzero(g.kind == "carer"), with_events)
            else:
                chosen = with_events
            out[agency] = np.sort(chosen.astype(np.int64))
        return out

    # -- the records, then their errors ---------------------------------------

    def build(self, parameters: dict[str, Any]) -> AgencyExtracts:
        self._identities()
        rng, rates, g = self.rng, self.rates, self.g
        members = self._members()
        n = g.n_people
        # outsiders: people in no household, each in one non-case agency
        others = [a for a in members if a != CASE_AGENCY]
        n_out = {a: round(rates["outsider"] * len(members[a])) for a in others}
        n_outsiders = sum(n_out.values())
        out_eth = rng.choice(len(ETHNICITIES), n_outsiders, p=_ETHNICITY_SHARES)
        out_female = rng.random(n_outsiders) < 0.5
        out_first, out_last = _draw_names(rng, out_eth, out_female)
        out_birth = rng.integers(DATA_START - int(70 * _YEAR), SNAPSHOT - int(_YEAR), n_outsiders)
        # some share a household member's name, sex and date of birth
        shares = np.flatnonzero(rng.random(n_outsiders) < rates["same_name_and_birth"])
        twin_of = rng.integers(0, n, len(shares))
        out_first[shares] = self.first[twin_of]
        out_last[shares] = self.last[twin_of]
        out_birth[shares] = g.birth[twin_of]
        out_female[shares] = g.female[twin_of]
        out_eth[shares] = g.person_ethnicity[twin_of]
        out_area = rng.integers(0, len(AREAS), n_outsiders)
        # person arrays over household members then outsiders
        first = np.concatenate([self.first, out_first])
        last = np.concatenate([self.last, out_last])
        birth = np.concatenate([g.birth, out_birth])
        female = np.concatenate([g.female, out_female])
        eth = np.concatenate([g.person_ethnicity, out_eth])
        postcode = np.concatenate([self.postcode, _postcodes(rng, out_area)])
        old_postcode = np.concatenate([self.old_postcode, _postcodes(rng, out_area)])
        nhs = np.concatenate([self.nhs, _nhs_numbers(rng, n_outsiders)])
        adult = np.concatenate([g.is_adult, np.ones(n_outsiders, bool)])
        true_ids = np.concatenate(
            [g.person_ids, np.array([f"X{i:07d}" for i in range(1, n_outsiders + 1)], dtype=object)]
        )

        # records: (agency, person), with duplicates in non-case agencies
        start = n
        rec_agency: list[npt.NDArray[Any]] = []
        rec_person: list[npt.NDArray[np.int64]] = []
        for holder in members:
            who = members[holder]
            if holder != CASE_AGENCY:
                extra_people = np.arange(start, start + n_out[holder])
                start += n_out[holder]
                dup = who[rng.random(len(who)) < rates["duplicate_record"]]
                who = np.concatenate([who, extra_people, dup])
            rec_agency.append(np.full(len(who), holder, dtype=object))
            rec_person.append(who)
        agency: npt.NDArray[np.object_] = np.concatenate(rec_agency)
        person = np.concatenate(rec_person)
        m = len(person)
        case = agency == CASE_AGENCY
        factor = np.where(case, 0.5, 1.0)
        errors: dict[str, npt.NDArray[np.bool_]] = {}

        def draw(name: str, eligible: Any = True, boost: Any = 1.0) -> npt.NDArray[np.bool_]:
            hit: npt.NDArray[np.bool_] = (rng.random(m) < rates[name] * factor * boost) & eligible
            errors[name] = hit
            return hit

        r_first = first[person].copy()
        r_last = last[person].copy()
        r_eth = eth[person]
        hit = draw("nickname", np.isin(r_first, list(NICKNAMES)))
        r_first[hit] = _pick(rng, r_first[hit], NICKNAMES)
        hit = draw("spelling", np.isin(r_first, list(SPELLINGS)) | np.isin(r_last, list(SPELLINGS)))
        r_first[hit] = _pick(rng, r_first[hit], SPELLINGS)
        r_last[hit] = _pick(rng, r_last[hit], SPELLINGS)
        hit = draw("surname_change", adult[person] & female[person] & ~case)
        names = np.array(NAME_POOLS["White British"]["surname"], dtype=object)
        r_last[hit] = names[rng.integers(0, len(names), int(hit.sum()))]
        hit = draw("first_name_typo")
        r_first[hit] = _typos(rng, r_first[hit])
        hit = draw("last_name_typo")
        r_last[hit] = _typos(rng, r_last[hit])
        swap_boost = np.array([NAME_SWAP_FACTOR.get(e, 1.0) for e in ETHNICITIES])[r_eth]
        hit = draw("name_swap", True, swap_boost)
        r_first[hit], r_last[hit] = r_last[hit], r_first[hit].copy()
        hit = draw("first_name_missing")
        r_first[hit] = None

        r_birth = birth[person].astype("datetime64[D]")
        year = r_birth.astype("datetime64[Y]")
        month0 = (r_birth.astype("datetime64[M]") - year.astype("datetime64[M]")).astype(np.int64)
        day0 = (r_birth - r_birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
        swappable = (day0 <= 11) & (day0 != month0)
        # the case agency's dates of birth agree with its own household records
        hit = draw("birth_day_month_swap", swappable & ~case)
        swapped = (year.astype("datetime64[M]") + day0).astype("datetime64[D]") + month0
        r_birth = np.where(hit, swapped, r_birth)
        hit = draw("birth_date_typo", ~errors["birth_day_month_swap"] & ~case)
        shift = np.where(
            rng.random(m) < 0.5, rng.choice([-2, -1, 1, 2], m), rng.choice([-365, 365], m)
        )
        r_birth = np.where(hit, r_birth + shift, r_birth)
        missing_birth = draw("birth_date_missing")

        sex_missing = draw("sex_missing")
        moved = draw(
            "moved",
            True,
            np.where(r_eth == ETHNICITIES.index("Gypsy, Roma or Traveller"), 3.0, 1.0),
        )
        r_postcode = np.where(moved, old_postcode[person], postcode[person])
        r_postcode[draw("postcode_missing")] = None
        r_nhs = nhs[person].copy()
        holds_nhs = np.isin(agency, list(_NHS_HELD))
        hit = draw("nhs_number_typo", holds_nhs)
        r_nhs[hit] = np.array(
            [s[:-2] + str((int(s[-2]) + 1) % 10) + s[-1] for s in r_nhs[hit]], dtype=object
        )
        nhs_missing = draw("nhs_number_missing", holds_nhs)
        errors["duplicate_record"] = np.zeros(m, bool)
        order = np.lexsort((person, agency))
        first_of_key = np.ones(m, bool)
        key = pd.MultiIndex.from_arrays([agency[order], person[order]])
        first_of_key[order] = ~key.duplicated()
        errors["duplicate_record"] = ~first_of_key
        errors["outsider"] = person >= n
        errors["twins"] = np.isin(person, g.twins)
        errors["same_name_and_birth"] = np.isin(person, n + shares) | np.isin(person, twin_of)

        # agency ids: random, unique, saying nothing about the person
        record_id = np.empty(m, dtype=object)
        for name in members:
            rows = np.flatnonzero(agency == name)
            numbers = rng.choice(10 * max(len(rows), 1000), len(rows), replace=False) + 10_000_000
            record_id[rows] = [f"{_ID_PREFIX[name]}{v}" for v in numbers]

        people: dict[str, pd.DataFrame] = {}
        for name in members:
            rows = np.flatnonzero(agency == name)
            rows = rows[rng.permutation(len(rows))]
            female_code, male_code = _SEX_CODES.get(name, ("female", "male"))
            sex_code: npt.NDArray[np.object_] = np.where(
                female[person[rows]], female_code, male_code
            ).astype(object)
            sex_code[sex_missing[rows]] = None
            table = pd.DataFrame(
                {
                    "agency_person_id": record_id[rows],
                    "first_name": r_first[rows],
                    "last_name": r_last[rows],
                    "birth_date": pd.Series(r_birth[rows].astype("datetime64[s]")).where(
                        ~missing_birth[rows]
                    ),
                    "sex": sex_code,
                    "postcode": r_postcode[rows],
                }
            )
            if name in _NHS_HELD:
                held = (rng.random(len(rows)) < _NHS_HELD[name]) & ~nhs_missing[rows]
                table["nhs_number"] = pd.Series(r_nhs[rows], dtype=object).where(held, None)
            if name == CASE_AGENCY:
                true_people = self.data.people.set_index("person_id")
                known = true_people.loc[true_ids[person[rows]]]
                for column in ("role", "ethnicity", "disability", "area", "deprivation_decile"):
                    table[column] = known[column].to_numpy()
            people[name] = table.astype({"agency_person_id": str})
        links = pd.DataFrame(
            {
                "agency": agency,
                "agency_person_id": record_id,
                "person_id": true_ids[person],
                "ethnicity": pd.Categorical(np.array(ETHNICITIES)[r_eth], categories=ETHNICITIES),
                "errors": _error_text(errors, m),
            }
        )
        events = self._events(agency, person, record_id, n, n_out)
        case_tables = self._case_tables(agency, person, record_id)
        truth = ExtractTruth(
            seed=self.g.params["seed"],
            parameters={**parameters, "error_rates": dict(rates)},
            error_rates=dict(rates),
            links=links,
            records=self.data,
        )
        return AgencyExtracts(
            people=people,
            events=events,
            **case_tables,
            case_agency=CASE_AGENCY,
            snapshot_date=self.data.snapshot_date,
            truth=truth,
        )

    def _events(
        self,
        agency: npt.NDArray[Any],
        person: npt.NDArray[np.int64],
        record_id: npt.NDArray[np.object_],
        n: int,
        n_out: dict[str, int],
    ) -> dict[str, pd.DataFrame]:
        rng, g, events = self.rng, self.g, self.data.events
        person_index = pd.Index(g.person_ids)
        out: dict[str, pd.DataFrame] = {}
        for name in n_out | {CASE_AGENCY: 0}:
            rows = np.flatnonzero(agency == name)
            who = person[rows]
            order = np.argsort(who, kind="stable")
            sorted_who = who[order]
            these = events[events["agency"] == name]
            p = person_index.get_indexer(pd.Index(these["person_id"]))
            lo = np.searchsorted(sorted_who, p, side="left")
            hi = np.searchsorted(sorted_who, p, side="right")
            pick = lo + (rng.random(len(p)) * (hi - lo)).astype(np.int64)
            table = pd.DataFrame(
                {
                    "event_id": these["event_id"].to_numpy(),
                    "agency_person_id": record_id[rows[order[pick]]],
                    "event_type": these["event_type"].astype(str).to_numpy(),
                    "date": these["date"].to_numpy(),
                }
            )
            outsiders = rows[who >= n]
            if len(outsiders):
                count = rng.integers(1, 4, len(outsiders))
                holder = np.repeat(outsiders, count)
                types = np.array(EVENT_TYPES[name], dtype=object)
                days = rng.integers(DATA_START, SNAPSHOT + 1, len(holder))
                extra = pd.DataFrame(
                    {
                        "event_id": [f"{_ID_PREFIX[name]}E{i:08d}" for i in range(len(holder))],
                        "agency_person_id": record_id[holder],
                        "event_type": types[rng.integers(0, len(types), len(holder))],
                        "date": _dates(days),
                    }
                )
                table = pd.concat([table, extra], ignore_index=True)
            out[name] = table.sort_values(["date", "event_id"], kind="stable").reset_index(
                drop=True
            )
        return out

    def _case_tables(
        self,
        agency: npt.NDArray[Any],
        person: npt.NDArray[np.int64],
        record_id: npt.NDArray[np.object_],
    ) -> dict[str, pd.DataFrame]:
        rows = np.flatnonzero(agency == CASE_AGENCY)
        to_case_id = pd.Series(record_id[rows], index=self.g.person_ids[person[rows]])
        out = {}
        for name, columns in (
            ("memberships", ("person_id",)),
            ("relationships", ("person_id", "other_id")),
            ("cases", ("person_id",)),
            ("coverage", ("person_id",)),
        ):
            table = getattr(self.data, name).copy()
            for column in columns:
                table[column] = to_case_id.loc[table[column]].to_numpy()
            out[name] = table
        return out


def _error_text(errors: dict[str, npt.NDArray[np.bool_]], m: int) -> npt.NDArray[np.object_]:
    text = np.full(m, "", dtype=object)
    for name, hit in errors.items():
        text[hit] = text[hit] + name + ";"
    return np.array([t.rstrip(";") for t in text], dtype=object)


def _draw_names(
    rng: np.random.Generator, ethnicity: npt.NDArray[np.int64], female: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Draw a first name and a surname for each person from their group's pools."""
    first = np.empty(len(ethnicity), dtype=object)
    surname = np.empty(len(ethnicity), dtype=object)
    for e, group in enumerate(ETHNICITIES):
        pool = NAME_POOLS[group]
        for sex, is_sex in (("female", female), ("male", ~female)):
            chosen = np.flatnonzero((ethnicity == e) & is_sex)
            names = np.array(pool[sex], dtype=object)
            first[chosen] = names[rng.integers(0, len(names), len(chosen))]
        chosen = np.flatnonzero(ethnicity == e)
        names = np.array(pool["surname"], dtype=object)
        surname[chosen] = names[rng.integers(0, len(names), len(chosen))]
    return first, surname
