"""`newswatch deliveries` shows the digests being collected and their next send (#16)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink

from newswatch.cli import main

CONFIG = """
[database]
url = "sqlite:///{db}"

[defaults]
timezone = "Europe/Vilnius"

[[feeds]]
name = "Outlet"
url = "{feed}"

[notifiers]
desk = ["{hook}"]

[[watchlists]]
name = "morning"
names = ["Ales Bialiatski"]
notify = ["desk"]
mode = "digest"
schedule = "daily 08:00"
"""


def test_deliveries_lists_pending_digests_with_next_send(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    with FeedServer() as server, WebhookSink() as hook:
        config = tmp_path / "config.toml"
        feed = server.route("/f.xml", body=rss([]))
        config.write_text(CONFIG.format(db=tmp_path / "nw.db", feed=feed, hook=hook.apprise_url()))
        # The first cycle starts the digest period; a hit stored after it is held.
        assert main(["--config", str(config), "poll"]) == 0
        item = Item("a", "Bialiatski moved", "Ales Bialiatski was moved.", published=now)
        server.route("/f.xml", body=rss([item]))
        assert main(["--config", str(config), "poll"]) == 0
        capsys.readouterr()
        assert main(["--config", str(config), "deliveries"]) == 0
        out = capsys.readouterr().out
        assert main(["--config", str(config), "deliveries", "--json"]) == 0
        assert capsys.readouterr().out == ""  # JSON lists outbox rows only, as before
    assert "pending digests:" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("  morning -> "))
    assert re.search(
        r"1 hit held since \d{4}-\d\d-\d\d \d\d:\d\d EES?T, "
        r"next send \d{4}-\d\d-\d\d 08:00 EES?T \(in \d+(h\d*m?|m)\)",
        line,
    ), line
