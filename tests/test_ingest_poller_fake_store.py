"""The poller needs of storage only the FeedStore protocol: an in-memory store stands in
for the database, and a cycle against it claims, fetches (from a loopback server),
stores and records exactly as it does against the real one."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from feedgen import Item, rss
from feedserver import FeedServer

from ingest.db import Tx
from ingest.feedstore import FeedStore
from ingest.fetch import FetchLimits
from ingest.model import ParsedEntry
from ingest.outcomes import PollStatus
from ingest.poller import Poller, PollSettings
from ingest.storage.feeds import DueFeed, FeedOutcome
from ingest.storage.pages import PageJob, PageOutcome
from ingest.storage.store import IngestStore

NOW = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)


@dataclass
class MemoryStore:
    """Feeds and articles in dicts; every unit of work is counted, none is a database's."""

    feeds: list[DueFeed]
    articles: dict[int, list[ParsedEntry]] = field(default_factory=dict)
    outcomes: dict[int, FeedOutcome] = field(default_factory=dict)
    leased: set[int] = field(default_factory=set)
    batches: int = 0

    @contextmanager
    def batch(self) -> Iterator[Tx]:
        self.batches += 1
        yield None  # type: ignore[misc]  # the fake's operations ignore the unit of work

    def claim_due(
        self,
        tx: Tx,
        now: datetime,
        *,
        lease_s: float,
        owner: str,
        limit: int,
        force: bool = False,
        after_id: int | None = None,
    ) -> list[DueFeed]:
        due = [
            f
            for f in self.feeds
            if f.id not in self.leased
            and f.id not in self.outcomes
            and (after_id is None or f.id > after_id)
        ][:limit]
        self.leased.update(f.id for f in due)
        return due

    def pushed(self, tx: Tx, feed_ids: list[int], now: datetime) -> set[int]:
        return set()

    def release_feeds(self, tx: Tx, ids: Sequence[int], owner: str) -> None:
        self.leased.difference_update(ids)

    def known_identities(self, tx: Tx, feed_id: int, identities: Iterable[str]) -> set[str]:
        stored = {e.identity for e in self.articles.get(feed_id, [])}
        return stored & set(identities)

    def add_articles(
        self,
        tx: Tx,
        feed_id: int,
        entries: Sequence[ParsedEntry],
        now: datetime,
        *,
        alert_cutoff: datetime | None,
        undated_alertable: bool = True,
        first_poll: bool = False,
        wants_page: Callable[[ParsedEntry], bool] | None = None,
    ) -> int:
        stored = self.articles.setdefault(feed_id, [])
        known = {e.identity for e in stored}
        new = [e for e in entries if e.identity not in known]
        stored.extend(new)
        return len(new)

    def record_outcomes(
        self, tx: Tx, outcomes: Sequence[tuple[DueFeed, FeedOutcome]], now: datetime
    ) -> None:
        for feed, outcome in outcomes:
            self.outcomes[feed.id] = outcome
            self.leased.discard(feed.id)

    def claim_pages(self, tx: Tx, now: datetime, *, lease_s: float, limit: int) -> list[PageJob]:
        return []

    def record_pages(self, tx: Tx, outcomes: Sequence[PageOutcome]) -> None:
        pass


def due(feed_id: int, url: str) -> DueFeed:
    return DueFeed(
        feed_id, f"feed {feed_id}", url, None, None, None, None, 900.0, 0, None, True, url, None
    )


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def _operations(cls: type) -> dict[str, list[str]]:
    """Each operation's parameters after the unit of work, as a caller passes them (the
    store's operations are its storage functions, whose first parameter is the session)."""
    out = {}
    for name in dir(FeedStore):
        if name.startswith("_") or not callable(getattr(FeedStore, name)):
            continue
        params = list(inspect.signature(getattr(cls, name)).parameters)
        if params and params[0] == "self":
            params = params[1:]
        out[name] = params[1:] if name != "batch" else params
    return out


@pytest.mark.parametrize("store", [IngestStore, MemoryStore])
def test_a_store_has_every_operation_of_the_protocol_with_its_parameters(store: type) -> None:
    wanted = _operations(FeedStore)
    assert wanted.keys() >= {"batch", "claim_due", "add_articles", "record_outcomes"}
    assert _operations(store) == wanted


def test_a_cycle_against_a_memory_store(server: FeedServer) -> None:
    items = [Item(f"g{i}", f"Story {i}", "…", f"http://e.org/{i}") for i in range(3)]
    server.route("/ok.xml", body=rss(items))
    server.route("/gone.xml", status=410)
    store = MemoryStore([due(1, server.url("/ok.xml")), due(2, server.url("/gone.xml"))])
    poller = Poller(store, lambda: NOW, owner="t", limits=FetchLimits(), settings=PollSettings())
    try:
        report = poller.poll()
    finally:
        poller.close()
    assert (report.feeds, report.ok, report.errors, report.new_articles) == (2, 1, 1, 3)
    assert [e.title for e in store.articles[1]] == ["Story 0", "Story 1", "Story 2"]
    assert store.outcomes[1].status == PollStatus.OK
    assert store.outcomes[2].status == PollStatus.GONE
    assert store.leased == set()
