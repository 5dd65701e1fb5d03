"""The language guard: no risk level, score, rank or instruction in a review.

Every rendering of a :class:`~advisory.prompts.Review` passes through
:func:`check_language` before it is returned. The rules:

Free text (labels, observed values, questions, descriptions, the whole text
and HTML renderings) is rejected when it

1. uses a word that states a risk level or likelihood
   (:data:`advisory._language.RISK_WORDS`, the list the catalogue validator
   uses) or that ranks, bands, grades or predicts
   (:data:`advisory._language.RANK_WORDS`);
2. instructs an action (:data:`advisory._language.INSTRUCTION_PHRASES`:
   "must", "should", "refer to", "remove", "escalate", ...). Questions such
   as "Has ... been discussed with ...?" and the opener "Consider whether"
   are not instructions;
3. holds a number that is not a record. Allowed are ISO dates
   (``2026-08-14``), identifiers that start with a letter (``P0001535``,
   ``cp_plan_12m``, but not ``top10``), version numbers written ``v1.2.3``,
   years (``2023``) and whole numbers followed by a word (``2 records``,
   ``12 years old``, ``365 days``). Rejected are decimals (``0.73``),
   percentages (``73%``), signed numbers (``+2``), ``#3``, ordinals
   (``3rd``), ratios (``3/10``, ``1 in 5``, ``3 out of 10``), numbers after a
   ranking word (``top 10``, ``position 3``) and any other bare number.
   Numbers in words count as numbers (``two adults`` passes like ``2
   adults``; ``nine in ten`` is a ratio); shares in words (``a third``),
   ``per cent`` and numeric characters other than 0-9 (``¾``, ``²``) are
   rejected, and so is an identifier holding a banned word after its digits
   (``C-87percent``).

The free-text rules live in :func:`advisory._language.check_free_text`, which
the catalogue also runs on every text when the definitions load. Text is
checked after :func:`advisory._language.normalise`: NFKC, invisible format
characters and accents removed, look-alike letters of other scripts read as
Latin, so ``r\u0456sk`` and ``hi\u200bgh`` are caught.

Structured renderings (the dict behind JSON) are walked key by key: dates
(keys such as ``date`` or ``latest``) must be ISO dates; the library's own
identifiers (keys such as ``factor``, ``prompt_id``) must be identifiers whose
words pass rule 1; record identifiers (``case_id``, ``person_id``,
``event_id``) are data, not wording: they must only be written as identifiers
(:data:`advisory.context.ID_PATTERN`, so ``10001``, ``011`` and ``2`` pass),
and a rendering's free text is checked with its record identifiers masked
(``mother 10001`` is read as ``mother ID``);
whole numbers are allowed only as record counts and ages (``events``,
``age_years``); a float is never allowed anywhere; every other string is free
text.

Questions (:func:`check_question`) must also end with ``?`` and begin with one
of :data:`advisory._language.QUESTION_OPENERS` ("Consider whether", "Has",
"What", "How", ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from advisory._errors import AdvisoryError
from advisory._language import (
    BANNED_PREFIXES,
    QUESTION_OPENERS,
    WordingError,
    check_free_text,
    check_identifier_words,
    check_words,
)
from advisory.context._contract import ID_PATTERN
from advisory.prompts._memo import BoundedMemo

__all__ = [
    "DATE_KEYS",
    "ID_KEYS",
    "INT_KEYS",
    "RECORD_ID_KEYS",
    "LanguageError",
    "check_identifiers",
    "check_language",
    "check_question",
    "identifier_shape",
    "masker",
]

#: Keys of a review dict whose values are ISO dates (or null).
DATE_KEYS: Final = frozenset(
    {
        "reference_date",
        "date",
        "dates",
        "member_since",
        "start_date",
        "end_date",
        "data_snapshot_date",
    }
)
#: Keys whose values are identifiers (ids, factor names, kinds, the schema).
ID_KEYS: Final = frozenset(
    {"case_id", "person_id", "event_id", "prompt_id", "factor", "kind", "schema"}
)
#: Keys whose values are record identifiers: data, checked for their format only.
RECORD_ID_KEYS: Final = frozenset({"case_id", "person_id", "event_id"})
#: The only keys whose values may be numbers: record counts and ages in years.
INT_KEYS: Final = frozenset({"events", "age_years"})

_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_IDENTIFIER: Final = re.compile(r"[A-Za-z][A-Za-z0-9_:\-/]*")
_RECORD_ID: Final = re.compile(ID_PATTERN)
# A word of free text written as a record identifier could be; not after a sign,
# a currency, a decimal point or another identifier character.
_ID_TOKEN: Final = re.compile(r"(?<![\w.,/+#£$%-])[A-Za-z0-9][A-Za-z0-9_.:/-]*")
_PIECES: Final = re.compile(r"\n|(<[^<>]*>)")
_BANNED_PREFIXES: Final = BANNED_PREFIXES

_APPROVED_MAX: Final = 100_000
_SEPARATORS: Final = re.compile(r"[_:\-/]")


class LanguageError(AdvisoryError, ValueError):
    """A rendering or a piece of wording breaks the output contract.

    Parameters
    ----------
    where : str
        Where the wording is (a key path such as ``stands_out[0].observed``,
        or ``text``).
    found : str
        The offending words or number.
    rule : str
        Which rule it breaks, in words.
    """

    def __init__(self, where: str, found: str, rule: str) -> None:
        self.where = where
        self.found = found
        self.rule = rule
        super().__init__(
            f"{where}: {found!r} {rule}. A review states recorded circumstances and asks "
            "questions; it never states a risk level, a score, a rank or an instruction."
        )


_BreachError = WordingError  # a broken rule, before the place it was found in is known


def _check_identifier(text: str) -> None:
    if _IDENTIFIER.fullmatch(text) is None:
        raise _BreachError(text, "is not an identifier (a letter, then letters, digits, _ - : /)")
    check_identifier_words(text)
    check_words(" ".join(_SEPARATORS.split(text)))


def _check_record_id(text: str) -> None:
    if _RECORD_ID.match(text) is None:
        raise _BreachError(
            text[:70], "is not a record identifier (letters, digits, _ . : / -; up to 64)"
        )


def _check_date(text: str) -> None:
    if _ISO_DATE.fullmatch(text) is None:
        raise _BreachError(text, "is not an ISO date (YYYY-MM-DD)")


_CHECKS: Final = {
    "text": check_free_text,
    "id": _check_identifier,
    "record": _check_record_id,
    "date": _check_date,
}
# Strings already found acceptable, by kind; renderings repeat them a lot.
_APPROVED: Final[dict[str, BoundedMemo[str, bool]]] = {
    kind: BoundedMemo(_APPROVED_MAX) for kind in _CHECKS
}
_DIGIT_RUN: Final = re.compile(r"\d+")
# Shapes of identifiers found acceptable: each run of digits written as one 0.
_APPROVED_SHAPES: Final[BoundedMemo[str, bool]] = BoundedMemo(_APPROVED_MAX)


def identifier_shape(text: str) -> str:
    """Return ``text`` with each run of digits written as a single ``0``.

    An identifier passes the guard exactly when its shape does: no banned
    word or phrase holds a digit, and a run of digits is one word character
    whatever its length (``C0003502`` and ``C0`` pass or fail together;
    ``rank3`` and ``rank0`` too). So one check serves every case id of a
    batch (``tests/prompts/test_guard.py`` holds the property).

    Examples
    --------
    >>> identifier_shape("C0003502")
    'C0'
    >>> identifier_shape("stands_out:adult_arrests_12m")
    'stands_out:adult_arrests_0m'
    """
    return _DIGIT_RUN.sub("0", text)


def masker(identifiers: Iterable[object]) -> Callable[[str], str] | None:
    """Return a function masking record identifiers in free text, or None if none need it.

    An identifier that free text would accept (``P0000012``) needs no mask;
    others (``10001``, ``011``, ``2``) are replaced by ``ID`` where they stand
    as a word of their own: not inside a longer word, a decimal, a ratio or a
    percentage (``2`` is masked in ``father 2`` but not in ``2/10`` or ``0.2``).

    Examples
    --------
    >>> mask = masker(["P0000012", "10001", "2"])
    >>> mask("mother 10001 lives with father 2; 2/10")
    'mother ID lives with father ID; 2/10'
    >>> masker(["P0000012"]) is None
    True
    """
    unsafe: set[str] = set()
    for value in identifiers:
        if not isinstance(value, str) or not value:
            continue
        if _IDENTIFIER.fullmatch(value) is not None:
            try:
                _check_text(value, "id")  # by shape: free text reads it as an identifier
            except _BreachError:
                pass
            else:
                continue
        unsafe.add(value)
    if not unsafe:
        return None

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip(".:")
        if core not in unsafe:
            return token
        end = match.start() + len(core)
        after = match.string[end : end + 2]
        if after[:1] == "%" or (after[:1] == "," and after[1:].isdigit()):
            return token  # a percentage or a number written 1,000: never masked
        return "ID" + token[len(core) :]

    return lambda text: _ID_TOKEN.sub(replace, text)


def _check_text(text: str, kind: str = "text", mask: Callable[[str], str] | None = None) -> None:
    if mask is not None and kind == "text":
        text = mask(text)
    approved = _APPROVED[kind]
    if text in approved:
        return
    if kind == "id":  # case and record ids are mostly new: check them by shape
        shape = identifier_shape(text)
        if shape in _APPROVED_SHAPES:
            return
        _check_identifier(text)  # names the identifier itself when it fails
        if shape != text:
            _APPROVED_SHAPES.put(shape, True)
            return
    else:
        _CHECKS[kind](text)
    approved.put(text, True)


def check_identifiers(values: Iterable[str], *, where: str) -> None:
    """Check many record identifiers, such as the case ids of a batch, as the guard would.

    The same rule as for a record identifier key of a dict rendering
    (``case_id``): written as an identifier (letters, digits, ``_ . : / -``),
    whatever it reads as; ids are data, not wording.

    Parameters
    ----------
    values : iterable of str
        The identifiers.
    where : str
        Their key, for the message.

    Raises
    ------
    LanguageError
        At the first identifier that breaks the guard, naming it.

    Examples
    --------
    >>> check_identifiers(["C0003502", "10001", "011", "2"], where="case_id")
    >>> check_identifiers(["C0003502", "C 7"], where="case_id")
    Traceback (most recent call last):
    ...
    advisory.prompts._guard.LanguageError: case_id: 'C 7' is not a record identifier ...
    """
    approved = _APPROVED["record"]
    try:
        for value in values:
            if not isinstance(value, str):
                raise _BreachError(repr(value)[:40], "is not text")
            if value not in approved:
                _check_text(value, "record")
    except _BreachError as breach:
        raise LanguageError(where, breach.found, breach.rule) from None


def passed_before(key: str, value: str) -> bool:
    """Return whether the text ``value`` under ``key`` has passed the guard before.

    Checks nothing: a ``False`` only means the text must be checked (with
    :func:`check_language`). Renderings repeat most of their texts, so this
    lets a caller skip the walk when every text is known.
    """
    return value in _APPROVED[_kind(key)]


def _kind(key: str) -> str:
    if key in DATE_KEYS:
        return "date"
    if key in RECORD_ID_KEYS:
        return "record"
    return "id" if key in ID_KEYS else "text"


def _walk(value: object, key: str, mask: Callable[[str], str] | None = None) -> None:
    if isinstance(value, str):
        kind = _kind(key)
        if value not in _APPROVED[kind] or (mask is not None and kind == "text"):
            _check_text(value, kind, mask)
    elif value is None or isinstance(value, bool):
        return
    elif type(value) is list or type(value) is dict:
        _walk_container(value, key, mask)
    elif isinstance(value, int):
        if key not in INT_KEYS or value < 0:
            raise _BreachError(
                str(value),
                f"is a number; numbers are allowed only as record counts and ages "
                f"(keys {sorted(INT_KEYS)})",
            )
    elif isinstance(value, (Mapping, list, tuple)):
        _walk_container(value, key, mask)
    else:
        raise _BreachError(
            repr(value)[:40],
            f"is a {type(value).__name__}; a review holds only text, dates, record "
            "counts, lists and mappings (never a probability, score or attribution)",
        )


def _walk_container(value: object, key: str, mask: Callable[[str], str] | None = None) -> None:
    if isinstance(value, Mapping):
        ids, approved = _APPROVED["id"], _APPROVED
        for k, v in value.items():
            try:
                if k not in ids:
                    if not isinstance(k, str):
                        raise _BreachError(repr(k), "is a key that is not a string")
                    _check_text(k, "id")
                if type(v) is str:  # most values: text already approved under its kind
                    kind = _kind(k)
                    if v not in approved[kind] or (mask is not None and kind == "text"):
                        _check_text(v, kind, mask)
                elif v is not None:
                    _walk(v, k, mask)
            except _BreachError as breach:
                breach.path.append(f".{k}")
                raise
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            try:
                _walk(item, key, mask)
            except _BreachError as breach:
                breach.path.append(f"[{i}]")
                raise


def _record_ids(value: object, out: list[object]) -> list[object]:
    """Collect the values under record identifier keys of a dict rendering."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k in RECORD_ID_KEYS:
                out.append(v)
            elif isinstance(v, (Mapping, list, tuple)):
                _record_ids(v, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _record_ids(item, out)
    return out


def check_language(
    rendering: object, *, where: str = "", identifiers: Iterable[object] = ()
) -> None:
    """Reject a rendering that states a risk level, a score, a rank or an instruction.

    Parameters
    ----------
    rendering : str, mapping or list
        A text or HTML rendering (HTML with entities already unescaped), or a
        dict rendering (as from :meth:`Review.to_dict`). The module docstring
        lists the rules.
    where : str, default ""
        Where the rendering comes from, for the message (default ``"text"``
        for strings).
    identifiers : iterable of str
        The record identifiers (case, person and event ids) a text rendering
        holds: they are data, so free text is checked with them masked
        (:func:`masker`). A dict rendering's own (under ``case_id``,
        ``person_id``, ``event_id``) are masked without being listed.

    Raises
    ------
    LanguageError
        On the first breach, naming where it is, what was found and the rule.

    Examples
    --------
    >>> check_language("2 records in the last 365 days, latest on 2026-08-14")
    >>> check_language("Has the arrest of the parent been discussed with the family?")
    >>> check_language("Risk level: high")
    Traceback (most recent call last):
    ...
    advisory.prompts._guard.LanguageError: text: 'Risk' states a risk level, ...
    >>> check_language("Stands out: 0.73")
    Traceback (most recent call last):
    ...
    advisory.prompts._guard.LanguageError: text: '0.73' is a decimal number, ...
    >>> check_language({"observed": "2 records", "events": 2})
    >>> check_language({"contribution": 0.4})
    Traceback (most recent call last):
    ...
    advisory.prompts._guard.LanguageError: contribution: '0.4' is a float; ...
    >>> check_language({"person_id": "10001", "relation": "lives with partner 10002",
    ...                 "other": {"person_id": "10002"}})
    """
    try:
        if isinstance(rendering, str):
            mask = masker(identifiers)
            # Rules never span lines or markup, so each piece is checked (and
            # remembered) on its own: renderings share most of their lines.
            for piece in _PIECES.split(rendering):
                if piece and not piece.isspace():
                    _check_text(piece, "text", mask)
        else:
            mask = masker([*identifiers, *_record_ids(rendering, [])])
            _walk(rendering, "", mask)
    except _BreachError as breach:
        path = "".join(reversed(breach.path)).lstrip(".")
        place = f"{where}{'.' if where and path else ''}{path}" or "text"
        raise LanguageError(place, breach.found, breach.rule) from None


def check_question(question: str, *, where: str = "question") -> None:
    """Check that ``question`` is a review question: an opener, plain words and '?'.

    Raises
    ------
    LanguageError
        If it does not end with '?', does not begin with one of
        :data:`advisory._language.QUESTION_OPENERS`, or breaks a rule of
        :func:`check_language`.

    Examples
    --------
    >>> check_question("Consider whether the school knows the child well?")
    >>> check_question("Refer to the police.")
    Traceback (most recent call last):
    ...
    advisory.prompts._guard.LanguageError: question: 'Refer to the police.' is not a question ...
    """
    stripped = question.strip()
    if not stripped.endswith("?") or not any(
        stripped == opener or stripped.startswith(opener + " ") for opener in QUESTION_OPENERS
    ):
        raise LanguageError(
            where,
            question,
            "is not a question (it must end with '?' and begin with one of "
            f"{list(QUESTION_OPENERS)})",
        )
    check_language(question, where=where)
