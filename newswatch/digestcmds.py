"""`newswatch deliveries`: the digests being collected, with their next send time.

A digest has no outbox row until its period ends; this reads the digest state and the
hits stored since, so a person sees what is held and when it will go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newswatch.app import App


@dataclass(frozen=True, slots=True)
class PendingDigest:
    watchlist: str
    target: str
    held: int
    since: datetime | None  # None: the first period starts with the daemon's next tick
    next_send: datetime | None


def pending_digests(app: App) -> list[PendingDigest]:
    from alerts import storage as astore
    from alerts.schedule import parse_schedule

    now = app.clock()
    tz = app.policy.timezone
    out = []
    with app.store.read() as s:
        for w in app.policy.watchlists:
            if w.mode != "digest" or w.schedule is None:
                continue
            schedule = parse_schedule(w.schedule)
            for t in w.targets:
                since = astore.digest_state(s, w.name, t.key)
                if since is None:
                    out.append(PendingDigest(w.name, t.key, 0, None, None))
                    continue
                held = len(astore.hits_between(s, w.name, since, now))
                out.append(
                    PendingDigest(w.name, t.key, held, since, schedule.next_after(since, tz))
                )
    return out


def digest_lines(digests: list[PendingDigest], app: App) -> list[str]:
    """One line per pending digest: "belarus -> desk: 3 hits held, next send … (in 2h)"."""
    from newswatch import clitools
    from newswatch.durations import format_approx
    from newswatch.output import plural

    now = app.clock()
    zone = app.settings.tz
    lines = []
    for d in digests:
        if d.since is None or d.next_send is None:
            lines.append(f"  {d.watchlist} -> {d.target}: first period starts at the next poll")
            continue
        wait = (d.next_send - now).total_seconds()
        due = f"in {format_approx(wait)}" if wait > 0 else "due now"
        lines.append(
            f"  {d.watchlist} -> {d.target}: {plural(d.held, 'hit')} held since "
            f"{clitools.when(d.since, zone)}, next send {clitools.when(d.next_send, zone)} ({due})"
        )
    return lines
