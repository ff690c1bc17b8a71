"""Human output: tables fitted to the terminal, colour rules, text from feeds made safe,
local times and plurals (#16, #11 item 9)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from newswatch.output import Column, Terminal, clean, local_time, plural, table, terminal

COLUMNS = [
    Column("first seen"),
    Column("state", state=True),
    Column("title", flexible=True),
    Column("link", flexible=True),
]
ROWS = [
    (
        "2025-12-10 11:00 EET",
        "alerted",
        "Bialiatski moved to a penal colony in the Gomel region, rights group says",
        "https://example.org/news/2025/12/10/bialiatski-moved.html",
    ),
    ("2025-12-10 09:12 EET", "stored", "Archive: 2021 arrest", "https://example.org/a"),
]
SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_table_fits_the_width_and_cuts_right_columns_first(width: int) -> None:
    out = table(COLUMNS, ROWS, Terminal(width, colour=False))
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines), out
    # The left columns stay whole while the flexible ones on the right can give way.
    assert all(line.startswith("2025-12-10 ") for line in lines[2:])
    natural = 20 + 3 + 7 + 3 + len(ROWS[0][2]) + 3 + len(ROWS[0][3])
    if width >= natural:
        assert ROWS[0][2] in out and ROWS[0][3] in out and "…" not in out
    else:
        assert "…" in out


def test_table_narrow_cuts_the_link_before_the_title() -> None:
    out = table(COLUMNS, ROWS, Terminal(120, colour=False))
    row = out.splitlines()[2]
    assert ROWS[0][2] in row  # the title is whole …
    assert ROWS[0][3] not in row and row.endswith("…")  # … the link is cut


def test_unbounded_width_keeps_everything() -> None:
    out = table(COLUMNS, ROWS, Terminal(None, colour=False))
    assert all(cell in out for row in ROWS for cell in row)
    assert not SGR.search(out)


def test_colour_marks_states_only_when_on() -> None:
    coloured = table(COLUMNS, ROWS, Terminal(200, colour=True))
    assert "\x1b[32malerted" in coloured  # green
    plain = [line.rstrip() for line in SGR.sub("", coloured).splitlines()]
    assert plain == table(COLUMNS, ROWS, Terminal(200, colour=False)).splitlines()


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise io.UnsupportedOperation


@pytest.mark.parametrize(
    ("tty", "env", "flag", "colour"),
    [
        (True, {}, False, True),
        (True, {"NO_COLOR": "1"}, False, False),
        (True, {"NO_COLOR": ""}, False, True),  # no-color.org: set *and not empty*
        (True, {}, True, False),  # --no-color
        (True, {"TERM": "dumb"}, False, False),
        (False, {}, False, False),  # a pipe or a file
    ],
)
def test_when_to_colour(tty: bool, env: dict[str, str], flag: bool, colour: bool) -> None:
    stream = FakeTTY() if tty else io.StringIO()
    assert terminal(stream, env, no_color=flag).colour is colour


@pytest.mark.parametrize(
    ("tty", "env", "width"),
    [(False, {}, None), (False, {"COLUMNS": "100"}, 100), (True, {"COLUMNS": "72"}, 72)],
)
def test_width_of_pipes_and_terminals(tty: bool, env: dict[str, str], width: int | None) -> None:
    stream = FakeTTY() if tty else io.StringIO()
    assert terminal(stream, env).width == width


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain title", "plain title"),
        ("\x1b[31mred\x1b[0m alert", "red alert"),  # SGR colour
        ("\x1b[2J\x1b[Hcleared", "cleared"),  # erase screen, cursor home
        ("\x1b]0;pwned\x07title", "title"),  # OSC 0 window title, BEL-terminated
        ("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 link, ST
        ("\x1bP+q544e\x1b\\dcs", "dcs"),  # DCS query
        ("\x9b31mC1 CSI", "C1 CSI"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("line\nbreak\ttab\r", "line break tab "),
        ("evil\u202eoverride\u202c", "eviloverride"),  # Trojan Source bidi override
        ("Алесь Бяляцкі — «Вясна»", "Алесь Бяляцкі — «Вясна»"),
        ("lone ESC at end\x1b", "lone ESC at end"),
    ],
)
def test_clean_strips_terminal_control(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_clean_keeps_newlines_when_asked() -> None:
    assert clean("a\x1b[1m\nb", one_line=False) == "a\nb"


def test_table_cells_are_cleaned_and_markup_is_literal() -> None:
    rows = [("x", "ok", "\x1b]0;owned\x07[bold red]title[/]", "")]
    out = table(COLUMNS, rows, Terminal(None, colour=True))
    assert "\x1b]" not in out and "owned" not in out
    assert "[bold red]title[/]" in out


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Europe/Vilnius", "2025-12-10 11:00 EET"),
        ("Europe/Vilnius", "2025-07-10 12:00 EEST"),
        ("UTC", "2025-12-10 09:00 UTC"),
        ("America/New_York", "2025-12-10 04:00 EST"),
    ],
)
def test_local_time_has_its_zone_label(zone: str, shown: str) -> None:
    value = datetime(2025, 12 if "12-10" in shown else 7, 10, 9, 0, tzinfo=UTC)
    assert local_time(value, ZoneInfo(zone)) == shown


def test_local_time_of_naive_utc_and_none() -> None:
    assert local_time(datetime(2025, 12, 10, 9), ZoneInfo("Europe/Vilnius")).endswith("11:00 EET")
    assert local_time(None, ZoneInfo("UTC")) == "never"


@pytest.mark.parametrize(
    ("count", "word", "many", "text"),
    [
        (0, "feed", None, "0 feeds"),
        (1, "feed", None, "1 feed"),
        (2, "report", None, "2 reports"),
        (1, "story", None, "1 story"),
        (3, "story", None, "3 stories"),
        (2, "day", None, "2 days"),
        (2, "match", None, "2 matches"),
        (4, "try", "tries", "4 tries"),
        (1, "new hit", None, "1 new hit"),
    ],
)
def test_plural(count: int, word: str, many: str | None, text: str) -> None:
    assert plural(count, word, many) == text
