"""Telegram channels and news sitemaps end to end: `newswatch poll` stores their posts
and URLs, reads a sitemap article's page for its full text, and alerts once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer
from sinks import WebhookSink
from test_ingest_sitemap import index, news_urlset
from test_newswatch_fulltext import page as named_page
from tgpages import Post, channel_page

from newswatch.cli import main

NOW = datetime.now(UTC)


def page(name: str) -> bytes:
    """An article page that names only `name`."""
    return named_page(name).replace("Алесь Бяляцкі".encode(), "адвакат".encode())


def test_telegram_posts_and_sitemap_pages_alert_like_feed_entries(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    recent = (NOW - timedelta(hours=2)).isoformat()
    with FeedServer() as srv, WebhookSink() as hook:
        srv.route(
            "/s/viasna",
            body=channel_page(
                "viasna",
                [
                    Post(
                        7,
                        # Hashtags as posts carry them (lower case ones crashed the matcher).
                        'Алесь Бяляцкі перададзены ліст <a href="?q=%23Беларусь">#Беларусь</a>'
                        ' <a href="?q=%23палітвязні">#палітвязні</a>',
                        when=NOW - timedelta(hours=1),
                    ),
                    Post(8, "Надвор'е", when=NOW - timedelta(minutes=30)),
                ],
            ),
        )
        html = {"Content-Type": "text/html"}
        art = srv.route("/news/1", body=page("Віктар Бабарыка"), headers=html)
        other = srv.route("/news/2", body=page("нікога"), headers=html)
        news = srv.route(
            "/news-sitemap.xml",
            body=news_urlset((art, "Суд", recent, "be"), (other, "Іншае", recent, "be")),
        )
        old = srv.route("/2019.xml", body=news_urlset((srv.url("/old"), "Old", "2019-01-01", "en")))
        srv.route("/sitemap.xml", body=index((news, recent), (old, "2019-01-01")))
        config = tmp_path / "config.toml"
        config.write_text(
            f"""
[database]
url = "{db_url}"

[[feeds]]
name = "Viasna"
url = "{srv.url("/s/viasna")}"
kind = "telegram"

[[feeds]]
name = "Outlet sitemap"
url = "{srv.url("/sitemap.xml")}"
kind = "sitemap"

[notifiers]
chat = ["{hook.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = ["Ales Bialiatski", "Viktor Babaryka"]
notify = ["chat"]
""",
            encoding="utf-8",
        )
        code = main(["--config", str(config), "poll"])
        out = capsys.readouterr().out
        assert code == 0, out
        posts = hook.wait_for(2)
        assert "5 new articles" in out  # two posts, three sitemap URLs
        # The sitemap's article pages are read for full text; Telegram posts are not.
        assert srv.hits("/news/1") == 1 and srv.hits("/news/2") == 1
        assert srv.hits("/viasna/7") == 0
        code = main(["--config", str(config), "poll"])
        assert code == 0
        assert "0 new articles" in capsys.readouterr().out
        assert len(hook.received) == 2
    main(["--config", str(config), "hits", "--json"])
    rows = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["Ales Bialiatski"]["url"].startswith("https://t.me/viasna/7")
    assert rows["Ales Bialiatski"]["field"] == "title"
    assert (rows["Viktor Babaryka"]["url"], rows["Viktor Babaryka"]["field"]) == (art, "fulltext")
    messages = sorted(p.json["message"] for p in posts)
    assert "in the full article" in messages[0] + messages[1]


@pytest.mark.parametrize(
    ("feed", "problem"),
    [
        (
            'url = "https://t.me/nashaniva"\nkind = "telegram"',
            'feeds[0].url: "https://t.me/nashaniva" is not a channel preview URL',
        ),
        ('url = "https://t.me/s/x1234"\nkind = "rss"', 'feeds[0].kind: "rss" must be one of'),
    ],
)
def test_kind_and_its_url_are_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], feed: str, problem: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[[feeds]]\n{feed}\n", encoding="utf-8")
    assert main(["--config", str(config), "check"]) == 2
    assert problem in capsys.readouterr().err


@pytest.mark.parametrize(
    ("path", "kind", "said"),
    [
        ("/s/viasna", "telegram", "as a Telegram channel"),
        ("/sitemap.xml", "sitemap", "as a news sitemap"),
        ("/news-sitemap.xml", "sitemap", "as a news sitemap"),
        ("/feed.json", "feed", "added 'JSON outlet'"),
    ],
)
def test_add_detects_telegram_channels_and_sitemaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, kind: str, said: str
) -> None:
    from newswatch.config import load

    with FeedServer() as srv:
        srv.route("/s/viasna", body=channel_page("viasna", [Post(1, "Першы")], "Вясна"))
        news = srv.route(
            "/news-sitemap.xml", body=news_urlset((srv.url("/a"), "A", "2026-03-01", "be"))
        )
        srv.route("/sitemap.xml", body=index((news, "2026-03-01")))
        feed = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON outlet", "items": []}
        srv.route("/feed.json", body=json.dumps(feed).encode())
        config = tmp_path / "config.toml"
        config.write_text('[database]\nurl = "sqlite:///x.db"\n', encoding="utf-8")
        code = main(["--config", str(config), "add", srv.url(path)])
    assert code == 0
    assert said in capsys.readouterr().out
    (added,) = load(str(config)).feeds
    assert (added.url, added.kind) == (srv.url(path), kind)


@pytest.mark.parametrize(
    ("given", "polled"),
    [
        ("https://t.me/nashaniva", "https://t.me/s/nashaniva"),
        ("https://t.me/s/nashaniva/", "https://t.me/s/nashaniva"),
        ("https://telegram.me/nashaniva", "https://t.me/s/nashaniva"),
        ("https://t.me/nashaniva/123", "https://t.me/nashaniva/123"),  # a post, not a channel
        ("https://example.org/nashaniva", "https://example.org/nashaniva"),
    ],
)
def test_add_reads_a_telegram_channel_link_as_its_preview(given: str, polled: str) -> None:
    from newswatch.feedcmds import telegram_preview_url

    assert telegram_preview_url(given) == polled
