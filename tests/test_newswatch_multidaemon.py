"""Scale-out on PostgreSQL: two real `newswatch run` processes share one database, and
between them every article is stored once, every feed is polled by one daemon at a time,
and every alert reaches each target exactly once.

Both daemons start at the same moment on an empty schema (as `docker compose up --scale`
would start them), poll 30 loopback feeds that gain items while they run, and send to a
webhook and an SMTP sink. Each alerting item names a different watched person, so story
grouping cannot legitimately fold two of them into one alert.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import SmtpSink, WebhookSink
from sqlalchemy import create_engine, text
from test_newswatch_crash import NAMES, Daemon, SlowInbox, World, received, write_config

FEEDS = 30
POLL = re.compile(r"tick poll feeds=(\d+) .*new_articles=(\d+)")
SENT = re.compile(r"deliver sent=(\d+)")


def publish(w: World, rng: random.Random, paths: list[str]) -> None:
    """One new item on each of `paths`; about two in three name a person not named yet."""
    now = datetime.now(UTC)
    for path in paths:
        w.counter += 1
        words = " ".join(
            rng.choice("bdklmnprstvz") + rng.choice("aeiou") + rng.choice("lmnrst") + "o"
            for _ in range(5)
        )
        if rng.random() < 0.67:
            title = f"{NAMES[len(w.expected)]}: {words} item-{w.counter}-x"
            w.expected.add(w.counter)
        else:
            title = f"Weather {words} item-{w.counter}-x"
        w.items.setdefault(path, []).append(Item(f"g{w.counter}", title, "Report.", published=now))
    for path in paths:
        # A slow origin widens the window in which a second poller could join a poll.
        w.feeds.route(path, body=rss(w.items[path][-40:]), delay_s=0.05)


def wait_all(w: World) -> None:
    """Until each target has every expected item (by item, not by message count)."""
    for sink in (w.hook, w.smtp):
        inbox = sink.inbox
        assert isinstance(inbox, SlowInbox)
        inbox.wait_items(w.expected, timeout=60)


def work(daemon: Daemon) -> tuple[int, int, int]:
    """(feeds polled, new articles stored, alerts sent) from one daemon's log."""
    feeds = articles = sent = 0
    for line in daemon.lines:
        if m := POLL.search(line):
            feeds, articles = feeds + int(m[1]), articles + int(m[2])
        elif m := SENT.search(line):
            sent += int(m[1])
    return feeds, articles, sent


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_daemons_share_one_postgresql_without_losing_or_repeating_anything(
    tmp_path: Path, db_url: str
) -> None:
    rng = random.Random(20240612)
    paths = [f"/feed{i}.xml" for i in range(FEEDS)]
    with FeedServer() as feed_server, SmtpSink() as smtp, WebhookSink() as hook:
        # A little time per message, so both daemons' deliverers are busy at once.
        smtp.inbox, hook.inbox = SlowInbox(0.01), SlowInbox(0.01)
        w = World(feed_server, smtp, hook)
        publish(w, rng, paths)
        config = write_config(tmp_path, w, db_url, feeds_n=FEEDS)
        daemons = [Daemon(config), Daemon(config)]
        try:
            for d in daemons:
                assert d.running.wait(20), "".join(d.lines)
            for _ in range(3):
                # Wait until everything so far has arrived, then add to a third of the feeds.
                wait_all(w)
                publish(w, rng, rng.sample(paths, FEEDS // 3))
            wait_all(w)
            for d in daemons:
                assert d.terminate() == 0, "".join(d.lines[-20:])
        finally:
            for d in daemons:
                d.close()
        peaks = {p: feed_server.max_in_flight(p) for p in paths}

    rows = received(w)
    per_target = {t: Counter(n for tt, _, n in rows if tt == t) for t in ("chat", "email")}
    keys = Counter((t, k) for t, k, _ in rows)
    for target, by_item in per_target.items():
        assert set(by_item) == w.expected, f"{target}: missing {w.expected - set(by_item)}"
        assert [n for n, c in by_item.items() if c > 1] == [], f"{target}: repeated"
    assert all(k and c == 1 for (_, k), c in keys.items()), keys
    assert [p for p, peak in peaks.items() if peak > 1] == [], "a feed polled twice at once"

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            stored = Counter(conn.execute(text("SELECT identity FROM articles")).scalars())
            outbox = conn.execute(
                text(
                    "SELECT kind, article_id, target_key, count(*) FROM deliveries"
                    " GROUP BY kind, article_id, target_key"
                )
            ).all()
            unsent = conn.execute(
                text("SELECT count(*) FROM deliveries WHERE status <> 'sent'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert sorted(stored) == sorted(f"g{n}" for n in range(1, w.counter + 1))
    assert max(stored.values()) == 1
    # One outbox row per (article, target), all of them instant alerts and all sent.
    assert {kind for kind, *_ in outbox} == {"instant"}
    assert len(outbox) == 2 * len(w.expected) and all(c == 1 for *_, c in outbox)
    assert unsent == 0

    split = [work(d) for d in daemons]
    assert all(feeds > 0 for feeds, _, _ in split), split
    assert sum(a for _, a, _ in split) == w.counter
    assert sum(s for _, _, s in split) == 2 * len(w.expected)
    print(
        f"\nmulti-daemon: feeds={FEEDS} articles={w.counter} "
        f"alerts expected={2 * len(w.expected)} delivered={len(rows)} "
        f"duplicates={len(rows) - 2 * len(w.expected)} "
        f"max_in_flight={max(peaks.values())} "
        + " ".join(
            f"daemon{i}(feeds_polled={f} articles={a} sent={s})"
            for i, (f, a, s) in enumerate(split)
        )
    )
