"""Heartbeats: work leased by a daemon that stopped beating is free again within 30 s on
any backend, and a daemon restarted on the same machine takes its killed predecessor's
leases at once; leases themselves keep their production length throughout."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer
from sinks import SmtpSink, WebhookSink
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from test_newswatch_crash import Daemon, SlowInbox, World, received, write_config

from alerts import storage as astore
from ingest import heartbeat
from ingest import storage as istore
from ingest.db import make_engine, make_sessions
from newswatch.heartbeat import local_pid, process_identity, provably_dead
from newswatch.migrate import upgrade

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
FEED_LEASE_S, DELIVERY_LEASE_S = 900.0, 300.0  # the poller's and the deliverer's defaults


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield make_sessions(engine)
    engine.dispose()


def leased_work(sessions: sessionmaker[Session], owner: str) -> tuple[int, int]:
    """One feed and one delivery, both claimed by `owner` at T0 with production leases."""
    with sessions.begin() as s:
        istore.sync_feeds(s, [istore.FeedSpec("f", "https://e.org/f.xml", 60)], T0)
    with sessions.begin() as s:
        [feed] = istore.claim_due(s, T0, lease_s=FEED_LEASE_S, owner=owner, limit=5)
        astore.enqueue(s, [astore.NewDelivery("k", "ops", "ops", "ops:x", T0)], T0)
    with sessions.begin() as s:
        [delivery] = astore.claim_due(s, T0, lease_s=DELIVERY_LEASE_S, owner=owner, limit=5)
    return feed.id, delivery.id


def claims_by_b(sessions: sessionmaker[Session], at: datetime) -> tuple[bool, bool]:
    with sessions.begin() as s:
        feeds = istore.claim_due(s, at, lease_s=FEED_LEASE_S, owner="b", limit=5, force=True)
        deliveries = astore.claim_due(s, at, lease_s=DELIVERY_LEASE_S, owner="b", limit=5)
    return bool(feeds), bool(deliveries)


@pytest.mark.parametrize(
    ("silent_s", "free"),
    [
        (0, False),
        (10, False),
        (heartbeat.STALE_S, False),
        (heartbeat.STALE_S + 1, True),
        (29, True),
    ],
)
def test_work_of_a_daemon_that_stopped_beating_is_free_within_30s(
    sessions: sessionmaker[Session], silent_s: float, free: bool
) -> None:
    with sessions.begin() as s:
        heartbeat.beat(s, "a", None, T0)
    leased_work(sessions, "a")
    assert claims_by_b(sessions, T0 + timedelta(seconds=silent_s)) == (free, free)


def test_a_beating_daemon_keeps_its_leases(sessions: sessionmaker[Session]) -> None:
    leased_work(sessions, "a")
    for minute in range(1, 5):  # well past the stale limit, inside the delivery lease
        at = T0 + timedelta(minutes=minute)
        with sessions.begin() as s:
            heartbeat.beat(s, "a", None, at)
        assert claims_by_b(sessions, at + timedelta(seconds=1)) == (False, False)


def test_a_stopped_daemons_leases_are_free_at_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        heartbeat.beat(s, "a", None, T0)
    leased_work(sessions, "a")
    with sessions.begin() as s:
        heartbeat.stop(s, ["a"], T0)
    assert claims_by_b(sessions, T0 + timedelta(seconds=1)) == (True, True)


def test_an_owner_without_a_heartbeat_keeps_the_plain_lease(
    sessions: sessionmaker[Session],
) -> None:
    leased_work(sessions, "a one-off poll")
    assert claims_by_b(sessions, T0 + timedelta(minutes=4)) == (False, False)
    assert claims_by_b(sessions, T0 + timedelta(minutes=6)) == (False, True)
    assert claims_by_b(sessions, T0 + timedelta(minutes=16)) == (True, True)


def test_a_beat_after_being_declared_stopped_registers_again(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        heartbeat.beat(s, "a", None, T0)
        heartbeat.stop(s, ["a"], T0)
    with sessions.begin() as s:
        heartbeat.beat(s, "a", None, T0 + timedelta(seconds=5))
        assert heartbeat.running(s) == [("a", None)]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _swap(identity: str | None, index: int, value: str) -> str:
    assert identity is not None
    parts = identity.split(":")
    parts[index] = value
    return ":".join(parts)


@pytest.mark.parametrize(
    ("label", "identity", "dead"),
    [
        ("this very process", process_identity, False),
        ("a process that exited", lambda: _swap(process_identity(), 3, str(_dead_pid())), True),
        ("its pid taken by a new process", lambda: _swap(process_identity(), 4, "1"), True),
        ("another machine", lambda: _swap(process_identity(), 1, "other-boot"), False),
        ("another pid namespace", lambda: _swap(process_identity(), 2, "1"), False),
        ("nothing recorded", lambda: None, False),
        ("not an identity", lambda: "pid 42", False),
    ],
)
def test_a_predecessor_is_proven_dead_only_on_this_machine(
    label: str, identity: Callable[[], str | None], dead: bool
) -> None:
    if process_identity() is None:
        pytest.skip("no /proc: process identities cannot be told here")
    assert provably_dead(identity()) is dead, label


@pytest.mark.parametrize(
    ("label", "identity", "signalled"),
    [
        ("this very process", process_identity, True),
        ("a process that exited", lambda: _swap(process_identity(), 3, str(_dead_pid())), False),
        ("its pid taken by a new process", lambda: _swap(process_identity(), 4, "1"), False),
        ("another machine", lambda: _swap(process_identity(), 1, "other-boot"), False),
        ("another pid namespace", lambda: _swap(process_identity(), 2, "1"), False),
        ("nothing recorded", lambda: None, False),
        ("not an identity", lambda: "pid 42", False),
    ],
)
def test_only_a_live_process_of_this_machine_has_a_pid_to_signal(
    label: str, identity: Callable[[], str | None], signalled: bool
) -> None:
    if process_identity() is None:
        pytest.skip("no /proc: process identities cannot be told here")
    expected = os.getpid() if signalled else None
    assert local_pid(identity()) == expected, label


def until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_restarted_daemon_takes_its_killed_predecessors_work_at_once(
    tmp_path: Path,
) -> None:
    with FeedServer() as feeds, SmtpSink() as smtp, WebhookSink() as hook:
        hook.inbox = SlowInbox(4.0)  # a slow receiver: the kill lands inside a send
        w = World(feeds, smtp, hook)
        w.publish(random.Random(3), 3)
        config = write_config(tmp_path, w)
        db = create_engine(f"sqlite:///{tmp_path / 'newswatch.db'}")
        first = Daemon(config)
        try:
            assert first.running.wait(20), "".join(first.lines)
            inbox = hook.inbox
            assert isinstance(inbox, SlowInbox) and inbox.wait_in_hand(30), "".join(first.lines)
            # The next poll of feed0 hangs, so the kill also finds a feed claimed.
            feeds.route("/feed0.xml", body=feeds_body(w, "/feed0.xml"), delay_s=25)
            assert until(lambda: feeds.in_flight.get("/feed0.xml", 0) > 0, 20)
            first.kill()
        finally:
            first.close()
        with db.connect() as conn:
            held = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM feeds WHERE lease_owner IS NOT NULL),"
                    " (SELECT count(*) FROM deliveries WHERE lease_owner IS NOT NULL)"
                )
            ).one()
        assert held[0] >= 1 and held[1] >= 1, held  # the fault is real: work left leased
        feeds.route("/feed0.xml", body=feeds_body(w, "/feed0.xml"))
        polls_before = feeds.hits("/feed0.xml")
        second = Daemon(config)
        try:
            assert second.running.wait(20), "".join(second.lines)
            inbox.wait_items(w.expected, timeout=60)
            smtp_inbox = smtp.inbox
            smtp_inbox.wait_for(len(w.expected), timeout=30)
            assert until(lambda: feeds.hits("/feed0.xml") > polls_before, 30)
            assert second.terminate() == 0, "".join(second.lines[-20:])
        finally:
            second.close()
        with db.connect() as conn:
            stopped = conn.execute(text("SELECT count(*) FROM daemons WHERE stopped_at IS NULL"))
            assert stopped.scalar_one() == 0
        db.dispose()
    # Taken over on proof of death, not after the 5- and 15-minute leases ran out.
    assert any("predecessor gone" in line for line in second.lines), "".join(second.lines)
    chat = [(k, n) for t, k, n in received(w) if t == "chat"]
    assert {n for _, n in chat} == w.expected
    assert all(len({k for k, m in chat if m == n}) == 1 for n in w.expected)  # same key


def feeds_body(w: World, path: str) -> bytes:
    from feedgen import rss

    return rss(w.items[path][-40:])
