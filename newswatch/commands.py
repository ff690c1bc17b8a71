"""The subcommands: each parses its own options and prints its own output."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from alerts import notify, render
from alerts import storage as astore
from alerts.errors import NotifyError
from alerts.matching import Matcher, WatchName
from ingest import storage as istore
from newswatch import cli, feedcmds
from newswatch.durations import format_duration


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    def add(name: str, handler: cli.Command, help_text: str) -> argparse.ArgumentParser:
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
    p.add_argument("--since", type=cli.since_arg, metavar="DURATION", help="e.g. 2d, 12h")
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
    p.add_argument("--since", type=cli.since_arg, default=30 * 86400.0, metavar="DURATION")

    feedcmds.register(add)

    p = add("stories", cmd_stories, "stories: reports of one event grouped across outlets")
    p.add_argument("--since", type=cli.since_arg, metavar="DURATION", help="e.g. 2d, 12h")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true", help="JSON Lines")

    p = add("deliveries", cmd_deliveries, "the delivery outbox")
    p.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--status", choices=["pending", "sent", "failed"])
    p.add_argument("--failed", action="store_true", help="with retry: requeue every failed one")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true", help="JSON Lines")


def cmd_run(args: argparse.Namespace) -> int:
    from newswatch.daemon import run_daemon

    return run_daemon(cli.settings_from(args))


def cmd_poll(args: argparse.Namespace) -> int:
    app = cli.open_app(args)
    try:
        poll = app.poll(force=True)
        matched = app.match()
        sent = app.deliver() if not args.no_deliver else None
    finally:
        app.close()
    print(
        f"polled {poll.feeds} feeds: {poll.ok} updated, {poll.not_modified} not modified, "
        f"{poll.unchanged} unchanged, {poll.errors} failed; {poll.new_articles} new articles"
    )
    print(
        f"matched {matched.articles} articles: {matched.hits} new hits, "
        f"{matched.deliveries} alerts queued"
    )
    if sent is not None:
        print(f"delivered {sent.sent}, retrying {sent.retried}, failed {sent.failed}")
    return cli.EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    settings = cli.settings_from(args)
    problems = 0
    print(f"config {settings.path}: OK")
    print(f"database: {_safe_db_url(settings.database_url)}")
    print(f"feeds ({len(settings.feeds)}):")
    for f in settings.feeds:
        state = "" if f.enabled else " (disabled)"
        print(f"  {f.name}: {f.url} every {format_duration(f.interval_s)}{state}")
    print(f"notifiers ({len(settings.notifiers)}):")
    for n in settings.notifiers:
        for url in n.urls:
            try:
                info = notify.target_info(url)
                print(f"  {n.name}: {info.url_privacy} ({info.body_format})")
            except NotifyError as e:
                problems += 1
                print(f"  {n.name}: {e}", file=sys.stderr)
    print(f"watchlists ({len(settings.watchlists)}):")
    for w in settings.watchlists:
        names = ", ".join(n.name for n in w.names)
        notify_to = ", ".join(w.notify) or "nobody (hits are stored only)"
        print(f"  {w.name} [{w.mode}]: {names} -> {notify_to}")
    return cli.EXIT_USAGE if problems else cli.EXIT_OK


def _safe_db_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable URL)"


def cmd_hits(args: argparse.Namespace) -> int:
    app = cli.open_app(args)
    try:
        since = app.clock() - timedelta(seconds=args.since) if args.since else None
        with app.sessions() as s:
            hits = astore.list_hits(s, watchlist=args.watchlist, since=since, limit=args.limit)
    finally:
        app.close()
    if args.json:
        cli.print_json_lines(
            [
                {
                    "watchlist": h.watchlist,
                    "name": h.name,
                    "matched": h.matched,
                    "url": h.url,
                    "title": h.title,
                    "feed": h.feed,
                    "published": cli.iso(h.published),
                    "first_seen": cli.iso(h.first_seen),
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
        return cli.EXIT_OK
    cli.print_table(
        ["first seen", "watchlist", "name", "matched", "feed", "title"],
        [
            (
                h.first_seen.strftime("%Y-%m-%d %H:%M"),
                h.watchlist,
                h.name,
                h.matched,
                h.feed,
                h.title[:70],
            )
            for h in hits
        ],
    )
    return cli.EXIT_OK


def cmd_feeds(args: argparse.Namespace) -> int:
    app = cli.open_app(args)
    try:
        now = app.clock()
        with app.sessions() as s:
            feeds = istore.feed_statuses(s, now)
    finally:
        app.close()
    if args.json:
        cli.print_json_lines(
            [
                {
                    "name": f.name,
                    "url": f.url,
                    "config_url": f.config_url,
                    "status": f.status,
                    "enabled": f.enabled,
                    "last_check": cli.iso(f.last_checked_at),
                    "last_success": cli.iso(f.last_success_at),
                    "last_error": f.last_error,
                    "error_count": f.error_count,
                    "failing_since": cli.iso(f.failing_since),
                    "next_check": cli.iso(f.next_check_at),
                    "articles": f.articles,
                    "per_day": round(f.per_day, 2),
                    "note": f.note,
                }
                for f in feeds
            ]
        )
        return cli.EXIT_OK
    rows = []
    for f in feeds:
        status = f.status
        if f.failing_since is not None:
            status = f"failing since {f.failing_since:%Y-%m-%d %H:%M}"
        rows.append(
            (
                f.name[:30],
                status,
                f"{f.last_success_at:%Y-%m-%d %H:%M}" if f.last_success_at else "never",
                f.error_count,
                f"{f.next_check_at:%Y-%m-%d %H:%M}",
                f.articles,
                f"{f.per_day:.1f}",
                (f.last_error or f.note or "")[:80],
            )
        )
    cli.print_table(
        ["feed", "status", "last success", "errors", "next check", "articles", "per day", "note"],
        rows,
    )
    return cli.EXIT_OK


def cmd_notify_test(args: argparse.Namespace) -> int:
    settings = cli.settings_from(args)
    notify.register_console()
    chosen = [n for n in settings.notifiers if args.notifier in (None, n.name)]
    if args.notifier and not chosen:
        known = ", ".join(n.name for n in settings.notifiers) or "none"
        raise cli.UsageError(f"no notifier named {args.notifier!r} (known: {known})")
    failed = 0
    for n in chosen:
        for url in n.urls:
            try:
                info = notify.target_info(url)
                notify.send(url, render.render_test(info.body_format))
                print(f"{n.name}: {info.url_privacy}: sent")
            except NotifyError as e:
                failed += 1
                print(f"{n.name}: {e}", file=sys.stderr)
    return cli.EXIT_FAILED if failed else cli.EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from newswatch import migrate
    from newswatch.app import App

    app = App(cli.settings_from(args))
    try:
        if args.action == "upgrade":
            app.open()
        print(f"schema revision: {migrate.current(app.engine)}")
    finally:
        app.close()
    return cli.EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    name = WatchName(key=args.name, name=args.name, variants=not args.no_variants)
    matcher = Matcher.build([name])
    if args.text is None:
        examples = matcher.examples(args.name)
        forms = matcher.forms(args.name)
        print(f"{args.name}: {len(examples)} example spellings, {len(forms)} forms")
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
        return cli.EXIT_OK
    for line in matcher.explain(args.text):
        print(line)
    matches = matcher.match("", args.text)
    print("MATCH" if matches else "NO MATCH")
    return cli.EXIT_OK if matches else cli.EXIT_FAILED


def cmd_rematch(args: argparse.Namespace) -> int:
    from alerts.pipeline import rematch

    app = cli.open_app(args)
    try:
        now = app.clock()
        since = now - timedelta(seconds=args.since)
        with app.sessions.begin() as s:
            articles = istore.articles_since(s, since)
            report = rematch(s, app.policy, app.matcher, articles, now)
        sent = app.deliver()
    finally:
        app.close()
    print(
        f"rematched {report.articles} articles since {since:%Y-%m-%d %H:%M}: "
        f"{report.hits} new hits, {report.deliveries} alerts queued, {sent.sent} delivered"
    )
    return cli.EXIT_OK


def cmd_deliveries(args: argparse.Namespace) -> int:
    app = cli.open_app(args)
    try:
        if args.action == "retry":
            if args.id is None and not args.failed:
                raise cli.UsageError("deliveries retry needs an ID or --failed")
            with app.sessions.begin() as s:
                n = astore.requeue(s, app.clock(), delivery_id=args.id, failed=args.failed)
            print(f"requeued {n} deliveries")
            return cli.EXIT_OK if n else cli.EXIT_FAILED
        with app.sessions() as s:
            rows = astore.list_deliveries(s, status=args.status, limit=args.limit)
    finally:
        app.close()
    if args.json:
        cli.print_json_lines([_delivery_json(d) for d in rows])
        return cli.EXIT_OK
    cli.print_table(
        ["id", "status", "kind", "watchlist", "target", "tries", "created", "title / error"],
        [
            (
                d.id,
                d.status,
                d.kind,
                d.watchlist or "",
                d.target,
                d.attempts,
                f"{d.created_at:%Y-%m-%d %H:%M}",
                ((d.last_error or d.title) or "")[:70],
            )
            for d in rows
        ],
    )
    return cli.EXIT_OK


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
        "created_at": cli.iso(d.created_at),
        "next_attempt_at": cli.iso(d.next_attempt_at),
        "sent_at": cli.iso(d.sent_at),
        "last_error": d.last_error,
    }


def cmd_stories(args: argparse.Namespace) -> int:
    app = cli.open_app(args)
    try:
        since = app.clock() - timedelta(seconds=args.since) if args.since else None
        with app.sessions() as s:
            stories = astore.list_stories(s, since, args.limit)
    finally:
        app.close()
    if args.json:
        cli.print_json_lines(
            [
                {
                    "story": st.id,
                    "title": st.title,
                    "first_seen": cli.iso(st.first_seen),
                    "last_seen": cli.iso(st.last_seen),
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
        return cli.EXIT_OK
    for st in stories:
        names = f" [{', '.join(st.names)}]" if st.names else ""
        print(f"story {st.id}: {st.title[:90]}{names}")
        print(
            f"  {st.first_seen:%Y-%m-%d %H:%M} .. {st.last_seen:%Y-%m-%d %H:%M}, "
            f"{len(st.articles)} reports from {len(st.outlets)} outlets"
        )
        for _, title, _, feed in st.articles:
            print(f"    {feed}: {title[:80]}")
    return cli.EXIT_OK
