"""The append-only oversight trail: one table of hash-chained records.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_REFUSE = "oversight_record is append-only: a correction is a new record"


def upgrade() -> None:
    """Create the trail table, its indexes and the triggers that refuse changes."""
    op.create_table(
        "oversight_record",
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
    op.create_index("ix_oversight_record_review", "oversight_record", ["review_id"])
    op.create_index("ix_oversight_record_case", "oversight_record", ["case_id"])
    op.create_index("ix_oversight_record_kind", "oversight_record", ["kind", "model_version"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION oversight_record_refuse() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_REFUSE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER oversight_record_append_only BEFORE UPDATE OR DELETE "
            "ON oversight_record FOR EACH ROW EXECUTE FUNCTION oversight_record_refuse()"
        )
        op.execute(
            "CREATE TRIGGER oversight_record_no_truncate BEFORE TRUNCATE "
            "ON oversight_record FOR EACH STATEMENT EXECUTE FUNCTION oversight_record_refuse()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER oversight_record_no_{action.lower()} BEFORE {action} "
                f"ON oversight_record BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )


def downgrade() -> None:
    """Drop the trail (used only by tests of the migration itself)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE oversight_record")
        op.execute("DROP FUNCTION oversight_record_refuse()")
    else:
        op.drop_table("oversight_record")
