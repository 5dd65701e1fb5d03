"""The hash chain: any change to any field of a record changes its hash (property)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from advisory.oversight._adapter import canonical_json
from advisory.oversight._store import record_hash
from advisory.oversight._tables import COLUMNS

_text = st.text(min_size=0, max_size=12)
_row = st.fixed_dictionaries(
    {
        "seq": st.integers(1, 10**9),
        "kind": st.sampled_from(["review_issued", "own_view", "response", "decision"]),
        "recorded_at": _text,
        "case_id": st.none() | _text,
        "review_id": st.none() | _text,
        "team": st.none() | _text,
        "practitioner": st.none() | _text,
        "model_version": st.none() | _text,
        "prompt_id": st.none() | _text,
        "factor": st.none() | _text,
        "verdict": st.none() | st.sampled_from(["agree", "disagree", "not_relevant"]),
        "reason": st.none() | _text,
        "seconds": st.none() | st.floats(0, 1e6, allow_nan=False),
        "content": st.dictionaries(_text, _text, max_size=3).map(canonical_json),
        "prev_hash": st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
        "hash": st.just(""),
    }
)


@given(row=_row, column=st.sampled_from([c for c in COLUMNS if c != "hash"]), data=st.data())
def test_changing_any_field_changes_the_hash(row: dict[str, Any], column: str, data: Any) -> None:
    before = record_hash(row)
    if column == "content":
        new: Any = canonical_json({"changed": data.draw(_text)})
    elif column == "seq":
        new = row["seq"] + data.draw(st.integers(1, 5))
    elif column == "seconds":
        new = None if row["seconds"] is not None else 1.5
    else:
        new = data.draw(st.none() | _text)
    if new == row[column]:
        return
    assert record_hash({**row, column: new}) != before
    assert record_hash(dict(row)) == before  # deterministic
