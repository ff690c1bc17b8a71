"""The feeds and articles tables (ORM rows stay inside ingest.storage)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ingest.db import Base, UTCDateTime


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Values a feed (or its server) sends are unbounded text: a 63-character xml:lang or a
    # 3,000-character ETag failed every poll of its feed on PostgreSQL (issue 11).
    name: Mapped[str] = mapped_column(Text)
    config_url: Mapped[str] = mapped_column(String(2000), unique=True)
    url: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    interval_s: Mapped[float] = mapped_column(Float)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    item_fingerprints: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(40))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    recovered_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gone: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    ttl_s: Mapped[float | None] = mapped_column(Float)
    title: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fulltext: Mapped[str] = mapped_column(String(20), default="auto", server_default="auto")
    kind: Mapped[str] = mapped_column(String(20), default="feed", server_default="feed")


class PageState(StrEnum):
    """Where the fetch of an article's page stands (`ArticleRow.page_state`)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # tried `page_attempts` times


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("feed_id", "identity", name="uq_articles_feed_identity"),
        Index("ix_articles_page_state", "page_state", "page_next_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    identity: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(Text)
    # Detected from the article's text (ingest/langid.py), unlike the feed's `language`.
    lang: Mapped[str | None] = mapped_column(String(16))
    published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    alertable: Mapped[bool] = mapped_column(Boolean, default=True)
    # The article page's text (ingest.pages): `page_state` is None when no page is
    # wanted, else a PageState.
    page_state: Mapped[str | None] = mapped_column(String(20))
    page_text: Mapped[str | None] = mapped_column(Text)
    page_error: Mapped[str | None] = mapped_column(Text)
    page_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    page_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    page_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counted up each time a page's text is stored, in commit order (`commit_in_order`):
    # a consumer remembers the last it matched (NULL until a text is stored).
    page_seq: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)


ARTICLES = cast(Table, ArticleRow.__table__)
FEEDS = cast(Table, FeedRow.__table__)
