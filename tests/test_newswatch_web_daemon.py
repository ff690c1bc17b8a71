"""The web server inside a real `newswatch run`: it answers /healthz, `newswatch
healthcheck` follows it, SIGHUP reloads the config (an invalid one is refused with
`check`'s messages and the old one kept), and SIGTERM drains it and exits 0."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import free_port

from newswatch.cli import main

REPO = Path(__file__).resolve().parents[1]


class Run:
    """`newswatch run` as a child process; its log lines can be awaited."""

    def __init__(self, config: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "--config", str(config), "run"],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    def wait_line(self, pattern: str, after: int = 0, timeout: float = 60) -> str:
        found: list[str] = []

        def seen() -> bool:
            found[:] = [x for x in self.lines[after:] if re.search(pattern, x)]
            return bool(found)

        with self._cond:
            if not self._cond.wait_for(seen, timeout):
                raise TimeoutError(f"no log line like {pattern!r}:\n{''.join(self.lines)}")
        return found[0]

    def signal(self, sig: signal.Signals) -> int:
        with self._cond:
            mark = len(self.lines)
        self.proc.send_signal(sig)
        return mark

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def config_text(db: Path, feeds: FeedServer, port: int, feed_count: int, notify: str) -> str:
    feed_tables = "\n".join(
        f'[[feeds]]\nname = "Outlet {i}"\nurl = "{feeds.url(f"/f{i}.xml")}"\n'
        for i in range(feed_count)
    )
    return f"""
[database]
url = "sqlite:///{db}"

[web]
listen = "127.0.0.1:{port}"

{feed_tables}
[notifiers]
console = ["console://"]

[[watchlists]]
name = "belarus"
names = ["Maria Kolesnikova"]
notify = ["{notify}"]
"""


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        for i in range(2):
            srv.route(f"/f{i}.xml", body=rss([Item(f"i{i}", f"Story {i}")], title=f"Outlet {i}"))
        yield srv


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_health_reload_and_drain_in_a_real_daemon(tmp_path: Path, feeds: FeedServer) -> None:
    port = free_port()
    config = tmp_path / "config.toml"
    db = tmp_path / "newswatch.db"
    config.write_text(config_text(db, feeds, port, 1, "console"), encoding="utf-8")
    base = f"http://127.0.0.1:{port}"
    run = Run(config)
    try:
        run.wait_line(r"newswatch running")
        run.wait_line(r"tick poll feeds=1")
        code, body = get(base + "/healthz")
        assert code == 200, body
        assert json.loads(body)["status"] == "ok"
        assert main(["--config", str(config), "healthcheck"]) == 0

        config.write_text(config_text(db, feeds, port, 2, "console"), encoding="utf-8")
        mark = run.signal(signal.SIGHUP)
        run.wait_line(r"reloaded config feeds=2", after=mark)
        assert "Outlet 1" in get(base + "/feeds")[1]

        config.write_text(config_text(db, feeds, port, 1, "nobody"), encoding="utf-8")
        mark = run.signal(signal.SIGHUP)
        line = run.wait_line(r"reload refused: .*notify", after=mark)
        assert 'watchlists[0].notify[0]: "nobody" is not a notifier in [notifiers]' in line
        run.wait_line(r"keeping the running config", after=mark)
        assert get(base + "/healthz")[0] == 200
        assert "Outlet 1" in get(base + "/feeds")[1]  # the old config still holds

        run.signal(signal.SIGTERM)
        assert run.proc.wait(timeout=30) == 0
        run.wait_line(r"web stopped")
        run.wait_line(r"newswatch stopped")
    finally:
        run.close()
    assert main(["--config", str(config), "healthcheck", "--url", base]) == 1
