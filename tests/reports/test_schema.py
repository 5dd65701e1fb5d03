"""The shipped audit schema, cross-checked with a full JSON Schema validator."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from advisory._errors import InputError
from advisory.fairness import METRICS
from advisory.reports import SCHEMA_ID, audit_json, audit_schema, check_audit_document


@pytest.fixture
def full_document(full_dict) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(audit_json(full_dict))
    return document


def _validator():
    schema = audit_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def test_the_schema_itself_is_valid():
    schema = audit_schema()
    assert schema["$id"] == SCHEMA_ID
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_schema_names_every_metric_of_the_audit():
    assert audit_schema()["$defs"]["metric"]["enum"] == list(METRICS)


def test_written_json_validates(full_dict, bare_dict, real_audit):
    for source in (full_dict, bare_dict, real_audit):
        document = json.loads(audit_json(source))
        _validator().validate(document)
        check_audit_document(document)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _hidden(section: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        entries = doc[section] if section != "parity" else doc["parity"]["attribution"]
        entry = next(e for e in entries if e["suppressed"])
        entry["estimate"] = 0.4

    return change


BREAKS = {
    "suppressed group with a count": lambda d: next(
        g for g in d["groups"] if g["suppressed"]
    ).update(n=7),
    "suppressed group with metrics": lambda d: next(
        g for g in d["groups"] if g["suppressed"]
    ).update(metrics={}),
    "suppressed proxy with an estimate": _hidden("proxies"),
    "suppressed parity cell with an estimate": _hidden("parity"),
    "reported group without a count": lambda d: next(
        g for g in d["groups"] if not g["suppressed"]
    ).pop("n"),
    "a score field": _set(("score",), 0.7),
    "interval of three": _set(("disparities", 0, "interval"), [0.1, 0.2, 0.3]),
    "confidence of 1": _set(("confidence",), 1),
    "unknown assessment": _set(("disparities", 0, "assessment"), "acceptable"),
    "unknown metric": lambda d: next(g for g in d["groups"] if not g["suppressed"])[
        "metrics"
    ].update(accuracy={"kind": "threshold-free", "estimate": 0.5, "interval": [0.4, 0.6]}),
    "boolean count": lambda d: next(g for g in d["groups"] if not g["suppressed"]).update(n=True),
    "label without biases": lambda d: d["label"].pop("known_biases"),
    "six carriers": lambda d: d["proxies"][0]["carriers"].extend(
        [{"factor": "f", "label": "F", "strength": 0.1}] * 4
    ),
    "unknown subject kind": _set(("subject", "kind"), "oracle"),
    "other schema": _set(("schema",), "urn:advisory:audit:v2"),
    "empty generated_by": _set(("generated_by",), ""),
    "validity split": _set(("validity", "split"), "sideways"),
    "missing parity units": lambda d: d["parity"].pop("units"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_both_validators_reject_the_same_breaks(full_document, name):
    document = copy.deepcopy(full_document)
    BREAKS[name](document)
    with pytest.raises(jsonschema.ValidationError):
        _validator().validate(document)
    with pytest.raises(InputError, match=r"does not follow audit\.schema\.json"):
        check_audit_document(document)


def test_null_sections_are_valid_but_missing_ones_are_not(full_document):
    for section in ("label", "validity", "proxies", "parity"):
        document = copy.deepcopy(full_document)
        document[section] = None
        _validator().validate(document)
        check_audit_document(document)
        del document[section]
        with pytest.raises(InputError, match=f"lacks the required key '{section}'"):
            check_audit_document(document)
