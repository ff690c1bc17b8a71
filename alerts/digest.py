"""Which digest period is due: pure decisions over a schedule, the last period sent and `now`.

Owns the period arithmetic only; reading hits and enqueueing the message is the
delivery job's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from alerts.schedule import Schedule

# A daemon down for months on a minutely cron must not walk every missed firing.
_MAX_STEPS = 10_000


@dataclass(frozen=True, slots=True)
class Period:
    """Hits with start < created_at <= end go in one digest; `end` names it (dedupe key)."""

    start: datetime
    end: datetime

    def label(self, tz: tzinfo) -> str:
        start, end = self.start.astimezone(tz), self.end.astimezone(tz)
        if start.date() == end.date():
            return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


def due_period(schedule: Schedule, tz: tzinfo, last_end: datetime, now: datetime) -> Period | None:
    """The period to send now, or None before the next firing after `last_end`.

    Firings missed while the daemon was down fold into one period ending at the latest
    firing, so a restart sends one digest rather than a burst of them.
    """
    end = schedule.next_after(last_end, tz)
    if end > now:
        return None
    for _ in range(_MAX_STEPS):
        following = schedule.next_after(end, tz)
        if following > now:
            break
        end = following
    return Period(last_end, end)
