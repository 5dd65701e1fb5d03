"""The guard applied to a brief's own strings: each distinct string is checked once.

A brief is built from the catalogue's wording (checked when the builder is
made) and from strings of the case (ids, dates, words about records). Walking
every dict of a batch key by key costs more than building it, so
:func:`check_brief` checks exactly the strings of a brief that did not come
from the catalogue, under the kind :func:`~advisory.prompts.check_language`
gives their key (text, identifier or date), each remembered once it passed.
The rules are the same: a text's rule depends only on its key's kind. On a
breach the whole dict is walked by :func:`~advisory.prompts.check_language`,
which names where.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisory.prompts._guard import (
    _APPROVED,
    _BreachError,
    _check_text,
    check_language,
    masker,
)

__all__ = ["check_brief", "record_ids"]

_TEXT, _ID, _DATE = _APPROVED["text"].data, _APPROVED["id"].data, _APPROVED["date"].data
_RECORD = _APPROVED["record"].data


def record_ids(document: Mapping[str, Any]) -> list[Any]:
    """Return the record identifiers of a brief: its case, people and records."""
    return [document["case_id"], *_strings(document)[2]]


def _strings(d: Mapping[str, Any]) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Return a brief's own strings by kind: free text, own ids, record ids, dates."""
    texts: list[Any] = [d["chronology_more"], d["key_history_more"]]
    ids: list[Any] = []
    records: list[Any] = []
    dates: list[Any] = [d["reference_date"]]
    for people in (d["household"], d["elsewhere"]):
        for p in people:
            records.append(p["person_id"])
            texts += (p["relationship"], p["age"], p["relation"])
            dates += (p["member_since"], p["end_date"])
            for r in p["records"]:
                texts += (r["agency"], r["kinds"], r["partial"])
            texts += p["notes"]
    for entries in (d["chronology"], d["key_history"]):
        for e in entries:
            dates.append(e["date"])
            records += (e["person_id"], e["event_id"])
            texts += (e["when"], e["relationship"], e["agency"], e["event_type"])
    for q in d["questions"]:
        texts.append(q["recorded"])
    for c in d["to_confirm"]:
        ids.append(c["prompt_id"])
        records += (c["person_id"], c["event_id"])
        texts += (c["relationship"], c["agency"], c["described_as"], c["differences"])
        texts.append(c["question"])
    for g in d["could_not_see"]:
        ids += (g["prompt_id"], g["kind"])
        texts += (g["agency"], g["description"], g["question"])
        dates += (g["start_date"], g["end_date"])
    return texts, ids, records, dates


def check_brief(document: dict[str, Any]) -> None:
    """Check a brief built by the builder; raise ``LanguageError`` naming where on a breach.

    The case id is checked with the batch (:func:`check_identifiers`); the
    catalogue's wording and the fixed texts when the builder was made. Free
    text is checked with the brief's record ids masked (they are data).
    """
    texts, ids, records, dates = _strings(document)
    try:
        for value in records:
            if value is not None and value not in _RECORD:
                _check_text(value, "record")
        mask = masker([document["case_id"], *records])
        for value in texts:
            if value is not None and (mask is not None or value not in _TEXT):
                _check_text(value, "text", mask)
        for value in ids:
            if value is not None and value not in _ID:
                _check_text(value, "id")
        for value in dates:
            if value is not None and value not in _DATE:
                _check_text(value, "date")
    except _BreachError:
        check_language(document)  # names where
        raise  # pragma: no cover - check_language raises on the same string
