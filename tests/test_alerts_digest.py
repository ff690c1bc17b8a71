"""Digest periods as a table: when one is due, how missed firings fold, time zones, and
which quiet period or rate window holds an alert."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.digest import Period, due_period, quiet_period, rate_window
from alerts.schedule import parse_schedule

MINSK = ZoneInfo("Europe/Minsk")  # UTC+3, no DST
VILNIUS = ZoneInfo("Europe/Vilnius")  # UTC+2, UTC+3 in summer


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


@pytest.mark.parametrize(
    ("now", "per_s", "start", "end"),
    [
        ("2024-06-01T10:10", 3600, "2024-06-01T10:00", "2024-06-01T11:00"),
        ("2024-06-01T10:00", 3600, "2024-06-01T10:00", "2024-06-01T11:00"),  # starts one
        ("2024-06-01T10:59:59", 3600, "2024-06-01T10:00", "2024-06-01T11:00"),
        ("2024-06-01T10:10", 60, "2024-06-01T10:10", "2024-06-01T10:11"),
        ("2024-06-01T10:10", 86400, "2024-06-01T00:00", "2024-06-02T00:00"),
    ],
)
def test_rate_window_runs_over_clock_periods(now: str, per_s: int, start: str, end: str) -> None:
    assert rate_window(utc(now), per_s) == Period(utc(start), utc(end))


QUIET = ((22, 0), (7, 0))


@pytest.mark.parametrize(
    ("arrived", "quiet", "expected"),
    [
        # Vilnius summer time is UTC+3: 22:00-07:00 local is 19:00-04:00 UTC.
        ("2024-06-03T18:59", QUIET, None),
        ("2024-06-03T19:00", QUIET, ("2024-06-03T19:00", "2024-06-04T04:00")),
        ("2024-06-03T21:30", QUIET, ("2024-06-03T19:00", "2024-06-04T04:00")),
        ("2024-06-04T03:59", QUIET, ("2024-06-03T19:00", "2024-06-04T04:00")),
        ("2024-06-04T04:00", QUIET, None),
        # A range within one day.
        ("2024-06-03T10:30", ((13, 0), (14, 0)), ("2024-06-03T10:00", "2024-06-03T11:00")),
        ("2024-06-03T11:00", ((13, 0), (14, 0)), None),
        # The night summer time ends (27 October 2024): the quiet night is an hour longer.
        ("2024-10-26T23:00", QUIET, ("2024-10-26T19:00", "2024-10-27T05:00")),
    ],
)
def test_quiet_period_of_an_alert(
    arrived: str,
    quiet: tuple[tuple[int, int], tuple[int, int]],
    expected: tuple[str, str] | None,
) -> None:
    found = quiet_period(utc(arrived), VILNIUS, quiet)
    assert found == (None if expected is None else Period(utc(expected[0]), utc(expected[1])))
