"""Stored articles: adding a feed's new entries once, reading them for consumers,
retention."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import (
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from ingest.db import chunks, is_postgres
from ingest.model import ArticleHeader, ParsedEntry, StoredArticle
from ingest.storage.tables import ARTICLES, ArticleRow, FeedRow, PageState

log = logging.getLogger(__name__)

_ORDER_LOCK = 0x6E776172  # "nwar": distinct from the matching and start-up locks


def commit_in_order(session: Session) -> None:
    """Hold the article order lock until this transaction ends.

    Consumers read articles after the last id they saw (and page texts after the last
    `page_seq`), which is only safe if no article commits with a smaller id than one
    already visible. On PostgreSQL ids are drawn from a sequence when the row is
    inserted, not when it commits, so two pollers' transactions could commit out of
    order; holding this lock from the first insert to the commit makes ids (and page
    sequence numbers) visible in ascending order. SQLite has one writer at a time.
    """
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ORDER_LOCK})


def known_identities(session: Session, feed_id: int, identities: Iterable[str]) -> set[str]:
    wanted = list(identities)
    found: set[str] = set()
    for chunk in chunks(wanted):
        found.update(
            session.scalars(
                select(ArticleRow.identity).where(
                    ArticleRow.feed_id == feed_id, ArticleRow.identity.in_(chunk)
                )
            )
        )
    return found


def add_articles(
    session: Session,
    feed_id: int,
    entries: Sequence[ParsedEntry],
    now: datetime,
    *,
    alert_cutoff: datetime | None,
    undated_alertable: bool = True,
    first_poll: bool = False,
    wants_page: Callable[[ParsedEntry], bool] | None = None,
) -> int:
    """Store entries not seen before on this feed; returns how many were new.

    `alert_cutoff`: entries published before it are stored but not alerted
    (the backfill rule for a newly added feed); undated entries count as new.
    `wants_page`: which new entries get their article page fetched (ingest.pages).
    """
    unique: dict[str, ParsedEntry] = {}
    for entry in entries:
        unique.setdefault(stored_identity(entry.identity, feed_id), entry)
    # A feed that never succeeded has stored nothing, so its first poll skips the lookup.
    known = set() if first_poll else known_identities(session, feed_id, unique)
    rows = []
    for ident, entry in unique.items():
        if ident in known:
            continue
        if alert_cutoff is None:
            alertable = True
        elif entry.published is None:
            alertable = undated_alertable
        else:
            alertable = entry.published >= alert_cutoff
        page = wants_page is not None and entry.link is not None and wants_page(entry)
        rows.append(
            {
                "feed_id": feed_id,
                "identity": ident,
                "title": entry.title,
                "link": entry.link,
                "summary": entry.summary,
                "content": entry.content,
                "author": entry.author,
                "language": entry.language,
                "published": entry.published,
                "first_seen": now,
                "alertable": alertable,
                "page_state": PageState.PENDING if page else None,
            }
        )
    # Core executemany: the ORM's bulk path costs more than SQLite itself on a cold poll.
    if rows:
        commit_in_order(session)
        session.execute(insert(ARTICLES), rows)
    return len(rows)


IDENTITY_MAX = 2000  # articles.identity: String(2000), in the unique (feed, identity) index
# PostgreSQL refuses a B-tree entry over ~2,700 bytes (a third of a page): 2,000 characters
# of Cyrillic or CJK exceed that, so the bound is in bytes, as the index sees it.
IDENTITY_MAX_BYTES = 2000


def stored_identity(identity: str, feed_id: int | None = None) -> str:
    """An entry's identity as stored: as it is when it fits, else cut to IDENTITY_MAX
    characters as before (identities cut so stay the same across versions), and one
    still over IDENTITY_MAX_BYTES becomes its leading part plus a SHA-256 of the whole."""
    cut = identity[:IDENTITY_MAX]
    if len(cut.encode()) <= IDENTITY_MAX_BYTES:
        return cut
    digest = hashlib.sha256(identity.encode()).hexdigest()
    head = cut.encode()[: IDENTITY_MAX_BYTES - len(digest) - 1].decode(errors="ignore")
    log.info(
        "identity too long for the index, stored as a digest feed_id=%s bytes=%d",
        feed_id,
        len(identity.encode()),
    )
    return f"{head}#{digest}"


def to_article(row: ArticleRow, feed_name: str) -> StoredArticle:
    return StoredArticle(
        id=row.id,
        feed_id=row.feed_id,
        feed_name=feed_name,
        identity=row.identity,
        title=row.title,
        link=row.link,
        summary=row.summary,
        content=row.content,
        published=row.published,
        first_seen=row.first_seen,
        language=row.language,
        alertable=row.alertable,
        page_text=row.page_text,
        lang=row.lang,
        page_seq=row.page_seq,
    )


def any_after(session: Session, position: int) -> bool:
    """Whether an article was stored after `position` (an index scan, no lock)."""
    query = select(ArticleRow.id).where(ArticleRow.id > position).limit(1)
    return session.execute(query).first() is not None


def articles_after(session: Session, position: int, limit: int) -> list[StoredArticle]:
    """Up to `limit` articles stored after `position` (an article id), in ascending id
    order, which is the order they committed in (`commit_in_order`): a consumer that
    remembers the last id it read misses none and reads none twice."""
    query = (
        select(ArticleRow, FeedRow.name)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(ArticleRow.id > position)
        .order_by(ArticleRow.id)
        .limit(limit)
    )
    return [to_article(row, name) for row, name in session.execute(query)]


def set_langs(session: Session, langs: Mapping[int, str]) -> None:
    """Record the language detected for each article (id -> ISO 639 code)."""
    if langs:
        session.execute(
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("aid"))
            .values(lang=bindparam("lang")),
            [{"aid": aid, "lang": lang[:16]} for aid, lang in langs.items()],
        )


def articles_since(
    session: Session, since: datetime, limit: int | None = None
) -> list[StoredArticle]:
    """Stored articles first seen at or after `since`, oldest first."""
    query = (
        select(ArticleRow, FeedRow.name)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(ArticleRow.first_seen >= since)
        .order_by(ArticleRow.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [to_article(row, name) for row, name in session.execute(query)]


def articles_by_id(session: Session, ids: Iterable[int]) -> dict[int, StoredArticle]:
    wanted = list(set(ids))
    out: dict[int, StoredArticle] = {}
    for chunk in chunks(wanted):
        query = (
            select(ArticleRow, FeedRow.name)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(ArticleRow.id.in_(chunk))
        )
        out.update({row.id: to_article(row, name) for row, name in session.execute(query)})
    return out


def article_headers(session: Session, ids: Iterable[int]) -> dict[int, ArticleHeader]:
    """The headers of the articles still stored among `ids`, by id (no text is read)."""
    wanted = list(set(ids))
    out: dict[int, ArticleHeader] = {}
    for chunk in chunks(wanted):
        query = (
            select(
                ArticleRow.id,
                FeedRow.name,
                ArticleRow.title,
                ArticleRow.link,
                ArticleRow.published,
                ArticleRow.first_seen,
                ArticleRow.alertable,
                ArticleRow.lang,
            )
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(ArticleRow.id.in_(chunk))
        )
        out.update({row[0]: ArticleHeader(*row) for row in session.execute(query)})
    return out


def ids_first_seen_since(session: Session, since: datetime) -> list[int]:
    """Ids of the articles first seen at or after `since`, in ascending order."""
    query = select(ArticleRow.id).where(ArticleRow.first_seen >= since).order_by(ArticleRow.id)
    return list(session.scalars(query))


def delete_articles_before(session: Session, before: datetime, *, through: int) -> list[int]:
    """Retention: articles first seen before `before` that consumers have read (id up to
    `through`); the caller purges their dependants, then `purge_articles`."""
    return list(
        session.scalars(
            select(ArticleRow.id).where(ArticleRow.first_seen < before, ArticleRow.id <= through)
        )
    )


def purge_articles(session: Session, ids: Sequence[int]) -> None:
    from sqlalchemy import delete

    for chunk in chunks(ids):
        session.execute(delete(ArticleRow).where(ArticleRow.id.in_(chunk)))
