"""The records contract: every table, column, type, meaning and allowed value, in one place.

:data:`TABLES` is the one description of the six record tables. The required
columns (:data:`advisory.context.SCHEMA`), the checks of
:func:`advisory.context.check_records`, the page ``docs/records.md``
(:func:`records_page`) and the JSON Schema shipped as
``advisory/context/records.schema.json`` (:func:`records_schema`) all come
from it, so they cannot drift apart (``tests/context/test_contract.py``
compares the committed files with what these functions write).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from advisory.definitions import Catalogue

__all__ = [
    "COVERAGE_STATUSES",
    "ID_PATTERN",
    "OUTCOME_VALUES",
    "RELATIONSHIPS",
    "TABLES",
    "Column",
    "Table",
    "records_page",
    "records_schema",
]

Kind = Literal["identifier", "date", "text", "vocabulary", "outcome", "number", "true/false"]

#: How an identifier is written: letters and digits, then also ``_ . : / -``; at most 64
#: characters. Read from files as text, so leading zeros are kept (``011`` is not ``11``).
ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$"
ID_RE: Final = re.compile(ID_PATTERN)

#: What ``other_id`` is to ``person_id`` (the child) in the ``relationships`` table.
RELATIONSHIPS: Final[dict[str, str]] = {
    "parent": "a mother or father (birth, adoptive or with parental responsibility)",
    "step_parent": "a step-mother or step-father",
    "partner_of_parent": "a parent's partner who is not the child's parent",
    "sibling": "a brother or sister (both parents shared)",
    "half_sibling": "a half-brother or half-sister (one parent shared)",
    "grandparent": "a grandmother or grandfather",
    "aunt_or_uncle": "an aunt or uncle",
    "other_relative": "another relative (cousin, great-aunt, ...)",
    "household_member": "someone who lives with the child and is not related (a lodger, a friend)",
}

#: Columns of the optional ``uncertain_links`` table: agency records that may
#: belong to a linked person (a link between the linkage's two thresholds),
#: each to be confirmed by a practitioner before it is relied on.
LINK_COLUMNS: Final = ("person_id", "agency", "agency_record_id", "described_as", "differences")

#: Coverage statuses: shared; exists but not shared; not matched; not applicable.
COVERAGE_STATUSES: Final = ("available", "unavailable", "unmatched", "not_applicable")

#: Values of the outcome column (after the mapping file, if any); empty means not known yet.
OUTCOME_VALUES: Final = ("1", "0", "true", "false")


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column of a record table.

    Attributes
    ----------
    name : str
        The column's name in the files.
    kind : str
        ``identifier``, ``date``, ``text``, ``vocabulary`` (one of listed
        values), ``outcome``, ``number`` or ``true/false``.
    required : bool
        Whether the column must be in the table (other columns are kept and
        ignored unless named here).
    empty : str or None
        What an empty value means; ``None`` when every row needs a value.
    meaning : str
        What the column holds, in plain words.
    allowed : tuple of str
        The allowed values of a ``vocabulary`` column (empty: see ``meaning``).
    example : str
        The value of the table's example row, as written in a CSV file.
    """

    name: str
    kind: Kind
    required: bool
    empty: str | None
    meaning: str
    allowed: tuple[str, ...] = ()
    example: str


@dataclass(frozen=True, kw_only=True)
class Table:
    """One record table: its meaning, its columns and the rules across rows."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    rules: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        """The names of the columns the table must have."""
        return tuple(c.name for c in self.columns if c.required)


def _id(name: str, meaning: str, example: str) -> Column:
    return Column(
        name=name, kind="identifier", required=True, empty=None, meaning=meaning, example=example
    )


def _date(name: str, meaning: str, example: str, *, empty: str | None = None) -> Column:
    return Column(
        name=name, kind="date", required=True, empty=empty, meaning=meaning, example=example
    )


_AGENCY = "An agency (a source of the catalogue); see the vocabularies below."
_PERSON = "The person (a `person_id` of the `people` table)."
_AGENCY_COLUMN = Column(
    name="agency", kind="vocabulary", required=True, empty=None, meaning=_AGENCY, example="police"
)

#: The six record tables, in the order they are read.
TABLES: Final[tuple[Table, ...]] = (
    Table(
        name="people",
        meaning="One row per person: every child referred and everyone they live with or "
        "are related to.",
        columns=(
            _id("person_id", "The person's identifier; unique in this table.", "00101"),
            _date(
                "birth_date",
                "Date of birth.",
                "1988-03-14",
                empty="not recorded: the review says the age is not recorded and the "
                "child's age is unknown to the model",
            ),
            Column(
                name="role",
                kind="vocabulary",
                required=False,
                empty="not recorded",
                meaning="Child or adult; used only when the birth date is missing.",
                allowed=("child", "adult"),
                example="adult",
            ),
            Column(
                name="sex",
                kind="vocabulary",
                required=False,
                empty="not recorded (other values are read as not recorded too)",
                meaning="Recorded sex: reviews say mother or father, sister or brother; "
                "the audit's sex groups.",
                allowed=("female", "male"),
                example="female",
            ),
            Column(
                name="ethnicity",
                kind="text",
                required=False,
                empty="not recorded",
                meaning="Recorded ethnic group, for the fairness audit only (never a factor).",
                example="White British",
            ),
            Column(
                name="disability",
                kind="true/false",
                required=False,
                empty="not recorded",
                meaning="Whether a disability is recorded, for the fairness audit only.",
                example="false",
            ),
            Column(
                name="deprivation_decile",
                kind="number",
                required=False,
                empty="not recorded",
                meaning="Deprivation decile of the home area (1 = most deprived), for the "
                "fairness audit only.",
                example="3",
            ),
        ),
    ),
    Table(
        name="memberships",
        meaning="Who lived in which household when: one row per stay.",
        columns=(
            _id("person_id", _PERSON, "00101"),
            _id("household_id", "The household's identifier.", "011"),
            _date("start_date", "First day of the stay.", "2019-06-01"),
            _date("end_date", "Last day of the stay (inclusive).", "", empty="still living there"),
        ),
        rules=(
            "A person is in one household at a time: stays of one person must not overlap "
            "(record shared care as a relationship).",
            "A stay must not start before the person's birth date, nor end before it starts.",
            "At least one stay is needed (each case child's household).",
        ),
    ),
    Table(
        name="relationships",
        meaning="How people are related to each child: one row per child and relative.",
        columns=(
            _id("person_id", "The child (a `person_id` of `people`).", "00103"),
            _id("other_id", "The relative (a `person_id` of `people`), not the child.", "00101"),
            Column(
                name="relationship",
                kind="vocabulary",
                required=True,
                empty=None,
                meaning="What `other_id` is to the child.",
                allowed=tuple(RELATIONSHIPS),
                example="parent",
            ),
        ),
        rules=(
            "Relationships run from the child: `other_id` is the child's parent, sibling, ... "
            "A local code (`mum`, `brother`) is refused; translate it in a mapping file.",
        ),
    ),
    Table(
        name="events",
        meaning="Shared records of each agency: one row per event.",
        columns=(
            _id("event_id", "The event's identifier; unique in this table.", "5001"),
            _id("person_id", "The person the event concerns (a `person_id` of `people`).", "00101"),
            _AGENCY_COLUMN,
            Column(
                name="event_type",
                kind="vocabulary",
                required=True,
                empty=None,
                meaning="The kind of event, one the catalogue lists for the agency.",
                example="domestic_abuse_notification",
            ),
            _date("date", "When it happened.", "2023-11-02"),
        ),
        rules=(
            "An event is used only before each case's reference date; later events never leak in.",
            "An event repeating another's person, agency, type and date under a new "
            "event_id is kept and reported as a possible duplicate.",
        ),
    ),
    Table(
        name="coverage",
        meaning="Which agency's records were shared for which person and period: one row per "
        "person, agency and period.",
        columns=(
            _id("person_id", _PERSON, "00101"),
            _AGENCY_COLUMN,
            _date("start_date", "First day of the period.", "2018-01-01"),
            _date(
                "end_date",
                "Last day of the period (inclusive).",
                "2024-06-30",
                empty="open (still so)",
            ),
            Column(
                name="status",
                kind="vocabulary",
                required=True,
                empty=None,
                meaning="Whether the agency's records were shared for the period.",
                allowed=COVERAGE_STATUSES,
                example="available",
            ),
            Column(
                name="reason",
                kind="text",
                required=False,
                empty="a default wording",
                meaning="Why records are missing, in plain words; reviews show it to "
                "practitioners, so no risk level, score, number or instruction.",
                example="",
            ),
        ),
        rules=(
            "List every person x agency period: for each person in a case's household, "
            "each agency the model uses, and the look-back windows before each reference "
            "date. A day with no coverage row means no records were shared then: the "
            "factors that need it are unknown (never zero) and the review names the "
            "missing period under what the records could not see. A case with no "
            "coverage rows at all has every factor unknown.",
            "Periods of one person and agency must not overlap; each day has one status.",
            "Statuses: `available` records shared; `unavailable` records exist but were not "
            "shared; `unmatched` the person could not be matched to the agency's records; "
            "`not_applicable` the agency holds no records for the person then (school "
            "before school age), which counts as covered.",
        ),
    ),
    Table(
        name="cases",
        meaning="The referrals to review (and, for training, their outcomes): one row per case.",
        columns=(
            _id("case_id", "The case's identifier; unique in this table.", "0001"),
            _id("person_id", "The child referred (a `person_id` of `people`).", "00103"),
            _date(
                "reference_date",
                "The referral date: the case is reviewed as of this date, from "
                "records dated before it.",
                "2024-02-12",
            ),
            Column(
                name="outcome",
                kind="outcome",
                required=False,
                empty="not known yet (such cases can be reviewed, not trained on)",
                meaning="The model specification's outcome column (`outcome` in the "
                "reference specification): 1 if it happened within the window, 0 if "
                "not. Needed by `train`, validation and the audit, not by `review`. It "
                "records a past agency decision, not harm itself.",
                allowed=OUTCOME_VALUES,
                example="0",
            ),
        ),
        rules=(
            "At least one case; the child must be born by the reference date. A child may "
            "have several cases (one per referral).",
        ),
    ),
)

#: Required columns of each table; other columns are kept and ignored.
SCHEMA: Final[dict[str, tuple[str, ...]]] = {t.name: t.required for t in TABLES}


def _table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


def _types(column: Column) -> str:
    return {
        "identifier": "identifier (text or whole number)",
        "date": "date",
        "text": "text",
        "vocabulary": "one of the allowed values",
        "outcome": "0 or 1",
        "number": "whole number",
        "true/false": "true or false",
    }[column.kind]


def _allowed(table: Table, column: Column, catalogue: Catalogue) -> str:
    if column.name == "agency":
        return "a source of the catalogue (below)"
    if column.name == "event_type":
        return "an event type of the agency (below)"
    if column.kind == "identifier":
        return "letters, digits, `_ . : / -`; up to 64 characters"
    if column.kind == "date":
        return "ISO 8601 (`2024-03-31`) or `--date-format`"
    if column.kind == "outcome":
        return "`1`, `0` (also `true`, `false`)"
    if column.allowed:
        return ", ".join(f"`{v}`" for v in column.allowed)
    return ""


def records_page(catalogue: Catalogue, walkthrough: str = "") -> str:
    """Write the records contract as a Markdown page (``docs/records.md``).

    Parameters
    ----------
    catalogue : advisory.definitions.Catalogue
        Gives the agencies and their event types (the reference catalogue for
        the committed page).
    walkthrough : str
        Markdown appended as the page's last section (the "your own data"
        walkthrough).

    Returns
    -------
    str
        The page.

    Examples
    --------
    >>> from advisory.definitions import load_definitions, reference_root
    >>> page = records_page(load_definitions(reference_root()).catalogue)
    >>> page.splitlines()[0]
    '# The records contract'
    >>> "| relationship | one of the allowed values | yes |" in page
    True
    """
    lines = [
        "# The records contract",
        "",
        "<!-- Generated by advisory.context._contract.records_page; do not edit by hand. "
        "tests/context/test_contract.py fails when this page and the code differ: rerun "
        "`pytest tests/context/test_contract.py --regenerate-golden`. -->",
        "",
        "`advisory` reads six tables of multi-agency records: one file each (`people.csv`, "
        "`memberships.csv`, `relationships.csv`, `events.csv`, `coverage.csv`, `cases.csv`; "
        "or `.csv.gz`, `.parquet`) in one folder, or pandas DataFrames, or a SQL database. "
        "Check a folder with `advisory check --records DIR`: it lists every problem at once "
        "and trains nothing.",
        "",
        "- **Identifiers** are text or whole numbers, read as text: `011` stays `011`. "
        "They are data, never wording: `10001` or `2` is a fine id.",
        "- **Dates** are ISO 8601 (`2024-03-31`) or in the format you name with "
        "`--date-format` (`%d/%m/%Y` for 31/03/2024). They are never guessed; numbers are "
        "never read as dates.",
        "- **Empty** values mean unknown or open as each column says; unknown is never "
        "read as 'no concern'.",
        "- Other columns are kept and ignored. Local codes (`Yes`/`No`, `mum`) are "
        "translated with a mapping file (below).",
        "- The same contract as JSON Schema (draft 2020-12), for host systems: "
        "`advisory/context/records.schema.json` in the package "
        "(`advisory.context.records_schema()`), over the JSON form "
        '`{"people": [{...}, ...], ..., "snapshot_date": "2026-06-30"}`.',
        "",
    ]
    for table in TABLES:
        lines += [f"## {table.name}", "", table.meaning, ""]
        lines += [
            "| column | type | required | empty means | allowed | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for c in table.columns:
            empty = "(every row needs a value)" if c.empty is None else c.empty
            lines.append(
                f"| {c.name} | {_types(c)} | {'yes' if c.required else 'no'} | {empty} | "
                f"{_allowed(table, c, catalogue)} | {c.meaning} |"
            )
        lines += ["", "Example row:", "", "```csv"]
        lines.append(",".join(c.name for c in table.columns))
        lines.append(",".join(c.example for c in table.columns))
        lines += ["```", ""]
        if table.rules:
            lines += [f"- {rule}" for rule in table.rules] + [""]
    lines += ["## Vocabularies", "", "### relationship", ""]
    lines += ["| value | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in RELATIONSHIPS.items()]
    lines += ["", "### coverage status", "", ", ".join(f"`{s}`" for s in COVERAGE_STATUSES)]
    lines += [
        "",
        "### outcome",
        "",
        "`1` (it happened within the specification's window) or `0`; `true`/`false` are read "
        "as 1/0. Empty: not known yet. Anything else (`Yes`, `No`, `Y`) is refused; map it.",
        "",
        "### agencies and event types (reference catalogue)",
        "",
        "A host's own catalogue (`explain/*.toml`, `[sources.*]`) defines its own.",
        "",
        "| agency | event types |",
        "|---|---|",
    ]
    for name in catalogue.source_names:
        types = ", ".join(f"`{t}`" for t in catalogue.source(name).event_types)
        lines.append(f"| `{name}` | {types} |")
    lines += [
        "",
        "## The extract date",
        "",
        "`records.json` beside the tables may hold the date the records were extracted: "
        '`{"snapshot_date": "2026-06-30"}` (ISO 8601). Reviews say "records as of" it; no '
        "reference date or event may be later.",
        "",
        "## Optional: uncertain_links",
        "",
        "`uncertain_links.csv` (written by `advisory link`) lists agency records that may "
        "belong to a person, each to be confirmed by a practitioner: "
        + ", ".join(f"`{c}`" for c in LINK_COLUMNS)
        + ". `person_id` must be in `people`; `agency_record_id` is an identifier; every "
        "row needs every column.",
        "",
        "## The mapping file (local codes)",
        "",
        "A TOML file, given with `--mapping FILE` to `advisory check`, `train`, `review` and "
        "`audit --bundle`, "
        "translates a council's own codes into the values above before anything is "
        "checked. One TOML table per `[table.column]`; each key a local value (as written in the "
        "file), each value an allowed value. Values not listed are left as they are (and "
        "checked). A target value outside the vocabulary is an error naming the file, the "
        "table, the column and the value.",
        "",
        "```toml",
        MAPPING_EXAMPLE.rstrip("\n"),
        "```",
        "",
        "Columns a mapping may translate: "
        + ", ".join(f"`{k}`" for k in MAPPABLE)
        + " (and the specification's outcome column).",
        "",
    ]
    if walkthrough:
        lines += [walkthrough.rstrip("\n"), ""]
    return "\n".join(lines)


#: An example mapping file (shown on the records page and tested).
MAPPING_EXAMPLE: Final = """\
# mapping.toml: local codes -> the records contract's values
[cases.outcome]
Yes = 1
No = 0

[relationships.relationship]
mum = "parent"
dad = "parent"
brother = "sibling"
sister = "sibling"
nan = "grandparent"

[coverage.status]
shared = "available"
withheld = "unavailable"
"""

#: ``table.column`` keys a mapping may translate (the outcome column is added by the spec).
MAPPABLE: Final = (
    "people.role",
    "people.sex",
    "relationships.relationship",
    "events.agency",
    "events.event_type",
    "coverage.agency",
    "coverage.status",
)


def _column_schema(column: Column, catalogue: Catalogue) -> dict[str, Any]:
    if column.kind == "identifier":
        out: dict[str, Any] = {
            "anyOf": [
                {"type": "string", "pattern": ID_PATTERN},
                {"type": "integer", "minimum": 0},
            ]
        }
    elif column.kind == "date":
        out = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    elif column.kind == "outcome":
        out = {"enum": [0, 1, True, False]}
    elif column.kind == "true/false":
        out = {"type": "boolean"}
    elif column.kind == "number":
        out = {"type": "integer"}
    elif column.name == "agency":
        out = {"enum": list(catalogue.source_names)}
    elif column.name == "event_type":
        out = {
            "enum": sorted(
                {t for s in catalogue.source_names for t in catalogue.source(s).event_types}
            )
        }
    elif column.allowed:
        out = {"enum": list(column.allowed)}
    else:
        out = {"type": "string"}
    if column.empty is not None:
        out = {"anyOf": [out, {"type": "null"}]}
    out["description"] = column.meaning + (
        f" Empty (null): {column.empty}." if column.empty else ""
    )
    return out


def records_schema(catalogue: Catalogue) -> dict[str, Any]:
    """Return the records contract as a JSON Schema (draft 2020-12).

    It describes the JSON form of the records (each table a list of row
    objects, dates as ISO 8601 text, empty values as ``null``), as
    :func:`advisory.tracking.model_input` writes it and a served model reads
    it. The schema checks each row on its own; the rules across rows
    (unique ids, references to ``people``, overlapping periods) are checked
    by :func:`advisory.context.check_records`.

    Parameters
    ----------
    catalogue : advisory.definitions.Catalogue
        Gives the allowed agencies and event types.

    Returns
    -------
    dict
        The schema; the reference catalogue's is shipped as
        ``advisory/context/records.schema.json``.

    Examples
    --------
    >>> from advisory.definitions import load_definitions, reference_root
    >>> schema = records_schema(load_definitions(reference_root()).catalogue)
    >>> schema["required"]
    ['people', 'memberships', 'relationships', 'events', 'coverage', 'cases']
    """
    defs = {}
    for table in TABLES:
        defs[table.name] = {
            "type": "object",
            "description": table.meaning,
            "required": list(table.required),
            "properties": {c.name: _column_schema(c, catalogue) for c in table.columns},
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:advisory:records:v1",
        "title": "advisory records: the six tables of multi-agency records",
        "description": (
            "Each table is a list of rows; dates are ISO 8601 text, empty values null; other "
            "columns are allowed and ignored. Rules across rows (unique ids, references to "
            "people, overlapping periods, dates in order) are checked by advisory check. "
            "Generated by advisory.context.records_schema; see docs/records.md."
        ),
        "type": "object",
        "required": [t.name for t in TABLES],
        "properties": {
            **{t.name: {"type": "array", "items": {"$ref": f"#/$defs/{t.name}"}} for t in TABLES},
            "snapshot_date": {
                "anyOf": [
                    {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                    {"type": "null"},
                ],
                "description": "The date the records were extracted (optional).",
            },
        },
        "$defs": defs,
    }


def schema_text(catalogue: Catalogue) -> str:
    """Return the JSON Schema as the shipped file holds it (2 spaces, one newline at the end)."""
    return json.dumps(records_schema(catalogue), indent=2, ensure_ascii=False) + "\n"
