"""article_stories.seq: which placement batch stored a story member, so that daemons
sharing one database place the next report of an event where another put the first

Revision ID: 0008
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article_stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_article_stories_seq"), ["seq"], unique=False)
    # Members stored before batches were counted: batch 0, which every warm-up reads.
    op.execute("UPDATE article_stories SET seq = 0")


def downgrade() -> None:
    with op.batch_alter_table("article_stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_stories_seq"))
        batch_op.drop_column("seq")
