"""Parsing of human durations ("90s", "5m", "1h", "1d") and sizes ("16MB")."""

from __future__ import annotations

import re

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
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
    """Seconds in `text`; raises ValueError for anything but <number><unit>."""
    found = _DURATION.match(text)
    if not found:
        raise ValueError(f'"{text}" is not a duration like "90s", "5m", "1h" or "1d"')
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse_size(text: str) -> int:
    """Bytes in `text` such as "16MB" or "512KiB"; raises ValueError otherwise."""
    found = _SIZE.match(text)
    if not found:
        raise ValueError(f'"{text}" is not a size like "16MB" or "512KiB"')
    unit = (found.group(2) or "b").lower()
    return int(float(found.group(1)) * _SIZE_UNITS[unit])


def format_duration(seconds: float) -> str:
    """The shortest exact human form of `seconds` ("15m", "2d", "90s")."""
    for unit in ("w", "d", "h", "m", "s"):
        size = _UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
