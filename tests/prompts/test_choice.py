"""Which questions are asked: they follow the exact SHAP values; strengths get the same care."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory.explain import Explanation
from advisory.prompts._choose import GENERAL, choose, general_of, order_of
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
        # not asked only when three recorded circumstances (or an absence) the model
        # relies on steadily and at least as much take the places
        columns = [X.columns.get_loc(q["factor"]) for q in d["questions"] if q["kind"] != "general"]
        weights = [(steady[i, j], abs(values[i, j])) for j in columns]
        assert len(weights) == 3, d["case_id"]
        assert all(s and w >= abs(values[i, best]) for s, w in weights), d["case_id"]
        # and it still appears: its records are on the lines of the people they concern
        kinds = " ".join(r["event_type"] for p in d["household"] for r in p["records"])
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
        # the clearest recorded circumstance, concern or support (an unsteady value
        # counts half; a support only when steady); a safety item asks about its
        # records already; the age and the number of adults are never a reason
        safety = {_SAFETY_FACTORS.get(s["prompt_id"]) for s in d["safety"]}
        recorded = [
            j
            for j in range(X.shape[1])
            if not np.isnan(matrix[i, j])
            and matrix[i, j] > 0
            and values[i, j] != 0
            and (X.columns[j] not in _SUPPORTS or steady[i, j])
            and X.columns[j] not in safety
            and X.columns[j] not in ("household_adults", "child_age")
        ]
        ranked = sorted(
            recorded,
            key=lambda j: (steady[i, j], abs(values[i, j]) * (1.0 if steady[i, j] else 0.5)),
            reverse=True,
        )
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
        lines = {
            p["person_id"]: " ".join(r["event_type"] for r in p["records"]) for p in d["household"]
        }
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


def _choose_one(
    values: list[float],
    *,
    steady: list[bool] | None = None,
    recorded: list[bool] | None = None,
    absent: list[bool] | None = None,
    strength: list[bool] | None = None,
    hardship: list[bool] | None = None,
    case_id: str = "A1",
) -> tuple[tuple[str, int], ...]:
    n = len(values)
    no = [False] * n
    return choose(
        [case_id],
        np.array([values]),
        np.array([steady if steady is not None else [True] * n]),
        np.array([recorded if recorded is not None else [True] * n]),
        np.array([absent if absent is not None else no]),
        strength=np.array(strength if strength is not None else no),
        hardship=np.array(hardship if hardship is not None else no),
    )[0].slots


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
    # the order of the places is the case id's permutation of the generals in id order
    filled = [("general", g) for g in general_of("A1", 3)]
    assert list(empty) == [filled[k] for k in order_of("A1")]
    # a concern and a steady support alike; the third place a general question by id
    assert sorted(choices[1].slots) == [
        ("circumstance", 0),
        ("circumstance", 1),
        ("general", general_of("A2", 1)[0]),
    ]


def test_which_general_question_follows_the_case_id_not_the_values() -> None:
    # one recorded circumstance, its value anywhere from small to large: the same
    # general questions for the same case; other cases get other ones
    for case_id in ("A1", "B7", "C0000042"):
        chosen = {
            tuple(sorted(_choose_one([v, 0.0], recorded=[True, False], case_id=case_id)))
            for v in (0.01, 0.3, 2.5, -1.0)
        }
        assert chosen == {
            tuple(sorted([("circumstance", 0), *(("general", g) for g in general_of(case_id, 2))]))
        }
    firsts = {general_of(f"C{k:07d}", 1)[0] for k in range(30)}
    assert firsts == set(range(len(GENERAL)))


def test_concerns_and_supports_compete_by_magnitude() -> None:
    strength = [False, True, False, False]
    # the support (-0.6) is the largest: asked; the smallest concern is not
    slots = _choose_one([0.5, -0.6, 0.1, 0.3], strength=strength)
    assert sorted(slots) == [("circumstance", 0), ("circumstance", 1), ("circumstance", 3)]
    # an unsteady support is not a candidate (noise such as dental visits)
    slots = _choose_one([0.5, -0.6, 0.1, 0.3], strength=strength, steady=[True, False, True, True])
    assert sorted(slots) == [("circumstance", 0), ("circumstance", 2), ("circumstance", 3)]
    # an unsteady concern comes after the steady ones, whatever its size
    slots = _choose_one([0.9, -0.2, 0.1, 0.3], strength=strength, steady=[False, True, True, True])
    assert sorted(slots) == [("circumstance", 1), ("circumstance", 2), ("circumstance", 3)]
    # a circumstance the model gives nothing is never a reason
    slots = _choose_one([0.5, 0.0, 0.0, 0.3])
    assert sorted(k for k, _ in slots) == ["circumstance", "circumstance", "general"]
    # nor one carrying less than an eighth of the case's largest candidate
    slots = _choose_one([1.0, 0.1, 0.0, 0.13])
    assert sorted(slots)[:2] == [("circumstance", 0), ("circumstance", 3)]
    assert ("circumstance", 1) not in slots


def test_hardship_is_asked_once_when_relied_on_and_never_first() -> None:
    hardship = [True, True, False, False, False]
    for k in range(40):
        case_id = f"H{k}"
        slots = _choose_one([0.9, 0.8, 0.5, 0.4, 0.3], hardship=hardship, case_id=case_id)
        assert sorted(slots) == [("circumstance", 0), ("circumstance", 2), ("circumstance", 3)]
        assert slots[0] != ("circumstance", 0), case_id
    # under half of the largest: not asked
    slots = _choose_one([0.3, 0.0, 1.0, 0.4, 0.35], hardship=hardship)
    assert ("circumstance", 0) not in slots


def test_an_absence_takes_the_smallest_place_when_relied_on_more() -> None:
    absent = [False, False, False, True]
    recorded = [True, True, True, False]
    slots = _choose_one([0.5, 0.4, 0.1, 0.3], absent=absent, recorded=recorded)
    assert sorted(slots) == [("absence", 3), ("circumstance", 0), ("circumstance", 1)]
    # not when the model relies on it less, nor unsteadily
    slots = _choose_one([0.5, 0.4, 0.2, 0.1], absent=absent, recorded=recorded)
    assert ("absence", 3) not in slots
    slots = _choose_one(
        [0.5, 0.4, 0.1, 0.3],
        absent=absent,
        recorded=recorded,
        steady=[True, True, True, False],
    )
    assert ("absence", 3) not in slots


def test_the_childs_view_follows_the_age(dicts: list[dict[str, Any]]) -> None:
    # the general child's-view question: a usual day under 5, seen alone from 10
    from advisory.prompts._builder import YOUNG_PERSON_AGE
    from advisory.prompts._choose import YOUNG_CHILD_VIEW

    seen: dict[str, int] = {"under 5": 0, "5 to 9": 0, "10 and over": 0}
    for d in dicts:
        years = int(d["household"][0]["age_years"])
        for q in d["questions"]:
            if q["prompt_id"] != "general:child_view":
                continue
            if years < 5:
                seen["under 5"] += 1
                assert q["question"] == YOUNG_CHILD_VIEW
            elif years >= 10:
                seen["10 and over"] += 1
                assert q["question"] == YOUNG_PERSON_AGE
            else:
                seen["5 to 9"] += 1
                assert q["question"] == GENERAL[0][1]
    assert all(seen.values()), seen
    # the age is never a question's reason
    assert all(q["factor"] != "child_age" for d in dicts for q in d["questions"])
