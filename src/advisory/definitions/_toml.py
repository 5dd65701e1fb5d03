"""Strict reading of TOML tables, shared by every definition loader.

Every problem in a definition file becomes a
:class:`~advisory._errors.DefinitionError` that names the file, the dotted key
path, what was expected, what was found and the fix. The loaders never read a
TOML value directly; they ask a :class:`Table` for it.
"""

from __future__ import annotations

import difflib
import os
import pathlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Final, TypeVar

from advisory._errors import DefinitionError

__all__ = ["NAME_PATTERN", "Table", "check_name", "read_definition_file", "read_toml"]

#: Names of factors, sources, attributes and definition files: snake_case identifiers.
NAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]*")

_S = TypeVar("_S", bound=str)


def _found(value: object) -> str:
    """Describe a value that was found, with its type: ``'365' (str)``."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def read_toml(text: str, source: str) -> dict[str, object]:
    """Parse TOML ``text``, turning a syntax error into a :class:`DefinitionError`.

    Examples
    --------
    >>> read_toml('a = 1', "<string>")
    {'a': 1}
    >>> read_toml('a = ', "<string>")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: <string>: the file is not valid TOML
    (Invalid value (at end of document)); fix the syntax.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(
            source, "the file", f"is not valid TOML ({exc}); fix the syntax."
        ) from exc


def read_definition_file(path: str | os.PathLike[str], source: str | None = None) -> str:
    """Return the text of a definition file, or fail naming the path and the fix.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    source : str, optional
        How to name the file in messages; defaults to ``path``.

    Returns
    -------
    str
        The file's text (UTF-8).
    """
    file = pathlib.Path(path)
    name = str(file) if source is None else source
    if not file.is_file():
        raise DefinitionError(
            name,
            "the file",
            f"does not exist (looked for {file.resolve()}); create it or check the path.",
        )
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionError(name, "the file", "is not UTF-8 text; save it as UTF-8.") from exc


def check_name(value: str, source: str, where: str) -> str:
    """Return ``value`` after checking it is a snake_case identifier.

    Examples
    --------
    >>> check_name("adult_arrests", "<string>", "factors[0].name")
    'adult_arrests'
    >>> check_name("Adult arrests", "<string>", "factors[0].name")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: <string>: factors[0].name must be a snake_case name
    (lower-case letters, digits and '_', starting with a letter);
    got 'Adult arrests' (str) instead.
    """
    if NAME_PATTERN.fullmatch(value) is None:
        raise DefinitionError(
            source,
            where,
            "must be a snake_case name (lower-case letters, digits and '_', starting with a "
            f"letter); got {_found(value)} instead.",
        )
    return value


class Table:
    """One TOML table, read strictly.

    Unknown keys are rejected when the table is created. Each accessor checks
    the value's presence and type and raises a :class:`DefinitionError` whose
    message names the dotted key path.

    Parameters
    ----------
    data : Mapping
        The parsed TOML table.
    source : str
        The file the table came from (``"<string>"`` for text).
    where : str
        The dotted path of this table in the file (``""`` for the top level).
    keys : Iterable of str
        The keys this table may hold.

    Examples
    --------
    >>> t = Table({"window_days": "365"}, source="spec.toml", where="factors[3]",
    ...           keys=["window_days", "ever"])
    >>> t.integer("window_days", minimum=1)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: spec.toml: factors[3].window_days must be
    an integer > 0; got '365' (str) instead.
    >>> Table({"windw_days": 3}, source="spec.toml", where="factors[3]",
    ...       keys=["window_days", "ever"])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    advisory._errors.DefinitionError: spec.toml: factors[3] has unknown key 'windw_days';
    expected one of ['ever', 'window_days']. Check the spelling (did you mean 'window_days'?).
    """

    def __init__(
        self, data: Mapping[str, object], *, source: str, where: str, keys: Iterable[str]
    ) -> None:
        self.data = data
        self.source = source
        self.where = where
        allowed = sorted(set(keys))
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise DefinitionError(
                    source,
                    where or "the top level",
                    f"has unknown key {key!r}; expected one of {allowed}. "
                    f"Check the spelling{hint}.",
                )

    def path(self, key: str) -> str:
        """Return the dotted path of ``key`` in the file."""
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, problem: str) -> DefinitionError:
        """Return a :class:`DefinitionError` about ``key`` (for the caller to raise)."""
        return DefinitionError(self.source, self.path(key), problem)

    def has(self, key: str) -> bool:
        """Return whether ``key`` is present."""
        return key in self.data

    def forbid(self, key: str, reason: str) -> None:
        """Fail if ``key`` is present, giving ``reason`` (why it does not belong)."""
        if key in self.data:
            raise self.error(key, f"is not allowed {reason}; remove it.")

    def _wrong(self, key: str, expected: str) -> DefinitionError:
        return self.error(key, f"must be {expected}; got {_found(self.data[key])} instead.")

    def _missing(self, key: str, expected: str) -> DefinitionError:
        return self.error(key, f"is missing; add it ({expected}).")

    def text(self, key: str, *, default: str | None = None) -> str:
        """Return a non-empty string, or ``default`` when absent (``None``: required)."""
        expected = "a non-empty string"
        if key not in self.data:
            if default is None:
                raise self._missing(key, expected)
            return default
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            raise self._wrong(key, expected)
        return value

    def integer(self, key: str, *, minimum: int, default: int | None = None) -> int:
        """Return an integer ``>= minimum``, or ``default`` when absent (``None``: required)."""
        expected = f"an integer > {minimum - 1}" if minimum == 1 else f"an integer >= {minimum}"
        if key not in self.data:
            if default is None:
                raise self._missing(key, expected)
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self._wrong(key, expected)
        return value

    def open_fraction(self, key: str, *, default: float) -> float:
        """Return a number strictly between 0 and 1, or ``default`` when absent."""
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
            raise self._wrong(key, "a number between 0 and 1 (exclusive), such as 0.95")
        return float(value)

    def number(self, key: str) -> float:
        """Return a required finite number."""
        expected = "a finite number"
        if key not in self.data:
            raise self._missing(key, expected)
        value = self.data[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not abs(value) < float("inf")
        ):
            raise self._wrong(key, expected)
        return float(value)

    def boolean(self, key: str, *, default: bool) -> bool:
        """Return ``true`` or ``false``, or ``default`` when absent."""
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false")
        return value

    def choice(self, key: str, choices: tuple[_S, ...], *, default: _S | None = None) -> _S:
        """Return one of ``choices``, or ``default`` when absent (``None``: required)."""
        expected = f"one of {list(choices)}"
        if key not in self.data:
            if default is None:
                raise self._missing(key, expected)
            return default
        value = self.data[key]
        for choice in choices:
            if value == choice:
                return choice
        raise self._wrong(key, expected)

    def texts(
        self, key: str, *, default: tuple[str, ...] | None = None, minimum: int = 1
    ) -> tuple[str, ...]:
        """Return a list of distinct non-empty strings with at least ``minimum`` items."""
        expected = (
            f"a list of at least {minimum} distinct non-empty strings"
            if minimum > 1
            else "a non-empty list of distinct non-empty strings"
        )
        if key not in self.data:
            if default is None:
                raise self._missing(key, expected)
            return default
        value = self.data[key]
        if not isinstance(value, list) or len(value) < minimum:
            raise self._wrong(key, expected)
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(
                    f"{key}[{i}]", f"must be a non-empty string; got {_found(item)} instead."
                )
            if item in value[:i]:
                raise self.error(f"{key}[{i}]", f"repeats {item!r}; list each value once.")
        return tuple(value)

    def table(self, key: str, keys: Iterable[str]) -> Table:
        """Return the required sub-table ``[key]``."""
        if key not in self.data:
            raise self._missing(key, f"a [{self.path(key)}] table")
        value = self.data[key]
        if not isinstance(value, dict):
            raise self._wrong(key, f"a [{self.path(key)}] table")
        return Table(value, source=self.source, where=self.path(key), keys=keys)

    def optional_table(self, key: str, keys: Iterable[str]) -> Table | None:
        """Return the sub-table ``[key]``, or ``None`` when absent."""
        return self.table(key, keys) if key in self.data else None

    def array_of_tables(self, key: str, keys: Iterable[str]) -> tuple[Table, ...]:
        """Return the required, non-empty array of tables ``[[key]]``."""
        expected = f"one or more [[{self.path(key)}]] tables"
        if key not in self.data:
            raise self._missing(key, expected)
        value = self.data[key]
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            raise self._wrong(key, expected)
        keys = tuple(keys)
        return tuple(
            Table(v, source=self.source, where=f"{self.path(key)}[{i}]", keys=keys)
            for i, v in enumerate(value)
        )

    def named_tables(self, key: str, keys: Iterable[str]) -> dict[str, Table]:
        """Return the required tables ``[key.<name>]`` by name (names are snake_case)."""
        expected = f"one or more [{self.path(key)}.<name>] tables"
        if key not in self.data:
            raise self._missing(key, expected)
        value = self.data[key]
        if not isinstance(value, dict) or not value:
            raise self._wrong(key, expected)
        keys = tuple(keys)
        tables: dict[str, Table] = {}
        for name, sub in value.items():
            where = f"{self.path(key)}.{name}"
            check_name(name, self.source, where)
            if not isinstance(sub, dict):
                raise DefinitionError(
                    self.source, where, f"must be a [{where}] table; got {_found(sub)} instead."
                )
            tables[name] = Table(sub, source=self.source, where=where, keys=keys)
        return tables

    def schema_version(self) -> int:
        """Return ``schema_version``, which must be 1 (the only version this release reads)."""
        version = self.integer("schema_version", minimum=1)
        if version != 1:
            raise self.error(
                "schema_version",
                f"is {version}, but this version of advisory reads schema_version 1 only; "
                "upgrade advisory or write the file in schema version 1.",
            )
        return version
