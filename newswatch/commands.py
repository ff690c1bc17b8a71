"""The subcommands: each parses its own options and prints its own output."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, tzinfo
from typing import Any

from newswatch import clitools, commands_web, feedcmds
from newswatch.durations import format_approx, format_duration
from newswatch.urlmask import mask_text, mask_url

# Heavy modules (SQLAlchemy, aiohttp, Apprise, feedparser, the matcher) are imported
# inside the commands that need them: every CLI call, `--version` included, would
# otherwise pay for all of them before doing anything (#12).


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    def add(name: str, handler: clitools.Command, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(
            name, help=help_text, description=help_text, parents=[common]
        )
        p.set_defaults(handler=handler)
        return p

    add("run", cmd_run, "run the daemon: poll on schedule, match, deliver")
    p = add("poll", cmd_poll, "poll every feed now, match, deliver what is due, then exit")
    p.add_argument("--no-deliver", action="store_true", help="store hits but send nothing")
    add("check", cmd_check, "validate the config and print what it would watch")

    p = add("hits", cmd_hits, "stored hits, newest first")
    p.add_argument("--watchlist", "-w", metavar="W")
    p.add_argument("--since", type=clitools.since_arg, metavar="DURATION", help="e.g. 2d, 12h")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true", help="JSON Lines")

    p = add("feeds", cmd_feeds, "each feed's status")
    p.add_argument("--json", action="store_true", help="JSON Lines")

    p = add("notify-test", cmd_notify_test, "send a test message to a notifier (or all)")
    p.add_argument("notifier", nargs="?", metavar="NOTIFIER")

    p = add("db", cmd_db, "database maintenance")
    p.add_argument("action", choices=["upgrade", "current"])

    p = add("explain", cmd_explain, "show the forms a name matches, or why a text matches")
    p.add_argument("name")
    p.add_argument("--text", help="a text to test against the name")
    p.add_argument("--no-variants", action="store_true", help="literal spelling only")

    p = add("rematch", cmd_rematch, "re-run the watchlists over stored articles")
    p.add_argument("--since", type=clitools.since_arg, default=30 * 86400.0, metavar="DURATION")

    feedcmds.register(add)
    commands_web.register(add)

    p = add("extract", cmd_extract, "fetch article pages politely and print their main text")
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument("--json", action="store_true", help="JSON Lines")

    p = add("stories", cmd_stories, "stories: reports of one event grouped across outlets")
    p.add_argument("--since", type=clitools.since_arg, metavar="DURATION", help="e.g. 2d, 12h")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true", help="JSON Lines")

    p = add("deliveries", cmd_deliveries, "the delivery outbox")
    p.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--status", choices=["pending", "sent", "failed"])
    p.add_argument("--failed", action="store_true", help="with retry: requeue every failed one")
    p.add_argument("--force", action="store_true", help="with retry ID: resend a sent delivery")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true", help="JSON Lines")


def cmd_run(args: argparse.Namespace) -> int:
    from newswatch.daemon import run_daemon

    return run_daemon(clitools.settings_from(args))


def cmd_poll(args: argparse.Namespace) -> int:
    from alerts.deliver import DeliveryReport
    from ingest.poller import PollReport
    from newswatch.output import plural
    from newswatch.progress import matching_line, phases, polling_line

    with clitools.opened_app(args) as app:
        with phases(sys.stderr, enabled=not args.quiet) as show:
            total = sum(1 for f in app.settings.feeds if f.enabled)
            show(polling_line(PollReport(), total))
            poll = app.poll(force=True, progress=lambda r: show(polling_line(r, total)))
            new = poll.new_articles
            show(f"{plural(new, 'new article')}; matching")
            matched = app.match(progress=lambda r: show(matching_line(r, new)))
            show(f"{plural(matched.hits, 'new hit')}; delivering")
            sent = app.deliver() if not args.no_deliver else None
            # The feeds' own text is matched (and alerted) above; then the article pages
            # this cycle left pending, so `poll` exits only once those are read.
            show(f"{plural(matched.hits, 'new hit')}; reading article pages")
            pages = app.poll_pages()
            paged = app.match()
        if sent is not None:
            more = app.deliver()
            sent = DeliveryReport(
                sent.sent + more.sent, sent.retried + more.retried, sent.failed + more.failed
            )
    # -q: nothing on success; a failed feed is still reported (and the exit code says so).
    failed = poll.errors > 0
    if args.quiet and not failed:
        return clitools.EXIT_OK
    print(
        f"polled {plural(poll.feeds, 'feed')}: {poll.ok} updated, "
        f"{poll.not_modified} not modified, {poll.unchanged} unchanged, {poll.errors} failed; "
        f"{plural(poll.new_articles, 'new article')}"
    )
    if args.quiet:
        return clitools.EXIT_FAILED
    print(
        f"matched {plural(matched.articles, 'article')}: "
        f"{plural(matched.hits + paged.hits, 'new hit')}, "
        f"{plural(matched.deliveries + paged.deliveries, 'alert')} queued"
    )
    if pages.read + pages.retrying + pages.failed:
        print(
            f"article pages: {pages.read} read, {pages.retrying} to retry, "
            f"{pages.failed} failed; {plural(paged.hits, 'hit')} found only in them"
        )
    if sent is not None:
        print(f"delivered {sent.sent}, retrying {sent.retried}, failed {sent.failed}")
    return clitools.EXIT_FAILED if failed else clitools.EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from ingest.pages import read_pages
    from newswatch.app import fetch_limits
    from newswatch.clock import utcnow
    from newswatch.config import Defaults, config_path

    # A debugging aid: the config's politeness settings when there is a config, else
    # the defaults (a missing file the user did not name is no error here).
    path = config_path(args.config)
    defaults = (
        clitools.settings_from(args).defaults if args.config or os.path.exists(path) else Defaults()
    )
    for url in args.urls:
        if not url.startswith(("http://", "https://")):
            raise clitools.UsageError(f"{url!r} is not an http(s) URL")
    results = asyncio.run(
        read_pages(list(args.urls), fetch_limits(defaults), utcnow, robots=defaults.robots)
    )
    failed = 0
    for r in results:
        if r.article is None:
            failed += 1
            print(f"error: {r.url}: {r.error}", file=sys.stderr)
            continue
        a = r.article
        if args.json:
            row = {"url": r.url, "title": a.title, "text": a.text, "lang": a.lang}
            clitools.print_json_lines([{**row, "published": a.published}])
        else:
            print(f"# {a.title or r.url}\n{r.url}\n\n{a.text}\n")
    return clitools.EXIT_FAILED if failed else clitools.EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from alerts import notify
    from alerts.errors import NotifyError

    settings = clitools.settings_from(args)
    notify.register_console()
    problems = 0
    print(f"config {settings.path}: OK")
    print(f"database: {_safe_db_url(settings.database_url)}")
    print(f"feeds ({len(settings.feeds)}):")
    for f in settings.feeds:
        state = "" if f.enabled else " (disabled)"
        print(f"  {f.name}: {mask_url(f.url)} every {format_duration(f.interval_s)}{state}")
    print(f"notifiers ({len(settings.notifiers)}):")
    for n in settings.notifiers:
        for url in n.urls:
            try:
                info = notify.target_info(url)
                shown = mask_url(info.url_privacy, path_tokens=True)
                print(f"  {n.name}: {shown} ({info.body_format})")
            except NotifyError as e:
                problems += 1
                print(f"  {n.name}: {e}", file=sys.stderr)
    print(f"watchlists ({len(settings.watchlists)}):")
    for w in settings.watchlists:
        names = ", ".join(n.name for n in w.names)
        notify_to = ", ".join(w.notify) or "nobody (hits are stored only)"
        print(f"  {w.name} [{w.mode}]: {names} -> {notify_to}")
    commands_web.print_exclusions(settings)
    return clitools.EXIT_USAGE if problems else clitools.EXIT_OK


def _safe_db_url(url: str) -> str:
    # The URL as SQLAlchemy's render_as_string(hide_password=True) prints it, without
    # importing SQLAlchemy just for this (a third of `check`'s start-up, #12).
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user, _, host = parts.netloc.rpartition("@")
        name = user.partition(":")[0]
        return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))
    except ValueError:
        return "(unparseable URL)"


def cmd_hits(args: argparse.Namespace) -> int:
    from alerts import storage as astore
    from alerts.model import WatchMode
    from alerts.storage.hitstates import hit_deliveries
    from newswatch.hitstate import hit_state

    with clitools.opened_app(args) as app:
        since = app.clock() - timedelta(seconds=args.since) if args.since else None
        with app.store.read() as s:
            hits = astore.list_hits(s, watchlist=args.watchlist, since=since, limit=args.limit)
            seen = hit_deliveries(s, hits)
    zone = app.settings.tz
    if args.json:
        clitools.print_json_lines(
            [
                {
                    "watchlist": h.watchlist,
                    "name": h.name,
                    "matched": h.matched,
                    "url": h.url,
                    "title": h.title,
                    "feed": h.feed,
                    "published": clitools.iso(h.published),
                    "first_seen": clitools.iso(h.first_seen),
                    "story": h.story,
                    "lang": h.lang,
                    "field": h.field,
                    "variant": h.variant,
                    "reason": h.reason,
                    "snippet": h.snippet,
                    "article_id": h.article_id,
                }
                for h in hits
            ]
        )
        return clitools.EXIT_OK
    digests = {w.name for w in app.settings.watchlists if w.mode == WatchMode.DIGEST}
    clitools.print_table(
        ["first seen", "watchlist", "name", "state", "matched", "feed", "title", "link"],
        [
            (
                clitools.when(h.first_seen, zone),
                h.watchlist,
                h.name,
                hit_state(h, seen, digests),
                h.matched,
                h.feed,
                h.title,
                h.url,
            )
            for h in hits
        ],
    )
    return clitools.EXIT_OK


def cmd_feeds(args: argparse.Namespace) -> int:
    from ingest import storage as istore

    with clitools.opened_app(args) as app:
        now = app.clock()
        with app.store.read() as s:
            feeds = istore.feed_statuses(s, now)
    if args.json:
        clitools.print_json_lines(
            [
                {
                    "name": f.name,
                    "url": mask_url(f.url),
                    "config_url": mask_url(f.config_url),
                    "status": f.status,
                    "enabled": f.enabled,
                    "last_check": clitools.iso(f.last_checked_at),
                    "last_success": clitools.iso(f.last_success_at),
                    "last_error": mask_text(f.last_error) if f.last_error else None,
                    "error_count": f.error_count,
                    "failing_since": clitools.iso(f.failing_since),
                    "next_check": clitools.iso(f.next_check_at),
                    "articles": f.articles,
                    "per_day": round(f.per_day, 2),
                    "note": mask_text(f.note) if f.note else None,
                }
                for f in feeds
            ]
        )
        return clitools.EXIT_OK
    zone = app.settings.tz
    rows = [
        (
            f.name,
            _feed_state(f, now, zone),
            clitools.when(f.last_success_at, zone),
            f.error_count,
            clitools.when(f.next_check_at, zone),
            f.articles,
            f"{f.per_day:.1f}",
            mask_text(f.last_error or f.note or ""),
        )
        for f in feeds
    ]
    clitools.print_table(
        ["feed", "status", "last success", "errors", "next check", "articles", "per day", "note"],
        rows,
    )
    return clitools.EXIT_OK


def _feed_state(f: Any, now: datetime, zone: tzinfo) -> str:
    """A feed's state in words: "failing since 2025-12-10 11:00 EET, 4 tries, next in 35m"."""
    from newswatch.output import plural

    if f.failing_since is None:
        return str(f.status)
    wait = (f.next_check_at - now).total_seconds() if f.next_check_at else 0.0
    next_try = f"next in {format_approx(wait)}" if wait > 0 else "next now"
    return (
        f"failing since {clitools.when(f.failing_since, zone)}, "
        f"{plural(f.error_count, 'try', 'tries')}, {next_try}"
    )


def cmd_notify_test(args: argparse.Namespace) -> int:
    from alerts import notify, render
    from alerts.errors import NotifyError

    settings = clitools.settings_from(args)
    notify.register_console()
    chosen = [n for n in settings.notifiers if args.notifier in (None, n.name)]
    if args.notifier and not chosen:
        known = ", ".join(n.name for n in settings.notifiers) or "none"
        raise clitools.UsageError(f"no notifier named {args.notifier!r} (known: {known})")
    failed = 0
    for n in chosen:
        for url in n.urls:
            try:
                info = notify.target_info(url)
                notify.send(url, render.render_test(info.body_format))
                print(f"{n.name}: {mask_url(info.url_privacy, path_tokens=True)}: sent")
            except NotifyError as e:
                failed += 1
                print(f"{n.name}: {e}", file=sys.stderr)
    return clitools.EXIT_FAILED if failed else clitools.EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from newswatch import migrate
    from newswatch.app import App

    app = App(clitools.settings_from(args))
    try:
        if args.action == "upgrade":
            app.open()
        print(f"schema revision: {migrate.current(app.store.engine)}")
    finally:
        app.close()
    return clitools.EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from alerts.matching import Matcher, WatchName

    name = WatchName(key=args.name, name=args.name, variants=not args.no_variants)
    matcher = Matcher.build([name])
    if args.text is None:
        examples = matcher.examples(args.name)
        forms = matcher.forms(args.name)
        print(f"{args.name}: {len(examples)} example spellings, {len(forms)} forms")
        print("Surname pattern: " + "; ".join(matcher.patterns(args.name)))
        print("Spellings recognised (examples; any other spelling of the same sound also is):")
        scheme = None
        for spelling, reason in examples:
            group, _, case = reason.partition(", ")
            if group != scheme:
                scheme = group
                print(f"  {group}:")
            print(f"    {spelling}" + (f"  ({case})" if case else ""))
        print("Endings accepted on the configured spelling:")
        for form, reason in forms:
            print(f"  {form}  ({reason})")
        return clitools.EXIT_OK
    for line in matcher.explain(args.text):
        print(line)
    matches = matcher.match("", args.text)
    print("MATCH" if matches else "NO MATCH")
    return clitools.EXIT_OK if matches else clitools.EXIT_FAILED


def cmd_rematch(args: argparse.Namespace) -> int:
    from alerts.pipeline import rematch
    from ingest import storage as istore
    from newswatch.output import plural
    from newswatch.progress import matching_line, phases

    with clitools.opened_app(args) as app:
        now = app.clock()
        since = now - timedelta(seconds=args.since)
        with phases(sys.stderr, enabled=not args.quiet) as show:
            show("reading stored articles")
            with app.store.batch() as s:
                articles = istore.articles_since(s, since)
                total = len(articles)
                show(f"rematching {plural(total, 'article')}")
                report = rematch(
                    s,
                    app.policy,
                    app.matcher,
                    articles,
                    now,
                    store=app.alert_store,
                    progress=lambda r: show(f"re{matching_line(r, total)}"),
                )
            show(f"{plural(report.hits, 'new hit')}; delivering")
            sent = app.deliver()
    print(
        f"rematched {plural(report.articles, 'article')} since "
        f"{clitools.when(since, app.settings.tz)}: {plural(report.hits, 'new hit')}, "
        f"{plural(report.deliveries, 'alert')} queued, {sent.sent} delivered"
    )
    return clitools.EXIT_OK


def cmd_deliveries(args: argparse.Namespace) -> int:
    from alerts import storage as astore
    from newswatch import digestcmds

    with clitools.opened_app(args) as app:
        if args.action == "retry":
            if args.id is None and not args.failed:
                raise clitools.UsageError("deliveries retry needs an ID or --failed")
            with app.store.batch() as s:
                n = astore.requeue(
                    s, app.clock(), delivery_id=args.id, failed=args.failed, force=args.force
                )
                refused = _retry_refusal(s, args.id) if not n and args.id is not None else None
            if refused:
                print(f"error: {refused}", file=sys.stderr)
                return clitools.EXIT_FAILED
            print(f"requeued {n} {'delivery' if n == 1 else 'deliveries'}")
            return clitools.EXIT_OK if n else clitools.EXIT_FAILED
        with app.store.read() as s:
            rows = astore.list_deliveries(s, status=args.status, limit=args.limit)
        digests = digestcmds.pending_digests(app) if not args.json else []
    zone = app.settings.tz
    if args.json:
        clitools.print_json_lines([_delivery_json(d) for d in rows])
        return clitools.EXIT_OK
    clitools.print_table(
        ["id", "status", "kind", "watchlist", "target", "tries", "created", "title / error"],
        [
            (
                d.id,
                d.status,
                d.kind,
                d.watchlist or "",
                d.target,
                d.attempts,
                clitools.when(d.created_at, zone),
                (d.last_error or d.title) or "",
            )
            for d in rows
        ],
    )
    if digests and args.status in (None, "pending"):
        for line in ["pending digests:", *digestcmds.digest_lines(digests, app)]:
            clitools.say(line)
    return clitools.EXIT_OK


def _retry_refusal(s: Any, delivery_id: int) -> str:
    """Why `deliveries retry ID` requeued nothing."""
    from alerts import storage as astore
    from alerts.model import DeliveryStatus

    d = astore.get_delivery(s, delivery_id)
    if d is None:
        return f"delivery {delivery_id} does not exist"
    if d.status == DeliveryStatus.SENT:
        when = f" at {d.sent_at:%Y-%m-%d %H:%M} UTC" if d.sent_at else ""
        return (
            f"delivery {delivery_id} was already sent{when}; "
            "use --force to send it again (its reader gets a duplicate)"
        )
    return f"delivery {delivery_id} is still pending (next try {clitools.iso(d.next_attempt_at)})"


def _delivery_json(d: Any) -> dict[str, Any]:
    return {
        "id": d.id,
        "status": d.status,
        "kind": d.kind,
        "watchlist": d.watchlist,
        "notifier": d.notifier,
        "target": d.target,
        "attempts": d.attempts,
        "article_id": d.article_id,
        "title": d.title,
        "created_at": clitools.iso(d.created_at),
        "next_attempt_at": clitools.iso(d.next_attempt_at),
        "sent_at": clitools.iso(d.sent_at),
        "last_error": d.last_error,
    }


def cmd_stories(args: argparse.Namespace) -> int:
    from alerts import storage as astore

    with clitools.opened_app(args) as app:
        since = app.clock() - timedelta(seconds=args.since) if args.since else None
        with app.store.read() as s:
            stories = astore.list_stories(s, since, args.limit)
    zone = app.settings.tz
    if args.json:
        clitools.print_json_lines(
            [
                {
                    "story": st.id,
                    "title": st.title,
                    "first_seen": clitools.iso(st.first_seen),
                    "last_seen": clitools.iso(st.last_seen),
                    "outlets": list(st.outlets),
                    "names": list(st.names),
                    "articles": [
                        {"id": a, "title": t, "url": link, "feed": feed}
                        for a, t, link, feed in st.articles
                    ],
                }
                for st in stories
            ]
        )
        return clitools.EXIT_OK
    from newswatch.output import plural

    for st in stories:
        names = f" [{', '.join(st.names)}]" if st.names else ""
        clitools.say(f"story {st.id}: {st.title[:90]}{names}")
        clitools.say(
            f"  {clitools.when(st.first_seen, zone)} .. {clitools.when(st.last_seen, zone)}, "
            f"{plural(len(st.articles), 'report')} from {plural(len(st.outlets), 'outlet')}"
        )
        for _, title, _, feed in st.articles:
            clitools.say(f"    {feed}: {title[:80]}")
    return clitools.EXIT_OK
