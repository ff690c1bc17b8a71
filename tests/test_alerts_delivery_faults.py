"""One delivery's fault stays with that delivery, on real loopback sinks and an injected clock.

A message that cannot be rendered or that blows up while sending is failed or retried
alone, its error recorded and shown by `newswatch deliveries`, while the rest of its
target's queue goes out in the same run. A user template that passed `check` but fails on
real data falls back to the default message, with a warning and one ops notice. A send
that times out is an unknown outcome: retried under the same delivery id at a growing
interval, while later alerts to that target proceed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import Post, WebhookSink

from alerts import notify, render
from alerts import storage as astore
from alerts.retry import retry_delay
from newswatch.app import App
from newswatch.cli import main
from newswatch.config import load

START = datetime.now(UTC).replace(microsecond=0)
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def items(first_published: datetime = START) -> list[Item]:
    return [
        Item("a", "Court hears appeal of Ales Bialiatski", "Appeal.", published=first_published),
        Item("b", "Viktor Babaryka moved to hospital", "Health.", published=START),
        Item("c", "Maria Kolesnikova letter published", "Letter.", published=START),
    ]


class SlowSink:
    """A webhook receiver that records each POST on arrival and, while `hold` is above
    zero, answers that many of them only once `answer()` is called (a late answer)."""

    def __init__(self) -> None:
        self.received: list[Post] = []
        self.hold = 0
        self.arrived = threading.Condition()
        self._answer = threading.Event()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink.arrived:
                    sink.received.append(
                        Post(self.path, dict(self.headers.items()), body, json.loads(body))
                    )
                    held = sink.hold > 0
                    sink.hold -= held
                    sink.arrived.notify_all()
                if held:
                    sink._answer.wait(60)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:
                    pass  # the sender gave up waiting and hung up

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def answer(self) -> None:
        """Let every held request answer now (and later ones at once)."""
        self._answer.set()

    def hold_next(self, n: int) -> None:
        self._answer.clear()
        self.hold = n

    def url(self) -> str:
        return f"json://127.0.0.1:{self._server.server_address[1]}/hook"

    def __enter__(self) -> SlowSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._answer.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@dataclass
class Rig:
    app: App
    clock: Clock
    config: Path
    ops: WebhookSink


@pytest.fixture
def make_rig(tmp_path: Path, db_url: str) -> Iterator[Any]:
    apps: list[App] = []
    with FeedServer() as feeds, WebhookSink() as ops:

        def make(
            chat: str,
            *,
            feed_items: list[Item] | None = None,
            timezone: str = "UTC",
            watchlist_extra: str = "",
            sender: Any = None,
        ) -> Rig:
            feeds.route("/f.xml", body=rss(feed_items or items()))
            config = tmp_path / "config.toml"
            config.write_text(
                f"""
[database]
url = "{db_url}"

[defaults]
timezone = "{timezone}"

[[feeds]]
name = "Outlet"
url = "{feeds.url("/f.xml")}"

[notifiers]
chat = {chat}
ops = ["{ops.apprise_url("/ops")}"]

[[watchlists]]
name = "belarus"
names = ["Ales Bialiatski", "Viktor Babaryka", "Maria Kolesnikova"]
notify = ["chat"]
{watchlist_extra}
""",
                encoding="utf-8",
            )
            clock = Clock()
            app = App(load(str(config)), clock=clock, parse_workers=0, sender=sender)
            app.open()
            apps.append(app)
            app.poll(force=True)
            assert app.match().deliveries == 3
            return Rig(app, clock, config, ops)

        try:
            yield make
        finally:
            for app in apps:
                app.close()


def chat_rows(rig: Rig) -> list[astore.DeliveryView]:
    with rig.app.store.read() as s:
        rows = astore.list_deliveries(s)
    return sorted((d for d in rows if d.notifier == "chat"), key=lambda d: d.id)


def delivery_ids(posts: list[Post]) -> list[str | None]:
    return [p.header(notify.DELIVERY_HEADER) for p in posts]


# --- a message that cannot be rendered or sent -----------------------------------------


def test_an_entry_dated_9999_east_of_utc_is_rendered_and_sent_with_the_rest(make_rig: Any) -> None:
    with WebhookSink() as hook:
        rig = make_rig(
            f'["{hook.apprise_url()}"]',
            feed_items=items(first_published=FAR_FUTURE),
            timezone="Asia/Tokyo",
        )
        report = rig.app.deliver()
        posts = hook.wait_for(3)
    assert (report.sent, report.retried, report.failed) == (3, 0, 0)
    bodies = [p.json["message"] for p in posts]
    assert any("9999-12-31 23:59 UTC" in b for b in bodies)  # shown in UTC: Tokyo overflows
    assert sum("JST" in b for b in bodies) == 2


class Exploding:
    """A sender whose plugin raises on one message (as a plugin's own bug would), then works."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.armed = True

    def __call__(
        self, url: str, message: render.Message, *, idempotency_key: str | None, timeout_s: float
    ) -> None:
        if self.armed and self.word in message.title:
            raise OverflowError("date value out of range")
        notify.send(url, message, idempotency_key=idempotency_key, timeout_s=timeout_s)


def test_an_unexpected_error_while_sending_retries_that_delivery_alone(
    make_rig: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    sender = Exploding("Babaryka")
    with WebhookSink() as hook:
        rig = make_rig(f'["{hook.apprise_url()}"]', sender=sender)
        report = rig.app.deliver()
        assert (report.sent, report.retried, report.failed) == (2, 1, 0)
        assert len(hook.wait_for(2)) == 2  # the rest of the target's queue went out
        broken = next(d for d in chat_rows(rig) if d.status == "pending")
        assert broken.attempts == 1
        assert broken.last_error == "OverflowError: date value out of range"
        assert main(["--config", str(rig.config), "deliveries"]) == 0
        assert "OverflowError: date value out of range" in capsys.readouterr().out

        sender.armed = False
        assert broken.next_attempt_at is not None
        rig.clock.now = broken.next_attempt_at
        assert rig.app.deliver().sent == 1
        posts = hook.wait_for(3)
    assert sorted(delivery_ids(posts)) == sorted(f"newswatch-{d.id}" for d in chat_rows(rig))
    assert all(d.status == "sent" for d in chat_rows(rig))


@pytest.mark.parametrize(
    ("template", "error"),
    [
        # Both pass `check` (its sample feed is "Sample feed") and fail on the feed "Outlet".
        ('template_body = "{{ feed.split()[1] }}"', "UndefinedError"),  # index out of range
        ('template_title = "{{ 100 // (feed|length - 6) }}"', "ZeroDivisionError"),
    ],
)
def test_a_template_failing_on_real_data_falls_back_to_the_default_message(
    make_rig: Any, caplog: pytest.LogCaptureFixture, template: str, error: str
) -> None:
    with WebhookSink() as hook, caplog.at_level(logging.WARNING, logger="alerts.deliver"):
        rig = make_rig(f'["{hook.apprise_url()}"]', watchlist_extra=template)
        report = rig.app.deliver()
        posts = hook.wait_for(3)
        notices = rig.ops.wait_for(1)
        rig.app.deliver()
    assert (report.sent, report.failed) == (3 + 1, 0)  # the alerts and the ops notice
    assert all(p.json["title"].startswith("[belarus] ") for p in posts)  # the default message
    assert all("Watchlist: belarus" in p.json["message"] for p in posts)
    warnings = [r.getMessage() for r in caplog.records if "template failed" in r.getMessage()]
    assert len(warnings) == 3 and all(error in w for w in warnings)
    assert len(rig.ops.received) == 1  # once per template and error, not per alert
    assert "template of watchlist belarus failed" in notices[0].json["title"]
    assert error in notices[0].json["message"]


# --- a send that times out -------------------------------------------------------------


def test_a_timed_out_send_is_retried_with_its_id_while_later_alerts_proceed(
    make_rig: Any,
) -> None:
    # The notifier's own `timeout` (the setting under test) stands in for the 30 s default.
    with SlowSink() as sink:
        rig = make_rig(f'{{ urls = ["{sink.url()}"], timeout = "1s" }}')
        first = chat_rows(rig)[0]
        waits = []
        for attempt in (1, 2, 3):
            sink.hold_next(1)  # the receiver gets it, and answers too late
            report = rig.app.deliver()
            sink.answer()
            assert report.retried == 1 and report.failed == 0
            row = chat_rows(rig)[0]
            assert (row.id, row.status, row.attempts) == (first.id, "pending", attempt)
            assert row.last_error is not None and row.last_error.startswith("unknown outcome:")
            assert row.next_attempt_at is not None
            waits.append((row.next_attempt_at - rig.clock.now).total_seconds())
            if attempt == 1:
                assert report.sent == 2  # later alerts to the target did not wait
                assert [d.status for d in chat_rows(rig)[1:]] == ["sent", "sent"]
            rig.clock.now = row.next_attempt_at
        assert rig.app.deliver().sent == 1
    assert waits == [
        pytest.approx(retry_delay(n, base_s=30, cap_s=3600, jitter_key=str(first.id)), abs=1)
        for n in (1, 2, 3)
    ]
    assert waits[0] < waits[1] < waits[2]
    ids = delivery_ids(sink.received)
    assert ids.count(f"newswatch-{first.id}") == 4  # each retry carries the same id
    assert len(ids) == 6 and chat_rows(rig)[0].status == "sent"
