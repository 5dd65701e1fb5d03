"""A small JSON Schema checker for the schemas this library ships.

The review and audit schemas (draft 2020-12) ship with the package; hosts and
boards can validate with any JSON Schema library, and the library checks its
own output with this one, so no validator is needed at run time. It supports
the keywords those schemas use: ``type`` (with ``number``), ``enum``,
``const``, ``pattern``, ``minLength``, the numeric bounds, ``minItems`` and
``maxItems``, ``properties``, ``required``, ``additionalProperties`` (false or
a schema), ``propertyNames``, ``items``, ``anyOf``, ``if``/``then``/``else``
and local ``$ref``.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from advisory._errors import InputError

__all__ = ["check_document", "read_schema"]

_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
    "boolean": (bool,),
}


class _SchemaError(Exception):
    """Where a value breaks the schema, and how (turned into an InputError)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(where, problem)
        self.where = where
        self.problem = problem


def _is_type(value: object, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][str(schema["$ref"]).removeprefix("#/$defs/")]
    return schema


def _could_be(value: object, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    """Whether ``value``'s JSON type is one ``schema`` allows (to pick an anyOf branch)."""
    schema = _resolve(schema, root)
    if "type" not in schema:
        return True
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return any(_is_type(value, n) for n in names)


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _check(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], where: str) -> None:
    schema = _resolve(schema, root)
    at = where or "the top level"
    if "const" in schema and (value != schema["const"] or type(value) is not type(schema["const"])):
        raise _SchemaError(at, f"must be {json.dumps(schema['const'])}; got {value!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise _SchemaError(at, f"must be one of {schema['enum']}; got {value!r}")
    if "type" in schema and not _could_be(value, schema, root):
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        raise _SchemaError(at, f"must be of type {' or '.join(names)}; got {type(value).__name__}")
    if "anyOf" in schema:
        _check_any(value, schema["anyOf"], root, where)
    if "if" in schema:
        try:
            _check(value, schema["if"], root, where)
        except _SchemaError:
            branch = schema.get("else")
        else:
            branch = schema.get("then")
        if branch is not None:
            _check(value, branch, root, where)
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            raise _SchemaError(at, "must not be empty")
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            raise _SchemaError(at, f"must match {schema['pattern']!r}; got {value!r}")
    if _is_type(value, "number"):
        _check_bounds(value, schema, at)
    if isinstance(value, dict):
        _check_object(value, schema, root, where)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            raise _SchemaError(
                at, f"must have at least {schema['minItems']} items; got {len(value)}"
            )
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise _SchemaError(
                at, f"must have at most {schema['maxItems']} items; got {len(value)}"
            )
        if "items" in schema:
            for i, item in enumerate(value):
                _check(item, schema["items"], root, f"{where}[{i}]")


def _check_any(
    value: Any, branches: list[Mapping[str, Any]], root: Mapping[str, Any], where: str
) -> None:
    failures: list[_SchemaError] = []
    for branch in branches:
        try:
            _check(value, branch, root, where)
        except _SchemaError as failure:
            failures.append(failure)
        else:
            return
    fitting = [f for f, b in zip(failures, branches, strict=True) if _could_be(value, b, root)]
    # report the branch the value was evidently meant for, else the deepest failure
    raise max(fitting or failures, key=lambda f: len(f.where))


def _check_bounds(value: float, schema: Mapping[str, Any], at: str) -> None:
    checks: tuple[tuple[str, Callable[[float], bool], str], ...] = (
        ("minimum", lambda b: value < b, ">="),
        ("maximum", lambda b: value > b, "<="),
        ("exclusiveMinimum", lambda b: value <= b, ">"),
        ("exclusiveMaximum", lambda b: value >= b, "<"),
    )
    for key, broken, words in checks:
        if key in schema and broken(schema[key]):
            raise _SchemaError(at, f"must be {words} {schema[key]}; got {value!r}")


def _check_object(
    value: dict[str, Any], schema: Mapping[str, Any], root: Mapping[str, Any], where: str
) -> None:
    at = where or "the top level"
    properties = schema.get("properties", {})
    for key in schema.get("required", ()):
        if key not in value:
            raise _SchemaError(at, f"lacks the required key {key!r}")
    extra = schema.get("additionalProperties", True)
    if extra is False:
        unknown = [k for k in value if k not in properties]
        if unknown:
            hint = f" ({schema['description']})" if "description" in schema else ""
            raise _SchemaError(at, f"has keys the schema does not allow {unknown}{hint}")
    for key, item in value.items():
        if "propertyNames" in schema:
            _check(key, schema["propertyNames"], root, f"{_path(where, key)} (the key)")
        if key in properties:
            _check(item, properties[key], root, _path(where, key))
        elif isinstance(extra, Mapping):
            _check(item, extra, root, _path(where, key))


@functools.cache
def _schema_text(package: str, name: str) -> str:
    return (importlib.resources.files(package) / name).read_text(encoding="utf-8")


def read_schema(package: str, name: str) -> dict[str, Any]:
    """Return a schema shipped in ``package`` (a fresh copy).

    Examples
    --------
    >>> read_schema("advisory.prompts", "review.schema.json")["$id"]
    'urn:advisory:review:v2'
    """
    schema: dict[str, Any] = json.loads(_schema_text(package, name))
    return schema


def check_document(document: Mapping[str, Any], schema: Mapping[str, Any], what: str) -> None:
    """Check ``document`` against ``schema``; the error names the key path.

    Parameters
    ----------
    document : mapping
        Parsed JSON.
    schema : mapping
        The schema, with its ``$defs``.
    what : str
        Starts the error message, e.g. ``"The review dict does not follow
        review.schema.json"``.

    Raises
    ------
    advisory.InputError
        ``"<what>: <where> <problem>."`` for the first entry that breaks it.

    Examples
    --------
    >>> check_document({"a": 1}, {"type": "object", "required": ["b"]}, "The thing")
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The thing: the top level lacks the required key 'b'.
    """
    try:
        _check(dict(document), schema, schema, "")
    except _SchemaError as failure:
        raise InputError(f"{what}: {failure.where} {failure.problem}.") from None
