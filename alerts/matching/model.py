"""Boundary values of the name matcher: what a user watches and what a hit looks like."""

from __future__ import annotations

from dataclasses import dataclass

# A watched name is alerts' boundary value (the config builds it); the matcher reads it.
from alerts.model import WatchName

__all__ = ["Match", "WatchName"]


@dataclass(frozen=True, slots=True)
class Match:
    """One mention of a watched name in an article field.

    Offsets are into ``html_to_text(<field>)``; ``snippet_start``/``snippet_end``
    locate the mention inside ``snippet``.
    """

    key: str
    matched: str
    field: str
    start: int
    end: int
    snippet: str
    snippet_start: int
    snippet_end: int
    variant: str
    reason: str
