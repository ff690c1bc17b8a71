"""The progress line of long CLI work: shown on a terminal, absent in a pipe (#16)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from feedgen import Item, rss
from feedserver import FeedServer

REPO = Path(__file__).resolve().parents[1]
# The progress line: the counts so far, the phase and the time elapsed. The first phase
# ("polling 3 feeds") may end before the first refresh on a fast loopback.
PROGRESS = re.compile(r"3 new articles; matching · \d+s")


def _config(tmp_path: Path, server: FeedServer) -> Path:
    feeds = "".join(
        f'[[feeds]]\nname = "Outlet {i}"\n'
        f'url = "{server.route(f"/f{i}.xml", body=rss([Item(str(i), "News", "Snow.")]))}"\n\n'
        for i in range(3)
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "nw.db"}"\n\n{feeds}'
        '[[watchlists]]\nname = "people"\nnames = ["Ales Bialiatski"]\n'
    )
    return config


def _command(config: Path) -> list[str]:
    return [sys.executable, "-m", "newswatch", "--config", str(config), "poll", "--no-deliver"]


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its end of the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_progress_on_a_terminal(tmp_path: Path) -> None:
    with FeedServer() as server:
        config = _config(tmp_path, server)
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(
            _command(config),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=secondary,
            env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"},
        )
        os.close(secondary)
        try:
            seen = _read_all(primary).decode("utf-8", "replace")
        finally:
            os.close(primary)
        assert proc.wait(timeout=60) == 0
    assert PROGRESS.search(seen), repr(seen)


def test_no_progress_in_a_pipe(tmp_path: Path) -> None:
    with FeedServer() as server:
        config = _config(tmp_path, server)
        proc = subprocess.run(
            _command(config),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    assert proc.returncode == 0
    assert "polling" not in proc.stderr and "\x1b" not in proc.stderr
    assert proc.stdout.startswith("polled 3 feeds: 3 updated")
