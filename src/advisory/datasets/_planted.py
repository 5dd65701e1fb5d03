"""Which case factors the generator planted as informative, proxy or noise.

The generator plants a role per (agency, event type, who) in
``Truth.event_rates``; a model specification counts events per factor. This
module maps one onto the other, so every test, audit and notebook that checks
"did the library recover the planted factors?" uses the same definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from advisory._errors import InputError

if TYPE_CHECKING:
    from advisory.datasets._multiagency import Truth
    from advisory.definitions import ModelSpec

__all__ = ["direct_records", "planted_factor_roles"]

# Whose records a factor counts, as the generator's ``who`` (child or adult).
_PEOPLE: Final[Mapping[str, tuple[str, ...]]] = {
    "child": ("child",),
    "siblings": ("child",),
    "household_children": ("child",),
    "household_adults": ("adult",),
    "household": ("child", "adult"),
}


def planted_factor_roles(spec: ModelSpec, truth: Truth) -> dict[str, str]:
    """Planted role of each factor of a model specification.

    A factor counts events of some types from one source about some people.
    Its role is read from the generator's ``truth.event_rates`` rows with the
    same source, one of its event types and the people it counts (``who`` in
    the rate table is ``child`` or ``adult``: a factor on household adults
    counts adult rows, one on the whole household counts both):

    - ``"informative"`` when any of those rows is informative (its rate is
      driven by a circumstance of the harm model). This says the factor is
      driven by a planted circumstance, not that it is informative *given the
      other factors*: when several factors record the same circumstance, a
      model may rightly give the weaker ones no weight (see
      :func:`direct_records` for what every model must recover);
    - ``"proxy"`` when none is informative but some is a proxy (driven only
      by disability or deprivation);
    - ``"noise"`` when every row is noise;
    - ``"unplanted"`` when no row matches (factors not built from planted
      event rates, such as household changes or composition, which relate to
      the outcome only indirectly).

    The child's age (``kind = "child_age"``) is ``"informative"`` when the
    harm model has a ``child_under_2`` term, as the generator's does.

    Parameters
    ----------
    spec : ModelSpec
        The model specification (``load_definitions(...).spec``).
    truth : Truth
        The planted truth of :func:`make_multiagency` data.

    Returns
    -------
    dict of str to str
        Factor name to role, in the specification's factor order.

    Raises
    ------
    InputError
        If the rate table lacks a column this mapping reads.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency, planted_factor_roles
    >>> from advisory.definitions import load_definitions, reference_root
    >>> spec = load_definitions(reference_root()).spec
    >>> roles = planted_factor_roles(spec, make_multiagency(50, seed=0).truth)
    >>> roles["child_prior_referrals"], roles["child_dental_visits"], roles["child_age"]
    ('informative', 'noise', 'informative')
    >>> roles["household_adults"]
    'unplanted'
    >>> roles["household_police_community_contacts"]
    'noise'
    """
    rates = truth.event_rates
    missing = [c for c in ("agency", "event_type", "who", "role") if c not in rates.columns]
    if missing:
        raise InputError(
            f"truth.event_rates passed to planted_factor_roles has no column {missing[0]!r}; "
            "expected the rate table of make_multiagency (agency, event_type, who, role)."
        )
    roles: dict[str, str] = {}
    for factor in spec.factors:
        if factor.kind == "child_age":
            planted = truth.harm_model.get("child_under_2", 0.0) != 0.0
            roles[factor.name] = "informative" if planted else "unplanted"
            continue
        people = _PEOPLE.get(factor.who, ())
        rows = rates[
            (rates["agency"] == factor.source)
            & rates["event_type"].isin(factor.event_types)
            & rates["who"].isin(people)
        ]
        found = set(rows["role"])
        if not found:
            roles[factor.name] = "unplanted"
        elif "informative" in found:
            roles[factor.name] = "informative"
        elif "proxy" in found:
            roles[factor.name] = "proxy"
        else:
            roles[factor.name] = "noise" if found == {"noise"} else "unplanted"
    return roles


def direct_records(spec: ModelSpec, truth: Truth) -> dict[str, tuple[str, ...]]:
    """Return the factors that record each planted circumstance directly.

    A factor records a circumstance of the harm model (``domestic_abuse``,
    ``neglect``, ...) *directly* when every planted rate row it counts is
    driven by that circumstance and by no other circumstance of the harm
    model (drivers outside it, such as deprivation, do not count). The child's
    age records ``child_under_2``. Factors driven by several circumstances
    (prior referrals, arrests) record none of them directly.

    What a model is expected to recover: **each circumstance through at least
    one of its direct records**. The others may get no weight at all, because
    the circumstance is already carried (better) by another factor: they are
    redundant given the rest, not missed.

    Parameters
    ----------
    spec : ModelSpec
        The model specification.
    truth : Truth
        The planted truth of :func:`make_multiagency` data.

    Returns
    -------
    dict of str to tuple of str
        Each circumstance of the harm model (its terms but the intercept) to
        the factors recording it directly, in the specification's order.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.datasets._planted import direct_records
    >>> from advisory.definitions import load_definitions, reference_root
    >>> spec = load_definitions(reference_root()).spec
    >>> records = direct_records(spec, make_multiagency(50, seed=0).truth)
    >>> records["domestic_abuse"], records["child_under_2"]
    (('adult_domestic_abuse_notifications',), ('child_age',))
    >>> "child_prior_referrals" in sum(records.values(), ())
    False
    """
    rates = truth.event_rates
    circumstances = [c for c in truth.harm_model if c != "intercept"]
    drivers = [c for c in circumstances if c in rates.columns]
    found: dict[str, list[str]] = {c: [] for c in circumstances}
    for factor in spec.factors:
        if factor.kind == "child_age":
            if "child_under_2" in found:
                found["child_under_2"].append(factor.name)
            continue
        rows = rates[
            (rates["agency"] == factor.source)
            & rates["event_type"].isin(factor.event_types)
            & rates["who"].isin(_PEOPLE.get(factor.who, ()))
        ]
        if rows.empty:
            continue
        driving = {c for c in drivers if (rows[c] != 0).any()}
        if len(driving) == 1:
            found[driving.pop()].append(factor.name)
    return {c: tuple(names) for c, names in found.items()}
