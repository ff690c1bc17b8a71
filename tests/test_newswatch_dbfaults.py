"""The database failing under the daemon: a SQLite file deleted or replaced stops it with
a clear error (rather than writing into the void and sending again after a restart); a
read-only or full database is one line and exit 1 at start. (While the daemon runs, one
WARNING per state change and an ops notice: tests/test_newswatch_pg_outage.py.)"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer
from sinks import SmtpSink, WebhookSink
from test_newswatch_crash import REPO, Daemon, World, write_config

from newswatch.dbhealth import Change, Health, classify


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("(sqlite3.OperationalError) database or disk is full", "disk full"),
        ("could not extend file base/16384/2619: No space left on device", "disk full"),
        ("attempt to write a readonly database", "read-only"),
        ("cannot execute INSERT in a read-only transaction", "read-only"),
        ("disk I/O error", "disk I/O error"),
        ("terminating connection due to administrator command", "connection lost"),
        ("server closed the connection unexpectedly", "connection lost"),
        ("database is locked", "locked"),
        ("no such table: hits", "other"),
    ],
)
def test_database_failures_are_classified(message: str, kind: str) -> None:
    assert classify(message) == kind


def test_health_reports_each_state_change_once() -> None:
    h = Health()
    seen = [
        h.observe(e)
        for e in [None, "database or disk is full", "database or disk is full", None, None]
    ]
    assert seen == [
        None,
        Change(True, "disk full", "database or disk is full"),
        None,
        Change(False, "disk full", ""),
        None,
    ]


@pytest.fixture
def world() -> Iterator[World]:
    with FeedServer() as feeds, SmtpSink() as smtp, WebhookSink() as hook:
        yield World(feeds, smtp, hook)


def _rm_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _replace_database(db: Path) -> None:
    other = db.with_name("restored.db")
    sqlite3.connect(other).close()
    os.replace(other, db)


@pytest.mark.parametrize(
    ("damage", "words"),
    [(_rm_database, "was deleted"), (_replace_database, "was replaced")],
)
def test_a_database_file_deleted_or_replaced_stops_the_daemon(
    tmp_path: Path, world: World, damage: Callable[[Path], None], words: str
) -> None:
    world.publish(random.Random(5), 6)
    assert world.expected
    daemon = Daemon(write_config(tmp_path, world))
    try:
        assert daemon.running.wait(20), "".join(daemon.lines)
        world.hook.wait_for(1, timeout=30)
        damage(tmp_path / "newswatch.db")
        code = daemon.proc.wait(timeout=30)
        daemon._reader.join(timeout=10)
    finally:
        daemon.close()
    log = "".join(daemon.lines)
    assert code == 1, log
    assert f"{words} while newswatch ran; stopping" in log and "Traceback" not in log


def _run(
    config: Path, preexec: Callable[[], None] | None = None, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "newswatch.cli", "--config", str(config), "run"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "NEWSWATCH_MIN_INTERVAL": "0.1"},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=preexec,
    )


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        # A write past RLIMIT_FSIZE fails with EFBIG, as a full disk fails with ENOSPC;
        # ignored, SIGXFSZ would kill the process instead of failing the write.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _namespace_available() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


def _one_line_exit_1(out: subprocess.CompletedProcess[str], *words: str) -> None:
    err = out.stderr.strip()
    assert out.returncode == 1, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("error: database ") and all(w in err for w in words), err


def test_a_full_disk_at_start_is_one_line_and_exit_1(tmp_path: Path, world: World) -> None:
    out = _run(write_config(tmp_path, world), preexec=_file_size_limit(4096))
    _one_line_exit_1(out, str(tmp_path / "newswatch.db"))


def test_a_read_only_database_at_start_is_one_line_and_exit_1(tmp_path: Path, world: World) -> None:
    config = write_config(tmp_path, world)
    data = tmp_path / "data"
    data.mkdir()
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            str(tmp_path / "newswatch.db"), str(data / "newswatch.db")
        ),
        encoding="utf-8",
    )
    if os.geteuid() != 0:
        data.chmod(0o555)
        prefix: list[str] = []
    elif _namespace_available():
        prefix = ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"']
        prefix.append(str(data))
    else:
        pytest.skip("running as root without mount namespaces: cannot make a folder read-only")
    try:
        out = _run(config, prefix=prefix)
    finally:
        data.chmod(0o755)
    _one_line_exit_1(out, str(data / "newswatch.db"))
    if prefix:
        assert "mounted read-only" in out.stderr
