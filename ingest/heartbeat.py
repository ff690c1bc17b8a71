"""Daemon heartbeats: one row per running daemon, so that work leased by a daemon that
stopped beating is free again long before its lease runs out.

A lease (a feed's 15 minutes, a delivery's 5) must outlast the slowest legitimate piece
of work, so it cannot also be how fast a crashed daemon's work comes back. A row here
says "this owner was alive at beat_at"; a claim treats the leases of an owner whose row
is stale or marked stopped as free. An owner without a row (a one-off `newswatch poll`)
keeps the plain lease. This module owns the table and its queries, not the beating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, String, Text, delete, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from ingest.db import Base, UTCDateTime

BEAT_S = 5.0
# Four missed beats: a busy two-core machine may delay one or two, never twenty seconds'
# worth, and a dead daemon's work is free within STALE_S of its last beat (under 30 s).
STALE_S = 20.0
# Rows of owners gone this long hold no lease any more (the longest lease is 15 minutes).
FORGET_AFTER = timedelta(days=1)


class DaemonRow(Base):
    __tablename__ = "daemons"

    owner: Mapped[str] = mapped_column(String(200), primary_key=True)
    # Which process on which machine, so a successor on the same machine can prove its
    # predecessor dead at once (newswatch.heartbeat); None where that cannot be told.
    process: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The config file it runs and a digest of the text it loaded, so that a command
    # that changed the file can tell whether this daemon has taken the change.
    config_path: Mapped[str | None] = mapped_column(Text)
    config_digest: Mapped[str | None] = mapped_column(String(64))


def beat(
    session: Session,
    owner: str,
    process: str | None,
    now: datetime,
    config: tuple[str, str] | None = None,
) -> None:
    """Say `owner` is alive at `now` (the first beat registers it), running `config`
    (path, digest) when given."""
    values: dict[str, object] = {"beat_at": now, "stopped_at": None}
    if config is not None:
        values["config_path"], values["config_digest"] = config
    done = session.execute(
        update(DaemonRow)
        .where(DaemonRow.owner == owner)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        path, digest = config if config is not None else (None, None)
        session.add(
            DaemonRow(
                owner=owner,
                process=process,
                started_at=now,
                beat_at=now,
                stopped_at=None,
                config_path=path,
                config_digest=digest,
            )
        )


@dataclass(frozen=True, slots=True)
class Alive:
    """A daemon beating now, and the config it runs."""

    owner: str
    process: str | None
    config_path: str | None
    config_digest: str | None


def alive(session: Session, now: datetime) -> list[Alive]:
    """Daemons not stopped whose last beat is recent (within STALE_S)."""
    rows = session.execute(
        select(
            DaemonRow.owner, DaemonRow.process, DaemonRow.config_path, DaemonRow.config_digest
        ).where(
            DaemonRow.stopped_at.is_(None),
            DaemonRow.beat_at >= now - timedelta(seconds=STALE_S),
        )
    )
    return [Alive(*row) for row in rows]


def stop(session: Session, owners: Sequence[str], now: datetime) -> None:
    """Mark owners stopped (a clean shutdown, or proven dead): their leases are free."""
    if owners:
        session.execute(
            update(DaemonRow)
            .where(DaemonRow.owner.in_(owners), DaemonRow.stopped_at.is_(None))
            .values(stopped_at=now)
            .execution_options(synchronize_session=False)
        )


def running(session: Session) -> list[tuple[str, str | None]]:
    """(owner, process) of every daemon not marked stopped."""
    rows = session.execute(
        select(DaemonRow.owner, DaemonRow.process).where(DaemonRow.stopped_at.is_(None))
    )
    return [(owner, process) for owner, process in rows]


def forget(session: Session, now: datetime) -> int:
    """Delete rows of owners that stopped beating long ago."""
    result = session.execute(delete(DaemonRow).where(DaemonRow.beat_at < now - FORGET_AFTER))
    return int(result.rowcount)  # type: ignore[attr-defined]


def dead_owners(now: datetime) -> Select[str]:
    """Owners known to be gone at `now`: stopped, or silent for longer than STALE_S."""
    return select(DaemonRow.owner).where(
        or_(
            DaemonRow.stopped_at.is_not(None),
            DaemonRow.beat_at < now - timedelta(seconds=STALE_S),
        )
    )


def lease_free(
    lease_until: InstrumentedAttribute[datetime | None],
    lease_owner: InstrumentedAttribute[str | None],
    now: datetime,
) -> ColumnElement[bool]:
    """The claim condition shared by every leased table: no lease, an expired one, or
    one held by a dead owner."""
    return or_(
        lease_until.is_(None),
        lease_until < now,
        lease_owner.in_(dead_owners(now)),
    )
