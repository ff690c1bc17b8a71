"""What the poller needs of storage: the feed-and-article store, as a protocol.

`ingest.storage.store.IngestStore` implements it over the database; a unit test of the
poller can hand in an in-memory fake. Every operation runs inside a unit of work the
poller opens with `batch()` (`tx` below), so that an outcome and its feed's new articles
commit together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from ingest.db import Tx
from ingest.model import ParsedEntry
from ingest.storage.feeds import DueFeed, FeedOutcome
from ingest.storage.pages import PageJob, PageOutcome

__all__ = ["FeedStore"]


class FeedStore(Protocol):
    def batch(self) -> AbstractContextManager[Tx]:
        """One read-write unit of work, committed when the block ends, undone whole when it
        raises; a database failure comes out as `ingest.errors.StoreError`."""
        ...

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
        """Up to `limit` due feeds (every feed from `after_id` on when `force`), leased
        to `owner` for `lease_s` seconds."""
        ...

    def pushed(self, tx: Tx, feed_ids: list[int], now: datetime) -> set[int]:
        """Those of `feed_ids` whose WebSub hub pushes their updates."""
        ...

    def release_feeds(self, tx: Tx, ids: Sequence[int], owner: str) -> None:
        """Give up `owner`'s leases on these feeds (their outcome was never written)."""
        ...

    def known_identities(self, tx: Tx, feed_id: int, identities: Iterable[str]) -> set[str]:
        """Those of `identities` already stored for the feed."""
        ...

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
        """Store the entries not stored before for the feed; how many were new."""
        ...

    def record_outcomes(
        self, tx: Tx, outcomes: Sequence[tuple[DueFeed, FeedOutcome]], now: datetime
    ) -> None:
        """Write back what each poll decided and release its lease."""
        ...

    def claim_pages(self, tx: Tx, now: datetime, *, lease_s: float, limit: int) -> list[PageJob]:
        """Up to `limit` article pages due to be fetched, leased for `lease_s` seconds."""
        ...

    def record_pages(self, tx: Tx, outcomes: Sequence[PageOutcome]) -> None:
        """Store fetched page texts, or the error and when to try again."""
        ...
