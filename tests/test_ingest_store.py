"""Each package's store on SQLite and PostgreSQL: ``batch`` is one transaction, committed
whole or rolled back whole; ``read`` sees what was committed; every database failure
comes out once as the package's own error (a unique-key collision as its conflict), with
the driver's first line as the reason and never the URL's password."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from alerts.errors import AlertsError
from alerts.errors import StoreConflict as AlertsConflict
from alerts.errors import StoreError as AlertsStoreError
from alerts.storage.store import AlertStore
from ingest import storage
from ingest.db import Base, Store
from ingest.errors import IngestError, StoreConflict, StoreError

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SPEC = storage.FeedSpec("Outlet", "http://127.0.0.1:9/feed.xml", 900.0)


@pytest.fixture(params=[Store, AlertStore], ids=["ingest", "alerts"])
def store(request: pytest.FixtureRequest, db_url: str) -> Iterator[Store]:
    opened: Store = request.param.open(db_url)
    Base.metadata.create_all(opened.engine)
    with opened.batch() as tx:
        tx.execute(text("CREATE TABLE once (k INTEGER PRIMARY KEY)"))
    try:
        yield opened
    finally:
        opened.dispose()


def _names(store: Store) -> list[str]:
    with store.read() as tx:
        return [f.name for f in storage.feed_statuses(tx, NOW)]


def test_a_batch_commits_whole(store: Store) -> None:
    with store.batch() as tx:
        storage.sync_feeds(tx, [SPEC], NOW)
    assert _names(store) == ["Outlet"]


def test_a_batch_that_raises_is_rolled_back_whole(store: Store) -> None:
    with pytest.raises(LookupError), store.batch() as tx:
        storage.sync_feeds(tx, [SPEC], NOW)
        raise LookupError("not the database's: passes unchanged")
    assert _names(store) == []


def test_a_unique_key_collision_is_the_packages_conflict(store: Store) -> None:
    with pytest.raises(StoreConflict) as caught, store.batch() as tx:
        tx.execute(text("INSERT INTO once (k) VALUES (1)"))
        tx.execute(text("INSERT INTO once (k) VALUES (1)"))
    expected = (AlertsConflict, AlertsError) if isinstance(store, AlertStore) else (IngestError,)
    assert isinstance(caught.value, expected)
    assert caught.value.__cause__ is not None  # the driver's error, kept as the cause
    assert "\n" not in caught.value.reason and "INSERT" not in caught.value.reason
    with store.read() as tx:
        assert tx.execute(text("SELECT count(*) FROM once")).scalar() == 0


def test_a_failing_statement_is_the_packages_store_error(store: Store) -> None:
    with pytest.raises(StoreError) as caught, store.read() as tx:
        tx.execute(text("SELECT * FROM no_such_table"))
    assert not isinstance(caught.value, StoreConflict)
    if isinstance(store, AlertStore):
        assert isinstance(caught.value, AlertsStoreError)
    assert "no_such_table" in caught.value.reason
    store.ping()  # the store is usable after a failed unit of work


def test_an_unreachable_database_is_a_store_error_without_the_password() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    store = Store.open("postgresql://newswatch:s3cret@127.0.0.1:9/none")
    try:
        with pytest.raises(StoreError) as caught:
            store.ping()
        with pytest.raises(StoreError), store.batch() as tx:
            storage.sync_feeds(tx, [SPEC], NOW)
    finally:
        store.dispose()
    assert "s3cret" not in caught.value.reason and "s3cret" not in store.url
