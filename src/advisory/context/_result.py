"""The result of building case context."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from advisory._errors import InputError

__all__ = ["CaseContext"]


@dataclass(frozen=True, kw_only=True)
class CaseContext:
    """Point-in-time context of cases, with provenance and data gaps.

    Every table has a ``case_id`` column (``factors`` is indexed by it). Only
    records dated strictly before a case's reference date are used.

    Attributes
    ----------
    cases : pandas.DataFrame
        ``case_id``, ``person_id`` (the child), ``reference_date`` and
        ``household_id`` (the child's household on that date, or missing).
    factors : pandas.DataFrame
        One row per case, one column per factor of the specification. Numeric
        factors are floats; categorical factors are pandas categoricals. A
        value is missing (NaN) exactly when it is **unknown**, never 0: see
        ``unknown`` for why.
    unknown : pandas.DataFrame
        ``case_id``, ``factor`` and ``reason`` for every unknown factor value:
        which agency's records of whom were not available, when, and why.
    provenance : pandas.DataFrame
        The records behind every factor value: ``case_id``, ``factor``,
        ``person_id``, ``relationship`` (to the child), ``agency``,
        ``event_id``, ``event_type`` and ``date``.
    household : pandas.DataFrame
        Every person in the child's household on the reference date, one row
        each: ``relationship``, ``age`` (whole years), ``adult_or_child`` and
        ``member_since``. Nothing is aggregated across members.
    household_events : pandas.DataFrame
        Each member's own recent records, one row per member and agency:
        ``events`` in the look-back window, the ``latest`` one, and whether
        the agency's ``coverage`` of the member was complete (``available``)
        or what it lacked.
    gaps : pandas.DataFrame
        What the data could not see, per case: ``kind`` (``unavailable``,
        ``unmatched``, ``no_coverage``, ``stale``, ``no_household``,
        ``no_relationship``, ``unknown_age``), ``agency``, ``person_id``,
        ``relationship``, ``start_date``, ``end_date`` and ``reason``.
    records : pandas.DataFrame
        Each household member's own shared records, newest first:
        ``person_id``, ``agency``, ``event_type``, ``event_id`` and ``date``;
        every record in the window of the widest factor, and the catalogue's
        key history (earlier referrals, plans, ...) at any earlier date.
    connected : pandas.DataFrame
        People related to the child who do not live in the household on the
        reference date (a parent living elsewhere): ``person_id``,
        ``relationship``, ``sex``, ``age`` and ``left_on`` (when they left the
        child's household, where recorded).
    to_confirm : pandas.DataFrame
        Agency records that may belong to a household member or connected
        person (links the linkage could not settle): ``person_id``,
        ``relationship``, ``agency``, ``agency_record_id``, ``described_as``
        and ``differences``; empty when the records carry no
        ``uncertain_links`` table.
    """

    cases: pd.DataFrame
    factors: pd.DataFrame
    unknown: pd.DataFrame
    provenance: pd.DataFrame
    household: pd.DataFrame
    household_events: pd.DataFrame
    gaps: pd.DataFrame
    records: pd.DataFrame
    connected: pd.DataFrame
    to_confirm: pd.DataFrame

    def case(self, case_id: str) -> CaseContext:
        """Return the context of one case, as a :class:`CaseContext` of one row.

        Parameters
        ----------
        case_id : str
            The case.

        Returns
        -------
        CaseContext
            Every table restricted to that case.

        Raises
        ------
        advisory.InputError
            If ``case_id`` is not among the cases.
        """
        if case_id not in set(self.cases["case_id"]):
            raise InputError(
                f"Case {case_id!r} is not in this context; it holds {len(self.cases):,} cases."
            )
        return CaseContext(
            **{
                f.name: (
                    getattr(self, f.name).loc[[case_id]]
                    if f.name == "factors"
                    else _rows(getattr(self, f.name), case_id)
                )
                for f in fields(self)
            }
        )

    def summary(self) -> str:
        """Describe the context in a few plain lines: cases, unknowns and gaps.

        Returns
        -------
        str
            One line per figure.

        Examples
        --------
        >>> from advisory.context import build_context
        >>> from advisory.datasets import make_multiagency
        >>> from advisory.definitions import load_definitions, reference_root
        >>> context = build_context(
        ...     make_multiagency(n_cases=100, seed=0), load_definitions(reference_root())
        ... )
        >>> print(context.summary().splitlines()[0])
        Context of 100 cases with 24 factors
        """
        n_cases, n_factors = self.factors.shape
        unknown_share = float(self.factors.isna().to_numpy().mean()) if n_cases else 0.0
        lines = [
            f"Context of {n_cases:,} cases with {n_factors} factors",
            f"  household members: {len(self.household):,} "
            f"({len(self.household) / max(n_cases, 1):.1f} per case)",
            f"  factor values unknown because a source did not cover them: {unknown_share:.1%}",
            f"  provenance records: {len(self.provenance):,}",
        ]
        counts = self.gaps.groupby("kind")["case_id"].nunique().sort_index()
        lines += [f"  cases with a gap of kind {k!r}: {v:,}" for k, v in counts.items()]
        return "\n".join(lines)


def _rows(table: pd.DataFrame, case_id: str) -> pd.DataFrame:
    return table[table["case_id"] == case_id].reset_index(drop=True)
