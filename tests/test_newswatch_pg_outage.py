"""A real `newswatch run` on a PostgreSQL database of the test's own: its backends are
terminated again and again (pg_terminate_backend, as a failover or an administrator
would), then the database turns read-only and back. The daemon reconnects each time,
reports each state change once (a WARNING and an ops notice), and loses nothing: every
alert arrives, each once."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import PG_URL, pg_problem
from feedserver import FeedServer
from sinks import SmtpSink, WebhookSink
from test_newswatch_crash import Daemon, SlowInbox, World, received, wait_for, write_config

PLAIN = PG_URL.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def own_database() -> Iterator[str]:
    """A database of this test's own: read-only switches and terminations touch nobody else."""
    problem = pg_problem()
    if problem:
        pytest.skip(f"PostgreSQL at {PG_URL} not reachable: {problem}")
    name = f"nw_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PLAIN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with psycopg.connect(PLAIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def terminate(database: str) -> int:
    with psycopg.connect(PLAIN, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def read_only(database: str, on: bool) -> None:
    with psycopg.connect(PLAIN, autocommit=True) as conn:
        conn.execute(
            f"ALTER DATABASE {database} SET default_transaction_read_only = {'on' if on else 'off'}"
        )
    terminate(database)  # the setting reaches new sessions only


def wait_items(w: World) -> None:
    for inbox in (w.hook.inbox, w.smtp.inbox):
        assert isinstance(inbox, SlowInbox)
        inbox.wait_items(w.expected, timeout=60)


def test_the_daemon_reconnects_and_loses_nothing_when_postgresql_goes_away(
    tmp_path: Path, own_database: str
) -> None:
    rng = random.Random(11)
    url = PG_URL.rsplit("/", 1)[0] + f"/{own_database}"
    with FeedServer() as feeds, SmtpSink() as smtp, WebhookSink() as hook, WebhookSink() as ops:
        smtp.inbox, hook.inbox = SlowInbox(0.02), SlowInbox(0.02)
        w = World(feeds, smtp, hook)
        config = write_config(tmp_path, w, url)
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                "[notifiers]\n", f'[notifiers]\nops = ["{ops.apprise_url("/ops")}"]\n'
            ),
            encoding="utf-8",
        )
        w.publish(rng, 6)
        daemon = Daemon(config)
        try:
            assert daemon.running.wait(20), "".join(daemon.lines)
            killed = 0
            for _ in range(4):
                # New items, and the connections cut once the daemon is polling for them.
                polled = feeds.hits("/feed0.xml")
                w.publish(rng, 6)
                wait_for(lambda p=polled: feeds.hits("/feed0.xml") > p, 30, "no poll", daemon)
                killed += terminate(own_database)
                wait_items(w)
            assert killed >= 4

            read_only(own_database, True)
            wait_for(lambda: len(ops.received) >= 1, 60, "no ops notice of failing", daemon)
            w.publish(rng, 6)  # found while read-only: must still arrive afterwards
            # A window of some twenty poll and delivery ticks, all failing, in which no
            # further WARNING may appear: there is no event to await for "nothing logged".
            time.sleep(2)
            read_only(own_database, False)
            wait_items(w)
            wait_for(lambda: len(ops.received) >= 2, 60, "no ops notice of recovery", daemon)
            assert daemon.terminate() == 0, "".join(daemon.lines[-20:])
        finally:
            daemon.close()
        notices = [p.json["title"] for p in ops.received]

    rows = received(w)
    for target in ("chat", "email"):
        keys: dict[int, set[str]] = {}
        for t, k, n in rows:
            if t == target:
                keys.setdefault(n, set()).add(k)
        assert set(keys) == w.expected, f"{target}: missing {w.expected - set(keys)}"
        assert all(len(k) == 1 for k in keys.values()), f"{target}: a second alert"
    warnings = [line for line in daemon.lines if "WARNING newswatch.daemon: database" in line]
    read_only_warnings = [line for line in warnings if "(read-only)" in line]
    assert len(read_only_warnings) == 1, "".join(warnings)
    assert any("database failing (read-only)" in n for n in notices), notices
    assert any("database recovered" in n for n in notices), notices
    print(
        f"\npg outage: backends terminated={killed} alerts={len(rows)} "
        f"warnings={len(warnings)} notices={len(notices)} "
        f"tracebacks={''.join(daemon.lines).count('Traceback')}" + "\n" + "".join(warnings)
    )
