"""The poller on loopback: politeness (conditional GET, max-age, TTL, jitter) reaches storage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import free_port
from sqlalchemy import update

from ingest import storage
from ingest.db import Base, make_engine, make_sessions
from ingest.errors import StoreError
from ingest.outcomes import ErrorKind
from ingest.poller import Poller, PollSettings
from ingest.storage.store import IngestStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ITEMS = [Item(f"i{k}", f"Title {k}", "text", published=NOW - timedelta(hours=k)) for k in range(3)]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def poller(tmp_path: Path, urls: dict[str, str], **settings: object) -> Poller:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        storage.sync_feeds(s, [storage.FeedSpec(n, u, 900.0) for n, u in urls.items()], NOW)
    return Poller(
        IngestStore(engine),
        lambda: NOW,
        owner="t",
        settings=PollSettings(**settings),  # type: ignore[arg-type]
    )


def statuses(p: Poller) -> dict[str, storage.FeedStatus]:
    with p.store.read() as s:
        return {f.name: f for f in storage.feed_statuses(s, NOW)}


def test_second_poll_is_conditional_and_skips_unchanged(server: FeedServer, tmp_path: Path) -> None:
    server.route("/etag", body=rss(ITEMS), etag='"v1"')
    server.route("/plain", body=rss(ITEMS))  # ignores validators: same body every time
    p = poller(tmp_path, {"etag": server.url("/etag"), "plain": server.url("/plain")})
    first = p.poll(force=True)
    assert (first.ok, first.new_articles) == (2, 6)
    second = p.poll(force=True)
    assert (second.not_modified, second.unchanged, second.new_articles) == (1, 1, 0)
    assert server.requests[-1].headers.get("If-None-Match") == '"v1"' or any(
        r.headers.get("If-None-Match") == '"v1"' for r in server.requests if r.path == "/etag"
    )
    assert statuses(p)["etag"].status == "not modified"
    # A body that changed only outside its items (a new build date) is not parsed again.
    server.route("/plain", body=rss(ITEMS, extra="<lastBuildDate>now</lastBuildDate>"))
    third = p.poll(force=True)
    assert (third.unchanged, third.new_articles) == (1, 0)
    server.route("/plain", body=rss([Item("new", "Fresh", "n"), *ITEMS]))
    fourth = p.poll(force=True)
    assert (fourth.ok, fourth.new_articles) == (1, 1)
    p.close()


@pytest.mark.parametrize(
    ("headers", "extra", "respect_ttl", "at_least_s", "at_most_s"),
    [
        ({}, "", False, 900 * 0.9, 900 * 1.1),  # the interval, jittered
        ({"Cache-Control": "max-age=7200"}, "", False, 7200 * 0.9, 7200 * 1.1),
        ({}, "<ttl>180</ttl>", False, 900 * 0.9, 900 * 1.1),  # ttl ignored unless asked
        ({}, "<ttl>180</ttl>", True, 10800 * 0.9, 10800 * 1.1),
    ],
)
def test_next_check_honours_server_hints(
    server: FeedServer,
    tmp_path: Path,
    headers: dict[str, str],
    extra: str,
    respect_ttl: bool,
    at_least_s: float,
    at_most_s: float,
) -> None:
    server.route("/f", body=rss(ITEMS, extra=extra), headers=headers)
    p = poller(tmp_path, {"f": server.url("/f")}, respect_ttl=respect_ttl)
    p.poll(force=True)
    due = statuses(p)["f"].next_check_at
    assert NOW + timedelta(seconds=at_least_s) <= due <= NOW + timedelta(seconds=at_most_s)
    p.close()


def test_many_feeds_batches_and_parse_workers(server: FeedServer, tmp_path: Path) -> None:
    urls = {f"f{i}": server.route(f"/f{i}", body=rss(ITEMS, title=f"F{i}")) for i in range(30)}
    p = poller(tmp_path, urls, batch=7, parse_workers=2)
    report = p.poll(force=True)
    assert (report.feeds, report.ok, report.new_articles) == (30, 30, 90)
    assert all(f.status == "ok" and f.articles == 3 for f in statuses(p).values())
    p.close()


@pytest.mark.parametrize("new", [0, 1, 3])
def test_only_new_items_parse_as_in_the_whole_body(new: int) -> None:
    from ingest.parse import parse_feed, raw_item_fingerprints, scan_items

    old = rss(ITEMS, extra="<ttl>5</ttl>")
    fresh = [Item(f"n{k}", f"Новость {k} <b>x</b>", "<p>html</p>") for k in range(new)]
    body = rss([*fresh, *ITEMS], extra="<ttl>5</ttl>")
    known = raw_item_fingerprints(old)
    assert known is not None
    scan = scan_items(body, known)
    assert scan is not None
    cut = scan[1]
    whole, part = parse_feed(body, {}, "http://x/"), parse_feed(cut, {}, "http://x/")
    assert part.entries == whole.entries[:new]
    assert (part.title, part.ttl_s) == (whole.title, whole.ttl_s)


@pytest.mark.parametrize(
    ("stored", "known"),
    [
        (None, frozenset()),
        ("", frozenset()),
        ("0a1b2c3d4e5f6071 8899aabbccddeeff", frozenset({"0a1b2c3d4e5f6071", "8899aabbccddeeff"})),
        # Written by the release that kept 128-bit prints as a JSON list: still read.
        ('["00112233445566778899aabbccddeeff"]', frozenset({"00112233445566778899aabbccddeeff"})),
    ],
)
def test_stored_fingerprints_decode(stored: str | None, known: frozenset[str]) -> None:
    assert storage.decode_fingerprints(stored) == known
    if stored and not stored.startswith("["):
        assert storage.encode_fingerprints(known) == stored


def test_changed_feed_written_by_an_older_release_parses_in_full(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/f", body=rss(ITEMS))
    p = poller(tmp_path, {"f": server.url("/f")})
    assert p.poll().new_articles == 3
    # As the previous release left the row: 128-bit prints in JSON, none matching.
    with p.store.batch() as s:
        s.execute(
            update(storage.FeedRow).values(
                item_fingerprints='["00112233445566778899aabbccddeeff"]', body_hash="old"
            )
        )
    fresh = Item("n1", "Fresh", "text", published=NOW)
    server.route("/f", body=rss([fresh, *ITEMS]))
    report = p.poll(force=True)
    p.close()
    assert (report.new_articles, report.errors) == (1, 0)


def test_notes_follow_the_feed_as_it_is_now(server: FeedServer, tmp_path: Path) -> None:
    broken = rss(ITEMS).replace(b"</channel>", b"")
    server.route("/bad", body=broken)
    server.redirect("/old", "/new", 301)
    server.route("/new", body=rss(ITEMS))
    p = poller(tmp_path, {"bad": server.url("/bad"), "moved": server.url("/old")})

    def notes() -> dict[str, tuple[str, str | None]]:
        return {n: (f.url, f.note) for n, f in statuses(p).items()}

    p.poll(force=True)
    assert "malformed feed" in (notes()["bad"][1] or "")
    assert notes()["moved"] == (server.url("/new"), f"moved permanently to {server.url('/new')}")
    p.poll(force=True)  # the same bodies again; the moved feed is polled at its new URL
    assert "malformed feed" in (notes()["bad"][1] or "")
    assert notes()["moved"] == (server.url("/new"), f"moved permanently to {server.url('/new')}")
    assert server.hits("/old") == 1
    # Fixed, with one new item: the whole body is parsed, so the fix is seen.
    server.route("/bad", body=rss([Item("n1", "New", "x", published=NOW), *ITEMS]))
    # And moved back to where the config says.
    server.route("/old", body=rss(ITEMS))
    server.redirect("/new", "/old", 301)
    report = p.poll(force=True)
    assert (report.errors, report.new_articles) == (0, 1)
    assert notes() == {"bad": (server.url("/bad"), None), "moved": (server.url("/old"), None)}
    p.close()


def test_a_poll_counts_entries_and_errors_by_kind(server: FeedServer, tmp_path: Path) -> None:
    """What the metrics count a cycle by: entries parsed, and each failure's kind."""
    server.route("/ok", body=rss(ITEMS))
    server.route("/missing", status=404)
    server.route("/broken", status=500)
    server.route("/gone", status=410)
    server.route("/page", body=b"<html><body>No feed here</body></html>")
    server.route("/loop", status=302, headers={"Location": server.url("/loop")})
    server.route("/reset", body=rss(ITEMS), reset_after=10)
    closed = f"http://127.0.0.1:{free_port()}/feed.xml"
    urls = {name: server.url(f"/{name}") for name in ("ok", "missing", "broken", "gone")}
    urls |= {"page": server.url("/page"), "loop": server.url("/loop"), "closed": closed}
    urls["reset"] = server.url("/reset")
    p = poller(tmp_path, urls)
    try:
        report = p.poll(force=True)
    finally:
        p.close()
    assert (report.ok, report.errors, report.entries) == (1, 7, len(ITEMS))
    assert dict(report.error_kinds) == {
        ErrorKind.HTTP_4XX: 1,
        ErrorKind.HTTP_5XX: 1,
        ErrorKind.GONE: 1,
        ErrorKind.PARSE: 1,
        ErrorKind.REDIRECT: 1,
        ErrorKind.CONNECTION: 2,
    }


def test_a_cycle_cut_short_by_the_database_frees_its_leases_on_the_next(
    server: FeedServer, tmp_path: Path
) -> None:
    """The database fails after the feeds were claimed (a read-only switch, a dropped
    connection): nothing of the cycle is recorded. The next cycle, once the database is
    back, polls them at once, not when the production lease (15 minutes) lapses; the
    clock does not move, so only a freed lease lets the due feed be claimed again."""
    server.route("/feed", body=rss(ITEMS))
    p = poller(tmp_path, {"f": server.url("/feed")})
    fail = (
        "CREATE TRIGGER fail_outcome BEFORE UPDATE OF next_check_at ON feeds "
        "BEGIN SELECT RAISE(ABORT, 'injected'); END"
    )
    with p.store.engine.begin() as conn:
        conn.exec_driver_sql(fail)
    with pytest.raises(StoreError, match="injected"):
        p.poll()
    assert statuses(p)["f"].last_success_at is None  # nothing recorded
    with p.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER fail_outcome")
    again = p.poll()  # not forced: the feed must be due and claimable
    assert (again.feeds, again.ok, again.new_articles) == (1, 1, 3)
    p.close()
