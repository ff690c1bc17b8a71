"""article pages and feed kinds: full text from an entry's link (per feed `fulltext`);
feeds.kind (feed, telegram, sitemap)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fulltext", sa.String(length=20), nullable=False, server_default="auto")
        )
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="feed")
        )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("page_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("page_error", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("page_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("page_next_at", _UTC, nullable=True))
        batch_op.add_column(sa.Column("page_lease_until", _UTC, nullable=True))
        batch_op.add_column(sa.Column("page_matched_at", _UTC, nullable=True))
        batch_op.create_index(
            "ix_articles_page_state", ["page_state", "page_next_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_page_state")
        for column in (
            "page_matched_at",
            "page_lease_until",
            "page_next_at",
            "page_attempts",
            "page_error",
            "page_text",
            "page_state",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("kind")
        batch_op.drop_column("fulltext")
