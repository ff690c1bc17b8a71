"""Build RSS documents for tests from plain item tuples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

# Where items link by default: a loopback port nothing listens on, so an article page
# fetched for its full text (fulltext = "auto") fails at once and never leaves the machine.
ITEM_BASE = "http://127.0.0.1:9/"


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    summary: str = ""
    link: str | None = None
    published: datetime | None = None


def rss(items: list[Item], title: str = "Test feed", extra: str = "") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://example.org/</link>{extra}",
    ]
    for it in items:
        parts.append("<item>")
        parts.append(f'<guid isPermaLink="false">{escape(it.guid)}</guid>')
        parts.append(f"<title>{escape(it.title)}</title>")
        parts.append(f"<link>{escape(it.link or ITEM_BASE + it.guid)}</link>")
        parts.append(f"<description>{escape(it.summary)}</description>")
        if it.published is not None:
            parts.append(f"<pubDate>{format_datetime(it.published)}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")
