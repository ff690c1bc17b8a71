"""The delivery outbox: enqueue once, claim with a lease, record attempts and results."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from alerts.model import (
    DELIVERY_LEASE_S,
    PERIOD_KINDS,
    DeliveryKind,
    DeliveryStatus,
    DeliveryView,
)
from alerts.storage.tables import DeliveryRow
from ingest import heartbeat
from ingest import storage as istore
from ingest.db import chunks, is_postgres

_DELIVERIES = cast(Table, DeliveryRow.__table__)


@dataclass(frozen=True, slots=True)
class NewDelivery:
    dedupe_key: str
    kind: DeliveryKind
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
    kind: DeliveryKind
    watchlist: str | None
    notifier: str
    target_key: str
    article_id: int | None
    story_id: int | None
    payload: dict[str, Any] | None
    attempts: int
    created_at: datetime


def enqueue(session: Session, deliveries: Iterable[NewDelivery], now: datetime) -> int:
    """Add deliveries to the outbox unless their dedupe key is already there.

    One lookup per chunk of keys and one multi-row INSERT per call (see `add_hits`).
    """
    items = list(deliveries)
    keys = [d.dedupe_key for d in items]
    known: set[str] = set()
    for chunk in chunks(keys):
        known.update(
            session.scalars(select(DeliveryRow.dedupe_key).where(DeliveryRow.dedupe_key.in_(chunk)))
        )
    rows: list[dict[str, object]] = []
    for d in items:
        if d.dedupe_key in known:
            continue
        known.add(d.dedupe_key)
        rows.append(
            {
                "dedupe_key": d.dedupe_key,
                "kind": d.kind,
                "watchlist": d.watchlist,
                "notifier": d.notifier,
                "target_key": d.target_key,
                "article_id": d.article_id,
                "story_id": d.story_id,
                "payload": json.dumps(d.payload) if d.payload is not None else None,
                "status": DeliveryStatus.PENDING,
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": d.due_at,
                "reported": 0,
            }
        )
    if rows:
        session.execute(insert(_DELIVERIES), rows)
    return len(rows)


def claim_due(
    session: Session, now: datetime, *, lease_s: float, owner: str, limit: int
) -> list[Claimed]:
    """Lease due deliveries, oldest first; an expired lease, or one held by a daemon that
    stopped beating (a crashed sender), is due again."""
    query = (
        select(DeliveryRow)
        .where(
            DeliveryRow.status == DeliveryStatus.PENDING,
            or_(DeliveryRow.next_attempt_at <= now, _after_clock_jump(now)),
            heartbeat.lease_free(DeliveryRow.lease_until, DeliveryRow.lease_owner, now),
        )
        .order_by(DeliveryRow.id)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    lease = now + timedelta(seconds=lease_s)
    for row in rows:
        row.lease_until, row.lease_owner = lease, owner
    return [
        Claimed(
            id=r.id,
            kind=DeliveryKind(r.kind),
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


# The longest wait a retry decides: the policy caps backoff at one hour
# (newswatch.app.policy_from) and alerts.retry adds up to 20 % jitter.
LONGEST_RETRY_S = 3600 * 1.2
# A row written more than this after now was written before the clock went back.
CLOCK_TOLERANCE_S = 300.0


def _after_clock_jump(now: datetime) -> ColumnElement[bool]:
    """An alert or notice whose next attempt lies beyond the longest retry wait, or was
    decided at a time still ahead of `now` (the clock went back since), is due now; else
    it would wait until real time caught up. Digests wait for their period's end, which
    their schedule, not a retry, decided."""
    ahead = now + timedelta(seconds=CLOCK_TOLERANCE_S)
    return and_(
        DeliveryRow.kind.not_in(PERIOD_KINDS),
        or_(
            DeliveryRow.next_attempt_at > now + timedelta(seconds=LONGEST_RETRY_S),
            DeliveryRow.created_at > ahead,
            DeliveryRow.attempted_at > ahead,
        ),
    )


def record_attempt(
    session: Session,
    delivery_id: int,
    owner: str,
    now: datetime,
    *,
    lease_s: float = DELIVERY_LEASE_S,
) -> bool:
    """Count an attempt before sending and renew the lease for the send (`lease_s`, the
    deliverer's lease); False when the lease was lost to another daemon or ran out.

    A batch's lease is taken when it is claimed, so the last rows of a long batch were
    sent with little of it left: another daemon claimed a row the moment it expired and
    sent it too while the first send was still in flight (the two-daemon test under
    load). An attempt may only start inside its lease, and it starts a fresh one.
    """
    result = session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.id == delivery_id,
            DeliveryRow.status == DeliveryStatus.PENDING,
            DeliveryRow.lease_owner == owner,
            DeliveryRow.lease_until >= now,
        )
        .values(
            attempts=DeliveryRow.attempts + 1,
            attempted_at=now,
            lease_until=now + timedelta(seconds=lease_s),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sent(session: Session, delivery_id: int, now: datetime) -> None:
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id)
        .values(
            status=DeliveryStatus.SENT,
            sent_at=now,
            lease_until=None,
            lease_owner=None,
            last_error=None,
        )
    )


def release(session: Session, ids: Sequence[int]) -> None:
    """Give back leases on deliveries not attempted in this run."""
    if ids:
        session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(ids), DeliveryRow.status == DeliveryStatus.PENDING)
            .values(lease_until=None, lease_owner=None)
        )


def mark_retry(
    session: Session,
    delivery_id: int,
    target_key: str,
    error: str,
    retry_at: datetime,
    *,
    hold_later: bool = True,
) -> None:
    """Schedule a retry; with `hold_later`, later deliveries to the same target wait too,
    to keep their order (a target that refuses is down for all of them)."""
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id)
        .values(
            last_error=error[:2000], next_attempt_at=retry_at, lease_until=None, lease_owner=None
        )
    )
    if not hold_later:
        return
    session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.target_key == target_key,
            DeliveryRow.status == DeliveryStatus.PENDING,
            DeliveryRow.id > delivery_id,
            DeliveryRow.next_attempt_at < retry_at,
        )
        .values(next_attempt_at=retry_at)
    )


def mark_failed(session: Session, delivery_id: int, error: str) -> None:
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id)
        .values(
            status=DeliveryStatus.FAILED,
            last_error=error[:2000],
            lease_until=None,
            lease_owner=None,
        )
    )


def failed_unreported(session: Session) -> list[DeliveryView]:
    rows = session.scalars(
        select(DeliveryRow).where(
            DeliveryRow.status == DeliveryStatus.FAILED,
            DeliveryRow.reported == 0,
            DeliveryRow.kind != DeliveryKind.OPS,
        )
    )
    return [_delivery_view(r, None) for r in rows]


def mark_reported(session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(update(DeliveryRow).where(DeliveryRow.id.in_(ids)).values(reported=1))


def requeue(
    session: Session,
    now: datetime,
    *,
    delivery_id: int | None,
    failed: bool,
    force: bool = False,
) -> int:
    """Put a failed delivery (or every failed one) back in the queue; returns how many.

    A delivery already sent is requeued only with `force`: sending it again is a
    duplicate alert for its reader, so it must be asked for.
    """
    query = update(DeliveryRow)
    if delivery_id is not None:
        allowed = (
            (DeliveryStatus.FAILED, DeliveryStatus.SENT) if force else (DeliveryStatus.FAILED,)
        )
        query = query.where(DeliveryRow.id == delivery_id, DeliveryRow.status.in_(allowed))
    elif failed:
        query = query.where(DeliveryRow.status == DeliveryStatus.FAILED)
    else:
        return 0
    result = session.execute(
        query.values(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
            lease_until=None,
            lease_owner=None,
            reported=0,
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def get_delivery(session: Session, delivery_id: int) -> DeliveryView | None:
    row = session.get(DeliveryRow, delivery_id)
    return _delivery_views(session, [row])[0] if row is not None else None


def list_deliveries(
    session: Session, *, status: DeliveryStatus | None = None, limit: int | None = None
) -> list[DeliveryView]:
    query = select(DeliveryRow).order_by(DeliveryRow.id.desc())
    if status is not None:
        query = query.where(DeliveryRow.status == status)
    if limit is not None:
        query = query.limit(limit)
    return _delivery_views(session, session.scalars(query).all())


def _delivery_views(session: Session, rows: Sequence[DeliveryRow]) -> list[DeliveryView]:
    """The deliveries as shown, each with its article's title while the article is stored."""
    articles = istore.article_headers(session, [r.article_id for r in rows if r.article_id])
    return [
        _delivery_view(r, a.title if (a := articles.get(r.article_id or 0)) else None) for r in rows
    ]


def _delivery_view(r: DeliveryRow, title: str | None) -> DeliveryView:
    return DeliveryView(
        id=r.id,
        kind=DeliveryKind(r.kind),
        watchlist=r.watchlist,
        notifier=r.notifier,
        target=r.target_key,
        status=DeliveryStatus(r.status),
        attempts=r.attempts,
        article_id=r.article_id,
        title=title,
        created_at=r.created_at,
        next_attempt_at=r.next_attempt_at if r.status == DeliveryStatus.PENDING else None,
        sent_at=r.sent_at,
        last_error=r.last_error,
    )
