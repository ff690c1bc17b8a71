"""Finds feed URLs advertised by an HTML page (`<link rel="alternate">`); pure, no fetching."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "text/xml",
        "application/xml",
    }
)
# Only the first part of a page matters and a hostile page may be huge.
_MAX_SCAN = 512 * 1024


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (href, base href seen before it)
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href") or None
        if tag not in ("link", "a"):
            return
        a = {k.lower(): (v or "").strip() for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        kind = a.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and a.get("href"):
            self.found.append((a["href"], self.base or ""))


def feed_links(html: bytes | str, base_url: str) -> tuple[str, ...]:
    """Feed URLs a page advertises, absolute (resolved against `<base>` and `base_url`), unique."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    collector = _LinkCollector()
    try:
        collector.feed(text[:_MAX_SCAN])
        collector.close()
    except AssertionError:  # html.parser's verdict on some broken markup; keep what we found
        pass
    out: list[str] = []
    for href, base in collector.found:
        url = urljoin(urljoin(base_url, base), href)
        if url.startswith(("http://", "https://")) and url not in out:
            out.append(url)
    return tuple(out)
