"""Turn explanations of cases into reviews: the only place attributions are read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._errors import DefinitionError, InputError, ParameterError
from advisory.definitions import Definitions
from advisory.prompts._guard import check_language, check_question
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

_CHUNK: Final = 5_000
_SMALL: Final = 5_000
_FAMILY_WORDS: Final = {
    "ScorecardClassifier": "a scorecard (penalised logistic model over binned factors)",
    "AdditiveBoostingClassifier": "an additive boosting model (boosted single-factor trees)",
    "ShallowTreeClassifier": "a shallow decision tree",
}
_STANDS_OUT: Final = ("stands out most", "also stands out")
_PULLS_BACK: Final = ("pulls the other way most", "also pulls the other way")
_CONTACT_SHOWN: Final = frozenset({"unavailable", "unmatched"})


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return pd.Timestamp(value).date()


class _Groups:
    """Row positions of a context table by key, with its columns as Python lists."""

    def __init__(self, table: pd.DataFrame, keys: list[str], columns: Sequence[str]) -> None:
        self.columns: dict[str, list[Any]] = {c: table[c].tolist() for c in columns}
        self.index: dict[Any, Any] = {}
        if len(table) > _SMALL:
            self.index = table.groupby(keys, sort=False).indices
        elif len(table):
            key_columns = [table[k].tolist() for k in keys]
            found: dict[Any, list[int]] = {}
            keyed = zip(*key_columns, strict=True) if len(keys) > 1 else key_columns[0]
            for i, key in enumerate(keyed):
                found.setdefault(key, []).append(i)
            self.index = found

    def rows(self, key: Any) -> list[int]:
        found = self.index.get(key)
        if found is None:
            return []
        return found if isinstance(found, list) else found.tolist()


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
        self._counts = np.array([f.kind in ("events", "household_change") for f in self._specs])
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

    def reviews(self, context: CaseContext) -> list[Review]:
        """Build the review of every case in ``context``, in its order.

        Parameters
        ----------
        context : advisory.context.CaseContext
            Context of the cases (from :func:`advisory.context.build_context`
            or :meth:`advisory.context.RecordIndex.context`).

        Returns
        -------
        list of Review
        """
        factors = context.factors
        missing = [n for n in self.factor_names if n not in factors.columns]
        if missing:
            raise InputError(
                f"The context has no factor column {missing[0]!r}; it was built with a "
                "different model specification than the model's. Build it with the same "
                "definitions."
            )
        names = list(self.factor_names)
        X = factors if list(factors.columns) == names else factors[names]
        ids = [str(c) for c in X.index]
        reference_of = dict(
            zip(
                context.cases["case_id"].tolist(),
                context.cases["reference_date"].tolist(),
                strict=True,
            )
        )
        dates = [_date(reference_of.get(c)) for c in ids]
        if None in dates:
            bad = [c for c, d in zip(ids, dates, strict=True) if d is None][:5]
            raise InputError(
                f"Cases {bad} have no reference date in the context's 'cases' table; a "
                "review is always as of a date. Add the reference date."
            )
        provenance = _Groups(
            context.provenance,
            ["case_id", "factor"],
            ["person_id", "relationship", "agency", "event_type", "date", "event_id"],
        )
        unknown = _Groups(context.unknown, ["case_id", "factor"], ["reason"])
        gaps = _Groups(
            context.gaps,
            ["case_id"],
            ["kind", "agency", "person_id", "relationship", "start_date", "end_date", "reason"],
        )
        household = _Groups(
            context.household,
            ["case_id"],
            ["person_id", "relationship", "age", "adult_or_child", "member_since"],
        )
        contact = _Groups(
            context.household_events,
            ["case_id", "person_id"],
            ["agency", "events", "latest", "coverage"],
        )
        out: list[Review] = []
        for start in range(0, len(X), _CHUNK):
            chunk = X.iloc[start : start + _CHUNK]
            explanation = self.explainer.explain(chunk)
            values = explanation.values
            reliable = explanation.reliable
            raw = chunk.to_numpy(dtype=object)
            for row in range(len(chunk)):
                i = start + row
                case_id = ids[i]
                ref = dates[i]
                assert ref is not None
                v, ok = values[row], reliable[row]
                listable = self._listable(raw[row])
                up = np.flatnonzero(ok & (v > 0) & listable)
                down = np.flatnonzero(ok & (v < 0) & listable)
                up = up[np.argsort(-v[up], kind="stable")]
                down = down[np.argsort(v[down], kind="stable")]
                out.append(
                    Review(
                        case_id=case_id,
                        reference_date=ref,
                        stands_out=self._prompts(
                            case_id, up, raw[row], "stands_out", _STANDS_OUT, provenance, unknown
                        ),
                        strengths=self._prompts(
                            case_id, down, raw[row], "strength", _PULLS_BACK, provenance, unknown
                        ),
                        gaps=self._gaps(case_id, gaps),
                        unknown=self._unknown(case_id, raw[row], unknown),
                        reminder=self.reminder,
                        not_captured=self.not_captured,
                        household=self._household(case_id, household, contact),
                        model_version=self.model_version,
                        explanation_method=self.explanation_method,
                        data_snapshot_date=self.data_snapshot_date,
                    )
                )
        return out

    def _listable(self, raw: np.ndarray) -> np.ndarray:
        """Which factors of one case may be listed, standing out or pulling back.

        Only what was recorded: an unknown value is never listed (the case's gaps
        say what the data could not see, and the model's reaction to a missing
        source is not a circumstance of the family), and neither is a count of
        zero - the absence of a record is neither a concern that stands out nor
        a strength, and the catalogue's questions presume something was recorded.
        """
        known = np.array([not pd.isna(x) for x in raw])
        recorded = known.copy()
        counts = known & self._counts
        recorded[counts] = np.array([float(x) > 0 for x in raw[counts]], dtype=bool)
        return recorded

    def _observed(
        self,
        j: int,
        value: Any,
        n_records: int,
        latest: dt.date | None,
        reason: str | None,
    ) -> str:
        known = None if pd.isna(value) else value
        key: tuple[Any, ...] = (j, known, reason, n_records, latest)
        cached = self._observed_cache.get(key)
        if cached is None:
            cached = observed_words(
                self._specs[j], known, n_records=n_records, latest=latest, unknown_reason=reason
            )
            if len(self._observed_cache) > 100_000:
                self._observed_cache.clear()
            self._observed_cache[key] = cached
        return cached

    def _prompts(
        self,
        case_id: str,
        order: npt.NDArray[np.intp],
        raw: npt.NDArray[np.object_],
        kind: str,
        words: tuple[str, str],
        provenance: _Groups,
        unknown: _Groups,
    ) -> tuple[FactorPrompt, ...]:
        prompts = []
        cols = provenance.columns
        for position, j in enumerate(order.tolist()):
            name = self.factor_names[j]
            rows = provenance.rows((case_id, name))
            records = tuple(
                sorted(
                    (
                        Record(
                            person_id=str(cols["person_id"][r]),
                            relationship=relationship_words(cols["relationship"][r]),
                            agency=self._source_labels.get(
                                cols["agency"][r], str(cols["agency"][r])
                            ),
                            event_type=str(cols["event_type"][r]).replace("_", " "),
                            date=pd.Timestamp(cols["date"][r]).date(),
                            event_id=(
                                cols["event_id"][r]
                                if isinstance(cols["event_id"][r], str)
                                else None
                            ),
                        )
                        for r in rows
                    ),
                    key=lambda rec: (rec.date, rec.event_id or ""),
                )
            )
            reason_rows = unknown.rows((case_id, name))
            reason = str(unknown.columns["reason"][reason_rows[0]]) if reason_rows else None
            latest = records[-1].date if records else None
            prompts.append(
                FactorPrompt(
                    prompt_id=f"{kind}:{name}",
                    factor=name,
                    label=self._labels[j],
                    emphasis=words[0] if position == 0 else words[1],
                    observed=self._observed(j, raw[j], len(records), latest, reason),
                    agency=self._agencies[j],
                    records=records,
                    question=self._questions[j],
                )
            )
        return tuple(prompts)

    def _unknown(
        self, case_id: str, raw: npt.NDArray[np.object_], unknown: _Groups
    ) -> tuple[UnknownFactor, ...]:
        out = []
        for j, value in enumerate(raw.tolist()):
            if not pd.isna(value):
                continue
            name = self.factor_names[j]
            rows = unknown.rows((case_id, name))
            reason = (
                str(unknown.columns["reason"][rows[0]]) if rows else "not in the records supplied"
            )
            out.append(UnknownFactor(factor=name, label=self._labels[j], reason=reason))
        return tuple(out)

    def _gaps(self, case_id: str, gaps: _Groups) -> tuple[DataGap, ...]:
        cols = gaps.columns
        out = []
        for i, r in enumerate(gaps.rows(case_id)):
            agency_name = cols["agency"][r]
            agency = (
                self._source_labels.get(agency_name, str(agency_name))
                if isinstance(agency_name, str)
                else None
            )
            person_id = cols["person_id"][r] if isinstance(cols["person_id"][r], str) else None
            relationship = (
                relationship_words(cols["relationship"][r]) if person_id is not None else None
            )
            person = None if person_id is None else f"{relationship} {person_id}"
            start, end = _date(cols["start_date"][r]), _date(cols["end_date"][r])
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

    def _household(
        self, case_id: str, household: _Groups, contact: _Groups
    ) -> tuple[HouseholdMember, ...]:
        cols, ccols = household.columns, contact.columns
        members = []
        for r in household.rows(case_id):
            person_id = str(cols["person_id"][r])
            contacts = []
            for c in contact.rows((case_id, person_id)):
                events = int(ccols["events"][c])
                coverage = str(ccols["coverage"][c])
                if events == 0 and coverage not in _CONTACT_SHOWN:
                    continue
                contacts.append(
                    AgencyContact(
                        agency=self._source_labels.get(ccols["agency"][c], str(ccols["agency"][c])),
                        events=events,
                        latest=_date(ccols["latest"][c]),
                        coverage=coverage_words(coverage),
                    )
                )
            age = cols["age"][r]
            group = cols["adult_or_child"][r]
            members.append(
                HouseholdMember(
                    person_id=person_id,
                    relationship=relationship_words(cols["relationship"][r]),
                    age_years=None if pd.isna(age) else int(age),
                    adult_or_child=group if isinstance(group, str) else "unknown",
                    member_since=_date(cols["member_since"][r]),
                    recent_contact=tuple(contacts),
                )
            )
        return tuple(members)
