"""How many of a feed's new entries one poll takes, and which of them are history (pure).

A feed of 100,000 entries held a whole poll for minutes (issue 12): one poll takes at
most `limit` new entries, newest first, and leaves the rest to later polls. Those later
polls take older and older entries; once the feed has newer entries stored, an entry
older than the backfill horizon is history being caught up on, not news, and is stored
without an alert, as a new feed's old entries are on its first poll.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.model import ParsedEntry


@dataclass(frozen=True, slots=True)
class Taken:
    """What one poll stores of a feed's entries, and why."""

    fresh: tuple[ParsedEntry, ...]  # stored under the usual alert rules
    history: tuple[ParsedEntry, ...]  # stored, never alerted: older backlog
    left: int  # new entries left for later polls
    reason: str


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _when(entry: ParsedEntry) -> datetime | None:
    return entry.published or entry.updated


def _newest_first(entry: ParsedEntry) -> tuple[bool, datetime]:
    when = _when(entry)
    return when is None, when or _EARLIEST


def take(
    entries: Sequence[ParsedEntry],
    known: Set[str],
    *,
    limit: int,
    history_before: datetime | None,
) -> Taken:
    """Up to `limit` of the entries whose identity is not in `known`, newest first.

    Undated entries count as the newest (a feed lists its latest first, and its undated
    entries cannot be placed in time). `history_before` is the backfill horizon (None:
    nothing is history); an entry taken is history when it is older than the horizon and
    older than an entry already stored from the same feed.
    """
    new = [e for e in entries if e.identity not in known]
    # sorted() is stable: entries of equal date (or all undated) keep the feed's order.
    ordered = sorted(new, key=_newest_first, reverse=True)
    chosen = ordered[:limit]
    left = len(ordered) - len(chosen)
    stored_dates = [d for e in entries if e.identity in known and (d := _when(e)) is not None]
    newest_stored = max(stored_dates, default=None)
    fresh: list[ParsedEntry] = []
    history: list[ParsedEntry] = []
    for entry in chosen:
        when = _when(entry)
        is_history = (
            history_before is not None
            and newest_stored is not None
            and when is not None
            and when < history_before
            and when < newest_stored
        )
        (history if is_history else fresh).append(entry)
    reason = f"{len(chosen)} of {len(new)} new entries taken, newest first"
    if left:
        reason += f"; {left} left for later polls"
    if history:
        reason += f"; {len(history)} older than the backfill horizon and stored entries"
    return Taken(tuple(fresh), tuple(history), left, reason)
