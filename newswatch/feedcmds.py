"""Feed management commands: add a feed, import and export OPML."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from newswatch import cli

Add = Callable[[str, cli.Command, str], argparse.ArgumentParser]


def register(add: Add) -> None:
    """Register the feed management subcommands."""
