"""`GET /healthz`: whether the daemon is alive and keeping up, decided from plain numbers."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from alerts.storage import counts
from ingest import storage as istore
from ingest.errors import StoreError
from ingest.outcomes import FeedState
from newswatch.app import App
from newswatch.output import plural

Status = Literal["ok", "degraded", "failing"]
# A poll tick missed three times over is a stuck scheduler or a wedged database (#14).
MISSED_TICKS = 3
# Delivery retries back off to at most an hour (AlertPolicy.max_backoff_s), so an alert
# pending for longer than that has missed a retry: the outbox is not draining.
STUCK_PENDING_S = 3600.0


@dataclass(frozen=True, slots=True)
class Health:
    status: Status
    database: str
    last_poll_tick: datetime | None
    pending_deliveries: int
    oldest_pending_s: float
    failing_feeds: int
    reasons: tuple[str, ...]

    @property
    def http_status(self) -> int:
        return 503 if self.status == "failing" else 200

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "database": self.database,
            "last_poll_tick": None
            if self.last_poll_tick is None
            else self.last_poll_tick.isoformat(),
            "pending_deliveries": self.pending_deliveries,
            "oldest_pending_s": round(self.oldest_pending_s, 1),
            "failing_feeds": self.failing_feeds,
            "reasons": list(self.reasons),
        }


class Liveness:
    """When the daemon started and when its last poll tick finished (written by the
    scheduler's thread, read by the web server's)."""

    def __init__(self, started_at: datetime, poll_s: float) -> None:
        self.started_at = started_at
        self.poll_s = poll_s
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def ticked(self, now: datetime) -> None:
        with self._lock:
            self._last = now

    @property
    def last_tick(self) -> datetime | None:
        with self._lock:
            return self._last


def assess(
    *,
    now: datetime,
    database_error: str | None,
    liveness: Liveness,
    pending: int = 0,
    oldest_pending_s: float = 0.0,
    failing_feeds: int = 0,
) -> Health:
    """Pure: failing when the database is unreachable or no tick came for MISSED_TICKS
    intervals; degraded when feeds fail or the outbox is stuck; else ok."""
    failing: list[str] = []
    degraded: list[str] = []
    if database_error is not None:
        failing.append(f"database: {database_error}")
    last = liveness.last_tick
    since = (now - (last or liveness.started_at)).total_seconds()
    if since > MISSED_TICKS * liveness.poll_s:
        failing.append(f"no poll tick for {since:.0f}s (tick every {liveness.poll_s:g}s)")
    if failing_feeds:
        degraded.append(f"{plural(failing_feeds, 'feed')} failing")
    if oldest_pending_s > STUCK_PENDING_S:
        degraded.append(f"oldest pending delivery waits {oldest_pending_s:.0f}s")
    status: Status = "failing" if failing else "degraded" if degraded else "ok"
    return Health(
        status=status,
        database="ok" if database_error is None else "unreachable",
        last_poll_tick=last,
        pending_deliveries=pending,
        oldest_pending_s=oldest_pending_s,
        failing_feeds=failing_feeds,
        reasons=(*failing, *degraded),
    )


def check(app: App, liveness: Liveness) -> Health:
    """Ask the database, then `assess`."""
    now = app.clock()
    try:
        app.store.ping()
        with app.store.read() as s:
            box = counts.outbox(s)
            failing = sum(1 for f in istore.feed_statuses(s, now) if f.status == FeedState.FAILING)
    except StoreError as e:
        # The driver's first line says why; the URL (with its password) is not in it.
        return assess(now=now, database_error=e.reason[:200], liveness=liveness)
    oldest = 0.0 if box.oldest_pending is None else (now - box.oldest_pending).total_seconds()
    return assess(
        now=now,
        database_error=None,
        liveness=liveness,
        pending=box.pending,
        oldest_pending_s=max(0.0, oldest),
        failing_feeds=failing,
    )
