"""Delivery modes on real loopback sinks and an injected clock: scheduled digests, quiet
hours and per-notifier rate limits, each period or held batch sent exactly once, also
after a daemon dies holding a lease."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import Post, SmtpSink, WebhookSink

from alerts import modes
from alerts import storage as astore
from alerts.model import DELIVERY_LEASE_S, AlertPolicy, DeliveryView, Target, Watchlist
from newswatch.app import App
from newswatch.config import load

PEOPLE = ["Ales Bialiatski", "Viktor Babaryka", "Maria Kolesnikova"]
LATE = "Sviatlana Tsikhanouskaya"  # a person no earlier story named, so it alerts on its own
HEADLINES = [
    "Court hears appeal of Ales Bialiatski",
    "Viktor Babaryka moved to hospital",
    "Maria Kolesnikova letter published",
    "Ales Bialiatski wins award",
    "Viktor Babaryka lawyer speaks",
    "Maria Kolesnikova seen in court",
]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Rig:
    app: App
    clock: Clock
    feeds: FeedServer
    hook: WebhookSink
    smtp: SmtpSink
    items: list[Item] = field(default_factory=list)

    def at(self, when: str) -> Rig:
        self.clock.now = utc(when)
        return self

    def publish(self, *titles: str) -> None:
        """New articles appear in the feed and are polled and matched now."""
        for title in titles:
            self.items.append(Item(f"g{len(self.items)}", title, "", published=self.clock()))
        self.feeds.route("/f.xml", body=rss(self.items))
        self.app.poll(force=True)
        self.app.match()

    def deliver(self) -> list[Post]:
        """Run the delivery job; the chat messages it sent (the sink has each POST before
        it answers, so they are all in once the job returns)."""
        before = len(self.hook.received)
        self.app.deliver()
        return self.hook.received[before:]

    def rows(self, status: str | None = None) -> list[DeliveryView]:
        with self.app.store.read() as s:
            return astore.list_deliveries(s, status=status)


RigFactory = Callable[..., Rig]


@pytest.fixture
def make_rig(tmp_path: Path) -> Iterator[RigFactory]:
    apps: list[App] = []
    with FeedServer() as feeds, WebhookSink() as hook, SmtpSink() as smtp:
        feeds.route("/f.xml", body=rss([]))

        def build(
            db_url: str, start: str, watchlist: str, *, rate: str | None = None, email: bool = False
        ) -> Rig:
            chat = f'"{hook.apprise_url()}"'
            notifiers = (
                f'chat = {{ urls = [{chat}], rate_limit = "{rate}" }}'
                if rate
                else (f"chat = [{chat}]")
            )
            notify = '["chat", "email"]' if email else '["chat"]'
            config = tmp_path / "config.toml"
            config.write_text(
                f"""
[database]
url = "{db_url}"

[defaults]
timezone = "Europe/Vilnius"

[[feeds]]
name = "Outlet"
url = "{feeds.url("/f.xml")}"

[notifiers]
{notifiers}
email = ["{smtp.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = {[*PEOPLE, LATE]!r}
notify = {notify}
{watchlist}
""".replace("'", '"'),
                encoding="utf-8",
            )
            clock = Clock(utc(start))
            app = App(load(str(config)), clock=clock, parse_workers=0)
            app.open()
            apps.append(app)
            return Rig(app, clock, feeds, hook, smtp)

        try:
            yield build
        finally:
            for app in apps:
                app.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newswatch.db'}"


def crash_holding_lease(rig: Rig) -> int:
    """A daemon claims every due delivery and dies before sending; how many it held."""
    with rig.app.store.batch() as s:
        return len(
            astore.claim_due(s, rig.clock(), lease_s=DELIVERY_LEASE_S, owner="dead", limit=100)
        )


# --- which alerts are held: a pure plan ---------------------------------------------------

QUIET_WL = Watchlist("night", (), (Target("chat", "json://a"),), quiet_hours=((22, 0), (7, 0)))
LIMITED = Target("mail", "mailto://b", rate_limit=(2, 3600.0))
BUSY_WL = Watchlist("busy", (), (LIMITED,))
POLICY = AlertPolicy((QUIET_WL, BUSY_WL), timezone=ZoneInfo("Europe/Vilnius"))


def row(id: int, watchlist: Watchlist, arrived: str) -> astore.Foldable:
    t = watchlist.targets[0]
    return astore.Foldable(id, "instant", watchlist.name, t.notifier, t.key, utc(arrived))


@pytest.mark.parametrize(
    ("rows", "used", "held"),
    [
        ([row(1, QUIET_WL, "2024-06-03T18:59")], 0, []),  # 21:59 in Vilnius
        ([row(1, QUIET_WL, "2024-06-03T19:00"), row(2, QUIET_WL, "2024-06-04T01:00")], 0, [[1, 2]]),
        ([row(i, BUSY_WL, "2024-06-03T10:10") for i in range(1, 5)], 0, [[3, 4]]),
        ([row(i, BUSY_WL, "2024-06-03T10:10") for i in range(1, 5)], 1, [[2, 3, 4]]),
        ([row(i, BUSY_WL, "2024-06-03T10:10") for i in range(1, 3)], 2, [[1, 2]]),
        (
            [
                row(1, QUIET_WL, "2024-06-03T20:00"),
                *(row(i, BUSY_WL, "2024-06-03T20:00") for i in (2, 3, 4)),
            ],
            0,
            [[1], [4]],
        ),
    ],
)
def test_plan_holds(rows: list[astore.Foldable], used: int, held: list[list[int]]) -> None:
    plan = modes.plan_holds(rows, POLICY, utc("2024-06-03T20:10"), {LIMITED.key: used})
    assert [list(h.ids) for h in plan] == held
    for h in plan:
        assert h.period.end > utc("2024-06-03T20:10")
        assert h.dedupe_key.split(":")[0] in ("quiet", "rate")


# --- scheduled digests ------------------------------------------------------------------


def test_daily_digest_in_vilnius_sends_each_period_once(make_rig: RigFactory, db_url: str) -> None:
    # 04:30 UTC is 07:30 in Vilnius (summer, UTC+3): the digest fires at 05:00 UTC.
    rig = make_rig(db_url, "2024-06-03T04:30", 'mode = "digest"\nschedule = "daily 08:00"')
    rig.at("2024-06-03T04:35").publish(*HEADLINES[:3])
    assert rig.rows() == []  # digest mode queues no instant alerts
    assert rig.at("2024-06-03T04:59").deliver() == []

    [post] = rig.at("2024-06-03T05:00").deliver()
    assert post.json["title"].startswith("newswatch digest 2024-06-03 07:30–08:00: 3 articles")
    body = post.json["message"]
    assert "belarus" in body and all(name in body for name in PEOPLE)
    assert all(title in body for title in HEADLINES[:3])
    assert rig.deliver() == []  # the job runs again: the period is not sent twice
    with rig.app.store.batch() as s:
        assert astore.digest_state(s, "belarus", rig.rows()[0].target) == utc("2024-06-03T05:00")

    rig.at("2024-06-03T12:00").publish(HEADLINES[3])
    rig.at("2024-06-04T05:00")
    assert crash_holding_lease(rig) == 0  # nothing is queued before the job runs
    [post] = rig.deliver()
    assert "1 article" in post.json["title"] and HEADLINES[3] in post.json["message"]
    assert HEADLINES[0] not in post.json["message"]

    assert rig.at("2024-06-05T05:00").deliver() == []  # an empty period sends nothing
    assert rig.at("2024-06-05T06:00").deliver() == []
    assert len(rig.rows("sent")) == 2 and rig.rows("pending") == []


@pytest.mark.parametrize(
    ("schedule", "quiet_until", "due"),
    [
        ("hourly", "2024-06-03T04:59", "2024-06-03T05:00"),
        # Weekdays 07:45 Vilnius time (04:45 UTC); the 3rd of June 2024 is a Monday.
        ("45 7 * * 1-5", "2024-06-03T04:44", "2024-06-03T04:45"),
        ("*/20 * * * *", "2024-06-03T04:39", "2024-06-03T04:40"),
    ],
)
def test_hourly_and_cron_digests(
    make_rig: RigFactory, sqlite_url: str, schedule: str, quiet_until: str, due: str
) -> None:
    rig = make_rig(sqlite_url, "2024-06-03T04:30", f'mode = "digest"\nschedule = "{schedule}"')
    rig.at("2024-06-03T04:31").publish(*HEADLINES[:2])
    assert rig.at(quiet_until).deliver() == []
    [post] = rig.at(due).deliver()
    assert "2 articles" in post.json["title"]
    assert rig.deliver() == []
    assert modes.enqueue_digests(rig.app.alert_store, rig.app.policy, rig.clock()) == 0


def test_digest_after_a_crash_holding_its_lease_goes_out_once(
    make_rig: RigFactory, db_url: str
) -> None:
    rig = make_rig(db_url, "2024-06-03T04:30", 'mode = "digest"\nschedule = "hourly"')
    rig.at("2024-06-03T04:31").publish(*HEADLINES[:2])
    rig.at("2024-06-03T05:00")
    assert modes.enqueue_digests(rig.app.alert_store, rig.app.policy, rig.clock()) == 1
    assert modes.enqueue_digests(rig.app.alert_store, rig.app.policy, rig.clock()) == 0
    assert crash_holding_lease(rig) == 1
    assert rig.deliver() == []  # the dead daemon's lease still holds
    assert rig.at("2024-06-03T05:04:59").deliver() == []  # for the production 5 minutes
    [post] = rig.at("2024-06-03T05:05:01").deliver()
    assert "2 articles" in post.json["title"]
    assert rig.at("2024-06-03T05:30").deliver() == []
    assert len(rig.rows("sent")) == 1


def test_a_new_digest_watchlist_does_not_send_the_history(
    make_rig: RigFactory, sqlite_url: str
) -> None:
    rig = make_rig(sqlite_url, "2024-06-03T04:30", "")
    rig.at("2024-06-03T04:31").publish(*HEADLINES[:3])
    rig.deliver()
    rig.hook.inbox.clear()
    rig.app.close()
    # The same database, now with the watchlist in digest mode from 04:40.
    digest = make_rig(sqlite_url, "2024-06-03T04:40", 'mode = "digest"\nschedule = "hourly"')
    digest.items = list(rig.items)
    digest.at("2024-06-03T04:50").publish(HEADLINES[3])
    [post] = digest.at("2024-06-03T05:00").deliver()
    assert "1 article" in post.json["title"] and HEADLINES[0] not in post.json["message"]


# --- quiet hours ------------------------------------------------------------------------


def test_quiet_hours_hold_alerts_then_one_digest_per_target_at_seven(
    make_rig: RigFactory, db_url: str
) -> None:
    # 18:30 UTC is 21:30 in Vilnius; quiet hours run 22:00–07:00 (19:00–04:00 UTC).
    rig = make_rig(db_url, "2024-06-03T18:30", 'quiet_hours = "22:00-07:00"', email=True)
    rig.at("2024-06-03T18:40").publish(HEADLINES[0])
    [alert] = rig.deliver()
    assert HEADLINES[0] in alert.json["title"] + alert.json["message"]
    assert len(rig.smtp.wait_for(1)) == 1

    rig.at("2024-06-03T19:10").publish(*HEADLINES[1:3])
    assert rig.deliver() == []
    rig.at("2024-06-03T21:30").publish(HEADLINES[3])
    assert rig.deliver() == []
    assert len(rig.rows("held")) == 6  # three alerts for each of two targets
    assert rig.at("2024-06-04T03:59").deliver() == []

    rig.at("2024-06-04T04:00")
    assert crash_holding_lease(rig) == 2  # one digest per target, and it survives the crash
    assert rig.at("2024-06-04T04:04:59").deliver() == []  # the dead daemon's lease holds
    [digest] = rig.at("2024-06-04T04:05:01").deliver()
    quiet = "quiet hours 2024-06-03 22:00–2024-06-04 07:00"
    assert digest.json["title"].endswith(f"{quiet}: 3 articles")
    assert all(title in digest.json["message"] for title in HEADLINES[1:4])
    mails = rig.smtp.wait_for(2)
    assert "3 articles" in mails[1].subject
    assert rig.rows("held") == [] and rig.rows("pending") == []

    rig.at("2024-06-04T04:05").publish(HEADLINES[4])
    [after] = rig.deliver()  # quiet hours are over: instant again
    assert HEADLINES[4] in after.json["title"] + after.json["message"]
    assert rig.deliver() == [] and len(rig.smtp.wait_for(3)) == 3


# --- rate limits --------------------------------------------------------------------------


def test_rate_limit_sends_three_then_one_digest_of_the_rest_at_the_hours_end(
    make_rig: RigFactory, db_url: str
) -> None:
    rig = make_rig(db_url, "2024-06-03T10:05", "", rate="3/h")
    rig.at("2024-06-03T10:10").publish(*HEADLINES[:5])
    first = rig.deliver()
    assert len(first) == 3
    assert all(HEADLINES[i] in first[i].json["title"] + first[i].json["message"] for i in range(3))

    rig.at("2024-06-03T10:40").publish(HEADLINES[5])
    assert rig.deliver() == []
    assert rig.at("2024-06-03T10:59").deliver() == []

    rig.at("2024-06-03T11:00")
    assert crash_holding_lease(rig) == 1
    [digest] = rig.at("2024-06-03T11:05:01").deliver()
    assert "3 articles" in digest.json["title"]
    assert all(title in digest.json["message"] for title in HEADLINES[3:6])
    assert rig.deliver() == []
    assert len(rig.rows("sent")) == 6 + 1 and rig.rows("held") == []

    rig.at("2024-06-03T11:05").publish(f"{LATE} speaks in Vilnius")
    assert len(rig.deliver()) == 1  # a new hour, a new allowance
