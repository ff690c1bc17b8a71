"""WebSub subscriptions of feeds: one row per feed with a hub, and its lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ingest.db import Base, UTCDateTime, chunks
from ingest.storage import FeedRow


class SubState(StrEnum):
    """Where a feed's subscription at its hub stands."""

    NOHUB = "no hub"  # the feed names no hub (looked again after a while)
    PENDING = "pending"  # asked for; the hub has not verified yet
    ACTIVE = "active"
    LEAVING = "unsubscribing"  # the feed left the config; unsubscribing


class SubscriptionRow(Base):
    __tablename__ = "websub_subscriptions"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )
    hub: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    lease_s: Mapped[float | None] = mapped_column(Float)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class Subscription:
    feed_id: int
    feed_url: str
    enabled: bool
    hub: str | None
    topic: str | None
    secret: str | None
    state: SubState | None  # None: never looked at
    lease_s: float | None
    lease_until: datetime | None
    checked_at: datetime | None


def subscriptions(session: Session) -> list[Subscription]:
    """Every feed with its subscription state (feeds never looked at included)."""
    rows = session.execute(
        select(FeedRow.id, FeedRow.url, FeedRow.enabled, SubscriptionRow)
        .outerjoin(SubscriptionRow, SubscriptionRow.feed_id == FeedRow.id)
        .order_by(FeedRow.id)
    )
    out = []
    for feed_id, url, enabled, sub in rows:
        out.append(
            Subscription(
                feed_id,
                url,
                bool(enabled),
                sub.hub if sub else None,
                sub.topic if sub else None,
                sub.secret if sub else None,
                SubState(sub.state) if sub else None,
                sub.lease_s if sub else None,
                sub.lease_until if sub else None,
                sub.checked_at if sub else None,
            )
        )
    return out


def record(
    session: Session,
    feed_id: int,
    *,
    state: SubState,
    now: datetime,
    hub: str | None = None,
    topic: str | None = None,
    secret: str | None = None,
    error: str | None = None,
) -> None:
    row = session.get(SubscriptionRow, feed_id)
    if row is None:
        row = SubscriptionRow(feed_id=feed_id, state=state, checked_at=now)
        session.add(row)
    row.state, row.checked_at, row.error = state, now, error
    if hub is not None:
        row.hub, row.topic, row.secret = hub, topic, secret


def verified(
    session: Session, feed_id: int, mode: str, topic: str, lease_s: float | None, now: datetime
) -> bool:
    """The hub's verification of intent (§5.3): True when we asked for this."""
    row = session.get(SubscriptionRow, feed_id)
    if row is None or row.topic != topic:
        return False
    if mode == "subscribe" and row.state in (SubState.PENDING, SubState.ACTIVE):
        row.state, row.lease_s = SubState.ACTIVE, lease_s
        row.lease_until = None if lease_s is None else now + _seconds(lease_s)
        return True
    if mode == "unsubscribe" and row.state == SubState.LEAVING:
        session.execute(delete(SubscriptionRow).where(SubscriptionRow.feed_id == feed_id))
        return True
    return False


def secret_of(session: Session, feed_id: int) -> str | None:
    row = session.get(SubscriptionRow, feed_id)
    return row.secret if row is not None and row.state == SubState.ACTIVE else None


def pushed(session: Session, feed_ids: list[int], now: datetime) -> set[int]:
    """Those of `feed_ids` whose hub pushes their updates: an active subscription whose
    lease has not run out."""
    found: set[int] = set()
    for chunk in chunks(feed_ids):
        found.update(
            session.scalars(
                select(SubscriptionRow.feed_id).where(
                    SubscriptionRow.feed_id.in_(chunk),
                    SubscriptionRow.state == SubState.ACTIVE,
                    (SubscriptionRow.lease_until.is_(None)) | (SubscriptionRow.lease_until > now),
                )
            )
        )
    return found


def due_now(session: Session, feed_id: int, now: datetime) -> None:
    """A push arrived: poll the feed at the next tick, through the usual path."""
    session.execute(update(FeedRow).where(FeedRow.id == feed_id).values(next_check_at=now))


def _seconds(s: float) -> timedelta:
    return timedelta(seconds=s)
