"""Link agency extracts into people: clusters, uncertain links, unlinked records, records tables."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._errors import InputError
from advisory._files import atomic_folder, check_output
from advisory.linkage._decisions import LinkDecisions
from advisory.linkage._describe import describe_record, differences
from advisory.linkage._engine import Backend, Scored, save_diagnostics, score_pairs
from advisory.linkage._extracts import Extracts, check_extracts
from advisory.linkage._spec import LINKAGE_COLUMNS, LinkageSpec, reference_linkage_spec

__all__ = ["LinkageResult", "LinkedRecords", "link_extracts"]

#: Status of an agency record after linkage.
STATUSES: Final = ("linked", "uncertain", "unlinked")
_UNCERTAIN_COLUMNS: Final = (
    "person_id",
    "agency",
    "agency_record_id",
    "described_as",
    "differences",
)
_ADULT_DAYS: Final = int(18 * 365.25)


@dataclass(frozen=True, kw_only=True)
class LinkedRecords:
    """The records tables :func:`advisory.context.build_context` reads, keyed by linked person.

    ``people`` has one row per linked person (the case agency's columns kept);
    ``events`` every agency's events; ``memberships``, ``relationships``,
    ``cases`` and ``coverage`` the case agency's, re-keyed. ``coverage`` marks
    an agency ``unmatched`` for a person when a record of that agency may be
    theirs but was not linked. ``uncertain_links`` lists those records to
    confirm.
    """

    people: pd.DataFrame
    memberships: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    coverage: pd.DataFrame
    cases: pd.DataFrame
    uncertain_links: pd.DataFrame
    snapshot_date: pd.Timestamp


@dataclass(frozen=True, kw_only=True)
class LinkageResult:
    """What a linkage run produced.

    Attributes
    ----------
    links : pandas.DataFrame
        The linked person table: one row per agency record with ``agency``,
        ``agency_person_id``, ``record_uid``, ``person_id`` (the linked
        person), ``status`` (``linked``: in the picture of a case-agency
        person; ``uncertain``: may be a person of the picture, to confirm;
        ``unlinked``), ``candidate_person_id`` (for uncertain and gap
        records), and the evidence of its strongest link: ``match_weight``,
        ``match_probability``, ``agreed`` (comparisons that agreed exactly),
        ``partly_agreed``, ``disagreed``, ``missing``.
    pairs : pandas.DataFrame
        Every scored pair at or above the ``gap`` probability, with the level
        each comparison reached.
    records : LinkedRecords
    uncertain_links : pandas.DataFrame
        Records to confirm: ``person_id``, ``agency``, ``agency_record_id``,
        ``described_as``, ``differences`` (and ``match_probability`` for data
        scientists; not part of the records table).
    unlinked : pandas.DataFrame
        Every unlinked record: ``agency``, ``agency_record_id``,
        ``described_as``, ``candidate_person_id`` (when it was reported as a
        gap for that person) and ``reason``.
    spec : LinkageSpec
    backend : str
    model : dict
        splink's trained model.
    charts : dict
        splink's diagnostic charts (Vega-Lite specifications).
    """

    links: pd.DataFrame
    pairs: pd.DataFrame
    records: LinkedRecords
    uncertain_links: pd.DataFrame
    unlinked: pd.DataFrame
    spec: LinkageSpec
    backend: str
    scored: Scored

    @property
    def model(self) -> dict[str, Any]:
        """Splink's trained model (settings with m and u probabilities)."""
        return self.scored.model

    def accounting(self) -> pd.DataFrame:
        """Count records by agency and status; every record is counted exactly once.

        Returns
        -------
        pandas.DataFrame
            One row per agency: ``records`` and one column per status, which
            add up to ``records``.
        """
        counts = pd.crosstab(self.links["agency"], self.links["status"])
        counts = counts.reindex(columns=list(STATUSES), fill_value=0)
        counts.insert(0, "records", counts.sum(axis=1))
        counts.columns.name = None
        return counts.astype(np.int64)

    def to_frame(self) -> pd.DataFrame:
        """Return the linked person table (a copy of ``links``).

        Returns
        -------
        pandas.DataFrame
            One row per agency record.
        """
        return self.links.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return the specification, backend, accounting and counts as plain types.

        Returns
        -------
        dict
            Plain JSON types.
        """
        table = self.accounting()
        return {
            "specification": self.spec.name,
            "approved_by": self.spec.approved_by,
            "approved_on": self.spec.approved_on.isoformat(),
            "backend": self.backend,
            "thresholds": {"link": self.spec.link, "ask": self.spec.ask, "gap": self.spec.gap},
            "accounting": {
                str(agency): {str(c): int(v) for c, v in row.items()}
                for agency, row in table.iterrows()
            },
            "uncertain_links": len(self.uncertain_links),
            "unlinked": len(self.unlinked),
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as JSON.

        Returns
        -------
        str
            The JSON text.
        """
        return json.dumps(self.to_dict(), indent=2)

    def summary(self) -> str:
        """Describe the run in a few plain lines: records, people, statuses by agency.

        Returns
        -------
        str
            Plain lines.
        """
        table = self.accounting()
        people = self.links.loc[self.links["status"] == "linked", "person_id"].nunique()
        lines = [
            f"Linked {int(table['records'].sum()):,} agency records on {self.backend} "
            f"with the {self.spec.name!r} specification (approved by {self.spec.approved_by} "
            f"on {self.spec.approved_on.isoformat()})",
            f"  people in the case agency's picture: {people:,}",
            f"  records to confirm (uncertain links): {len(self.uncertain_links):,}",
            f"  records reported unlinked: {len(self.unlinked):,}",
        ]
        for agency, row in table.iterrows():
            lines.append(
                f"    {agency}: {row['records']:,} records; {row['linked']:,} linked, "
                f"{row['uncertain']:,} uncertain, {row['unlinked']:,} unlinked"
            )
        return "\n".join(lines)

    def save_diagnostics(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Save splink's model and charts (Vega-Lite JSON; HTML with inline scripts, offline).

        Parameters
        ----------
        folder : str or os.PathLike
            Created if missing.

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        return save_diagnostics(self.scored, Path(folder))

    def write(self, folder: str | os.PathLike[str], *, force: bool = False) -> Path:
        """Write everything to ``folder`` atomically (a temporary folder, then renames).

        ``records/`` holds the records tables (CSV) that ``advisory review``
        and :func:`advisory.context.read_records` read; ``links.csv``,
        ``uncertain_links.csv``, ``unlinked.csv``, ``accounting.csv``,
        ``pairs.csv``, ``linkage.json``; ``diagnostics/`` splink's model and
        charts. An existing folder is refused unless ``force``.

        Parameters
        ----------
        folder : str or os.PathLike
            The output folder.
        force : bool, default False
            Replace the files of an existing folder.

        Returns
        -------
        pathlib.Path
            The folder.
        """
        out = check_output(folder, force=force, kind="folder", what="output folder")
        with atomic_folder(out, force=force) as staging:
            records = staging / "records"
            records.mkdir()
            for name in ("people", "memberships", "relationships", "events", "coverage", "cases"):
                table: pd.DataFrame = getattr(self.records, name)
                table.to_csv(records / f"{name}.csv", index=False, date_format="%Y-%m-%d")
            self.records.uncertain_links.to_csv(records / "uncertain_links.csv", index=False)
            (records / "snapshot_date.txt").write_text(
                self.records.snapshot_date.date().isoformat() + "\n", encoding="utf-8"
            )
            self.links.to_csv(staging / "links.csv", index=False)
            self.uncertain_links.to_csv(staging / "uncertain_links.csv", index=False)
            self.unlinked.to_csv(staging / "unlinked.csv", index=False)
            self.accounting().to_csv(staging / "accounting.csv")
            self.pairs.to_csv(staging / "pairs.csv", index=False)
            self.save_diagnostics(staging / "diagnostics")
            (staging / "summary.txt").write_text(self.summary() + "\n", encoding="utf-8")
            (staging / "linkage.json").write_text(self.to_json() + "\n", encoding="utf-8")
        return out


def person_ids(uids: pd.Series | npt.NDArray[Any]) -> npt.NDArray[np.object_]:
    """Stable linked person ids from anchor record uids (``L`` + 16 hex digits).

    64 bits: two of a million records share an id with odds of about 1 in
    40 million; a clash is detected and refused rather than merging two people.

    Examples
    --------
    >>> person_ids(np.array(["childrens_social_care:CS1"]))[0]
    'L03c47d4696432c13'
    """
    return np.array(
        ["L" + hashlib.blake2b(str(u).encode(), digest_size=8).hexdigest() for u in uids],
        dtype=object,
    )


def _cluster(
    n: int,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    strength: npt.NDArray[np.float64],
    is_case: npt.NDArray[np.bool_],
    confirmed: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    rejected: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> npt.NDArray[np.int64]:
    """Greedy clustering of links, strongest first, under two constraints.

    A cluster never holds two records of the case agency (each is one person
    of the picture: a record matching two of them, such as twins, joins the
    stronger), and never holds a record with a person it was rejected for.
    Confirmed links are taken first and may join case-agency records.
    """
    order = np.argsort(-strength, kind="stable")
    u = np.concatenate([confirmed[0], left[order]])
    v = np.concatenate([confirmed[1], right[order]])
    forced = np.concatenate([np.ones(len(confirmed[0]), bool), np.zeros(len(order), bool)])
    parent = np.arange(n)
    cases = is_case.astype(np.int64)
    banned: dict[int, set[int]] = {}
    for anchor, record in zip(rejected[0], rejected[1], strict=True):
        banned.setdefault(int(anchor), set()).add(int(record))
        banned.setdefault(int(record), set()).add(int(anchor))
    members: dict[int, set[int]] = {k: {k} for k in banned}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b, force in zip(u.tolist(), v.tolist(), forced.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if not force and cases[ra] + cases[rb] > 1:
            continue
        if banned and (ra in members or rb in members):
            left_members = members.get(ra, set())
            right_members = members.get(rb, set())
            if any(banned.get(m, set()) & right_members for m in left_members):
                continue
        parent[rb] = ra
        cases[ra] += cases[rb]
        if rb in members:
            members.setdefault(ra, set()).update(members.pop(rb))
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    return roots


def link_extracts(
    data: object,
    spec: LinkageSpec | None = None,
    *,
    backend: Backend = "duckdb",
    spark: Any = None,
    decisions: LinkDecisions | None = None,
    date_format: str | None = None,
    model: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> LinkageResult:
    """Link the people of agency extracts with splink, from a reviewable specification.

    splink's Fellegi-Sunter model is trained on the extracts (u by random
    sampling, m by expectation-maximisation) and scores every pair the
    specification's blocking rules bring together. Pairs at or above the
    ``link`` probability are the same person (connected records form one
    linked person); pairs between ``ask`` and ``link`` are never merged but
    become records to confirm; a record below ``ask`` is reported unlinked,
    and as a gap for the person it came closest to when that pair reached
    ``gap``. A practitioner's confirmed links are merged and rejected ones
    never are.

    Parameters
    ----------
    data : object or mapping
        Agency extracts (see :func:`check_extracts`), e.g.
        :func:`advisory.datasets.make_agency_extracts` or
        :func:`read_extracts`.
    spec : LinkageSpec, optional
        Default: the reference specification.
    backend : {"duckdb", "spark"}, default "duckdb"
        Where splink runs.
    spark : pyspark.sql.SparkSession, optional
        Required for ``backend="spark"``.
    decisions : LinkDecisions, optional
        Practitioners' confirmations and rejections from an earlier run.
    date_format : str, optional
        Explicit format of dates given as text (default ISO 8601).
    model : dict, optional
        A trained model (``LinkageResult.model``, or ``diagnostics/model.json``
        of an earlier run) to score with instead of training: the same model
        gives the same links on either backend.
    progress : callable, optional
        Called with a short message at each step.

    Returns
    -------
    LinkageResult
        Linked people, records to confirm, unlinked records and the records tables.

    Raises
    ------
    advisory.InputError
        For unusable extracts (see :func:`check_extracts`) or decisions that
        name unknown records.
    advisory.MissingExtraError
        If splink (extra ``linkage``) or pyspark (extra ``spark``) is missing.

    Examples
    --------
    >>> from advisory.datasets import make_agency_extracts
    >>> result = link_extracts(make_agency_extracts(n_cases=40, seed=0))
    >>> sorted(result.accounting().columns)
    ['linked', 'records', 'uncertain', 'unlinked']
    >>> from advisory.context import check_records
    >>> from advisory.definitions import load_definitions, reference_root
    >>> records = check_records(result.records, load_definitions(reference_root()).catalogue)
    """
    spec = reference_linkage_spec() if spec is None else spec
    if not isinstance(spec, LinkageSpec):
        raise InputError(
            f"The 'spec' parameter must be a LinkageSpec (from load_linkage_spec); "
            f"got {type(spec).__name__} instead."
        )
    decisions = LinkDecisions.empty() if decisions is None else decisions
    if not isinstance(decisions, LinkDecisions):
        raise InputError(
            f"The 'decisions' parameter must be LinkDecisions; got {type(decisions).__name__}."
        )
    say = progress or (lambda _message: None)
    say("checking the extracts")
    extracts = check_extracts(data, spec, date_format=date_format)
    say(f"{len(extracts.records):,} records from {len(extracts.agencies)} agencies")
    scored = score_pairs(
        extracts.records, spec, backend=backend, spark=spark, model=model, progress=say
    )
    say(f"{len(scored.pairs):,} pairs scored at or above {spec.gap}; clustering")
    return _assemble(extracts, scored, spec, decisions, backend)


def _assemble(
    extracts: Extracts, scored: Scored, spec: LinkageSpec, decisions: LinkDecisions, backend: str
) -> LinkageResult:
    records = extracts.records
    uids = pd.Index(records["record_uid"])
    n = len(uids)
    pairs = scored.pairs
    left = uids.get_indexer(pairs["uid_l"]).astype(np.int64)
    right = uids.get_indexer(pairs["uid_r"]).astype(np.int64)
    prob = pairs["match_probability"].to_numpy()
    is_case = (records["agency"] == spec.case_agency).to_numpy()
    hashed = person_ids(records["record_uid"])
    if pd.Index(hashed).has_duplicates:
        raise InputError(
            "Two agency records were given the same linked person id (a hash clash); "
            "rename one of their agency ids. This is expected about once in 40 million runs "
            "of a million records."
        )
    by_hash = pd.Series(np.arange(n), index=hashed)

    def decided(kind: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        table = decisions.uids(kind)
        person = by_hash.reindex(table["person_id"]).to_numpy()
        record = uids.get_indexer(table["record_uid"])
        unknown = np.isnan(person.astype(float)) | (record < 0)
        if unknown.any():
            row = table[unknown].iloc[0]
            raise InputError(
                f"A {kind} link decision names a person or record not in these extracts: "
                f"person_id {row['person_id']!r}, record {row['record_uid']!r}. Check the "
                "decisions file belongs to these extracts."
            )
        return person.astype(np.int64), record.astype(np.int64)

    confirmed_anchor, confirmed_record = decided("confirmed")
    rejected_anchor, rejected_record = decided("rejected")
    strong = prob >= spec.link
    labels = _cluster(
        n,
        left[strong],
        right[strong],
        prob[strong],
        is_case,
        (confirmed_anchor, confirmed_record),
        (rejected_anchor, rejected_record),
    )
    # the anchor of each cluster: its first case-agency record, else its first record
    order = np.lexsort((records["record_uid"].to_numpy(), ~is_case, labels))
    first = np.ones(n, bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    anchor_of_label = np.empty(labels.max() + 1, dtype=np.int64)
    anchor_of_label[labels[order][first]] = order[first]
    anchor = anchor_of_label[labels]
    person = hashed[anchor]
    in_picture_label = np.zeros(labels.max() + 1, bool)
    in_picture_label[labels[is_case]] = True
    in_picture = in_picture_label[labels]

    # uncertain: pairs between ask and link joining a picture person to a record outside it
    rejected = set(zip(hashed[rejected_anchor], rejected_record, strict=True))
    middle = (prob >= spec.ask) & (prob < spec.link) & (labels[left] != labels[right])
    rows = []
    for side_person, side_record in ((left, right), (right, left)):
        take = middle & in_picture[side_person] & ~in_picture[side_record]
        rows.append(
            pd.DataFrame(
                {
                    "person": anchor[side_person[take]],
                    "near": side_person[take],
                    "record": side_record[take],
                    "probability": prob[take],
                }
            )
        )
    candidates = pd.concat(rows, ignore_index=True)
    if len(candidates):
        keep = [
            (hashed[a], r) not in rejected
            for a, r in zip(candidates["person"], candidates["record"], strict=True)
        ]
        candidates = candidates[np.asarray(keep, bool)]
    candidates = candidates.sort_values("probability", ascending=False, kind="stable")
    candidates = candidates.drop_duplicates(["person", "record"]).reset_index(drop=True)
    status = np.where(in_picture, "linked", "unlinked").astype(object)
    status[candidates["record"].to_numpy()] = "uncertain"

    # gaps: unlinked records whose closest pair with the picture reached `gap`
    low = (prob < spec.ask) & (labels[left] != labels[right])
    gap_rows = []
    for side_person, side_record in ((left, right), (right, left)):
        take = low & in_picture[side_person] & (status[side_record] == "unlinked")
        gap_rows.append(
            pd.DataFrame(
                {
                    "person": anchor[side_person[take]],
                    "near": side_person[take],
                    "record": side_record[take],
                    "probability": prob[take],
                }
            )
        )
    gaps = pd.concat(gap_rows, ignore_index=True).sort_values(
        "probability", ascending=False, kind="stable"
    )
    gaps = gaps.drop_duplicates("record").reset_index(drop=True)

    links = _links_table(records, scored, left, right, labels, person, status, candidates, gaps)
    uncertain = _uncertain_table(records, candidates, hashed)
    unlinked = _unlinked_table(records, links)
    clusters = _Clusters(
        person=person, in_picture=in_picture, anchor=anchor, is_case=is_case, hashed=hashed
    )
    linked_records = _records_tables(extracts, spec, clusters, uncertain, gaps)
    return LinkageResult(
        links=links,
        pairs=pairs,
        records=linked_records,
        uncertain_links=uncertain,
        unlinked=unlinked,
        spec=spec,
        backend=backend,
        scored=scored,
    )


def _evidence(pairs: pd.DataFrame, comparisons: list[str]) -> dict[str, npt.NDArray[np.object_]]:
    out: dict[str, npt.NDArray[np.object_]] = {}
    for level, column in (
        ("agree", "agreed"),
        ("partly", "partly_agreed"),
        ("disagree", "disagreed"),
        ("missing", "missing"),
    ):
        text = np.full(len(pairs), "", dtype=object)
        for name in comparisons:
            hit = (pairs[f"level_{name}"] == level).to_numpy()
            text[hit] = text[hit] + np.where(text[hit] == "", "", ", ") + name
        out[column] = text
    return out


def _links_table(
    records: pd.DataFrame,
    scored: Scored,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    labels: npt.NDArray[np.int64],
    person: npt.NDArray[np.object_],
    status: npt.NDArray[np.object_],
    candidates: pd.DataFrame,
    gaps: pd.DataFrame,
) -> pd.DataFrame:
    n = len(records)
    pairs = scored.pairs
    comparisons = [c[len("level_") :] for c in pairs.columns if c.startswith("level_")]
    # the strongest pair of each record: within its cluster when linked, else its best candidate
    same = labels[left] == labels[right]
    best = pd.DataFrame(
        {
            "record": np.concatenate([left, right]),
            "other": np.concatenate([right, left]),
            "pair": np.tile(np.arange(len(pairs)), 2),
            "same": np.tile(same, 2),
            "probability": np.tile(pairs["match_probability"].to_numpy(), 2),
        }
    )
    best = best.sort_values(["same", "probability"], ascending=False, kind="stable")
    best = best.drop_duplicates("record")
    pair_of = np.full(n, -1, dtype=np.int64)
    pair_of[best["record"].to_numpy()] = best["pair"].to_numpy()
    evidence = _evidence(pairs, comparisons)
    has = pair_of >= 0
    candidate = np.full(n, None, dtype=object)
    candidate[gaps["record"].to_numpy()] = person[gaps["person"].to_numpy()]
    if len(candidates):
        firsts = candidates.drop_duplicates("record")
        candidate[firsts["record"].to_numpy()] = person[firsts["person"].to_numpy()]
    table = pd.DataFrame(
        {
            "agency": records["agency"].to_numpy(),
            "agency_person_id": records["agency_person_id"].to_numpy(),
            "record_uid": records["record_uid"].to_numpy(),
            "person_id": person,
            "status": status,
            "candidate_person_id": candidate,
            "match_probability": np.where(
                has, pairs["match_probability"].to_numpy()[np.maximum(pair_of, 0)], np.nan
            ),
            "match_weight": np.where(
                has, pairs["match_weight"].to_numpy()[np.maximum(pair_of, 0)], np.nan
            ),
        }
    )
    for column, text in evidence.items():
        table[column] = np.where(has, text[np.maximum(pair_of, 0)], "")
    return table


def _described(records: pd.DataFrame, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """Describe records as their agency holds them ("John Smyth, born 1989-03-04")."""
    return np.array(
        [
            describe_record(f, last, b)
            for f, last, b in zip(
                records["raw_first_name"].to_numpy()[rows],
                records["raw_last_name"].to_numpy()[rows],
                records["birth_date"].to_numpy()[rows],
                strict=True,
            )
        ],
        dtype=object,
    )


def _uncertain_table(
    records: pd.DataFrame, candidates: pd.DataFrame, hashed: npt.NDArray[np.object_]
) -> pd.DataFrame:
    rows = candidates["record"].to_numpy()
    near = candidates["near"].to_numpy()
    described = _described(records, rows)
    diffs = [differences(records.iloc[r], records.iloc[o]) for r, o in zip(rows, near, strict=True)]
    return pd.DataFrame(
        {
            "person_id": hashed[candidates["person"].to_numpy()],
            "agency": records["agency"].to_numpy()[rows],
            "agency_record_id": records["agency_person_id"].to_numpy()[rows],
            "described_as": described,
            "differences": np.array(diffs, dtype=object),
            "match_probability": candidates["probability"].to_numpy(),
        },
        columns=[*_UNCERTAIN_COLUMNS, "match_probability"],
    )


def _unlinked_table(records: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    rows = np.flatnonzero((links["status"] == "unlinked").to_numpy())
    candidate = links["candidate_person_id"].to_numpy()[rows]
    return pd.DataFrame(
        {
            "agency": records["agency"].to_numpy()[rows],
            "agency_record_id": records["agency_person_id"].to_numpy()[rows],
            "described_as": _described(records, rows),
            "candidate_person_id": candidate,
            "reason": np.where(
                pd.isna(candidate),
                "no record of the case agency's people came close",
                "too different to link with confidence; reported as a gap for the closest person",
            ),
        }
    )


@dataclass(frozen=True, kw_only=True)
class _Clusters:
    """Who each record is after clustering, one entry per record.

    ``person`` the linked person id, ``in_picture`` whether that person holds
    a case-agency record, ``anchor`` the row of the person's anchor record,
    ``is_case`` whether the record is the case agency's, ``hashed`` the
    person id the record would anchor.
    """

    person: npt.NDArray[np.object_]
    in_picture: npt.NDArray[np.bool_]
    anchor: npt.NDArray[np.int64]
    is_case: npt.NDArray[np.bool_]
    hashed: npt.NDArray[np.object_]


def _records_tables(
    extracts: Extracts,
    spec: LinkageSpec,
    clusters: _Clusters,
    uncertain: pd.DataFrame,
    gaps: pd.DataFrame,
) -> LinkedRecords:
    records = extracts.records
    person, anchor, is_case = clusters.person, clusters.anchor, clusters.is_case
    person_of_uid = pd.Series(person, index=records["record_uid"].to_numpy())
    # people: one row per linked person, from its anchor record
    anchors = np.unique(anchor)
    birth = records["birth_date"].to_numpy()[anchors]
    people = pd.DataFrame(
        {
            "person_id": person[anchors],
            "birth_date": birth,
            "sex": pd.Series(records["sex"].to_numpy()[anchors], dtype=object)
            .map({"f": "female", "m": "male"})
            .to_numpy(),
            "agency_of_record": records["agency"].to_numpy()[anchors],
        }
    )
    case_people = extracts.case_people.copy()
    case_people["agency_person_id"] = case_people["agency_person_id"].astype(str)
    extra = [c for c in case_people.columns if c not in ("agency_person_id", *LINKAGE_COLUMNS)]
    case_rows = case_people.set_index("agency_person_id")[extra]
    anchor_ids = records["agency_person_id"].to_numpy()[anchors]
    anchor_case = is_case[anchors]
    for column in extra:
        values = case_rows[column].reindex(anchor_ids).to_numpy(dtype=object).copy()
        values[~anchor_case] = None
        people[column] = values
    snapshot = extracts.snapshot_date
    if snapshot is None:
        snapshot = (
            pd.Timestamp(extracts.events["date"].max())
            if len(extracts.events)
            else pd.Timestamp.today().normalize()
        )
    if "role" not in people.columns:
        people["role"] = None
    age_days = (snapshot - pd.to_datetime(people["birth_date"])).dt.days
    guessed = np.where(age_days >= _ADULT_DAYS, "adult", "child")
    people["role"] = people["role"].where(
        people["role"].notna(), pd.Series(guessed).where(age_days.notna().to_numpy())
    )

    def case_ids(table: pd.DataFrame, name: str, column: str) -> npt.NDArray[np.object_]:
        uid = spec.case_agency + ":" + table[column].astype(str)
        mapped = person_of_uid.reindex(uid.to_numpy())
        unknown = mapped.isna().to_numpy() & table[column].notna().to_numpy()
        if unknown.any():
            raise InputError(
                f"The case agency's {name!r} table's {column!r} column has ids not in its people "
                f"table: {list(table.loc[unknown, column].astype(str)[:5])}. Add them to "
                f"{spec.case_agency}/people or correct the ids."
            )
        return mapped.to_numpy(dtype=object)

    tables = {}
    for name, columns in (
        ("memberships", ("person_id",)),
        ("relationships", ("person_id", "other_id")),
        ("cases", ("person_id",)),
    ):
        table = extracts.case_tables[name].copy()
        for column in columns:
            if column not in table.columns:
                raise InputError(
                    f"The case agency's {name!r} table has no column {column!r}; found "
                    f"{list(map(str, table.columns))}."
                )
            table[column] = case_ids(table, name, column)
        tables[name] = table
    events = extracts.events
    events_out = pd.DataFrame(
        {
            "event_id": events["event_id"].to_numpy(),
            "person_id": person_of_uid.reindex(events["record_uid"].to_numpy()).to_numpy(),
            "agency": events["agency"].to_numpy(),
            "event_type": events["event_type"].to_numpy(),
            "date": events["date"].to_numpy(),
        }
    )
    coverage = _coverage(extracts, spec, clusters, uncertain, gaps, snapshot, case_ids)
    return LinkedRecords(
        people=people,
        memberships=tables["memberships"],
        relationships=tables["relationships"],
        events=events_out,
        coverage=coverage,
        cases=tables["cases"],
        uncertain_links=uncertain[list(_UNCERTAIN_COLUMNS)].reset_index(drop=True),
        snapshot_date=pd.Timestamp(snapshot),
    )


def _coverage(
    extracts: Extracts,
    spec: LinkageSpec,
    clusters: _Clusters,
    uncertain: pd.DataFrame,
    gaps: pd.DataFrame,
    snapshot: pd.Timestamp,
    case_ids: Callable[[pd.DataFrame, str, str], npt.NDArray[np.object_]],
) -> pd.DataFrame:
    records = extracts.records
    person, in_picture, anchor = clusters.person, clusters.in_picture, clusters.anchor
    agencies = list(extracts.agencies)
    given = extracts.case_tables.get("coverage")
    if given is not None:
        coverage = given.copy()
        # only the anchor's rows when a person has several case-agency records
        uid = spec.case_agency + ":" + coverage["person_id"].astype(str)
        row_of = pd.Series(np.arange(len(records)), index=records["record_uid"].to_numpy())
        rows = row_of.reindex(uid.to_numpy()).to_numpy()
        coverage["person_id"] = case_ids(coverage, "coverage", "person_id")
        coverage = coverage[anchor[rows.astype(np.int64)] == rows.astype(np.int64)].copy()
    else:
        start = pd.Timestamp(extracts.events["date"].min()) if len(extracts.events) else snapshot
        picture = np.unique(person[in_picture])
        coverage = pd.DataFrame(
            {
                "person_id": np.repeat(picture, len(agencies)),
                "agency": np.tile(agencies, len(picture)),
                "start_date": start,
                "end_date": snapshot,
                "status": "available",
                "reason": None,
            }
        )
    if "reason" not in coverage.columns:
        coverage["reason"] = None
    coverage["reason"] = coverage["reason"].astype(object)
    # persons whose records at an agency may be missing: uncertain or gap records
    has_linked = set(zip(person[in_picture], records["agency"].to_numpy()[in_picture], strict=True))
    missing: dict[tuple[str, str], str] = {}
    for who, where in zip(uncertain["person_id"], uncertain["agency"], strict=True):
        key = (str(who), str(where))
        if key not in has_linked:
            missing[key] = (
                f"a {key[1].replace('_', ' ')} record may be this person's but was not linked; "
                "it is listed as a record to confirm"
            )
    gap_person = clusters.hashed[gaps["person"].to_numpy()]
    gap_agency = records["agency"].to_numpy()[gaps["record"].to_numpy()]
    for p, a in zip(gap_person, gap_agency, strict=True):
        key = (str(p), str(a))
        if key not in has_linked and key not in missing:
            missing[key] = (
                f"a {a.replace('_', ' ')} record could not be linked with confidence and may be "
                "this person's"
            )
    if missing:
        keys = pd.MultiIndex.from_arrays(
            [coverage["person_id"].astype(str), coverage["agency"].astype(str)]
        )
        wanted = pd.MultiIndex.from_tuples(list(missing))
        hit = keys.isin(wanted) & (coverage["status"].astype(str) == "available").to_numpy()
        coverage.loc[hit, "status"] = "unmatched"
        coverage.loc[hit, "reason"] = [missing[k] for k in keys[hit]]
    return coverage.reset_index(drop=True)
