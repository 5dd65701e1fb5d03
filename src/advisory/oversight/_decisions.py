"""Practitioners' answers to "records to confirm", from the trail, as link decisions.

A review asks about each uncertain link with a prompt ``confirm:<agency record
id>``. The trail records the practitioner's response to it: ``agree`` (the
record is the person's) becomes a confirmed link, ``disagree`` a rejected
one, and ``not_relevant`` no decision. The next linkage run reads them
(:func:`advisory.linkage.link_extracts` ``decisions=``, or ``advisory link
--decisions``): a confirmed record is merged with the person, a rejected one
never is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from advisory._checks import check_table
from advisory._errors import InputError
from advisory.linkage import LinkDecisions
from advisory.oversight._store import _date

if TYPE_CHECKING:
    from advisory.oversight._store import Store

__all__ = ["CONFIRM_PREFIX", "link_decisions"]

#: The prompt id of a record to confirm is this prefix and the agency's record id.
CONFIRM_PREFIX: Final = "confirm:"
_DECISION: Final = {"agree": "confirmed", "disagree": "rejected"}
_LINK_COLUMNS: Final = ("person_id", "agency", "agency_record_id")


def link_decisions(
    store: Store,
    uncertain_links: pd.DataFrame,
    *,
    records: Any = None,
    since: dt.date | str | None = None,
) -> LinkDecisions:
    """Turn the trail's responses to records to confirm into link decisions.

    Parameters
    ----------
    store : advisory.oversight.Store
        The oversight trail.
    uncertain_links : pandas.DataFrame
        The records to confirm of the linkage run the reviews were made from
        (``LinkageResult.uncertain_links``, or ``uncertain_links.csv`` of
        ``advisory link``): ``person_id``, ``agency``, ``agency_record_id``.
    records : optional
        That run's linked records (``LinkageResult.records``, or its
        ``records/`` folder as :func:`advisory.context.read_records` reads it),
        needed only when one agency record may belong to several people: the
        case's household then says whose it is.
    since : datetime.date or str, optional
        Only responses recorded on or after this date (ISO 8601), e.g. since
        the linkage run the reviews were made from.

    Returns
    -------
    LinkDecisions
        One decision per person and record (the latest response), with the
        practitioner's pseudonymous id as ``decided_by`` and the response's
        date as ``decided_on``.

    Raises
    ------
    advisory.InputError
        If a response names a record that is not among these records to
        confirm, or a record that may belong to several people of the case.

    Examples
    --------
    >>> import datetime as dt
    >>> from advisory.oversight import Store
    >>> store = Store.open("sqlite://")
    >>> review = {"case_id": "C1", "to_confirm": [{"prompt_id": "confirm:PN7"}]}
    >>> rid = store.record_review(review, team="T1", practitioner="P1",
    ...                           model_version="m1", snapshot_date="2026-11-30")
    >>> _ = store.record_response(rid, "confirm:PN7", "disagree",
    ...                           reason="a different man of that name", seconds=40.0,
    ...                           at=dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC))
    >>> links = pd.DataFrame({"person_id": ["L1"], "agency": ["police"],
    ...                       "agency_record_id": ["PN7"]})
    >>> link_decisions(store, links).table[["person_id", "agency_record_id", "decision"]]
      person_id agency_record_id  decision
    0        L1              PN7  rejected
    """
    links = check_table(uncertain_links, _LINK_COLUMNS, "The 'uncertain_links' table").astype(str)
    responses = store.records(["response"])
    responses = responses[
        responses["prompt_id"].astype(str).str.startswith(CONFIRM_PREFIX)
        & responses["verdict"].isin(list(_DECISION))
    ]
    if since is not None:
        first = _date(since, "since")
        responses = responses[responses["recorded_at"].str[:10] >= first]
    if responses.empty:
        return LinkDecisions.empty()
    by_record = links.groupby("agency_record_id", sort=False)
    household = _household_of(records) if records is not None else None
    rows = []
    for response in responses.itertuples(index=False):
        record = str(response.prompt_id)[len(CONFIRM_PREFIX) :]
        case = str(response.case_id)
        if record not in by_record.groups:
            raise InputError(
                f"The response to {response.prompt_id!r} in case {case!r} names agency record "
                f"{record!r}, which is not among these records to confirm; pass the "
                "uncertain_links of the linkage run the reviews were made from, or 'since' "
                "that run's date."
            )
        candidates = by_record.get_group(record)
        if len(candidates) > 1:
            candidates = _in_case(candidates, case, household, record)
        chosen = candidates.iloc[0]
        rows.append(
            {
                "person_id": chosen["person_id"],
                "agency": chosen["agency"],
                "agency_record_id": record,
                "decision": _DECISION[str(response.verdict)],
                "decided_by": str(response.practitioner),
                "decided_on": str(response.recorded_at)[:10],
            }
        )
    table = pd.DataFrame(rows)
    # the trail is in order: the latest answer about a person and record stands
    table = table.drop_duplicates(["person_id", "agency", "agency_record_id"], keep="last")
    return LinkDecisions(table.reset_index(drop=True))


def _household_of(records: Any) -> dict[str, set[str]]:
    """Each case's people: the members of the households its person ever belonged to."""
    if isinstance(records, Mapping):
        cases, memberships = records.get("cases"), records.get("memberships")
    else:
        cases = getattr(records, "cases", None)
        memberships = getattr(records, "memberships", None)
    if not isinstance(cases, pd.DataFrame) or not isinstance(memberships, pd.DataFrame):
        raise InputError(
            "The 'records' must be linked records with 'cases' and 'memberships' tables "
            f"(LinkageResult.records); got {type(records).__name__}."
        )
    check_table(cases, ("case_id", "person_id"), "The linked records' 'cases' table")
    check_table(
        memberships, ("person_id", "household_id"), "The linked records' 'memberships' table"
    )
    homes = memberships.groupby("person_id")["household_id"].agg(set)
    members = memberships.groupby("household_id")["person_id"].agg(set)
    out: dict[str, set[str]] = {}
    for case_id, person in zip(cases["case_id"], cases["person_id"], strict=True):
        people = {str(person)}
        for home in homes.get(person, set()):
            people |= {str(p) for p in members[home]}
        out[str(case_id)] = people
    return out


def _in_case(
    candidates: pd.DataFrame, case: str, household: dict[str, set[str]] | None, record: str
) -> pd.DataFrame:
    """Return the one candidate person of a record in the case's household."""
    people = sorted(candidates["person_id"])
    if household is None:
        raise InputError(
            f"Agency record {record!r} may belong to {len(people)} people ({people}); pass the "
            "linkage run's records so the case's household says whose the answer is about."
        )
    mine = candidates[np.isin(candidates["person_id"], sorted(household.get(case, set())))]
    if len(mine) != 1:
        raise InputError(
            f"Agency record {record!r} may belong to {len(people)} people ({people}), and "
            f"{len(mine)} of them are in the household of case {case!r}; record the decision "
            "by hand (LinkDecisions) for this record."
        )
    return mine
