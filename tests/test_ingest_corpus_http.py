"""Every file of the feedparser corpus, served over loopback HTTP and polled in one cycle.

Nothing crashes, every entry the parser finds is stored, and errors stay on their feed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import shared_dir
from feedcorpus import corpus_headers
from feedserver import FeedServer
from sqlalchemy import func, select

from ingest import storage
from ingest.db import make_engine, make_sessions
from ingest.errors import ParseError
from ingest.fetch import FetchLimits
from ingest.parse import parse_feed
from ingest.poller import Poller, PollSettings
from ingest.storage.store import IngestStore
from newswatch.migrate import upgrade

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_whole_corpus_polls_without_crashing_and_stores_every_entry(tmp_path: Path) -> None:
    root = shared_dir("corpus", "feedparser-tests")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE")
    expected: dict[str, int] = {}
    with FeedServer() as server:
        for path in files:
            rel = "/" + path.relative_to(root).as_posix()
            body = path.read_bytes()
            headers = corpus_headers(body)
            status = int(headers.pop("Status", "200"))
            server.route(rel, status=status, body=body, headers=headers)
            url = server.url(rel)
            if status != 200:
                continue
            try:
                parsed = parse_feed(body, headers, url)
            except ParseError:
                expected[url] = 0
            else:
                expected[url] = len({e.identity for e in parsed.entries})

        engine = make_engine(f"sqlite:///{tmp_path / 'corpus.db'}")
        upgrade(engine)
        sessions = make_sessions(engine)
        with sessions.begin() as s:
            storage.sync_feeds(
                s,
                [
                    storage.FeedSpec(p.name, server.url("/" + p.relative_to(root).as_posix()), 900)
                    for p in files
                ],
                NOW,
            )
        poller = Poller(
            IngestStore(engine),
            lambda: NOW,
            owner="corpus",
            limits=FetchLimits(max_redirects=3),
            settings=PollSettings(backfill_s=None),
        )
        report = poller.poll(force=True)

    assert report.feeds == len(files)
    with sessions() as s:
        counts = dict(
            s.execute(
                select(storage.FeedRow.config_url, func.count(storage.ArticleRow.id))
                .outerjoin(storage.ArticleRow, storage.ArticleRow.feed_id == storage.FeedRow.id)
                .group_by(storage.FeedRow.config_url)
            ).all()
        )
        statuses = {f.config_url: f for f in storage.feed_statuses(s, NOW)}
    missing = {u: (n, counts.get(u)) for u, n in expected.items() if counts.get(u) != n}
    assert not missing, list(missing.items())[:10]
    assert sum(expected.values()) > 1000, sum(expected.values())
    # Feeds that failed carry their error, and every feed was checked.
    assert all(f.last_checked_at is not None for f in statuses.values())
    failed = [f for f in statuses.values() if f.status == "failing"]
    assert all(f.last_error for f in failed)
    engine.dispose()
