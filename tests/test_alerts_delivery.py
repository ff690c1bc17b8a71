"""The delivery job through outages, on real loopback sinks and an injected clock.

Email and chat refuse or fail for a while, then recover: each alert arrives once, in
order of discovery, after retries on capped exponential backoff; one target's outage
never delays another; an alert still undeliverable after `delivery_expiry` is failed,
reported once to `ops`, listed by `newswatch deliveries` and can be requeued.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import SmtpSink, WebhookSink

from alerts import storage as astore
from alerts.retry import retry_delay
from newswatch.app import App
from newswatch.cli import main
from newswatch.config import load

START = datetime.now(UTC).replace(microsecond=0)
ITEMS = [
    Item("a", "Court hears appeal of Ales Bialiatski", "Appeal.", published=START),
    Item("b", "Viktor Babaryka moved to hospital", "Health.", published=START),
    Item("c", "Maria Kolesnikova letter published", "Letter.", published=START),
]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Rig:
    app: App
    clock: Clock
    smtp: SmtpSink
    hook: WebhookSink
    ops: WebhookSink
    config: Path


@pytest.fixture
def rig(tmp_path: Path, db_url: str) -> Iterator[Rig]:
    with FeedServer() as feeds, SmtpSink() as smtp, WebhookSink() as hook, WebhookSink() as ops:
        feeds.route("/f.xml", body=rss(ITEMS))
        config = tmp_path / "config.toml"
        config.write_text(
            f"""
[database]
url = "{db_url}"

[defaults]
delivery_expiry = "2h"

[[feeds]]
name = "Outlet"
url = "{feeds.url("/f.xml")}"

[notifiers]
email = ["{smtp.apprise_url()}"]
chat = ["{hook.apprise_url()}"]
ops = ["{ops.apprise_url("/ops")}"]

[[watchlists]]
name = "belarus"
names = ["Ales Bialiatski", "Viktor Babaryka", "Maria Kolesnikova"]
notify = ["email", "chat"]
""",
            encoding="utf-8",
        )
        clock = Clock()
        app = App(load(config), clock=clock, parse_workers=0)
        app.open()
        try:
            yield Rig(app, clock, smtp, hook, ops, config)
        finally:
            app.close()


def discover(rig: Rig) -> None:
    rig.app.poll(force=True)
    assert rig.app.match().deliveries == 6


def pending(rig: Rig, notifier: str) -> list[astore.DeliveryView]:
    with rig.app.store.read() as s:
        rows = astore.list_deliveries(s, status="pending")
    return sorted((d for d in rows if d.notifier == notifier), key=lambda d: d.id)


def keys(rig: Rig) -> list[int]:
    return [int(p.header("X-Newswatch-Delivery").split("-")[1]) for p in rig.hook.received]  # type: ignore[union-attr]


def test_email_down_does_not_delay_chat(rig: Rig) -> None:
    rig.smtp.fail("451 Try again later")
    discover(rig)
    report = rig.app.deliver()
    assert len(rig.hook.wait_for(3)) == 3  # every chat alert went out in the same run
    assert report.sent == 3 and report.retried == 1  # email: one try, the rest wait behind it
    assert rig.smtp.received == []
    assert [d.attempts for d in pending(rig, "email")] == [1, 0, 0]


def test_outage_then_recovery_delivers_each_once_in_order_with_backoff(rig: Rig) -> None:
    rig.smtp.stop()  # connection refused
    rig.hook.fail(503)
    discover(rig)
    waits: list[float] = []
    for _ in range(4):
        rig.app.deliver()
        first = pending(rig, "chat")[0]
        assert first.next_attempt_at is not None
        waits.append((first.next_attempt_at - rig.clock()).total_seconds())
        # The rest of the queue waits behind the first, so order survives the outage.
        assert all(d.next_attempt_at >= first.next_attempt_at for d in pending(rig, "chat"))  # type: ignore[operator]
        rig.clock.now = first.next_attempt_at
    assert waits == sorted(waits) and waits[-1] > waits[0] * 4  # exponential
    assert waits[1] != 2 * waits[0]  # jittered
    assert rig.hook.received == [] and rig.smtp.received == []

    rig.hook.recover()
    rig.smtp.start()
    rig.clock.advance(hours=1)
    report = rig.app.deliver()
    assert report.sent == 6 and report.failed == 0
    assert keys(rig) == sorted(keys(rig)) and len(set(keys(rig))) == 3
    assert len(rig.smtp.wait_for(3)) == 3
    rig.app.deliver()
    assert len(rig.hook.received) == 3 and len(rig.smtp.received) == 3


@pytest.mark.parametrize(
    ("attempts", "low", "high"),
    [
        (1, 24.0, 36.0),
        (2, 48.0, 72.0),
        (5, 384.0, 576.0),
        (12, 2880.0, 4320.0),  # capped at an hour, jitter still applies
        (40, 2880.0, 4320.0),
    ],
)
def test_retry_delay_doubles_with_jitter_up_to_the_cap(
    attempts: int, low: float, high: float
) -> None:
    delays = {retry_delay(attempts, base_s=30, cap_s=3600, jitter_key=str(k)) for k in range(50)}
    assert all(low <= d <= high for d in delays)
    assert len(delays) > 40  # spread, not synchronized


def test_undeliverable_after_expiry_is_failed_reported_once_listed_and_requeued(
    rig: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    rig.hook.fail(500)
    discover(rig)
    rig.app.deliver()
    rig.clock.advance(hours=2, minutes=1)
    rig.app.deliver()
    with rig.app.store.read() as s:
        failed = astore.list_deliveries(s, status="failed")
    assert {d.notifier for d in failed} == {"chat"} and len(failed) == 3
    assert all("500" in (d.last_error or "") for d in failed)

    rig.app.maintenance()
    rig.app.deliver()
    rig.app.maintenance()
    rig.app.deliver()
    notices = rig.ops.wait_for(3)
    assert len(notices) == 3  # one per failed delivery, never repeated
    assert all("undeliverable to chat" in p.json["title"] for p in notices)

    assert main(["--config", str(rig.config), "deliveries", "--status", "failed", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(d.id for d in failed)
    assert all(r["status"] == "failed" and r["notifier"] == "chat" for r in rows)

    assert main(["--config", str(rig.config), "deliveries", "--status", "sent"]) == 0
    table = capsys.readouterr().out
    assert len(re.findall(r"\bsent\b", table)) == 3 + 3  # email alerts and ops notices

    rig.hook.recover()
    first = min(d.id for d in failed)
    assert main(["--config", str(rig.config), "deliveries", "retry", str(first)]) == 0
    assert "requeued 1" in capsys.readouterr().out
    assert main(["--config", str(rig.config), "deliveries", "retry", "--failed"]) == 0
    assert "requeued 2" in capsys.readouterr().out
    assert main(["--config", str(rig.config), "deliveries", "retry", "--failed"]) == 1
    assert main(["--config", str(rig.config), "deliveries", "retry"]) == 2
    capsys.readouterr()

    rig.app.deliver()
    assert len(rig.hook.wait_for(3)) == 3
    assert main(["--config", str(rig.config), "deliveries", "--status", "pending", "--json"]) == 0
    assert capsys.readouterr().out == ""


def test_retry_of_a_sent_delivery_refuses_without_force(
    rig: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    discover(rig)
    assert rig.app.deliver().sent == 6
    assert len(rig.hook.wait_for(3)) == 3
    sent = min(keys(rig))
    cli = ["--config", str(rig.config), "deliveries", "retry"]

    assert main([*cli, str(sent)]) == 1
    err = capsys.readouterr().err
    assert f"delivery {sent} was already sent" in err and "--force" in err
    rig.app.deliver()
    assert len(rig.hook.received) == 3  # nothing resent
    assert main([*cli, "999999"]) == 1
    assert "does not exist" in capsys.readouterr().err

    assert main([*cli, str(sent), "--force"]) == 0
    assert "requeued 1" in capsys.readouterr().out
    assert main([*cli, str(sent)]) == 1  # now pending: nothing to requeue
    assert "still pending" in capsys.readouterr().err
    rig.clock.now = datetime.now(UTC) + timedelta(minutes=1)  # the CLI requeued in real time
    rig.app.deliver()
    assert keys(rig) == [*sorted(keys(rig)[:3]), sent]  # resent once, with its own id
