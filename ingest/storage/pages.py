"""Article pages: claiming the pages to fetch, recording their text, and the texts
that arrived after their article was matched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from ingest.db import chunks, is_postgres
from ingest.model import StoredArticle
from ingest.storage.articles import to_article
from ingest.storage.tables import ArticleRow, FeedRow, PageState


@dataclass(frozen=True, slots=True)
class PageJob:
    """An article whose page is to be fetched, claimed with a lease."""

    article_id: int
    url: str
    attempts: int


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What one page fetch left: the page's text, or the error and whether to retry."""

    article_id: int
    text: str | None = None
    error: str | None = None
    retry_at: datetime | None = None  # None with an error: given up


def claim_pages(session: Session, now: datetime, *, lease_s: float, limit: int) -> list[PageJob]:
    """Claim up to `limit` pending article pages that are due (SKIP LOCKED on PostgreSQL)."""
    a = ArticleRow
    query = (
        select(a.id, a.link, a.page_attempts)
        .where(
            a.page_state == PageState.PENDING,
            or_(a.page_next_at.is_(None), a.page_next_at <= now),
            or_(a.page_lease_until.is_(None), a.page_lease_until < now),
        )
        .order_by(a.id)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    lease = now + timedelta(seconds=lease_s)
    for chunk in chunks([r.id for r in rows]):
        session.execute(
            update(ArticleRow)
            .where(ArticleRow.id.in_(chunk))
            .values(page_lease_until=lease)
            .execution_options(synchronize_session=False)
        )
    return [PageJob(r.id, r.link or "", r.page_attempts or 0) for r in rows]


def record_pages(session: Session, outcomes: Sequence[PageOutcome]) -> None:
    """Store fetched page text (matched later), or the error and when to try again."""
    for o in outcomes:
        values: dict[str, object] = {
            "page_lease_until": None,
            "page_attempts": ArticleRow.page_attempts + 1,
        }
        if o.text is not None:
            values.update(
                page_state=PageState.DONE, page_text=o.text, page_error=None, page_next_at=None
            )
        else:
            values.update(
                page_state=PageState.PENDING if o.retry_at is not None else PageState.FAILED,
                page_error=(o.error or "failed")[:500],
                page_next_at=o.retry_at,
            )
        session.execute(update(ArticleRow).where(ArticleRow.id == o.article_id).values(**values))


# Page text that arrived after its article's feed text was matched.
_PAGE_UNMATCHED = (
    ArticleRow.page_text.is_not(None),
    ArticleRow.page_matched_at.is_(None),
    ArticleRow.processed_at.is_not(None),
)


def any_unmatched_pages(session: Session) -> bool:
    """Whether some article's page text awaits matching (no lock)."""
    query = select(ArticleRow.id).where(*_PAGE_UNMATCHED).limit(1)
    return session.execute(query).first() is not None


def unmatched_pages(session: Session, limit: int) -> list[StoredArticle]:
    """Articles whose page text arrived after their feed text was matched, oldest first."""
    query = (
        select(ArticleRow, FeedRow.name)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(*_PAGE_UNMATCHED)
        .order_by(ArticleRow.id)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=ArticleRow)
    return [to_article(row, name) for row, name in session.execute(query)]


def mark_pages_matched(session: Session, ids: Sequence[int], now: datetime) -> None:
    for chunk in chunks(ids):
        session.execute(
            update(ArticleRow).where(ArticleRow.id.in_(chunk)).values(page_matched_at=now)
        )
