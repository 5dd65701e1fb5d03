"""The factor catalogue: plain-language wording of sources and factors."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from typing import Final, Literal

from advisory._errors import UnknownNameError
from advisory._language import RISK_PATTERN as _RISK_PATTERN
from advisory._language import RISK_WORDS
from advisory.definitions._toml import Table, read_definition_file, read_toml

__all__ = [
    "Catalogue",
    "CatalogueEntry",
    "Source",
    "load_catalogue",
    "parse_catalogue",
]

Direction = Literal["concern", "strength"]

DIRECTIONS: Final[tuple[Direction, ...]] = ("concern", "strength")

#: The only placeholder a question may contain: who the factor is about.
PLACEHOLDER: Final = "who"

_TOP_KEYS: Final = ("schema_version", "reminder", "sources", "factors")
_SOURCE_KEYS: Final = ("label", "event_types", "not_captured", "key_history", "chronology")
_ENTRY_KEYS: Final = (
    "label",
    "source",
    "direction",
    "question",
    "hardship",
    "absence_question",
    "absence_ages",
)


@dataclass(frozen=True, kw_only=True)
class Source:
    """An agency whose records the factors use.

    Attributes
    ----------
    name : str
        snake_case name, as used in the records' ``source`` column.
    label : str
        Plain-language name of the agency.
    event_types : tuple of str
        Every event type this source records.
    not_captured : str
        What this source's records never capture, in plain language.
    key_history : tuple of str
        Event types a review always shows, at any date, whatever the model
        says (earlier referrals, plans, missing episodes, exclusions).
    chronology : tuple of str
        Event types a review's short chronology shows (default: all).
    """

    name: str
    label: str
    event_types: tuple[str, ...]
    not_captured: str
    key_history: tuple[str, ...] = ()
    chronology: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CatalogueEntry:
    """How one factor is described to a practitioner.

    Attributes
    ----------
    name : str
        The factor's name, as in the model specification.
    label : str
        Plain-language label.
    source : str
        The source the factor comes from.
    direction : {'concern', 'strength'}
        Whether the factor is a possible concern or a strength.
    question : str
        The review question; it may contain the placeholder ``{who}``.
    hardship : bool
        Whether the factor may indicate hardship or poverty rather than
        harm (housing, arrears, missed appointments): a review asks about it
        as context and support, never as its first question.
    absence_question : str or None
        The question a review asks when the model relies on the *absence*
        of such records (``None``: an absence is never asked about).
    absence_ages : tuple of int or None
        ``(youngest, oldest)``: the child's ages in whole years at which an
        absence applies (a health visitor sees children under five).

    Examples
    --------
    >>> entry = CatalogueEntry(name="adult_arrests", label="Arrests of adults",
    ...                        source="police", direction="concern",
    ...                        question="What is known about the arrest of {who}?")
    >>> entry.question_for("an adult in the household")
    'What is known about the arrest of an adult in the household?'
    """

    name: str
    label: str
    source: str
    direction: Direction
    question: str
    hardship: bool = False
    absence_question: str | None = None
    absence_ages: tuple[int, int] | None = None

    def question_for(self, who: str) -> str:
        """Return the question with ``{who}`` replaced by ``who`` (plain words)."""
        return self.question.replace("{" + PLACEHOLDER + "}", who)


@dataclass(frozen=True, kw_only=True)
class Catalogue:
    """A factor catalogue, read from ``explain/<name>.toml``.

    Attributes
    ----------
    schema_version : int
        Version of the file format (1).
    reminder : str
        The standing reminder of what records never show.
    sources : tuple of Source
        The agencies, in file order.
    entries : tuple of CatalogueEntry
        The factor entries, in file order.

    Examples
    --------
    >>> from advisory.definitions import load_catalogue, reference_root
    >>> catalogue = load_catalogue(reference_root() / "explain" / "reference.toml")
    >>> catalogue.entry("health_visitor_contacts").direction
    'strength'
    >>> catalogue.source("police").label
    'Police'
    """

    schema_version: int
    reminder: str
    sources: tuple[Source, ...]
    entries: tuple[CatalogueEntry, ...]

    @property
    def source_names(self) -> tuple[str, ...]:
        """The sources' names, in order."""
        return tuple(s.name for s in self.sources)

    def source(self, name: str) -> Source:
        """Return the source called ``name``.

        Raises
        ------
        advisory.UnknownNameError
            If there is no such source (a ``KeyError``); the message lists
            those defined.
        """
        for source in self.sources:
            if source.name == name:
                return source
        raise UnknownNameError(
            name,
            f"The catalogue has no source {name!r}; its sources are {list(self.source_names)}.",
        )

    def entry(self, name: str) -> CatalogueEntry:
        """Return the entry of factor ``name``.

        Raises
        ------
        advisory.UnknownNameError
            If there is no such entry (a ``KeyError``); the message lists
            those defined.
        """
        for entry in self.entries:
            if entry.name == name:
                return entry
        names = [e.name for e in self.entries]
        raise UnknownNameError(
            name, f"The catalogue has no entry {name!r}; its entries are {names}."
        )


def parse_catalogue(text: str, source: str = "<string>") -> Catalogue:
    """Parse and validate a factor catalogue from TOML text.

    Parameters
    ----------
    text : str
        The TOML text.
    source : str, default "<string>"
        How to name the text in error messages (usually its file path).

    Returns
    -------
    Catalogue
        The validated catalogue.

    Raises
    ------
    DefinitionError
        If the text is not valid TOML, has unknown keys or missing fields, an
        entry refers to an undefined source, or a label or question is not
        plain wording (a question must end with '?', use no placeholder but
        ``{who}``, and contain no digits or words stating risk or likelihood).

    Examples
    --------
    >>> from advisory.definitions import reference_root
    >>> text = (reference_root() / "explain" / "reference.toml").read_text()
    >>> len(parse_catalogue(text).sources)
    5
    """
    top = Table(read_toml(text, source), source=source, where="", keys=_TOP_KEYS)
    schema_version = top.schema_version()
    reminder = top.text("reminder")
    sources = tuple(
        _source(name, t) for name, t in top.named_tables("sources", _SOURCE_KEYS).items()
    )
    source_names = [s.name for s in sources]
    entries = []
    for name, t in top.named_tables("factors", _ENTRY_KEYS).items():
        entry_source = t.text("source")
        if entry_source not in source_names:
            raise t.error(
                "source",
                f"refers to {entry_source!r}, which is not a source in this catalogue; "
                f"defined sources are {source_names}.",
            )
        entries.append(
            CatalogueEntry(
                name=name,
                label=_plain_label(t),
                source=entry_source,
                direction=t.choice("direction", DIRECTIONS),
                question=_question(t),
                hardship=t.boolean("hardship", default=False),
                absence_question=_question(t, "absence_question")
                if t.has("absence_question")
                else None,
                absence_ages=_ages(t),
            )
        )
    return Catalogue(
        schema_version=schema_version,
        reminder=reminder,
        sources=sources,
        entries=tuple(entries),
    )


def load_catalogue(path: str | os.PathLike[str], *, source: str | None = None) -> Catalogue:
    """Load and validate a factor catalogue file.

    Parameters
    ----------
    path : str or os.PathLike
        The ``explain/<name>.toml`` file.
    source : str, optional
        How to name the file in error messages; defaults to ``path``.

    Returns
    -------
    Catalogue
        The validated catalogue.

    Examples
    --------
    >>> from advisory.definitions import reference_root
    >>> load_catalogue(reference_root() / "explain" / "reference.toml").source_names[0]
    'childrens_social_care'
    """
    name = str(path) if source is None else source
    return parse_catalogue(read_definition_file(path, name), name)


def _source(name: str, t: Table) -> Source:
    event_types = t.texts("event_types")
    subsets = {}
    for key in ("key_history", "chronology"):
        chosen = t.texts(key, default=(), minimum=1) if t.has(key) else ()
        strange = [e for e in chosen if e not in event_types]
        if strange:
            raise t.error(
                key,
                f"lists {strange[0]!r}, which is not among this source's event_types "
                f"{list(event_types)}.",
            )
        subsets[key] = chosen
    return Source(
        name=name,
        label=_plain_label(t),
        event_types=event_types,
        not_captured=t.text("not_captured"),
        key_history=subsets["key_history"],
        chronology=subsets["chronology"] or event_types,
    )


def _ages(t: Table) -> tuple[int, int] | None:
    if not t.has("absence_ages"):
        return None
    value = t.data["absence_ages"]
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        or value[0] > value[1]
    ):
        raise t.error(
            "absence_ages",
            f"must be [youngest, oldest], two whole years with youngest <= oldest; got {value!r}.",
        )
    return (int(value[0]), int(value[1]))


def _check_wording(t: Table, key: str, value: str) -> None:
    word = _RISK_PATTERN.search(value)
    if word is not None:
        raise t.error(
            key,
            f"uses the word {word.group(0)!r}; wording must not state a risk level, score "
            f"or likelihood (avoid {list(RISK_WORDS)}). Rephrase it.",
        )
    if "\n" in value or value != value.strip():
        raise t.error(
            key, f"must be a single line without leading or trailing spaces; got {value!r}."
        )


def _plain_label(t: Table) -> str:
    label = t.text("label")
    if any(c in label for c in "{}<>"):
        raise t.error(
            "label", f"must be plain text without braces or markup; got {label!r} instead."
        )
    _check_wording(t, "label", label)
    return label


def _question(t: Table, key: str = "question") -> str:
    question = t.text(key)
    try:
        fields = list(string.Formatter().parse(question))
    except ValueError as exc:
        raise t.error(
            key,
            f"has an unmatched brace ({exc}); the only placeholder allowed is {{who}}.",
        ) from exc
    for _, field, spec, conversion in fields:
        if field is not None and (field != PLACEHOLDER or spec or conversion):
            shown = (
                "{"
                + field
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise t.error(
                key,
                f"has the placeholder {shown!r}; the only placeholder allowed is "
                "{who}. Remove it or write it out.",
            )
    if not question.rstrip().endswith("?"):
        raise t.error(
            key,
            f"must be a question ending with '?', never an instruction or a statement; "
            f"got {question!r}.",
        )
    if any(c.isdigit() for c in question):
        raise t.error(
            key,
            f"must not contain digits (numbers come from the records, not the question); "
            f"got {question!r}.",
        )
    _check_wording(t, key, question)
    return question
