"""Digest periods as a table: when one is due, how missed firings fold, time zones."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.digest import Period, due_period
from alerts.schedule import parse_schedule

MINSK = ZoneInfo("Europe/Minsk")  # UTC+3, no DST


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "tz", "last_end", "now", "expected"),
    [
        ("hourly", UTC, "2024-06-01T10:00", "2024-06-01T10:59", None),
        ("hourly", UTC, "2024-06-01T10:00", "2024-06-01T11:00", ("10:00", "11:00")),
        # A daemon down for three hours sends one digest up to the latest firing.
        ("hourly", UTC, "2024-06-01T10:00", "2024-06-01T13:30", ("10:00", "13:00")),
        # First run: the state starts mid-period; the period ends at the next firing.
        ("hourly", UTC, "2024-06-01T10:17", "2024-06-01T11:00", ("10:17", "11:00")),
        # 08:00 in Minsk is 05:00 UTC.
        ("daily 08:00", MINSK, "2024-06-01T05:00", "2024-06-02T04:59", None),
        ("daily 08:00", MINSK, "2024-06-01T05:00", "2024-06-02T05:00", ("05:00", "05:00")),
        ("0 9 * * 1-5", UTC, "2024-05-31T09:00", "2024-06-02T12:00", None),  # weekend
        ("0 9 * * 1-5", UTC, "2024-05-31T09:00", "2024-06-03T09:00", ("09:00", "09:00")),
    ],
)
def test_due_period(
    schedule: str,
    tz: ZoneInfo,
    last_end: str,
    now: str,
    expected: tuple[str, str] | None,
) -> None:
    period = due_period(parse_schedule(schedule), tz, utc(last_end), utc(now))
    if expected is None:
        assert period is None
        return
    assert period is not None
    assert period.start == utc(last_end)
    assert period.end <= utc(now)
    assert (f"{period.start:%H:%M}", f"{period.end:%H:%M}") == expected


def test_a_sent_period_is_not_due_again() -> None:
    hourly = parse_schedule("hourly")
    period = due_period(hourly, UTC, utc("2024-06-01T10:00"), utc("2024-06-01T11:05"))
    assert period is not None
    assert due_period(hourly, UTC, period.end, utc("2024-06-01T11:05")) is None


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ("2024-06-01T05:00", "2024-06-01T06:00", "2024-06-01 08:00–09:00"),
        ("2024-06-01T05:00", "2024-06-02T05:00", "2024-06-01 08:00–2024-06-02 08:00"),
    ],
)
def test_period_label_in_local_time(start: str, end: str, label: str) -> None:
    assert Period(utc(start), utc(end)).label(MINSK) == label
