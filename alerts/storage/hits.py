"""Stored hits: adding them once, listing them, and the lock that orders them against digests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import cast

from sqlalchemy import (
    Table,
    delete,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from alerts.model import DeliveryStatus, Hit, HitView
from alerts.storage.tables import (
    ArticleStoryRow,
    DeliveryRow,
    HitRow,
)
from ingest import storage as istore
from ingest.db import chunks, is_postgres

_HITS = cast(Table, HitRow.__table__)
# Hit's fields are columns of the hits table under the same names.
_HIT_FIELDS = tuple(f.name for f in fields(Hit))


@dataclass(frozen=True, slots=True)
class NewHit:
    """A hit to store: which watchlist found it in which article."""

    watchlist: str
    article_id: int
    hit: Hit


_MATCHING_LOCK = 0x6E657773  # "news": one advisory lock id for the whole application


def serialize_matching(session: Session) -> None:
    """Hold the matching lock until this transaction ends.

    Matching stamps its hits with a time taken after this lock, and the digest job
    takes the lock before it looks at a period: so every hit stamped inside a period
    is committed before that period's digest is decided (SQLite's BEGIN IMMEDIATE
    already serializes writers; PostgreSQL needs the advisory lock).
    """
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MATCHING_LOCK})


def existing_hit_keys(session: Session, article_ids: Sequence[int]) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for chunk in chunks(article_ids):
        rows = session.execute(
            select(HitRow.watchlist, HitRow.article_id, HitRow.name).where(
                HitRow.article_id.in_(chunk)
            )
        )
        found.update((w, a, n) for w, a, n in rows)
    return found


def add_hits(session: Session, hits: Iterable[NewHit], now: datetime) -> int:
    """Insert hits not stored yet; returns how many were new.

    One lookup and one multi-row INSERT per call, whatever its size: one ORM object per
    hit was most of the cost of storing a busy cycle's hits (issue 12). Pass a whole
    batch's hits at once to pay the round trips once.
    """
    hits = list(hits)
    known = existing_hit_keys(session, sorted({h.article_id for h in hits}))
    rows: list[dict[str, object]] = []
    for h in hits:
        key = (h.watchlist, h.article_id, h.hit.name)
        if key in known:
            continue
        known.add(key)
        rows.append(
            {
                "watchlist": h.watchlist,
                "article_id": h.article_id,
                **{f: getattr(h.hit, f) for f in _HIT_FIELDS},
                "created_at": now,
            }
        )
    if rows:
        # Core executemany, as ingest.storage.add_articles: the ORM's bulk path costs more.
        session.execute(insert(_HITS), rows)
    return len(rows)


def to_hit(row: HitRow) -> Hit:
    return Hit(**{f: getattr(row, f) for f in _HIT_FIELDS})


def hits_for_article(session: Session, watchlist: str, article_id: int) -> list[Hit]:
    rows = session.scalars(
        select(HitRow)
        .where(HitRow.watchlist == watchlist, HitRow.article_id == article_id)
        .order_by(HitRow.id)
    )
    return [to_hit(r) for r in rows]


def list_hits(
    session: Session,
    *,
    watchlist: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[HitView]:
    query = (
        select(HitRow, ArticleStoryRow.story_id)
        .outerjoin(ArticleStoryRow, ArticleStoryRow.article_id == HitRow.article_id)
        .order_by(HitRow.created_at.desc(), HitRow.id.desc())
    )
    if watchlist is not None:
        query = query.where(HitRow.watchlist == watchlist)
    if since is not None:
        query = query.where(HitRow.created_at >= since)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    articles = istore.article_headers(session, [h.article_id for h, _ in rows])
    return [
        HitView(
            id=h.id,
            watchlist=h.watchlist,
            hit=to_hit(h),
            article_id=a.id,
            url=a.link,
            title=a.title,
            feed=a.feed_name,
            published=a.published,
            first_seen=a.first_seen,
            story=story,
            lang=a.lang,
        )
        for h, story in rows
        if (a := articles.get(h.article_id)) is not None
    ]


def purge_for_articles(session: Session, article_ids: Sequence[int]) -> None:
    """Retention: drop hits and story links of articles about to be deleted."""
    for chunk in chunks(article_ids):
        session.execute(delete(HitRow).where(HitRow.article_id.in_(chunk)))
        session.execute(delete(ArticleStoryRow).where(ArticleStoryRow.article_id.in_(chunk)))
        session.execute(
            delete(DeliveryRow).where(
                DeliveryRow.article_id.in_(chunk), DeliveryRow.status != DeliveryStatus.PENDING
            )
        )
