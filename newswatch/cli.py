"""The `newswatch` command line: argument parsing, output formats and exit codes.

Exit codes: 0 success, 1 an operation failed (a feed, a send), 2 bad usage or config.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence

from ingest.errors import StoreError, db_reason
from newswatch import __version__, clitools, urlmask
from newswatch.clitools import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Command, UsageError
from newswatch.config import ConfigError
from newswatch.urlmask import mask_text


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE") and argv is None:
        # `newswatch hits | head` should end quietly, like any Unix filter.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()
    args = parser.parse_args(argv)
    # --config/-v/-q may stand before or after the command; SUPPRESS keeps a later
    # subparser from overwriting an earlier value with its default.
    for name, default in (("config", None), ("verbose", 0), ("quiet", False), ("no_color", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    clitools.set_no_color(args.no_color)
    _setup_logging(args.verbose, args.quiet)
    handler: Command | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except ConfigError as e:
        for line in e.problems:
            print(mask_text(f"{e.path}: {line}"), file=sys.stderr)
        return EXIT_USAGE
    except UsageError as e:
        print(mask_text(f"error: {e}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        if _is_database_unavailable(e):
            print(f"error: {e}", file=sys.stderr)
            return EXIT_FAILED
        if _is_database_error(e):
            # After a successful start (a table gone, the disk full, the server restarted).
            print(mask_text(f"error: database: {db_reason(e)}"), file=sys.stderr)
            return EXIT_FAILED
        raise


def _is_database_unavailable(error: Exception) -> bool:
    # newswatch.app (SQLAlchemy, aiohttp, Apprise) is imported only by the commands
    # that need it, so `--version` and `check` start at once (#12); when it was never
    # imported, nothing can have raised its error.
    app = sys.modules.get("newswatch.app")
    return app is not None and isinstance(error, app.DatabaseUnavailable)


def _is_database_error(error: Exception) -> bool:
    # A store's error, or one raised outside any unit of work (SQLAlchemy is imported
    # only by the commands that use a database: when it was not, nothing raised it).
    if isinstance(error, StoreError):
        return True
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(error, exc.SQLAlchemyError)


def build_parser() -> argparse.ArgumentParser:
    from newswatch import commands

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        "-c",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="config file (default: $NEWSWATCH_CONFIG, else ./config.toml)",
    )
    common.add_argument(
        "--verbose", "-v", action="count", default=argparse.SUPPRESS, help="debug logging"
    )
    common.add_argument(
        "--quiet", "-q", action="store_true", default=argparse.SUPPRESS, help="warnings only"
    )
    common.add_argument(
        "--no-color",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no colour in tables (also: NO_COLOR set, or output not a terminal)",
    )
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Poll news feeds, match people's names in any spelling, alert once per story.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"newswatch {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    commands.register(sub, common)
    p = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for bash, zsh or fish.",
        parents=[common],
    )
    p.add_argument("shell", choices=("bash", "zsh", "fish"))
    p.set_defaults(handler=lambda args: _print_completion(parser, args.shell))
    for name, each in sub.choices.items():
        # `newswatch hits --help` ends with an example of the command in use.
        example = EXAMPLES.get(name)
        if example is not None:
            each.epilog = "example:\n  " + example
            each.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


EXAMPLES = {
    "run": "newswatch --config /etc/newswatch/config.toml run",
    "poll": "newswatch poll --no-deliver",
    "check": "newswatch check",
    "hits": "newswatch hits --since 2d --watchlist belarus",
    "feeds": "newswatch feeds --json | jq .status",
    "notify-test": "newswatch notify-test ops",
    "db": "newswatch db upgrade",
    "explain": 'newswatch explain "Ales Bialiatski" --text "Суд над Алесем Бяляцким"',
    "rematch": "newswatch rematch --since 30d",
    "add": "newswatch add https://example.org/news/ --interval 30m",
    "import-opml": "newswatch import-opml subscriptions.opml",
    "export-opml": "newswatch export-opml feeds.opml",
    "extract": "newswatch extract https://example.org/news/2025/12/10/story.html",
    "stories": "newswatch stories --since 12h",
    "deliveries": "newswatch deliveries --status pending",
    "completion": 'eval "$(newswatch completion bash)"',
    "healthcheck": "newswatch healthcheck --url http://127.0.0.1:8080/healthz",
}


def _print_completion(parser: argparse.ArgumentParser, shell: str) -> int:
    from newswatch.completion import script

    sys.stdout.write(script(shell, parser))
    return EXIT_OK


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("apscheduler", "apprise", "alembic", "aiohttp", "asyncio"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    urlmask.install()  # feed URLs in warnings and -v lines carry their secrets masked


if __name__ == "__main__":
    # Through the imported module: run as __main__, this file would be a second copy of
    # itself beside the `newswatch.cli` that the rest of the code means.
    import importlib

    sys.exit(importlib.import_module("newswatch.cli").main())
