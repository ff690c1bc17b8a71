"""When a feed is next due: intervals, publisher hints, backoff, Retry-After, jitter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ingest.schedule import next_check_at, pushed_interval_s

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
M, H = 60.0, 3600.0

# kwargs for next_check_at (no jitter key, so exact), expected delay, expected reason
CASES: list[tuple[str, dict[str, Any], float, str]] = [
    ("plain success", {}, 15 * M, "ok: every 15m"),
    ("max-age longer", {"max_age_s": H}, H, "ok: Cache-Control max-age 1h"),
    ("max-age shorter", {"max_age_s": 60}, 15 * M, "ok: every 15m"),
    ("max-age capped", {"max_age_s": 7 * 86400}, 6 * H, "ok: Cache-Control max-age 6h"),
    ("ttl ignored by default", {"ttl_s": 2 * H}, 15 * M, "ok: every 15m"),
    ("ttl respected", {"ttl_s": 2 * H, "respect_ttl": True}, 2 * H, "ok: feed TTL 2h"),
    ("ttl shorter", {"ttl_s": 60, "respect_ttl": True}, 15 * M, "ok: every 15m"),
    ("first error", {"consecutive_errors": 1}, 15 * M, "error #1: backoff 15m"),
    ("second error", {"consecutive_errors": 2}, 30 * M, "error #2: backoff 30m"),
    ("fourth error", {"consecutive_errors": 4}, 2 * H, "error #4: backoff 2h"),
    ("capped", {"consecutive_errors": 6}, 6 * H, "error #6: backoff 6h (capped)"),
    ("never dropped", {"consecutive_errors": 10_000}, 6 * H, "error #10000: backoff 6h (capped)"),
    (
        "small cap",
        {"consecutive_errors": 3, "max_backoff_s": 20 * M},
        20 * M,
        "error #3: backoff 20m (capped)",
    ),
    (
        "interval above cap",
        {"interval_s": 12 * H, "consecutive_errors": 3},
        12 * H,
        "error #3: backoff 12h (capped)",
    ),
    (
        "errors ignore max-age",
        {"consecutive_errors": 1, "max_age_s": 3 * H},
        15 * M,
        "error #1: backoff 15m",
    ),
    (
        "retry-after raises",
        {"consecutive_errors": 1, "retry_after_s": 2 * H},
        2 * H,
        "error #1: backoff 15m; Retry-After 2h",
    ),
    (
        "retry-after shorter",
        {"consecutive_errors": 3, "retry_after_s": 60},
        H,
        "error #3: backoff 1h",
    ),
    (
        "retry-after on success",
        {"retry_after_s": H},
        H,
        "ok: every 15m; Retry-After 1h",
    ),
    (
        "retry-after capped at a week",
        {"consecutive_errors": 1, "retry_after_s": 365 * 86400},
        7 * 86400,
        "error #1: backoff 15m; Retry-After 7d",
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "delay", "reason"), CASES, ids=[c[0] for c in CASES])
def test_next_check_at(name: str, kwargs: dict[str, Any], delay: float, reason: str) -> None:
    args: dict[str, Any] = {"interval_s": 15 * M, "consecutive_errors": 0} | kwargs
    when, why = next_check_at(NOW, **args)
    assert (when - NOW, why) == (timedelta(seconds=delay), reason)


@pytest.mark.parametrize("errors", [0, 1, 5])
def test_jitter_is_deterministic_bounded_and_spreads_feeds(errors: int) -> None:
    delays = []
    for i in range(200):
        key = f"https://example.org/feed/{i}"
        first, _ = next_check_at(NOW, interval_s=600, consecutive_errors=errors, jitter_key=key)
        again, _ = next_check_at(NOW, interval_s=600, consecutive_errors=errors, jitter_key=key)
        assert first == again
        delays.append((first - NOW).total_seconds())
    base = min(600 * 2 ** max(errors - 1, 0), 6 * 3600)
    assert all(base * 0.9 <= d <= base * 1.1 for d in delays)
    assert len(set(delays)) > 150


def test_jitter_never_undercuts_retry_after() -> None:
    for i in range(100):
        when, _ = next_check_at(
            NOW, interval_s=600, consecutive_errors=1, retry_after_s=600, jitter_key=str(i)
        )
        assert when - NOW >= timedelta(seconds=600)


@pytest.mark.parametrize(
    ("now", "interval"),
    [(datetime(2024, 5, 1, 12, 0), 60.0), (NOW, 0.0), (NOW, -5.0)],
)
def test_rejects_bad_input(now: datetime, interval: float) -> None:
    with pytest.raises(ValueError):
        next_check_at(now, interval_s=interval, consecutive_errors=0)


@pytest.mark.parametrize(
    ("interval", "max_backoff", "expected", "why"),
    [
        (900, 6 * 3600, 3600, "no more than hourly"),
        (1800, 6 * 3600, 7200, "four times less often"),
        (3 * 3600, 6 * 3600, 6 * 3600, "never past the longest back-off"),
        (12 * 3600, 6 * 3600, 12 * 3600, "never faster than configured"),
    ],
)
def test_a_pushed_feed_is_polled_as_a_safety_net(
    interval: float, max_backoff: float, expected: float, why: str
) -> None:
    assert pushed_interval_s(interval, max_backoff) == expected, why
