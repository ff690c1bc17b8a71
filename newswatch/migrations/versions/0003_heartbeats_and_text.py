"""daemon heartbeats, and unbounded text for the values feeds send

Leases of a daemon that stopped beating are free again (table `daemons`). Feed names,
URLs after a redirect, ETag, Last-Modified, titles and xml:lang become TEXT: PostgreSQL
refused longer values and failed every poll of their feed. SQLite enforces no length,
and rebuilding `feeds` there would cascade-delete its articles, so it is left alone.

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daemons",
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("process", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("owner"),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in _WIDENED:
        op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))


_WIDENED = [
    ("feeds", "name", 500),
    ("feeds", "url", 2000),
    ("feeds", "etag", 1000),
    ("feeds", "last_modified", 200),
    ("feeds", "title", 1000),
    ("articles", "language", 40),
]


def downgrade() -> None:
    # Widened columns stay TEXT: narrowing them again could not keep every stored value.
    op.drop_table("daemons")
