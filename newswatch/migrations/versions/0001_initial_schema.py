"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_state",
        sa.Column("watchlist", sa.String(length=200), nullable=False),
        sa.Column("target_key", sa.String(length=300), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("watchlist", "target_key"),
    )
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("config_url", sa.String(length=2000), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("interval_s", sa.Float(), nullable=False),
        sa.Column("etag", sa.String(length=1000), nullable=True),
        sa.Column("last_modified", sa.String(length=200), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=True),
        sa.Column("item_fingerprints", sa.Text(), nullable=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=40), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failing_reported", sa.Boolean(), nullable=False),
        sa.Column("recovered_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gone", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("ttl_s", sa.Float(), nullable=True),
        sa.Column("title", sa.String(length=1000), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("config_url"),
    )
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feeds_next_check_at"), ["next_check_at"], unique=False)

    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_article_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stories_first_seen"), ["first_seen"], unique=False)

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=40), nullable=True),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("alertable", sa.Boolean(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed_id", "identity", name="uq_articles_feed_identity"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_first_seen"), ["first_seen"], unique=False)
        batch_op.create_index("ix_articles_unprocessed", ["processed_at", "id"], unique=False)

    op.create_table(
        "article_stories",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    with op.batch_alter_table("article_stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_stories_story_id"), ["story_id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("watchlist", sa.String(length=200), nullable=True),
        sa.Column("notifier", sa.String(length=200), nullable=False),
        sa.Column("target_key", sa.String(length=300), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_article_id"), ["article_id"], unique=False)
        batch_op.create_index("ix_deliveries_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_target_key"), ["target_key"], unique=False)

    op.create_table(
        "hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watchlist", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.Column("snippet_start", sa.Integer(), nullable=False),
        sa.Column("snippet_end", sa.Integer(), nullable=False),
        sa.Column("variant", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hits_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hits_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            "uq_hits_watchlist_article_name", ["watchlist", "article_id", "name"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_index("uq_hits_watchlist_article_name")
        batch_op.drop_index(batch_op.f("ix_hits_created_at"))
        batch_op.drop_index(batch_op.f("ix_hits_article_id"))

    op.drop_table("hits")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_target_key"))
        batch_op.drop_index("ix_deliveries_due")
        batch_op.drop_index(batch_op.f("ix_deliveries_article_id"))

    op.drop_table("deliveries")
    with op.batch_alter_table("article_stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_stories_story_id"))

    op.drop_table("article_stories")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_unprocessed")
        batch_op.drop_index(batch_op.f("ix_articles_first_seen"))
        batch_op.drop_index(batch_op.f("ix_articles_feed_id"))

    op.drop_table("articles")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_first_seen"))

    op.drop_table("stories")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feeds_next_check_at"))

    op.drop_table("feeds")
    op.drop_table("digest_state")
