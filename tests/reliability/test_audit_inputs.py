"""Bad audit inputs: a clear advisory error naming the input, or a correct result.
Entry point: advisory.fairness.audit and Advisor.audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory import Advisor, InputError, ParameterError
from advisory.fairness import audit

N = 200
RNG = np.random.default_rng(3)
Y = np.r_[np.zeros(N // 2), np.ones(N // 2)].astype(int)
SCORES = np.clip(0.3 + 0.4 * Y + RNG.normal(0, 0.15, N), 0, 1)
GROUPS = pd.DataFrame({"sex": np.tile(["F", "M"], N // 2)})

Inputs = tuple[Any, Any, Any]

BAD_INPUTS: list[tuple[str, Callable[[], Inputs], type[Exception], str]] = [
    ("no cases", lambda: (Y[:0], SCORES[:0], GROUPS.iloc[:0]), InputError, r"no rows|no cases"),
    (
        "yes/no outcome",
        lambda: (np.where(Y == 1, "yes", "no"), SCORES, GROUPS),
        InputError,
        r"y_true must hold only 0 and 1",
    ),
    ("outcome 2", lambda: (np.r_[Y[:-1], 2], SCORES, GROUPS), InputError, r"y_true must hold only"),
    ("missing outcome", lambda: (np.r_[Y[:-1], np.nan], SCORES, GROUPS), InputError, r"y_true"),
    (
        "missing score",
        lambda: (Y, np.r_[SCORES[:-1], np.nan], GROUPS),
        InputError,
        r"scores has 1 missing or infinite values \(found \[nan\]\)",
    ),
    ("infinite score", lambda: (Y, np.r_[SCORES[:-1], np.inf], GROUPS), InputError, r"\[inf\]"),
    ("score above 1", lambda: (Y, SCORES * 2 + 0.01, GROUPS), InputError, r"scores must be prob"),
    ("short scores", lambda: (Y, SCORES[:-1], GROUPS), InputError, r"scores has shape \(199,\)"),
    ("groups as a string", lambda: (Y, SCORES, "sex"), InputError, r"must be a pandas DataFrame"),
    ("no group columns", lambda: (Y, SCORES, GROUPS[[]]), InputError, r"has no columns"),
    (
        "missing groups",
        lambda: (Y, SCORES, GROUPS.assign(sex=None)),
        InputError,
        r"column 'sex' has 200 missing values",
    ),
    ("one group", lambda: (Y, SCORES, GROUPS.assign(sex="F")), InputError, r"only one group"),
    ("one outcome", lambda: (np.zeros(N), SCORES, GROUPS), InputError, r"suppressed"),
    ("scores as words", lambda: (Y, np.array(["low"] * N), GROUPS), InputError, r"scores"),
]


@pytest.mark.parametrize(
    ("make", "error", "message"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_audit_inputs_give_a_clear_error(
    make: Callable[[], Inputs], error: type[Exception], message: str
) -> None:
    y, scores, groups = make()
    with pytest.raises(error, match=message) as caught:
        audit(y, scores, groups, n_boot=20)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("keyword", "value"),
    [("n_boot", 0), ("n_boot", "many"), ("min_cell_size", -1), ("confidence", 1.5)],
)
def test_bad_audit_parameters_give_a_clear_error(keyword: str, value: object) -> None:
    kwargs: dict[str, Any] = {"n_boot": 20, keyword: value}
    with pytest.raises((ParameterError, InputError), match=keyword):
        audit(Y, SCORES, GROUPS, **kwargs)


def test_a_good_audit_still_gives_a_result() -> None:
    result = audit(Y, SCORES, GROUPS, n_boot=20, min_cell_size=5)
    assert result.n_cases == N


def test_an_advisor_audit_of_no_cases_is_a_clear_error(fitted: Advisor, small_data: Any) -> None:
    with pytest.raises(InputError, match=r"Advisor.audit was given no cases"):
        fitted.audit(small_data, [], n_boot=20)


def test_an_advisor_audit_of_a_bare_case_id_is_refused(fitted: Advisor, small_data: Any) -> None:
    with pytest.raises(ParameterError, match=r"'case_ids' parameter of Advisor"):
        fitted.audit(small_data, "C0000007", n_boot=20)
