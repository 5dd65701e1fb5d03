"""The Advisor: one object from reviewed definitions to review prompts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import importlib.metadata
import logging
import os
import secrets
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from advisory._checks import MIN_TRAINING_CASES, MIN_TRAINING_OUTCOMES, check_ids
from advisory._dates import check_date_format, parse_date, parse_dates
from advisory._errors import InputError, ParameterError, SmallDataWarning
from advisory._result import DEFAULT_CONFIDENCE
from advisory.definitions import Definitions, load_definitions
from advisory.definitions._definitions import check_definitions

if TYPE_CHECKING:
    from advisory.context import CaseContext, RecordIndex
    from advisory.explain import Explainer
    from advisory.prompts import Review, ReviewBuilder

__all__ = ["Advisor", "load_advisor"]

_DEFAULT_PARAMS: dict[str, Any] = {"n_resamples": 30, "random_state": 0}


_logger = logging.getLogger(__name__)


def _training_data(y: Any) -> dict[str, Any]:
    values = np.asarray(y)
    with_outcome = int(np.count_nonzero(values == 1))
    without = len(values) - with_outcome
    return {
        "cases": len(values),
        "with_outcome": with_outcome,
        "without_outcome": without,
        "minimum_cases": MIN_TRAINING_CASES,
        "minimum_each_outcome": MIN_TRAINING_OUTCOMES,
        "below_minimum": bool(
            len(values) < MIN_TRAINING_CASES or min(with_outcome, without) < MIN_TRAINING_OUTCOMES
        ),
    }


def _model_class(family: str) -> Any:
    from advisory.models import (
        AdditiveBoostingClassifier,
        ScorecardClassifier,
        ShallowTreeClassifier,
    )

    return {
        "scorecard": ScorecardClassifier,
        "additive_boosting": AdditiveBoostingClassifier,
        "tree": ShallowTreeClassifier,
    }[family]


def _snapshot_date(data: object, context: CaseContext, date_format: str | None = None) -> dt.date:
    """Return the records' snapshot date, the same whichever cases are asked for.

    A :class:`~advisory.context.RecordIndex` knows it; raw records give their
    ``snapshot_date`` or else the latest reference date of all their cases; a
    prepared context only knows its own cases.
    """
    from advisory.context import RecordIndex

    if isinstance(data, RecordIndex):
        return data.snapshot_date
    where = "The records' 'snapshot_date' (their extract date)"
    value = data.get("snapshot_date") if isinstance(data, Mapping) else None
    value = getattr(data, "snapshot_date", value)
    if value is not None and not (np.ndim(value) == 0 and pd.isna(value)):
        return parse_date(value, where=where, date_format=date_format).date()
    cases = data.get("cases") if isinstance(data, Mapping) else getattr(data, "cases", None)
    if not isinstance(cases, pd.DataFrame) or "reference_date" not in cases.columns:
        cases = context.cases
    where = "The 'cases' table's 'reference_date' column"
    dates = parse_dates(cases["reference_date"], where=where, date_format=date_format)
    return pd.Timestamp(dates.max()).date()


class Advisor:
    """Fit a transparent model from reviewed definitions and review cases with it.

    A thin facade over :mod:`advisory.context` (records to case factors),
    :mod:`advisory.models` (the specification's model family),
    :mod:`advisory.explain` (exact SHAP values with stability) and
    :mod:`advisory.prompts` (reviews). Practitioners get :meth:`review`,
    which never carries a score; data scientists also get :meth:`explain`
    and :meth:`decision_function` for validation.

    Parameters
    ----------
    definitions : advisory.definitions.Definitions
        The model specification, factor catalogue and audit policy.
    model_params : mapping, optional
        Parameters of the model family's estimator, added to the monotone
        constraints of the specification (default ``n_resamples=30,
        random_state=0``; reviews need ``n_resamples >= 2``).
    confidence : float, default=0.9
        Level of the stability intervals that decide which factors are listed.
    lookback_days, stale_after_days : int
        Passed to :func:`advisory.context.index_records`.
    date_format : str, optional
        The strftime format of dates written as text in the records, such
        as ``"%d/%m/%Y"``; by default text dates must be ISO 8601. Dates are
        never guessed (:func:`advisory.context.check_records`).

    Raises
    ------
    advisory.DefinitionError
        If the catalogue has no entry for a factor of the specification.

    Examples
    --------
    >>> from advisory import Advisor
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import reference_root
    >>> data = make_multiagency(n_cases=400, seed=1)
    >>> advisor = Advisor.from_definitions(reference_root(), model_params={"n_resamples": 4})
    >>> advisor = advisor.fit(data)
    >>> review = advisor.review(data, case_ids=["C0000010"])[0]
    >>> review.case_id, review.statement.startswith("Not a decision"), len(review.questions)
    ('C0000010', True, 3)
    """

    def __init__(
        self,
        definitions: Definitions,
        *,
        model_params: Mapping[str, Any] | None = None,
        confidence: float = DEFAULT_CONFIDENCE,
        lookback_days: int = 365,
        stale_after_days: int = 90,
        date_format: str | None = None,
    ) -> None:
        if not isinstance(definitions, Definitions):
            raise ParameterError(
                "definitions",
                "Advisor",
                "an advisory.definitions.Definitions (use Advisor.from_definitions(path))",
                type(definitions).__name__,
            )
        check_definitions(definitions)
        if model_params is not None and not isinstance(model_params, Mapping):
            raise ParameterError("model_params", "Advisor", "a mapping or None", model_params)
        self.definitions = definitions
        self.model_params = {**_DEFAULT_PARAMS, **dict(model_params or {})}
        self.confidence = confidence
        self.lookback_days = lookback_days
        self.stale_after_days = stale_after_days
        self.date_format = check_date_format(date_format, "Advisor")

    @classmethod
    def from_definitions(
        cls, root: str | os.PathLike[str] = ".", model: str | None = None, **kwargs: Any
    ) -> Advisor:
        """Build an advisor from the definitions folder ``root``.

        Parameters
        ----------
        root : str or os.PathLike, default "."
            The folder holding ``models/``, ``explain/`` and ``fairness/``:
            ``"."`` from the repository root, or
            :func:`advisory.definitions.reference_root` for the reference
            definitions shipped with the package, or a host system's own.
        model : str, optional
            Which specification in ``models/`` (needed when there are several).
        **kwargs
            Passed to :class:`Advisor`.

        Returns
        -------
        Advisor
            Not fitted yet.
        """
        return cls(load_definitions(root, model=model), **kwargs)

    def __repr__(self) -> str:
        spec = self.definitions.spec
        state = "fitted" if hasattr(self, "model_") else "not fitted"
        return f"Advisor({spec.name!r}, family={spec.family!r}, {state})"

    # ---- fitting -----------------------------------------------------------

    def index(self, data: object) -> RecordIndex:
        """Check and index records once, for many calls of :meth:`review`.

        A host that reviews cases one at a time from a large set of records
        builds the index once and passes it to ``review`` instead of the records.

        Parameters
        ----------
        data : records
            The tables of :data:`advisory.context.SCHEMA`.

        Returns
        -------
        advisory.context.RecordIndex
            The records checked and indexed for this advisor's specification.
        """
        from advisory.context import index_records

        return index_records(
            data,
            self.definitions,
            lookback_days=self.lookback_days,
            stale_after_days=self.stale_after_days,
            date_format=self._date_format,
        )

    def _context(self, data: object, case_ids: Iterable[str] | None) -> CaseContext:
        from advisory.context import CaseContext, RecordIndex

        if isinstance(data, RecordIndex):
            if data.definitions.spec != self.definitions.spec:
                raise InputError(
                    "The record index was built with another model specification "
                    f"({data.definitions.spec.name!r}); build it with advisor.index(records)."
                )
            return data.context(case_ids)
        if case_ids is not None:
            case_ids = check_ids(case_ids, "case_ids", "Advisor")
        if isinstance(data, CaseContext):
            if case_ids is None:
                return data
            wanted = list(case_ids)
            unknown = [c for c in wanted if c not in set(data.cases["case_id"])]
            if unknown:
                raise InputError(
                    f"Unknown case ids {unknown[:5]}: they are not in this case context."
                )
            if len(wanted) == 1:
                return data.case(wanted[0])
            return _select_cases(data, wanted)
        return self.index(data).context(case_ids)

    def fit(self, data: object, case_ids: Iterable[str] | None = None) -> Self:
        """Build the case context of ``data`` and fit the specification's model family.

        Parameters
        ----------
        data : records
            The tables of :data:`advisory.context.SCHEMA` (for example from
            :func:`advisory.datasets.make_multiagency`); the ``cases`` table
            needs the specification's outcome column.
        case_ids : iterable of str, optional
            Fit on these cases only (default: every case), e.g. earlier
            cases, keeping later ones for :meth:`audit`.

        Returns
        -------
        self
            The fitted advisor.
        """
        from advisory.explain import Explainer

        spec = self.definitions.spec
        context = self._context(data, case_ids)
        y = self._outcome(data, context)
        model = _model_class(spec.family).from_spec(spec, **self.model_params)
        self.training_data_ = _training_data(y)
        if self.training_data_["below_minimum"]:
            warnings.warn(
                f"Training on {self.training_data_['cases']:,} cases, "
                f"{self.training_data_['with_outcome']:,} with the outcome and "
                f"{self.training_data_['without_outcome']:,} without: below the stated minimum of "
                f"{MIN_TRAINING_CASES} cases and {MIN_TRAINING_OUTCOMES} of each outcome value. "
                "The model, its explanations and their intervals will be unstable; the bundle's "
                "manifest records this (training_data).",
                SmallDataWarning,
                stacklevel=2,
            )
        _logger.info("fitting the %s model on %d cases", spec.family, len(context.factors))
        model.fit(context.factors, y)
        self.model_ = model
        self.explainer_: Explainer = Explainer(model, confidence=self.confidence)
        digest = hashlib.sha256()
        digest.update(pd.util.hash_pandas_object(context.factors, index=True).to_numpy().tobytes())
        digest.update(np.asarray(y, dtype=np.int64).tobytes())
        digest.update(repr(sorted(self.model_params.items())).encode())
        self.model_version_ = f"{spec.name} {spec.family} model, fit-{digest.hexdigest()[:12]}"
        self.n_cases_ = len(context.factors)
        # Which cases were fitted, for the audit's "used to fit" note: keyed
        # HMAC digests whose key lives only in this process (never saved).
        self._case_key = secrets.token_bytes(32)
        self.training_cases_ = frozenset(_case_hashes(context.factors.index, self._case_key))
        self.training_snapshot_ = _snapshot_date(data, context, self._date_format)
        self._builders: dict[dt.date, Any] = {}
        return self

    def _outcome(self, data: object, context: CaseContext) -> np.ndarray[Any, Any]:
        column = self.definitions.spec.outcome.column
        cases = data.get("cases") if isinstance(data, Mapping) else getattr(data, "cases", None)
        if not isinstance(cases, pd.DataFrame) or column not in cases.columns:
            raise InputError(
                f"Fitting needs the outcome column {column!r} in the records' 'cases' table "
                "(from the model specification's [outcome]); it is missing. Add it."
            )
        # ids are read as text everywhere (an integer id 7 is the case "7")
        outcome = cases.set_index(cases["case_id"].astype(str))[column]
        outcome = outcome.reindex(context.factors.index)
        if outcome.isna().any():
            bad = list(outcome.index[outcome.isna()][:5])
            raise InputError(
                f"The outcome column {column!r} is missing for cases {bad}; fitting needs a "
                "known outcome for every case. Drop those cases or fill in the outcome."
            )
        values = outcome.to_numpy()
        if outcome.dtype == object or not (
            pd.api.types.is_bool_dtype(outcome) or pd.api.types.is_numeric_dtype(outcome)
        ):
            text = outcome.astype(str).str.strip().str.lower()
            if text.isin(["0", "1", "true", "false"]).all():
                values = text.isin(["1", "true"]).to_numpy()
        found = sorted({str(v) for v in pd.unique(values)})
        if not set(found) <= {"0", "1", "0.0", "1.0", "True", "False"}:
            raise InputError(
                f"The outcome column {column!r} must hold 0/1 (or true/false) for each "
                f"case; found the values {found[:5]}. Code the outcome as 1 where it "
                "happened and 0 where it did not."
            )
        values = np.asarray(values).astype(np.int64)
        if len(np.unique(values)) < 2:
            raise InputError(
                f"The outcome column {column!r} holds only {int(values[0])} for the "
                f"{len(values)} cases fitted; a model needs cases with both outcomes (0 and 1)."
            )
        return values

    @property
    def _date_format(self) -> str | None:
        return getattr(self, "date_format", None)  # bundles saved before the parameter

    def _check_fitted(self, method: str) -> None:
        from advisory.models import NotFittedError

        if not hasattr(self, "model_"):
            raise NotFittedError(
                f"This Advisor is not fitted yet. Call 'fit' with records before '{method}'."
            )

    # ---- practitioners -----------------------------------------------------

    def review(self, data: object, case_ids: Iterable[str] | None = None) -> list[Review]:
        """Pre-visit briefs for cases (review schema v2) — never a score.

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            The records holding the cases, indexed records (:meth:`index`), or
            their prepared context. Records may carry a ``snapshot_date``
            (when they were extracted), shown in each review; without it, the
            latest reference date of all the records' cases is shown, whichever
            cases are reviewed.
        case_ids : iterable of str, optional
            Which cases, in the order wanted (default: every case).

        Returns
        -------
        list of advisory.prompts.Review
            One review per case, in the order asked for.

        Raises
        ------
        advisory.InputError
            If a case id is unknown or a case has no reference date. A case
            with unknown factors is reviewed, with the gaps stated.
        """
        self._check_fitted("review")
        context = self._context(data, case_ids)
        reviews: list[Review] = self._builder(data, context).reviews(context)
        return reviews

    def review_dicts(
        self,
        data: object,
        case_ids: Iterable[str] | None = None,
        *,
        pause_collector: bool = False,
    ) -> list[dict[str, Any]]:
        """Review prompts for many cases as plain JSON types, for a host system's batch.

        The same as ``[r.to_dict() for r in advisor.review(data, case_ids)]``,
        guarded the same way, without building objects
        (:meth:`advisory.prompts.ReviewBuilder.review_dicts`).

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            As for :meth:`review`.
        case_ids : iterable of str, optional
            Which cases, in the order wanted (default: every case).
        pause_collector : bool, default False
            Pause the cyclic garbage collector while a large batch is built
            (opt in; see :meth:`advisory.prompts.ReviewBuilder.review_dicts`).

        Returns
        -------
        list of dict
            One dict per case following ``review.schema.json``
            (:data:`advisory.prompts.SCHEMA_ID`).

        Raises
        ------
        advisory.InputError
            As for :meth:`review`.

        Examples
        --------
        >>> from advisory import Advisor
        >>> from advisory.datasets import make_multiagency
        >>> from advisory.definitions import reference_root
        >>> data = make_multiagency(n_cases=300, seed=0)
        >>> advisor = Advisor.from_definitions(
        ...     reference_root(), model_params={"n_resamples": 4}
        ... ).fit(data)
        >>> dicts = advisor.review_dicts(data, ["C0000010", "C0000011"])
        >>> [d["case_id"] for d in dicts]
        ['C0000010', 'C0000011']
        >>> sorted(dicts[0])[:4]
        ['about', 'case_id', 'chronology', 'chronology_more']
        """
        self._check_fitted("review_dicts")
        context = self._context(data, case_ids)
        return self._builder(data, context).review_dicts(context, pause_collector=pause_collector)

    def _builder(self, data: object, context: CaseContext) -> ReviewBuilder:
        """Return the review builder for the records' snapshot date (kept, one per date)."""
        from advisory.prompts import ReviewBuilder

        snapshot = _snapshot_date(data, context, self._date_format)
        builder = self._builders.get(snapshot)
        if builder is None:
            builder = ReviewBuilder(
                self.definitions,
                self.explainer_,
                model_version=self.model_version_,
                data_snapshot_date=snapshot,
            )
            self._builders[snapshot] = builder
        return builder

    # ---- data scientists ---------------------------------------------------

    def decision_function(self, data: object, case_ids: Iterable[str] | None = None) -> pd.Series:
        """Return the model margin (log-odds) per case: for validation, never for a practitioner.

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            As for :meth:`review`.
        case_ids : iterable of str, optional
            Which cases (default: every case).

        Returns
        -------
        pandas.Series
            Indexed by ``case_id``.
        """
        self._check_fitted("decision_function")
        factors = self._context(data, case_ids).factors
        return pd.Series(self.model_.decision_function(factors), index=factors.index, name="margin")

    def explain(self, data: object, case_ids: Iterable[str] | None = None) -> Any:
        """Exact SHAP values per factor as a ``shap.Explanation`` (needs the ``explain`` extra).

        ``base_values`` plus the row sums of ``values`` equal
        :meth:`decision_function` (log-odds). For data scientists; a review
        never carries these numbers.

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            As for :meth:`review`.
        case_ids : iterable of str, optional
            Which cases (default: every case).

        Returns
        -------
        shap.Explanation
            Features named with the catalogue's labels (:attr:`labels`), the
            stability intervals in ``lower_bounds`` and ``upper_bounds``.
        """
        self._check_fitted("explain")
        factors = self._context(data, case_ids).factors
        explanation = self.explainer_.explain(factors, check_additivity=True)
        return explanation.to_shap(labels=self.labels)

    @property
    def labels(self) -> dict[str, str]:
        """The catalogue's plain-language label of each factor, for plots.

        :meth:`explain` names the features of its ``shap.Explanation`` with
        these, so shap's plots read as the catalogue does.
        """
        return {entry.name: entry.label for entry in self.definitions.catalogue.entries}

    def validate(self, data: object, case_ids: Iterable[str] | None = None, **kwargs: Any) -> Any:
        """Refit this model family on earlier cases and compare it with baselines on later ones.

        A thin wrapper of :func:`advisory.models.validate` (temporal split by
        the cases' reference dates) with this advisor's model parameters.

        Parameters
        ----------
        data : records
            The record tables; ``cases`` needs the outcome column.
        case_ids : iterable of str, optional
            Which cases (default: every case).
        **kwargs
            Passed to :func:`advisory.models.validate` (e.g. ``n_boot``); the
            ``confidence`` is the audit policy's ``confidence_level`` unless given.

        Returns
        -------
        advisory.models.ValidationResult
            The model against the baselines, with intervals and verdicts.
        """
        self._check_fitted("validate")
        context = self._context(data, case_ids)
        return self._validate(context, self._outcome(data, context), **kwargs)

    def _validate(self, context: CaseContext, y: Any, **kwargs: Any) -> Any:
        from advisory.models import validate

        dates = context.cases.set_index("case_id")["reference_date"]
        dates = dates.reindex(context.factors.index)
        # an advisor's validation (and so its audit) uses its board's confidence level
        kwargs.setdefault("confidence", self.definitions.policy.confidence_level)
        model = type(self.model_)(**{**self.model_.get_params(), "n_resamples": 0})
        return validate(model, context.factors, y, dates=dates, **kwargs)

    def audit(
        self,
        data: object,
        case_ids: Iterable[str] | None = None,
        *,
        validation: Any = None,
        n_boot: int | None = None,
        random_state: int = 0,
    ) -> Any:
        """Audit the model's scores, explanations and reviews by group (needs ``fairness``).

        Runs the audit policy of the definitions on the cases of ``data``:
        group metrics with intervals (:func:`advisory.fairness.audit`), proxy
        detection, attribution and call-out parity, the model against simple
        baselines and the outcome-label card. Audit cases the model was not
        fitted on: when some were, the audit says so, because its figures
        on them are optimistic.

        Parameters
        ----------
        data : records
            The tables of :data:`advisory.context.SCHEMA` with the outcome
            column and the policy's sensitive attributes (in ``cases`` or the
            child's row of ``people``; ``age_band`` may be derived from the
            birth date).
        case_ids : iterable of str, optional
            The cases audited (default: every case).
        validation : advisory.models.ValidationResult, optional
            The model against baselines; by default computed on the audited
            cases with :func:`advisory.models.validate` (a temporal refit).
        n_boot : int, optional
            Bootstrap replicates instead of the policy's.
        random_state : int, default=0
            Seed of the bootstraps and cross-validation.

        Returns
        -------
        advisory.fairness.Audit
            With ``subject``, ``label``, ``validity``, ``proxies`` and
            ``parity`` set. Render it with :func:`advisory.reports.write_report`.
        """
        from advisory._checks import check_int
        from advisory._model_audit import audit_model

        self._check_fitted("audit")
        policy = self.definitions.policy
        if n_boot is not None:
            n_boot = check_int(n_boot, "n_boot", "Advisor.audit", minimum=20)
            policy = dataclasses.replace(policy, n_boot=n_boot)
        context = self._context(data, case_ids)
        factors = context.factors
        if factors.empty:
            raise InputError(
                "Advisor.audit was given no cases (case_ids is empty); an audit needs cases "
                "with outcomes, such as those after the training snapshot date."
            )
        y = self._outcome(data, context)
        attributions = self.explainer_.explain(factors).to_frame()
        asked = self._builder(data, context).asked(context)
        if validation is None:
            # validate needs at least 100 replicates for its intervals
            replicates = max(policy.n_boot, 100)
            validation = self._validate(context, y, n_boot=replicates, random_state=random_state)
        return audit_model(
            data,
            factors,
            y,
            self.model_.predict_proba(factors)[:, 1],
            definitions=self.definitions,
            policy=policy,
            model_version=self.model_version_,
            attributions=attributions,
            callouts=asked,
            validation=validation,
            training_share=self.training_share(factors.index),
            training_snapshot=self.training_snapshot_,
            reference_dates=context.cases.set_index("case_id")["reference_date"].reindex(
                factors.index
            ),
            date_format=self._date_format,
            random_state=random_state,
        )

    def training_share(self, case_ids: Iterable[object]) -> float | None:
        """Share of ``case_ids`` this advisor was fitted on, or None when it cannot be known.

        The advisor that was fitted keeps its training cases as HMAC-SHA256
        digests under a random key that exists only in this process; neither
        is saved in a bundle, so a loaded advisor answers None (no training
        case id leaves the process, not even hashed).

        Parameters
        ----------
        case_ids : iterable
            Case ids, e.g. those an audit is about to assess.

        Returns
        -------
        float or None
            Between 0 and 1 (0.0 for no case ids); None after loading a bundle.

        Examples
        --------
        >>> from advisory import Advisor
        >>> from advisory.datasets import make_multiagency
        >>> from advisory.definitions import reference_root
        >>> data = make_multiagency(n_cases=300, seed=0)
        >>> ids = list(data.cases["case_id"])
        >>> advisor = Advisor.from_definitions(
        ...     reference_root(), model_params={"n_resamples": 2}
        ... ).fit(data, case_ids=ids[:150])
        >>> advisor.training_share(ids[:150]), advisor.training_share(ids)
        (1.0, 0.5)
        """
        self._check_fitted("training_share")
        known = getattr(self, "training_cases_", None)
        key = getattr(self, "_case_key", None)
        ids = list(case_ids)
        if known is None or key is None:
            return None
        if not ids:
            return 0.0
        return sum(h in known for h in _case_hashes(ids, key)) / len(ids)

    def __getstate__(self) -> dict[str, Any]:
        """Return the state a bundle saves: everything but the caches and the training cases.

        The training cases' keyed digests and their key stay in this process.
        """
        state = dict(self.__dict__)
        for name in _UNSAVED:
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a saved state; the caches start empty and fill on demand."""
        self.__dict__.update(state)
        if "model_" in state:
            self._builders = {}

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save the fitted advisor as a model bundle, with skops (never pickle).

        The bundle folder holds ``advisor.skops`` and a ``manifest.json`` with
        the library version, checksums of the model file and the definitions,
        the training data's snapshot date and the factor schema. Load it with
        :meth:`Advisor.load` (the full model, for data scientists) or
        :func:`advisory.load` (a score-free reviewer, for host systems); both
        refuse altered files and unreviewed types.

        Parameters
        ----------
        path : str or os.PathLike
            The bundle folder.

        Returns
        -------
        pathlib.Path
            The bundle folder.
        """
        from advisory._bundle import definition_hashes, write_bundle

        self._check_fitted("save")
        spec = self.definitions.spec
        manifest = {
            "model_version": self.model_version_,
            "model_family": spec.family,
            "training_snapshot_date": self.training_snapshot_.isoformat(),
            "training_cases": self.n_cases_,
            "training_data": dict(getattr(self, "training_data_", {})),
            "saved_with": {
                name: importlib.metadata.version(name)
                for name in ("scikit-learn", "numpy", "scipy", "pandas", "skops")
            },
            "definitions_sha256": definition_hashes(self.definitions),
            "factors": [
                {"name": f.name, "kind": f.kind, "levels": list(f.levels)} for f in spec.factors
            ],
        }
        return write_bundle(self, path, manifest)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, trusted: Iterable[str] = ()) -> Advisor:
        """Open a bundle as the full model, for data scientists (margins, SHAP values, audits).

        Host systems use :func:`advisory.load` instead, which gives a
        score-free :class:`advisory.Reviewer`.

        Parameters
        ----------
        path : str or os.PathLike
            The bundle folder written by :meth:`save`.
        trusted : iterable of str, optional
            Extra types to trust, after reviewing them.

        Returns
        -------
        Advisor

        Raises
        ------
        advisory.BundleError, advisory.UntrustedTypesError
            If the bundle is altered, damaged, newer than this library, or
            would construct an unreviewed type.
        """
        return load_advisor(path, trusted=trusted)


#: Attributes never saved: the cache of renderers (rebuilt on demand), and the
#: training cases' keyed digests with their key (privacy).
_UNSAVED: tuple[str, ...] = ("_builders", "training_cases_", "_case_key")


def _case_hashes(case_ids: Iterable[object], key: bytes) -> list[bytes]:
    """HMAC-SHA256 of each case id under ``key`` (a random key held by this process only).

    With a public or fixed key, hashing every id of a known form recovers the
    training ids; with a secret random key that is never saved, the digests
    tell nothing to anyone without the key.
    """
    return [hmac.new(key, str(c).encode(), hashlib.sha256).digest() for c in case_ids]


def _select_cases(context: CaseContext, case_ids: list[str]) -> CaseContext:
    """Select several cases of a context, in the order given."""
    from dataclasses import fields

    from advisory.context import CaseContext

    parts = [context.case(c) for c in case_ids]
    return CaseContext(
        **{
            f.name: pd.concat([getattr(p, f.name) for p in parts], ignore_index=f.name != "factors")
            for f in fields(CaseContext)
        }
    )


def load_advisor(path: str | os.PathLike[str], *, trusted: Iterable[str] = ()) -> Advisor:
    """Load a bundle written by :meth:`Advisor.save`, checking it first.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    trusted : iterable of str, optional
        Extra types to trust beyond the library's reviewed list
        (``advisory._bundle.BUNDLE_TYPES``), after reviewing them.

    Returns
    -------
    Advisor
        The fitted advisor, ready to review cases.

    Raises
    ------
    advisory.BundleError
        If the path is not a bundle, its format is newer than this library
        reads, or ``advisor.skops`` does not match the manifest's checksum
        (the file was altered or damaged).
    advisory.UntrustedTypesError
        If the bundle would construct a type not on the reviewed list and not
        in ``trusted``. Nothing is constructed in that case.

    Examples
    --------
    >>> Advisor.load("no/such/folder")
    Traceback (most recent call last):
    ...
    advisory._bundle.BundleError: no/such/folder is not a model bundle: ...
    """
    from advisory._bundle import BundleError, definition_hashes, read_bundle

    advisor, manifest = read_bundle(path, trusted=trusted)
    model_file = Path(path) / str(manifest.get("model_file"))
    if not isinstance(advisor, Advisor):
        raise BundleError(f"{model_file} holds a {type(advisor).__name__}, not an Advisor.")
    if definition_hashes(advisor.definitions) != manifest.get("definitions_sha256"):
        raise BundleError(
            f"The definitions inside {model_file} do not match the manifest's hashes; the "
            "bundle is inconsistent. Save it again from its source."
        )
    _cross_check(advisor, manifest, model_file)
    return advisor


def _cross_check(advisor: Advisor, manifest: dict[str, Any], model_file: Path) -> None:
    """Validate the loaded definitions again and check the manifest against the model."""
    from advisory._bundle import BundleError, short
    from advisory._errors import DefinitionError
    from advisory.definitions._catalogue import check_wording

    definitions = advisor.definitions
    try:
        check_wording(definitions.catalogue, source=f"{model_file} (catalogue)")
        check_definitions(definitions, spec_source=f"{model_file} (model specification)")
    except DefinitionError as exc:
        raise BundleError(
            f"The definitions inside {model_file} fail validation: {exc}. Do not load it."
        ) from None
    spec = definitions.spec
    found = {
        "model_family": spec.family,
        "model_version": getattr(advisor, "model_version_", None),
        "training_snapshot_date": advisor.training_snapshot_.isoformat(),
        "factors": [
            {"name": f.name, "kind": f.kind, "levels": list(f.levels)} for f in spec.factors
        ],
    }
    for key, value in found.items():
        if manifest.get(key) != value:
            raise BundleError(
                f"The manifest's {key} {short(manifest.get(key))} does not match the model "
                f"in {model_file} ({short(value)}); the bundle is inconsistent or was edited. "
                "Do not load it."
            )
    names = list(getattr(advisor.model_, "feature_names_in_", [f.name for f in spec.factors]))
    if names != [f.name for f in spec.factors]:
        raise BundleError(
            f"The model in {model_file} was fitted on the factors {short(names)}, not those "
            "of its specification; the bundle is inconsistent. Do not load it."
        )
