"""Telegram channel previews (t.me/s/CHANNEL) as feeds: pages in the real markup, paging
back after downtime, and every way a preview can be unavailable (an error on the feed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer
from tgpages import EMOJI, Post, channel_page, info_page

from ingest import storage
from ingest.db import Base, make_engine, make_sessions
from ingest.errors import ParseError
from ingest.poller import Poller
from ingest.storage.store import IngestStore
from ingest.telegram import parse_channel

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "http://127.0.0.1:9/s/nashaniva"
T = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

POSTS = [
    Post(
        101,
        "Суд над <b>Алесем Бяляцкім</b> адкладзены.<br/><br/>"
        f'{EMOJI} Падрабязней: <a href="https://nashaniva.com/123" target="_blank" rel="noopener">'
        'на сайце</a> <a href="?q=%23Беларусь">#Беларусь</a>',
        when=T,
    ),
    Post(
        103, "Гэта наш ранейшы допіс, глядзіце.", reply_to=("Наша Ніва", "Віктар Бабарыка ў СІЗА")
    ),
    Post(104, "Заява праваабаронцаў", forwarded_from="Вясна"),
    Post(105, "Фота з суда: Марыя Калеснікава", photos=2),
    Post(106, "", preview=("Zerkalo", "Ціханоўская выступіла ў Сейме", "Палітык заявіла…")),
    Post(107, service="Channel photo updated"),
    Post(108, "", photos=1),  # a bare photo: nothing to read
]


def by_id(body: bytes) -> dict[str, object]:
    page = parse_channel(body, {}, URL)
    return {e.identity: e for e in page.feed.entries}


def test_each_post_is_an_article_with_its_text_link_and_time() -> None:
    page = parse_channel(channel_page("nashaniva", POSTS, "Наша Ніва"), {}, URL)
    assert (page.oldest, page.newest) == (101, 108)
    assert page.feed.title == "Наша Ніва" and page.feed.bozo is None
    posts = {e.identity: e for e in page.feed.entries}
    # Deleted ids (102) are simply absent; service messages and bare photos carry no text.
    assert list(posts) == [f"nashaniva/{i}" for i in (101, 103, 104, 105, 106)]
    first = posts["nashaniva/101"]
    assert first.link == "https://t.me/nashaniva/101"
    assert first.published == T
    assert first.title == "Суд над Алесем Бяляцкім адкладзены."
    assert "\U0001f525 Падрабязней: на сайце (https://nashaniva.com/123) #Беларусь" in first.summary
    # A reply's quoted text is the quote, not the post: the post is its own text.
    reply = posts["nashaniva/103"]
    assert reply.summary == "Гэта наш ранейшы допіс, глядзіце."
    assert "Бабарыка" not in reply.summary
    assert posts["nashaniva/104"].summary == "Forwarded from Вясна\nЗаява праваабаронцаў"
    assert posts["nashaniva/105"].summary == "Фота з суда: Марыя Калеснікава"  # the caption
    preview = posts["nashaniva/106"].summary
    assert preview == "Zerkalo — Ціханоўская выступіла ў Сейме — Палітык заявіла…"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (info_page("nashaniva"), "preview unavailable (no message history on the page)"),
        (b"", "preview unavailable"),
        (
            channel_page("nashaniva", [Post(5, "x", attrs={"data-post": "not a post id"})]),
            "unexpected markup: none of 1 posts has a post id",
        ),
    ],
    ids=["preview-off", "empty", "no-post-ids"],
)
def test_a_page_that_is_no_preview_is_a_clear_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as e:
        parse_channel(body, {}, URL)
    assert reason in e.value.reason


def test_posts_in_unexpected_markup_are_skipped_and_noted() -> None:
    posts = [Post(1, "ok"), Post(2, "odd", attrs={"data-post": "nashaniva/"})]
    page = parse_channel(channel_page("nashaniva", posts), {}, URL)
    assert [e.identity for e in page.feed.entries] == ["nashaniva/1"]
    assert page.feed.bozo == "1 posts in unexpected markup skipped"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def poller(tmp_path: Path, urls: dict[str, str]) -> Poller:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        specs = [storage.FeedSpec(n, u, 900.0, kind="telegram") for n, u in urls.items()]
        storage.sync_feeds(s, specs, NOW)
    return Poller(IngestStore(engine), lambda: NOW, owner="t")


def identities(p: Poller) -> list[str]:
    with p.store.read() as s:
        return sorted(a.identity for a in storage.articles_since(s, NOW - timedelta(days=1)))


def test_after_downtime_the_channel_is_paged_back_to_the_last_post_seen(
    server: FeedServer, tmp_path: Path
) -> None:
    posts = {i: Post(i, f"Допіс {i}") for i in range(1, 80)}
    server.route("/s/chan", body=channel_page("chan", [posts[i] for i in range(1, 21)]))
    p = poller(tmp_path, {"chan": server.url("/s/chan")})
    assert p.poll(force=True).new_articles == 20
    # Fifty posts later (ids 30-34 deleted): three pages back reach post 20.
    latest = [posts[i] for i in range(21, 71) if not 30 <= i <= 34]
    pages = [latest[-20:], latest[-40:-20], latest[:-40]]
    server.route("/s/chan", body=channel_page("chan", pages[0]))
    server.route(f"/s/chan?before={pages[0][0].id}", body=channel_page("chan", pages[1]))
    server.route(f"/s/chan?before={pages[1][0].id}", body=channel_page("chan", pages[2]))
    report = p.poll(force=True)
    p.close()
    assert report.new_articles == 45
    assert identities(p) == sorted(f"chan/{i}" for i in range(1, 71) if not 30 <= i <= 34)
    assert server.hits("/s/chan") == 4  # the newest page twice, then two pages back


@pytest.mark.parametrize(
    ("route", "error"),
    [
        ({"body": info_page("chan")}, "preview unavailable (no message history on the page)"),
        ({"status": 302, "headers": {"Location": "/chan"}}, "preview unavailable (redirected to"),
        ({"body": b"<html><body><p>Something else</p></body></html>"}, "preview unavailable"),
        ({"status": 429}, "HTTP 429"),
    ],
    ids=["preview-off", "redirect", "unexpected-page", "rate-limited"],
)
def test_an_unavailable_preview_is_an_error_on_the_feed_and_nothing_is_lost(
    server: FeedServer, tmp_path: Path, route: dict[str, object], error: str
) -> None:
    server.route("/s/chan", body=channel_page("chan", [Post(1, "Першы"), Post(2, "Другі")]))
    server.route("/chan", body=info_page("chan"))
    p = poller(tmp_path, {"chan": server.url("/s/chan")})
    assert p.poll(force=True).new_articles == 2
    server.route("/s/chan", **route)
    report = p.poll(force=True)
    p.close()
    assert report.errors == 1
    with p.store.read() as s:
        (status,) = storage.feed_statuses(s, NOW)
    assert status.last_error is not None and error in status.last_error
    assert status.articles == 2
    assert identities(p) == ["chan/1", "chan/2"]
