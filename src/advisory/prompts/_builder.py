"""Turn case context and a prepared explainer into reviews (schema v2).

:class:`ReviewBuilder` prepares everything that does not depend on the case
once (catalogue wording checked by the guard), then builds each case's brief
as a dict of plain JSON types: the household and connected people
(:mod:`advisory.prompts._people`), the chronology and key history, the
questions chosen with the explanation (:mod:`advisory.prompts._choose`, the
only place attributions are read), links to confirm and what the records
could not see (:mod:`advisory.prompts._gaps`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from advisory._errors import DefinitionError, InputError, ParameterError
from advisory._gc import collector_paused
from advisory.definitions import Definitions
from advisory.prompts._batch import BatchRows, FactorRows, SafetyRows
from advisory.prompts._checked import check_brief, check_rows
from advisory.prompts._choose import GENERAL, GENERAL_RECORDED, YOUNG_CHILD_VIEW, choose
from advisory.prompts._columns import as_date
from advisory.prompts._gaps import case_gaps, family_gaps, links_to_confirm, parent_gap
from advisory.prompts._guard import check_identifiers, check_language, check_question
from advisory.prompts._people import Household
from advisory.prompts._review import NOT_A_DECISION, OPEN_QUESTION, SCHEMA_ID, Review
from advisory.prompts._safety import ABUSE, AGENCIES, ASKED_INSTEAD, RECORDS, items_of
from advisory.prompts._tables import CaseTables
from advisory.prompts._words import (
    age_words,
    before_words,
    event_words,
    plural,
    relative_words,
    short_when,
    who_words,
)

if TYPE_CHECKING:
    from advisory.context import CaseContext
    from advisory.explain import Explainer

__all__ = ["ReviewBuilder"]

_CHUNK: Final = 50_000  # cases explained at once (bounds the memory of a batch)
_CHRONOLOGY: Final = 2  # the newest records of the past year listed; the rest are counted
_KEY_HISTORY: Final = 2  # key history listed; earlier ones are counted
_NOT_RECORDED: Final = "relationship not recorded"
_JOINED: Final = "joined the household"
_LEFT: Final = "left the household"
_FAMILY_WORDS: Final = {
    "ScorecardClassifier": "a scorecard (penalised logistic model over binned factors)",
    "AdditiveBoostingClassifier": "an additive boosting model (boosted single-factor trees)",
    "ShallowTreeClassifier": "a shallow decision tree",
}


def _latest_of(
    people: list[dict[str, Any]],
    words: dict[str, str],
    key_history: list[dict[str, Any]],
    since: str,
) -> dict[str, tuple[str, str, str]]:
    """Return each agency's latest record the brief lists: ``(kind, whom, when)``.

    From the person lines (the past year) and the key history from ``since`` (ISO, two
    years before the referral), so that an agency's line never asks what it holds beside
    a recent record the brief lists (readers 7 and 16), and an old one never stands in
    for asking (reader 17: "a missing person report, over 3 years before" read as settled).
    """
    found: dict[str, tuple[str, str, str, str]] = {}
    for person in people:
        who = words.get(person["person_id"], person["relationship"])
        for r in person["records"]:
            if r["dates"][0] > found.get(r["agency"], ("",))[0]:
                found[r["agency"]] = (r["dates"][0], r["event_type"], who, r["whens"][0])
    for e in key_history:
        if e["date"] >= since and e["date"] > found.get(e["agency"], ("",))[0]:
            when = short_when(e["when"])
            found[e["agency"]] = (e["date"], e["event_type"], e["relationship"], when)
    return {agency: (kind, who, when) for agency, (_, kind, who, when) in found.items()}


def _years_before(reference: str, years: int) -> str:
    """Return the ISO date ``years`` whole years before ``reference`` (28 Feb for 29 Feb)."""
    day = dt.date.fromisoformat(reference)
    try:
        return day.replace(year=day.year - years).isoformat()
    except ValueError:
        return day.replace(year=day.year - years, day=28).isoformat()


#: How the person lines name a health visitor contact.
_VISITOR_WORDS: Final = event_words("health_visitor_contact")


def _visited(people: list[dict[str, Any]]) -> frozenset[str]:
    """Return the people whose lines hold a health visitor contact."""
    return frozenset(
        person["person_id"]
        for person in people
        if any(r["event_type"] == _VISITOR_WORDS for r in person["records"])
    )


def _who(people: list[str]) -> str:
    """Name up to two people; more are "and others" (never a count)."""
    if len(people) <= 2:
        return " and ".join(people)
    return f"{people[0]}, {people[1]} and others"


#: Earlier key history said one by one up to this many (each whom and when matched,
#: reader verdict 13); more are summed up by agency with the dates they span.
_EARLIER_ITEMS: Final = 3


def _earlier(entries: list[dict[str, Any]]) -> str:
    """Say what the unlisted key history is: agency, kinds, whom, and when.

    Up to :data:`_EARLIER_ITEMS` records one by one ("Children's social care: referral,
    sister, 2019-05-26 (5 years before)"), more by agency with the dates they span.
    """
    if len(entries) <= _EARLIER_ITEMS:
        return "; ".join(
            f"{e['agency']}: {e['event_type']}, {e['relationship']}, {e['date']} "
            f"({short_when(e['when'])})"
            for e in entries
        )
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        by_agency.setdefault(e["agency"], []).append(e)
    parts = []
    for agency, found in by_agency.items():
        days = sorted(e["date"] for e in found)
        newest = max(found, key=lambda e: e["date"])
        when = short_when(newest["when"])
        span = (
            f"{days[0]} ({when})"
            if days[0] == days[-1]
            else f"{days[0]} to {days[-1]} (latest {when})"
        )
        people = list(dict.fromkeys(e["relationship"] for e in found))
        kinds = ", ".join(dict.fromkeys(e["event_type"] for e in found))
        parts.append(f"{agency}: {kinds} ({_who(people)}) {span}")
    return "; ".join(parts)


#: The general question asking for the child's view (index into GENERAL).
_CHILD_VIEW: Final = 0


def _told_apart(
    case_id: str, tables: CaseTables, words: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Tell apart people of the same relationship by age; return the adults and young people.

    Two brothers become "brother (2 years old)" and "brother (17 years old)" wherever the
    brief names them after their own lines (chronology, questions, gaps). Returns the
    words of the household's adults and of its young people from 10 to 17.
    """
    h = tables.household.columns
    rows = [
        (str(h["person_id"][r]), h["age"][r], h["relationship"][r])
        for r in tables.household.rows(case_id)
    ]
    seen: dict[str, int] = {}
    for person, _, _ in rows:
        if person in words:
            seen[words[person]] = seen.get(words[person], 0) + 1
    adults, young = [], []
    for person, age, _ in rows:
        if person not in words or not isinstance(age, float) or age != age:
            continue
        word = words[person]
        if seen.get(word, 0) > 1 and word != "child":
            words[person] = f"{word} ({age_words(int(age))})"
        if age >= 18:
            adults.append(words[person])
        elif age >= 10:
            young.append(words[person])
    return adults, young


#: A catalogue question's "ask each ... alone" and who it means.
_ALONE: Final = (
    ("(ask each parent alone)", False),
    ("(ask each alone)", False),
    ("(ask each adult and young person alone)", True),
)


#: "his" or "her" for one named person (a partner's is not recorded: "their").
_OWN: Final = {
    **dict.fromkeys(("mother", "grandmother", "sister", "half-sister", "aunt"), "her"),
    **dict.fromkeys(("father", "grandfather", "brother", "half-brother", "uncle"), "his"),
}


def _asked_alone(
    question: dict[str, Any], adults: list[str], young: list[str], named: Sequence[str] = ()
) -> dict[str, Any]:
    """Say whom to ask alone with the household's own adults ("ask the father alone").

    ``named``: the adults a domestic abuse notification of the window names. A
    question to each parent goes to the others alone, after speaking to the
    police ("ask the mother alone, after speaking to the police"), so it is never
    put first to someone a notification names (reader verdicts 7-11).
    """
    text = question["question"]
    for phrase, with_young in _ALONE:
        if phrase not in text:
            continue
        people = adults + young if with_young else adults
        if phrase == "(ask each parent alone)":
            parents = [w for w in adults if w in ("mother", "father") or w.endswith("partner")]
            people = parents or adults  # no parent here: the adults caring for the child
            if named and any(w in named for w in people):
                others = [w for w in people if w not in named]
                if len(others) == 1:
                    who = f"the {others[0]} alone"
                elif len(people) == 1:
                    who = f"the {people[0]} alone"
                elif len(people) == 2:
                    who = f"the {people[0]} and {people[1]}, each alone"
                else:
                    who = "each parent alone"
                text = text.replace(phrase, f"(ask {who}, after speaking to the police)")
                return {**question, "question": text}
        if not people or len(people) > 2:
            return question
        if len(people) == 1:
            text = text.replace(phrase, f"(ask the {people[0]} alone)")
            if "each parent" in text:  # "How safe does the mother feel ... (ask the mother alone)"
                text = text.replace("each parent", f"the {people[0]}")
            if "each adult" in text:
                text = text.replace("each adult", f"the {people[0]}")
                own = _OWN.get(people[0].split(" (")[0].split()[-1])
                text = text.replace(" their ", f" {own} ") if own else text
        else:
            text = text.replace(phrase, f"(ask the {people[0]} and {people[1]}, each alone)")
        return {**question, "question": text}
    return question


#: The child-age question for a young person (10 and over): seen alone, an open invitation.
YOUNG_PERSON_AGE: Final = "What is home like for the child, in their own words (see them alone)?"
_SEEN_ALONE_FROM: Final = 10
#: "the adults" of a catalogue question when one adult lives there: (plural, singular).
_ONE_ADULT: Final = (("are the adults", "is the {a}"), ("do the adults", "does the {a}"))


def _one_child(question: dict[str, Any], people: list[dict[str, Any]]) -> dict[str, Any]:
    """Say "the child" where a question says "the children" and one child lives there."""
    children = sum(1 for p in people if p["age_years"] is not None and p["age_years"] < 18)
    if children != 1 or "the children" not in question["question"]:
        return question
    return {**question, "question": question["question"].replace("the children", "the child")}


def _one_adult(question: dict[str, Any], adults: list[str]) -> dict[str, Any]:
    """Name the one adult where a question says "the adults" ("Where is the father living")."""
    text = question["question"]
    if len(adults) != 1 or "the adults" not in text:
        return question
    adult = adults[0]
    for many, one in _ONE_ADULT:
        text = text.replace(many, one.format(a=adult))
    own = _OWN.get(adult.split(" (")[0].split()[-1])
    if own is not None:
        text = text.replace(" to them?", " to " + ("her?" if own == "her" else "him?"))
    return {**question, "question": text.replace("the adults", f"the {adult}")}


def _window_words(days: int | None) -> str:
    if days is None:
        return "at any time"
    if days % 365 == 0:
        years = days // 365
        return "in the past year" if years == 1 else f"in the past {plural(years, 'year')}"
    return f"in the {days} days before the referral"


class ReviewBuilder:
    """Builds reviews (pre-visit briefs, schema v2) from case context and an explainer.

    Everything that does not depend on the case is prepared and checked once
    here: every factor the model uses must have a catalogue entry and a
    specification, and all catalogue wording must pass the language guard.
    Attributions are read only to choose which questions are asked; they
    never enter a review, and nothing countable in a review follows them.

    Parameters
    ----------
    definitions : advisory.definitions.Definitions
        The specification and catalogue the model was built from.
    explainer : advisory.explain.Explainer
        Prepared on the fitted model, whose bootstrap refits
        (``n_resamples >= 2``) give the steadiness of each attribution.
    model_version : str
        How the model is named to practitioners (plain words and identifiers).
    data_snapshot_date : datetime.date
        The date of the records' extract.

    Raises
    ------
    advisory.DefinitionError
        If a factor of the model has no catalogue entry or no specification.
    advisory.prompts.LanguageError
        If catalogue wording breaks the language guard.
    """

    def __init__(
        self,
        definitions: Definitions,
        explainer: Explainer,
        *,
        model_version: str,
        data_snapshot_date: dt.date,
    ) -> None:
        from advisory.explain import Explainer

        if not isinstance(definitions, Definitions):
            raise ParameterError(
                "definitions", "ReviewBuilder", "a Definitions", type(definitions).__name__
            )
        if not isinstance(explainer, Explainer):
            raise ParameterError(
                "explainer", "ReviewBuilder", "an advisory.explain.Explainer", type(explainer)
            )
        model = explainer.model
        if int(getattr(model, "n_resamples", 0)) < 2:
            raise ParameterError(
                "n_resamples",
                type(model).__name__,
                "an int >= 2 for reviews (a question follows a factor only when its "
                "attribution keeps its direction over bootstrap refits)",
                getattr(model, "n_resamples", None),
            )
        names = getattr(model, "feature_names_in_", None)
        if names is None:
            raise InputError(
                "The model was fitted without factor names; fit it on the context's factors "
                "DataFrame so each factor can be matched to its catalogue entry."
            )
        if not isinstance(data_snapshot_date, dt.date):
            raise ParameterError(
                "data_snapshot_date", "ReviewBuilder", "a datetime.date", data_snapshot_date
            )
        self.definitions = definitions
        self.explainer = explainer
        self.factor_names: tuple[str, ...] = tuple(str(n) for n in names)
        catalogue, spec = definitions.catalogue, definitions.spec
        entries = {e.name: e for e in catalogue.entries}
        specs = {f.name: f for f in spec.factors}
        for name in self.factor_names:
            if name not in entries:
                raise DefinitionError(
                    f"explain/{spec.catalogue}.toml",
                    f"factors.{name}",
                    f"is missing, but the model uses factor {name!r}; add a [factors.{name}] "
                    "table with label, source, direction and question.",
                )
            if name not in specs:
                raise DefinitionError(
                    f"models/{spec.name}.toml",
                    "factors",
                    f"has no factor {name!r}, but the model uses it; fit the model on the "
                    "factors of this specification.",
                )
        self._specs = [specs[n] for n in self.factor_names]
        self._entries = [entries[n] for n in self.factor_names]
        self._labels = [e.label for e in self._entries]
        self._agencies = [catalogue.source(e.source).label for e in self._entries]
        self._questions = [e.question_for(who_words(specs[e.name].who)) for e in self._entries]
        self._absence_questions = [e.absence_question for e in self._entries]
        for name, label, question, absence in zip(
            self.factor_names, self._labels, self._questions, self._absence_questions, strict=True
        ):
            check_language(label, where=f"catalogue label of {name}")
            check_question(question, where=f"catalogue question of {name}")
            if absence is not None:
                check_question(absence, where=f"catalogue absence_question of {name}")
        for key, text in GENERAL:
            check_question(text, where=f"general question {key}")
        for (_, kind), (_, question) in RECORDS.items():
            check_question(question, where=f"safety question {kind}")
        for source, _, question in AGENCIES:
            check_question(question, where=f"safety question {source}")
        check_question(OPEN_QUESTION, where="open question")
        for text in (_NOT_RECORDED, _JOINED, _LEFT):
            check_language(text, where="fixed text")
        check_language(model_version, where="model_version")
        self.model_version = model_version
        self.data_snapshot_date = data_snapshot_date
        self._strength = np.array([e.direction == "strength" for e in self._entries])
        self._hardship = np.array([e.hardship for e in self._entries])
        self._counts = np.array(
            [f.kind in ("events", "household_change") for f in self._specs], dtype=bool
        )
        #: never a question's reason: "1 adult in the household" and the child's age say
        #: nothing of this family's circumstances (the age is on the household lines; a
        #: question "because the child is 14" was neither answerable nor a record, reader
        #: verdict 6)
        self._never_asked = np.array(
            [f.kind in ("household_composition", "child_age") for f in self._specs]
        )
        #: the (agency, type) pairs of each factor, to leave out what a safety item asks
        self._pairs = [
            {(f.source, t) for t in f.event_types} & ASKED_INSTEAD if f.kind == "events" else set()
            for f in self._specs
        ]
        self._absence_ages = [e.absence_ages for e in self._entries]
        self._can_be_absent = np.array(
            [
                e.absence_question is not None and f.kind == "events"
                for e, f in zip(self._entries, self._specs, strict=True)
            ]
        )
        self._age_column = next(
            (j for j, f in enumerate(self._specs) if f.kind == "child_age"), None
        )
        windows = [int(f.window_days) for f in self._specs if f.window_days is not None]
        self.window_days = max([365, *windows])
        #: how far back a person's line lists records of each type: the past year,
        #: or the window of a factor counting that type when it is longer
        self.type_window: dict[tuple[str, str], int] = {}
        for f in self._specs:
            if f.kind == "events" and f.window_days is not None:
                for t in f.event_types:
                    pair = (f.source, t)
                    self.type_window[pair] = max(
                        self.type_window.get(pair, 365), int(f.window_days)
                    )
        self._sources = {s.name: s for s in catalogue.sources}
        self._source_labels = {s.name: s.label for s in catalogue.sources}
        self._chronology_types = {(s.name, t) for s in catalogue.sources for t in s.chronology} - {
            (s.name, t) for s in catalogue.sources for t in s.key_history
        }
        self._key_types = {(s.name, t) for s in catalogue.sources for t in s.key_history}
        family = _FAMILY_WORDS.get(type(model).__name__, type(model).__name__)
        self.explanation_method = (
            f"Exact SHAP values of {family}. The questions about recorded circumstances and "
            "absences are those the model's explanation relies on most for this case, taking "
            f"first those whose direction held across {int(model.n_resamples)} bootstrap "
            "refits of the model; every review has the same number of questions, in an order "
            "set by the case id, so neither their number nor their order says anything about "
            "the case."
        )
        check_language(self.explanation_method, where="explanation_method")
        self.about: dict[str, Any] = {
            "model_version": model_version,
            "explanation_method": self.explanation_method,
            "data_snapshot_date": data_snapshot_date.isoformat(),
            "reminder": catalogue.reminder.strip(),
            "not_captured": [
                {"agency": s.label, "text": s.not_captured} for s in catalogue.sources
            ],
            "open_question": OPEN_QUESTION,
        }
        check_language(self.about, where="about")
        self._stable = explainer.stable_attributions()
        self._absence_text: dict[str, str] = {}
        self._frame_checked = False
        self._index = {name: j for j, name in enumerate(self.factor_names)}
        self._kind_words = {t: event_words(t) for _, t in RECORDS}

    # ---- public routes --------------------------------------------------------

    def reviews(self, context: CaseContext) -> list[Review]:
        """Build the review of every case in ``context``, in its order.

        Parameters
        ----------
        context : advisory.context.CaseContext
            Context of the cases.

        Returns
        -------
        list of Review

        Raises
        ------
        advisory.InputError
            If the context lacks a factor of the model, or a case has no
            reference date.
        """
        return [Review.from_dict(d) for d in self.review_dicts(context)]

    def review_dicts(
        self, context: CaseContext, *, pause_collector: bool = False
    ) -> list[dict[str, Any]]:
        """Build every case's review as plain JSON types (``review.schema.json``).

        Every dict passes the language guard before it is returned.

        Parameters
        ----------
        context : advisory.context.CaseContext
            Context of the cases.
        pause_collector : bool, default False
            Pause Python's cyclic garbage collector while the batch is built
            (thread-safe; restored after). The many small containers of a
            large batch trigger it over and over, and they form no cycles; a
            host that builds large batches may opt in.

        Returns
        -------
        list of dict

        Raises
        ------
        advisory.InputError
            As :meth:`reviews`.
        advisory.prompts.LanguageError
            If a case's texts break the guard (a case id such as ``top10``),
            naming where.
        """
        if pause_collector:
            with collector_paused():
                return self.review_dicts(context)
        X, ids = self._factors(context)
        dates = self._reference_dates(context, ids)
        tables = CaseTables(context)
        check_identifiers(ids, where="case_id")
        out: list[dict[str, Any]] = []
        for start in range(0, len(X), _CHUNK):
            chunk = X if len(X) <= _CHUNK else X.iloc[start : start + _CHUNK]
            out.extend(
                self._chunk_dicts(
                    chunk, ids[start : start + _CHUNK], dates[start : start + _CHUNK], tables
                )
            )
        return out

    def asked(self, context: CaseContext) -> pd.DataFrame:
        """Which factors each case's review asks about, without building reviews.

        The same choice :meth:`review_dicts` makes, as a table: ``True`` where
        the review asks a question about the factor (a recorded circumstance
        or a recorded absence, or a safety item about its records). For
        comparing how often factors are asked about across groups (prompt
        parity); like a review, it holds no attribution.

        Parameters
        ----------
        context : advisory.context.CaseContext
            Context of the cases.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``case_id``, one boolean column per factor of the model.

        Examples
        --------
        >>> from advisory import Advisor
        >>> from advisory.context import build_context
        >>> from advisory.datasets import make_multiagency
        >>> from advisory.definitions import reference_root
        >>> data = make_multiagency(n_cases=300, seed=0)
        >>> advisor = Advisor.from_definitions(
        ...     reference_root(), model_params={"n_resamples": 4}
        ... ).fit(data)
        >>> builder = ReviewBuilder(
        ...     advisor.definitions,
        ...     advisor.explainer_,
        ...     model_version=advisor.model_version_,
        ...     data_snapshot_date=data.snapshot_date.date(),
        ... )
        >>> asked = builder.asked(build_context(data, advisor.definitions))
        >>> asked.shape
        (300, 24)
        >>> # three model-chosen questions, plus any safety items of the case
        >>> bool(asked.sum(axis=1).le(3 + len(ASKED_INSTEAD)).all())
        True
        """
        X, ids = self._factors(context)
        tables = CaseTables(context)
        table = np.zeros(X.shape, dtype=bool)
        for start in range(0, len(X), _CHUNK):
            chunk = X if len(X) <= _CHUNK else X.iloc[start : start + _CHUNK]
            chunk_ids = ids[start : start + _CHUNK]
            references = [tables.reference_dates.get(c) for c in chunk_ids]
            safety = SafetyRows(tables, chunk_ids, references, self.type_window)
            choices, _, _, _, covered = self._choose(chunk, chunk_ids, tables, safety)
            table[start : start + len(chunk_ids)] |= covered  # asked by a safety item
            for i, choice in enumerate(choices):
                for kind, j in choice.slots:
                    if kind != "general":
                        table[start + i, j] = True
        return pd.DataFrame(
            table, index=pd.Index(ids, name="case_id"), columns=list(self.factor_names)
        )

    # ---- the whole batch at once -------------------------------------------

    def _factors(self, context: CaseContext) -> tuple[pd.DataFrame, list[str]]:
        factors = context.factors
        names = list(self.factor_names)
        columns = factors.columns.tolist()
        if columns != names:
            missing = [n for n in names if n not in columns]
            if missing:
                raise InputError(
                    f"The context has no factor column {missing[0]!r}; it was built with a "
                    "different model specification than the model's. Build it with the same "
                    "definitions."
                )
            factors = factors[names]
        ids = [str(c) for c in factors.index.tolist()]
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            twice = [c for c in ids if c in seen or seen.add(c)][:5]  # type: ignore[func-returns-value]
            raise InputError(
                f"The context holds cases {twice} more than once; build it with each case "
                "once (a review is built once per case)."
            )
        return factors, ids

    def _reference_dates(self, context: CaseContext, ids: list[str]) -> list[str]:
        cases = context.cases
        column = cases["reference_date"]
        if isinstance(column.dtype, np.dtype) and column.dtype.kind == "M":  # naive: ISO text
            days = column.to_numpy(dtype="datetime64[D]").astype(str).tolist()
            read = [None if d == "NaT" else d for d in days]
        else:
            read = [None if (d := as_date(v)) is None else d.isoformat() for v in column.tolist()]
        of_case = dict(zip([str(c) for c in cases["case_id"].tolist()], read, strict=True))
        dates = [of_case.get(c) for c in ids]
        if None in dates:
            bad = [c for c, d in zip(ids, dates, strict=True) if d is None][:5]
            raise InputError(
                f"Cases {bad} have no reference date in the context's 'cases' table; a "
                "review is always as of a date. Add the reference date."
            )
        return dates  # type: ignore[return-value]

    def _choose(
        self, X: pd.DataFrame, ids: list[str], tables: CaseTables, safety: SafetyRows
    ) -> tuple[list[Any], Any, Any, FactorRows, Any]:
        """Choose the questions of a chunk: the only place attributions are read.

        Returns the choices, the factor values, where a partly covered window has
        records, the records behind each factor, and where a safety item asks
        about a factor's records.
        """
        matrix, values, steady = self._stable.steady(X)
        known = ~np.isnan(matrix)
        behind = FactorRows(tables.provenance, ids, self.factor_names)
        # a partly covered window with records seen is recorded ("at least ...")
        seen = ~known & self._counts[None, :] & behind.any
        with np.errstate(invalid="ignore"):
            recorded = (known & (~self._counts[None, :] | (matrix > 0))) | seen
            absent = known & self._can_be_absent[None, :] & (matrix == 0)
        recorded &= ~self._never_asked[None, :]
        covered = self._leave_out_safety(recorded, safety, behind, tables)
        if self._age_column is not None and absent.any():
            age = matrix[:, self._age_column]
            for j, ages in enumerate(self._absence_ages):
                if ages is not None and absent[:, j].any():
                    absent[:, j] &= (age >= ages[0]) & (age <= ages[1])
        choices = choose(
            ids,
            values,
            steady,
            recorded,
            absent,
            strength=self._strength,
            hardship=self._hardship,
        )
        return choices, matrix, seen, behind, covered

    def _leave_out_safety(
        self, recorded: Any, safety: SafetyRows, behind: FactorRows, tables: CaseTables
    ) -> Any:
        """Leave out of the choice the factors whose records a safety item asks about.

        Returns where that happened (case x factor): a safety item asks about them.
        """
        covered = np.zeros_like(recorded)
        with_pairs = [j for j, pairs in enumerate(self._pairs) if pairs]
        need = [
            (i, j)
            for i, found in enumerate(safety.found)
            if found
            for j in with_pairs
            if recorded[i, j]
        ]
        rows = behind.rows(need)
        persons = tables.provenance.columns["person_id"]
        for i, j in need:
            found = safety.found[i]
            people = {p for pair in self._pairs[j] for p in found.get(pair, ())}
            if any(str(persons[r]) in people for r in rows[(i, j)]):
                recorded[i, j] = False
                covered[i, j] = True
        return covered

    def _chunk_dicts(
        self, X: pd.DataFrame, ids: list[str], dates: list[str], tables: CaseTables
    ) -> list[dict[str, Any]]:
        safety = SafetyRows(tables, ids, dates, self.type_window)
        choices, matrix, seen, behind, _ = self._choose(X, ids, tables, safety)
        records_of = behind.records(
            [
                (i, j)
                for i, c in enumerate(choices)
                for kind, j in c.slots
                if kind == "circumstance"
            ],
            tables.day,
        )
        batch = BatchRows(
            tables,
            ids,
            dates,
            labels=self._source_labels,
            key_types=self._key_types,
            chronology_types=self._chronology_types,
            day=tables.day,
        )
        rows_pass, masked = check_rows(*batch.strings())
        household = Household(batch)
        about = self.about
        out = []
        for i, case_id in enumerate(ids):
            reference = dates[i]
            people, elsewhere, words, ids_of = household.people(i)
            adults, young = _told_apart(case_id, tables, words)
            lined = {p["person_id"] for p in people} | {p["person_id"] for p in elsewhere}
            chronology, more, key_history = self._records(i, batch, words, lined)
            earlier = len(key_history) - _KEY_HISTORY
            document = {
                "schema": SCHEMA_ID,
                "case_id": case_id,
                "reference_date": reference,
                "statement": NOT_A_DECISION,
                "household": people,
                "elsewhere": elsewhere,
                "chronology": chronology,
                "chronology_more": more,
                "key_history": key_history[:_KEY_HISTORY],
                "key_history_more": (
                    f"and {earlier} earlier: " + _earlier(key_history[_KEY_HISTORY:])
                    if earlier > 0
                    else None
                ),
                "safety": items_of(
                    safety.found[i],
                    safety.latest[i],
                    batch.members_of(i),
                    reference,
                    self._source_labels,
                    words,
                    self._kind_words,
                    _latest_of(people, words, key_history, _years_before(reference, 2)),
                    visited=_visited(people),
                    by_person=safety.by_person[i],
                ),
                "questions": [
                    _one_child(
                        _one_adult(
                            _asked_alone(
                                self._question(
                                    kind,
                                    j,
                                    reference,
                                    matrix[i],
                                    seen[i, j],
                                    records_of.get((i, j), ()),
                                    batch.adults[i],
                                    words,
                                ),
                                adults,
                                young,
                                [words[p] for p in safety.found[i].get(ABUSE, ()) if p in words],
                            ),
                            adults,
                        ),
                        people,
                    )
                    for kind, j in choices[i].slots
                ],
                "to_confirm": links_to_confirm(self._source_labels, case_id, tables, words),
                "could_not_see": case_gaps(
                    self._source_labels, case_id, reference, tables, words, ids_of
                )
                + parent_gap(people, elsewhere)
                + family_gaps(people, elsewhere),
                "about": {**about, "not_captured": [n.copy() for n in about["not_captured"]]},
            }
            if self._frame_checked:
                check_brief(document, own_only=not masked)
            else:  # the keys and fixed texts every brief shares, once per builder
                check_language(document)
                self._frame_checked = True
            out.append(document)
        if not rows_pass:  # a row's string broke the guard: name where, if a brief shows it
            for document in out:
                check_language(document)
        return out

    # ---- pieces of one review ------------------------------------------------

    def _records(
        self, i: int, batch: BatchRows, words: dict[str, str], lined: set[str]
    ) -> tuple[list[dict[str, Any]], str | None, list[dict[str, Any]]]:
        """Return the chronology of the past year (newest first, capped) and the key history.

        The newest records are listed; the others are counted in "and N more", which
        says they are dated on the person lines when every one of them is (``lined``: the
        people with a line), else which agencies, whose and how recent (reader verdicts
        12-15: "and N more" pointed at records no line showed; without it the chronology
        read as complete).
        """
        entries, is_key = batch.entries_of(i)
        chronology: list[dict[str, Any]] = []
        key_history: list[dict[str, Any]] = []
        unlisted: dict[Any, list[tuple[str, str]]] = {}
        on_lines = 0
        for (day, when, who, agency, what, event_id), key in zip(entries, is_key, strict=True):
            if not key and len(chronology) == _CHRONOLOGY:
                unlisted.setdefault(agency, []).append((day, who))
                on_lines += who in lined
                continue
            (key_history if key else chronology).append(
                {
                    "date": day,
                    "when": when,
                    "person_id": who,
                    "relationship": words.get(who, _NOT_RECORDED),
                    "agency": agency,
                    "event_type": what,
                    "event_id": event_id,
                }
            )
        reference = batch.dates[i]
        agency = self._source_labels.get("childrens_social_care", "Children's social care")
        for who, _, _, _, _, moved, _ in batch.household_of(i):
            if moved is not None:
                key_history.append(self._change(moved, reference, who, words, agency, _JOINED))
        for who, _, _, _, _, left, _ in batch.connected_of(i):
            if left is not None:
                key_history.append(self._change(left, reference, who, words, agency, _LEFT))
        key_history.sort(key=lambda e: e["date"], reverse=True)
        more = sum(len(found) for found in unlisted.values())
        if not more:
            text = None
        elif on_lines == more:  # said plainly (reader 12 could not decode a shorthand)
            text = f"and {more} more, dated on the person lines above"
        else:
            text = f"and {more} more: " + self._rest(unlisted, words, reference)
        return chronology, text, key_history

    def _rest(
        self, rest: dict[Any, list[tuple[str, str]]], words: dict[str, str], reference: str
    ) -> str:
        """Say what the unlisted records of the past year are: agency, whom, and how recent.

        The kinds are on the person lines ("Who lives here").
        """
        parts = []
        for agency, found in rest.items():
            people = list(dict.fromkeys(words.get(p, "a person not listed") for _, p in found))
            days = sorted(day for day, _ in found)
            when = before_words(days[-1], reference)
            latest = when if len(days) == 1 else f"latest {when}"
            parts.append(f"{self._source_labels.get(agency, agency)} ({_who(people)}, {latest})")
        return "; ".join(parts)

    @staticmethod
    def _change(
        day: str, reference: str, who: str, words: dict[str, str], agency: str, what: str
    ) -> dict[str, Any]:
        return {
            "date": day,
            "when": relative_words(day, reference),
            "person_id": who,
            "relationship": words.get(who, _NOT_RECORDED),
            "agency": agency,
            "event_type": what,
            "event_id": None,
        }

    def _question(
        self,
        kind: str,
        j: int,
        reference: str,
        row: Any,
        seen: bool,
        rows: Sequence[tuple[str, str, str | None]],
        adults: int,
        words: dict[str, str],
    ) -> dict[str, Any]:
        if kind == "general":
            key, text = GENERAL[j]
            age = row[self._age_column] if self._age_column is not None else float("nan")
            if j == _CHILD_VIEW and age == age:  # the child's view as the age allows
                if age < 5:
                    text = YOUNG_CHILD_VIEW  # no school or friends to ask a toddler about
                elif age >= _SEEN_ALONE_FROM:
                    text = YOUNG_PERSON_AGE  # a young person is seen alone
            return {
                "prompt_id": f"general:{key}",
                "kind": "general",
                "factor": key,
                "recorded": GENERAL_RECORDED,
                "agency": "All agencies",
                "question": text,
            }
        name = self.factor_names[j]
        spec = self._specs[j]
        if kind == "absence":
            recorded = f"no record of {self._absence_words(spec)} {_window_words(spec.window_days)}"
            return {
                "prompt_id": f"absence:{name}",
                "kind": "absence",
                "factor": name,
                "recorded": recorded,
                "agency": self._agencies[j],
                "question": self._absence_questions[j],
            }
        recorded, named = self._recorded(j, reference, row[j], seen, rows, adults, words)
        question = self._questions[j]
        if row[j] == 1:  # one earlier referral: never "the earlier referrals"
            question = question.replace("earlier referrals", "earlier referral")
        if self._specs[j].kind == "child_age" and row[j] >= _SEEN_ALONE_FROM:
            question = YOUNG_PERSON_AGE  # a young person is seen alone, not "looked after"
        if "(ask each alone)" in question and 0 < len(named) <= 2:
            # an adult's own records: ask the people they name, never reveal them to others
            question = _asked_alone(
                {"question": question}, [w for w in named if w in set(words.values())], []
            )["question"]
        return {
            "prompt_id": f"question:{name}",
            "kind": "circumstance",
            "factor": name,
            "recorded": recorded,
            "agency": self._agencies[j],
            "question": question,
        }

    def _absence_words(self, spec: Any) -> str:
        found = self._absence_text.get(spec.name)
        if found is None:
            found = self._absence_text[spec.name] = " or ".join(
                event_words(t) for t in spec.event_types
            )
        return found

    def _recorded(
        self,
        j: int,
        reference: str,
        value: float,
        partial: bool,
        rows: Sequence[tuple[str, str, str | None]],
        adults: int,
        words: dict[str, str],
    ) -> tuple[str, list[str]]:
        """Return what the records show for an asked factor, in words, and whom they name."""
        spec = self._specs[j]
        if spec.kind == "child_age":
            years = int(value)
            return ("the child is " + age_words(years), [])
        if spec.kind == "household_composition":
            return (f"{plural(adults, 'adult')} in the household on the referral date", [])
        people: dict[str, None] = {}
        types: dict[str, None] = {}
        latest: str | None = None
        for person, kind, day in rows:
            people[words.get(person, "a person not in the household")] = None
            types[kind] = None
            if day is not None and (latest is None or day > latest):
                latest = day
        who = (
            " and ".join(people)
            if len(people) <= 2
            else ", ".join(list(people)[:-1]) + " and " + list(people)[-1]
        )
        when = ""
        if latest is not None:
            when = before_words(latest, reference)
            when = f", {'latest ' if len(rows) > 1 else ''}{when}"
        if spec.kind == "household_change":
            text = f"the {who} {spec.change} the household {_window_words(spec.window_days)}"
            return text + when, list(people)
        # whom and when, then the kinds (never how many: a count of concerns would sort
        # families); the rendering cites whom and when, the question names the topic
        text = f"{who}{', some not shared' if partial else ''}{when}: {', '.join(types)}"
        return text, list(people)
