"""Which questions are asked: they follow the exact SHAP values; strengths get the same care."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory.explain import Explanation
from advisory.prompts._choose import GENERAL, choose, order_of
from advisory.prompts._words import event_words


@pytest.fixture(scope="module")
def explained(advisor: Any, demo_context: Any) -> tuple[pd.DataFrame, Any]:
    X = demo_context.factors
    matrix, values, steady = advisor.explainer_.stable_attributions().steady(X)
    explanation = advisor.explainer_.explain(X)
    assert (explanation.values == values).all()
    assert (explanation.steady == steady).all()
    return X, (matrix, values, steady)


def test_steady_lets_a_refit_at_exactly_zero_abstain() -> None:
    # one case, one factor: the point value pulls the other way; two refits
    # agree, two did not use the factor (exactly 0.0), so the interval ends at 0
    values = np.array([[-0.13]])
    resampled = np.array([[[-0.12]], [[0.0]], [[0.0]], [[-0.11]]])
    explanation = Explanation(
        values=values,
        base_value=0.0,
        margin=np.zeros(1),
        data=pd.DataFrame({"a": [1.0]}),
        resampled=resampled,
        confidence=0.9,
    )
    assert not explanation.reliable[0, 0]  # the interval ends at exactly zero
    assert explanation.steady[0, 0]  # the zero refit abstains
    crossing = Explanation(
        values=values,
        base_value=0.0,
        margin=np.zeros(1),
        data=pd.DataFrame({"a": [1.0]}),
        resampled=np.array([[[-0.12]], [[-0.15]], [[0.05]], [[-0.11]]]),
        confidence=0.9,
    )
    assert not crossing.steady[0, 0]  # a refit that crosses zero is not steady


def _asked(d: dict[str, Any]) -> set[str]:
    return {q["factor"] for q in d["questions"] if q["kind"] == "circumstance"}


def test_a_strength_recorded_and_relied_on_appears(
    advisor: Any, explained: Any, dicts: list[dict[str, Any]]
) -> None:
    X, explanation = explained
    spec = {f.name: f for f in advisor.definitions.spec.factors}
    strengths = [
        j
        for j, name in enumerate(X.columns)
        if advisor.definitions.catalogue.entry(name).direction == "strength"
    ]
    matrix, values, steady = explanation
    relied = 0
    asked = 0
    for i, d in enumerate(dicts):
        candidates = [
            j for j in strengths if matrix[i, j] > 0 and steady[i, j] and values[i, j] < 0
        ]
        if not candidates:
            continue
        relied += 1
        best = max(candidates, key=lambda j: abs(values[i, j]))
        if any(X.columns[j] in _asked(d) for j in strengths):
            asked += 1
            continue
        # not asked only when the model relies on it less than a quarter as much
        # as on each circumstance asked instead
        weights = [abs(values[i, X.columns.get_loc(f)]) for f in _asked(d)]
        assert weights and all(abs(values[i, best]) * 4 < w for w in weights), d["case_id"]
        # and it still appears: its records are on the lines of the people they concern
        kinds = " ".join(r["kinds"] for p in d["household"] for r in p["records"])
        types = spec[X.columns[best]].event_types
        assert any(event_words(t) in kinds for t in types), (d["case_id"], X.columns[best])
    assert relied > 50
    assert asked / relied > 0.85, (asked, relied)


_SUPPORTS = {
    "household_early_help",
    "health_visitor_contacts",
    "child_dental_visits",
    "child_attendance_support",
}
_SAFETY_FACTORS = {
    "safety:domestic_abuse_notification": "adult_domestic_abuse_notifications",
    "safety:missing_person_report": "child_missing_person_reports",
    "safety:child_protection_plan": "child_previous_protection_plan",
    "safety:emergency_attendance": "child_emergency_attendances",
}


def test_the_questions_follow_the_largest_steady_attributions(
    explained: Any, dicts: list[dict[str, Any]]
) -> None:
    X, explanation = explained
    matrix, values, steady = explanation
    hits = cases = 0
    for i, d in enumerate(dicts):
        # the clearest recorded concern (an unsteady value counts half); a support
        # has its own place, and a safety item asks about its records already
        safety = {_SAFETY_FACTORS.get(s["prompt_id"]) for s in d["safety"]}
        recorded = [
            j
            for j in range(X.shape[1])
            if not np.isnan(matrix[i, j])
            and (matrix[i, j] > 0 or X.columns[j] == "child_age")
            and X.columns[j] not in _SUPPORTS
            and X.columns[j] not in safety
            and X.columns[j] != "household_adults"  # never a question's reason
        ]
        ranked = sorted(recorded, key=lambda j: (steady[i, j], abs(values[i, j])), reverse=True)
        largest = np.abs(values[i]).max()
        if not ranked or not steady[i, ranked[0]] or abs(values[i, ranked[0]]) * 2 < largest:
            continue  # no clear, steady concern recorded for this case
        cases += 1
        if X.columns[ranked[0]] in _asked(d):
            hits += 1
    assert cases > 100
    assert hits / cases > 0.9, (hits, cases)


def test_a_clear_steady_factor_is_never_silently_dropped(
    advisor: Any, explained: Any, dicts: list[dict[str, Any]], demo_context: Any
) -> None:
    """Each recorded factor with a clear, steady attribution is asked about or shown.

    Shown means: its records' kinds on the line of the person they concern
    (or in the key history), the age or the adults in the household list, or,
    for an unknown value, a gap of its agency in "Not in these records".
    """
    X, explanation = explained
    spec = {f.name: f for f in advisor.definitions.spec.factors}
    catalogue = advisor.definitions.catalogue
    _, values, steady = explanation
    provenance = demo_context.provenance.groupby(["case_id", "factor"])
    checked = 0
    for i, d in enumerate(dicts):
        lines = {p["person_id"]: " ".join(r["kinds"] for r in p["records"]) for p in d["household"]}
        key = {(e["person_id"], e["event_type"]) for e in d["key_history"]}
        gaps = {g["agency"] for g in d["could_not_see"]}
        for j, name in enumerate(X.columns):
            if not steady[i, j] or abs(values[i, j]) < 0.1:
                continue
            value = X.iat[i, j]
            if name in _asked(d) or (not pd.isna(value) and value == 0):
                continue  # asked, or a recorded absence (no record to show)
            checked += 1
            f = spec[name]
            if pd.isna(value):
                assert catalogue.source(f.source).label in gaps, (d["case_id"], name)
            elif f.kind == "child_age":
                assert d["household"][0]["age_years"] == int(value)
            elif f.kind == "household_composition":
                assert len(d["household"]) >= 2
            else:
                rows = provenance.get_group((d["case_id"], name))
                for person, event_type in zip(rows["person_id"], rows["event_type"], strict=True):
                    words = event_words(event_type) if f.kind == "events" else str(event_type)
                    assert words in lines.get(person, "") or any(
                        (p == person and words.startswith(t)) or t == words for p, t in key
                    ), (d["case_id"], name, person, words)
    assert checked > 100


def test_choose_fills_with_general_questions_and_orders_by_the_case_id() -> None:
    values = np.array([[0.0, 0.0], [0.5, -0.2]])
    steady = np.array([[False, False], [True, True]])
    recorded = np.array([[False, False], [True, True]])
    absent = np.zeros((2, 2), dtype=bool)
    choices = choose(
        ["A1", "A2"],
        values,
        steady,
        recorded,
        absent,
        strength=np.array([False, True]),
        hardship=np.array([False, False]),
    )
    empty = choices[0].slots
    assert sorted(empty) == [("general", k) for k in range(len(GENERAL))]
    assert [empty[k] for k in range(3)] == [
        sorted(empty)[p] for p in np.argsort(order_of("A1"))
    ] or len(set(empty)) == 3
    assert sorted(choices[1].slots) == [("circumstance", 0), ("circumstance", 1), ("general", 0)]
