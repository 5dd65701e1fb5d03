"""The oversight trail: append-only, hash-chained records in SQLite or PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Final

from advisory._errors import InputError
from advisory.oversight._adapter import canonical_json, review_hash, review_prompts
from advisory.oversight._errors import ModelSwitchedOffError, OversightError, StoreVersionError
from advisory.oversight._tables import COLUMNS, RECORD, VERSION_TABLE, sa

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GENESIS", "Store", "Verification", "check_model_version"]

#: The previous hash of the first record.
GENESIS: Final = "0" * 64
# key of the PostgreSQL advisory lock that serialises the chain head ("advisory" in ASCII)
_LOCK_KEY: Final = 0x6164766973
_MIGRATIONS: Final = Path(__file__).parent / "migrations"
_C = RECORD.c
# statements built once, so SQLAlchemy's compiled cache serves every call
_HEAD: Final = sa.select(_C.seq, _C.hash).order_by(_C.seq.desc()).limit(1)
_OF_REVIEW: Final = (
    sa.select(
        _C.seq, _C.kind, _C.content, _C.case_id, _C.review_id, _C.team, _C.practitioner,
        _C.model_version,
    )
    .where(_C.review_id == sa.bindparam("review_id"))
    .order_by(_C.seq)
)  # fmt: skip
_REVIEW_EXISTS: Final = sa.select(_C.seq).where(_C.review_id == sa.bindparam("review_id")).limit(1)
_LAST_REVIEW_OF_CASE: Final = (
    sa.select(_C.review_id, _C.model_version)
    .where(_C.case_id == sa.bindparam("case_id"), _C.kind == "review_issued")
    .order_by(_C.seq.desc())
    .limit(1)
)
_LAST_SWITCH: Final = (
    sa.select(_C.kind, _C.reason, _C.recorded_at)
    .where(
        _C.model_version == sa.bindparam("model_version"),
        _C.kind.in_(("model_switched_off", "model_switched_on")),
    )
    .order_by(_C.seq.desc())
    .limit(1)
)
_INSERT: Final = RECORD.insert()
_LOCK: Final = sa.text("SELECT pg_advisory_xact_lock(:key)")


def record_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of a record's content and the previous hash."""
    body = {name: row[name] for name in COLUMNS if name != "hash"}
    body["content"] = json.loads(row["content"])
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class Verification:
    """What :meth:`Store.verify` found.

    Attributes
    ----------
    ok : bool
        Whether every record's hash matches its content and the previous hash.
    n_records : int
        Records read.
    head : str
        The hash of the last record (keep it elsewhere to detect a cut tail).
    first_bad_seq : int or None
        The first record whose hash or link does not match.
    problem : str
        In words: what was found.
    """

    ok: bool
    n_records: int
    head: str
    first_bad_seq: int | None
    problem: str

    def to_dict(self) -> dict[str, Any]:
        """Return the verification as plain JSON types.

        Returns
        -------
        dict
            Every field, by name.
        """
        return {
            "ok": self.ok,
            "n_records": self.n_records,
            "head": self.head,
            "first_bad_seq": self.first_bad_seq,
            "problem": self.problem,
        }


def _now(at: dt.datetime | None, name: str) -> str:
    if at is None:
        return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    if not isinstance(at, dt.datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise InputError(
            f"The {name!r} time must be a datetime with a time zone (datetime.UTC); "
            f"got {at!r} instead."
        )
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _text(value: object, name: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise InputError(f"The {name!r} must be non-empty text; got {value!r} instead.")
    return value


def _date(value: object, name: str) -> str:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise InputError(f"The {name!r} must be a date or an ISO 8601 text; got {value!r}.")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(
                f"The {name!r} must be an ISO 8601 date (YYYY-MM-DD); got {value!r}."
            ) from None
    return value.isoformat()


class Store:
    """The oversight trail in a database: append-only records, chained by SHA-256.

    Open one with :meth:`open`. Every record is a new row (a correction is a
    new record; nothing is updated or deleted, and the database's triggers
    refuse it), and holds the SHA-256 of its content and the previous
    record's hash, so :meth:`verify` finds any edited, removed or reordered
    record. Writers are serialised on the chain's head (SQLite ``BEGIN
    IMMEDIATE``, a PostgreSQL advisory lock), and each call is one
    transaction: a failure leaves no partial record.

    No review text and no name is stored: a review is recorded by its case
    id, a review id, the hash of its dict and the ids of its prompts; team
    and practitioner are pseudonymous ids the host supplies.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The database; :meth:`open` makes it from a URL and prepares the tables.

    Examples
    --------
    >>> import datetime as dt, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> store = Store.open(f"sqlite:///{folder}/trail.db")
    >>> review = {"case_id": "C1", "stands_out": [{"prompt_id": "p1", "factor": "f1"}]}
    >>> rid = store.record_review(review, team="T1", practitioner="W1", model_version="m1",
    ...                           snapshot_date="2026-11-30")
    >>> _ = store.record_own_view(rid, worries="school attendance")
    >>> _ = store.record_prompts_shown(rid)
    >>> _ = store.record_response(rid, "p1", "disagree", reason="already known", seconds=40.0)
    >>> store.verify().ok
    True
    >>> store.record_own_view(rid, worries="again")
    Traceback (most recent call last):
    ...
    advisory.oversight._errors.OversightError: An own view ... its prompts were answered, ...
    >>> store.close()
    """

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._local = threading.local()  # the open transaction of this thread, if any

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | Path, **engine_options: Any) -> Store:
        """Open the trail at a database URL, creating or upgrading its schema.

        Parameters
        ----------
        url : str or pathlib.Path
            A SQLAlchemy URL (``"sqlite:///trail.db"``,
            ``"postgresql+psycopg://user@host/db"``; a plain ``postgresql://`` URL
            uses psycopg 3) or the path of a SQLite file.
        **engine_options
            Passed to :func:`sqlalchemy.create_engine`.

        Returns
        -------
        Store
            The open store, its schema at the newest version this library knows.

        Raises
        ------
        StoreVersionError
            If the database holds a schema newer than this library's.
        InputError
            If the URL is not a SQLite or PostgreSQL URL.
        """
        text = f"sqlite:///{Path(url)}" if isinstance(url, Path) else url
        if not isinstance(text, str) or "://" not in text:
            text = f"sqlite:///{text}"
        backend = text.split(":", 1)[0].split("+", 1)[0]
        if backend not in ("sqlite", "postgresql"):
            raise InputError(
                f"The oversight store needs a SQLite or PostgreSQL URL; got {backend!r} "
                "(use 'sqlite:///trail.db' or 'postgresql+psycopg://user@host/db')."
            )
        if text.startswith("postgresql://"):  # the extra installs psycopg 3, not psycopg2
            text = "postgresql+psycopg://" + text.removeprefix("postgresql://")
        if backend == "sqlite":
            engine_options.setdefault("connect_args", {}).setdefault("timeout", 120)
        engine = sa.create_engine(text, **engine_options)
        if backend == "sqlite":
            _serialise_sqlite(engine)
        store = cls(engine)
        try:
            store._upgrade()
        except BaseException:
            engine.dispose()
            raise
        return store

    def _upgrade(self) -> None:
        from alembic.command import upgrade
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        script = ScriptDirectory.from_config(config)
        known = {r.revision for r in script.walk_revisions()}
        with self._engine.begin() as conn:
            self._lock(conn)
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            current = context.get_current_heads()
            newer = [r for r in current if r not in known]
            if newer:
                raise StoreVersionError(
                    f"The oversight trail in {self.url} is at schema revision {newer[0]!r}, "
                    f"newer than this advisory's (head {script.get_current_head()!r}); "
                    "upgrade advisory to read it. Nothing was changed."
                )
            config.attributes["connection"] = conn
            upgrade(config, "head")

    @property
    def url(self) -> str:
        """The database URL, without any password."""
        return str(self._engine.url.render_as_string(hide_password=True))

    @property
    def schema_revision(self) -> str | None:
        """The Alembic revision the trail's schema is at."""
        from alembic.runtime.migration import MigrationContext

        with self._engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()

    def close(self) -> None:
        """Close the store's database connections."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def _lock(self, conn: Any) -> None:
        if self._postgres:
            conn.execute(_LOCK, {"key": _LOCK_KEY})

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Record several things in one transaction: all of them or none.

        Inside the ``with`` block, every ``record_*`` call of this thread
        joins one transaction that holds the chain's lock; an exception that
        leaves the block rolls all of them back.

        Yields
        ------
        Store
            This store.

        Examples
        --------
        >>> import tempfile
        >>> store = Store.open(f"sqlite:///{tempfile.mkdtemp()}/t.db")
        >>> with store.transaction():
        ...     rid = store.record_review({"case_id": "C1", "questions": [{"prompt_id": "q"}]},
        ...                               team="T", practitioner="W", model_version="m",
        ...                               snapshot_date="2026-11-30")
        ...     _ = store.record_response(rid, "q", "agree", seconds=30.0)
        >>> len(store.records())
        2
        >>> store.close()
        """
        if getattr(self._local, "conn", None) is not None:
            raise OversightError(
                "Store.transaction is already open in this thread; do not nest it."
            )
        with self._engine.begin() as conn:
            self._lock(conn)
            self._local.conn = conn
            # the lock is held to the end: the head and the reviews issued here stay known
            self._local.head = None
            self._local.reviews = {}
            try:
                yield self
            finally:
                self._local.conn = None

    def _append(self, build: Callable[[Any], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """Build rows under the chain's lock, chain them and insert them in one transaction."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return self._chain(conn, build)
        with self._engine.begin() as conn:
            self._lock(conn)
            return self._chain(conn, build)

    def _chain(
        self, conn: Any, build: Callable[[Any], list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        rows = build(conn)
        joined = getattr(self._local, "conn", None) is conn
        head = self._local.head if joined else None
        if head is None:
            found = conn.execute(_HEAD).first()
            head = (0, GENESIS) if found is None else (int(found[0]), str(found[1]))
        seq, prev = head
        for row in rows:
            seq += 1
            full = dict.fromkeys(COLUMNS)
            full.update(row)
            full["seq"] = seq
            full["prev_hash"] = prev
            full["hash"] = prev = record_hash(full)
            row.clear()
            row.update(full)
        conn.execute(_INSERT, rows)
        if joined:
            self._local.head = (seq, prev)
            reviews = self._local.reviews
            for row in rows:
                if row["kind"] == "review_issued":
                    reviews[row["review_id"]] = []
                if row["review_id"] in reviews:
                    reviews[row["review_id"]].append(SimpleNamespace(**row))
        return rows

    def _review_rows(self, conn: Any, review_id: str) -> list[Any]:
        if getattr(self._local, "conn", None) is conn and review_id in self._local.reviews:
            return list(self._local.reviews[review_id])  # issued in this transaction
        return list(conn.execute(_OF_REVIEW, {"review_id": review_id}))

    def _issued(self, conn: Any, review_id: str, what: str) -> tuple[Any, list[Any]]:
        rows = self._review_rows(conn, review_id)
        issued = [r for r in rows if r.kind == "review_issued"]
        if not issued:
            raise OversightError(
                f"No review {review_id!r} is in the oversight trail, so its {what} cannot be "
                "recorded; record the review first (Store.record_review)."
            )
        return issued[0], rows

    def record_review(
        self,
        review: Mapping[str, Any],
        *,
        team: str,
        practitioner: str,
        model_version: str,
        snapshot_date: dt.date | str,
        definitions_sha256: Mapping[str, str] | None = None,
        review_id: str | None = None,
        at: dt.datetime | None = None,
    ) -> str:
        """Record that a review was issued to a practitioner.

        Parameters
        ----------
        review : mapping
            The review dict the host received; only its case id, the ids of
            its prompts (with their factors) and its SHA-256 are recorded.
        team, practitioner : str
            Pseudonymous ids supplied by the host (never names).
        model_version : str
            The model version that produced the review.
        snapshot_date : datetime.date or str
            The date of the records' extract (ISO 8601).
        definitions_sha256 : mapping of str to str, optional
            Hashes of the definitions the model was built with (a bundle's
            manifest holds them).
        review_id : str, optional
            The host's id of the review; a new random id when not given.
        at : datetime.datetime, optional
            When it was issued (with a time zone); now when not given.

        Returns
        -------
        str
            The review id, for the records that follow.

        Raises
        ------
        ModelSwitchedOffError
            If the model version was switched off.
        OversightError
            If the review id is already in the trail.
        InputError
            If an argument is empty, of the wrong type, or the review holds no prompt.
        """
        held = review_prompts(review)
        digest = review_hash(review)
        for value, name in ((team, "team"), (practitioner, "practitioner")):
            _text(value, name)
        _text(model_version, "model_version")
        snapshot = _date(snapshot_date, "snapshot_date")
        hashes = dict(definitions_sha256 or {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in hashes.items()):
            raise InputError(
                f"The 'definitions_sha256' must map text to text; got {definitions_sha256!r}."
            )
        rid = uuid.uuid4().hex if review_id is None else _text(review_id, "review_id")
        when = _now(at, "at")

        def build(conn: Any) -> list[dict[str, Any]]:
            off = self._switched_off(conn, model_version)
            if off is not None:
                raise ModelSwitchedOffError(model_version, *off)
            if conn.execute(_REVIEW_EXISTS, {"review_id": rid}).first() is not None:
                raise OversightError(
                    f"Review {rid!r} is already in the oversight trail; give each review a new id."
                )
            content = {
                "review_sha256": digest,
                "definitions_sha256": hashes,
                "snapshot_date": snapshot,
                "prompts": [list(p) for p in held.prompts],
            }
            return [
                {
                    "kind": "review_issued",
                    "recorded_at": when,
                    "case_id": held.case_id,
                    "review_id": rid,
                    "team": team,
                    "practitioner": practitioner,
                    "model_version": model_version,
                    "content": canonical_json(content),
                }
            ]

        self._append(build)
        return rid

    def record_own_view(
        self,
        review_id: str,
        *,
        worries: str = "",
        going_well: str = "",
        categories: Sequence[str] = (),
        at: dt.datetime | None = None,
    ) -> int:
        """Record the practitioner's own view, formed before the prompts are shown.

        A later own view before the prompts are shown is a correction (a new
        record); one after the prompts were shown or answered is refused.

        Parameters
        ----------
        review_id : str
            The review, from :meth:`record_review`.
        worries, going_well : str
            What the practitioner is worried about and what is working well.
        categories : sequence of str
            The host's categories for the view, if it uses any.
        at : datetime.datetime, optional
            When the view was recorded; now when not given.

        Returns
        -------
        int
            The record's sequence number.

        Raises
        ------
        OversightError
            If the review is unknown, or its prompts were already shown or answered.
        """
        _text(worries, "worries", allow_empty=True)
        _text(going_well, "going_well", allow_empty=True)
        cats = [_text(c, "categories") for c in categories]
        if not (worries.strip() or going_well.strip() or cats):
            raise InputError(
                "An own view needs some content: 'worries', 'going_well' or 'categories'."
            )
        when = _now(at, "at")

        def build(conn: Any) -> list[dict[str, Any]]:
            issued, rows = self._issued(conn, review_id, "own view")
            later = [r.kind for r in rows if r.kind in ("prompts_shown", "response")]
            if later:
                shown = "were answered" if "response" in later else "were shown"
                raise OversightError(
                    f"An own view for review {review_id!r} cannot be recorded now: its prompts "
                    f"{shown}, and an own view is the practitioner's view formed before the "
                    "prompts are shown (record it first next time)."
                )
            content = {"worries": worries, "going_well": going_well, "categories": cats}
            return [self._follow(issued, "own_view", when, content)]

        return int(self._append(build)[0]["seq"])

    def record_prompts_shown(self, review_id: str, *, at: dt.datetime | None = None) -> int:
        """Record when the review's prompts were shown to the practitioner.

        Parameters
        ----------
        review_id : str
            The review, as :meth:`record_review` returned it.
        at : datetime.datetime, optional
            When; now when not given.

        Returns
        -------
        int
            The record's sequence number.

        Raises
        ------
        OversightError
            If the review is unknown or its prompts were already shown.
        """
        when = _now(at, "at")

        def build(conn: Any) -> list[dict[str, Any]]:
            issued, rows = self._issued(conn, review_id, "prompts shown")
            if any(r.kind == "prompts_shown" for r in rows):
                raise OversightError(
                    f"The prompts of review {review_id!r} were already recorded as shown."
                )
            return [self._follow(issued, "prompts_shown", when, {})]

        return int(self._append(build)[0]["seq"])

    def record_response(
        self,
        review_id: str,
        prompt_id: str,
        verdict: str,
        *,
        reason: str = "",
        seconds: float,
        at: dt.datetime | None = None,
    ) -> int:
        """Record a practitioner's response to one prompt of a review.

        Parameters
        ----------
        review_id : str
            The review.
        prompt_id : str
            A prompt the review held.
        verdict : {'agree', 'disagree', 'not_relevant'}
            The practitioner's view of the prompt.
        reason : str
            Why; needed for ``disagree`` and ``not_relevant``.
        seconds : float
            How long the practitioner took to respond.
        at : datetime.datetime, optional
            When; now when not given.

        Returns
        -------
        int
            The record's sequence number.

        Raises
        ------
        OversightError
            If the review is unknown or did not hold the prompt.
        """
        return self.record_responses(
            review_id,
            [{"prompt_id": prompt_id, "verdict": verdict, "reason": reason, "seconds": seconds}],
            at=at,
        )[0]

    def record_responses(
        self,
        review_id: str,
        responses: Iterable[Mapping[str, Any]],
        *,
        at: dt.datetime | None = None,
    ) -> list[int]:
        """Record several responses to one review in one transaction (all or none).

        Parameters
        ----------
        review_id : str
            The review.
        responses : iterable of mapping
            Each with ``prompt_id``, ``verdict``, ``seconds`` and, for a
            ``disagree`` or ``not_relevant`` verdict, ``reason``.
        at : datetime.datetime, optional
            When; now when not given.

        Returns
        -------
        list of int
            The records' sequence numbers.
        """
        from advisory.prompts import Response

        when = _now(at, "at")
        checked: list[tuple[str, str, str, float]] = []
        for i, item in enumerate(responses):
            if not isinstance(item, Mapping):
                raise InputError(f"responses[{i}] must be a dict; got {type(item).__name__}.")
            prompt = _text(item.get("prompt_id"), f"responses[{i}].prompt_id")
            verdict: Any = item.get("verdict")  # checked by Response below
            reason = item.get("reason", "")
            seconds = item.get("seconds")
            if (
                isinstance(seconds, bool)
                or not isinstance(seconds, int | float)
                or not math.isfinite(seconds)
                or seconds < 0
            ):
                raise InputError(
                    f"responses[{i}].seconds must be a finite number of seconds >= 0; "
                    f"got {seconds!r} instead."
                )
            # the prompts layer's rules for a response (verdict, reason)
            Response(
                case_id="-",
                prompt_id=prompt,
                verdict=verdict,
                reason=reason,
                model_version="-",
            )
            checked.append((prompt, str(verdict), str(reason), float(seconds)))
        if not checked:
            raise InputError("record_responses needs at least one response; got none.")

        def build(conn: Any) -> list[dict[str, Any]]:
            issued, _ = self._issued(conn, review_id, "response")
            held = dict(json.loads(issued.content)["prompts"])
            rows = []
            for prompt, verdict, reason, seconds in checked:
                if prompt not in held:
                    raise OversightError(
                        f"Review {review_id!r} of case {issued.case_id!r} did not hold prompt "
                        f"{prompt!r}; it held {sorted(held)}."
                    )
                row = self._follow(issued, "response", when, {})
                row.update(
                    prompt_id=prompt,
                    factor=held[prompt],
                    verdict=verdict,
                    reason=reason,
                    seconds=seconds,
                )
                rows.append(row)
            return rows

        return [int(r["seq"]) for r in self._append(build)]

    def record_decision(
        self,
        case_id: str,
        *,
        category: str,
        text: str = "",
        team: str,
        practitioner: str,
        at: dt.datetime | None = None,
    ) -> int:
        """Record the human decision the host records after a review of the case.

        Parameters
        ----------
        case_id : str
            The case; a review of it must be in the trail.
        category : str
            The host's category of decision.
        text : str
            Free text.
        team, practitioner : str
            Pseudonymous ids of who decided.
        at : datetime.datetime, optional
            When; now when not given.

        Returns
        -------
        int
            The record's sequence number.

        Raises
        ------
        OversightError
            If no review of the case is in the trail.
        """
        _text(case_id, "case_id")
        _text(category, "category")
        _text(text, "text", allow_empty=True)
        _text(team, "team")
        _text(practitioner, "practitioner")
        when = _now(at, "at")

        def build(conn: Any) -> list[dict[str, Any]]:
            last = conn.execute(_LAST_REVIEW_OF_CASE, {"case_id": case_id}).first()
            if last is None:
                raise OversightError(
                    f"No review of case {case_id!r} is in the oversight trail; a decision is "
                    "recorded after a review (Store.record_review first)."
                )
            return [
                {
                    "kind": "decision",
                    "recorded_at": when,
                    "case_id": case_id,
                    "review_id": last.review_id,
                    "team": team,
                    "practitioner": practitioner,
                    "model_version": last.model_version,
                    "reason": text,
                    "content": canonical_json({"category": category}),
                }
            ]

        return int(self._append(build)[0]["seq"])

    @staticmethod
    def _follow(issued: Any, kind: str, when: str, content: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": kind,
            "recorded_at": when,
            "case_id": issued.case_id,
            "review_id": issued.review_id,
            "team": issued.team,
            "practitioner": issued.practitioner,
            "model_version": issued.model_version,
            "content": canonical_json(content),
        }

    # -- switching a model version off ----------------------------------------------------
    def _switched_off(self, conn: Any, model_version: str) -> tuple[str, str] | None:
        last = conn.execute(_LAST_SWITCH, {"model_version": model_version}).first()
        if last is None or last.kind == "model_switched_on":
            return None
        return str(last.reason), str(last.recorded_at)

    def _switch(self, kind: str, model_version: str, reason: str, by: str, at: Any) -> int:
        _text(model_version, "model_version")
        _text(reason, "reason")
        _text(by, "by")
        when = _now(at, "at")

        def build(conn: Any) -> list[dict[str, Any]]:
            off = self._switched_off(conn, model_version) is not None
            if off == (kind == "model_switched_off"):
                state = "off" if off else "on"
                raise OversightError(f"Model version {model_version!r} is already {state}.")
            return [
                {
                    "kind": kind,
                    "recorded_at": when,
                    "model_version": model_version,
                    "practitioner": by,
                    "reason": reason,
                    "content": "{}",
                }
            ]

        return int(self._append(build)[0]["seq"])

    def switch_off(
        self, model_version: str, *, reason: str, by: str, at: dt.datetime | None = None
    ) -> int:
        """Switch a model version off: it gives no more reviews (recorded in the trail).

        Parameters
        ----------
        model_version : str
            The version.
        reason : str
            Why, in words (for example the drift check's statement).
        by : str
            Pseudonymous id of who switched it off.
        at : datetime.datetime, optional
            When; now when not given.

        Returns
        -------
        int
            The record's sequence number.
        """
        return self._switch("model_switched_off", model_version, reason, by, at)

    def switch_on(
        self, model_version: str, *, reason: str, by: str, at: dt.datetime | None = None
    ) -> int:
        """Switch a model version back on after a re-audit (recorded in the trail).

        Parameters
        ----------
        model_version : str
            The version.
        reason : str
            Why, in words (for example the re-audit's conclusion).
        by : str
            Pseudonymous id of who switched it on.
        at : datetime.datetime, optional
            When; now when not given.

        Returns
        -------
        int
            The record's sequence number.
        """
        return self._switch("model_switched_on", model_version, reason, by, at)

    def check_model_version(self, model_version: str) -> None:
        """Raise :class:`ModelSwitchedOffError` if the version was switched off.

        Parameters
        ----------
        model_version : str
            The version about to review a case.
        """
        with self._read() as conn:
            off = self._switched_off(conn, model_version)
        if off is not None:
            raise ModelSwitchedOffError(model_version, *off)

    # -- reading ---------------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[Any]:
        with self._engine.connect().execution_options(advisory_read=True) as conn, conn.begin():
            yield conn

    def records(self, kinds: Sequence[str] | None = None) -> pd.DataFrame:
        """Return every record of the trail, in order.

        Parameters
        ----------
        kinds : sequence of str, optional
            Only records of these kinds.

        Returns
        -------
        pandas.DataFrame
            One row per record.
        """
        import pandas as pd

        query = sa.select(RECORD).order_by(RECORD.c.seq)
        if kinds is not None:
            query = query.where(RECORD.c.kind.in_(list(kinds)))
        with self._read() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.fetchall(), columns=list(COLUMNS))
        # the same dtypes for an empty trail as for a full one
        return frame.astype({"seq": "int64", "seconds": "float64"})

    def verify(self) -> Verification:
        """Check every record's hash and link to the previous one.

        Returns
        -------
        Verification
            ``ok`` and, when not, the first record that does not match and why.
        """
        prev = GENESIS
        expected_seq = 0
        n = 0
        with self._read() as conn:
            for row in conn.execute(sa.select(RECORD).order_by(RECORD.c.seq)).mappings():
                n += 1
                expected_seq += 1
                seq = int(row["seq"])
                problem = ""
                if seq != expected_seq:
                    problem = f"record {expected_seq} is missing (found {seq} next)"
                elif row["prev_hash"] != prev:
                    problem = f"record {seq} does not link to the record before it"
                else:
                    try:
                        same = record_hash(row) == row["hash"]
                    except (ValueError, TypeError):
                        same = False
                    if not same:
                        problem = f"record {seq} was changed after it was written"
                if problem:
                    return Verification(
                        ok=False,
                        n_records=n,
                        head=prev,
                        first_bad_seq=seq,
                        problem=f"The oversight trail was altered: {problem}.",
                    )
                prev = str(row["hash"])
        return Verification(
            ok=True,
            n_records=n,
            head=prev,
            first_bad_seq=None,
            problem=f"All {n:,} records match their hashes and links.",
        )


def _serialise_sqlite(engine: Any) -> None:
    """Make every write transaction on SQLite take the write lock first (BEGIN IMMEDIATE)."""

    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's events emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    def _begin(conn: Any) -> None:
        read = conn.get_execution_options().get("advisory_read", False)
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    sa.event.listen(engine, "connect", _connect)
    sa.event.listen(engine, "begin", _begin)


def check_model_version(store: Store, model_version: str) -> None:
    """Refuse a model version that was switched off in the oversight trail.

    The assembly layer (or a host) calls this before it issues a review.

    Parameters
    ----------
    store : Store
        The oversight trail.
    model_version : str
        The version about to review a case.

    Raises
    ------
    ModelSwitchedOffError
        If the version was switched off and not switched on again.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.oversight import Store, check_model_version
    >>> store = Store.open(f"sqlite:///{tempfile.mkdtemp()}/t.db")
    >>> _ = store.switch_off("m1", reason="re-audit due", by="B1")
    >>> check_model_version(store, "m2")  # another version: nothing to refuse
    >>> check_model_version(store, "m1")
    Traceback (most recent call last):
    ...
    advisory.oversight._errors.ModelSwitchedOffError: ...
    >>> store.close()
    """
    store.check_model_version(model_version)
