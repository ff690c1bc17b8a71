"""Delivery modes in storage: digest periods, alerts held for quiet hours or rate limits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    select,
    update,
)
from sqlalchemy.orm import Session

from alerts.model import ARTICLE_KINDS, DeliveryKind, DeliveryStatus, Hit
from alerts.storage.hits import to_hit
from alerts.storage.tables import DeliveryRow, DigestStateRow, HitRow
from ingest import storage as istore
from ingest.db import is_postgres


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


def _in_period(watchlist: str, start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    return (HitRow.watchlist == watchlist, HitRow.created_at > start, HitRow.created_at <= end)


def _alertable(session: Session, article_ids: Iterable[int]) -> set[int]:
    """Those of the articles still stored whose hits may alert (ingest decides)."""
    return {a.id for a in istore.article_headers(session, article_ids).values() if a.alertable}


def has_hits_between(session: Session, watchlist: str, start: datetime, end: datetime) -> bool:
    """Whether alertable hits were stored in (start, end] (an empty period sends nothing)."""
    # Only which articles the period's hits are for: the hits themselves are not read.
    ids = session.scalars(
        select(HitRow.article_id).where(*_in_period(watchlist, start, end)).distinct()
    ).all()
    return bool(_alertable(session, ids))


def hits_between(
    session: Session, watchlist: str, start: datetime, end: datetime
) -> list[tuple[int, Hit]]:
    """(article id, hit) of alertable hits stored in (start, end], in order of discovery."""
    rows = session.scalars(
        select(HitRow).where(*_in_period(watchlist, start, end)).order_by(HitRow.id)
    ).all()
    alertable = _alertable(session, {r.article_id for r in rows})
    return [(r.article_id, to_hit(r)) for r in rows if r.article_id in alertable]


@dataclass(frozen=True, slots=True)
class Foldable:
    """A pending alert never attempted, which quiet hours or a rate limit may hold."""

    id: int
    kind: DeliveryKind
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
            DeliveryRow.status == DeliveryStatus.PENDING,
            DeliveryRow.kind.in_(ARTICLE_KINDS),
            DeliveryRow.attempts == 0,
            (DeliveryRow.lease_until.is_(None)) | (DeliveryRow.lease_until < now),
            DeliveryRow.watchlist.in_(watchlists) | DeliveryRow.target_key.in_(target_keys),
        )
        .order_by(DeliveryRow.id)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return [
        Foldable(r.id, DeliveryKind(r.kind), r.watchlist, r.notifier, r.target_key, r.created_at)
        for r in session.scalars(query)
    ]


def instant_used(session: Session, target_key: str, since: datetime, now: datetime) -> int:
    """Instant alerts to a target that count against its rate limit since `since`:
    sent on their own then (not in a digest), or attempted or leased (in flight or
    retrying)."""
    query = select(DeliveryRow.id).where(
        DeliveryRow.target_key == target_key,
        DeliveryRow.kind.in_(ARTICLE_KINDS),
        DeliveryRow.folded_into.is_(None),
        ((DeliveryRow.status == DeliveryStatus.SENT) & (DeliveryRow.sent_at >= since))
        | (
            (DeliveryRow.status == DeliveryStatus.PENDING)
            & ((DeliveryRow.attempts > 0) | (DeliveryRow.lease_until >= now))
        ),
    )
    return len(list(session.scalars(query)))


def open_digest(session: Session, dedupe_key: str) -> int | None:
    """The id of a held-alerts digest that can still take alerts (pending, never tried)."""
    row = session.scalars(select(DeliveryRow).where(DeliveryRow.dedupe_key == dedupe_key)).first()
    if (
        row is None
        or row.status != DeliveryStatus.PENDING
        or row.attempts > 0
        or row.lease_owner is not None
    ):
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
            .where(DeliveryRow.id.in_(ids), DeliveryRow.status == DeliveryStatus.PENDING)
            .values(
                status=DeliveryStatus.HELD,
                folded_into=digest_id,
                lease_until=None,
                lease_owner=None,
            )
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
        .where(DeliveryRow.folded_into == digest_id, DeliveryRow.status == DeliveryStatus.HELD)
        .values(status=DeliveryStatus.SENT, sent_at=now)
    )
