"""Reads sitemaps (sitemaps.org 0.9) with Google News tags into entries; no I/O.

A `<sitemapindex>` lists child sitemaps (the poller fetches the newest few); a
`<urlset>` lists URLs, each an article: `<loc>` its identity and link, and from the
News extension (https://www.google.com/schemas/sitemap-news/0.9) `news:title`,
`news:publication_date` and `news:language`; `<lastmod>` dates a URL without news
tags. Elements are matched by local name, so a sitemap that forgets its namespace
still reads. lxml parses with entities and network access off (no XXE, no bombs).
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from ingest.errors import ParseError
from ingest.model import ParsedEntry, ParsedFeed

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "recover": False,
}
# sitemaps.org: at most 50,000 URLs and 50 MB uncompressed per sitemap file.
MAX_URLS = 50_000
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class ChildSitemap:
    url: str
    lastmod: datetime | None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """Either the children of an index, or the entries of a urlset."""

    children: tuple[ChildSitemap, ...] = ()
    feed: ParsedFeed | None = None


def parse_sitemap(body: bytes, url: str, max_bytes: int) -> Sitemap:
    """One sitemap file (gzip-compressed or not); `ParseError` when it is none."""
    data = _decompressed(body, url, max_bytes)
    try:
        root = etree.parse(io.BytesIO(data), etree.XMLParser(**_PARSER_OPTIONS)).getroot()
    except etree.XMLSyntaxError as e:
        raise ParseError(url, f"not a sitemap (XML error: {e.msg})") from None
    name = etree.QName(root).localname
    if name == "sitemapindex":
        children = [
            ChildSitemap(loc, _date(_child_text(s, "lastmod")))
            for s in _children(root, "sitemap")
            if (loc := _child_text(s, "loc"))
        ]
        return Sitemap(children=tuple(children))
    if name != "urlset":
        raise ParseError(url, f"not a sitemap (root element <{name}>)")
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for u in _children(root, "url")[:MAX_URLS]:
        loc = _child_text(u, "loc")
        if not loc or loc in seen:
            continue
        seen.add(loc)
        news = next(iter(_children(u, "news")), None)
        title = _child_text(news, "title") if news is not None else None
        published = _date(_child_text(news, "publication_date")) if news is not None else None
        language = None
        if news is not None:
            publication = next(iter(_children(news, "publication")), None)
            if publication is not None:
                language = _child_text(publication, "language")
        lastmod = _date(_child_text(u, "lastmod"))
        entries.append(
            ParsedEntry(
                identity=loc,
                title=title or "",
                link=loc,
                summary="",
                content="",
                published=published or lastmod,
                updated=lastmod or published,
                language=language,
            )
        )
    return Sitemap(feed=ParsedFeed(title=None, link=url, entries=tuple(entries)))


def _decompressed(body: bytes, url: str, max_bytes: int) -> bytes:
    # sitemaps.org allows gzip files (sitemap.xml.gz), often served without
    # Content-Encoding, so the fetcher hands over the compressed bytes.
    if not body.startswith(_GZIP_MAGIC):
        return body
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
            while chunk := f.read(64 * 1024):
                out += chunk
                if len(out) > max_bytes:
                    raise ParseError(url, f"sitemap exceeds {max_bytes} bytes uncompressed")
    except (OSError, EOFError, zlib.error) as e:
        raise ParseError(url, f"bad gzip sitemap: {e}") from None
    return bytes(out)


def _children(node: etree._Element, local: str) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == local]


def _child_text(node: etree._Element | None, local: str) -> str | None:
    if node is None:
        return None
    for c in _children(node, local):
        text = (c.text or "").strip()
        if text:
            return text
    return None


def _date(text: str | None) -> datetime | None:
    """W3C Datetime (the format both specifications require), to UTC."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # a bare date: its day, in UTC
    return when.astimezone(UTC)
