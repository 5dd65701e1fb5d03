"""The versioned JSON Schema of a review's dict rendering, and its check.

``review.schema.json`` ships with the package (draft 2020-12). Host systems can
validate with any JSON Schema library; :func:`validate_review` checks it with
the library's own small checker (:mod:`advisory._json_schema`) without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from advisory._errors import InputError
from advisory._json_schema import check_document, read_schema

__all__ = ["SCHEMA_ID", "check_schema_id", "review_schema", "validate_review"]

#: The ``$id`` of the JSON Schema of a review's dict, with its version.
SCHEMA_ID: Final = "urn:advisory:review:v2"


def check_schema_id(document: Mapping[str, Any]) -> None:
    """Refuse a dict that is not a review of schema v2, naming v2 (version one is not read).

    Raises
    ------
    advisory.InputError
        If ``document["schema"]`` is not :data:`SCHEMA_ID`.
    """
    found = document.get("schema") if isinstance(document, Mapping) else None
    if found != SCHEMA_ID:
        raise InputError(
            f"This release reads reviews of schema {SCHEMA_ID!r}; got {found!r}. Reviews of "
            "version one are not read: build the review again with this release."
        )


def review_schema() -> dict[str, Any]:
    """Return the JSON Schema of :meth:`Review.to_dict` (a fresh copy).

    Examples
    --------
    >>> review_schema()["$id"]
    'urn:advisory:review:v2'
    """
    return read_schema("advisory.prompts", "review.schema.json")


def validate_review(document: Mapping[str, Any]) -> None:
    """Check a review dict (or parsed JSON) against ``review.schema.json``.

    Parameters
    ----------
    document : mapping
        From :meth:`Review.to_dict` or ``json.loads(review.to_json())``.

    Raises
    ------
    advisory.InputError
        Naming the first key that does not follow the schema; a review of
        version one is refused with a message naming version two.

    Examples
    --------
    >>> validate_review({"schema": "urn:advisory:review:v1"})
    Traceback (most recent call last):
    ...
    advisory._errors.InputError: This release reads reviews of schema 'urn:advisory:review:v2'; ...
    """
    check_schema_id(document)
    check_document(document, review_schema(), "The review dict does not follow review.schema.json")
