"""Human-readable CLI output: tables fitted to the terminal, colour, safe text, local times.

Pure functions of their arguments (the stream, environment and width are passed in);
`--json` output never comes through here.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TextIO

# Terminal control sequences, after ECMA-48 (5th ed., 1991) §5.3-5.6: CSI (ESC [ or
# 0x9B, parameters 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E); the control
# strings OSC, DCS, SOS, PM, APC (ESC ] P X ^ _ or 0x9D 0x90 0x98 0x9E 0x9F) up to
# their terminator ST (ESC \ or 0x9C) or, as xterm also accepts, BEL; then any other
# ESC and the byte after it. Whole sequences go, so an OSC 8 link or an OSC 0 window
# title from a feed leaves nothing behind.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x7e]?"
)
# What is left of C0 (but tab and newlines), DEL and C1; and the Unicode bidirectional
# embeddings, overrides and isolates (UAX #9 §2), which reorder what a reader sees
# (CVE-2021-42574, "Trojan Source").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"[\t\n\r]+")


def clean(text: str, *, one_line: bool = True) -> str:
    """`text` from a feed made safe to print: no terminal control sequences."""
    text = _CONTROL.sub("", _SEQUENCE.sub("", text))
    return _SPACE.sub(" ", text) if one_line else text


@dataclass(frozen=True, slots=True)
class Terminal:
    """Where human output goes: its width (None: unbounded) and whether to colour."""

    width: int | None
    colour: bool


def terminal(stream: TextIO, env: Mapping[str, str], *, no_color: bool = False) -> Terminal:
    """Colour only on a terminal, never with `--no-color` or NO_COLOR (no-color.org:
    set and not empty) or TERM=dumb. The width is the terminal's, else $COLUMNS, else
    unbounded, so a pipe into grep sees whole lines."""
    tty = _isatty(stream)
    colour = tty and not no_color and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
    width: int | None = None
    if env.get("COLUMNS", "").isdigit() and int(env["COLUMNS"]) > 0:
        width = int(env["COLUMNS"])
    elif tty:
        try:
            width = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError):
            width = 80
    return Terminal(width, colour)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# Colour by state: what needs a person's attention is red, what waits yellow.
STATE_STYLES = {
    "ok": "green",
    "sent": "green",
    "alerted": "green",
    "pending": "yellow",
    "held": "cyan",
    "folded": "dim",
    "stored": "dim",
    "disabled": "dim",
    "gone": "magenta",
    "failing": "red",
    "failed": "red",
}


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    # A flexible column (a title, a URL, an error) is cut first, rightmost first.
    flexible: bool = False
    # A state column is coloured by the first word of its cells (STATE_STYLES).
    state: bool = False
    right: bool = False


def table(columns: Sequence[Column], rows: Sequence[Sequence[object]], term: Terminal) -> str:
    """`rows` as a table no wider than `term.width`, right columns cut with an ellipsis."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    cells = [[clean("" if c is None else str(c)) for c in row] for row in rows]
    natural = [max([len(col.header), *(len(r[i]) for r in cells)]) for i, col in enumerate(columns)]
    # SIMPLE_HEAD puts one padding space, a divider space and one padding space between
    # two columns, and nothing at the edges (pad_edge=False, show_edge=False).
    gaps = 3 * (len(columns) - 1)
    widths = _fit(natural, [c.flexible for c in columns], term.width, gaps)
    grid = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        header_style="bold" if term.colour else "",
    )
    for col, width in zip(columns, widths, strict=True):
        grid.add_column(
            col.header,
            width=width,
            no_wrap=True,
            overflow="ellipsis",
            justify="right" if col.right else "left",
        )
    for row in cells:
        texts = []
        for col, value in zip(columns, row, strict=True):
            # Text, not a markup string: "[bold]" in a feed title stays literal.
            style = STATE_STYLES.get(value.split(" ", 1)[0], "") if col.state else ""
            texts.append(Text(value, style=style if term.colour else ""))
        grid.add_row(*texts)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=sum(widths) + gaps + 8,
        force_terminal=term.colour,
        no_color=not term.colour,
        color_system="standard" if term.colour else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    console.print(grid)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _fit(natural: list[int], flexible: list[bool], width: int | None, gaps: int) -> list[int]:
    """Column widths: the natural ones, cut from the right (flexible columns first)
    until the table fits; a column keeps at least 3 characters ("ab…")."""
    widths = list(natural)
    if width is None:
        return widths
    excess = sum(widths) + gaps - width
    for pass_flexible in (True, False):
        for i in reversed(range(len(widths))):
            if excess <= 0:
                return widths
            if flexible[i] == pass_flexible:
                cut = min(excess, max(0, widths[i] - 3))
                widths[i] -= cut
                excess -= cut
    return widths


def local_time(value: datetime | None, zone: tzinfo, *, never: str = "never") -> str:
    """A stored UTC time as a person reads it: "2025-12-10 11:00 EET"."""
    if value is None:
        return never
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 feed", "2 feeds", "0 feeds"; `many` for irregular plurals ("1 story", "2 stories")."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _regular_plural(word)}"


def _regular_plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"
