"""Ingest's store: the database's units of work (`ingest.db.Store`) with the feed and
article operations the poller calls, so that it implements `ingest.feedstore.FeedStore`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ingest import websub_store
from ingest.db import Store, Tx
from ingest.model import ParsedEntry
from ingest.storage import articles, feeds, pages
from ingest.storage.feeds import DueFeed, FeedOutcome
from ingest.storage.pages import PageJob, PageOutcome

__all__ = ["IngestStore"]


class IngestStore(Store):
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
        return feeds.claim_due(
            tx, now, lease_s=lease_s, owner=owner, limit=limit, force=force, after_id=after_id
        )

    def pushed(self, tx: Tx, feed_ids: list[int], now: datetime) -> set[int]:
        return websub_store.pushed(tx, feed_ids, now)

    def release_feeds(self, tx: Tx, ids: Sequence[int], owner: str) -> None:
        feeds.release_feeds(tx, ids, owner)

    def known_identities(self, tx: Tx, feed_id: int, identities: Iterable[str]) -> set[str]:
        return articles.known_identities(tx, feed_id, identities)

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
        return articles.add_articles(
            tx,
            feed_id,
            entries,
            now,
            alert_cutoff=alert_cutoff,
            undated_alertable=undated_alertable,
            first_poll=first_poll,
            wants_page=wants_page,
        )

    def record_outcomes(
        self, tx: Tx, outcomes: Sequence[tuple[DueFeed, FeedOutcome]], now: datetime
    ) -> None:
        feeds.record_outcomes(tx, outcomes, now)

    def claim_pages(self, tx: Tx, now: datetime, *, lease_s: float, limit: int) -> list[PageJob]:
        return pages.claim_pages(tx, now, lease_s=lease_s, limit=limit)

    def record_pages(self, tx: Tx, outcomes: Sequence[PageOutcome]) -> None:
        pages.record_pages(tx, outcomes)


if TYPE_CHECKING:  # mypy proves the structure here, where a mismatch is the store's bug
    from ingest.feedstore import FeedStore

    def _implements(store: IngestStore) -> FeedStore:
        return store
