"""Decides when a feed is next due, and says why; pure (time comes in as `now`)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

JITTER = 0.10  # ± fraction of the delay, so feeds added together drift apart
RETRY_AFTER_CAP_S = 7 * 86400.0  # a server asking for a year's silence gets a week


def next_check_at(
    now: datetime,
    *,
    interval_s: float,
    consecutive_errors: int,
    retry_after_s: float | None = None,
    max_age_s: float | None = None,
    ttl_s: float | None = None,
    respect_ttl: bool = False,
    jitter_key: str = "",
    max_backoff_s: float = 6 * 3600,
) -> tuple[datetime, str]:
    """When to check a feed next, plus a human reason for logs and the CLI.

    Success waits `interval_s`, or longer when Cache-Control max-age (or, with
    `respect_ttl`, the feed's TTL) asks for it, though never beyond the backoff cap.
    The n-th consecutive error waits interval * 2**(n-1), capped at
    max(max_backoff_s, interval_s): a failing feed slows down but is never dropped.
    Retry-After is a floor in both cases, and survives the jitter.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if interval_s <= 0:
        raise ValueError(f"interval_s must be positive, not {interval_s}")
    cap = max(max_backoff_s, interval_s)
    if consecutive_errors > 0:
        # Exponent bounded so a feed failing for years cannot overflow the float.
        delay = min(interval_s * 2.0 ** min(consecutive_errors - 1, 64), cap)
        reason = f"error #{consecutive_errors}: backoff {_human(delay)}"
        if delay == cap and consecutive_errors > 1:
            reason += " (capped)"
    else:
        delay = interval_s
        reason = f"ok: every {_human(interval_s)}"
        hints = [("Cache-Control max-age", max_age_s)]
        if respect_ttl:
            hints.append(("feed TTL", ttl_s))
        for name, hint in hints:
            if hint is not None and min(hint, cap) > delay:
                delay = min(hint, cap)
                reason = f"ok: {name} {_human(delay)}"
    delay *= 1 + _jitter(jitter_key)
    if retry_after_s is not None and retry_after_s > 0:
        floor = min(retry_after_s, max(RETRY_AFTER_CAP_S, cap))
        if floor > delay:
            delay = floor
            reason += f"; Retry-After {_human(floor)}"
    return now + timedelta(seconds=delay), reason


# A feed whose hub pushes its updates (WebSub) is still polled, as a safety net for a
# hub that stops pushing, but this many times less often and no more than hourly.
PUSHED_SLOWDOWN = 4.0
PUSHED_MIN_INTERVAL_S = 3600.0


def pushed_interval_s(interval_s: float, max_backoff_s: float) -> float:
    """The polling interval of a feed its hub pushes: slower, never past the longest
    back-off (and never faster than configured)."""
    slow = max(interval_s * PUSHED_SLOWDOWN, PUSHED_MIN_INTERVAL_S)
    return max(interval_s, min(slow, max_backoff_s))


# A stored time later than now by more than this was written before the clock went back:
# more than the skew between the clocks of daemons sharing one database.
CLOCK_TOLERANCE_S = 300.0


def longest_wait_s(interval_s: float, max_backoff_s: float) -> float:
    """The longest wait `next_check_at` can decide for a feed: the capped backoff or
    interval with its jitter, or a Retry-After at its cap."""
    cap = max(max_backoff_s, interval_s)
    return max(cap * (1 + JITTER), RETRY_AFTER_CAP_S)


def rebased(
    now: datetime, next_at: datetime, decided_at: datetime, longest_s: float
) -> tuple[datetime, str] | None:
    """`next_at` brought within now + the longest legitimate wait, or None if it is.

    `decided_at` is when `next_at` was decided (the last check). When that lies ahead of
    `now`, the clock went back since (a VM restored, an NTP step): the decided wait then
    counts from now, as if the check had just happened; otherwise a feed would sit
    unpolled until real time caught up with the old clock, 30 days in the case that
    forced this.
    """
    longest = timedelta(seconds=longest_s)
    if decided_at > now + timedelta(seconds=CLOCK_TOLERANCE_S):
        wait = min(max(next_at - decided_at, timedelta(0)), longest)
        back = (decided_at - now).total_seconds()
        return now + wait, f"clock went back {_human(back)}: next in {_human(wait.total_seconds())}"
    if next_at > now + longest:
        return now + longest, f"beyond the longest wait {_human(longest_s)}"
    return None


def _jitter(key: str) -> float:
    """A fraction in [-JITTER, +JITTER), fixed per key so a feed's rhythm is stable."""
    if not key:
        return 0.0
    h = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return (h / 2.0**64 * 2 - 1) * JITTER


def _human(seconds: float) -> str:
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            parts.append(f"{s // size}{unit}")
            s %= size
    return "".join(parts)
