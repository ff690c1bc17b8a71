"""Storage on both backends: feed claims and leases, article identity, the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from alerts import storage as astore
from alerts.model import DELIVERY_LEASE_S
from ingest import storage as istore
from ingest.db import make_engine, make_sessions
from ingest.model import ParsedEntry
from ingest.poller import PollSettings
from newswatch.migrate import upgrade

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
FEED_LEASE = PollSettings().lease_s  # production leases: time is passed in, never waited for
LEASE = DELIVERY_LEASE_S


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield make_sessions(engine)
    engine.dispose()


def entry(ident: str, published: datetime | None = T0) -> ParsedEntry:
    return ParsedEntry(ident, f"title {ident}", f"https://e.org/{ident}", "", "", published, None)


def add_feeds(sessions: sessionmaker[Session], n: int) -> None:
    with sessions.begin() as s:
        istore.sync_feeds(
            s, [istore.FeedSpec(f"f{i}", f"https://e.org/{i}.xml", 300) for i in range(n)], T0
        )


def test_due_feeds_are_claimed_once_until_the_lease_expires(
    sessions: sessionmaker[Session],
) -> None:
    add_feeds(sessions, 3)
    with sessions.begin() as s:
        first = istore.claim_due(s, T0, lease_s=FEED_LEASE, owner="a", limit=10)
    with sessions.begin() as s:
        second = istore.claim_due(s, T0, lease_s=FEED_LEASE, owner="b", limit=10)
    with sessions.begin() as s:
        after = istore.claim_due(
            s, T0 + timedelta(seconds=FEED_LEASE + 1), lease_s=FEED_LEASE, owner="b", limit=10
        )
    assert len(first) == 3 and second == [] and len(after) == 3


def test_removed_feeds_are_disabled_not_deleted(sessions: sessionmaker[Session]) -> None:
    add_feeds(sessions, 2)
    with sessions.begin() as s:
        istore.sync_feeds(s, [istore.FeedSpec("f0", "https://e.org/0.xml", 300)], T0)
    with sessions() as s:
        status = {f.name: f.status for f in istore.feed_statuses(s, T0)}
    assert status == {"f0": "new", "f1": "disabled"}


def test_a_gone_feed_removed_and_added_back_starts_afresh(
    sessions: sessionmaker[Session],
) -> None:
    add_feeds(sessions, 1)
    with sessions.begin() as s:
        [feed] = istore.claim_due(s, T0, lease_s=FEED_LEASE, owner="a", limit=1)
        gone = istore.FeedOutcome(
            status="gone", next_check_at=T0 + timedelta(hours=1), error="HTTP 410", note="gone"
        )
        istore.record_outcomes(s, [(feed, gone)], T0)
    spec = istore.FeedSpec("f0", "https://e.org/0.xml", 300)
    with sessions.begin() as s:
        istore.sync_feeds(s, [spec], T0)  # still configured: stays gone
        assert (
            istore.claim_due(s, T0 + timedelta(days=1), lease_s=FEED_LEASE, owner="a", limit=1)
            == []
        )
    with sessions.begin() as s:
        istore.sync_feeds(s, [], T0)  # removed …
    with sessions.begin() as s:
        istore.sync_feeds(s, [spec], T0)  # … and added back
    with sessions.begin() as s:
        [status] = istore.feed_statuses(s, T0)
        assert status.status != "gone" and status.error_count == 0 and status.note is None
        assert len(istore.claim_due(s, T0, lease_s=FEED_LEASE, owner="a", limit=1)) == 1


def test_articles_are_unique_per_feed_and_identity(sessions: sessionmaker[Session]) -> None:
    add_feeds(sessions, 1)
    with sessions.begin() as s:
        [feed] = istore.claim_due(s, T0, lease_s=FEED_LEASE, owner="a", limit=1)
        assert (
            istore.add_articles(
                s, feed.id, [entry("a"), entry("b"), entry("a")], T0, alert_cutoff=None
            )
            == 2
        )
    with sessions.begin() as s:
        assert istore.add_articles(s, feed.id, [entry("a"), entry("c")], T0, alert_cutoff=None) == 1
        assert [a.identity for a in istore.articles_after(s, 0, 10)] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("published", "cutoff", "undated_ok", "alertable"),
    [
        (T0, T0 - timedelta(days=7), True, True),
        (T0 - timedelta(days=8), T0 - timedelta(days=7), True, False),
        (None, T0 - timedelta(days=7), True, True),
        (None, T0, False, False),
        (T0 - timedelta(days=800), None, True, True),
    ],
)
def test_backfill_cutoff_decides_what_alerts(
    sessions: sessionmaker[Session],
    published: datetime | None,
    cutoff: datetime | None,
    undated_ok: bool,
    alertable: bool,
) -> None:
    add_feeds(sessions, 1)
    with sessions.begin() as s:
        [feed] = istore.claim_due(s, T0, lease_s=FEED_LEASE, owner="a", limit=1)
        istore.add_articles(
            s,
            feed.id,
            [entry("x", published)],
            T0,
            alert_cutoff=cutoff,
            undated_alertable=undated_ok,
        )
        [article] = istore.articles_after(s, 0, 10)
    assert article.alertable is alertable


def _outbox(sessions: sessionmaker[Session], n: int) -> list[int]:
    add_feeds(sessions, 1)
    with sessions.begin() as s:
        [feed] = istore.claim_due(s, T0, lease_s=FEED_LEASE, owner="a", limit=1)
        istore.add_articles(s, feed.id, [entry(str(i)) for i in range(n)], T0, alert_cutoff=None)
        ids = [a.id for a in istore.articles_after(s, 0, 100)]
        astore.enqueue(
            s,
            [astore.NewDelivery(f"k{i}", "instant", "team", "team:x", T0, "w", i) for i in ids],
            T0,
        )
    return ids


def test_outbox_enqueue_is_idempotent(sessions: sessionmaker[Session]) -> None:
    ids = _outbox(sessions, 2)
    with sessions.begin() as s:
        again = astore.enqueue(
            s, [astore.NewDelivery(f"k{ids[0]}", "instant", "team", "team:x", T0, "w", ids[0])], T0
        )
        assert again == 0
        assert len(astore.list_deliveries(s)) == 2


def test_a_crashed_senders_lease_expires_and_the_attempt_is_counted(
    sessions: sessionmaker[Session],
) -> None:
    _outbox(sessions, 1)
    with sessions.begin() as s:
        [c] = astore.claim_due(s, T0, lease_s=LEASE, owner="dead", limit=10)
        assert astore.record_attempt(s, c.id, "dead", T0, lease_s=LEASE)
    with sessions.begin() as s:  # still leased
        assert (
            astore.claim_due(s, T0 + timedelta(seconds=10), lease_s=LEASE, owner="b", limit=10)
            == []
        )
    with sessions.begin() as s:
        [again] = astore.claim_due(
            s, T0 + timedelta(seconds=LEASE + 1), lease_s=LEASE, owner="b", limit=10
        )
        assert again.attempts == 1
        assert not astore.record_attempt(s, again.id, "dead", T0)  # the old owner lost it
        assert astore.record_attempt(s, again.id, "b", T0)
        astore.mark_sent(s, again.id, T0)
    with sessions.begin() as s:
        assert (
            astore.claim_due(s, T0 + timedelta(hours=1), lease_s=LEASE, owner="c", limit=10) == []
        )
        [row] = astore.list_deliveries(s, status="sent")
        assert row.attempts == 2


@pytest.mark.parametrize(
    ("attempt_after_s", "started"),
    [(0, True), (LEASE - 1, True), (LEASE, True), (LEASE + 1, False), (LEASE + 3600, False)],
)
def test_an_attempt_starts_only_inside_its_lease(
    sessions: sessionmaker[Session], attempt_after_s: int, started: bool
) -> None:
    _outbox(sessions, 1)
    with sessions.begin() as s:
        [c] = astore.claim_due(s, T0, lease_s=LEASE, owner="a", limit=10)
    at = T0 + timedelta(seconds=attempt_after_s)
    with sessions.begin() as s:
        assert astore.record_attempt(s, c.id, "a", at, lease_s=LEASE) is started


def test_an_attempt_renews_the_lease_so_a_slow_batch_is_not_sent_twice(
    sessions: sessionmaker[Session],
) -> None:
    # A batch claimed at T0; its last row is attempted near the end of the lease, and
    # its send takes a while: the second daemon must not claim it meanwhile.
    _outbox(sessions, 2)
    with sessions.begin() as s:
        claimed = astore.claim_due(s, T0, lease_s=LEASE, owner="a", limit=10)
    late = T0 + timedelta(seconds=LEASE - 1)
    with sessions.begin() as s:
        assert astore.record_attempt(s, claimed[-1].id, "a", late, lease_s=LEASE)
    with sessions.begin() as s:
        stolen = astore.claim_due(
            s, late + timedelta(seconds=5), lease_s=LEASE, owner="b", limit=10
        )
    assert [c.id for c in stolen] == [claimed[0].id]  # the unattempted row only
    with sessions.begin() as s:
        assert not astore.record_attempt(s, claimed[0].id, "a", late + timedelta(seconds=6))


def test_a_retry_holds_back_later_deliveries_to_the_same_target(
    sessions: sessionmaker[Session],
) -> None:
    _outbox(sessions, 3)
    with sessions.begin() as s:
        first, *_ = astore.claim_due(s, T0, lease_s=LEASE, owner="a", limit=1)
        astore.mark_retry(s, first.id, "team:x", "HTTP 500", T0 + timedelta(minutes=5))
    with sessions.begin() as s:
        assert (
            astore.claim_due(s, T0 + timedelta(minutes=1), lease_s=LEASE, owner="a", limit=10) == []
        )
        due = astore.claim_due(s, T0 + timedelta(minutes=5), lease_s=LEASE, owner="a", limit=10)
    assert [d.id for d in due] == sorted(d.id for d in due) and due[0].id == first.id


def test_requeue_failed(sessions: sessionmaker[Session]) -> None:
    _outbox(sessions, 2)
    with sessions.begin() as s:
        for c in astore.claim_due(s, T0, lease_s=LEASE, owner="a", limit=10):
            astore.mark_failed(s, c.id, "gave up")
    with sessions.begin() as s:
        assert astore.requeue(s, T0, delivery_id=None, failed=True) == 2
        assert len(astore.list_deliveries(s, status="pending")) == 2
