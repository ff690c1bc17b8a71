"""`add` and `import-opml` say whether a running daemon picked their change up (#14).

A real `newswatch run` on a SQLite file; the commands run as their own processes, as a
user types them. A daemon elsewhere (another machine or container) is a heartbeat row
with a process this machine does not have.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from test_newswatch_web_daemon import Run

from ingest import heartbeat
from ingest.db import make_engine, make_sessions
from newswatch.config import file_digest, load
from newswatch.migrate import upgrade
from newswatch.pickup import tell_daemons

REPO = Path(__file__).resolve().parents[1]
FEED = rss([Item("a1", "First report", "x", published=datetime(2026, 3, 1, tzinfo=UTC))])
NONE = "no daemon is running on this config: it takes the change when it starts"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        for path in ("/one.xml", "/two.xml", "/three.xml"):
            srv.route(path, body=FEED)
        yield srv


@pytest.fixture
def config(tmp_path: Path, server: FeedServer) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "nw.db"}"\n\n'
        f'[[feeds]]\nname = "One"\nurl = "{server.url("/one.xml")}"\n'
    )
    return path


def newswatch(config: Path, *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "--config", str(config), *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_without_a_daemon_the_change_waits_for_the_next_start(
    config: Path, server: FeedServer
) -> None:
    out = newswatch(config, "add", server.url("/two.xml"), "--name", "Two")
    assert out.splitlines()[-1] == NONE


def test_a_running_daemon_picks_up_add_and_import_opml(
    config: Path, server: FeedServer, tmp_path: Path
) -> None:
    run = Run(config)
    try:
        run.wait_line("newswatch running")
        out = newswatch(config, "add", server.url("/two.xml"), "--name", "Two")
        assert f"the running daemon (pid {run.proc.pid}) picked the change up" in out, out
        run.wait_line("reloaded config feeds=2")

        opml = tmp_path / "subs.opml"
        opml.write_text(
            '<opml version="2.0"><body>'
            f'<outline text="Three" type="rss" xmlUrl="{server.url("/three.xml")}"/>'
            "</body></opml>"
        )
        out = newswatch(config, "import-opml", str(opml))
        assert out.startswith("imported 1 feed from"), out
        assert f"the running daemon (pid {run.proc.pid}) picked the change up" in out, out
        run.wait_line("reloaded config feeds=3")
    finally:
        run.close()


def test_a_daemon_elsewhere_is_named_with_how_to_reload_it(config: Path) -> None:
    settings = load(str(config))
    engine = make_engine(settings.database_url)
    upgrade(engine)
    now = datetime.now(UTC)
    elsewhere = "linux:another-boot:4026531836:1:12345"
    with make_sessions(engine).begin() as s:
        heartbeat.beat(s, "host-b:1:ab12cd34", elsewhere, now, (str(config), "old"))
        heartbeat.beat(s, "host-c:1:ef56ab78", elsewhere, now, ("/etc/other.toml", "x"))
    engine.dispose()
    [line] = tell_daemons(settings, lambda: now, wait_s=0)
    assert line.startswith("daemon host-b:1:ab12cd34 runs elsewhere"), line
    assert "SIGHUP" in line
    # Once it runs the file as it is now, it has picked the change up.
    with make_sessions(make_engine(settings.database_url)).begin() as s:
        digest = file_digest(config.read_bytes())
        heartbeat.beat(s, "host-b:1:ab12cd34", elsewhere, now, (str(config), digest))
    assert tell_daemons(settings, lambda: now, wait_s=0) == [
        "daemon host-b:1:ab12cd34 picked the change up"
    ]
