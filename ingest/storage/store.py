"""Ingest's store: the database's units of work (`ingest.db.Store`) with the feed and
article operations the poller calls, so that it implements `ingest.feedstore.FeedStore`.

The operations are the storage functions themselves (each takes the unit of work first),
not wrappers that would repeat every signature a third time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest import websub_store
from ingest.db import Store
from ingest.storage import articles, feeds, pages

__all__ = ["IngestStore"]


class IngestStore(Store):
    claim_due = staticmethod(feeds.claim_due)
    pushed = staticmethod(websub_store.pushed)
    release_feeds = staticmethod(feeds.release_feeds)
    known_identities = staticmethod(articles.known_identities)
    add_articles = staticmethod(articles.add_articles)
    record_outcomes = staticmethod(feeds.record_outcomes)
    claim_pages = staticmethod(pages.claim_pages)
    record_pages = staticmethod(pages.record_pages)


if TYPE_CHECKING:  # mypy proves the structure here, where a mismatch is the store's bug
    from ingest.feedstore import FeedStore

    def _implements(store: IngestStore) -> FeedStore:
        return store
