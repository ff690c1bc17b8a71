"""News sitemaps (sitemaps.org 0.9 with Google News tags): an index with a news sitemap,
read as articles; what is not a sitemap is a clear error."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from ingest.errors import ParseError
from ingest.sitemap import parse_sitemap

URL = "http://127.0.0.1:9/sitemap.xml"
NS = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
)


def news_urlset(*urls: tuple[str, str, str, str]) -> bytes:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>']
    for loc, title, when, lang in urls:
        parts.append(
            f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Outlet</news:name>"
            f"<news:language>{lang}</news:language></news:publication>"
            f"<news:publication_date>{when}</news:publication_date>"
            f"<news:title>{title}</news:title></news:news></url>"
        )
    parts.append("</urlset>")
    return "".join(parts).encode()


def index(*children: tuple[str, str]) -> bytes:
    items = "".join(f"<sitemap><loc>{u}</loc><lastmod>{m}</lastmod></sitemap>" for u, m in children)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
    ).encode()


def test_a_news_urlset_gives_each_url_as_an_article() -> None:
    body = news_urlset(
        ("https://n.example/a/1", "Суд над Бяляцкім", "2026-03-01T10:00:00+03:00", "be"),
        ("https://n.example/a/2", "Day two", "2026-03-01", "en"),
        ("https://n.example/a/1", "repeated", "2026-03-01", "en"),
    )
    feed = parse_sitemap(body, URL, 1 << 20).feed
    assert feed is not None
    first, second = feed.entries
    assert (first.identity, first.link, first.title) == (
        "https://n.example/a/1",
        "https://n.example/a/1",
        "Суд над Бяляцкім",
    )
    assert first.published == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    assert first.language == "be"
    assert second.published == datetime(2026, 3, 1, tzinfo=UTC)


def test_an_index_lists_its_children_with_their_lastmod() -> None:
    body = index(("http://h/news.xml", "2026-03-01T10:00:00Z"), ("http://h/2019.xml", "2019-01-01"))
    top = parse_sitemap(body, URL, 1 << 20)
    assert top.feed is None
    assert [c.url for c in top.children] == ["http://h/news.xml", "http://h/2019.xml"]
    assert top.children[0].lastmod == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_a_gzip_sitemap_without_a_namespace_reads() -> None:
    body = (
        b"<urlset><url><loc>https://n.example/x</loc><lastmod>2026-03-01</lastmod></url></urlset>"
    )
    feed = parse_sitemap(gzip.compress(body), URL, 1 << 20).feed
    assert feed is not None and [e.identity for e in feed.entries] == ["https://n.example/x"]
    assert feed.entries[0].published == datetime(2026, 3, 1, tzinfo=UTC)  # from lastmod


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html><body>hi</body></html>", "not a sitemap (root element <html>)"),
        (b'<?xml version="1.0"?><rss version="2.0"></rss>', "not a sitemap (root element <rss>)"),
        (b"<urlset><url><loc>x", "not a sitemap (XML error"),
        (b"\x1f\x8bnot gzip at all", "bad gzip sitemap"),
        (gzip.compress(b"<urlset>" + b" " * 4096 + b"</urlset>"), "exceeds 1024 bytes"),
        (
            b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<sitemapindex><sitemap><loc>&x;</loc></sitemap></sitemapindex>",
            "",
        ),
    ],
    ids=["html", "rss", "broken", "bad-gzip", "gzip-bomb", "xxe"],
)
def test_what_is_not_a_sitemap_is_a_clear_error(body: bytes, reason: str) -> None:
    try:
        top = parse_sitemap(body, URL, 1024)
    except ParseError as e:
        assert reason and reason in e.reason
        return
    # An external entity is never resolved: no child carries the file's content.
    assert not reason
    assert all("root:" not in c.url for c in top.children)
