"""Model specifications: the outcome, the factors and how each is computed."""

from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass
from typing import Final, Literal

from advisory._errors import DefinitionError, UnknownNameError
from advisory.definitions._toml import (
    Table,
    check_name,
    read_definition_file,
    read_toml,
)

__all__ = [
    "FactorSpec",
    "ModelSpec",
    "Outcome",
    "load_model_spec",
    "parse_model_spec",
]

Family = Literal["scorecard", "additive_boosting", "tree"]
FactorKind = Literal["events", "household_change", "child_age", "household_composition"]
Who = Literal["child", "siblings", "household_adults", "household_children", "household"]
Aggregation = Literal["count", "any", "people"]
Change = Literal["joined", "left"]
Monotone = Literal["increasing", "decreasing", "none"]

FAMILIES: Final[tuple[Family, ...]] = ("scorecard", "additive_boosting", "tree")
KINDS: Final[tuple[FactorKind, ...]] = (
    "events",
    "household_change",
    "child_age",
    "household_composition",
)
WHO: Final[tuple[Who, ...]] = (
    "child",
    "siblings",
    "household_adults",
    "household_children",
    "household",
)
AGGREGATIONS: Final[tuple[Aggregation, ...]] = ("count", "any", "people")
CHANGES: Final[tuple[Change, ...]] = ("joined", "left")
MONOTONE: Final[tuple[Monotone, ...]] = ("increasing", "decreasing", "none")
_COUNT_ONLY: Final[tuple[Aggregation, ...]] = ("count",)

#: Source whose records hold household membership (people and relationships).
HOUSEHOLD_SOURCE: Final = "childrens_social_care"

_TOP_KEYS: Final = (
    "schema_version",
    "name",
    "title",
    "description",
    "family",
    "catalogue",
    "audit_policy",
    "outcome",
    "factors",
)
_OUTCOME_KEYS: Final = ("column", "label", "records", "window_days", "known_biases")
_FACTOR_KEYS: Final = (
    "name",
    "kind",
    "source",
    "who",
    "event_types",
    "window_days",
    "ever",
    "aggregation",
    "change",
    "levels",
    "monotone",
)
_MONOTONE_SIGN: Final[dict[Monotone, int]] = {"increasing": 1, "decreasing": -1, "none": 0}


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What the model is trained to anticipate, described honestly.

    Attributes
    ----------
    column : str
        The outcome column in the cases table.
    label : str
        Plain-language name of the outcome.
    records : str
        What the label really records (often a past agency decision, not harm).
    window_days : int
        Days after the reference date in which the outcome is counted.
    known_biases : tuple of str
        Known ways in which the label is biased.
    """

    column: str
    label: str
    records: str
    window_days: int
    known_biases: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class FactorSpec:
    """How one case factor is computed from records as of the reference date.

    Attributes
    ----------
    name : str
        snake_case name, also the key of the factor's catalogue entry.
    kind : {'events', 'household_change', 'child_age', 'household_composition'}
        What the factor is computed from.
    source : str
        The agency (catalogue source) whose records the factor uses.
    who : {'child', 'siblings', 'household_adults', 'household_children', 'household'}
        Whose records are counted.
    event_types : tuple of str
        Event types counted (``kind='events'`` only; empty otherwise).
    window_days : int or None
        Days before the reference date that are looked at; ``None`` for
        ``ever`` factors and for kinds without a window.
    ever : bool
        Whether all history before the reference date is looked at.
    aggregation : {'count', 'any', 'people'} or None
        How events are summarised: number of events, whether any, or number
        of distinct people with such events. ``None`` for kinds without events.
    change : {'joined', 'left'} or None
        For ``kind='household_change'``: people who joined or left.
    levels : tuple of str
        For ``kind='household_composition'``: the categories, in order.
    monotone : {'increasing', 'decreasing', 'none'}
        Constraint on the model's shape function for this factor.
    """

    name: str
    kind: FactorKind = "events"
    source: str
    who: Who
    event_types: tuple[str, ...] = ()
    window_days: int | None = None
    ever: bool = False
    aggregation: Aggregation | None = None
    change: Change | None = None
    levels: tuple[str, ...] = ()
    monotone: Monotone = "none"

    @property
    def is_categorical(self) -> bool:
        """Whether the factor takes categories (``levels``) rather than numbers."""
        return self.kind == "household_composition"


@dataclass(frozen=True, kw_only=True)
class ModelSpec:
    """A reviewable model specification, read from ``models/<name>.toml``.

    Attributes
    ----------
    schema_version : int
        Version of the file format (1).
    name : str
        snake_case name, the same as the file's stem.
    title, description : str
        What the model is for, in plain language.
    family : {'scorecard', 'additive_boosting', 'tree'}
        The transparent model family.
    catalogue : str
        Stem of the factor catalogue file in ``explain/``.
    audit_policy : str
        Stem of the audit policy file in ``fairness/``.
    outcome : Outcome
        The outcome and what it really records.
    factors : tuple of FactorSpec
        The case factors, in order.

    Examples
    --------
    >>> from advisory.definitions import load_model_spec, reference_root
    >>> spec = load_model_spec(reference_root() / "models" / "cp_plan_12m.toml")
    >>> spec.factor("adult_domestic_abuse_notifications").source
    'police'
    >>> spec.monotone_constraints["health_visitor_contacts"]
    -1
    """

    schema_version: int
    name: str
    title: str
    description: str
    family: Family
    catalogue: str
    audit_policy: str
    outcome: Outcome
    factors: tuple[FactorSpec, ...]

    @property
    def factor_names(self) -> tuple[str, ...]:
        """The factors' names, in order."""
        return tuple(f.name for f in self.factors)

    def factor(self, name: str) -> FactorSpec:
        """Return the factor called ``name``.

        Parameters
        ----------
        name : str
            The factor's name.

        Returns
        -------
        FactorSpec
            How the factor is computed from records.

        Raises
        ------
        advisory.UnknownNameError
            If the specification has no such factor (a ``KeyError``); the
            message lists those it has.
        """
        for factor in self.factors:
            if factor.name == name:
                return factor
        raise UnknownNameError(
            name,
            f"Model specification {self.name!r} has no factor {name!r}; "
            f"its factors are {list(self.factor_names)}.",
        )

    @property
    def monotone_constraints(self) -> dict[str, int]:
        """Monotone constraint per factor: 1 increasing, -1 decreasing, 0 none."""
        return {f.name: _MONOTONE_SIGN[f.monotone] for f in self.factors}


def parse_model_spec(text: str, source: str = "<string>") -> ModelSpec:
    """Parse and validate a model specification from TOML text.

    Parameters
    ----------
    text : str
        The TOML text.
    source : str, default "<string>"
        How to name the text in error messages (usually its file path).

    Returns
    -------
    ModelSpec
        The validated specification.

    Raises
    ------
    DefinitionError
        If the text is not valid TOML, has unknown keys, misses a field or
        has a value of the wrong type or outside its allowed values.

    Examples
    --------
    >>> from advisory.definitions import reference_root
    >>> text = (reference_root() / "models" / "cp_plan_12m.toml").read_text()
    >>> parse_model_spec(text).family
    'additive_boosting'
    >>> bad = text.replace('family = "additive_boosting"', 'family = "gam"')
    >>> parse_model_spec(bad)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: <string>: family must be one of
    ['scorecard', 'additive_boosting', 'tree']; got 'gam' (str) instead.
    """
    top = Table(read_toml(text, source), source=source, where="", keys=_TOP_KEYS)
    schema_version = top.schema_version()
    name = check_name(top.text("name"), source, "name")
    title = top.text("title")
    description = top.text("description")
    family = top.choice("family", FAMILIES)
    catalogue = check_name(top.text("catalogue"), source, "catalogue")
    audit_policy = check_name(top.text("audit_policy"), source, "audit_policy")
    outcome = _outcome(top.table("outcome", _OUTCOME_KEYS))
    factors = tuple(_factor(t) for t in top.array_of_tables("factors", _FACTOR_KEYS))
    seen: dict[str, int] = {}
    for i, factor in enumerate(factors):
        if factor.name in seen:
            raise DefinitionError(
                source,
                f"factors[{i}].name",
                f"repeats {factor.name!r}, already the name of factors[{seen[factor.name]}]; "
                "give each factor a distinct name.",
            )
        seen[factor.name] = i
    return ModelSpec(
        schema_version=schema_version,
        name=name,
        title=title,
        description=description,
        family=family,
        catalogue=catalogue,
        audit_policy=audit_policy,
        outcome=outcome,
        factors=factors,
    )


def load_model_spec(path: str | os.PathLike[str], *, source: str | None = None) -> ModelSpec:
    """Load and validate a model specification file.

    Parameters
    ----------
    path : str or os.PathLike
        The ``models/<name>.toml`` file. Its ``name`` must equal the file's stem.
    source : str, optional
        How to name the file in error messages; defaults to ``path``.

    Returns
    -------
    ModelSpec
        The validated specification.

    Examples
    --------
    >>> from advisory.definitions import reference_root
    >>> load_model_spec(reference_root() / "models" / "cp_plan_12m.toml").outcome.window_days
    365
    """
    name = str(path) if source is None else source
    spec = parse_model_spec(read_definition_file(path, name), name)
    stem = pathlib.Path(path).stem
    if spec.name != stem:
        raise DefinitionError(
            name,
            "name",
            f"is {spec.name!r} but the file is called {pathlib.Path(path).name!r}; "
            "make the name and the file's stem the same.",
        )
    return spec


def _outcome(table: Table) -> Outcome:
    return Outcome(
        column=table.text("column"),
        label=table.text("label"),
        records=table.text("records"),
        window_days=table.integer("window_days", minimum=1),
        known_biases=table.texts("known_biases"),
    )


def _factor(t: Table) -> FactorSpec:
    name = check_name(t.text("name"), t.source, t.path("name"))
    kind = t.choice("kind", KINDS, default="events")
    source = check_name(t.text("source"), t.source, t.path("source"))
    who = t.choice("who", WHO)
    not_for = f"for kind {kind!r}"
    if kind == "events":
        event_types = t.texts("event_types")
        ever = t.boolean("ever", default=False)
        if ever:
            t.forbid("window_days", "with ever = true (an 'ever' factor looks at all history)")
            window_days = None
        elif not t.has("window_days"):
            raise t.error(
                "window_days",
                "is missing; add it (an integer > 0), or declare ever = true "
                "to look at all history.",
            )
        else:
            window_days = t.integer("window_days", minimum=1)
        aggregation: Aggregation | None = t.choice("aggregation", AGGREGATIONS, default="count")
        if aggregation == "people" and who == "child":
            raise t.error(
                "aggregation",
                "is 'people', which counts distinct people, but who = 'child' is one person; "
                "use 'count' or 'any', or a group such as 'household_adults'.",
            )
        for key in ("change", "levels"):
            t.forbid(key, not_for)
        return FactorSpec(
            name=name,
            kind=kind,
            source=source,
            who=who,
            event_types=event_types,
            window_days=window_days,
            ever=ever,
            aggregation=aggregation,
            monotone=t.choice("monotone", MONOTONE),
        )
    for key in ("event_types", "ever"):
        t.forbid(key, not_for)
    if kind == "household_change":
        _require_who(t, who, ("household_adults", "household_children"))
        if source != HOUSEHOLD_SOURCE:
            raise t.error(
                "source",
                f"must be {HOUSEHOLD_SOURCE!r} for kind 'household_change' (household "
                f"membership is recorded there); got {source!r} instead.",
            )
        t.forbid("levels", not_for)
        return FactorSpec(
            name=name,
            kind=kind,
            source=source,
            who=who,
            window_days=t.integer("window_days", minimum=1),
            aggregation=t.choice("aggregation", _COUNT_ONLY, default="count"),
            change=t.choice("change", CHANGES),
            monotone=t.choice("monotone", MONOTONE),
        )
    for key in ("window_days", "aggregation", "change"):
        t.forbid(key, not_for)
    if kind == "child_age":
        _require_who(t, who, ("child",))
        t.forbid("levels", not_for)
        return FactorSpec(
            name=name, kind=kind, source=source, who=who, monotone=t.choice("monotone", MONOTONE)
        )
    _require_who(t, who, ("household_adults",))
    monotone = t.choice("monotone", MONOTONE, default="none")
    if monotone != "none":
        raise t.error(
            "monotone",
            f"must be 'none' for a categorical factor (kind {kind!r}); got {monotone!r} instead.",
        )
    return FactorSpec(
        name=name,
        kind=kind,
        source=source,
        who=who,
        levels=t.texts("levels", minimum=2),
        monotone=monotone,
    )


def _require_who(t: Table, who: str, allowed: tuple[str, ...]) -> None:
    if who not in allowed:
        kind = t.data.get("kind")
        raise t.error(
            "who",
            f"must be one of {list(allowed)} for kind {kind!r}; got {who!r} instead.",
        )
