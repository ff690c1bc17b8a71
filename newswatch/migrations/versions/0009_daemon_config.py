"""daemons.config_path, daemons.config_digest: the config each daemon runs, so that
`add` and `import-opml` can tell whether a running daemon took their change

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("daemons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config_path", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("config_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("daemons", schema=None) as batch_op:
        batch_op.drop_column("config_digest")
        batch_op.drop_column("config_path")
