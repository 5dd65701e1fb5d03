"""Turn explanations of cases into reviews: the only place attributions are read."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._errors import DefinitionError, InputError, ParameterError
from advisory._gc import collector_paused
from advisory.definitions import Definitions
from advisory.prompts._columns import Groups, as_date
from advisory.prompts._guard import (
    LanguageError,
    check_identifiers,
    check_language,
    check_question,
)
from advisory.prompts._review import (
    OPEN_QUESTION,
    AgencyContact,
    DataGap,
    FactorPrompt,
    HouseholdMember,
    Record,
    Review,
    SourceNote,
    UnknownFactor,
    guard_piece,
    piece_dicts,
    review_document,
)
from advisory.prompts._words import (
    coverage_words,
    gap_description,
    gap_question,
    observed_words,
    relationship_words,
    who_words,
)

if TYPE_CHECKING:
    from advisory.context import CaseContext
    from advisory.explain import Explainer

__all__ = ["ReviewBuilder"]

#: The categories of :meth:`ReviewBuilder.mentions`, in their order.
MENTIONS: Final = ("stands_out", "strength", "unknown", "not_listed")
_STANDS_OUT_CODE, _STRENGTH_CODE, _UNKNOWN_CODE, _NOT_LISTED_CODE = range(4)
_CHUNK: Final = 50_000  # cases explained at once (bounds the memory of a batch)
_CACHE_MAX: Final = 100_000  # entries of a builder's caches of shared pieces
_FAMILY_WORDS: Final = {
    "ScorecardClassifier": "a scorecard (penalised logistic model over binned factors)",
    "AdditiveBoostingClassifier": "an additive boosting model (boosted single-factor trees)",
    "ShallowTreeClassifier": "a shallow decision tree",
}
_KINDS: Final = ("stands_out", "strength")
_EMPHASIS: Final = (
    ("stands out most", "also stands out"),
    ("pulls the other way most", "also pulls the other way"),
)
_NOT_IN_RECORDS: Final = "not in the records supplied"
_CONTACT_SHOWN: Final = frozenset({"unavailable", "unmatched"})


Float = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]


class _Decisions(NamedTuple):
    """What the reviews of a batch list, decided for all its cases at once."""

    matrix: Float  # factor values as numbers (NaN: unknown)
    values: Float  # attributions, read only to choose and order
    up: Bool  # stands out: reliably pushes up, and recorded
    down: Bool  # a strength: reliably pulls the other way, and recorded


# One case's review before it is a Review or a dict: case id, reference date,
# what stands out, strengths, gaps, unknown factors, household.
_Parts = tuple[
    str,
    dt.date,
    tuple[FactorPrompt, ...],
    tuple[FactorPrompt, ...],
    tuple[DataGap, ...],
    tuple[UnknownFactor, ...],
    tuple[HouseholdMember, ...],
]


def _ordered(mask: Bool, key: Float) -> tuple[list[int], list[int]]:
    """Return the listed factors of every case by ``key`` (ties by factor order), flattened.

    Returns the factor positions of all cases one after the other and where
    each case's run ends.
    """
    counts = mask.sum(axis=1)
    ends: list[int] = np.cumsum(counts).tolist()
    if not ends or ends[-1] == 0:
        return [], ends
    order = np.argsort(np.where(mask, key, np.inf), axis=1, kind="stable")
    flat: list[int] = order[np.arange(mask.shape[1]) < counts[:, None]].tolist()
    return flat, ends


class ReviewBuilder:
    """Builds :class:`Review` objects from case context and a prepared explainer.

    Everything that does not depend on the case is prepared and checked once
    here: every factor the model uses must have a catalogue entry and a
    specification, and all catalogue wording must pass the language guard.
    Attributions are read only to choose and order what stands out; they
    never enter a review.

    Parameters
    ----------
    definitions : advisory.definitions.Definitions
        The specification and catalogue the model was built from.
    explainer : advisory.explain.Explainer
        Prepared on the fitted model, whose bootstrap refits
        (``n_resamples >= 2``) give the stability of each attribution.
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
                "an int >= 2 for reviews (a factor is called out only when its attribution "
                "is reliably away from zero over bootstrap refits)",
                getattr(model, "n_resamples", None),
            )
        names = getattr(model, "feature_names_in_", None)
        if names is None:
            raise InputError(
                "The model was fitted without factor names; fit it on the context's factors "
                "DataFrame so each factor can be matched to its catalogue entry."
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
        # factors that count records: a count of zero is not listed (see _listable)
        self._counts = np.array(
            [f.kind in ("events", "household_change") for f in self._specs], dtype=bool
        )
        self._labels = [entries[n].label for n in self.factor_names]
        self._agencies = [catalogue.source(entries[n].source).label for n in self.factor_names]
        self._questions = [
            entries[n].question_for(who_words(specs[n].who)) for n in self.factor_names
        ]
        self._source_labels = {s.name: s.label for s in catalogue.sources}
        for name, label, question in zip(
            self.factor_names, self._labels, self._questions, strict=True
        ):
            check_language(label, where=f"catalogue label of {name}")
            check_question(question, where=f"catalogue question of {name}")
        self.reminder = catalogue.reminder.strip()
        check_language(self.reminder, where="catalogue reminder")
        self.not_captured = tuple(
            SourceNote(agency=s.label, text=s.not_captured) for s in catalogue.sources
        )
        for note in self.not_captured:
            check_language(note.text, where=f"not_captured of {note.agency}")
            guard_piece(note)
        check_question(OPEN_QUESTION, where="open question")
        check_language(model_version, where="model_version")
        self.model_version = model_version
        if not isinstance(data_snapshot_date, dt.date):
            raise ParameterError(
                "data_snapshot_date", "ReviewBuilder", "a datetime.date", data_snapshot_date
            )
        self.data_snapshot_date = data_snapshot_date
        family = _FAMILY_WORDS.get(type(model).__name__, type(model).__name__)
        self.explanation_method = (
            f"Exact SHAP values of {family}, each factor compared with a typical case of "
            f"the training data. A factor is listed only when the direction of its "
            f"contribution held across {int(model.n_resamples)} bootstrap refits of the "
            "model; the order of the list shows which stand out most."
        )
        check_language(self.explanation_method, where="explanation_method")
        self._observed_cache: dict[tuple[Any, ...], str] = {}
        # pieces shared by every review that lists them: immutable, built once
        self._prompt_ids = tuple(
            tuple(f"{kind}:{name}" for name in self.factor_names) for kind in _KINDS
        )
        self._plain_prompts: dict[tuple[Any, ...], FactorPrompt] = {}
        self._unknown_pieces: dict[tuple[int, str], UnknownFactor] = {}
        self._unknown_runs: dict[tuple[int, ...], tuple[UnknownFactor, ...]] = {}
        self._contacts: dict[tuple[Any, ...], AgencyContact] = {}
        self._index = {name: j for j, name in enumerate(self.factor_names)}
        levels = model.layout_.levels
        # what observed_words needs of a value: its level for categories, else the number
        self._levels = [None if lv is None else list(lv) for lv in levels]
        self._raw_needed = [
            j
            for j, (spec_j, lv) in enumerate(zip(self._specs, levels, strict=True))
            if spec_j.kind == "household_composition" and lv is None
        ]
        self._stable = explainer.stable_attributions()

    def reviews(self, context: CaseContext) -> list[Review]:
        """Build the review of every case in ``context``, in its order.

        What stands out, the strengths and their order are decided for all
        cases at once (:meth:`mentions` gives the same decisions as a table);
        the pieces shared between reviews are built once per builder.

        Parameters
        ----------
        context : advisory.context.CaseContext
            Context of the cases (from :func:`advisory.context.build_context`
            or :meth:`advisory.context.RecordIndex.context`).

        Returns
        -------
        list of Review

        Raises
        ------
        advisory.InputError
            If the context lacks a factor of the model, or a case has no
            reference date.
        """
        with collector_paused():  # see review_dicts
            return self._reviews(context)

    def _reviews(self, context: CaseContext) -> list[Review]:
        reminder, not_captured = self.reminder, self.not_captured
        model_version, method = self.model_version, self.explanation_method
        snapshot = self.data_snapshot_date
        return [
            Review(
                case_id=case_id,
                reference_date=date,
                stands_out=stands_out,
                strengths=strengths,
                gaps=gaps,
                unknown=unknown,
                reminder=reminder,
                not_captured=not_captured,
                household=household,
                model_version=model_version,
                explanation_method=method,
                data_snapshot_date=snapshot,
            )
            for case_id, date, stands_out, strengths, gaps, unknown, household in self._parts(
                context
            )
        ]

    def review_dicts(self, context: CaseContext) -> list[dict[str, Any]]:
        """Build every case's review as plain JSON types, for a batch.

        The same as ``[r.to_dict() for r in self.reviews(context)]``, and
        guarded the same way, but built straight from the batch's decisions
        and from the checked dicts of the pieces reviews share, with no
        :class:`Review` in between: the first dict is checked whole (its
        fixed frame), then each case's own texts (its id and date) and every
        piece not checked before. Python's cyclic garbage collector is paused
        meanwhile: the many small containers of a large batch would otherwise
        trigger it over and over, which costs more than building them.

        Parameters
        ----------
        context : advisory.context.CaseContext
            Context of the cases.

        Returns
        -------
        list of dict
            One dict per case, in the context's order, following
            ``review.schema.json``.

        Raises
        ------
        advisory.InputError
            As :meth:`reviews`.
        advisory.prompts.LanguageError
            If a case's texts break the guard (a case id such as ``top10``,
            a record's wording), naming where, as :meth:`Review.to_dict` does.
        """
        notes = piece_dicts(self.not_captured)
        reminder = self.reminder
        model_version, method = self.model_version, self.explanation_method
        snapshot = self.data_snapshot_date.isoformat()
        iso: dict[dt.date, str] = {}
        with collector_paused():
            try:
                out = [
                    review_document(
                        case_id,
                        iso.get(date) or iso.setdefault(date, date.isoformat()),
                        piece_dicts(stands_out) if stands_out else [],
                        piece_dicts(strengths) if strengths else [],
                        piece_dicts(gaps) if gaps else [],
                        piece_dicts(unknown) if unknown else [],
                        reminder,
                        [note.copy() for note in notes],
                        piece_dicts(household) if household else [],
                        {
                            "model_version": model_version,
                            "explanation_method": method,
                            "data_snapshot_date": snapshot,
                        },
                    )
                    for case_id, date, stands_out, strengths, gaps, unknown, household in (
                        self._parts(context)
                    )
                ]
                if out:
                    check_language(out[0])  # the frame every dict of the batch shares
                check_identifiers([document["case_id"] for document in out], where="case_id")
                check_language({"reference_date": list(iso.values())})
            except LanguageError:
                # name where the breach is, as the review's own dict does
                return [review.to_dict() for review in self._reviews(context)]
        return out

    def mentions(self, context: CaseContext) -> pd.DataFrame:
        """How each factor of each case appears in its review, without building reviews.

        The same decisions :meth:`reviews` makes, computed for all cases at
        once: ``"stands_out"`` or ``"strength"`` when the review lists the
        factor there, ``"unknown"`` when its value is unknown (the review
        lists it among what the data could not see), ``"not_listed"``
        otherwise. For comparing how often factors are called out across
        groups (prompt parity); like a review, it holds no attribution.

        Parameters
        ----------
        context : advisory.context.CaseContext
            Context of the cases.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``case_id``, one column per factor of the model, each
            a categorical with categories ``["stands_out", "strength",
            "unknown", "not_listed"]``.

        Raises
        ------
        advisory.InputError
            If the context lacks a factor of the model.

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
        >>> mentions = builder.mentions(build_context(data, advisor.definitions))
        >>> mentions.shape
        (300, 24)
        >>> list(mentions["adult_arrests"].cat.categories)
        ['stands_out', 'strength', 'unknown', 'not_listed']
        """
        X, ids = self._factors(context)
        codes = np.empty(X.shape, dtype=np.int8)
        for start in range(0, len(X), _CHUNK):
            chunk = X if len(X) <= _CHUNK else X.iloc[start : start + _CHUNK]
            decided = self._decide(chunk)
            part = np.full(decided.matrix.shape, _NOT_LISTED_CODE, dtype=np.int8)
            part[np.isnan(decided.matrix)] = _UNKNOWN_CODE
            part[decided.up] = _STANDS_OUT_CODE
            part[decided.down] = _STRENGTH_CODE
            codes[start : start + _CHUNK] = part
        dtype = pd.CategoricalDtype(list(MENTIONS))
        return pd.DataFrame(
            {
                name: pd.Categorical.from_codes(codes[:, j], dtype=dtype)
                for j, name in enumerate(self.factor_names)
            },
            index=pd.Index(ids, name="case_id"),
        )

    # ---- the whole batch at once -------------------------------------------

    def _factors(self, context: CaseContext) -> tuple[pd.DataFrame, list[str]]:
        factors = context.factors
        names = list(self.factor_names)
        columns = factors.columns.tolist()
        if columns == names:
            return factors, [str(c) for c in factors.index.tolist()]
        missing = [n for n in names if n not in columns]
        if missing:
            raise InputError(
                f"The context has no factor column {missing[0]!r}; it was built with a "
                "different model specification than the model's. Build it with the same "
                "definitions."
            )
        X = factors[names]
        return X, [str(c) for c in X.index.tolist()]

    def _reference_dates(self, context: CaseContext, ids: list[str]) -> list[dt.date]:
        cases = context.cases
        column = cases["reference_date"]
        of_row: list[dt.date | None]
        if column.dtype.kind == "M" and getattr(column.dtype, "tz", None) is None:
            of_row = column.to_numpy().astype("datetime64[D]").tolist()  # NaT as None
        else:
            of_row = [as_date(value) for value in column.tolist()]
        case_ids = cases["case_id"].tolist()
        if case_ids == ids:  # the usual order: the factors' own
            dates = of_row
        else:  # the last row of a case holds
            reference_of = dict(zip(case_ids, of_row, strict=True))
            dates = [reference_of.get(c) for c in ids]
        if None in dates:
            bad = [c for c, d in zip(ids, dates, strict=True) if d is None][:5]
            raise InputError(
                f"Cases {bad} have no reference date in the context's 'cases' table; a "
                "review is always as of a date. Add the reference date."
            )
        return dates  # type: ignore[return-value]

    def _decide(self, X: pd.DataFrame) -> _Decisions:
        """Decide what every case's review lists, for all cases at once.

        Only what was recorded may be listed: an unknown value never is (the
        case's gaps say what the data could not see, and the model's reaction
        to a missing source is not a circumstance of the family), and neither
        is a count of zero - the absence of a record is neither a concern that
        stands out nor a strength, and the catalogue's questions presume
        something was recorded. Of those, a factor is listed when its
        attribution is reliably away from zero, by the direction it pulls.
        """
        matrix, values, reliable = self._stable(X)
        listable = ~np.isnan(matrix) & (~self._counts | (matrix > 0))
        return _Decisions(
            matrix=matrix,
            values=values,
            up=reliable & (values > 0) & listable,
            down=reliable & (values < 0) & listable,
        )

    def _parts(self, context: CaseContext) -> Iterator[_Parts]:
        """Yield the parts of every case's review, in the context's order."""
        X, ids = self._factors(context)
        dates = self._reference_dates(context, ids)
        tables = _CaseTables(self, context)
        for start in range(0, len(X), _CHUNK):
            chunk = X if len(X) <= _CHUNK else X.iloc[start : start + _CHUNK]
            yield from self._chunk_parts(
                chunk, ids[start : start + _CHUNK], dates[start : start + _CHUNK], tables
            )

    def _chunk_parts(
        self, X: pd.DataFrame, ids: list[str], dates: list[dt.date], tables: _CaseTables
    ) -> Iterator[_Parts]:
        decided = self._decide(X)
        matrix = decided.matrix
        up, up_ends = _ordered(decided.up, -decided.values)
        down, down_ends = _ordered(decided.down, decided.values)
        unknown = np.isnan(matrix)
        unknown_js: list[int] = np.nonzero(unknown)[1].tolist()
        unknown_ends: list[int] = np.cumsum(unknown.sum(axis=1)).tolist()
        up_values = self._listed_values(X, matrix, decided.up, up, up_ends)
        down_values = self._listed_values(X, matrix, decided.down, down, down_ends)
        household, gaps = bool(tables.household), bool(tables.gaps)
        prompts, unknown_of = self._prompts, self._unknown_of
        up_start = down_start = unknown_start = 0
        for i, case_id in enumerate(ids):
            up_end, down_end, unknown_end = up_ends[i], down_ends[i], unknown_ends[i]
            yield (
                case_id,
                dates[i],
                (
                    prompts(0, case_id, up, up_values, up_start, up_end, tables)
                    if up_end > up_start
                    else ()
                ),
                (
                    prompts(1, case_id, down, down_values, down_start, down_end, tables)
                    if down_end > down_start
                    else ()
                ),
                tables.case_gaps(case_id) if gaps else (),
                (
                    unknown_of(case_id, unknown_js[unknown_start:unknown_end], tables)
                    if unknown_end > unknown_start
                    else ()
                ),
                tables.case_household(case_id) if household else (),
            )
            up_start, down_start, unknown_start = up_end, down_end, unknown_end

    def _listed_values(
        self, X: pd.DataFrame, matrix: Float, mask: Bool, flat: list[int], ends: list[int]
    ) -> list[Any]:
        """Return the value of each listed factor as the wording needs it (level, or number)."""
        if not flat:
            return []
        rows = np.repeat(np.arange(len(matrix)), mask.sum(axis=1))
        values: list[Any] = matrix[rows, np.asarray(flat, dtype=np.intp)].tolist()
        levels = self._levels
        raw_columns: dict[int, list[Any]] = {}
        for k, j in enumerate(flat):
            level = levels[j]
            if level is not None:
                values[k] = level[int(values[k])]
            elif j in self._raw_needed:
                column = raw_columns.get(j)
                if column is None:
                    column = raw_columns[j] = X.iloc[:, j].tolist()
                values[k] = column[int(rows[k])]
        return values

    # ---- pieces of one review ----------------------------------------------

    def _prompts(
        self,
        kind: int,
        case_id: str,
        flat: list[int],
        values: list[Any],
        start: int,
        end: int,
        tables: _CaseTables,
    ) -> tuple[FactorPrompt, ...]:
        provenance = tables.provenance
        plain = self._plain_prompts
        out = []
        for k in range(start, end):
            j, value, first = flat[k], values[k], k == start
            rows = provenance.rows((case_id, self.factor_names[j])) if provenance else None
            if rows:
                out.append(self._prompt(kind, j, first, value, tables.records(rows)))
                continue
            key = (kind, j, first, value)
            prompt = plain.get(key)
            if prompt is None:
                if len(plain) >= _CACHE_MAX:
                    plain.clear()
                prompt = plain[key] = self._prompt(kind, j, first, value, ())
                guard_piece(prompt)
            out.append(prompt)
        return tuple(out)

    def _prompt(
        self, kind: int, j: int, first: bool, value: Any, records: tuple[Record, ...]
    ) -> FactorPrompt:
        latest = records[-1].date if records else None
        return FactorPrompt(
            prompt_id=self._prompt_ids[kind][j],
            factor=self.factor_names[j],
            label=self._labels[j],
            emphasis=_EMPHASIS[kind][0 if first else 1],
            observed=self._observed(j, value, len(records), latest),
            agency=self._agencies[j],
            records=records,
            question=self._questions[j],
        )

    def _observed(self, j: int, value: Any, n_records: int, latest: dt.date | None) -> str:
        key = (j, value, n_records, latest)
        cached = self._observed_cache.get(key)
        if cached is None:
            cached = observed_words(
                self._specs[j], value, n_records=n_records, latest=latest, unknown_reason=None
            )
            if len(self._observed_cache) >= _CACHE_MAX:
                self._observed_cache.clear()
            self._observed_cache[key] = cached
        return cached

    def _unknown_of(
        self, case_id: str, js: list[int], tables: _CaseTables
    ) -> tuple[UnknownFactor, ...]:
        unknown = tables.unknown
        if not unknown:  # every reason is the default one: the run is shared
            run = tuple(js)
            found = self._unknown_runs.get(run)
            if found is None:
                if len(self._unknown_runs) >= _CACHE_MAX:
                    self._unknown_runs.clear()
                found = self._unknown_runs[run] = tuple(
                    self._unknown_piece(j, _NOT_IN_RECORDS) for j in js
                )
            return found
        reasons = unknown.columns["reason"]
        out = []
        for j in js:
            rows = unknown.rows((case_id, self.factor_names[j]))
            out.append(self._unknown_piece(j, str(reasons[rows[0]]) if rows else _NOT_IN_RECORDS))
        return tuple(out)

    def _unknown_piece(self, j: int, reason: str) -> UnknownFactor:
        key = (j, reason)
        piece = self._unknown_pieces.get(key)
        if piece is None:
            if len(self._unknown_pieces) >= _CACHE_MAX:
                self._unknown_pieces.clear()
            piece = self._unknown_pieces[key] = UnknownFactor(
                factor=self.factor_names[j], label=self._labels[j], reason=reason
            )
            guard_piece(piece)
        return piece

    def _contact(
        self, agency: str, events: int, latest: dt.date | None, coverage: str
    ) -> AgencyContact:
        key = (agency, events, latest, coverage)
        contact = self._contacts.get(key)
        if contact is None:
            if len(self._contacts) >= _CACHE_MAX:
                self._contacts.clear()
            contact = self._contacts[key] = AgencyContact(
                agency=agency, events=events, latest=latest, coverage=coverage
            )
            guard_piece(contact)
        return contact


class _CaseTables:
    """The context's per-case tables of a batch, read once, with their rows by case."""

    def __init__(self, builder: ReviewBuilder, context: CaseContext) -> None:
        self.builder = builder
        self.context = context
        self.gaps = Groups(
            context.gaps,
            ["case_id"],
            ["kind", "agency", "person_id", "relationship", "start_date", "end_date", "reason"],
        )
        self.household = Groups(
            context.household,
            ["case_id"],
            ["person_id", "relationship", "age", "adult_or_child", "member_since"],
        )
        self._agency: dict[Any, str] = {}
        self._relationship: dict[Any, str] = {}
        self._day: dict[Any, dt.date | None] = {}
        self._event_words: dict[Any, str] = {}

    # read only when a review needs them: a case with nothing listed or unknown
    # does not pay for its provenance or reasons
    @functools.cached_property
    def provenance(self) -> Groups:
        """Return the records behind each factor value, by case and factor."""
        return Groups(
            self.context.provenance,
            ["case_id", "factor"],
            ["person_id", "relationship", "agency", "event_type", "date", "event_id"],
        )

    @functools.cached_property
    def unknown(self) -> Groups:
        """Return why each unknown factor value is unknown, by case and factor."""
        return Groups(self.context.unknown, ["case_id", "factor"], ["reason"])

    @functools.cached_property
    def contact(self) -> Groups:
        """Return each household member's recent agency contact, by case and person."""
        return Groups(
            self.context.household_events,
            ["case_id", "person_id"],
            ["agency", "events", "latest", "coverage"],
        )

    def agency(self, name: Any) -> str:
        """Return an agency's plain-language name."""
        found = self._agency.get(name)
        if found is None:
            found = self._agency[name] = self.builder._source_labels.get(name, str(name))
        return found

    def relationship(self, relationship: Any) -> str:
        """Return a relationship in words."""
        try:
            return self._relationship[relationship]
        except KeyError:
            found = self._relationship[relationship] = relationship_words(relationship)
            return found
        except TypeError:
            return relationship_words(relationship)

    def event_words(self, event_type: Any) -> str:
        """Return a record's event type in words (``domestic_abuse`` as ``domestic abuse``)."""
        found = self._event_words.get(event_type)
        if found is None:
            found = self._event_words[event_type] = str(event_type).replace("_", " ")
        return found

    def day(self, value: Any) -> dt.date | None:
        """Return a timestamp as a date (``None`` when missing)."""
        try:
            return self._day[value]
        except KeyError:
            found = self._day[value] = as_date(value)
            return found
        except TypeError:
            return as_date(value)

    def records(self, rows: list[int]) -> tuple[Record, ...]:
        """Return the records of provenance ``rows``, by date then record id."""
        cols = self.provenance.columns
        person, relationship, agency = cols["person_id"], cols["relationship"], cols["agency"]
        event_type, date, event_id = cols["event_type"], cols["date"], cols["event_id"]
        records = [
            Record(
                person_id=str(person[r]),
                relationship=self.relationship(relationship[r]),
                agency=self.agency(agency[r]),
                event_type=self.event_words(event_type[r]),
                date=self.day(date[r]),  # type: ignore[arg-type]  # provenance has dates
                event_id=event_id[r] if isinstance(event_id[r], str) else None,
            )
            for r in rows
        ]
        records.sort(key=lambda rec: (rec.date, rec.event_id or ""))
        return tuple(records)

    def case_gaps(self, case_id: str) -> tuple[DataGap, ...]:
        """Return the data gaps of one case, each with its question."""
        cols = self.gaps.columns
        out = []
        for i, r in enumerate(self.gaps.rows(case_id)):
            agency_name = cols["agency"][r]
            agency = self.agency(agency_name) if isinstance(agency_name, str) else None
            person_id = cols["person_id"][r] if isinstance(cols["person_id"][r], str) else None
            relationship = (
                self.relationship(cols["relationship"][r]) if person_id is not None else None
            )
            person = None if person_id is None else f"{relationship} {person_id}"
            start, end = self.day(cols["start_date"][r]), self.day(cols["end_date"][r])
            reason = cols["reason"][r]
            kind = str(cols["kind"][r])
            out.append(
                DataGap(
                    prompt_id=f"gap:{i}",
                    kind=kind,
                    agency=agency,
                    person_id=person_id,
                    relationship=relationship,
                    start_date=start,
                    end_date=end,
                    description=gap_description(
                        kind,
                        agency,
                        person,
                        start,
                        end,
                        str(reason) if isinstance(reason, str) else kind.replace("_", " "),
                    ),
                    question=gap_question(agency, person),
                )
            )
        return tuple(out)

    def case_household(self, case_id: str) -> tuple[HouseholdMember, ...]:
        """Return each member of one case's household, with their recent agency contact."""
        cols, ccols = self.household.columns, self.contact.columns
        contact = self.contact
        members = []
        for r in self.household.rows(case_id):
            person_id = str(cols["person_id"][r])
            contacts = []
            for c in contact.rows((case_id, person_id)):
                events = int(ccols["events"][c])
                coverage = str(ccols["coverage"][c])
                if events == 0 and coverage not in _CONTACT_SHOWN:
                    continue
                contacts.append(
                    self.builder._contact(
                        self.agency(ccols["agency"][c]),
                        events,
                        self.day(ccols["latest"][c]),
                        coverage_words(coverage),
                    )
                )
            age = cols["age"][r]
            group = cols["adult_or_child"][r]
            members.append(
                HouseholdMember(
                    person_id=person_id,
                    relationship=self.relationship(cols["relationship"][r]),
                    age_years=None if pd.isna(age) else int(age),
                    adult_or_child=group if isinstance(group, str) else "unknown",
                    member_since=self.day(cols["member_since"][r]),
                    recent_contact=tuple(contacts),
                )
            )
        return tuple(members)
