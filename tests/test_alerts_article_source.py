"""Alerts reads ingest's articles only through its own narrow protocol (ArticleSource):
a fake source stands in for ingest's, and the pipeline never reaches past it."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from alerts import storage as astore
from alerts.articles import ArticleSource
from alerts.deliver import Deliverer
from alerts.fulltext import process_pages
from alerts.matching import WatchName
from alerts.model import AlertPolicy, Cursor, Target, Watchlist
from alerts.pipeline import WatchlistMatcher, process_batch
from alerts.render import Message
from alerts.storage.store import AlertStore
from ingest import storage as istore
from ingest.articles import StoredArticles
from ingest.db import Tx, make_engine
from ingest.model import ParsedEntry, StoredArticle
from ingest.poller import PollSettings

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE_S = PollSettings().lease_s  # the production lease
TEAM = Target("team", "json://127.0.0.1:9/hook")
POLICY = AlertPolicy(
    (Watchlist("people", (WatchName("Oksana Hrytsenko", "Oksana Hrytsenko"),), (TEAM,)),)
)
TITLES = ["Oksana Hrytsenko speaks in Lviv", "Weather in Lviv", "Оксана Гриценко в Києві"]


class FakeSource:
    """Articles kept in memory, every call recorded; the database's articles are the
    rows the alerts tables refer to, never read or marked through anything else."""

    def __init__(self, articles: Sequence[StoredArticle], pages: Sequence[StoredArticle] = ()):
        self.articles = list(articles)
        self.pages = list(pages)
        self.calls: list[tuple[str, object]] = []

    def after(self, tx: Tx, position: int, limit: int) -> list[StoredArticle]:
        self.calls.append(("after", (position, limit)))
        return [a for a in self.articles if a.id > position][:limit]

    def set_langs(self, tx: Tx, langs: Mapping[int, str]) -> None:
        self.calls.append(("set_langs", dict(langs)))

    def pages_after(self, tx: Tx, position: int, through: int, limit: int) -> list[StoredArticle]:
        self.calls.append(("pages_after", (position, through, limit)))
        return [p for p in self.pages if (p.page_seq or 0) > position][:limit]

    def by_id(self, tx: Tx, ids: Iterable[int]) -> dict[int, StoredArticle]:
        wanted = set(ids)
        self.calls.append(("by_id", sorted(wanted)))
        return {a.id: a for a in self.articles + self.pages if a.id in wanted}


def stored(alert_store: AlertStore) -> list[StoredArticle]:
    """Articles stored by ingest (the hits' foreign keys need them)."""
    with alert_store.batch() as s:
        istore.sync_feeds(s, [istore.FeedSpec("f", "https://e.org/f.xml", 300)], T0)
        (feed,) = istore.claim_due(s, T0, lease_s=LEASE_S, owner="t", limit=1)
        entries = [ParsedEntry(f"e{i}", t, None, "", "", T0, None) for i, t in enumerate(TITLES)]
        istore.add_articles(s, feed.id, entries, T0, alert_cutoff=None)
        return istore.articles_after(s, 0, 10)


def _operations(cls: type) -> dict[str, list[str]]:
    """Each operation's parameters after the unit of work (ingest's operations are its
    storage functions, whose first parameter is the session)."""
    out = {}
    for name in (n for n in dir(ArticleSource) if not n.startswith("_")):
        params = list(inspect.signature(getattr(cls, name)).parameters)
        out[name] = params[2:] if params[:1] == ["self"] else params[1:]
    return out


@pytest.mark.parametrize("source", [StoredArticles, FakeSource])
def test_a_source_has_every_operation_of_the_protocol(source: type) -> None:
    assert _operations(source) == _operations(ArticleSource)


def test_the_alert_store_reads_ingests_articles_by_default() -> None:
    assert isinstance(AlertStore(make_engine("sqlite://")).articles, StoredArticles)


def test_a_batch_reads_through_its_source_and_moves_its_own_cursor(alert_store: AlertStore) -> None:
    fake = FakeSource(stored(alert_store))
    matcher = WatchlistMatcher(POLICY.watchlists)
    with alert_store.batch() as s:
        report = process_batch(s, POLICY, matcher, T0, store=AlertStore(alert_store.engine, fake))
    first, _weather, cyrillic = fake.articles
    assert (report.articles, report.hits, report.deliveries) == (3, 2, 2)
    assert fake.calls == [("after", (0, 200)), ("set_langs", {})]
    with alert_store.read() as s:
        assert {h.article_id for h in astore.list_hits(s)} == {first.id, cyrillic.id}
        # How far the batch read is alerts' own: ingest's articles carry no mark.
        assert astore.cursor_position(s, Cursor.ARTICLES) == cyrillic.id
    with alert_store.batch() as s:  # the next batch starts after it and finds nothing
        report = process_batch(s, POLICY, matcher, T0, store=AlertStore(alert_store.engine, fake))
    assert report.articles == 0
    assert fake.calls[-2] == ("after", (cyrillic.id, 200))


def test_page_texts_are_read_through_the_source_after_alerts_cursors(
    alert_store: AlertStore,
) -> None:
    _first, weather, cyrillic = stored(alert_store)
    page = replace(weather, page_text="Later that day Oksana Hrytsenko spoke.", page_seq=7)
    fake = FakeSource([], [page])
    custom = AlertStore(alert_store.engine, fake)
    with alert_store.batch() as s:
        custom.advance(s, Cursor.ARTICLES, cyrillic.id)  # the feed texts were matched
        matcher = WatchlistMatcher(POLICY.watchlists)
        report = process_pages(s, POLICY, matcher, T0, store=custom)
    assert (report.articles, report.hits) == (1, 1)
    assert fake.calls == [("pages_after", (0, cyrillic.id, 200))]
    with alert_store.read() as s:
        assert astore.cursor_position(s, Cursor.PAGES) == 7


def test_delivery_renders_the_articles_its_store_reads(alert_store: AlertStore) -> None:
    # The fake's titles are not the stored ones: a message showing them was read through
    # the source, not from ingest's table.
    fake = FakeSource(
        [replace(a, title=f"{a.title} (as the source has it)") for a in stored(alert_store)]
    )
    custom = AlertStore(alert_store.engine, fake)
    with custom.batch() as s:
        process_batch(s, POLICY, WatchlistMatcher(POLICY.watchlists), T0, store=custom)
    sent: list[Message] = []

    def send(url: str, message: Message, *, idempotency_key: str | None, **_: object) -> None:
        sent.append(message)

    report = Deliverer(custom, POLICY, lambda: T0, owner="t", sender=send).run_once()
    assert report.sent == 2
    assert all("(as the source has it)" in m.body for m in sent)
    assert ("by_id", [fake.articles[0].id]) in fake.calls
