"""What the command modules share: exit codes, usage errors, the opened app, and the
output helpers (tables, JSON lines, local times). `cli` parses and dispatches; the command
modules import this, never `cli`, so the command line has no import cycle."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from newswatch.config import Settings, config_path, load
from newswatch.durations import parse_duration

if TYPE_CHECKING:
    from newswatch.app import App

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Command = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A command-line value is wrong (not a config problem)."""


def settings_from(args: argparse.Namespace) -> Settings:
    return load(config_path(args.config))


@contextmanager
def opened_app(args: argparse.Namespace, **kwargs: Any) -> Iterator[App]:
    """The app of the command's config, open for the block and closed after it."""
    from newswatch.app import App

    app = App(settings_from(args), **kwargs)
    app.open()
    try:
        yield app
    finally:
        app.close()


def since_arg(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def interval_arg(text: str) -> float:
    from newswatch.durations import parse_interval

    try:
        return parse_interval(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def print_json_lines(rows: Sequence[dict[str, Any]]) -> None:
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


# Columns whose cells are cut first when a table is wider than the terminal, and the
# columns coloured by state; by header, so every command's table behaves alike.
_FLEXIBLE = frozenset({"title", "link", "note", "error", "title / error", "target", "feed"})
_STATE = frozenset({"status", "state"})
_no_color = False  # --no-color of the current invocation


def set_no_color(value: bool) -> None:
    global _no_color
    _no_color = value


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table fitted to the terminal; text from feeds is cleaned of control sequences."""
    from newswatch import output

    columns = [
        output.Column(h, flexible=h in _FLEXIBLE, state=h in _STATE, right=h in _NUMERIC)
        for h in headers
    ]
    term = output.terminal(sys.stdout, os.environ, no_color=_no_color)
    sys.stdout.write(output.table(columns, rows, term))


_NUMERIC = frozenset({"id", "tries", "errors", "articles", "per day"})


def say(text: str) -> None:
    """A line of human output that may carry text from feeds (titles, names, errors)."""
    from newswatch.output import clean

    print(clean(text))


def when(value: datetime | None, zone: tzinfo, *, never: str = "never") -> str:
    """A stored time in the configured zone with its label: "2025-12-10 11:00 EET"."""
    from newswatch.output import local_time

    return local_time(value, zone, never=never)
