"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/): detected and read like RSS."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parse import parse_feed

URL = "http://example.org/feed.json"


def _feed(version: str = "1.1", **extra: object) -> bytes:
    doc: dict[str, object] = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "Nasha Niva &amp; friends",
        "home_page_url": "/",
        "language": "be",
        "items": [
            {
                "id": "2",
                "url": "/news/2",
                "title": "Бяляцкі <b>вызвалены</b>",
                "content_html": "<p>Text<script>alert(1)</script></p>",
                "summary": "Short",
                "date_published": "2024-03-01T12:00:00+03:00",
                "date_modified": "2024-03-01T13:00:00Z",
                "authors": [{"name": "Reporter"}, {"url": "https://x"}],
            },
            {"id": 3, "content_text": "plain text", "author": {"name": "Old-style"}},
            {"url": "http://example.org/no-id", "title": "no id", "language": "ru"},
            "not an object",
            {"id": "2", "title": "duplicate of 2"},
        ],
    }
    doc.update(extra)
    return json.dumps(doc).encode()


@pytest.mark.parametrize("version", ["1", "1.1"])
@pytest.mark.parametrize(
    "ctype", ["application/feed+json", "application/json", "text/plain", "application/xml"]
)
def test_json_feed_is_read_like_rss_whatever_its_label(version: str, ctype: str) -> None:
    feed = parse_feed(_feed(version), {"Content-Type": ctype}, URL)
    assert feed.title == "Nasha Niva & friends"
    assert feed.link == "http://example.org/"
    assert feed.language == "be"
    first, second, third = feed.entries
    assert first.identity == "2"
    assert first.link == "http://example.org/news/2"
    assert first.title == "Бяляцкі вызвалены"
    assert "<script" not in first.content and "Text" in first.content
    assert first.summary == "Short"
    assert first.published == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 3, 1, 13, 0, tzinfo=UTC)
    assert first.author == "Reporter"
    assert first.language == "be"
    # A numeric id is coerced to a string, as 1.1 requires of readers.
    assert (second.identity, second.content, second.author) == ("3", "plain text", "Old-style")
    assert second.published is None
    # A missing id falls back to the link, as an RSS item without a guid does.
    assert (third.identity, third.language) == ("http://example.org/no-id", "ru")


@pytest.mark.parametrize(
    ("body", "ctype", "reason"),
    [
        (b'{"items": []}', "application/json", "not a JSON Feed (no jsonfeed.org version)"),
        (b"[1, 2, 3]", "application/json", "top level is not an object"),
        (b'{"version": "https://jsonfeed.org/version/1"', "application/feed+json", "invalid JSON"),
        (b"not json at all", "application/feed+json", "invalid JSON"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}',
            "application/feed+json",
            "without an items list",
        ),
        (b'\xff{"a": 1}', "application/json", "not UTF-8"),
        (b"[" * 100_000, "application/json", "invalid JSON: nested too deeply"),
    ],
)
def test_json_that_is_not_a_feed_is_a_clear_error(body: bytes, ctype: str, reason: str) -> None:
    with pytest.raises(ParseError) as e:
        parse_feed(body, {"Content-Type": ctype}, URL)
    assert reason in e.value.reason
    assert "XML" not in e.value.reason and "SAX" not in e.value.reason


def test_xml_labelled_json_is_still_read_as_xml() -> None:
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_feed(rss, {"Content-Type": "application/json"}, URL).title == "t"


def test_a_json_feed_polled_over_loopback_stores_its_items(tmp_path: Path) -> None:
    from feedserver import FeedServer

    from ingest import storage
    from ingest.db import Base, make_engine, make_sessions
    from ingest.poller import Poller
    from ingest.storage.store import IngestStore

    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    with FeedServer() as srv:
        good = srv.route("/f.json", body=_feed(), headers={"Content-Type": "application/feed+json"})
        bad = srv.route(
            "/api.json", body=b'{"ok": true}', headers={"Content-Type": "application/json"}
        )
        with sessions.begin() as s:
            specs = [storage.FeedSpec("good", good, 900.0), storage.FeedSpec("bad", bad, 900.0)]
            storage.sync_feeds(s, specs, now)
        p = Poller(IngestStore(engine), lambda: now, owner="t")
        report = p.poll(force=True)
        p.close()
    assert (report.ok, report.errors, report.new_articles) == (1, 1, 3)
    with sessions() as s:
        by_name = {f.name: f for f in storage.feed_statuses(s, now)}
    assert by_name["good"].articles == 3
    assert by_name["bad"].last_error == "a JSON document, not a JSON Feed (no jsonfeed.org version)"
