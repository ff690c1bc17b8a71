"""Feed management and health through the CLI: add, import-opml, export-opml, feeds --json,
and the ops alerts for a feed failing too long and recovering (injected clock)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink

from ingest.opml import parse_opml, render_opml
from newswatch.app import App
from newswatch.cli import main
from newswatch.config import load

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FEED = rss([Item("a1", "First", "x", published=NOW), Item("a2", "Second", "y")], title="Daily")
PAGE = (
    b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    b"</head><body>home</body></html>"
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.route("/feed.xml", body=FEED)
        srv.route("/other.xml", body=FEED)
        srv.route("/home", body=PAGE, headers={"Content-Type": "text/html"})
        srv.route("/plain", body=b"<html><body>no feed</body></html>")
        srv.route("/missing", status=404)
        yield srv


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    # Comments and layout that a rewrite would lose: `add` must only append.
    path.write_text(
        f'# my newswatch\n[database]\nurl = "sqlite:///{tmp_path / "nw.db"}"  # local\n\n'
        '[defaults]\ninterval = "15m"\n'
    )
    return path


def run(config: Path, *argv: str) -> int:
    return main(["--config", str(config), *argv])


@pytest.mark.parametrize(
    ("path", "extra", "stored_path", "name", "interval"),
    [
        ("/feed.xml", [], "/feed.xml", "Daily", None),
        ("/feed.xml", ["--name", 'A "quoted" name', "--interval", "5m"], "/feed.xml", None, 300),
        ("/home", [], "/feed.xml", "Daily", None),  # discovered from the page
    ],
)
def test_add_appends_a_validated_feed(
    server: FeedServer,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    extra: list[str],
    stored_path: str,
    name: str | None,
    interval: float | None,
) -> None:
    before = config.read_text()
    assert run(config, "add", server.url(path), *extra) == 0
    after = config.read_text()
    assert after.startswith(before)
    [feed] = load(str(config)).feeds
    assert feed.url == server.url(stored_path)
    assert feed.name == (name or 'A "quoted" name')
    assert feed.interval_s == (interval or 900)
    if path == "/home":
        assert "discovered feed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("path", "code", "says"),
    [
        ("/plain", 1, "an HTML page, not a feed"),
        ("/missing", 1, "HTTP 404"),
        ("/feed.xml", 2, "already configured"),
    ],
)
def test_add_refuses_without_touching_the_file(
    server: FeedServer,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    code: int,
    says: str,
) -> None:
    if says == "already configured":
        assert run(config, "add", server.url(path)) == 0
    before = config.read_text()
    assert run(config, "add", server.url(path)) == code
    assert says in capsys.readouterr().err
    assert config.read_text() == before


def test_add_refuses_a_page_linking_a_configured_feed(server: FeedServer, config: Path) -> None:
    assert run(config, "add", server.url("/feed.xml")) == 0
    before = config.read_text()
    assert run(config, "add", server.url("/home")) == 2
    assert config.read_text() == before


def test_import_then_export_opml(server: FeedServer, config: Path, tmp_path: Path) -> None:
    assert run(config, "add", server.url("/feed.xml")) == 0
    before = config.read_text()
    opml = tmp_path / "subs.opml"
    opml.write_text(
        render_opml(
            [("Daily", server.url("/feed.xml")), ("Daily", server.url("/other.xml"))], "mine"
        )
    )
    assert run(config, "import-opml", str(opml)) == 0
    assert config.read_text().startswith(before)
    feeds = load(str(config)).feeds
    assert [(f.name, f.url) for f in feeds] == [
        ("Daily", server.url("/feed.xml")),
        ("Daily (2)", server.url("/other.xml")),
    ]
    assert run(config, "import-opml", str(opml)) == 0  # nothing new the second time
    assert len(load(str(config)).feeds) == 2
    out = tmp_path / "out.opml"
    assert run(config, "export-opml", str(out)) == 0
    assert parse_opml(out.read_bytes()) == [(f.name, f.url) for f in feeds]


def test_export_writes_the_urls_newswatch_polls(
    server: FeedServer, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with config.open("a") as fh:
        for name, url in [
            ("kept", server.route("/kept.xml", body=FEED)),
            ("moved", server.redirect("/old", "/other.xml", 301)),
            ("page", server.url("/home")),  # the feed is discovered from the page
            ("temporary", server.redirect("/tmp", "/other.xml", 302)),
        ]:
            fh.write(f'\n[[feeds]]\nname = "{name}"\nurl = "{url}"\n')
    out = tmp_path / "out.opml"
    assert run(config, "export-opml", str(out)) == 0  # before any poll: the config's URLs
    configured = [(f.name, f.url) for f in load(str(config)).feeds]
    assert parse_opml(out.read_bytes()) == configured
    assert run(config, "poll", "--no-deliver") == 0
    capsys.readouterr()
    assert run(config, "export-opml", str(out)) == 0
    assert parse_opml(out.read_bytes()) == [
        ("kept", server.url("/kept.xml")),
        ("moved", server.url("/other.xml")),
        ("page", server.url("/feed.xml")),
        ("temporary", server.url("/tmp")),  # a 302 may be a login wall: not followed for good
    ]
    assert "2 at the URL newswatch polls instead" in capsys.readouterr().out
    assert run(config, "export-opml") == 0
    assert parse_opml(capsys.readouterr().out.encode()) == parse_opml(out.read_bytes())


def test_import_refuses_hostile_opml(config: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_text('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><opml/>')
    before = config.read_text()
    assert run(config, "import-opml", str(bad)) == 1
    assert config.read_text() == before


def test_feeds_json_reports_health(
    server: FeedServer, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "add", server.url("/feed.xml"), "--name", "good") == 0
    with config.open("a") as fh:
        fh.write(f'\n[[feeds]]\nname = "bad"\nurl = "{server.url("/missing")}"\n')
        fh.write(
            f'\n[[feeds]]\nname = "moved"\nurl = "{server.redirect("/old", "/other.xml", 301)}"\n'
        )
    assert run(config, "poll", "--no-deliver") == 1  # one feed failed
    capsys.readouterr()
    assert run(config, "feeds", "--json") == 0
    rows = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    good, bad, moved = rows["good"], rows["bad"], rows["moved"]
    assert (good["status"], good["error_count"], good["articles"]) == ("ok", 0, 2)
    assert good["last_success"] and good["next_check"] and good["per_day"] == 2.0
    assert (bad["status"], bad["error_count"], bad["last_error"]) == ("failing", 1, "HTTP 404")
    assert bad["failing_since"] and bad["last_success"] is None
    assert moved["url"] == server.url("/other.xml") and "moved permanently" in moved["note"]
    assert run(config, "feeds") == 0
    table = capsys.readouterr().out
    assert "failing since" in table and "moved permanently" in table


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_failing_feed_alerts_ops_once_then_recovers(server: FeedServer, tmp_path: Path) -> None:
    with WebhookSink() as hook:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{tmp_path / "nw.db"}"\n\n'
            '[defaults]\nfailing_alert_after = "2d"\n\n'
            f'[notifiers]\nops = ["{hook.apprise_url()}"]\n\n'
            f'[[feeds]]\nname = "flaky"\nurl = "{server.route("/flaky", status=500)}"\n'
        )
        clock = Clock()
        app = App(load(str(config)), clock=clock, parse_workers=0)
        try:
            app.open()
            for hours in (0, 24, 49, 60):  # failing since NOW; past 2 days at +49h
                clock.now = NOW + timedelta(hours=hours)
                app.poll(force=True)
                app.maintenance()
                app.deliver()
            posts = hook.wait_for(1)
            assert len(posts) == 1 and "failing" in posts[0].body.decode()
            server.route("/flaky", body=FEED)
            clock.now = NOW + timedelta(hours=61)
            app.poll(force=True)
            app.maintenance()
            app.maintenance()
            app.deliver()
            posts = hook.wait_for(2)
            assert len(posts) == 2 and "recovered" in posts[1].body.decode()
        finally:
            app.close()
