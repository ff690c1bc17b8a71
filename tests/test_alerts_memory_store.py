"""Matching and story placement need of storage only the AlertStorage protocol: an
in-memory store stands in for the database, and a batch against it stores the hits,
places the reports of one event into one story and queues one alert per story."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from alerts.alertstore import AlertStorage
from alerts.matching import WatchName
from alerts.model import AlertPolicy, Cursor, Target, Watchlist
from alerts.pipeline import WatchlistMatcher, process_batch
from alerts.storage import NewDelivery, NewHit
from alerts.storage.store import AlertStore
from alerts.stories import StoryGrouper
from ingest.db import Tx
from ingest.model import StoredArticle

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
DESK = Target("desk", "json://127.0.0.1:9/desk")
POLICY = AlertPolicy(
    (Watchlist("people", (WatchName("Ilona Hrybauskienė", "Ilona Hrybauskienė"),), (DESK,)),)
)


def article(i: int, feed: str, title: str, summary: str) -> StoredArticle:
    return StoredArticle(i, i, feed, f"a{i}", title, f"http://e.org/{i}", summary, "", T0, T0)


@dataclass
class Articles:
    waiting: list[StoredArticle]

    def after(self, tx: Tx, position: int, limit: int) -> list[StoredArticle]:
        return [a for a in self.waiting if a.id > position][:limit]

    def set_langs(self, tx: Tx, langs: Mapping[int, str]) -> None:
        pass


@dataclass
class MemoryAlerts:
    """The operations a batch uses, over dicts (the rest of the protocol is delivery's)."""

    articles: Articles
    hits: list[NewHit] = field(default_factory=list)
    outbox: dict[str, NewDelivery] = field(default_factory=dict)
    stories: dict[int, int] = field(default_factory=dict)  # article id -> story id
    feeds: dict[int, str] = field(default_factory=dict)  # article id -> feed name
    cursors: dict[Cursor, int] = field(default_factory=dict)

    @contextmanager
    def batch(self) -> Iterator[Tx]:
        yield None  # type: ignore[misc]  # the fake's operations ignore the unit of work

    def position(self, tx: Tx, cursor: Cursor) -> int:
        return self.cursors.get(cursor, 0)

    def advance(self, tx: Tx, cursor: Cursor, to: int) -> None:
        self.cursors[cursor] = max(to, self.position(tx, cursor))

    def add_hits(self, tx: Tx, hits: Iterable[NewHit], now: datetime) -> int:
        known = {(h.watchlist, h.article_id, h.hit.name) for h in self.hits}
        new = [h for h in hits if (h.watchlist, h.article_id, h.hit.name) not in known]
        self.hits += new
        return len(new)

    def enqueue(self, tx: Tx, deliveries: Iterable[NewDelivery], now: datetime) -> int:
        new = [d for d in deliveries if d.dedupe_key not in self.outbox]
        self.outbox.update((d.dedupe_key, d) for d in new)
        return len(new)

    def story_of(self, tx: Tx, article_id: int) -> int | None:
        return self.stories.get(article_id)

    def create_story(self, tx: Tx, article_id: int, title: str, now: datetime) -> int:
        return len(set(self.stories.values())) + 1

    def assign_story(
        self, tx: Tx, article_id: int, story_id: int, reason: str, now: datetime
    ) -> None:
        self.stories[article_id] = story_id
        self.feeds[article_id] = next(
            a.feed_name for a in self.articles.waiting if a.id == article_id
        )

    def names_alerted_in_story(
        self, tx: Tx, watchlist: str, story_id: int, exclude_article: int
    ) -> set[str]:
        members = {a for a, s in self.stories.items() if s == story_id and a != exclude_article}
        return {
            h.hit.name for h in self.hits if h.watchlist == watchlist and h.article_id in members
        }

    def story_outlets(self, tx: Tx, story_id: int) -> list[str]:
        names = [self.feeds[a] for a, s in sorted(self.stories.items()) if s == story_id]
        return list(dict.fromkeys(names))


def _parameters(cls: type, name: str) -> list[str]:
    params = list(inspect.signature(getattr(cls, name)).parameters)
    return params[1:] if params and params[0] == "self" else params


@pytest.mark.parametrize(
    "name",
    [
        "position",
        "advance",
        "add_hits",
        "enqueue",
        "story_of",
        "create_story",
        "assign_story",
        "names_alerted_in_story",
        "story_outlets",
    ],
)
def test_the_fake_and_the_database_store_take_what_the_protocol_says(name: str) -> None:
    wanted = _parameters(AlertStorage, name)[1:]  # after the unit of work
    assert _parameters(MemoryAlerts, name)[1:] == wanted
    assert _parameters(AlertStore, name)[1:] == wanted


# Two outlets report one event, a third outlet another event naming her; an article
# naming nobody is processed and left alone.
REPORTS = [
    article(1, "LRT English", "Ilona Hrybauskienė elected mayor of Kaunas", "Kaunas council vote"),
    article(2, "Delfi", "Ilona Hrybauskienė elected mayor of Kaunas", "Kaunas council vote result"),
    article(3, "Weather desk", "Storm warning for the coast", "Wind and rain"),
    article(4, "BNS", "Ilona Hrybauskienė opens a bridge in Vilnius", "Bridge over Neris"),
]


def test_a_batch_against_a_memory_store() -> None:
    store = MemoryAlerts(Articles(list(REPORTS)))
    matcher = WatchlistMatcher(POLICY.watchlists)
    report = process_batch(
        None,  # type: ignore[arg-type]  # the unit of work of a store that needs none
        POLICY,
        matcher,
        T0,
        store=store,  # type: ignore[arg-type]  # delivery's operations are not faked
        grouper=StoryGrouper(),
    )
    assert (report.articles, report.hits) == (4, 3)
    assert sorted(h.article_id for h in store.hits) == [1, 2, 4]
    assert store.cursors == {Cursor.ARTICLES: 4}  # every article read, on alerts' cursor
    assert 3 not in store.stories  # nobody watched: not placed, no alert
    # The second report joins the first one's story: its name was alerted there already.
    assert store.stories[2] == store.stories[1] != store.stories[4]
    assert sorted(d.article_id or 0 for d in store.outbox.values()) == [1, 4]
    assert store.story_outlets(None, store.stories[1]) == ["LRT English", "Delfi"]
