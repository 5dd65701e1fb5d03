"""Records to confirm: uncertain links from the linkage become questions, with the record id."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from advisory import Advisor, InputError
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.prompts import render_text


@pytest.fixture(scope="module")
def small() -> Any:
    return make_multiagency(n_cases=120, seed=5)


@pytest.fixture(scope="module")
def fitted(small: Any) -> Advisor:
    return Advisor.from_definitions(reference_root(), model_params={"n_resamples": 3}).fit(small)


def _links(data: Any, case: str) -> pd.DataFrame:
    child = data.cases.set_index("case_id").loc[case, "person_id"]
    household = data.memberships[data.memberships["person_id"] == child]["household_id"].iloc[0]
    adult = data.memberships[
        (data.memberships["household_id"] == household) & (data.memberships["person_id"] != child)
    ]["person_id"].iloc[0]
    return pd.DataFrame(
        {
            "person_id": [adult, "P9999999"],
            "agency": ["police", "police"],
            "agency_record_id": ["PNC-4471", "PNC-9000"],
            "described_as": ["John Smyth, born 1989-03-04", "Jane Doe, born 1990-01-01"],
            "differences": ["day and month of birth swapped; surname spelled differently", "-"],
        }
    )


def _records(data: Any, links: pd.DataFrame) -> dict[str, Any]:
    tables = ("people", "memberships", "relationships", "events", "coverage", "cases")
    return {
        **{name: getattr(data, name) for name in tables},
        "uncertain_links": links,
        "snapshot_date": data.snapshot_date,
    }


def test_uncertain_links_become_records_to_confirm(small: Any, fitted: Advisor) -> None:
    case = str(small.cases["case_id"].iloc[40])
    links = _links(small, case).iloc[:1]
    d = fitted.review_dicts(_records(small, links), [case])[0]
    (item,) = d["to_confirm"]
    assert item["event_id"] == "PNC-4471"
    assert item["person_id"] == links["person_id"].iloc[0]
    assert item["agency"] == "Police"
    assert item["question"].endswith("?") and "John Smyth, born 1989-03-04" in item["question"]
    text = render_text(d)
    assert "Records to confirm" in text and "PNC-4471" in text
    assert "day and month of birth swapped" in text


def test_without_the_table_nothing_changes(small: Any, fitted: Advisor) -> None:
    case = str(small.cases["case_id"].iloc[40])
    plain = fitted.review_dicts(small, [case])[0]
    empty = _links(small, case).iloc[:0]
    assert fitted.review_dicts(_records(small, empty), [case])[0] == plain
    assert plain["to_confirm"] == []
    assert "Records to confirm" not in render_text(plain)


def test_links_to_unknown_people_are_refused(small: Any, fitted: Advisor) -> None:
    case = str(small.cases["case_id"].iloc[40])
    records = _records(small, _links(small, case))
    with pytest.raises(InputError, match=r"uncertain_links.*P9999999"):
        fitted.review_dicts(records, [case])


def test_a_name_the_guard_would_refuse_never_breaks_a_brief(small: Any, fitted: Advisor) -> None:
    case = str(small.cases["case_id"].iloc[40])
    links = (
        _links(small, case)
        .iloc[:1]
        .assign(
            described_as="Olive Green, born 1989-03-04", differences="surname spelled differently"
        )
    )
    d = fitted.review_dicts(_records(small, links), [case])[0]
    (item,) = d["to_confirm"]
    assert item["event_id"] == "PNC-4471"
    assert item["described_as"] == "a person born 1989-03-04"  # the name is data, not wording
    assert "Green" not in render_text(d)
