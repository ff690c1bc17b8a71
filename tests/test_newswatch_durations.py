"""Durations as people write them, and polling intervals that are too short (#16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.cli import main
from newswatch.config import ConfigError, load
from newswatch.durations import format_approx, format_duration, parse_duration, parse_interval


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("5m", 300),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("1d12h", 129600),
        ("2w1d", 1296000),
        ("1.5h", 5400),
        ("1m30s", 90),
        ("300ms", 0.3),
        ("  15m ", 900),
    ],
)
def test_durations_single_and_compound(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    ["", "m", "5", "5 minutes", "1hour", "5mm", "30m1h", "1h1h", "1h-30m", "h1", "1h30"],
)
def test_not_durations(text: str) -> None:
    with pytest.raises(ValueError, match='is not a duration like "90s", "5m", "1h30m"'):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (900, "15m"),
        (5400, "1h30m"),
        (90, "1m30s"),
        (86400, "1d"),
        (93784, "1d2h3m4s"),
        (0.3, "0.3s"),
    ],
)
def test_format_duration_is_exact_and_parses_back(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "0s"),
        (5, "5s"),
        (59.7, "1m"),
        (2100, "35m"),
        (2129, "35m"),
        (3599, "1h"),
        (5430, "1h30m"),
        (86400, "1d"),
        (90000, "1d1h"),
        (200000, "2d8h"),
    ],
)
def test_format_approx_for_people(seconds: float, text: str) -> None:
    assert format_approx(seconds) == text


@pytest.mark.parametrize(("text", "ok"), [("10s", True), ("9s", False), ("500ms", False)])
def test_interval_minimum(text: str, ok: bool) -> None:
    if ok:
        assert parse_interval(text) == parse_duration(text)
    else:
        with pytest.raises(ValueError, match="shorter than the shortest polling interval, 10s"):
            parse_interval(text)


CONFIG = """
[defaults]
interval = "{default}"

[[feeds]]
name = "Outlet"
url = "https://example.org/rss.xml"
interval = "{feed}"
"""


@pytest.mark.parametrize(
    ("default", "feed", "problem"),
    [
        ("5s", "15m", 'defaults.interval: "5s" is shorter than the shortest polling interval, 10s'),
        ("15m", "1s", 'feeds[0].interval: "1s" is shorter than the shortest polling interval, 10s'),
        ("15m", "1h30m", None),
        ("1h 30m", "10s", None),
    ],
)
def test_config_intervals(tmp_path: Path, default: str, feed: str, problem: str | None) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(default=default, feed=feed))
    if problem is None:
        settings = load(str(path), environ={})
        assert settings.feeds[0].interval_s == parse_duration(feed)
        return
    with pytest.raises(ConfigError) as e:
        load(str(path), environ={})
    assert e.value.problems == [problem]


def test_add_refuses_a_short_interval(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["add", "https://example.org/rss.xml", "--interval", "2s"])
    assert done.value.code == 2
    assert "shorter than the shortest polling interval, 10s" in capsys.readouterr().err
