"""A running daemon logs a poll tick at INFO only when it did work; idle ticks at DEBUG (#16)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from feedgen import Item, rss
from feedserver import FeedServer

REPO = Path(__file__).resolve().parents[1]
TICK = re.compile(r" (INFO|DEBUG) newswatch\.daemon: tick poll feeds=(\d+)")


def test_idle_ticks_log_at_debug(tmp_path: Path) -> None:
    with FeedServer() as server:
        url = server.route("/f.xml", body=rss([Item("a", "Local news", "Snow in Minsk.")]))
        config = tmp_path / "config.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{tmp_path / "nw.db"}"\n\n'
            f'[[feeds]]\nname = "Outlet"\nurl = "{url}"\n\n'
            '[[watchlists]]\nname = "people"\nnames = ["Ales Bialiatski"]\n'
        )
        # The tick is shortened (a hidden setting) so that idle ticks come by the dozen;
        # the feed's own interval is the default 15m, so after the first poll none is due.
        env = {**os.environ, "NEWSWATCH_POLL_TICK": "0.2", "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch", "--config", str(config), "-v", "run"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        ticks: list[tuple[str, int]] = []
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                found = TICK.search(line)
                if found:
                    ticks.append((found.group(1), int(found.group(2))))
                if sum(feeds == 0 for _, feeds in ticks) >= 3:
                    break
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert ticks[0] == ("INFO", 1)  # the first tick polled the feed
    assert all(level == "DEBUG" for level, feeds in ticks if feeds == 0), ticks
