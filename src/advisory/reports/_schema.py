"""The versioned JSON Schema of an audit report's JSON, and a small validator.

``audit.schema.json`` ships with the package (draft 2020-12). Boards and host
systems can validate with any JSON Schema library; :func:`validate_audit`
checks the keywords the schema uses without one, so writing a report needs no
validator at run time. It follows the approach of the review schema's checker
(:mod:`advisory.prompts`) and adds what the audit needs: ``number``,
``maximum`` and the exclusive bounds, ``minItems``/``maxItems``,
``propertyNames``, ``additionalProperties`` as a schema, ``anyOf`` and
``if``/``then``/``else`` (a suppressed entry must carry nothing but its name).
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from advisory._errors import InputError

__all__ = ["SCHEMA_ID", "audit_schema", "validate_audit"]

#: The ``$id`` of the schema, written as ``"schema"`` in every report's JSON.
SCHEMA_ID: Final = "urn:advisory:audit:v1"

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


@functools.cache
def _schema_text() -> str:
    return (importlib.resources.files("advisory.reports") / "audit.schema.json").read_text(
        encoding="utf-8"
    )


def audit_schema() -> dict[str, Any]:
    """Return the JSON Schema of an audit report's JSON (a fresh copy).

    Returns
    -------
    dict
        Draft 2020-12, ``$id`` :data:`SCHEMA_ID`.

    Examples
    --------
    >>> audit_schema()["$id"]
    'urn:advisory:audit:v1'
    """
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


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


def validate_audit(document: Mapping[str, Any]) -> None:
    """Check an audit report's JSON (parsed) against ``audit.schema.json``.

    Parameters
    ----------
    document : mapping
        A parsed report JSON (:func:`audit_json`), with ``schema`` and
        ``generated_by``.

    Raises
    ------
    advisory.InputError
        Naming the key path of the first entry that does not follow the
        schema, what it must be and what it is.

    Examples
    --------
    >>> validate_audit({"schema": "urn:advisory:audit:v1"})
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The audit ... the top level lacks the required key 'generated_by'.
    """
    schema = audit_schema()
    try:
        _check(dict(document), schema, schema, "")
    except _SchemaError as failure:
        raise InputError(
            f"The audit does not follow audit.schema.json ({SCHEMA_ID}): "
            f"{failure.where} {failure.problem}."
        ) from None
