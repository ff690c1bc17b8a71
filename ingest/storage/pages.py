"""Article pages: claiming the pages to fetch, recording their text, and the texts
stored after a consumer's position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from ingest.db import chunks, is_postgres
from ingest.model import StoredArticle
from ingest.storage.articles import commit_in_order, to_article
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
    """Store fetched page text (matched later), or the error and when to try again.

    Each stored text gets the next `page_seq`, counted in commit order, so that a
    consumer reading the texts after the last number it matched misses none."""
    seq: int | None = None
    for o in outcomes:
        values: dict[str, object] = {
            "page_lease_until": None,
            "page_attempts": ArticleRow.page_attempts + 1,
        }
        if o.text is not None:
            if seq is None:
                commit_in_order(session)
                seq = session.execute(select(func.max(ArticleRow.page_seq))).scalar() or 0
            seq += 1
            values.update(
                page_state=PageState.DONE,
                page_text=o.text,
                page_error=None,
                page_next_at=None,
                page_seq=seq,
            )
        else:
            values.update(
                page_state=PageState.PENDING if o.retry_at is not None else PageState.FAILED,
                page_error=(o.error or "failed")[:500],
                page_next_at=o.retry_at,
            )
        session.execute(update(ArticleRow).where(ArticleRow.id == o.article_id).values(**values))


def _pages_after(position: int, through: int) -> tuple[ColumnElement[bool], ...]:
    # Texts stored after `position` of articles whose feed text was read (id up to
    # `through`): a text stored before its article was read is matched with it.
    return (ArticleRow.page_seq > position, ArticleRow.id <= through)


def any_pages_after(session: Session, position: int, through: int) -> bool:
    """Whether a page text awaits a consumer at `position` (no lock)."""
    query = select(ArticleRow.id).where(*_pages_after(position, through)).limit(1)
    return session.execute(query).first() is not None


def pages_after(session: Session, position: int, through: int, limit: int) -> list[StoredArticle]:
    """Up to `limit` articles whose page text was stored after `position` (a `page_seq`),
    among those up to article id `through`, in the order the texts were stored."""
    query = (
        select(ArticleRow, FeedRow.name)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(*_pages_after(position, through))
        .order_by(ArticleRow.page_seq)
        .limit(limit)
    )
    return [to_article(row, name) for row, name in session.execute(query)]
