"""A backward clock jump (a VM restored from a snapshot, an NTP step) must not stop
polling or alerting until real time catches up: every stored next time is bounded by
now + the longest legitimate wait, and a wait decided before the jump counts from now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink

from alerts import storage as astore
from ingest.schedule import RETRY_AFTER_CAP_S, longest_wait_s, rebased
from newswatch.app import App
from newswatch.config import load

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY, HOUR, MIN = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)
LONGEST = longest_wait_s(900, 6 * 3600)  # a 15-minute feed under the default 6 h cap


@pytest.mark.parametrize(
    ("label", "next_at", "decided_at", "expected"),
    [
        ("an ordinary wait stays", T0 + 15 * MIN, T0, None),
        ("a week's Retry-After stays", T0 + 7 * DAY, T0, None),
        ("a month ahead is cut to the longest wait", T0 + 30 * DAY, T0, LONGEST),
        (
            "clock back 30 days: the 15-minute wait counts from now",
            T0 + 30 * DAY + 15 * MIN,
            T0 + 30 * DAY,
            T0 + 15 * MIN,
        ),
        ("clock back 2 days: likewise", T0 + 2 * DAY + 15 * MIN, T0 + 2 * DAY, T0 + 15 * MIN),
        ("clock back a minute: within the skew between daemons", T0 + 16 * MIN, T0 + MIN, None),
        ("due before the jump: due now", T0 + 2 * DAY, T0 + 2 * DAY + HOUR, T0),
    ],
)
def test_a_stored_next_time_is_bounded_by_now_plus_the_longest_wait(
    label: str, next_at: datetime, decided_at: datetime, expected: datetime | float | None
) -> None:
    found = rebased(T0, next_at, decided_at, LONGEST)
    if isinstance(expected, float):
        expected = T0 + timedelta(seconds=expected)
    assert (found and found[0]) == expected, label


def test_the_longest_wait_covers_every_legitimate_decision() -> None:
    assert longest_wait_s(900, 6 * 3600) == RETRY_AFTER_CAP_S  # a capped Retry-After
    assert longest_wait_s(30 * 86400, 3600) == pytest.approx(33 * 86400)  # a monthly feed


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_polling_and_alerting_resume_at_once_after_the_clock_went_back_30_days(
    tmp_path: Path, db_url: str
) -> None:
    items = [
        Item("g1", "Ales Bialiatski appeal heard in Minsk", "Report.", published=T0),
        Item("g2", "Viktor Babaryka moved to a hospital", "Report.", published=T0),
    ]
    with FeedServer() as feeds, WebhookSink() as hook:
        feeds.route("/f.xml", body=rss(items))
        config = tmp_path / "config.toml"
        config.write_text(
            f"""
[database]
url = "{db_url}"

[[feeds]]
name = "Outlet"
url = "{feeds.url("/f.xml")}"

[notifiers]
chat = ["{hook.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = ["Ales Bialiatski", "Viktor Babaryka"]
notify = ["chat"]
""",
            encoding="utf-8",
        )
        clock = Clock(T0)
        app = App(load(str(config)), clock=clock, parse_workers=0)
        app.open()
        try:
            app.poll()
            assert app.match().deliveries == 2
            hook.fail(503)
            app.deliver()  # the first alert retries later, the second waits behind it
            assert feeds.hits("/f.xml") == 1 and hook.received == []

            clock.now = T0 - 30 * DAY
            hook.recover()
            # Alerts go at once; the feed waits its interval from now, as if just checked
            # (how much real time passed since its last check the clock cannot tell).
            app.deliver()
            assert len(hook.wait_for(2, timeout=10)) == 2
            app.poll()
            assert feeds.hits("/f.xml") == 1
            clock.now += 17 * MIN  # the 15-minute interval with its jitter
            app.poll()
            assert feeds.hits("/f.xml") == 2  # polled now, not in 30 days
            clock.now += MIN
            app.poll()
            assert feeds.hits("/f.xml") == 2  # and on its ordinary rhythm after that
            with app.store.read() as s:
                assert astore.list_deliveries(s, status="pending") == []
        finally:
            app.close()
