"""Stored hits, stories and the delivery outbox: the ORM tables and their queries.

ORM rows never leave this module. Functions take a Session so the pipeline can
write hits and their deliveries in one transaction (the outbox).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from alerts.model import DeliveryView, HitView
from ingest.db import Base
from ingest.storage import ArticleRow, FeedRow, UTCDateTime

PENDING, SENT, FAILED = "pending", "sent", "failed"


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


@dataclass(frozen=True, slots=True)
class NewHit:
    watchlist: str
    name: str
    article_id: int
    matched: str
    field: str
    snippet: str
    snippet_start: int
    snippet_end: int
    variant: str
    reason: str


@dataclass(frozen=True, slots=True)
class NewDelivery:
    dedupe_key: str
    kind: str
    notifier: str
    target_key: str
    due_at: datetime
    watchlist: str | None = None
    article_id: int | None = None
    story_id: int | None = None
    payload: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery claimed by one daemon for one attempt."""

    id: int
    kind: str
    watchlist: str | None
    notifier: str
    target_key: str
    article_id: int | None
    story_id: int | None
    payload: dict[str, Any] | None
    attempts: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredHit:
    name: str
    matched: str
    field: str
    snippet: str
    snippet_start: int
    snippet_end: int
    reason: str


_MATCHING_LOCK = 0x6E657773  # "news": one advisory lock id for the whole application


def serialize_matching(session: Session) -> None:
    """Hold the matching lock until this transaction ends.

    Matching stamps its hits with a time taken after this lock, and the digest job
    takes the lock before it looks at a period: so every hit stamped inside a period
    is committed before that period's digest is decided (SQLite's BEGIN IMMEDIATE
    already serializes writers; PostgreSQL needs the advisory lock).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MATCHING_LOCK})


def create_story(session: Session, article_id: int, title: str, now: datetime) -> int:
    row = StoryRow(first_article_id=article_id, title=title[:1000], first_seen=now, last_seen=now)
    session.add(row)
    session.flush()
    return row.id


def assign_story(
    session: Session, article_id: int, story_id: int, reason: str, now: datetime
) -> None:
    """Put an article in a story (once: a repeated batch after a crash keeps the first)."""
    if session.get(ArticleStoryRow, article_id) is not None:
        return
    session.add(ArticleStoryRow(article_id=article_id, story_id=story_id, reason=reason[:2000]))
    session.execute(update(StoryRow).where(StoryRow.id == story_id).values(last_seen=now))


def story_of(session: Session, article_id: int) -> int | None:
    row = session.get(ArticleStoryRow, article_id)
    return row.story_id if row is not None else None


def story_members_since(session: Session, since: datetime) -> list[tuple[int, int]]:
    """(article id, story id) for articles first seen since `since`, oldest first."""
    rows = session.execute(
        select(ArticleStoryRow.article_id, ArticleStoryRow.story_id)
        .join(ArticleRow, ArticleRow.id == ArticleStoryRow.article_id)
        .where(ArticleRow.first_seen >= since)
        .order_by(ArticleRow.id)
    )
    return [(a, s) for a, s in rows]


def names_alerted_in_story(
    session: Session, watchlist: str, story_id: int, exclude_article: int
) -> set[str]:
    """Names of `watchlist` already hit by another alertable article of the story."""
    rows = session.scalars(
        select(HitRow.name)
        .join(ArticleStoryRow, ArticleStoryRow.article_id == HitRow.article_id)
        .join(ArticleRow, ArticleRow.id == HitRow.article_id)
        .where(
            ArticleStoryRow.story_id == story_id,
            HitRow.watchlist == watchlist,
            HitRow.article_id != exclude_article,
            ArticleRow.alertable.is_(True),
        )
    )
    return set(rows)


def story_outlets(session: Session, story_id: int) -> list[str]:
    """Feed names of the story's articles in order of arrival, each once."""
    rows = session.execute(
        select(FeedRow.name)
        .join(ArticleRow, ArticleRow.feed_id == FeedRow.id)
        .join(ArticleStoryRow, ArticleStoryRow.article_id == ArticleRow.id)
        .where(ArticleStoryRow.story_id == story_id)
        .order_by(ArticleRow.id)
    )
    return list(dict.fromkeys(name for (name,) in rows))


@dataclass(frozen=True, slots=True)
class StoryView:
    id: int
    title: str
    first_seen: datetime
    last_seen: datetime
    articles: tuple[tuple[int, str, str | None, str], ...]  # (id, title, link, feed)
    outlets: tuple[str, ...]
    names: tuple[str, ...]


def list_stories(session: Session, since: datetime | None, limit: int | None) -> list[StoryView]:
    query = select(StoryRow).order_by(StoryRow.last_seen.desc(), StoryRow.id.desc())
    if since is not None:
        query = query.where(StoryRow.last_seen >= since)
    if limit is not None:
        query = query.limit(limit)
    stories = list(session.scalars(query))
    out = []
    for st in stories:
        members = session.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.link, FeedRow.name)
            .join(ArticleStoryRow, ArticleStoryRow.article_id == ArticleRow.id)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(ArticleStoryRow.story_id == st.id)
            .order_by(ArticleRow.id)
        ).all()
        names = session.scalars(
            select(HitRow.name)
            .join(ArticleStoryRow, ArticleStoryRow.article_id == HitRow.article_id)
            .where(ArticleStoryRow.story_id == st.id)
            .distinct()
        )
        out.append(
            StoryView(
                id=st.id,
                title=st.title,
                first_seen=st.first_seen,
                last_seen=st.last_seen,
                articles=tuple((a, t, lnk, f) for a, t, lnk, f in members),
                outlets=tuple(dict.fromkeys(f for _, _, _, f in members)),
                names=tuple(sorted(set(names))),
            )
        )
    return out


def existing_hit_keys(session: Session, article_ids: Sequence[int]) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for i in range(0, len(article_ids), 500):
        rows = session.execute(
            select(HitRow.watchlist, HitRow.article_id, HitRow.name).where(
                HitRow.article_id.in_(article_ids[i : i + 500])
            )
        )
        found.update((w, a, n) for w, a, n in rows)
    return found


def add_hits(session: Session, hits: Iterable[NewHit], now: datetime) -> int:
    """Insert hits not stored yet; returns how many were new."""
    hits = list(hits)
    known = existing_hit_keys(session, sorted({h.article_id for h in hits}))
    added = 0
    for h in hits:
        if (h.watchlist, h.article_id, h.name) in known:
            continue
        known.add((h.watchlist, h.article_id, h.name))
        session.add(
            HitRow(
                watchlist=h.watchlist,
                name=h.name,
                article_id=h.article_id,
                matched=h.matched,
                field=h.field,
                snippet=h.snippet,
                snippet_start=h.snippet_start,
                snippet_end=h.snippet_end,
                variant=h.variant,
                reason=h.reason,
                created_at=now,
            )
        )
        added += 1
    return added


def enqueue(session: Session, deliveries: Iterable[NewDelivery], now: datetime) -> int:
    """Add deliveries to the outbox unless their dedupe key is already there."""
    items = list(deliveries)
    keys = [d.dedupe_key for d in items]
    known: set[str] = set()
    for i in range(0, len(keys), 500):
        known.update(
            session.scalars(
                select(DeliveryRow.dedupe_key).where(DeliveryRow.dedupe_key.in_(keys[i : i + 500]))
            )
        )
    added = 0
    for d in items:
        if d.dedupe_key in known:
            continue
        known.add(d.dedupe_key)
        session.add(
            DeliveryRow(
                dedupe_key=d.dedupe_key,
                kind=d.kind,
                watchlist=d.watchlist,
                notifier=d.notifier,
                target_key=d.target_key,
                article_id=d.article_id,
                story_id=d.story_id,
                payload=json.dumps(d.payload) if d.payload is not None else None,
                status=PENDING,
                attempts=0,
                created_at=now,
                next_attempt_at=d.due_at,
                reported=0,
            )
        )
        added += 1
    return added


def claim_due(
    session: Session, now: datetime, *, lease_s: float, owner: str, limit: int
) -> list[Claimed]:
    """Lease due deliveries, oldest first; an expired lease (a crashed sender) is due again."""
    query = (
        select(DeliveryRow)
        .where(
            DeliveryRow.status == PENDING,
            DeliveryRow.next_attempt_at <= now,
            (DeliveryRow.lease_until.is_(None)) | (DeliveryRow.lease_until < now),
        )
        .order_by(DeliveryRow.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    lease = now + timedelta(seconds=lease_s)
    for row in rows:
        row.lease_until, row.lease_owner = lease, owner
    return [
        Claimed(
            id=r.id,
            kind=r.kind,
            watchlist=r.watchlist,
            notifier=r.notifier,
            target_key=r.target_key,
            article_id=r.article_id,
            story_id=r.story_id,
            payload=json.loads(r.payload) if r.payload else None,
            attempts=r.attempts,
            created_at=r.created_at,
        )
        for r in rows
    ]


def record_attempt(session: Session, delivery_id: int, owner: str, now: datetime) -> bool:
    """Count an attempt before sending; False when the lease was lost to another daemon."""
    result = session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.id == delivery_id,
            DeliveryRow.status == PENDING,
            DeliveryRow.lease_owner == owner,
        )
        .values(attempts=DeliveryRow.attempts + 1, attempted_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sent(session: Session, delivery_id: int, now: datetime) -> None:
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id)
        .values(status=SENT, sent_at=now, lease_until=None, lease_owner=None, last_error=None)
    )


def release(session: Session, ids: Sequence[int]) -> None:
    """Give back leases on deliveries not attempted in this run."""
    if ids:
        session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(ids), DeliveryRow.status == PENDING)
            .values(lease_until=None, lease_owner=None)
        )


def mark_retry(
    session: Session, delivery_id: int, target_key: str, error: str, retry_at: datetime
) -> None:
    """Schedule a retry; later deliveries to the same target wait too, to keep their order."""
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id)
        .values(
            last_error=error[:2000], next_attempt_at=retry_at, lease_until=None, lease_owner=None
        )
    )
    session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.target_key == target_key,
            DeliveryRow.status == PENDING,
            DeliveryRow.id > delivery_id,
            DeliveryRow.next_attempt_at < retry_at,
        )
        .values(next_attempt_at=retry_at)
    )


def mark_failed(session: Session, delivery_id: int, error: str) -> None:
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id)
        .values(status=FAILED, last_error=error[:2000], lease_until=None, lease_owner=None)
    )


def failed_unreported(session: Session) -> list[DeliveryView]:
    rows = session.scalars(
        select(DeliveryRow).where(
            DeliveryRow.status == FAILED, DeliveryRow.reported == 0, DeliveryRow.kind != "ops"
        )
    )
    return [_delivery_view(r, None) for r in rows]


def mark_reported(session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(update(DeliveryRow).where(DeliveryRow.id.in_(ids)).values(reported=1))


def requeue(session: Session, now: datetime, *, delivery_id: int | None, failed: bool) -> int:
    """Put a delivery (or every failed one) back in the queue; returns how many."""
    query = update(DeliveryRow)
    if delivery_id is not None:
        query = query.where(DeliveryRow.id == delivery_id, DeliveryRow.status != PENDING)
    elif failed:
        query = query.where(DeliveryRow.status == FAILED)
    else:
        return 0
    result = session.execute(
        query.values(
            status=PENDING,
            next_attempt_at=now,
            created_at=now,
            lease_until=None,
            lease_owner=None,
            reported=0,
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def hits_for_article(session: Session, watchlist: str, article_id: int) -> list[StoredHit]:
    rows = session.scalars(
        select(HitRow)
        .where(HitRow.watchlist == watchlist, HitRow.article_id == article_id)
        .order_by(HitRow.id)
    )
    return [
        StoredHit(r.name, r.matched, r.field, r.snippet, r.snippet_start, r.snippet_end, r.reason)
        for r in rows
    ]


def list_hits(
    session: Session,
    *,
    watchlist: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[HitView]:
    query = (
        select(HitRow, ArticleRow, FeedRow.name, ArticleStoryRow.story_id)
        .join(ArticleRow, ArticleRow.id == HitRow.article_id)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .outerjoin(ArticleStoryRow, ArticleStoryRow.article_id == HitRow.article_id)
        .order_by(HitRow.created_at.desc(), HitRow.id.desc())
    )
    if watchlist is not None:
        query = query.where(HitRow.watchlist == watchlist)
    if since is not None:
        query = query.where(HitRow.created_at >= since)
    if limit is not None:
        query = query.limit(limit)
    return [
        HitView(
            id=h.id,
            watchlist=h.watchlist,
            name=h.name,
            matched=h.matched,
            field=h.field,
            snippet=h.snippet,
            variant=h.variant,
            reason=h.reason,
            article_id=a.id,
            url=a.link,
            title=a.title,
            feed=feed,
            published=a.published,
            first_seen=a.first_seen,
            story=story,
        )
        for h, a, feed, story in session.execute(query)
    ]


def list_deliveries(
    session: Session, *, status: str | None = None, limit: int | None = None
) -> list[DeliveryView]:
    query = (
        select(DeliveryRow, ArticleRow.title)
        .outerjoin(ArticleRow, ArticleRow.id == DeliveryRow.article_id)
        .order_by(DeliveryRow.id.desc())
    )
    if status is not None:
        query = query.where(DeliveryRow.status == status)
    if limit is not None:
        query = query.limit(limit)
    return [_delivery_view(r, title) for r, title in session.execute(query)]


def _delivery_view(r: DeliveryRow, title: str | None) -> DeliveryView:
    return DeliveryView(
        id=r.id,
        kind=r.kind,
        watchlist=r.watchlist,
        notifier=r.notifier,
        target=r.target_key,
        status=r.status,
        attempts=r.attempts,
        article_id=r.article_id,
        title=title,
        created_at=r.created_at,
        next_attempt_at=r.next_attempt_at if r.status == PENDING else None,
        sent_at=r.sent_at,
        last_error=r.last_error,
    )


def purge_for_articles(session: Session, article_ids: Sequence[int]) -> None:
    """Retention: drop hits and story links of articles about to be deleted."""
    for i in range(0, len(article_ids), 500):
        chunk = article_ids[i : i + 500]
        session.execute(delete(HitRow).where(HitRow.article_id.in_(chunk)))
        session.execute(delete(ArticleStoryRow).where(ArticleStoryRow.article_id.in_(chunk)))
        session.execute(
            delete(DeliveryRow).where(
                DeliveryRow.article_id.in_(chunk), DeliveryRow.status != PENDING
            )
        )


# --- delivery modes: digests, held alerts -------------------------------------------------

HELD = "held"


def digest_state(session: Session, watchlist: str, target_key: str) -> datetime | None:
    row = session.get(DigestStateRow, (watchlist, target_key))
    return row.period_end if row is not None else None


def start_digest_state(session: Session, watchlist: str, target_key: str, now: datetime) -> None:
    """The first period of a new (watchlist, target) starts now, not at the first hit ever."""
    if session.get(DigestStateRow, (watchlist, target_key)) is None:
        session.add(DigestStateRow(watchlist=watchlist, target_key=target_key, period_end=now))
        session.flush()


def advance_digest_state(
    session: Session, watchlist: str, target_key: str, last_end: datetime, end: datetime
) -> bool:
    """Move the period on; False when another daemon moved it first (its digest stands)."""
    result = session.execute(
        update(DigestStateRow)
        .where(
            DigestStateRow.watchlist == watchlist,
            DigestStateRow.target_key == target_key,
            DigestStateRow.period_end == last_end,
        )
        .values(period_end=end)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _period_hits(watchlist: str, start: datetime, end: datetime) -> Any:
    return (
        select(HitRow)
        .join(ArticleRow, ArticleRow.id == HitRow.article_id)
        .where(
            HitRow.watchlist == watchlist,
            HitRow.created_at > start,
            HitRow.created_at <= end,
            ArticleRow.alertable.is_(True),
        )
    )


def has_hits_between(session: Session, watchlist: str, start: datetime, end: datetime) -> bool:
    """Whether alertable hits were stored in (start, end] (an empty period sends nothing)."""
    return session.scalars(_period_hits(watchlist, start, end).limit(1)).first() is not None


def hits_between(
    session: Session, watchlist: str, start: datetime, end: datetime
) -> list[tuple[int, StoredHit]]:
    """(article id, hit) of alertable hits stored in (start, end], in order of discovery."""
    rows = session.scalars(_period_hits(watchlist, start, end).order_by(HitRow.id))
    return [
        (
            r.article_id,
            StoredHit(
                r.name, r.matched, r.field, r.snippet, r.snippet_start, r.snippet_end, r.reason
            ),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Foldable:
    """A pending alert never attempted, which quiet hours or a rate limit may hold."""

    id: int
    kind: str
    watchlist: str | None
    notifier: str
    target_key: str
    created_at: datetime


def foldable(
    session: Session, now: datetime, watchlists: Sequence[str], target_keys: Sequence[str]
) -> list[Foldable]:
    """Unattempted, unleased instant alerts of these watchlists or targets, oldest first."""
    if not watchlists and not target_keys:
        return []
    query = (
        select(DeliveryRow)
        .where(
            DeliveryRow.status == PENDING,
            DeliveryRow.kind.in_(("instant", "followup")),
            DeliveryRow.attempts == 0,
            (DeliveryRow.lease_until.is_(None)) | (DeliveryRow.lease_until < now),
            DeliveryRow.watchlist.in_(watchlists) | DeliveryRow.target_key.in_(target_keys),
        )
        .order_by(DeliveryRow.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [
        Foldable(r.id, r.kind, r.watchlist, r.notifier, r.target_key, r.created_at)
        for r in session.scalars(query)
    ]


def instant_used(session: Session, target_key: str, since: datetime, now: datetime) -> int:
    """Instant alerts to a target that count against its rate limit since `since`:
    sent on their own then (not in a digest), or attempted or leased (in flight or
    retrying)."""
    query = select(DeliveryRow.id).where(
        DeliveryRow.target_key == target_key,
        DeliveryRow.kind.in_(("instant", "followup")),
        DeliveryRow.folded_into.is_(None),
        ((DeliveryRow.status == SENT) & (DeliveryRow.sent_at >= since))
        | (
            (DeliveryRow.status == PENDING)
            & ((DeliveryRow.attempts > 0) | (DeliveryRow.lease_until >= now))
        ),
    )
    return len(list(session.scalars(query)))


def open_digest(session: Session, dedupe_key: str) -> int | None:
    """The id of a held-alerts digest that can still take alerts (pending, never tried)."""
    row = session.scalars(select(DeliveryRow).where(DeliveryRow.dedupe_key == dedupe_key)).first()
    if row is None or row.status != PENDING or row.attempts > 0 or row.lease_owner is not None:
        return None
    return row.id


def digest_exists(session: Session, dedupe_key: str) -> bool:
    found = session.scalars(select(DeliveryRow.id).where(DeliveryRow.dedupe_key == dedupe_key))
    return found.first() is not None


def hold(session: Session, ids: Sequence[int], digest_id: int) -> None:
    """Hold alerts in a digest: they leave the queue and go out (and count as sent) with it."""
    if ids:
        session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(ids), DeliveryRow.status == PENDING)
            .values(status=HELD, folded_into=digest_id, lease_until=None, lease_owner=None)
        )


def held_in(session: Session, digest_id: int) -> list[tuple[str, int]]:
    """(watchlist, article id) of the alerts a digest carries, in order of discovery."""
    rows = session.execute(
        select(DeliveryRow.watchlist, DeliveryRow.article_id)
        .where(DeliveryRow.folded_into == digest_id)
        .order_by(DeliveryRow.id)
    )
    return [(w, a) for w, a in rows if w is not None and a is not None]


def mark_held_sent(session: Session, digest_id: int, now: datetime) -> None:
    """Called in the transaction that records the digest's success."""
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.folded_into == digest_id, DeliveryRow.status == HELD)
        .values(status=SENT, sent_at=now)
    )
