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

The strings a batch reads from its rows (record dates and ids, agency labels,
record types and their counts on person lines, ages, partial windows, notes)
are checked once per batch with :func:`check_rows`, each distinct string
once; :func:`check_brief` then checks the strings made for the case itself
(relationship words, relations and notes, relative dates of household
changes, safety items, what a question says was recorded, gaps and links).
When a row's string breaks the guard, the builder walks every brief with
:func:`~advisory.prompts.check_language`, which names where (a row no brief
shows breaks nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from advisory.prompts._guard import _APPROVED, _BreachError, _check_text, check_language

__all__ = ["check_brief", "check_rows"]

_DIGITS_AS_ZERO: Final = str.maketrans("123456789", "000000000")

_TEXT, _ID, _DATE = _APPROVED["text"].data, _APPROVED["id"].data, _APPROVED["date"].data


def _strings(d: dict[str, Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """Return the strings made for a brief's case (not read from rows) by kind."""
    texts: list[Any] = [d["chronology_more"], d["key_history_more"]]
    ids: list[Any] = []
    dates: list[Any] = []
    for people in (d["household"], d["elsewhere"]):
        for p in people:
            texts += (p["relationship"], p["relation"])
            texts += p["notes"]  # a young parent's note names the case's people
    for e in d["key_history"]:
        texts.append(e["when"])  # a household change's, the rest are rows'
    for item in d["safety"]:
        ids.append(item["prompt_id"])
        texts += (item["agency"], item["record"], item["people"], item["when"], item["check"])
        texts.append(item["question"])
        dates.append(item["latest"])
    for q in d["questions"]:
        texts.append(q["recorded"])
    for c in d["to_confirm"]:
        ids += (c["prompt_id"], c["person_id"], c["event_id"])
        texts += (c["relationship"], c["agency"], c["described_as"], c["differences"])
        texts.append(c["question"])
    for g in d["could_not_see"]:
        ids += (g["prompt_id"], g["kind"])
        texts += (g["agency"], g["description"], g["question"])
        dates += (g["start_date"], g["end_date"])
    return texts, ids, dates


def check_rows(texts: Iterable[Any], ids: Iterable[Any], dates: Iterable[Any]) -> bool:
    """Check the strings a batch reads from its rows, each distinct one once.

    Returns ``False`` on a breach (the caller then walks its briefs with
    :func:`check_language` to name where). Identifiers are checked by their
    shape (:func:`~advisory.prompts._guard.identifier_shape`): one of each
    digit pattern stands for all of them.
    """
    try:
        for value in set(texts):
            if value is not None and value not in _TEXT:
                _check_text(value, "text")
        patterns: dict[str, str] = {}
        for value in set(ids):
            if value is not None and value not in _ID:
                patterns.setdefault(value.translate(_DIGITS_AS_ZERO), value)
        for value in patterns.values():
            _check_text(value, "id")
        for value in set(dates):
            if value is not None and value not in _DATE:
                _check_text(value, "date")
    except _BreachError:
        return False
    return True


def check_brief(document: dict[str, Any]) -> None:
    """Check a brief built by the builder; raise ``LanguageError`` naming where on a breach.

    The case id is checked with the batch (:func:`check_identifiers`); the
    catalogue's wording and the fixed texts when the builder was made.
    """
    texts, ids, dates = _strings(document)
    try:
        for value in texts:
            if value is not None and value not in _TEXT:
                _check_text(value, "text")
        for value in ids:
            if value is not None and value not in _ID:
                _check_text(value, "id")
        for value in dates:
            if value is not None and value not in _DATE:
                _check_text(value, "date")
    except _BreachError:
        check_language(document)  # names where
        raise  # pragma: no cover - check_language raises on the same string
