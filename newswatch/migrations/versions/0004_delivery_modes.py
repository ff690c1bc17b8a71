"""delivery modes: alerts held in a digest (quiet hours, rate limits)

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("folded_into", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_deliveries_folded_into"), ["folded_into"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_folded_into"))
        batch_op.drop_column("folded_into")
