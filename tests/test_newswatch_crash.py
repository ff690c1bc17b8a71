"""Crash safety of the real daemon: `newswatch run` is SIGKILLed again and again while it
polls, matches and sends, restarted each time, and every alert still arrives exactly once
(by article), each duplicate being a redelivery with the same idempotency key.

The daemon runs as a subprocess on SQLite against a loopback feed server, a webhook and an
SMTP sink that both take a little time per message, so kills land inside sends. The job
ticks are quickened through the daemon's hidden NEWSWATCH_* variables; leases keep their
production length, so each restart must take its killed predecessor's work at once.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import Mail, Post, SmtpSink, WebhookSink, _Inbox

REPO = Path(__file__).resolve().parents[1]
# One person per alerting article: the story grouper folds reports about the same person
# that close together into one story (one alert), which is right but not what this counts.
FIRST = ["Anton", "Boris", "Darya", "Elena", "Fedor", "Galina", "Igor", "Kira", "Lev", "Nina"]
SYLLABLES = ["ka", "vo", "re", "ti", "mu", "sa", "lo", "ne", "pi", "dru", "zo", "bel"]
NAMES = [
    f"{FIRST[i % 10]} {SYLLABLES[i // 12].title()}{SYLLABLES[i % 12]}ranevich" for i in range(80)
]
TOKEN = re.compile(r"item-(\d+)-x")
KEY = re.compile(r"newswatch-\d+")


class SlowInbox(_Inbox[Any]):
    """Takes `delay_s` per message before keeping it, like a service doing work, and
    counts messages in hand so a test can tell whether a kill landed inside a send."""

    def __init__(self, delay_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.in_hand = 0

    def add(self, item: Any) -> None:
        with self._cond:
            self.in_hand += 1
            self._cond.notify_all()
        try:
            time.sleep(self.delay_s)
            super().add(item)
        finally:
            with self._cond:
                self.in_hand -= 1

    def wait_in_hand(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.in_hand > 0, timeout)

    def wait_items(self, wanted: set[int], timeout: float) -> None:
        """Until every item in `wanted` has arrived at least once.

        Counting messages instead let a repeated alert stand in for a missing one: the
        wait ended early and the test stopped the daemons with alerts still queued,
        which then read as alerts lost.
        """
        with self._cond:
            if not self._cond.wait_for(lambda: wanted <= self._items_seen(), timeout):
                missing = sorted(wanted - self._items_seen())
                raise TimeoutError(f"items not received in {timeout}s: {missing}")

    def _items_seen(self) -> set[int]:
        return {n for m in self._items if (n := item_number(m)) is not None}


@dataclass
class World:
    feeds: FeedServer
    smtp: SmtpSink
    hook: WebhookSink
    items: dict[str, list[Item]] = field(default_factory=dict)
    counter: int = 0
    expected: set[int] = field(default_factory=set)

    def publish(self, rng: random.Random, n: int) -> None:
        """Add `n` items spread over the feeds; about two in three name someone."""
        now = datetime.now(UTC)
        for _ in range(n):
            self.counter += 1
            path = f"/feed{self.counter % 3}.xml"
            # Random words keep the story grouper from folding the articles into one story.
            words = " ".join(
                rng.choice("bdklmnprstvz") + rng.choice("aeiou") + rng.choice("lmnrst") + "o"
                for _ in range(5)
            )
            if rng.random() < 0.67:
                title = f"{NAMES[len(self.expected)]}: {words} item-{self.counter}-x"
                self.expected.add(self.counter)
            else:
                title = f"Weather {words} item-{self.counter}-x"
            self.items.setdefault(path, []).append(
                Item(f"g{self.counter}", title, "Report.", published=now)
            )
        for path, items in self.items.items():
            self.feeds.route(path, body=rss(items[-40:]), delay_s=0.05)


@pytest.fixture
def world() -> Iterator[World]:
    with FeedServer() as feeds, SmtpSink() as smtp, WebhookSink() as hook:
        smtp.inbox = SlowInbox(0.08)
        hook.inbox = SlowInbox(0.08)
        yield World(feeds, smtp, hook)


def write_config(tmp_path: Path, w: World, db_url: str | None = None, feeds_n: int = 3) -> Path:
    """A daemon config over `feeds_n` loopback feeds, email and chat; SQLite by default."""
    db_url = db_url or f"sqlite:///{tmp_path / 'newswatch.db'}"
    feeds = "\n".join(
        f'[[feeds]]\nname = "Outlet {i}"\nurl = "{w.feeds.url(f"/feed{i}.xml")}"\n'
        for i in range(feeds_n)
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[database]
url = "{db_url}"

[defaults]
interval = "300ms"

{feeds}
[notifiers]
email = ["{w.smtp.apprise_url()}"]
chat = ["{w.hook.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = {NAMES!r}
notify = ["email", "chat"]
""".replace("'", '"'),
        encoding="utf-8",
    )
    return config


class Daemon:
    """`newswatch run` as a child process, its log lines collected."""

    def __init__(
        self,
        config: Path,
        extra_env: dict[str, str] | None = None,
        prefix: Sequence[str] = (),
    ) -> None:
        """`prefix` goes before the interpreter (a command that runs the daemon, such as
        `unshare` for a mount namespace of its own)."""
        # Only the job ticks are quickened; leases and retry intervals stay production's.
        env = {
            **os.environ,
            "NEWSWATCH_POLL_TICK": "0.3",
            "NEWSWATCH_DELIVER_TICK": "0.2",
            "NEWSWATCH_MIN_INTERVAL": "0.1",
            "PYTHONPATH": str(REPO),
            **(extra_env or {}),
        }
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "newswatch.cli", "--config", str(config), "run"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # Its own process group, so that a kill takes its parse workers too, as
            # systemd or a container runtime would.
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.running = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if "newswatch running" in line:
                self.running.set()

    def close(self) -> None:
        """After a failed assertion: leave no daemon (or parse worker) behind."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)

    def terminate(self, timeout: float = 15) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code


def item_number(message: Mail | Post) -> int | None:
    """The item a message alerts about (its first item token), None for others."""
    if isinstance(message, Mail):
        text = f"{message.subject} {message.body('plain')}"
    else:
        text = f"{message.json['title']} {message.json['message']}"
    found = TOKEN.search(text)
    return int(found[1]) if found else None


def wait_for(condition: Callable[[], bool], timeout: float, what: str, *daemons: Daemon) -> None:
    """Until `condition` holds; past `timeout`, fail with `what` and the daemons' last lines."""
    deadline = time.monotonic() + timeout
    while not condition():
        logs = "".join(line for d in daemons for line in d.lines[-30:])
        assert time.monotonic() < deadline, f"{what}\n{logs}"
        time.sleep(0.05)


def received(w: World) -> list[tuple[str, str, int]]:
    """(target, idempotency key, item number) of every message the sinks kept."""
    out: list[tuple[str, str, int]] = []
    for post in w.hook.received:
        text = f"{post.json['title']} {post.json['message']}"
        for token in TOKEN.findall(text)[:1]:
            out.append(("chat", post.header("X-Newswatch-Delivery") or "", int(token)))
    for mail in w.smtp.received:
        text = f"{mail.subject} {mail.body('plain')}"
        key = KEY.findall(mail.body("plain"))
        for token in TOKEN.findall(text)[:1]:
            out.append(("email", key[-1] if key else "", int(token)))
    return out


def test_sigkill_at_random_moments_loses_nothing_and_repeats_only_sends_in_flight(
    tmp_path: Path, world: World
) -> None:
    rng = random.Random(20240611)
    config = write_config(tmp_path, world)
    kills = {"sending": 0, "polling": 0, "other": 0}
    world.publish(rng, 6)
    for round_ in range(int(os.environ.get("CRASH_KILLS", "22"))):
        daemon = Daemon(config)
        assert daemon.running.wait(20), "".join(daemon.lines)
        if round_ % 3 == 0:
            world.publish(rng, 4)
        time.sleep(rng.uniform(0.05, 1.2))
        sending = isinstance(world.hook.inbox, SlowInbox) and (
            world.hook.inbox.in_hand or getattr(world.smtp.inbox, "in_hand", 0)
        )
        polling = any(world.feeds.in_flight.values())
        daemon.kill()
        kills["sending" if sending else "polling" if polling else "other"] += 1

    daemon = Daemon(config)
    assert daemon.running.wait(20), "".join(daemon.lines)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            got = {(t, n) for t, _, n in received(world)}
            if len(got) >= 2 * len(world.expected):
                break
            time.sleep(0.2)
    finally:
        assert daemon.terminate() == 0, "".join(daemon.lines[-20:])

    rows = received(world)
    duplicates = 0
    for target in ("chat", "email"):
        mine = [(k, n) for t, k, n in rows if t == target]
        items = {n for _, n in mine}
        assert items == world.expected, f"{target}: missing {world.expected - items}"
        keys_per_item: dict[int, set[str]] = {}
        for k, n in mine:
            keys_per_item.setdefault(n, set()).add(k)
        # Every copy of an article is the same outbox row: a repeat, never a second alert.
        assert all(len(keys) == 1 and "" not in keys for keys in keys_per_item.values())
        duplicates += len(mine) - len(items)
    total_kills = sum(kills.values())
    print(
        f"\ncrash test: kills={total_kills} (in a send {kills['sending']}, "
        f"polling {kills['polling']}, other {kills['other']}) "
        f"alerts expected={2 * len(world.expected)} delivered={len(rows)} "
        f"duplicates={duplicates}"
    )
    # A duplicate needs a kill between the sink taking a message and the daemon recording
    # it: each kill can repeat at most the one send in hand per target.
    assert duplicates <= 2 * total_kills
