"""A display snippet around a mention, cut on word boundaries, with the mention's offsets."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")
ELLIPSIS = "…"


def _squash(s: str) -> str:
    return _WS.sub(" ", s)


def snippet(text: str, start: int, end: int, width: int = 200) -> tuple[str, int, int]:
    """(snippet, start, end): about ``width`` characters of ``text`` around [start, end)."""
    room = max(width - (end - start), 40)
    lo = max(0, start - room // 2)
    hi = min(len(text), end + room - (start - lo))
    lo = max(0, min(lo, start - (room - (hi - end))))
    if lo > 0:
        cut = text.find(" ", lo, start)
        lo = cut + 1 if cut != -1 else lo
    if hi < len(text):
        cut = text.rfind(" ", end, hi)
        hi = cut if cut != -1 else hi
    window = text[lo:hi]
    if window.isprintable() and "  " not in window:
        # Single ASCII spaces only (the usual case): nothing to squash.
        before = text[lo:start].lstrip()
        middle = text[start:end]
        after = text[end:hi].rstrip()
    else:
        before = _squash(text[lo:start]).lstrip()
        middle = _squash(text[start:end])
        after = _squash(text[end:hi]).rstrip()
    head = ELLIPSIS if lo > 0 else ""
    tail = ELLIPSIS if hi < len(text) else ""
    s_start = len(head) + len(before)
    s_end = s_start + len(middle)
    return head + before + middle + after + tail, s_start, s_end
