"""Audit policies: sensitive attributes, reference groups and metrics."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

from advisory._errors import DefinitionError
from advisory._result import DEFAULT_CONFIDENCE
from advisory.definitions._toml import Table, check_name, read_definition_file, read_toml

__all__ = [
    "OPERATING_POINT_METRICS",
    "THRESHOLD_FREE_METRICS",
    "AuditPolicy",
    "DriftLimits",
    "OperatingPoint",
    "SensitiveAttribute",
    "load_audit_policy",
    "parse_audit_policy",
]

#: Metrics that need no operating point; the default list, in this order.
THRESHOLD_FREE_METRICS: Final = (
    "roc_auc",
    "pr_auc",
    "brier",
    "calibration_in_the_large",
    "calibration_slope",
    "mean_predicted",
    "observed_rate",
)

#: Metrics at an operating point; allowed only when the policy declares one.
OPERATING_POINT_METRICS: Final = (
    "selection_rate",
    "false_positive_rate",
    "false_negative_rate",
    "precision",
)

_TOP_KEYS: Final = (
    "schema_version",
    "min_cell_size",
    "confidence_level",
    "n_boot",
    "metrics",
    "intersections",
    "operating_point",
    "drift",
    "attributes",
)
_ATTRIBUTE_KEYS: Final = ("name", "column", "label", "reference_group", "description")
_OPERATING_POINT_KEYS: Final = ("threshold", "description")
_DRIFT_KEYS: Final = ("population_stability_limit", "calibration_limit", "min_new_cases")


@dataclass(frozen=True, kw_only=True)
class SensitiveAttribute:
    """A sensitive attribute whose groups the audit compares.

    Attributes
    ----------
    name : str
        snake_case name, used in ``intersections``.
    column : str
        The column holding the attribute.
    reference_group : str
        The group others are compared with: ``"majority"`` (the largest group
        in the audited data) or a named group.
    description : str
        Why the attribute is audited and what its groups are, in plain language.
    label : str
        How the report names the attribute ("Deprivation decile"); by default
        the name with spaces and a capital.
    """

    name: str
    column: str
    reference_group: str
    description: str
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            words = self.name.replace("_", " ").strip()
            object.__setattr__(self, "label", words[:1].upper() + words[1:])


@dataclass(frozen=True, kw_only=True)
class OperatingPoint:
    """An operating point declared by a host system that acts on a score.

    Attributes
    ----------
    threshold : float
        The score at or above which the host system selects a case.
    description : str
        What the host system does at this operating point.
    """

    threshold: float
    description: str


@dataclass(frozen=True, kw_only=True)
class DriftLimits:
    """How far the population and calibration may move before a re-audit is due.

    Attributes
    ----------
    population_stability_limit : float
        A factor's population stability index (new cases against the audited
        ones) above this, with its whole interval, makes a re-audit due
        (default 0.2).
    calibration_limit : float
        A change in calibration in the large (observed minus expected rate)
        beyond this, with its whole interval, makes a re-audit due (default 0.05).
    min_new_cases : int
        New cases needed before drift is judged at all (default 200).
    """

    population_stability_limit: float = 0.2
    calibration_limit: float = 0.05
    min_new_cases: int = 200


@dataclass(frozen=True, kw_only=True)
class AuditPolicy:
    """An audit policy, read from ``fairness/<name>.toml``.

    Attributes
    ----------
    schema_version : int
        Version of the file format (1).
    min_cell_size : int
        Groups with fewer cases than this are suppressed (default 10).
    confidence_level : float
        Level of the confidence intervals (default 0.9, the library's one
        default; the reference policy sets 0.95).
    n_boot : int
        Bootstrap replicates for the intervals (default 1000).
    metrics : tuple of str
        Metrics computed per group (default :data:`THRESHOLD_FREE_METRICS`).
    attributes : tuple of SensitiveAttribute
        The sensitive attributes.
    intersections : tuple of tuple of str
        Combinations of attribute names audited together.
    operating_point : OperatingPoint or None
        The host system's operating point, if it declares one.
    drift : DriftLimits
        The drift that makes a re-audit due (``[drift]`` table).

    Examples
    --------
    >>> from advisory.definitions import load_audit_policy, reference_root
    >>> policy = load_audit_policy(reference_root() / "fairness" / "reference.toml")
    >>> policy.min_cell_size, policy.confidence_level
    (10, 0.95)
    >>> policy.intersections[0]
    ('ethnicity', 'disability')
    """

    schema_version: int
    min_cell_size: int = 10
    confidence_level: float = DEFAULT_CONFIDENCE
    n_boot: int = 1000
    metrics: tuple[str, ...] = THRESHOLD_FREE_METRICS
    attributes: tuple[SensitiveAttribute, ...]
    intersections: tuple[tuple[str, ...], ...] = ()
    operating_point: OperatingPoint | None = None
    drift: DriftLimits = DriftLimits()

    @property
    def attribute_names(self) -> tuple[str, ...]:
        """The attributes' names, in order."""
        return tuple(a.name for a in self.attributes)


def parse_audit_policy(text: str, source: str = "<string>") -> AuditPolicy:
    r"""Parse and validate an audit policy from TOML text.

    Parameters
    ----------
    text : str
        The TOML text.
    source : str, default "<string>"
        How to name the text in error messages (usually its file path).

    Returns
    -------
    AuditPolicy
        The validated policy, with defaults applied.

    Raises
    ------
    DefinitionError
        If the text is not valid TOML, has unknown keys, missing fields, an
        unknown metric, an operating-point metric without an operating point,
        or an intersection that does not name two or more defined attributes.

    Examples
    --------
    >>> text = '''
    ... schema_version = 1
    ... [[attributes]]
    ... name = "sex"
    ... column = "sex"
    ... reference_group = "majority"
    ... description = "Recorded sex of the child."
    ... '''
    >>> policy = parse_audit_policy(text)
    >>> policy.n_boot, policy.metrics[:2]
    (1000, ('roc_auc', 'pr_auc'))
    >>> parse_audit_policy(text + "n_boot = 10")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: <string>: attributes[0] has unknown key 'n_boot';
    expected one of ['column', 'description', 'label', 'name', 'reference_group'].
    Check the spelling.
    >>> parse_audit_policy("n_boot = 10\n" + text)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: <string>: n_boot must be an integer >= 100;
    got 10 (int) instead.
    """
    top = Table(read_toml(text, source), source=source, where="", keys=_TOP_KEYS)
    schema_version = top.schema_version()
    min_cell_size = top.integer("min_cell_size", minimum=1, default=10)
    confidence_level = top.open_fraction("confidence_level", default=DEFAULT_CONFIDENCE)
    n_boot = top.integer("n_boot", minimum=100, default=1000)
    op_table = top.optional_table("operating_point", _OPERATING_POINT_KEYS)
    operating_point = (
        None
        if op_table is None
        else OperatingPoint(
            threshold=op_table.number("threshold"), description=op_table.text("description")
        )
    )
    drift_table = top.optional_table("drift", _DRIFT_KEYS)
    drift = DriftLimits() if drift_table is None else _drift(drift_table)
    metrics = top.texts("metrics", default=THRESHOLD_FREE_METRICS)
    known = THRESHOLD_FREE_METRICS + OPERATING_POINT_METRICS
    for i, metric in enumerate(metrics):
        if metric not in known:
            raise top.error(
                f"metrics[{i}]",
                f"is {metric!r}, which is not a known metric; known metrics are {list(known)}.",
            )
        if metric in OPERATING_POINT_METRICS and operating_point is None:
            raise top.error(
                f"metrics[{i}]",
                f"is {metric!r}, a metric at an operating point, but the policy declares no "
                "[operating_point]; declare one or remove the metric.",
            )
    attributes = tuple(_attribute(t) for t in top.array_of_tables("attributes", _ATTRIBUTE_KEYS))
    names: list[str] = []
    for i, attribute in enumerate(attributes):
        if attribute.name in names:
            raise DefinitionError(
                source,
                f"attributes[{i}].name",
                f"repeats {attribute.name!r}; give each attribute a distinct name.",
            )
        names.append(attribute.name)
    return AuditPolicy(
        schema_version=schema_version,
        min_cell_size=min_cell_size,
        confidence_level=confidence_level,
        n_boot=n_boot,
        metrics=metrics,
        attributes=attributes,
        intersections=_intersections(top, names),
        operating_point=operating_point,
        drift=drift,
    )


def load_audit_policy(path: str | os.PathLike[str], *, source: str | None = None) -> AuditPolicy:
    """Load and validate an audit policy file.

    Parameters
    ----------
    path : str or os.PathLike
        The ``fairness/<name>.toml`` file.
    source : str, optional
        How to name the file in error messages; defaults to ``path``.

    Returns
    -------
    AuditPolicy
        The validated policy, with defaults applied.

    Examples
    --------
    >>> from advisory.definitions import reference_root
    >>> load_audit_policy(reference_root() / "fairness" / "reference.toml").attribute_names
    ('ethnicity', 'disability', 'sex', 'age_band', 'deprivation_decile')
    """
    name = str(path) if source is None else source
    return parse_audit_policy(read_definition_file(path, name), name)


def _drift(t: Table) -> DriftLimits:
    values: dict[str, float] = {}
    for key, default, top in (
        ("population_stability_limit", 0.2, 10.0),
        ("calibration_limit", 0.05, 1.0),
    ):
        value = t.number(key) if t.has(key) else default
        if not 0 < value < top:
            raise t.error(
                key, f"must be a number above 0 and below {top:g}; got {value!r} instead."
            )
        values[key] = value
    return DriftLimits(
        population_stability_limit=values["population_stability_limit"],
        calibration_limit=values["calibration_limit"],
        min_new_cases=t.integer("min_new_cases", minimum=10, default=200),
    )


def _attribute(t: Table) -> SensitiveAttribute:
    return SensitiveAttribute(
        name=check_name(t.text("name"), t.source, t.path("name")),
        column=t.text("column"),
        reference_group=t.text("reference_group"),
        description=t.text("description"),
        label=t.text("label", default=""),
    )


def _intersections(top: Table, names: list[str]) -> tuple[tuple[str, ...], ...]:
    value = top.data.get("intersections", [])
    if not isinstance(value, list):
        raise top.error(
            "intersections",
            "must be a list of lists of attribute names, such as "
            f"[['ethnicity', 'sex']]; got {value!r} instead.",
        )
    result: list[tuple[str, ...]] = []
    for i, members in enumerate(value):
        where = f"intersections[{i}]"
        if (
            not isinstance(members, list)
            or len(members) < 2
            or not all(isinstance(m, str) for m in members)
            or len(set(members)) != len(members)
        ):
            raise top.error(
                where,
                f"must list two or more distinct attribute names; got {members!r} instead.",
            )
        for member in members:
            if member not in names:
                raise top.error(
                    where,
                    f"refers to {member!r}, which is not a defined attribute; "
                    f"defined attributes are {names}.",
                )
        if any(set(members) == set(other) for other in result):
            raise top.error(where, f"repeats the intersection {members!r}; list it once.")
        result.append(tuple(members))
    return tuple(result)
