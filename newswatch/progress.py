"""A live progress line on standard error while long CLI work runs (first poll, rematch).

Only on a terminal: a pipe or a log file gets nothing here, just the command's own
summary lines on standard output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from newswatch.durations import format_approx
from newswatch.output import plural

if TYPE_CHECKING:
    from alerts.pipeline import MatchReport
    from ingest.poller import PollReport

Show = Callable[[str], None]


@contextmanager
def phases(stream: TextIO, *, enabled: bool = True) -> Iterator[Show]:
    """Yield `show(text)`: replaces the progress line with `text` plus the time elapsed."""
    try:
        tty = enabled and stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        yield lambda text: None
        return
    from rich.console import Console
    from rich.text import Text

    start = time.monotonic()
    current = [""]

    class _Line:
        # Rendered at every refresh, so the elapsed time runs while a phase works.
        def __rich__(self) -> Text:
            return Text(f"{current[0]} · {format_approx(time.monotonic() - start)}")

    console = Console(file=stream, highlight=False, markup=False, emoji=False)
    with console.status(_Line(), spinner="dots") as status:

        def show(text: str) -> None:
            current[0] = text
            status.update(_Line())

        yield show


def polling_line(r: PollReport, total: int) -> str:
    """ "polling: 120 of 300 feeds, 4210 new articles, 2 failed"."""
    failed = f", {r.errors} failed" if r.errors else ""
    return (
        f"polling: {r.feeds} of {plural(total, 'feed')}, "
        f"{plural(r.new_articles, 'new article')}{failed}"
    )


def matching_line(r: MatchReport, total: int) -> str:
    """ "matching: 1200 of 4210 articles, 17 hits"."""
    return f"matching: {r.articles} of {plural(total, 'article')}, {plural(r.hits, 'hit')}"
