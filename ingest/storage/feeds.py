"""Configured feeds: syncing, claiming due feeds under a lease, recording poll
outcomes, and the status table `newswatch feeds` shows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from ingest import heartbeat, schedule
from ingest.db import chunks, is_postgres
from ingest.model import FeedKind, FeedSpec, FulltextMode
from ingest.outcomes import POLL_FAILURES, ErrorKind, FeedState, PollStatus
from ingest.storage.tables import FEEDS, ArticleRow, FeedRow


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


_UPDATE_FEED = update(FEEDS).where(FEEDS.c.id == bindparam("feed_id"))


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
