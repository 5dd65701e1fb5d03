"""The versioned JSON Schema of a review's dict rendering, and a small validator.

``review.schema.json`` ships with the package (draft 2020-12). Host systems can
validate with any JSON Schema library; :func:`validate_review` checks the
subset of keywords the schema uses (``type``, ``enum``, ``const``,
``pattern``, ``minLength``, ``minimum``, ``properties``, ``required``,
``additionalProperties: false``, ``items`` and local ``$ref``) without one.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Mapping
from typing import Any

from advisory._errors import InputError

__all__ = ["review_schema", "validate_review"]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "null": (type(None),),
    "boolean": (bool,),
}


@functools.cache
def _schema_text() -> str:
    return (importlib.resources.files("advisory.prompts") / "review.schema.json").read_text(
        encoding="utf-8"
    )


def review_schema() -> dict[str, Any]:
    """Return the JSON Schema of :meth:`Review.to_dict` (a fresh copy).

    Examples
    --------
    >>> review_schema()["$id"]
    'urn:advisory:review:v1'
    """
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


def _fail(where: str, problem: str) -> InputError:
    return InputError(f"The review dict does not follow review.schema.json: {where} {problem}.")


def _is_type(value: object, name: str) -> bool:
    if name in ("integer",) and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def _check(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], where: str) -> None:
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix("#/$defs/")
        _check(value, root["$defs"][name], root, where)
        return
    if "const" in schema and value != schema["const"]:
        raise _fail(where, f"must be {schema['const']!r}; got {value!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise _fail(where, f"must be one of {schema['enum']}; got {value!r}")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, n) for n in names):
            raise _fail(where, f"must be of type {' or '.join(names)}; got {type(value).__name__}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            raise _fail(where, "must not be empty")
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            raise _fail(where, f"must match {schema['pattern']!r}; got {value!r}")
    if isinstance(value, int) and "minimum" in schema and value < schema["minimum"]:
        raise _fail(where, f"must be >= {schema['minimum']}; got {value!r}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                raise _fail(where or "the top level", f"lacks the required key {key!r}")
        if schema.get("additionalProperties") is False:
            extra = [k for k in value if k not in properties]
            if extra:
                raise _fail(where or "the top level", f"has keys the schema does not allow {extra}")
        for key, sub in properties.items():
            if key in value:
                _check(value[key], sub, root, f"{where}.{key}" if where else key)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], root, f"{where}[{i}]")


def validate_review(document: Mapping[str, Any]) -> None:
    """Check a review dict (or parsed JSON) against ``review.schema.json``.

    Parameters
    ----------
    document : mapping
        From :meth:`Review.to_dict` or ``json.loads(review.to_json())``.

    Raises
    ------
    advisory.InputError
        Naming the first key that does not follow the schema.

    Examples
    --------
    >>> validate_review({"schema": "urn:advisory:review:v1"})
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The review dict ... lacks the required key 'case_id'.
    """
    schema = review_schema()
    _check(dict(document), schema, schema, "")
