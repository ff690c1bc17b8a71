"""Digest schedules and quiet hours: when a period ends, as pure functions of `now`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from cronsim import CronSim, CronSimError

from alerts.model import QuietHours

_DAILY = re.compile(r"^daily\s+([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A digest schedule: "hourly", "daily HH:MM" or a five-field cron expression."""

    text: str
    cron: str

    def next_after(self, now: datetime, tz: tzinfo) -> datetime:
        """The first firing strictly after `now`, as UTC-aware datetime."""
        local = now.astimezone(tz).replace(second=0, microsecond=0)
        fire = next(CronSim(self.cron, local))
        while fire <= now:
            fire = next(CronSim(self.cron, fire))
        return fire.astimezone(now.tzinfo)


def parse_schedule(text: str) -> Schedule:
    """Parse a schedule string; raises ValueError with a human reason."""
    spec = text.strip().lower()
    if spec == "hourly":
        return Schedule(text, "0 * * * *")
    if spec == "daily":
        return Schedule(text, "0 8 * * *")
    daily = _DAILY.match(spec)
    if daily:
        return Schedule(text, f"{int(daily.group(2))} {int(daily.group(1))} * * *")
    try:
        CronSim(spec, datetime(2000, 1, 1))  # noqa: DTZ001 - syntax check only
    except (CronSimError, ValueError):
        raise ValueError(
            'is not a schedule like "hourly", "daily 08:00" or a cron expression "0 8 * * 1-5"'
        ) from None
    return Schedule(text, spec)


def in_quiet_hours(now: datetime, tz: tzinfo, quiet: QuietHours) -> bool:
    """Whether local `now` falls in the [start, end) range, which may wrap midnight."""
    start, end = time(*quiet[0]), time(*quiet[1])
    local = now.astimezone(tz).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_end(now: datetime, tz: tzinfo, quiet: QuietHours) -> datetime:
    """When the quiet period containing `now` ends (UTC-aware)."""
    local = now.astimezone(tz)
    end = local.replace(hour=quiet[1][0], minute=quiet[1][1], second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(now.tzinfo)
