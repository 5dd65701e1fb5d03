"""The reviewable linkage specification (TOML): comparisons, blocking, thresholds, approval."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
from dataclasses import dataclass
from typing import Final, Literal

from advisory._errors import DefinitionError
from advisory.definitions._toml import Table, check_name, read_definition_file, read_toml

__all__ = [
    "COMPARISON_KINDS",
    "LINKAGE_COLUMNS",
    "Comparison",
    "LinkageSpec",
    "load_linkage_spec",
    "parse_linkage_spec",
    "reference_linkage_spec",
]

#: Person columns the linkage reads from each agency's people table
#: (``nhs_number`` may be absent from an agency that does not hold it), and
#: the columns derived from them that blocking rules may use.
LINKAGE_COLUMNS: Final = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "postcode",
    "nhs_number",
)
#: Each derived column and the columns it is derived from.
DERIVED_FROM: Final = {
    "birth_year": ("birth_date",),
    "name_tokens": ("first_name", "last_name"),
    "postcode_district": ("postcode",),
}
DERIVED_COLUMNS: Final = tuple(DERIVED_FROM)

ComparisonKind = Literal["forename_surname", "name", "date_of_birth", "postcode", "exact"]

#: Comparison kinds and the number of columns each compares (splink's
#: ``ForenameSurnameComparison``, ``NameComparison``, ``DateOfBirthComparison``,
#: ``PostcodeComparison`` and ``ExactMatch``).
COMPARISON_KINDS: Final[dict[str, int]] = {
    "forename_surname": 2,
    "name": 1,
    "date_of_birth": 1,
    "postcode": 1,
    "exact": 1,
}

_KINDS: Final[tuple[ComparisonKind, ...]] = (
    "forename_surname",
    "name",
    "date_of_birth",
    "postcode",
    "exact",
)
_TOP_KEYS: Final = (
    "schema_version",
    "name",
    "description",
    "case_agency",
    "approval",
    "thresholds",
    "comparisons",
    "blocking",
    "training",
)
_APPROVAL_KEYS: Final = ("approved_by", "approved_on", "notes")
_THRESHOLD_KEYS: Final = ("link", "ask", "gap")
_COMPARISON_KEYS: Final = ("name", "kind", "columns", "description")
_BLOCKING_KEYS: Final = ("columns", "description")
_TRAINING_KEYS: Final = (
    "seed",
    "u_max_pairs",
    "prior_rules",
    "prior_recall",
    "em_blocking",
    "em_max_pairs",
)


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """One comparison of the model: a splink comparison over one or two columns."""

    name: str
    kind: ComparisonKind
    columns: tuple[str, ...]
    description: str


@dataclass(frozen=True, kw_only=True)
class LinkageSpec:
    """A linkage specification, as an ethics board or data protection officer reviews it.

    Attributes
    ----------
    name, description : str
    source : str
        The file it was read from.
    case_agency : str
        The agency whose extract holds the cases and households; each of its
        records is one person of the picture.
    approved_by : str
    approved_on : datetime.date
    approval_notes : str
    link : float
        Pairs whose match probability is at least this are the same person.
    ask : float
        Pairs at least this (below ``link``) are asked about, never merged.
    gap : float
        A record below ``ask`` whose closest pair with a person in the picture
        is at least this is reported as a gap for that person.
    comparisons : tuple of Comparison
    blocking : tuple of tuple of str
        Each rule: the columns that must agree exactly for a pair to be scored.
    seed : int
    u_max_pairs : int
    prior_rules : tuple of tuple of str
    prior_recall : float
    em_blocking : tuple of tuple of str
    em_max_pairs : int
        At most about this many pairs per expectation-maximisation session
        (splink samples records to stay near it).
    """

    name: str
    description: str
    source: str
    case_agency: str
    approved_by: str
    approved_on: dt.date
    approval_notes: str
    link: float
    ask: float
    gap: float
    comparisons: tuple[Comparison, ...]
    blocking: tuple[tuple[str, ...], ...]
    seed: int
    u_max_pairs: int
    prior_rules: tuple[tuple[str, ...], ...]
    prior_recall: float
    em_blocking: tuple[tuple[str, ...], ...]
    em_max_pairs: int

    @property
    def columns(self) -> tuple[str, ...]:
        """Every person column the comparisons and rules read, in first-use order."""
        used: dict[str, None] = {}
        for comparison in self.comparisons:
            used.update(dict.fromkeys(comparison.columns))
        for rule in (*self.blocking, *self.prior_rules, *self.em_blocking):
            used.update(dict.fromkeys(rule))
        return tuple(used)


def _rules(
    table: Table,
    key: str,
    *,
    default: tuple[tuple[str, ...], ...] | None = None,
    derived: bool = True,
) -> tuple[tuple[str, ...], ...]:
    if key not in table.data:
        if default is None:
            raise table.error(key, "is missing; add it (a list of lists of column names).")
        return default
    value = table.data[key]
    if not isinstance(value, list) or not value:
        raise table.error(key, f"must be a non-empty list of lists of column names; got {value!r}.")
    rules = []
    for i, rule in enumerate(value):
        if not isinstance(rule, list) or not rule or not all(isinstance(c, str) for c in rule):
            raise table.error(
                f"{key}[{i}]", f"must be a non-empty list of column names; got {rule!r} instead."
            )
        where = table.path(f"{key}[{i}]")
        for column in rule:
            if not derived and column in DERIVED_COLUMNS:
                raise table.error(
                    f"{key}[{i}]",
                    f"names the derived column {column!r}; name the columns it is derived "
                    f"from ({', '.join(DERIVED_FROM[column])}) instead. splink cannot tell a "
                    "derived column from the compared ones, so it would train their comparison "
                    "on pairs that all agree on it: every pair then looks like a match, the m "
                    "probabilities are diluted, and links are lost as the extracts grow.",
                )
        rules.append(tuple(_column(table.source, where, c, derived=derived) for c in rule))
    return tuple(rules)


def _column(source: str, where: str, column: str, *, derived: bool) -> str:
    allowed = LINKAGE_COLUMNS + (DERIVED_COLUMNS if derived else ())
    if column not in allowed:
        raise DefinitionError(
            source,
            where,
            f"names the column {column!r}, which the linkage does not read; expected one of "
            f"{list(allowed)}.",
        )
    return column


def _pairs(training: Table, key: str, default: int) -> int:
    value = training.data.get(key, default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1_000:
        raise training.error(key, f"must be a whole number of pairs >= 1000; got {value!r}.")
    return value


def parse_linkage_spec(text: str, source: str = "<string>") -> LinkageSpec:
    """Parse a linkage specification from TOML text.

    Parameters
    ----------
    text : str
        The TOML.
    source : str, default "<string>"
        How to name it in messages.

    Returns
    -------
    LinkageSpec
        The checked specification.

    Raises
    ------
    advisory.DefinitionError
        Naming the file, the key, what was expected and what was found.

    Examples
    --------
    >>> spec = reference_linkage_spec()
    >>> spec.link > spec.ask > spec.gap
    True
    >>> bad = reference_linkage_spec_text().replace('columns = ["sex"]', 'columns = ["gender"]')
    >>> parse_linkage_spec(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: <string>: comparisons[3].columns names the column ...
    """
    top = Table(read_toml(text, source), source=source, where="", keys=_TOP_KEYS)
    top.schema_version()
    approval = top.table("approval", _APPROVAL_KEYS)
    approved_on = approval.data.get("approved_on")
    if not isinstance(approved_on, dt.date) or isinstance(approved_on, dt.datetime):
        raise approval.error(
            "approved_on",
            f"must be a TOML date such as 2026-11-30 (no quotes); got {approved_on!r} instead.",
        )
    thresholds = top.table("thresholds", _THRESHOLD_KEYS)
    link = thresholds.open_fraction("link", default=-1.0)
    ask = thresholds.open_fraction("ask", default=-1.0)
    gap = thresholds.open_fraction("gap", default=-1.0)
    for key, value in (("link", link), ("ask", ask), ("gap", gap)):
        if value < 0:
            raise thresholds.error(key, "is missing; add it (a match probability between 0 and 1).")
    if not link > ask > gap:
        raise thresholds.error(
            "link",
            f"must be above ask, and ask above gap; got link={link}, ask={ask}, gap={gap}.",
        )
    comparisons = []
    names: set[str] = set()
    for i, table in enumerate(top.array_of_tables("comparisons", _COMPARISON_KEYS)):
        name = check_name(table.text("name"), source, table.path("name"))
        if name in names:
            raise table.error("name", f"repeats {name!r}; give each comparison its own name.")
        names.add(name)
        kind: ComparisonKind = table.choice("kind", _KINDS)
        columns = table.texts("columns")
        if len(columns) != COMPARISON_KINDS[kind]:
            raise table.error(
                "columns",
                f"must name {COMPARISON_KINDS[kind]} column(s) for kind {kind!r}; "
                f"got {list(columns)}.",
            )
        for column in columns:
            _column(source, f"comparisons[{i}].columns", column, derived=False)
        comparisons.append(
            Comparison(
                name=name,
                kind=kind,
                columns=columns,
                description=table.text("description", default=name),
            )
        )
    blocking = []
    for i, table in enumerate(top.array_of_tables("blocking", _BLOCKING_KEYS)):
        columns = table.texts("columns")
        for column in columns:
            _column(source, f"blocking[{i}].columns", column, derived=True)
        blocking.append(columns)
    training = top.table("training", _TRAINING_KEYS)
    u_max_pairs = _pairs(training, "u_max_pairs", 1_000_000)
    em_max_pairs = _pairs(training, "em_max_pairs", 2_000_000)
    return LinkageSpec(
        name=check_name(top.text("name"), source, "name"),
        description=top.text("description"),
        source=source,
        case_agency=check_name(top.text("case_agency"), source, "case_agency"),
        approved_by=approval.text("approved_by"),
        approved_on=approved_on,
        approval_notes=approval.text("notes", default=""),
        link=link,
        ask=ask,
        gap=gap,
        comparisons=tuple(comparisons),
        blocking=tuple(blocking),
        seed=training.integer("seed", minimum=0, default=0),
        u_max_pairs=u_max_pairs,
        prior_rules=_rules(training, "prior_rules"),
        prior_recall=training.open_fraction("prior_recall", default=0.8),
        em_blocking=_rules(training, "em_blocking", derived=False),
        em_max_pairs=em_max_pairs,
    )


def load_linkage_spec(path: str | os.PathLike[str]) -> LinkageSpec:
    """Load a linkage specification from a TOML file.

    Parameters
    ----------
    path : str or os.PathLike
        The file, such as ``linkage/reference.toml``.

    Returns
    -------
    LinkageSpec
        The checked specification.

    Raises
    ------
    advisory.DefinitionError
        If the file is missing, not TOML, or not a valid specification.

    Examples
    --------
    >>> load_linkage_spec("no/such/file.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: no/such/file.toml: the file does not exist ...
    """
    return parse_linkage_spec(read_definition_file(path), str(path))


def reference_linkage_path() -> pathlib.Path:
    """Return the path of the reference specification shipped with the package."""
    return pathlib.Path(__file__).resolve().parents[1] / "reference" / "linkage" / "reference.toml"


def reference_linkage_spec_text() -> str:
    """Return the text of the shipped reference specification."""
    return reference_linkage_path().read_text(encoding="utf-8")


def reference_linkage_spec() -> LinkageSpec:
    """Load the reference specification shipped with the package.

    Returns
    -------
    LinkageSpec
        The reference specification (``linkage/reference.toml``).

    Examples
    --------
    >>> reference_linkage_spec().case_agency
    'childrens_social_care'
    """
    return parse_linkage_spec(reference_linkage_spec_text(), "linkage/reference.toml")
