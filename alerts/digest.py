"""Which digest period is due, and which period holds a quiet-hours or rate-limited alert.

Pure decisions over a schedule, the last period sent and `now`; reading hits and
enqueueing the message is the delivery modes job's work (`alerts.modes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from alerts.model import QuietHours
from alerts.schedule import Schedule, in_quiet_hours, quiet_end

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


def rate_window(now: datetime, per_s: float) -> Period:
    """The rate-limit window holding `now`: windows of `per_s` aligned to the epoch, so an
    hourly limit runs over clock hours and its overflow goes out at the hour's end."""
    step = int(per_s)
    base = int(now.timestamp()) // step * step
    start = datetime.fromtimestamp(base, now.tzinfo)
    return Period(start, datetime.fromtimestamp(base + step, now.tzinfo))


def quiet_period(arrived: datetime, tz: tzinfo, quiet: QuietHours) -> Period | None:
    """The quiet period an alert arriving at `arrived` is held in, or None outside one."""
    if not in_quiet_hours(arrived, tz, quiet):
        return None
    end = quiet_end(arrived, tz, quiet)
    local_end = end.astimezone(tz)
    start = local_end.replace(hour=quiet[0][0], minute=quiet[0][1])
    if start >= local_end:
        start -= timedelta(days=1)
    return Period(start.astimezone(arrived.tzinfo), end)
