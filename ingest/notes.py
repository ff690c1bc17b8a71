"""A feed's health note: the one line `newswatch feeds` shows about a feed that needs a look.

Pure: the note is decided from one poll's findings and the note the feed had before, so it
always describes the current state. A fixed feed loses its "malformed" note; a "moved" or
"discovered" note lasts exactly as long as newswatch polls a URL other than the configured
one. The poller decides, storage writes what it is given (None clears the note).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingest.outcomes import PollStatus

GONE = "410 Gone: stopped polling; remove the feed or re-add it"
_MOVED = "moved permanently to "
_DISCOVERED = "discovered feed "
_MALFORMED = "malformed feed, read leniently: "

Read = Literal["nothing", "new items", "whole body"]


@dataclass(frozen=True, slots=True)
class Polled:
    """What one poll found out that a note can speak of."""

    status: PollStatus
    config_url: str
    url: str  # the URL polled from now on (after this poll's move or discovery)
    moved: bool = False  # this poll followed a permanent redirect to `url`
    discovered_from: str | None = None  # this poll found `url` linked from this HTML page
    read: Read = "nothing"  # how much of a body this poll parsed
    malformed: str | None = None  # why the parser had to read leniently


def feed_note(previous: str | None, polled: Polled) -> tuple[str | None, str]:
    """(the note to store, the reason for the DEBUG log): location first, then malformation."""
    if polled.status == PollStatus.GONE:
        # Nothing else about a feed that no longer exists is worth reading.
        return GONE, "gone"
    location, where = _location(previous, polled)
    malformed, how = _malformation(previous, polled)
    note = "; ".join(p for p in (location, malformed) if p) or None
    return note, f"{where}; {how}"


def is_malformed(note: str | None) -> bool:
    """Whether the note says the feed was last read leniently."""
    return note is not None and _MALFORMED in note


def _location(previous: str | None, polled: Polled) -> tuple[str | None, str]:
    url = polled.url
    if url == polled.config_url:
        return None, "polls the configured URL"
    if polled.discovered_from is not None:
        return f"{_DISCOVERED}{url} from the HTML page at {polled.discovered_from}", "discovered"
    if polled.moved:
        return f"{_MOVED}{url}", "moved"
    head = _head(previous)
    if head == f"{_MOVED}{url}" or head.startswith(f"{_DISCOVERED}{url} "):
        return head, "still polls the moved or discovered URL"
    # Only rows written before notes were kept current lack a location note here.
    return f"polling {url}, not the configured {polled.config_url}", "polls another URL"


def _malformation(previous: str | None, polled: Polled) -> tuple[str | None, str]:
    if polled.malformed is not None and polled.read != "nothing":
        return f"{_MALFORMED}{polled.malformed}", "read leniently"
    if polled.read == "whole body":
        return None, "parsed cleanly"
    # A clean parse of only the new items cannot vouch for the old ones; an unchanged or
    # unfetched body is as it was.
    kept = _tail(previous)
    return kept, "kept malformation" if kept else "no malformation"


def _head(note: str | None) -> str:
    if not note:
        return ""
    at = note.find(_MALFORMED)
    return (note if at < 0 else note[:at]).removesuffix("; ")


def _tail(note: str | None) -> str | None:
    if not note:
        return None
    at = note.find(_MALFORMED)
    return None if at < 0 else note[at:]
