"""delivery bookkeeping (outbox, holder, lease) on chunks and runs; server-side /ui sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    for table in ("job_chunks", "training_runs"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("task_id", sa.String(length=64), nullable=True))
            batch.add_column(sa.Column("sent_at", WHEN, nullable=True))
            batch.add_column(sa.Column("heartbeat_at", WHEN, nullable=True))
            if table == "job_chunks":
                batch.add_column(sa.Column("error", sa.Text(), nullable=True))
            else:
                batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    # Work accepted before this migration was sent when it was accepted.
    op.execute("UPDATE job_chunks SET sent_at = CURRENT_TIMESTAMP")
    op.execute("UPDATE training_runs SET sent_at = created_at")
    op.create_table(
        "ui_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_keys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_index(op.f("ix_ui_sessions_api_key_id"), "ui_sessions", ["api_key_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ui_sessions_api_key_id"), table_name="ui_sessions")
    op.drop_table("ui_sessions")
    for table in ("job_chunks", "training_runs"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("error" if table == "job_chunks" else "attempts")
            for column in ("heartbeat_at", "sent_at", "task_id"):
                batch.drop_column(column)
