"""The guard applied to a brief's own strings: each distinct string is checked once.

A brief is built from the catalogue's wording (checked when the builder is
made) and from strings of the case (ids, dates, words about records). Walking
every dict of a batch key by key costs more than building it, so
:func:`check_brief` checks exactly the strings of a brief that did not come
from the catalogue, under the kind :func:`~advisory.prompts.check_language`
gives their key (text, identifier, record identifier or date), each
remembered once it passed. The rules are the same: a text's rule depends only
on its key's kind. On a breach the whole dict is walked by
:func:`~advisory.prompts.check_language`, which names where.

The strings a batch reads from its rows (record dates and ids, agency labels,
record types and dates on person lines, ages, partial windows, notes) are
checked once per batch with :func:`check_rows`, each distinct string once;
:func:`check_brief` with ``own_only=True`` then checks the strings made for
the case itself (relationship words, relations and notes, relative dates of
household changes, safety items, what a question says was recorded, gaps and
links). That holds while no record identifier of the batch needs masking in
free text (:func:`~advisory.prompts._guard.masker`); when one does, every
brief is checked whole, masked. When a row's string breaks the guard, the
builder walks every brief with :func:`~advisory.prompts.check_language`,
which names where (a row no brief shows breaks nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from advisory.prompts._guard import (
    _APPROVED,
    _BreachError,
    _check_text,
    check_language,
    masker,
)

__all__ = ["check_brief", "check_rows", "record_ids"]

_TEXT, _ID, _DATE = _APPROVED["text"].data, _APPROVED["id"].data, _APPROVED["date"].data
_RECORD = _APPROVED["record"].data
_DIGITS_AS_ZERO: Final = str.maketrans("123456789", "000000000")


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
                texts += (r["agency"], r["event_type"], *r["whens"], r["partial"])
                dates += r["dates"]
            texts += p["notes"]
    for entries in (d["chronology"], d["key_history"]):
        for e in entries:
            dates.append(e["date"])
            records += (e["person_id"], e["event_id"])
            texts += (e["when"], e["relationship"], e["agency"], e["event_type"])
    _case_strings(d, texts, ids, records, dates)
    return texts, ids, records, dates


def _own(d: Mapping[str, Any]) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Return the strings made for a brief's case (not read from rows) by kind."""
    texts: list[Any] = [d["chronology_more"], d["key_history_more"]]
    ids: list[Any] = []
    records: list[Any] = []
    dates: list[Any] = []
    for people in (d["household"], d["elsewhere"]):
        for p in people:
            texts += (p["relationship"], p["relation"])
            texts += p["notes"]  # a young parent's note names the case's people
    for e in d["key_history"]:
        texts.append(e["when"])  # a household change's, the rest are rows'
    _case_strings(d, texts, ids, records, dates)
    return texts, ids, records, dates


def _case_strings(
    d: Mapping[str, Any], texts: list[Any], ids: list[Any], records: list[Any], dates: list[Any]
) -> None:
    """Add the strings of the sections made case by case (safety, questions, links, gaps)."""
    for item in d.get("safety", ()):
        ids.append(item["prompt_id"])
        texts += (item["agency"], item["shared"], item["question"])
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


def check_rows(
    texts: Iterable[Any], records: Iterable[Any], dates: Iterable[Any]
) -> tuple[bool, bool]:
    """Check the strings a batch reads from its rows, each distinct one once.

    Returns whether they all pass (on ``False`` the caller walks its briefs
    with :func:`check_language` to name where) and whether a record
    identifier needs masking in free text (then each brief is checked whole).
    Record identifiers are checked once per digit pattern: both their format
    and whether free text reads them as identifiers are the same for every
    identifier of a pattern.
    """
    patterns: dict[str, str] = {}
    for value in set(records):
        if value is not None:
            patterns.setdefault(value.translate(_DIGITS_AS_ZERO), value)
    masked = masker(patterns.values()) is not None
    try:
        for value in patterns.values():
            _check_text(value, "record")
        for value in set(texts):
            if value is not None and value not in _TEXT:
                _check_text(value, "text")
        for value in set(dates):
            if value is not None and value not in _DATE:
                _check_text(value, "date")
    except _BreachError:
        return False, masked
    return True, masked


def check_brief(document: dict[str, Any], *, own_only: bool = False) -> None:
    """Check a brief built by the builder; raise ``LanguageError`` naming where on a breach.

    The case id is checked with the batch (:func:`check_identifiers`); the
    catalogue's wording and the fixed texts when the builder was made. Free
    text is checked with the brief's record ids masked (they are data). With
    ``own_only``, only the strings made for the case (the rows' strings were
    checked by :func:`check_rows` and no record id of the batch needs a mask).
    """
    if own_only:
        texts, ids, records, dates = _own(document)
        mask = None
    else:
        texts, ids, records, dates = _strings(document)
        mask = masker([document["case_id"], *records])
    try:
        for value in records:
            if value is not None and value not in _RECORD:
                _check_text(value, "record")
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
