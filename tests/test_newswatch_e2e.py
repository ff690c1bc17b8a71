"""End to end on real loopback parts: feeds over HTTP, email over SMTP, chat over a webhook.

`newswatch poll` twice on SQLite and on PostgreSQL: the first alerts once per
(watchlist, article) on every target, the second alerts nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import SmtpSink, WebhookSink

from newswatch.cli import main

NOW = datetime.now(UTC)

ENGLISH = [
    Item(
        "en-1",
        "Court hears appeal of Ales Bialiatski",
        "The Nobel laureate's appeal was heard.",
        published=NOW - timedelta(hours=2),
    ),
    Item("en-2", "Weather in Minsk", "Snow is expected on Tuesday.", published=NOW),
    Item(
        "en-3",
        "Babaryka and Bialiatski named in <b>joint</b> appeal",
        "Supporters of Viktor Babaryka's campaign and of Bialiatski signed it.",
        published=NOW - timedelta(hours=1),
    ),
    Item(
        "en-4",
        "Archive: Bialiatski's 2021 arrest",
        "An old story.",
        published=NOW - timedelta(days=40),
    ),
]
RUSSIAN = [
    Item(
        "ru-1",
        "Суд над Виктором Бабарыкой",
        "Защита Виктора Бабарыки подала жалобу.",
        published=NOW - timedelta(hours=3),
    ),
]


@pytest.fixture
def parts() -> Iterator[tuple[FeedServer, SmtpSink, WebhookSink]]:
    with FeedServer() as feeds, SmtpSink() as smtp, WebhookSink() as hook:
        feeds.route("/en.xml", body=rss(ENGLISH), headers={"Content-Type": "application/rss+xml"})
        feeds.route("/ru.xml", body=rss(RUSSIAN), etag='"ru-v1"')
        feeds.route("/broken.xml", status=500, body=b"oops")
        yield feeds, smtp, hook


def write_config(
    path: Path, db_url: str, feeds: FeedServer, smtp: SmtpSink, hook: WebhookSink
) -> str:
    text = f"""
[database]
url = "{db_url}"

[defaults]
interval = "15m"
backfill = "7d"

[[feeds]]
name = "English outlet"
url = "{feeds.url("/en.xml")}"

[[feeds]]
name = "Russian outlet"
url = "{feeds.url("/ru.xml")}"
interval = "5m"

[[feeds]]
name = "Broken outlet"
url = "{feeds.url("/broken.xml")}"

[notifiers]
team = ["{smtp.apprise_url()}", "{hook.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = ["Ales Bialiatski", "Viktor Babaryka"]
notify = ["team"]
"""
    config = path / "config.toml"
    config.write_text(text, encoding="utf-8")
    return str(config)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_poll_twice_alerts_once_per_watchlist_and_article(
    tmp_path: Path,
    db_url: str,
    parts: tuple[FeedServer, SmtpSink, WebhookSink],
    capsys: pytest.CaptureFixture[str],
) -> None:
    feeds, smtp, hook = parts
    config = write_config(tmp_path, db_url, feeds, smtp, hook)

    code, out = run_cli(capsys, "--config", config, "poll")
    assert code == 1, out  # the broken outlet failed; the others were polled and alerted
    # en-1, en-3 and ru-1 alert; en-4 is older than the backfill (stored, not alerted).
    posts = hook.wait_for(3)
    mails = smtp.wait_for(3)
    assert len(posts) == 3 and len(mails) == 3
    titles = sorted(p.json["title"] for p in posts)
    assert any("Bialiatski" in t and "Babaryka" in t for t in titles), titles
    assert all(p.header("X-Newswatch-Delivery") for p in posts)
    assert any("Бабарык" in p.json["message"] for p in posts)
    assert any("<b>joint</b>" not in m.body("html") for m in mails)

    code, out = run_cli(capsys, "poll", "--config", config)
    assert code == 1
    assert "0 new articles" in out
    assert len(hook.received) == 3 and len(smtp.received) == 3

    code, out = run_cli(capsys, "--config", config, "hits", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    keys = {"watchlist", "name", "matched", "url", "title", "feed", "published", "first_seen"}
    assert all(keys <= row.keys() for row in rows)
    by_article = {(r["title"], r["name"]) for r in rows}
    assert ("Archive: Bialiatski's 2021 arrest", "Ales Bialiatski") in by_article  # stored
    assert {r["name"] for r in rows} == {"Ales Bialiatski", "Viktor Babaryka"}
    assert any("Бабарыкой" in r["matched"] for r in rows)

    code, out = run_cli(capsys, "--config", config, "feeds", "--json")
    status = {r["name"]: r for r in map(json.loads, out.splitlines())}
    assert status["English outlet"]["articles"] == 4
    assert status["Broken outlet"]["error_count"] == 2
    assert "500" in status["Broken outlet"]["last_error"]
    assert status["Russian outlet"]["status"] in ("ok", "not modified")


def test_check_prints_what_it_would_watch_without_secrets(
    tmp_path: Path,
    parts: tuple[FeedServer, SmtpSink, WebhookSink],
    capsys: pytest.CaptureFixture[str],
) -> None:
    feeds, smtp, hook = parts
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", feeds, smtp, hook)
    code, out = run_cli(capsys, "check", "--config", config)
    assert code == 0
    assert "English outlet" in out and "Ales Bialiatski" in out
    assert "secretpass" not in out


def test_notify_test_reaches_every_target(
    tmp_path: Path,
    parts: tuple[FeedServer, SmtpSink, WebhookSink],
    capsys: pytest.CaptureFixture[str],
) -> None:
    feeds, smtp, hook = parts
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", feeds, smtp, hook)
    code, out = run_cli(capsys, "--config", config, "notify-test", "team")
    assert code == 0, out
    assert len(hook.wait_for(1)) == 1 and len(smtp.wait_for(1)) == 1
    assert "secretpass" not in out
