"""Read-only totals over hits, stories and the outbox, for metrics and health checks.

Totals come from the database so that they survive a restart of the daemon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.model import DeliveryStatus
from alerts.storage.tables import ArticleStoryRow, DeliveryRow, HitRow, StoryRow
from ingest import storage as istore


@dataclass(frozen=True, slots=True)
class Outbox:
    pending: int
    oldest_pending: datetime | None


@dataclass(frozen=True, slots=True)
class SentAlert:
    """One sent delivery of an article, for the publish-to-alert latency."""

    id: int
    sent_at: datetime
    published: datetime | None
    first_seen: datetime


def hits_by_watchlist(session: Session) -> dict[str, int]:
    rows = session.execute(select(HitRow.watchlist, func.count()).group_by(HitRow.watchlist))
    return {w: int(n) for w, n in rows}


def deliveries_by(session: Session) -> dict[tuple[str, str, str], int]:
    """(status, kind, target key) → count."""
    rows = session.execute(
        select(DeliveryRow.status, DeliveryRow.kind, DeliveryRow.target_key, func.count()).group_by(
            DeliveryRow.status, DeliveryRow.kind, DeliveryRow.target_key
        )
    )
    return {(s, k, t): int(n) for s, k, t, n in rows}


def outbox(session: Session) -> Outbox:
    n, oldest = session.execute(
        select(func.count(), func.min(DeliveryRow.created_at)).where(
            DeliveryRow.status == DeliveryStatus.PENDING
        )
    ).one()
    return Outbox(int(n), oldest)


def story_totals(session: Session) -> tuple[int, int]:
    """(stories, placements): every placement beyond a story's first joined it."""
    stories = session.scalar(select(func.count()).select_from(StoryRow)) or 0
    placed = session.scalar(select(func.count()).select_from(ArticleStoryRow)) or 0
    return int(stories), int(placed)


def sent_alerts_since(
    session: Session, since: datetime | None, limit: int = 5000
) -> list[SentAlert]:
    """Sent article deliveries with `sent_at` at or after `since`, oldest first."""
    query = (
        select(DeliveryRow.id, DeliveryRow.sent_at, DeliveryRow.article_id)
        .where(
            DeliveryRow.status == DeliveryStatus.SENT,
            DeliveryRow.sent_at.is_not(None),
            DeliveryRow.article_id.is_not(None),  # an article's alert, its article still stored
        )
        .order_by(DeliveryRow.sent_at, DeliveryRow.id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(DeliveryRow.sent_at >= since)
    rows = session.execute(query).all()
    articles = istore.article_headers(session, [a for _, _, a in rows if a is not None])
    return [
        SentAlert(i, s, art.published, art.first_seen)
        for i, s, a in rows
        if s is not None and a is not None and (art := articles.get(a)) is not None
    ]
