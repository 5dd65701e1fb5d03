"""The factor catalogue: plain-language wording of sources and factors."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from typing import Final, Literal

from advisory._errors import DefinitionError, UnknownNameError
from advisory._language import QUESTION_OPENERS, WordingError, check_free_text
from advisory.definitions._toml import Table, read_definition_file, read_toml

__all__ = [
    "Catalogue",
    "CatalogueEntry",
    "Source",
    "check_wording",
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
        """Return the question with ``{who}`` replaced by ``who``.

        Parameters
        ----------
        who : str
            Whose records, in plain words (e.g. ``"the child"``).

        Returns
        -------
        str
            The review question for that person.
        """
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

        Parameters
        ----------
        name : str
            The source's name.

        Returns
        -------
        Source
            Its label, what it never captures and its event types.

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

        Parameters
        ----------
        name : str
            The factor's name.

        Returns
        -------
        CatalogueEntry
            Its label, source, direction and review question.

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
    reminder = _plain_text(top, "reminder")
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
        not_captured=_plain_text(t, "not_captured"),
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


def _wording_problem(value: str, *, question: bool = False) -> str | None:
    """Return what is wrong with one catalogue text by the review guard's rules, or None."""
    if "\n" in value or value != value.strip():
        return f"must be a single line without leading or trailing spaces; got {value!r}."
    markup = next((c for c in value if c in "<>&"), None)
    if markup is not None:
        return (
            f"holds {markup!r}; catalogue wording is plain text, never markup (reviews are "
            f"rendered as text, HTML and JSON from it). Remove it; got {value!r}."
        )
    if question:
        if not value.endswith("?"):
            return (
                "must be a question ending with '?', never an instruction or a statement; "
                f"got {value!r}."
            )
        if not any(value == o or value.startswith(o + " ") for o in QUESTION_OPENERS):
            return (
                f"must begin with one of {list(QUESTION_OPENERS)}, as an open question; "
                f"got {value!r}."
            )
        value = value.replace("{" + PLACEHOLDER + "}", "the child")
    try:
        check_free_text(value)
    except WordingError as breach:
        return (
            f"is {value!r}: {breach.found!r} {breach.rule}. Catalogue wording must not state "
            "a risk level, score, rank, number or instruction; rephrase it."
        )
    return None


def _check_wording(t: Table, key: str, value: str) -> None:
    """Run the review guard's free-text rules on one catalogue text, at load time."""
    problem = _wording_problem(value)
    if problem is not None:
        raise t.error(key, problem)


def check_wording(catalogue: Catalogue, *, source: str = "the catalogue") -> None:
    """Check every text of a catalogue object by the review guard's rules.

    :func:`load_catalogue` runs the same checks on the file; this runs them on
    a catalogue that did not come from a file now (for example one loaded
    from a model bundle), so edited wording cannot skip them.

    Raises
    ------
    DefinitionError
        Naming the entry and key, the text and the rule it breaks.

    Examples
    --------
    >>> import dataclasses
    >>> from advisory.definitions import load_catalogue, reference_root
    >>> catalogue = load_catalogue(reference_root() / "explain" / "reference.toml")
    >>> check_wording(catalogue)
    >>> edited = dataclasses.replace(catalogue, reminder="Nine in ten families")
    >>> check_wording(edited)
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: the catalogue: reminder is 'Nine in ten families': ...
    """
    texts: list[tuple[str, str, bool]] = [("reminder", catalogue.reminder, False)]
    for s in catalogue.sources:
        texts += [(f"sources.{s.name}.label", s.label, False)]
        texts += [(f"sources.{s.name}.not_captured", s.not_captured, False)]
    for e in catalogue.entries:
        texts += [(f"factors.{e.name}.label", e.label, False)]
        texts += [(f"factors.{e.name}.question", e.question, True)]
        if e.absence_question is not None:
            texts += [(f"factors.{e.name}.absence_question", e.absence_question, True)]
    for where, value, question in texts:
        if not isinstance(value, str):
            raise DefinitionError(source, where, f"must be text; got {value!r}.")
        problem = _wording_problem(value, question=question)
        if problem is not None:
            raise DefinitionError(source, where, problem)


def _plain_label(t: Table) -> str:
    label = t.text("label")
    if any(c in label for c in "{}"):
        raise t.error("label", f"must be plain text without braces; got {label!r} instead.")
    _check_wording(t, "label", label)
    return label


def _plain_text(t: Table, key: str) -> str:
    text = t.text(key)
    _check_wording(t, key, text)
    return text


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
    problem = _wording_problem(question, question=True)
    if problem is not None:
        raise t.error(key, problem)
    return question
