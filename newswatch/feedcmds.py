"""Feed management commands: add a feed, import and export OPML.

The config file is the user's: feeds are appended as new `[[feeds]]` tables, the text
before them is never rewritten, and a write that would leave the file invalid is undone.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newswatch import clitools
from newswatch.config import ConfigError, Settings, load
from newswatch.durations import format_duration

if TYPE_CHECKING:
    from ingest.fetch import FetchLimits
    from ingest.model import FetchResult, ParsedFeed

Add = Callable[[str, clitools.Command, str], argparse.ArgumentParser]


def register(add: Add) -> None:
    """Register the feed management subcommands."""
    p = add("add", cmd_add, "check a feed URL (or a page linking one) and add it to the config")
    p.add_argument("url")
    p.add_argument("--name", help="default: the feed's title")
    p.add_argument(
        "--interval", type=clitools.interval_arg, metavar="DURATION", help="e.g. 5m, 1h30m"
    )
    p = add("import-opml", cmd_import_opml, "add the feeds of an OPML file not configured yet")
    p.add_argument("file")
    p = add("export-opml", cmd_export_opml, "write the configured feeds as OPML")
    p.add_argument("file", nargs="?", help="default: standard output")


def cmd_add(args: argparse.Namespace) -> int:
    # Imported here, not at the top: feed fetching and parsing stay out of the start-up
    # of every other command (#12).
    from ingest.fetch import FetchLimits

    settings = clitools.settings_from(args)
    url = args.url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise clitools.UsageError(f"{url!r} is not an http(s) URL")
    url = telegram_preview_url(url)
    _refuse_known(settings, url)
    limits = FetchLimits(
        timeout_s=settings.defaults.timeout_s,
        max_bytes=settings.defaults.max_body_bytes,
        allow_private=settings.defaults.allow_private,
    )
    import asyncio

    found, read, problem = asyncio.run(_probe(url, limits))
    if read is None:
        _say(f"error: {url}: {problem}", err=True)
        return clitools.EXIT_FAILED
    if found != url:
        _refuse_known(settings, found)
        _say(f"discovered feed {found} from the page at {url}")
    kind, feed = read
    name = _unique_name(settings, args.name or feed.title or found)
    _append(settings, [(name, found, args.interval)], kind=kind)
    every = format_duration(args.interval or settings.defaults.interval_s)
    what = "" if kind == "feed" else f" as a {_KIND_WORDS[kind]}"
    _say(f"added {name!r}{what}: {found} every {every} ({len(feed.entries)} entries now)")
    _tell_daemons(settings)
    return clitools.EXIT_OK


def _tell_daemons(settings: Settings) -> None:
    from newswatch.clock import utcnow
    from newswatch.pickup import tell_daemons

    for line in tell_daemons(settings, utcnow):
        _say(line)


def cmd_import_opml(args: argparse.Namespace) -> int:
    from ingest.errors import ParseError
    from ingest.opml import parse_opml
    from newswatch.output import plural

    settings = clitools.settings_from(args)
    try:
        data = Path(args.file).read_bytes()
    except OSError as e:
        raise clitools.UsageError(f"{args.file}: {e.strerror or e}") from None
    try:
        outlines = parse_opml(data, args.file)
    except ParseError as e:
        _say(f"error: {e}", err=True)
        return clitools.EXIT_FAILED
    known = {f.url for f in settings.feeds}
    names = {f.name for f in settings.feeds}
    new: list[tuple[str, str, float | None]] = []
    for title, url in outlines:
        if url in known:
            continue
        name = _unique(title, names)
        names.add(name)
        known.add(url)
        new.append((name, url, None))
    if new:
        _append(settings, new)
    _say(
        f"imported {plural(len(new), 'feed')} from {args.file} "
        f"({len(outlines) - len(new)} already configured)"
    )
    if new:
        _tell_daemons(settings)
    return clitools.EXIT_OK


def cmd_export_opml(args: argparse.Namespace) -> int:
    from ingest import storage as istore
    from ingest.opml import render_opml

    # The URLs newswatch polls, not the configured ones: after a permanent redirect or
    # discovery from a web page, that is what another reader should subscribe to.
    with clitools.opened_app(args) as app:
        with app.store.read() as s:
            polled = istore.polled_urls(s)
    feeds = [(f.name, polled.get(f.url, f.url)) for f in app.settings.feeds]
    text = render_opml(feeds, "newswatch feeds")
    if args.file:
        _write(Path(args.file), text)
        moved = sum(url != f.url for (_, url), f in zip(feeds, app.settings.feeds, strict=True))
        where = f" ({moved} at the URL newswatch polls instead)" if moved else ""
        _say(f"exported {len(feeds)} feeds to {args.file}{where}")
    else:
        sys.stdout.write(text)
    return clitools.EXIT_OK


async def _probe(url: str, limits: FetchLimits) -> tuple[str, tuple[str, ParsedFeed] | None, str]:
    """(feed URL, parsed feed or None, problem): follows one HTML page's feed link."""
    from ingest.errors import NotAFeed, ParseError
    from ingest.fetch import Fetcher
    from ingest.model import FetchRequest

    async with Fetcher(limits) as fetcher:
        result = await fetcher.fetch(FetchRequest(url))
        try:
            return _final_url(result), _parsed(result), ""
        except NotAFeed as e:
            if not e.feed_links:
                return url, None, e.reason
            linked = await fetcher.fetch(FetchRequest(e.feed_links[0]))
            try:
                return _final_url(linked), _parsed(linked), ""
            except ParseError as e2:
                return e.feed_links[0], None, f"the page links {e.feed_links[0]}: {e2.reason}"
        except ParseError as e:
            return url, None, e.reason


def _final_url(result: FetchResult) -> str:
    # Only a permanent move replaces the address the user gave; a 302 may be a login wall.
    return result.permanent_url or result.url


_KIND_WORDS = {"telegram": "Telegram channel", "sitemap": "news sitemap"}
_TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me"})
_SITEMAP_MAX = 50 * 1024 * 1024  # sitemaps.org: at most 50 MB uncompressed


def telegram_preview_url(url: str) -> str:
    """A t.me channel link as its web preview (https://t.me/s/CHANNEL); others as given."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in _TELEGRAM_HOSTS:
        return url
    m = re.match(r"^/(?:s/)?([A-Za-z0-9_]{4,64})/?$", parts.path)
    return f"https://t.me/s/{m.group(1)}" if m else url


def _parsed(result: FetchResult) -> tuple[str, ParsedFeed]:
    """The feed's kind (ingest's names: feed, telegram, sitemap) and its entries."""
    from ingest.errors import ParseError
    from ingest.parse import parse_feed

    if not result.ok:
        raise ParseError(result.url, result.error or f"HTTP {result.status}")
    try:
        return "feed", parse_feed(result.body, dict(result.headers), result.url)
    except ParseError:
        other = _other_kind(result)
        if other is None:
            raise
        return other


def _other_kind(result: FetchResult) -> tuple[str, ParsedFeed] | None:
    """A Telegram channel preview or a sitemap, when the body is one."""
    from ingest.errors import ParseError
    from ingest.model import ParsedFeed
    from ingest.sitemap import parse_sitemap
    from ingest.telegram import channel_of, parse_channel

    if channel_of(result.url) is not None:
        try:
            return "telegram", parse_channel(result.body, dict(result.headers), result.url).feed
        except ParseError:
            pass
    try:
        sitemap = parse_sitemap(result.body, result.url, _SITEMAP_MAX)
    except ParseError:
        return None
    if sitemap.feed is not None:
        return "sitemap", sitemap.feed
    return "sitemap", ParsedFeed(title=None, link=result.url, entries=())


def _refuse_known(settings: Settings, url: str) -> None:
    for f in settings.feeds:
        if f.url == url:
            raise clitools.UsageError(f"{url} is already configured as {f.name!r}")


def _unique_name(settings: Settings, wanted: str) -> str:
    return _unique(wanted, {f.name for f in settings.feeds})


def _unique(wanted: str, taken: set[str]) -> str:
    base = " ".join(wanted.split())[:200] or "feed"
    name, n = base, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    return name


def _append(
    settings: Settings, feeds: Sequence[tuple[str, str, float | None]], kind: str = "feed"
) -> None:
    """Append `[[feeds]]` tables to the config file; undo the write if it breaks the file."""
    path = Path(settings.path)
    before = path.read_bytes()
    parts = [] if before.endswith(b"\n") or not before else ["\n"]
    for name, url, interval in feeds:
        # JSON string literals are valid TOML basic strings (quotes, backslashes, \\uXXXX).
        parts.append(f"\n[[feeds]]\nname = {json.dumps(name)}\nurl = {json.dumps(url)}\n")
        if interval is not None:
            parts.append(f"interval = {json.dumps(format_duration(interval))}\n")
        if kind != "feed":
            parts.append(f"kind = {json.dumps(kind)}\n")
    try:
        with path.open("ab") as fh:
            fh.write("".join(parts).encode("utf-8"))
    except OSError as e:
        # A config mounted read-only (the usual Docker setup) or owned by another user.
        raise clitools.UsageError(
            f"cannot add to the config file {path}: {e.strerror or e}; "
            "add the [[feeds]] table by hand or make the file writable"
        ) from None
    try:
        load(str(path))
    except ConfigError:
        with path.open("r+b") as fh:
            fh.truncate(len(before))
        raise


def _write(path: Path, text: str) -> None:
    """Write an output file the user named; a wrong path is one line, not a traceback."""
    if not path.parent.is_dir():
        raise clitools.UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise clitools.UsageError(f"cannot write {path}: {e.strerror or e}") from None


def _say(text: str, *, err: bool = False) -> None:
    # Commands print their own output (house CLI style); stdout/stderr directly, no logging.
    # Titles, URLs and errors come from feeds and pages: no terminal control gets through.
    from newswatch.output import clean

    (sys.stderr if err else sys.stdout).write(clean(text) + "\n")
