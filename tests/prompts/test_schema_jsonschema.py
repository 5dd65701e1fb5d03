"""Cross-check: every rendered review is valid under a full JSON Schema validator."""

from __future__ import annotations

import json

import jsonschema
import pytest

from advisory.prompts import review_schema


def test_the_schema_itself_is_valid():
    schema = review_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_every_review_validates(reviews):
    schema = review_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    for review in reviews:
        validator.validate(json.loads(review.to_json()))


def test_a_score_field_is_rejected_by_the_schema(reviews):
    document = json.loads(reviews[0].to_json())
    document["score"] = 0.7
    schema = review_schema()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validators.validator_for(schema)(schema).validate(document)


def test_a_v1_review_is_refused_by_the_schema(reviews):
    document = json.loads(reviews[0].to_json())
    document["schema"] = "urn:advisory:review:v1"
    schema = review_schema()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validators.validator_for(schema)(schema).validate(document)
