"""The polling keys of `[defaults]`: queue_wait, max_entries_per_poll, allow_private."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newswatch.app import App
from newswatch.config import ConfigError, Defaults, load

BASE = """
[database]
url = "sqlite:///{db}"

[defaults]
{extra}

[[feeds]]
name = "Example"
url = "https://example.org/rss.xml"
"""


def write(tmp_path: Path, extra: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(BASE.format(db=tmp_path / "n.db", extra=extra), encoding="utf-8")
    return str(path)


# the [defaults] line, the Defaults attribute, its value
GOOD: list[tuple[str, str, Any]] = [
    ("", "queue_wait_s", 300.0),
    ('queue_wait = "10m"', "queue_wait_s", 600.0),
    ("", "max_entries_per_poll", 1000),
    ("max_entries_per_poll = 200", "max_entries_per_poll", 200),
    ("", "allow_private", False),
    ("allow_private = true", "allow_private", True),
]


@pytest.mark.parametrize(("line", "attr", "value"), GOOD)
def test_poll_keys_load(tmp_path: Path, line: str, attr: str, value: Any) -> None:
    assert getattr(load(write(tmp_path, line), environ={}).defaults, attr) == value


BROKEN = [
    ('queue_wait = "soon"', 'defaults.queue_wait: "soon"'),
    ("queue_wait = 5", "defaults.queue_wait: 5 must be a duration"),
    ("max_entries_per_poll = 0", "defaults.max_entries_per_poll: 0 must be a whole number ≥ 1"),
    ('max_entries_per_poll = "all"', 'defaults.max_entries_per_poll: "all"'),
    ('allow_private = "yes"', 'defaults.allow_private: "yes" must be true or false'),
]


@pytest.mark.parametrize(("line", "expected"), BROKEN)
def test_poll_keys_reject_bad_values(tmp_path: Path, line: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(write(tmp_path, line), environ={})
    assert expected in str(info.value)


def test_poll_keys_reach_the_poller(tmp_path: Path) -> None:
    lines = 'queue_wait = "10m"\nmax_entries_per_poll = 200\nallow_private = true'
    settings = load(write(tmp_path, lines), {})
    app = App(settings)
    try:
        assert app.poller.limits.queue_wait_s == 600.0
        assert app.poller.settings.max_entries_per_poll == 200
        assert app.poller.limits.allow_private is True
    finally:
        app.close()
    assert Defaults().queue_wait_s == 300.0
