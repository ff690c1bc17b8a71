"""The progress line of long CLI work: shown on a terminal, absent in a pipe (#16)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer

from alerts.pipeline import MatchReport
from ingest.poller import PollReport
from newswatch.progress import matching_line, polling_line

REPO = Path(__file__).resolve().parents[1]
# The progress line: the counts so far, the phase and the time elapsed. The first phase
# ("polling 3 feeds") may end before the first refresh on a fast loopback.
PROGRESS = re.compile(r"3 new articles; matching · \d+s")
# While feeds answer: the feeds done of all, the articles so far, the time elapsed.
POLLING = re.compile(r"polling: [0-3] of 3 feeds, [0-3] new articles? · \d+s")


def _config(tmp_path: Path, server: FeedServer, delay_s: float = 0.0) -> Path:
    def url(i: int) -> str:
        body = rss([Item(str(i), "News", "Snow.")])
        return server.route(f"/f{i}.xml", body=body, delay_s=delay_s)

    feeds = "".join(f'[[feeds]]\nname = "Outlet {i}"\nurl = "{url(i)}"\n\n' for i in range(3))
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


@pytest.mark.parametrize(
    ("delay_s", "expected"),
    [
        (0.0, PROGRESS),
        # Slow origins: the line counts the feeds while they answer.
        (1.5, POLLING),
    ],
)
def test_progress_on_a_terminal(tmp_path: Path, delay_s: float, expected: re.Pattern[str]) -> None:
    with FeedServer() as server:
        config = _config(tmp_path, server, delay_s)
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
    assert expected.search(seen), repr(seen)


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


@pytest.mark.parametrize(
    ("report", "total", "line"),
    [
        (PollReport(), 300, "polling: 0 of 300 feeds, 0 new articles"),
        (
            PollReport(feeds=1, new_articles=1, errors=1),
            1,
            "polling: 1 of 1 feed, 1 new article, 1 failed",
        ),
        (
            PollReport(feeds=120, new_articles=4210, errors=2),
            300,
            "polling: 120 of 300 feeds, 4210 new articles, 2 failed",
        ),
    ],
)
def test_polling_line(report: PollReport, total: int, line: str) -> None:
    assert polling_line(report, total) == line


@pytest.mark.parametrize(
    ("report", "total", "line"),
    [
        (MatchReport(0, 0, 0), 1, "matching: 0 of 1 article, 0 hits"),
        (MatchReport(200, 1, 1), 4210, "matching: 200 of 4210 articles, 1 hit"),
    ],
)
def test_matching_line(report: MatchReport, total: int, line: str) -> None:
    assert matching_line(report, total) == line
