"""What people read from `hits`, `stories`, `feeds` and `poll`: local times with their
zone, states in words, plurals, and no terminal control from feeds (#16, #11 item 9)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer

from newswatch.cli import main

NOW = datetime.now(UTC)
# A feed title carrying an OSC window title, an OSC 8 link, colour and a bell: JSON Feed
# strings may hold any control character (RFC 8259 §7 escapes), unlike XML 1.0.
HOSTILE = (
    "\x1b]0;owned\x07Ales Bialiatski \x1b[31mmoved\x1b[0m to "
    "\x1b]8;;http://evil.example/\x1b\\a colony\x1b]8;;\x1b\\\x07"
)
CONFIG = """
[database]
url = "sqlite:///{db}"

[defaults]
timezone = "Europe/Vilnius"

[[feeds]]
name = "Outlet"
url = "{feed}"

[[watchlists]]
name = "people"
names = ["Ales Bialiatski"]
"""
BROKEN = """
[[feeds]]
name = "Broken"
url = "{broken}"
"""
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def json_feed() -> bytes:
    item = {
        "id": "a1",
        "url": "https://example.org/a1",
        "title": HOSTILE,
        "content_text": "Ales Bialiatski was moved, his family said. " * 20,
        "date_published": NOW.isoformat(),
    }
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "Outlet", "items": [item]}
    ).encode()


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Path]:
    with FeedServer() as server:
        feed = server.route(
            "/feed.json", body=json_feed(), headers={"Content-Type": "application/feed+json"}
        )
        broken = server.route("/broken.xml", status=500)
        path = tmp_path / "config.toml"
        path.write_text(
            CONFIG.format(db=tmp_path / "nw.db", feed=feed) + BROKEN.format(broken=broken)
        )
        assert main(["--config", str(path), "poll", "--no-deliver"]) == 1  # Broken failed
        yield path


def output(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> str:
    capsys.readouterr()
    assert main(["--config", str(config), *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["hits", "stories", "feeds"])
def test_no_terminal_control_from_feeds(
    capsys: pytest.CaptureFixture[str], config: Path, command: str
) -> None:
    out = output(capsys, config, command)
    assert not ESCAPES.search(out), repr(out)
    assert "owned" not in out and "evil.example" not in out


def test_hits_show_local_time_link_and_cleaned_title(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    out = output(capsys, config, "hits")
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d EES?T", out), out
    assert "Ales Bialiatski moved to a colony" in out
    assert "https://example.org/a1" in out


def test_json_keeps_the_feed_text_and_utc_offsets(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    (row,) = map(json.loads, output(capsys, config, "hits", "--json").splitlines())
    assert row["title"] == HOSTILE  # JSON is data: escaped by json.dumps, not rewritten
    assert row["first_seen"].endswith("+00:00")


def test_stories_use_plurals_and_local_times(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    out = output(capsys, config, "stories")
    assert "1 report from 1 outlet" in out
    assert re.search(r"EES?T \.\. \d{4}-\d\d-\d\d \d\d:\d\d EES?T", out)


def test_feeds_state_in_words(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    out = output(capsys, config, "feeds")
    broken = next(line for line in out.splitlines() if line.startswith("Broken"))
    assert re.search(r"failing since \d{4}-\d\d-\d\d \d\d:\d\d EES?T, 1 try, next in \d+m", broken)


def test_poll_quiet_is_silent_on_success_and_reports_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with FeedServer() as server:
        feed = server.route(
            "/feed.json", body=json_feed(), headers={"Content-Type": "application/feed+json"}
        )
        path = tmp_path / "config.toml"
        path.write_text(CONFIG.format(db=tmp_path / "nw.db", feed=feed))
        capsys.readouterr()
        assert main(["--config", str(path), "-q", "poll", "--no-deliver"]) == 0
        assert capsys.readouterr().out == ""
        assert main(["--config", str(path), "poll", "--no-deliver"]) == 0
        assert "polled 1 feed: " in capsys.readouterr().out
        server.route("/feed.json", status=500)
        assert main(["--config", str(path), "poll", "-q", "--no-deliver"]) == 1
        assert "1 failed" in capsys.readouterr().out


JSON_KEYS = {
    "hits": [
        "watchlist", "name", "matched", "url", "title", "feed", "published", "first_seen",
        "story", "lang", "field", "variant", "reason", "snippet", "article_id",
    ],
    "feeds": [
        "name", "url", "config_url", "status", "enabled", "last_check", "last_success",
        "last_error", "error_count", "failing_since", "next_check", "articles", "per_day",
        "note",
    ],
    "stories": ["story", "title", "first_seen", "last_seen", "outlets", "names", "articles"],
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(JSON_KEYS))
def test_json_fields_are_unchanged(
    capsys: pytest.CaptureFixture[str], config: Path, command: str
) -> None:
    lines = output(capsys, config, command, "--json").splitlines()
    assert lines and all(list(json.loads(line)) == JSON_KEYS[command] for line in lines)
    assert all("\x1b[" not in line for line in lines)  # no colour, whatever the terminal
