"""Hits and deliveries are written in bulk, on both backends, once each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from alerts import storage as astore
from alerts.model import Hit
from ingest import storage as istore
from ingest.db import make_engine, make_sessions
from ingest.model import ParsedEntry
from ingest.poller import PollSettings
from newswatch.migrate import upgrade

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield make_sessions(engine)
    engine.dispose()


def articles(sessions: sessionmaker[Session], n: int) -> list[int]:
    with sessions.begin() as s:
        istore.sync_feeds(s, [istore.FeedSpec("f", "https://e.org/f.xml", 300)], T0)
        (feed,) = istore.claim_due(s, T0, lease_s=PollSettings().lease_s, owner="t", limit=1)
        entries = [ParsedEntry(f"e{i}", f"t{i}", None, "", "", T0, None) for i in range(n)]
        istore.add_articles(s, feed.id, entries, T0, alert_cutoff=None)
        return [a.id for a in istore.articles_after(s, 0, n)]


def hit(article: int, name: str = "Ales Bialiatski") -> astore.NewHit:
    return astore.NewHit("w", article, Hit(name, name, "title", f"… {name} …", 2, 17, "exact"))


def delivery(article: int, key: str | None = None) -> astore.NewDelivery:
    return astore.NewDelivery(
        key or f"instant:w:{article}:team", "instant", "team", "team", T0, "w", article
    )


# hits to add in one call (article index, name), then in a second call; new in each call
HIT_CASES = [
    ("many articles in one call", [(i, "A") for i in range(600)], [], 600, 0),
    ("repeats within a call count once", [(0, "A"), (0, "A"), (0, "B")], [], 2, 0),
    ("stored hits are not added again", [(0, "A"), (1, "A")], [(1, "A"), (2, "A")], 2, 1),
]


@pytest.mark.parametrize(
    ("first", "second", "new_first", "new_second"),
    [c[1:] for c in HIT_CASES],
    ids=[c[0] for c in HIT_CASES],
)
def test_add_hits_in_bulk(
    sessions: sessionmaker[Session],
    first: list[tuple[int, str]],
    second: list[tuple[int, str]],
    new_first: int,
    new_second: int,
) -> None:
    ids = articles(sessions, 600)
    with sessions.begin() as s:
        assert astore.add_hits(s, [hit(ids[i], n) for i, n in first], T0) == new_first
    with sessions.begin() as s:
        assert astore.add_hits(s, [hit(ids[i], n) for i, n in second], T0) == new_second
    with sessions() as s:
        stored = astore.list_hits(s)
    assert len(stored) == new_first + new_second
    one = next(h for h in stored if h.article_id == ids[first[0][0]])
    assert (one.watchlist, one.field, one.snippet, one.reason) == (
        "w",
        "title",
        f"… {one.name} …",
        "exact",
    )


def test_enqueue_in_bulk_once_per_key(sessions: sessionmaker[Session]) -> None:
    ids = articles(sessions, 600)
    with sessions.begin() as s:
        batch = [delivery(a) for a in ids] + [delivery(ids[0])]  # one key twice
        assert astore.enqueue(s, batch, T0) == 600
        # Visible at once in the same transaction, so a second call in it adds nothing.
        assert astore.enqueue(s, [delivery(ids[0]), delivery(ids[1], "other")], T0) == 1
    with sessions() as s:
        pending = astore.list_deliveries(s)
    assert len(pending) == 601
    assert {d.status for d in pending} == {"pending"}
