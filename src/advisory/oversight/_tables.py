"""The trail's table as SQLAlchemy Core sees it (the schema itself is Alembic's)."""

from __future__ import annotations

from typing import Final

from advisory._optional import import_optional

sa = import_optional("sqlalchemy", "oversight", "The oversight store")

__all__ = ["COLUMNS", "KINDS", "RECORD", "VERSION_TABLE"]

#: Alembic's version table for the trail (apart from any other application's).
VERSION_TABLE: Final = "advisory_oversight_version"

#: What a record can be.
KINDS: Final = (
    "review_issued",
    "own_view",
    "prompts_shown",
    "response",
    "decision",
    "model_switched_off",
    "model_switched_on",
)

_metadata = sa.MetaData()

RECORD: Final = sa.Table(
    "oversight_record",
    _metadata,
    sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("case_id", sa.String(200)),
    sa.Column("review_id", sa.String(100)),
    sa.Column("team", sa.String(200)),
    sa.Column("practitioner", sa.String(200)),
    sa.Column("model_version", sa.String(200)),
    sa.Column("prompt_id", sa.String(200)),
    sa.Column("factor", sa.String(200)),
    sa.Column("verdict", sa.String(20)),
    sa.Column("reason", sa.Text()),
    sa.Column("seconds", sa.Double()),
    sa.Column("content", sa.Text(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
)

#: Every column, in table order.
COLUMNS: Final = tuple(c.name for c in RECORD.columns)
