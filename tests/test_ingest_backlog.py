"""One poll takes a bounded number of a feed's new entries, newest first; the rest come later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sqlalchemy import select

from ingest import storage
from ingest.backlog import take
from ingest.db import Base, make_engine, make_sessions
from ingest.model import ParsedEntry
from ingest.poller import Poller, PollSettings
from ingest.storage.store import IngestStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WEEK_AGO = NOW - timedelta(days=7)


def entry(ident: str, hours_ago: float | None) -> ParsedEntry:
    when = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return ParsedEntry(ident, ident, None, "", "", when, None)


# entries as (identity, hours ago or None), the known identities, the limit,
# then the fresh identities taken, the history identities taken, how many are left
CASES = [
    ("all fit", [("a", 1), ("b", 2)], set(), 5, ["a", "b"], [], 0),
    ("newest first", [("old", 30), ("new", 1), ("mid", 5)], set(), 2, ["new", "mid"], [], 1),
    ("undated count as newest", [("d", 1), ("u", None)], set(), 1, ["u"], [], 1),
    ("equal dates keep feed order", [("x", 3), ("y", 3), ("z", 3)], set(), 2, ["x", "y"], [], 1),
    ("known entries are not taken again", [("a", 1), ("b", 2), ("c", 3)], {"a"}, 1, ["b"], [], 1),
    # Catching up: the feed has newer entries stored; what is taken beyond the horizon is history.
    (
        "backlog past the horizon is history",
        [("s", 1), ("w", 24 * 6), ("h", 24 * 9)],
        {"s"},
        5,
        ["w"],
        ["h"],
        0,
    ),
    # Not history: nothing newer from this feed is stored (its first read of the backlog).
    ("old but nothing stored", [("h", 24 * 9)], set(), 5, ["h"], [], 0),
    # Not history: a late entry newer than everything stored is news, however old.
    ("newer than stored", [("s", 24 * 30), ("h", 24 * 9)], {"s"}, 5, ["h"], [], 0),
]


@pytest.mark.parametrize(
    ("entries", "known", "limit", "fresh", "history", "left"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_take(
    entries: list[tuple[str, float | None]],
    known: set[str],
    limit: int,
    fresh: list[str],
    history: list[str],
    left: int,
) -> None:
    got = take([entry(i, h) for i, h in entries], known, limit=limit, history_before=WEEK_AGO)
    assert [e.identity for e in got.fresh] == fresh
    assert [e.identity for e in got.history] == history
    assert got.left == left
    assert ("left for later" in got.reason) == (left > 0)


def test_no_horizon_means_no_history() -> None:
    got = take([entry("s", 1), entry("h", 24 * 90)], {"s"}, limit=5, history_before=None)
    assert ([e.identity for e in got.fresh], got.history) == (["h"], ())


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def test_a_huge_feed_is_read_over_several_polls_newest_first(
    server: FeedServer, tmp_path: Path
) -> None:
    # 2,500 entries an hour apart against the default bound of 1,000 a poll.
    items = [Item(f"e{k}", f"Entry {k}", published=NOW - timedelta(hours=k)) for k in range(2500)]
    server.route("/huge", body=rss(items), etag='"v1"')
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        storage.sync_feeds(s, [storage.FeedSpec("huge", server.url("/huge"), 900.0)], NOW)
    clock = [NOW]
    poller = Poller(IngestStore(engine), lambda: clock[0], owner="t", settings=PollSettings())
    assert poller.settings.max_entries_per_poll == 1000

    def stored() -> dict[str, bool]:
        with sessions() as s:
            rows = s.execute(select(storage.ArticleRow.identity, storage.ArticleRow.alertable))
            return {ident: alertable for ident, alertable in rows}

    taken = []
    for i in range(4):
        # The fourth poll is forced: with the backlog read, the feed is next due at its interval.
        report = poller.poll(force=i == 3)
        taken.append(report.new_articles)
        with sessions() as s:
            (status,) = storage.feed_statuses(s, clock[0])
        # Due again within a minute while entries are left, not after its 15-minute interval.
        clock[0] += timedelta(minutes=1)
        assert (status.error_count, status.last_error) == (0, None)
    assert taken == [1000, 1000, 500, 0]
    assert server.hits("/huge") == 4
    rows = stored()
    assert set(rows) == {f"e{k}" for k in range(2500)}
    # The first poll alerts the week's entries (the backfill rule of a new feed); the
    # backlog read on later polls is history, stored without alerts.
    assert {i for i, alertable in rows.items() if alertable} == {f"e{k}" for k in range(169)}
    # Once the backlog is read, the validators are kept again: the last poll was a 304.
    assert server.requests[-1].headers.get("If-None-Match") == '"v1"'
