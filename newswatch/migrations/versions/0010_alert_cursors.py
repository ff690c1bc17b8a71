"""alert_cursors: alerts keeps its own processing cursors (the last article id and the
last page text matched) instead of marks in ingest's articles table; articles.page_seq
numbers stored page texts in commit order; articles.processed_at and page_matched_at go

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_cursors",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.add_column("articles", sa.Column("page_seq", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_articles_page_seq"), "articles", ["page_seq"], unique=False)
    # The articles cursor stops before the first article not matched yet: any matched
    # after it are read again, and a repeated batch stores no hit or alert twice.
    op.execute(
        "INSERT INTO alert_cursors (name, position) SELECT 'articles', COALESCE("
        "(SELECT MIN(id) - 1 FROM articles WHERE processed_at IS NULL),"
        " (SELECT MAX(id) FROM articles), 0)"
    )
    # Page texts waiting to be matched are numbered in article order, after cursor 0.
    waiting = op.get_bind().execute(
        sa.text(
            "SELECT id FROM articles WHERE page_text IS NOT NULL"
            " AND page_matched_at IS NULL ORDER BY id"
        )
    )
    numbers = [{"seq": n, "aid": aid} for n, (aid,) in enumerate(waiting, start=1)]
    if numbers:
        op.get_bind().execute(
            sa.text("UPDATE articles SET page_seq = :seq WHERE id = :aid"), numbers
        )
    op.execute("INSERT INTO alert_cursors (name, position) VALUES ('pages', 0)")
    # SQLite 3.35 and later drop a column in place (no table copy, which would cascade
    # the delete of every article to its hits); its index goes first.
    op.drop_index("ix_articles_unprocessed", table_name="articles")
    op.drop_column("articles", "processed_at")
    op.drop_column("articles", "page_matched_at")


def downgrade() -> None:
    op.add_column("articles", sa.Column("page_matched_at", _UTC, nullable=True))
    op.add_column("articles", sa.Column("processed_at", _UTC, nullable=True))
    op.create_index("ix_articles_unprocessed", "articles", ["processed_at", "id"], unique=False)
    op.execute(
        "UPDATE articles SET processed_at = CURRENT_TIMESTAMP WHERE id <="
        " (SELECT position FROM alert_cursors WHERE name = 'articles')"
    )
    op.execute(
        "UPDATE articles SET page_matched_at = CURRENT_TIMESTAMP WHERE page_seq IS NULL"
        " OR page_seq <= (SELECT position FROM alert_cursors WHERE name = 'pages')"
    )
    op.drop_index(op.f("ix_articles_page_seq"), table_name="articles")
    op.drop_column("articles", "page_seq")
    op.drop_table("alert_cursors")
