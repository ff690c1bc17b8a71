"""Alerts keeps its own processing cursors: the last article id and the last page text
it matched. Ingest makes both positions visible in ascending order, so one number each
says what alerts has read; nothing of alerts' progress lives in ingest's tables. Run
against SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, MetaData, insert, inspect, select, text
from sqlalchemy.orm import Session

from alerts import storage as astore
from alerts.matching import WatchName
from alerts.model import AlertPolicy, Cursor, Target, Watchlist
from alerts.pipeline import WatchlistMatcher, process_batch
from alerts.storage.store import AlertStore
from ingest import storage as istore
from ingest.db import make_engine, make_sessions
from ingest.model import ParsedEntry
from ingest.poller import PollSettings
from newswatch.migrate import upgrade

T0 = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)
LEASE_S = PollSettings().lease_s  # the production lease
DESK = Target("desk", "json://127.0.0.1:9/desk")
POLICY = AlertPolicy(
    (Watchlist("people", (WatchName("Radu Ionescu-Vlad", "Radu Ionescu-Vlad"),), (DESK,)),)
)


def entries(*titles: str) -> list[ParsedEntry]:
    return [
        ParsedEntry(f"{t}-{i}", t, f"https://e.org/{i}", "", "", T0, None)
        for i, t in enumerate(titles)
    ]


def feed_id(alert_store: AlertStore, name: str = "f") -> int:
    with alert_store.batch() as s:
        istore.sync_feeds(s, [istore.FeedSpec(name, f"https://e.org/{name}.xml", 300)], T0)
        (feed,) = istore.claim_due(s, T0, lease_s=LEASE_S, owner="t", limit=1)
        return feed.id


def add(alert_store: AlertStore, feed: int, *titles: str) -> list[int]:
    with alert_store.batch() as s:
        before = istore.articles_after(s, 0, 10_000)
        istore.add_articles(s, feed, entries(*titles), T0, alert_cutoff=None)
        known = {a.id for a in before}
        return [a.id for a in istore.articles_after(s, 0, 10_000) if a.id not in known]


def match(alert_store: AlertStore) -> int:
    with alert_store.batch() as s:
        report = process_batch(
            s, POLICY, WatchlistMatcher(POLICY.watchlists), T0, store=alert_store
        )
    return report.articles


def test_a_batch_reads_after_the_cursor_and_moves_it_to_its_last_article(
    alert_store: AlertStore,
) -> None:
    feed = feed_id(alert_store)
    first = add(alert_store, feed, "Radu Ionescu-Vlad in Iași", "Rain in Cluj")
    assert match(alert_store) == 2
    with alert_store.read() as s:
        assert astore.cursor_position(s, Cursor.ARTICLES) == first[-1]
        assert not istore.any_after(s, first[-1])
    later = add(alert_store, feed, "Radu Ionescu-Vlad in Brașov")
    with alert_store.read() as s:
        assert istore.any_after(s, first[-1])
    assert match(alert_store) == 1  # only the new one: nothing is read twice
    assert match(alert_store) == 0
    with alert_store.read() as s:
        assert astore.cursor_position(s, Cursor.ARTICLES) == later[-1]
        assert sorted(h.article_id for h in astore.list_hits(s)) == [first[0], later[0]]


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ([5], 5),
        ([5, 9], 9),
        ([9, 5], 9),  # a batch repeated after a crash never moves it back
        ([], 0),
    ],
)
def test_a_cursor_only_moves_forward(
    alert_store: AlertStore, moves: list[int], expected: int
) -> None:
    with alert_store.batch() as s:
        for to in moves:
            astore.advance_cursor(s, Cursor.PAGES, to)
    with alert_store.read() as s:
        assert astore.cursor_position(s, Cursor.PAGES) == expected
        assert astore.cursor_position(s, Cursor.ARTICLES) == 0  # each cursor its own


def test_a_cursor_without_its_row_is_written_on_its_first_move(alert_store: AlertStore) -> None:
    # The migration writes both rows; a schema made otherwise must still move on, or
    # every batch would read the same articles again.
    with alert_store.batch() as s:
        s.execute(text("DELETE FROM alert_cursors"))
    with alert_store.batch() as s:
        assert astore.cursor_position(s, Cursor.ARTICLES) == 0
        astore.advance_cursor(s, Cursor.ARTICLES, 12)
    with alert_store.read() as s:
        assert astore.cursor_position(s, Cursor.ARTICLES) == 12


def test_page_texts_are_numbered_as_stored_and_read_after_the_page_cursor(
    alert_store: AlertStore,
) -> None:
    feed = feed_id(alert_store)
    a, b, c = add(alert_store, feed, "one", "two", "three")
    with alert_store.batch() as s:
        istore.record_pages(s, [istore.PageOutcome(c, text="third's page")])
        istore.record_pages(
            s,
            [
                istore.PageOutcome(a, text="first's page"),
                istore.PageOutcome(b, error="HTTP 500", retry_at=T0 + timedelta(hours=1)),
            ],
        )
    with alert_store.read() as s:
        got = istore.pages_after(s, 0, c, 10)
        assert [(p.id, p.page_seq) for p in got] == [(c, 1), (a, 2)]
        assert [p.id for p in istore.pages_after(s, 1, c, 10)] == [a]
        # Only articles already read: a text stored before its article is read is
        # matched with the article itself.
        assert [p.id for p in istore.pages_after(s, 0, b, 10)] == [a]
        assert istore.any_pages_after(s, 0, a)
        assert not istore.any_pages_after(s, 2, c)


def test_retention_keeps_the_articles_after_alerts_cursor(alert_store: AlertStore) -> None:
    feed = feed_id(alert_store)
    ids = add(alert_store, feed, "one", "two", "three")
    later = T0 + timedelta(days=400)
    with alert_store.read() as s:
        assert istore.delete_articles_before(s, later, through=ids[1]) == ids[:2]
        assert istore.delete_articles_before(s, later, through=0) == []
        assert istore.delete_articles_before(s, T0, through=ids[-1]) == []


def _waiting_for_the_order_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            ).scalar()
        )


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite: one writer
def test_on_postgresql_articles_commit_in_the_order_of_their_ids(alert_store: AlertStore) -> None:
    """Two pollers alert_store articles at once: the second waits for the first to commit, so
    no article ever becomes visible with a smaller id than one a consumer has read."""
    feed_a, feed_b = feed_id(alert_store, "a"), feed_id(alert_store, "b")
    first = alert_store.engine.connect()
    tx = first.begin()
    s1 = Session(bind=first)
    istore.add_articles(s1, feed_a, entries("early"), T0, alert_cutoff=None)
    s1.flush()
    second_done = threading.Event()

    def second() -> None:
        add(alert_store, feed_b, "late")
        second_done.set()

    t = threading.Thread(target=second)
    t.start()
    deadline = datetime.now(UTC) + timedelta(seconds=LEASE_S)
    while not _waiting_for_the_order_lock(alert_store.engine):
        assert datetime.now(UTC) < deadline, "the second writer never queued for the lock"
        assert not second_done.is_set(), "the second writer did not wait for the first"
        second_done.wait(0.01)
    with alert_store.read() as s:
        assert istore.articles_after(s, 0, 10) == []  # neither is visible yet
    tx.commit()
    s1.close()
    first.close()
    t.join()
    assert second_done.is_set()
    with alert_store.read() as s:
        got = istore.articles_after(s, 0, 10)
    assert [a.title for a in got] == ["early", "late"]


def test_the_migration_turns_processed_marks_into_alerts_cursors(db_url: str) -> None:
    """An existing database: its matched and waiting articles, its page texts waiting to
    be matched, and its hits all survive the move to alerts' cursors."""
    engine = make_engine(db_url)
    upgrade(engine, "0009")
    meta = MetaData()
    meta.reflect(bind=engine, only=["feeds", "articles", "hits"])
    arts, hits = meta.tables["articles"], meta.tables["hits"]
    with make_sessions(engine).begin() as s:  # the feeds table is as it was at 0009
        istore.sync_feeds(s, [istore.FeedSpec("f", "https://e.org/f.xml", 300)], T0)
    with engine.begin() as conn:
        fid = conn.execute(select(meta.tables["feeds"].c.id)).scalar_one()
        rows = [
            # (identity, processed, page text, page matched)
            ("m1", True, "matched page", True),
            ("m2", True, "page after matching", False),
            ("w3", False, None, False),
            ("m4", True, None, False),  # matched after a waiting one: read again
            ("w5", False, "page before matching", False),
        ]
        for ident, processed, page, page_matched in rows:
            conn.execute(
                insert(arts).values(
                    feed_id=fid,
                    identity=ident,
                    title=ident,
                    summary="",
                    content="",
                    first_seen=T0,
                    alertable=True,
                    processed_at=T0 if processed else None,
                    page_text=page,
                    page_matched_at=T0 if page_matched else None,
                    page_attempts=0,
                )
            )
        ids = dict(conn.execute(select(arts.c.identity, arts.c.id)).all())
        conn.execute(
            insert(hits).values(
                watchlist="people",
                name="n",
                article_id=ids["m1"],
                matched="n",
                field="title",
                snippet="n",
                snippet_start=0,
                snippet_end=1,
                variant="",
                reason="",
                created_at=T0,
            )
        )
    upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("articles")}
    assert {"processed_at", "page_matched_at"}.isdisjoint(columns)
    alert_store = AlertStore(engine)
    with alert_store.read() as s:
        assert astore.cursor_position(s, Cursor.ARTICLES) == ids["m2"]
        assert astore.cursor_position(s, Cursor.PAGES) == 0
        assert [a.identity for a in istore.articles_after(s, ids["m2"], 10)] == ["w3", "m4", "w5"]
        waiting = istore.pages_after(s, 0, ids["m2"], 10)
        assert [a.identity for a in waiting] == ["m2"]
        assert [h.article_id for h in astore.list_hits(s)] == [ids["m1"]]
    engine.dispose()
