"""The versioned JSON Schema of an audit report's JSON, and its check.

``audit.schema.json`` ships with the package (draft 2020-12). Boards and host
systems can validate with any JSON Schema library; :func:`check_audit_document`
checks it with the library's own small checker (:mod:`advisory._json_schema`),
so writing a report needs no validator at run time. A suppressed entry must
carry nothing but its name (``if``/``then``/``else`` in the schema).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from advisory._json_schema import check_document, read_schema

__all__ = ["SCHEMA_ID", "audit_schema", "check_audit_document"]

#: The ``$id`` of the schema, written as ``"schema"`` in every report's JSON.
SCHEMA_ID: Final = "urn:advisory:audit:v1"


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
    return read_schema("advisory.reports", "audit.schema.json")


def check_audit_document(document: Mapping[str, Any]) -> None:
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
    >>> check_audit_document({"schema": "urn:advisory:audit:v1"})
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: The audit ... the top level lacks the required key 'generated_by'.
    """
    what = f"The audit does not follow audit.schema.json ({SCHEMA_ID})"
    check_document(document, audit_schema(), what)
