"""The poller's article-page pass: which entries get a page, bounded retries on a
clock that is moved rather than slept on, and robots.txt read once per host."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sqlalchemy import select
from test_ingest_pages import ARTICLE

from ingest import storage
from ingest.db import Base, make_engine, make_sessions
from ingest.fulltext import wants_page
from ingest.model import ParsedEntry
from ingest.poller import Poller, PollSettings
from ingest.storage.store import IngestStore

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LONG = " ".join(f"word{i}" for i in range(100))


def entry(summary: str, link: str | None = "http://127.0.0.1:9/a") -> ParsedEntry:
    return ParsedEntry("id", "title", link, summary, "", None, None)


@pytest.mark.parametrize(
    ("mode", "summary", "link", "wanted", "reason"),
    [
        ("auto", "One sentence.", "http://h/a", True, "short (2 words)"),
        ("auto", LONG, "http://h/a", False, "complete (100 words)"),
        ("auto", LONG + " …", "http://h/a", True, "visibly cut"),
        ("auto", LONG + " [&hellip;]", "http://h/a", True, "visibly cut"),
        ("auto", LONG + ' <a href="/a">Read more</a>', "http://h/a", True, "visibly cut"),
        ("auto", LONG + " Читать далее →", "http://h/a", True, "visibly cut"),
        ("auto", LONG + " Чытаць далей", "http://h/a", True, "visibly cut"),
        ("auto", "One sentence.", None, False, "no link"),
        ("always", LONG, "http://h/a", True, "fulltext = always"),
        ("never", "…", "http://h/a", False, "fulltext = never"),
    ],
)
def test_which_entries_get_their_page(
    mode: str, summary: str, link: str | None, wanted: bool, reason: str
) -> None:
    assert wants_page(mode, entry(summary, link)) == (wanted, reason)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def page_rows(p: Poller) -> dict[str, tuple[str | None, int, str | None]]:
    with p.store.read() as s:
        rows = s.execute(
            select(
                storage.ArticleRow.identity,
                storage.ArticleRow.page_state,
                storage.ArticleRow.page_attempts,
                storage.ArticleRow.page_error,
            )
        ).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_a_failing_page_is_retried_a_bounded_number_of_times(
    server: FeedServer, tmp_path: Path
) -> None:
    clock = Clock()
    html = {"Content-Type": "text/html"}
    good = server.route("/good", body=ARTICLE, headers=html)
    flaky = server.route("/flaky", status=503)
    server.route("/feed", body=rss([Item("g", "G", "…", good), Item("f", "F", "…", flaky)]))
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        storage.sync_feeds(s, [storage.FeedSpec("f", server.url("/feed"), 900.0)], START)
    p = Poller(
        IngestStore(engine),
        clock,
        owner="t",
        settings=PollSettings(),
    )
    p.poll(force=True)
    first = p.poll_pages()
    assert (first.read, first.retrying, first.failed) == (1, 1, 0)
    assert page_rows(p)["f"] == ("pending", 1, "HTTP 503")
    # Not due yet: nothing is fetched again.
    assert p.poll_pages().retrying == 0 and server.hits("/flaky") == 1
    clock.now += timedelta(minutes=15)  # the first retry (15 min, doubling)
    assert p.poll_pages().retrying == 1
    clock.now += timedelta(minutes=29)
    assert p.poll_pages().failed == 0 and server.hits("/flaky") == 2
    clock.now += timedelta(minutes=1)
    assert p.poll_pages().failed == 1  # the third try was the last
    clock.now += timedelta(days=1)
    assert p.poll_pages().failed == 0
    p.close()
    assert server.hits("/flaky") == 3
    assert page_rows(p) == {"g": ("done", 1, None), "f": ("failed", 3, "HTTP 503")}
    assert server.hits("/robots.txt") == 1  # one read per host, kept across passes
