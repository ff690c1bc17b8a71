"""Stored feeds and articles: the ORM tables and every query over them.

ORM rows never leave this module; callers get frozen values from ingest.model.
Functions take a Session so that a caller can compose one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ingest import heartbeat, schedule
from ingest.db import Base, UTCDateTime, chunks, is_postgres
from ingest.model import FeedKind, FulltextMode, ParsedEntry, StoredArticle
from ingest.outcomes import POLL_FAILURES, ErrorKind, FeedState, PollStatus

log = logging.getLogger(__name__)


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
        Index("ix_articles_unprocessed", "processed_at", "id"),
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
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The article page's text (ingest.pages): `page_state` is None when no page is
    # wanted, else a PageState.
    page_state: Mapped[str | None] = mapped_column(String(20))
    page_text: Mapped[str | None] = mapped_column(Text)
    page_error: Mapped[str | None] = mapped_column(Text)
    page_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    page_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    page_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    page_matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_ARTICLES = cast(Table, ArticleRow.__table__)
_FEEDS = cast(Table, FeedRow.__table__)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A feed as configured."""

    name: str
    url: str
    interval_s: float
    enabled: bool = True
    fulltext: FulltextMode = FulltextMode.AUTO
    kind: FeedKind = FeedKind.FEED


@dataclass(frozen=True, slots=True)
class DueFeed:
    """A feed claimed for one poll, with the state the fetch and decisions need."""

    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    item_fingerprints: str | None  # JSON, decoded by `known_fingerprints` only when needed
    interval_s: float
    error_count: int
    ttl_s: float | None
    first_poll: bool
    config_url: str
    note: str | None  # the note as the previous poll left it (see ingest.notes)
    failing_since: datetime | None = None
    failing_reported: bool = False
    fulltext: FulltextMode = FulltextMode.AUTO
    kind: FeedKind = FeedKind.FEED
    pushed: bool = False  # its hub pushes its updates (WebSub): polled as a safety net

    def known_fingerprints(self) -> frozenset[str]:
        # Decoded on demand: a 304 or an identical body never needs them, and decoding
        # fifty per feed at claim time was a third of claiming.
        return decode_fingerprints(self.item_fingerprints)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one poll of a feed decided, to be written back."""

    status: PollStatus
    next_check_at: datetime
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    fingerprints: frozenset[str] | None = None
    new_url: str | None = None
    note: str | None = None  # the whole note from now on (ingest.notes); None clears it
    ttl_s: float | None = None
    title: str | None = None
    error_kind: ErrorKind | None = None  # with `error`: why, as a closed vocabulary


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed's health as `newswatch feeds` shows it."""

    id: int
    name: str
    url: str
    config_url: str
    enabled: bool
    status: FeedState
    last_checked_at: datetime | None
    last_success_at: datetime | None
    error_count: int
    last_error: str | None
    failing_since: datetime | None
    next_check_at: datetime
    articles: int
    per_day: float
    note: str | None


def encode_fingerprints(prints: frozenset[str]) -> str:
    """Item fingerprints as one space-separated string, sorted so it is stable."""
    return " ".join(sorted(prints))


def decode_fingerprints(raw: str | None) -> frozenset[str]:
    if not raw:
        return frozenset()
    if raw.startswith("["):
        # A JSON list of 128-bit prints, written before they shrank to 64 bits: none
        # matches a new print, so the feed's next change is parsed in full, once.
        return frozenset(json.loads(raw))
    return frozenset(raw.split())


def sync_feeds(session: Session, specs: Sequence[FeedSpec], now: datetime) -> None:
    """Make the feeds table follow the config; removed feeds are disabled, never deleted."""
    rows = {r.config_url: r for r in session.scalars(select(FeedRow))}
    wanted = {s.url for s in specs}
    for spec in specs:
        row = rows.get(spec.url)
        if row is None:
            session.add(
                FeedRow(
                    name=spec.name,
                    config_url=spec.url,
                    url=spec.url,
                    enabled=spec.enabled,
                    interval_s=spec.interval_s,
                    next_check_at=now,
                    error_count=0,
                    created_at=now,
                    gone=False,
                    failing_reported=False,
                    fulltext=spec.fulltext,
                    kind=spec.kind,
                )
            )
            continue
        if row.interval_s != spec.interval_s and row.next_check_at > now + timedelta(
            seconds=spec.interval_s
        ):
            row.next_check_at = now
        if spec.enabled and not row.enabled:
            # Removed from the config and added back: a fresh start, as the
            # "410 Gone" note promises, rather than the old verdict.
            row.gone, row.note, row.next_check_at = False, None, now
            row.error_count, row.failing_since, row.failing_reported = 0, None, False
        row.name, row.interval_s, row.enabled = spec.name, spec.interval_s, spec.enabled
        row.fulltext, row.kind = spec.fulltext, spec.kind
    for url, row in rows.items():
        if url not in wanted and row.enabled:
            row.enabled = False


def release_feeds(session: Session, ids: Sequence[int], owner: str) -> None:
    """Free `owner`'s leases on `ids` at once (the poller's, on feeds whose outcome it
    could not record): they are due again now, not when the lease lapses."""
    for chunk in chunks(list(ids)):
        session.execute(
            update(FeedRow)
            .where(FeedRow.id.in_(chunk), FeedRow.lease_owner == owner)
            .values(lease_until=None, lease_owner=None)
            .execution_options(synchronize_session=False)
        )


def claim_due(
    session: Session,
    now: datetime,
    *,
    lease_s: float,
    owner: str,
    limit: int,
    force: bool = False,
    after_id: int | None = None,
) -> list[DueFeed]:
    """Claim up to `limit` due feeds for `owner` (SKIP LOCKED where the backend has it).

    `force` claims feeds whether due or not, in id order from `after_id` on, so a forced
    cycle over many batches pages through the table instead of claiming a feed twice.
    """
    t = FeedRow
    query = select(
        t.id,
        t.name,
        t.url,
        t.etag,
        t.last_modified,
        t.body_hash,
        t.item_fingerprints,
        t.interval_s,
        t.error_count,
        t.ttl_s,
        t.last_success_at.is_(None).label("first_poll"),
        t.config_url,
        t.note,
        t.failing_since,
        t.failing_reported,
        t.fulltext,
        t.kind,
    ).where(
        t.enabled.is_(True),
        t.gone.is_(False),
        heartbeat.lease_free(t.lease_until, t.lease_owner, now),
    )
    if force:
        if after_id is not None:
            query = query.where(t.id > after_id)
        query = query.order_by(t.id).limit(limit)
    else:
        query = query.where(t.next_check_at <= now).order_by(t.next_check_at).limit(limit)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    lease = now + timedelta(seconds=lease_s)
    ids = [r.id for r in rows]
    # One UPDATE per chunk rather than one per row: claiming 1,000 feeds stays one round trip.
    for chunk in chunks(ids):
        session.execute(
            update(FeedRow)
            .where(FeedRow.id.in_(chunk))
            .values(lease_until=lease, lease_owner=owner)
            .execution_options(synchronize_session=False)
        )
    return [
        DueFeed(
            id=r.id,
            name=r.name,
            url=r.url,
            etag=r.etag,
            last_modified=r.last_modified,
            body_hash=r.body_hash,
            item_fingerprints=r.item_fingerprints,
            interval_s=r.interval_s,
            error_count=r.error_count,
            ttl_s=r.ttl_s,
            first_poll=bool(r.first_poll),
            config_url=r.config_url,
            note=r.note,
            failing_since=r.failing_since,
            failing_reported=bool(r.failing_reported),
            fulltext=FulltextMode(r.fulltext or FulltextMode.AUTO),
            kind=FeedKind(r.kind or FeedKind.FEED),
        )
        for r in rows
    ]


def rebase_schedule(
    session: Session, now: datetime, *, max_backoff_s: float, lease_s: float
) -> list[tuple[str, str]]:
    """Bound every stored next check and lease by now + its longest legitimate length
    (see `schedule.rebased`); returns (feed name, reason) of each feed changed."""
    tolerance = now + timedelta(seconds=schedule.CLOCK_TOLERANCE_S)
    t = FeedRow
    rows = session.execute(
        select(t.id, t.name, t.next_check_at, t.last_checked_at, t.created_at, t.interval_s).where(
            or_(
                t.last_checked_at > tolerance,
                t.created_at > tolerance,
                t.next_check_at > now + timedelta(seconds=schedule.RETRY_AFTER_CAP_S),
                t.lease_until > now + timedelta(seconds=lease_s),
            )
        )
    ).all()
    changed: list[tuple[str, str]] = []
    for r in rows:
        decided_at = r.last_checked_at or r.created_at
        longest = schedule.longest_wait_s(r.interval_s, max_backoff_s)
        values: dict[str, object] = {}
        found = schedule.rebased(now, r.next_check_at, decided_at, longest)
        if found is not None:
            values["next_check_at"], reason = found
            changed.append((r.name, reason))
        # Times ahead of now would rebase the feed again on every tick until real time
        # caught up; a lease taken before the jump keeps its length, counted from now.
        if r.last_checked_at is not None and r.last_checked_at > now:
            values["last_checked_at"] = now
        if r.created_at > now:
            values["created_at"] = now
        session.execute(
            update(FeedRow)
            .where(FeedRow.id == r.id, FeedRow.lease_until > now + timedelta(seconds=lease_s))
            .values(lease_until=now + timedelta(seconds=lease_s))
            .execution_options(synchronize_session=False)
        )
        if values:
            session.execute(
                update(FeedRow)
                .where(FeedRow.id == r.id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    return changed


def record_outcomes(
    session: Session, outcomes: Sequence[tuple[DueFeed, FeedOutcome]], now: datetime
) -> None:
    """Write many polls' outcomes in bulk (a feed that recovers keeps `recovered_from`
    for the operator notice).

    Each change is decided from the state captured at claim time (the lease makes it
    current), not read back, so a batch costs one executemany per shape of change.
    """
    params: list[dict[str, object]] = []
    for feed, outcome in outcomes:
        row: dict[str, object] = {
            "feed_id": feed.id,
            "lease_until": None,
            "lease_owner": None,
            "last_checked_at": now,
            "next_check_at": outcome.next_check_at,
            "last_status": outcome.status,
        }
        if outcome.note != feed.note:
            row["note"] = outcome.note
        if outcome.new_url:
            row["url"] = outcome.new_url
        if outcome.status in POLL_FAILURES:
            row.update(
                error_count=feed.error_count + 1,
                last_error=outcome.error,
                failing_since=feed.failing_since or now,
                gone=outcome.status == PollStatus.GONE,
            )
            params.append(row)
            continue
        if feed.failing_reported:
            row["recovered_from"] = feed.failing_since
        if feed.error_count or feed.failing_since is not None or feed.failing_reported:
            row.update(error_count=0, failing_since=None, failing_reported=False)
        row["last_success_at"] = now
        if outcome.etag is not None or outcome.status == PollStatus.OK:
            row["etag"] = outcome.etag
        if outcome.last_modified is not None or outcome.status == PollStatus.OK:
            row["last_modified"] = outcome.last_modified
        if outcome.body_hash is not None:
            row["body_hash"] = outcome.body_hash
        if outcome.fingerprints is not None:
            row["item_fingerprints"] = encode_fingerprints(outcome.fingerprints)
        if outcome.ttl_s is not None:
            row["ttl_s"] = outcome.ttl_s
        if outcome.title:
            row["title"] = outcome.title
        params.append(row)
    # Rows with the same keys go out as one Core executemany each (the ORM's bulk UPDATE
    # cost more than SQLite itself on a 304 pass).
    shapes: dict[frozenset[str], list[dict[str, object]]] = {}
    for row in params:
        shapes.setdefault(frozenset(row), []).append(row)
    for rows in shapes.values():
        session.execute(_UPDATE_FEED, rows)


_UPDATE_FEED = update(_FEEDS).where(_FEEDS.c.id == bindparam("feed_id"))


def failing_unreported(session: Session, since: datetime) -> list[tuple[int, str, str, datetime]]:
    """Feeds failing since before `since` that have not been reported yet."""
    rows = session.scalars(
        select(FeedRow).where(
            FeedRow.enabled.is_(True),
            FeedRow.failing_since.is_not(None),
            FeedRow.failing_since <= since,
            FeedRow.failing_reported.is_(False),
        )
    )
    return [(r.id, r.name, r.last_error or "", r.failing_since or since) for r in rows]


def mark_failing_reported(session: Session, feed_id: int) -> None:
    session.execute(update(FeedRow).where(FeedRow.id == feed_id).values(failing_reported=True))


def recovered_unreported(session: Session) -> list[tuple[int, str, datetime]]:
    """Feeds that were reported failing and have worked since."""
    rows = session.scalars(select(FeedRow).where(FeedRow.recovered_from.is_not(None)))
    return [(r.id, r.name, r.recovered_from) for r in rows if r.recovered_from is not None]


def mark_recovery_reported(session: Session, feed_id: int) -> None:
    session.execute(update(FeedRow).where(FeedRow.id == feed_id).values(recovered_from=None))


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
        session.execute(insert(_ARTICLES), rows)
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


def _to_article(row: ArticleRow, feed_name: str) -> StoredArticle:
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
    )


def any_unprocessed(session: Session) -> bool:
    """Whether some article awaits a downstream consumer (an index scan, no lock)."""
    query = select(ArticleRow.id).where(ArticleRow.processed_at.is_(None)).limit(1)
    return session.execute(query).first() is not None


def unprocessed_articles(session: Session, limit: int) -> list[StoredArticle]:
    """Articles no downstream consumer has processed yet, oldest first (locked on PostgreSQL)."""
    query = (
        select(ArticleRow, FeedRow.name)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(ArticleRow.processed_at.is_(None))
        .order_by(ArticleRow.id)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=ArticleRow)
    return [_to_article(row, name) for row, name in session.execute(query)]


def mark_processed(session: Session, ids: Sequence[int], now: datetime) -> None:
    for chunk in chunks(ids):
        session.execute(update(ArticleRow).where(ArticleRow.id.in_(chunk)).values(processed_at=now))


def set_langs(session: Session, langs: dict[int, str]) -> None:
    """Record the language detected for each article (id -> ISO 639 code)."""
    if langs:
        session.execute(
            update(_ARTICLES)
            .where(_ARTICLES.c.id == bindparam("aid"))
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
    return [_to_article(row, name) for row, name in session.execute(query)]


def articles_by_id(session: Session, ids: Iterable[int]) -> dict[int, StoredArticle]:
    wanted = list(set(ids))
    out: dict[int, StoredArticle] = {}
    for chunk in chunks(wanted):
        query = (
            select(ArticleRow, FeedRow.name)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(ArticleRow.id.in_(chunk))
        )
        out.update({row.id: _to_article(row, name) for row, name in session.execute(query)})
    return out


def delete_articles_before(session: Session, before: datetime) -> list[int]:
    """Retention: processed articles first seen before `before` (caller purges dependants)."""
    return list(
        session.scalars(
            select(ArticleRow.id).where(
                ArticleRow.first_seen < before, ArticleRow.processed_at.is_not(None)
            )
        )
    )


def purge_articles(session: Session, ids: Sequence[int]) -> None:
    from sqlalchemy import delete

    for chunk in chunks(ids):
        session.execute(delete(ArticleRow).where(ArticleRow.id.in_(chunk)))


def polled_urls(session: Session) -> dict[str, str]:
    """The URL each feed is polled at (after a permanent move or discovery), by config URL."""
    return {
        config_url: url
        for config_url, url in session.execute(select(FeedRow.config_url, FeedRow.url))
    }


def feed_statuses(session: Session, now: datetime) -> list[FeedStatus]:
    counts = dict(
        session.execute(select(ArticleRow.feed_id, func.count()).group_by(ArticleRow.feed_id)).all()
    )
    week = now - timedelta(days=7)
    recent = dict(
        session.execute(
            select(ArticleRow.feed_id, func.count())
            .where(ArticleRow.first_seen >= week)
            .group_by(ArticleRow.feed_id)
        ).all()
    )
    out = []
    for r in session.scalars(select(FeedRow).order_by(FeedRow.id)):
        age_days = max((now - r.created_at).total_seconds() / 86400, 1.0)
        out.append(
            FeedStatus(
                id=r.id,
                name=r.name,
                url=r.url,
                config_url=r.config_url,
                enabled=r.enabled,
                status=_state(r),
                last_checked_at=r.last_checked_at,
                last_success_at=r.last_success_at,
                error_count=r.error_count,
                last_error=r.last_error,
                failing_since=r.failing_since,
                next_check_at=r.next_check_at,
                articles=counts.get(r.id, 0),
                per_day=recent.get(r.id, 0) / min(age_days, 7.0),
                note=r.note,
            )
        )
    return out


def _state(row: FeedRow) -> FeedState:
    if not row.enabled:
        return FeedState.DISABLED
    if row.gone:
        return FeedState.GONE
    if row.failing_since is not None:
        return FeedState.FAILING
    if row.last_checked_at is None:
        return FeedState.NEW
    if row.last_status == PollStatus.NOT_MODIFIED:
        return FeedState.NOT_MODIFIED
    return FeedState.OK


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
    return [_to_article(row, name) for row, name in session.execute(query)]


def mark_pages_matched(session: Session, ids: Sequence[int], now: datetime) -> None:
    for chunk in chunks(ids):
        session.execute(
            update(ArticleRow).where(ArticleRow.id.in_(chunk)).values(page_matched_at=now)
        )


def page_states(session: Session, ids: Iterable[int]) -> dict[int, tuple[str | None, str | None]]:
    """Each article's page state and last page error, by article id."""
    out: dict[int, tuple[str | None, str | None]] = {}
    for chunk in chunks(list(ids)):
        query = select(ArticleRow.id, ArticleRow.page_state, ArticleRow.page_error).where(
            ArticleRow.id.in_(chunk)
        )
        out.update({r.id: (r.page_state, r.page_error) for r in session.execute(query)})
    return out
