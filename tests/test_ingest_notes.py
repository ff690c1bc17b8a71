"""The feed note rule: a note describes the feed as it is now, decided from one poll."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.notes import GONE, Polled, feed_note, is_malformed

CFG = "http://a.example/feed"
NEW = "http://b.example/feed"
PAGE = "http://a.example/"
BAD = "malformed feed, read leniently: SAXParseException: mismatched tag"
MOVED = f"moved permanently to {NEW}"
FOUND = f"discovered feed {NEW} from the HTML page at {PAGE}"


def at(url: str = CFG, status: str = "ok", **kw: Any) -> Polled:
    """A poll of the feed configured at CFG, from now on polled at `url`."""
    return Polled(status, CFG, url, **kw)


SAX = "SAXParseException: mismatched tag"

CASES = [
    # (case, previous note, this poll, the note after it)
    ("clean feed stays clean", None, at(read="whole body"), None),
    ("malformed read is noted", None, at(read="whole body", malformed=SAX), BAD),
    ("malformed new items are noted", None, at(read="new items", malformed=SAX), BAD),
    ("fixed feed loses the note", BAD, at(read="whole body"), None),
    ("clean new items cannot vouch for old ones", BAD, at(read="new items"), BAD),
    ("unchanged body keeps it", BAD, at(status="unchanged"), BAD),
    ("304 keeps it", BAD, at(status="not modified"), BAD),
    ("a failed fetch keeps it", BAD, at(status="error"), BAD),
    ("moved this poll", None, at(NEW, moved=True, read="whole body"), MOVED),
    ("moved stays while polling the new URL", MOVED, at(NEW, read="whole body"), MOVED),
    ("moved stays through a 304", MOVED, at(NEW, status="not modified"), MOVED),
    ("moved stays through errors", MOVED, at(NEW, status="error"), MOVED),
    ("moved back to the configured URL", MOVED, at(CFG, moved=True, read="whole body"), None),
    ("config now names the new URL", MOVED, Polled("ok", NEW, NEW, read="whole body"), None),
    (
        "moved on again",
        MOVED,
        at("http://c.example/f", moved=True, read="whole body"),
        "moved permanently to http://c.example/f",
    ),
    ("discovered this poll", None, at(NEW, discovered_from=PAGE, read="whole body"), FOUND),
    ("discovered stays", FOUND, at(NEW, read="whole body"), FOUND),
    ("discovered, link moved too", None, at(NEW, moved=True, discovered_from=PAGE), FOUND),
    (
        "moved and malformed",
        None,
        at(NEW, moved=True, read="whole body", malformed=SAX),
        f"{MOVED}; {BAD}",
    ),
    ("moved, then fixed", f"{MOVED}; {BAD}", at(NEW, read="whole body"), MOVED),
    (
        "moved and malformed, unchanged",
        f"{MOVED}; {BAD}",
        at(NEW, status="unchanged"),
        f"{MOVED}; {BAD}",
    ),
    ("malformed, then moved back", f"{MOVED}; {BAD}", at(CFG, status="unchanged", moved=True), BAD),
    ("gone", None, at(status="gone"), GONE),
    ("gone outranks everything", f"{MOVED}; {BAD}", at(NEW, status="gone"), GONE),
    ("gone no more once it answers", GONE, at(read="whole body"), None),
    # Rows written before notes were kept current: the truth, in general words.
    (
        "stale moved note",
        "moved permanently to http://x/",
        at(NEW, read="whole body"),
        f"polling {NEW}, not the configured {CFG}",
    ),
    ("stale note on the configured URL", MOVED, at(CFG, read="whole body"), None),
]


@pytest.mark.parametrize(
    ("previous", "polled", "note"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_note_describes_the_current_state(
    previous: str | None, polled: Polled, note: str | None
) -> None:
    decided, reason = feed_note(previous, polled)
    assert decided == note, reason
    assert reason
    # Deciding again from what was stored changes nothing: a note never drifts by itself.
    if polled.status != "gone":
        steady = Polled("unchanged", polled.config_url, polled.url)
        assert feed_note(decided, steady)[0] == decided


@pytest.mark.parametrize(
    ("note", "malformed"),
    [(None, False), (MOVED, False), (BAD, True), (f"{MOVED}; {BAD}", True), (GONE, False)],
)
def test_is_malformed(note: str | None, malformed: bool) -> None:
    assert is_malformed(note) is malformed
