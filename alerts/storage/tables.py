"""The alerts package's tables: stories, hits, digest state and the delivery outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ingest.db import Base, UTCDateTime


class StoryRow(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_article_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)


class ArticleStoryRow(Base):
    __tablename__ = "article_stories"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The placement batch that stored it, counted up under the matching lock: a daemon
    # sharing the database reads the batches after the last it knows, to place the next
    # report of an event where another daemon put the first (NULL until stamped).
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)


class CursorRow(Base):
    """How far alerts has read ingest's articles and page texts (alerts.model.Cursor):
    ingest makes positions visible in ascending order, so one number per cursor says
    what was matched, and nothing of alerts' progress is kept in ingest's tables."""

    __tablename__ = "alert_cursors"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DigestStateRow(Base):
    """Where each (watchlist, target) digest period last ended, so each period is sent once."""

    __tablename__ = "digest_state"

    watchlist: Mapped[str] = mapped_column(String(200), primary_key=True)
    target_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)


class HitRow(Base):
    __tablename__ = "hits"
    __table_args__ = (
        Index("uq_hits_watchlist_article_name", "watchlist", "article_id", "name", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    matched: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(20))
    snippet: Mapped[str] = mapped_column(Text)
    snippet_start: Mapped[int] = mapped_column(Integer)
    snippet_end: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    watchlist: Mapped[str | None] = mapped_column(String(200))
    notifier: Mapped[str] = mapped_column(String(200))
    target_key: Mapped[str] = mapped_column(String(300), index=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    story_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    reported: Mapped[int] = mapped_column(Integer, default=0)
    # A held alert (quiet hours, over a rate limit) names the digest that carries it.
    folded_into: Mapped[int | None] = mapped_column(Integer, index=True)
