r"""Words that practitioner-facing wording never uses, shared by every check.

The factor catalogue's validator (:mod:`advisory.definitions`) and the
language guard of :mod:`advisory.prompts` read the same lists, so a word
banned in a catalogue is banned in a review too.

- :data:`RISK_WORDS` state a level of risk, a score or a likelihood;
- :data:`RANK_WORDS` place a case among others or in a band;
- :data:`INSTRUCTION_PHRASES` tell a practitioner what to do;
- :data:`QUESTION_OPENERS` are the ways a review question may begin;
- :data:`NUMBER_WORDS` write a number in words ("seventy", "nine in ten").

Text is checked after :func:`normalise` (NFKC, format characters such as
zero-width spaces removed, accents and look-alike letters from other scripts
folded to plain Latin letters), so ``"r\u0456sk"`` with a Cyrillic ``i`` or
``"ri\u200bsk"`` reads as ``"risk"``. :func:`check_free_text` holds the rules
for free text, shared by the catalogue's validation at load time and the
review guard (:mod:`advisory.prompts`), so both give the same verdict.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = [
    "INSTRUCTION_PATTERN",
    "INSTRUCTION_PHRASES",
    "NUMBER_WORDS",
    "QUESTION_OPENERS",
    "RANK_PATTERN",
    "RANK_WORDS",
    "RISK_PATTERN",
    "RISK_WORDS",
    "WordingError",
    "check_free_text",
    "check_words",
    "letter_runs",
    "normalise",
]

#: Words that state a level of risk or a likelihood; labels and questions never use them.
RISK_WORDS: Final = (
    "risk",
    "risks",
    "risky",
    "riskier",
    "score",
    "scores",
    "scored",
    "scoring",
    "high",
    "higher",
    "highest",
    "highly",
    "low",
    "lower",
    "lowest",
    "likely",
    "unlikely",
    "likelihood",
    "probability",
    "probabilities",
    "probable",
    "probably",
    "threshold",
    "thresholds",
)
RISK_PATTERN: Final = re.compile(r"\b(" + "|".join(RISK_WORDS) + r")\b", re.IGNORECASE)

#: Words that rank a case, put it in a band or grade it, or predict its outcome.
RANK_WORDS: Final = (
    "rank",
    "ranks",
    "ranked",
    "ranking",
    "rankings",
    "percentile",
    "percentiles",
    "centile",
    "decile",
    "deciles",
    "quartile",
    "quintile",
    "band",
    "bands",
    "banded",
    "banding",
    "rating",
    "rated",
    "red",
    "amber",
    "green",
    "rag",
    "tier",
    "grade",
    "graded",
    "priority",
    "prioritise",
    "prioritize",
    "urgent",
    "urgently",
    "critical",
    "severe",
    "severity",
    "danger",
    "dangerous",
    "predict",
    "predicted",
    "prediction",
    "predictions",
    "odds",
    "chance",
    "chances",
    "probabilistic",
    "flagged",
    "percent",
    "percentage",
)
RANK_PATTERN: Final = re.compile(r"\b(" + "|".join(RANK_WORDS) + r")\b", re.IGNORECASE)

#: Phrases that instruct an action; a review asks questions instead. Regular
#: expressions, matched as whole words without regard to case.
INSTRUCTION_PHRASES: Final = (
    r"must",
    r"should",
    r"shall",
    r"ought to",
    r"needs? to",
    r"ha(?:s|ve) to",
    r"(?:is|are) required",
    r"required to",
    r"refer(?:red)? (?:to|the|this|them|him|her)",
    r"remove",
    r"removal",
    r"escalate\w*",
    r"take action",
    r"act now",
    r"immediate(?:ly)?",
    r"initiate",
    r"ensure",
    r"recommend\w*",
    r"do not",
    r"don't",
    r"never allow",
    r"place (?:the child|on)",
    r"start a (?:child protection )?plan",
)
INSTRUCTION_PATTERN: Final = re.compile(
    r"\b(" + "|".join(INSTRUCTION_PHRASES) + r")\b", re.IGNORECASE
)

#: How a review question may begin (it must also end with '?').
QUESTION_OPENERS: Final = (
    "Consider whether",
    "Consider if",
    "Has",
    "Have",
    "Had",
    "What",
    "How",
    "Where",
    "When",
    "Who",
    "Whose",
    "Which",
    "Why",
    "Is",
    "Are",
    "Was",
    "Were",
    "Do",
    "Does",
    "Did",
    "Could",
    "Can",
    "Would",
    "Will",
)

#: Numbers written in words (cardinals from two, fractions); a count of records
#: is always written in digits by the library, so wording never needs these.
NUMBER_WORDS: Final = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "dozen",
    "dozens",
    "halves",
    "thirds",
    "quarters",
    "fifths",
    "tenths",
    "hundredths",
)
_CARDINALS: Final = tuple(w for w in NUMBER_WORDS if not w.endswith(("ths", "ves", "rds", "ers")))
#: Cardinal number words, read as numbers (so "two adults" is a count like
#: "2 adults", while "nine in ten" is a ratio like "9 in 10").
_CARDINAL_PATTERN: Final = re.compile(r"\b(?:" + "|".join(_CARDINALS) + r")\b", re.IGNORECASE)
_FRACTION_PATTERN: Final = re.compile(
    r"\b(?:halves|thirds|quarters|fifths|tenths|hundredths)\b"
    r"|\b(?:one|a|an)\s+(?:half|third|quarter|fifth|tenth)\b"
    r"|\b(?:one|a)\s+(?:in|out of)\s+(?:every\s+)?(?:\d+|" + "|".join(_CARDINALS) + r")\b",
    re.IGNORECASE,
)

# Letters of other scripts that look like Latin ones (Cyrillic, Greek, others),
# folded before checking so a look-alike cannot smuggle a banned word through.
_CONFUSABLES: Final = str.maketrans(
    {
        **dict(
            zip(
                "\u0430\u0410\u0432\u0412\u0441\u0421\u0435\u0415\u04bb\u041d\u0456\u0406",
                "aABBcCeEhHiI",
                strict=True,
            )
        ),
        **dict(
            zip(
                "\u0458\u0408\u043a\u041a\u043c\u041c\u043e\u041e\u0440\u0420\u0455\u0405",
                "jJkKmMoOpPsS",
                strict=True,
            )
        ),
        **dict(
            zip(
                "\u0442\u0422\u0443\u0423\u0445\u0425\u0501\u051b\u051c\u051d\u04cf\u04c0",
                "tTyYxXdqWwlI",
                strict=True,
            )
        ),
        **dict(
            zip(
                "\u03bf\u039f\u03c1\u03a1\u03c4\u03a4\u03c5\u03a5\u03c7\u03a7\u03bd\u039d",
                "oOpPtTuYxXvN",
                strict=True,
            )
        ),
        **dict(
            zip(
                "\u03b9\u0399\u03ba\u039a\u03b1\u0391\u0392\u03b5\u0395\u03b7\u0397\u0396",
                "iIkKaABeEHHZ",
                strict=True,
            )
        ),
        **dict(zip("\u039c", "M", strict=True)),
        **dict(zip("\u0131\u0261\u0251\u01c0\u1d0b\u0280\u026a\ua731", "igalkris", strict=True)),
    }
)
_FORMAT_CATEGORIES: Final = frozenset({"Cf", "Mn", "Me", "Cc", "Co", "Cs", "Cn"})


def normalise(text: str) -> str:
    r"""Return ``text`` as the guard reads it: NFKC, no format characters, plain Latin letters.

    Compatibility characters become their plain forms (NFKC: full-width
    letters, ligatures, superscripts), accents and other combining marks and
    invisible format characters (zero-width spaces, joiners, soft hyphens,
    direction marks) are removed, and letters of other scripts that look like
    Latin letters (Cyrillic ``\u0456``, Greek ``\u03bf``) become those letters. Line
    breaks and tabs are kept.

    Examples
    --------
    >>> normalise("r\u0456sk")  # Cyrillic i
    'risk'
    >>> normalise("hi\u200bgh")  # zero-width space
    'high'
    >>> normalise("\uff53\uff43\uff4f\uff52\uff45")  # full-width letters
    'score'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        c for c in decomposed if c in "\n\t" or unicodedata.category(c) not in _FORMAT_CATEGORIES
    )
    return unicodedata.normalize("NFKC", kept).translate(_CONFUSABLES)


class WordingError(Exception):
    """A broken wording rule, before the place it was found in is known.

    Parameters
    ----------
    found : str
        The offending words or number.
    rule : str
        Which rule it breaks, in words.
    """

    def __init__(self, found: str, rule: str) -> None:
        super().__init__(f"{found!r} {rule}")
        self.found = found
        self.rule = rule
        self.path: list[str] = []


_LETTER_RUN: Final = re.compile(r"[A-Za-z]+")


def letter_runs(text: str) -> list[str]:
    """Return the runs of letters of ``text``, lower case (``C-87percent`` gives c, percent).

    Examples
    --------
    >>> letter_runs("C-87percent")
    ['c', 'percent']
    """
    return [run.lower() for run in _LETTER_RUN.findall(text)]


def check_words(text: str) -> None:
    """Raise :class:`WordingError` if ``text`` (already normalised) uses a banned word.

    Banned are :data:`RISK_WORDS`, :data:`RANK_WORDS`, :data:`INSTRUCTION_PHRASES`,
    percentages in words and :data:`NUMBER_WORDS`.
    """
    found = RISK_PATTERN.search(text)
    if found is not None:
        raise WordingError(found.group(0), "states a risk level, a score or a likelihood")
    found = RANK_PATTERN.search(text)
    if found is not None:
        raise WordingError(found.group(0), "ranks, bands, grades or predicts")
    found = INSTRUCTION_PATTERN.search(text)
    if found is not None:
        raise WordingError(found.group(0), "instructs an action instead of asking")
    found = _PERCENT.search(text)
    if found is not None:
        raise WordingError(found.group(0), "is a percentage")
    found = _FRACTION_PATTERN.search(text)
    if found is not None:
        raise WordingError(found.group(0), "is a share in words, which reads as a rate or a score")


_MASK: Final = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b"  # ISO dates
    r"|\bv\d+(?:\.\d+){2,}\b"  # versions v1.2.3
    r"|(?<![\w.])[A-Za-z][A-Za-z_\-]*\d[A-Za-z0-9_\-]*"  # identifiers with digits
)
_NUMBER: Final = re.compile(r"\d+")
_DECIMAL: Final = re.compile(r"\d*[.,·]\d+")
_PERCENT: Final = re.compile(r"[%\u2030\u2031]|\bper ?cent\b|\bpct\b|\bper mille\b", re.IGNORECASE)
_RATIO: Final = re.compile(
    r"\d+\s*(?:/|\u2044|\u2215|:|\bin\b|\bof\b|\bout of\b)\s*\d", re.IGNORECASE
)
_BEFORE: Final = re.compile(
    r"(?:[#\u2116+\-\u2212\u00b1]|\b(?:top|bottom|position|number|no|place|level|category))\s*$",
    re.IGNORECASE,
)
_AFTER_WORD: Final = re.compile(r"\s+([A-Za-z]+)")
_NOT_A_RECORD_WORD: Final = frozenset(
    {"per", "pc", "pct", "point", "points", "pts", "times", "x", "out", "in", "of"}
)
_YEAR: Final = re.compile(r"(?:19|20)\d\d")
#: Words that may not begin (or be) a run of letters in an identifier.
BANNED_PREFIXES: Final = frozenset(RISK_WORDS + RANK_WORDS + ("top", "bottom", "pct"))
_BANNED_RUNS: Final = BANNED_PREFIXES | frozenset(NUMBER_WORDS) | {"cent"}


def _check_number(text: str, match: re.Match[str]) -> str | None:
    start, end = match.span()
    if _BEFORE.search(text, max(0, start - 24), start) is not None:
        return "follows a sign or a ranking word, so it reads as a score or a position"
    if _YEAR.fullmatch(match.group(0)) is not None:
        return None
    after = _AFTER_WORD.match(text, end)
    if after is None:
        return "is a bare number; only counts of records followed by a word are allowed"
    if after.group(1).lower() in _NOT_A_RECORD_WORD:
        return "reads as a rate, ratio or score rather than a count of records"
    return None


def check_identifier_words(text: str) -> None:
    """Raise :class:`WordingError` if a run of letters of an identifier is a banned word.

    ``top10``, ``rank_3``, ``C-87percent`` and ``case-high`` are refused;
    ``C0000007`` and ``adult_arrests_12m`` pass.
    """
    for run in letter_runs(text):
        if run in _BANNED_RUNS:
            raise WordingError(text, "reads as a score, rank or band")


def check_free_text(text: str) -> None:
    """Raise :class:`WordingError` if free text states a risk, a rank, an instruction or a number.

    The rules of :mod:`advisory.prompts`' language guard for free text,
    applied to :func:`normalise`'d text: banned words and number words
    (:func:`check_words`); numeric characters other than the digits 0-9
    (``¾``, ``²``, ``Ⅻ``); percentages, decimals, ratios; identifiers whose
    letters are banned words; and numbers that are not counts of records,
    years, ISO dates or versions.

    Examples
    --------
    >>> check_free_text("2 records in the last 365 days, latest on 2026-08-14")
    >>> check_free_text("nine in ten families")
    Traceback (most recent call last):
    ...
    advisory._language.WordingError: 'nine in ten families' has a number in words that ... ratio ...
    >>> check_free_text("\u00be of the records")
    Traceback (most recent call last):
    ...
    advisory._language.WordingError: '¾' is a numeric character ...
    """
    if not text.isascii():
        for c in text:
            if c.isnumeric() and c not in "0123456789":
                raise WordingError(
                    c,
                    "is a numeric character (a fraction, superscript or numeral in another "
                    "script); numbers are written with the digits 0-9 and only as record counts",
                )
        text = normalise(text)
    check_words(text)
    as_digits = _CARDINAL_PATTERN.sub("9", text)
    if as_digits != text:
        try:
            _check_numbers(as_digits)
        except WordingError as breach:
            raise WordingError(
                text if len(text) <= 60 else text[:57] + "...",
                f"has a number in words that {breach.rule}",
            ) from None
    elif any(c.isdigit() for c in text):
        _check_numbers(text)


def _check_numbers(text: str) -> None:
    for ident in _MASK.finditer(text):
        check_identifier_words(ident.group(0))
    masked = _MASK.sub("§", text)
    for pattern, rule in (
        (_DECIMAL, "is a decimal number, which reads as a probability or a score"),
        (_RATIO, "is a ratio or a share"),
    ):
        found = pattern.search(masked)
        if found is not None:
            raise WordingError(found.group(0), rule)
    for number in _NUMBER.finditer(masked):
        problem = _check_number(masked, number)
        if problem is not None:
            context = masked[max(0, number.start() - 12) : number.end() + 12]
            raise WordingError(context.replace("§", "…"), problem)
