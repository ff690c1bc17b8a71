"""A live progress line on standard error while long CLI work runs (first poll, rematch).

Only on a terminal: a pipe or a log file gets nothing here, just the command's own
summary lines on standard output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from newswatch.durations import format_approx

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
