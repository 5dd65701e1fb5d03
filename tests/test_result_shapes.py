"""Every result object reads the same three ways: to_dict (a dict), to_json, to_frame."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory._result import DEFAULT_CONFIDENCE, JsonResult
from advisory.explain import explain
from advisory.fairness import audit, parity_audit, proxy_audit
from advisory.models import ScorecardClassifier, validate

N = 600
RNG = np.random.default_rng(7)
GROUP = RNG.choice(["A", "B"], size=N)
X = pd.DataFrame(
    {
        "contacts": RNG.poisson(1.5, N).astype(float) + (GROUP == "B"),
        "noise": RNG.normal(size=N),
    },
    index=pd.Index([f"c{i}" for i in range(N)], name="case_id"),
)
Y = (RNG.random(N) < 1 / (1 + np.exp(2 - X["contacts"]))).astype(int)
SENSITIVE = pd.DataFrame({"g": GROUP}, index=X.index)


def _results() -> dict[str, Any]:
    model = ScorecardClassifier(n_resamples=4, random_state=0).fit(X, Y)
    explanation = explain(model, X)
    attributions = explanation.to_frame()
    return {
        "Audit": audit(Y, model.predict_proba(X)[:, 1], SENSITIVE, n_boot=20),
        "ProxyAudit": proxy_audit(X, SENSITIVE, attributions=attributions, n_boot=20),
        "ParityAudit": parity_audit(attributions, attributions > 0.2, SENSITIVE, n_boot=20),
        "ValidationResult": validate(
            ScorecardClassifier(), X, Y, split="random", n_boot=100, baseline_factor="contacts"
        ),
        "Explanation": explanation,
    }


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return _results()


@pytest.mark.parametrize(
    "name", ["Audit", "ProxyAudit", "ParityAudit", "ValidationResult", "Explanation"]
)
def test_every_result_has_the_three_readings(results, name):
    result = results[name]
    assert isinstance(result, JsonResult)
    document = result.to_dict()
    assert isinstance(document, dict) and document
    assert json.loads(result.to_json()) == json.loads(json.dumps(document))
    assert "\n" not in result.to_json(indent=None)
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0


def test_audit_sections_are_typed_results(results):
    base = results["Audit"]
    assert base.proxies is None and base.parity is None
    full = base.with_sections(proxies=results["ProxyAudit"], parity=results["ParityAudit"])
    assert full.proxies is results["ProxyAudit"] and full.parity is results["ParityAudit"]
    # the audit report keeps its shape: a list of proxy entries, parity's three keys
    document = full.to_dict()
    assert document["proxies"] == results["ProxyAudit"].to_dict()["entries"]
    assert set(document["parity"]) == {"attribution", "callouts", "units"}
    for metric in full.metrics:  # each one a valid argument of by_group
        assert len(full.by_group(metric)) > 0


def test_one_default_confidence(results):
    assert DEFAULT_CONFIDENCE == 0.9
    for name in ("Audit", "ProxyAudit", "ParityAudit", "ValidationResult", "Explanation"):
        assert results[name].confidence == DEFAULT_CONFIDENCE, name


def test_validation_to_dict_is_what_the_audit_reports(results):
    from advisory.fairness import validity_section

    validation = results["ValidationResult"]
    document = validation.to_dict()
    section = validity_section(validation)
    assert section == {k: document[k] for k in section}
    assert set(document) - set(section) == {"cutoff"}
    assert document["cutoff"] is None  # a random split has no cut-off date
    assert len(document["metrics"]) == len(validation.metrics)
