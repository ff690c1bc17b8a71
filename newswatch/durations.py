"""Parsing of human durations ("90s", "5m", "1h30m", "1d") and sizes ("16MB")."""

from __future__ import annotations

import re

# A duration is one or more <number><unit> parts, largest unit first and each unit at
# most once: "1h30m", "1d 12h", "90s", "1.5h" (the concatenated form of Go's
# time.ParseDuration and systemd.time(7), which the logs print).
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)(?![a-z])")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
# Polling a feed more often than this is abuse of its server, not monitoring.
MIN_INTERVAL_S = 10.0
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_duration(text: str) -> float:
    """Seconds in `text`; raises ValueError for anything but <number><unit> parts."""
    rest, total, last = text.strip(), 0.0, float("inf")
    if not rest:
        raise ValueError(_not_a_duration(text))
    while rest:
        found = _PART.match(rest)
        if not found or _UNITS[found.group(2)] >= last:
            raise ValueError(_not_a_duration(text))
        last = _UNITS[found.group(2)]
        total += float(found.group(1)) * last
        rest = rest[found.end() :].lstrip()
    return total


def _not_a_duration(text: str) -> str:
    return f'"{text}" is not a duration like "90s", "5m", "1h30m" or "1d"'


def parse_interval(text: str, minimum: float = MIN_INTERVAL_S) -> float:
    """A polling interval: a duration of at least `minimum` seconds."""
    seconds = parse_duration(text)
    if seconds < minimum:
        raise ValueError(
            f'"{text}" is shorter than the shortest polling interval, {format_duration(minimum)}'
        )
    return seconds


def parse_size(text: str) -> int:
    """Bytes in `text` such as "16MB" or "512KiB"; raises ValueError otherwise."""
    found = _SIZE.match(text)
    if not found:
        raise ValueError(f'"{text}" is not a size like "16MB" or "512KiB"')
    unit = (found.group(2) or "b").lower()
    return int(float(found.group(1)) * _SIZE_UNITS[unit])


def format_duration(seconds: float) -> str:
    """The exact human form of `seconds`, largest units first ("15m", "1h30m", "2d")."""
    if seconds > 0 and seconds == int(seconds):
        rest, parts = int(seconds), []
        for unit in ("w", "d", "h", "m", "s"):
            count, rest = divmod(rest, int(_UNITS[unit]))
            if count:
                parts.append(f"{count}{unit}")
        return "".join(parts)
    return f"{seconds:g}s"


def format_approx(seconds: float) -> str:
    """`seconds` rounded to its two largest units, for people: "35m", "1h30m", "2d3h"."""
    seconds = max(0.0, seconds)
    if round(seconds) < 60:
        return f"{round(seconds)}s"
    if round(seconds / 60) < 60:
        return f"{round(seconds / 60)}m"
    big, small = ("h", "m") if seconds < 86400 else ("d", "h")
    count, rest = divmod(round(seconds / _UNITS[small]) * _UNITS[small], _UNITS[big])
    tail = f"{int(rest // _UNITS[small])}{small}" if rest else ""
    return f"{int(count)}{big}{tail}"
