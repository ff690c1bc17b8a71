"""WebSub: hubs are found in feeds, pushes are checked by signature, leases renewed in
time (pure tables); and a real daemon subscribes through a hub on loopback, drops a
forged push, alerts on a signed one, and unsubscribes a feed that left the config."""

from __future__ import annotations

import hmac
import re
import signal
import sqlite3
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink, free_port
from test_newswatch_web_daemon import Run
from websubhub import Hub

from ingest.schedule import PUSHED_MIN_INTERVAL_S
from ingest.websub import Hub as Found
from ingest.websub import discover, renew_due, signature_ok

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ATOM_HUB = b'<atom:link rel="hub" href="https://hub.example/"/>'
SELF = b'<atom:link rel="self" type="application/rss+xml" href="https://news.example/rss"/>'


@pytest.mark.parametrize(
    ("headers", "body", "found"),
    [
        (
            [],
            b"<rss><channel>" + ATOM_HUB + SELF,
            Found("https://hub.example/", "https://news.example/rss"),
        ),
        (
            [],
            b"<feed><link href='/hub' rel='hub'/>",
            Found("https://f.example/hub", "https://f.example/feed"),
        ),
        (
            [("Link", '<https://hub.example/>; rel="hub", <https://f.example/self>; rel="self"')],
            b"<rss/>",
            Found("https://hub.example/", "https://f.example/self"),
        ),
        (
            [("link", "<https://hub.example/>; rel=hub")],
            b"",
            Found("https://hub.example/", "https://f.example/feed"),
        ),
        ([], b'<link rel="alternate" href="https://f.example/"/>', None),
        ([], b'<link rel="hub" href="javascript:x"/>', None),
        ([], b"<rss>" + b" " * 70000 + ATOM_HUB, None),  # beyond the head of the feed
    ],
)
def test_hub_discovery(headers: list[tuple[str, str]], body: bytes, found: Found | None) -> None:
    assert discover("https://f.example/feed", headers, body) == found


def sign(method: str, secret: str, body: bytes) -> str:
    return f"{method}={hmac.new(secret.encode(), body, method).hexdigest()}"


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (sign("sha1", "s3cret", b"body"), True),
        (sign("sha256", "s3cret", b"body"), True),
        (sign("sha512", "s3cret", b"body"), True),
        (sign("sha256", "other", b"body"), False),
        (sign("sha256", "s3cret", b"bodY"), False),
        (sign("md5", "s3cret", b"body"), False),
        ("sha256", False),
        (None, False),
    ],
)
def test_push_signature(header: str | None, ok: bool) -> None:
    assert signature_ok(header, "s3cret", b"body") is ok


@pytest.mark.parametrize(
    ("lease_until", "lease_s", "now", "due"),
    [
        (None, None, T0, True),
        (T0 + timedelta(days=10), 10 * 86400.0, T0, False),
        (T0 + timedelta(days=1, seconds=1), 10 * 86400.0, T0, False),
        (T0 + timedelta(days=1), 10 * 86400.0, T0, True),
        (T0 - timedelta(seconds=1), 3600.0, T0, True),
    ],
)
def test_lease_renewal(
    lease_until: datetime | None, lease_s: float | None, now: datetime, due: bool
) -> None:
    assert renew_due(lease_until, lease_s, now) is due


def metric(base: str, name: str) -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=30) as r:
        text = r.read().decode()
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def feed_body(hub: Hub, topic: str, items: list[Item]) -> bytes:
    links = (
        f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="{hub.url}"/>'
        f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="{topic}"/>'
    )
    return rss(items, title="Pushed", extra=links)


def test_push_to_alert_through_a_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FeedServer() as feeds, WebhookSink() as sink, Hub() as hub:
        topic = feeds.url("/pushed.xml")
        now = datetime.now(UTC)
        first = [Item("calm", "Weather in Minsk", published=now)]
        feeds.route("/pushed.xml", body=feed_body(hub, topic, first), etag='"v1"')
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        config = tmp_path / "config.toml"
        text = f"""
[database]
url = "sqlite:///{tmp_path / "n.db"}"

[web]
listen = "127.0.0.1:{port}"
public_url = "{base}"

[[feeds]]
name = "Pushed"
url = "{topic}"

[[feeds]]
name = "Other"
url = "{feeds.url("/other.xml")}"

[notifiers]
chat = ["{sink.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = ["Maria Kolesnikova"]
notify = ["chat"]
"""
        feeds.route("/other.xml", body=rss([Item("o", "Nothing")]))
        config.write_text(text, encoding="utf-8")
        run = Run(config)
        try:
            hub.wait_event("subscribe")
            run.wait_line(r"tick poll feeds=2")

            forged = feed_body(hub, topic, [*first, Item("x", "Maria Kolesnikova forged")])
            assert hub.publish(topic, forged, secret="not-the-secret") == 1
            assert metric(base, 'newswatch_websub_pushes_total{result="bad signature"}') == 1.0

            news = [
                *first,
                Item("news", "Maria Kolesnikova moved to another prison", published=now),
            ]
            body = feed_body(hub, topic, news)
            feeds.route("/pushed.xml", body=body, etag='"v2"')
            began = time.monotonic()
            assert hub.publish(topic, body) == 1
            [post] = sink.wait_for(1, timeout=60)
            latency = time.monotonic() - began
            assert "another prison" in post.json["title"] + post.json["message"]
            assert not any("forged" in p.json["message"] for p in sink.received)
            assert metric(base, 'newswatch_websub_pushes_total{result="accepted"}') == 1.0
            with capsys.disabled():
                print(f"\nwebsub publish-to-alert latency: {latency:.2f}s")
            (tmp_path / "latency.txt").write_text(f"{latency:.3f}\n")
            # Pushed, the feed is still polled as a safety net, but less often.
            waits = next_checks(tmp_path / "n.db")
            assert waits["Pushed"] >= 0.9 * PUSHED_MIN_INTERVAL_S, waits
            assert waits["Pushed"] > 2 * waits["Other"], waits

            pushed = f'[[feeds]]\nname = "Pushed"\nurl = "{topic}"\n'
            assert pushed in text
            config.write_text(text.replace(pushed, ""), encoding="utf-8")  # the feed leaves
            mark = run.signal(signal.SIGHUP)
            run.wait_line("reloaded config", after=mark)
            hub.wait_event("unsubscribe")
            assert hub.subs == {}
            assert "websub unsubscribe feed=1" in "".join(run.lines)
            run.signal(signal.SIGTERM)
            assert run.proc.wait(timeout=30) == 0, "".join(run.lines[-30:])
        finally:
            run.close()


def next_checks(db: Path) -> dict[str, float]:
    """Seconds from now to each feed's next check, by feed name."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, next_check_at FROM feeds").fetchall()
    now = datetime.now(UTC)
    return {
        name: (datetime.fromisoformat(at).replace(tzinfo=UTC) - now).total_seconds()
        for name, at in rows
    }
