"""What matching, story placement and delivery need of storage: alerts' hit-story-outbox
store, as a protocol.

`alerts.storage.store.AlertStore` implements it over the database (its operations are the
storage functions, each taking the unit of work first); a unit test of an orchestrator
can hand in an in-memory fake. Every operation runs inside a unit of work the caller
opens with `batch()` or `read()` (`tx` below): a batch's hits, its deliveries and the
cursor moved past its articles commit together (the outbox).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from alerts.articles import ArticleSource
from alerts.model import DELIVERY_LEASE_S, Cursor, Hit
from alerts.storage.hits import NewHit
from alerts.storage.modes import Foldable
from alerts.storage.outbox import Claimed, NewDelivery
from ingest.db import Tx

__all__ = ["AlertStorage"]


class AlertStorage(Protocol):
    @property
    def articles(self) -> ArticleSource:
        """Ingest's articles, as alerts reads them."""
        ...

    def batch(self) -> AbstractContextManager[Tx]:
        """One read-write unit of work, committed when the block ends, undone whole when it
        raises; a database failure comes out as `alerts.errors.StoreError`."""
        ...

    def read(self) -> AbstractContextManager[Tx]:
        """A unit of work for queries."""
        ...

    # --- cursors ----------------------------------------------------------------------

    def position(self, tx: Tx, cursor: Cursor) -> int:
        """How far `cursor` has read (an article id, or a page text's `page_seq`)."""
        ...

    def advance(self, tx: Tx, cursor: Cursor, to: int) -> None:
        """Move `cursor` on to `to`; never back."""
        ...

    # --- hits -------------------------------------------------------------------------

    def serialize_matching(self, tx: Tx) -> None:
        """Hold the matching lock until `tx` ends (hits are stamped in commit order)."""
        ...

    def existing_hit_keys(self, tx: Tx, article_ids: Sequence[int]) -> set[tuple[str, int, str]]:
        """(watchlist, article id, name) of the hits stored for these articles."""
        ...

    def add_hits(self, tx: Tx, hits: Iterable[NewHit], now: datetime) -> int:
        """Store the hits not stored yet; how many were new."""
        ...

    def hits_for_article(self, tx: Tx, watchlist: str, article_id: int) -> list[Hit]:
        """An article's hits for one watchlist, in the order they were found."""
        ...

    # --- stories ----------------------------------------------------------------------

    def story_of(self, tx: Tx, article_id: int) -> int | None:
        """The story an article was placed in, if any."""
        ...

    def create_story(self, tx: Tx, article_id: int, title: str, now: datetime) -> int:
        """A new story opened by this article; its id."""
        ...

    def assign_story(
        self, tx: Tx, article_id: int, story_id: int, reason: str, now: datetime
    ) -> None:
        """Place the article in the story, saying why."""
        ...

    def names_alerted_in_story(
        self, tx: Tx, watchlist: str, story_id: int, exclude_article: int
    ) -> set[str]:
        """Names of `watchlist` already hit by another alertable article of the story."""
        ...

    def story_outlets(self, tx: Tx, story_id: int) -> list[str]:
        """The feeds that carried the story, in order of their first report."""
        ...

    # --- the outbox -------------------------------------------------------------------

    def enqueue(self, tx: Tx, deliveries: Iterable[NewDelivery], now: datetime) -> int:
        """Queue the deliveries not queued yet (by dedupe key); how many were new."""
        ...

    def claim_due(
        self, tx: Tx, now: datetime, *, lease_s: float, owner: str, limit: int
    ) -> list[Claimed]:
        """Pending deliveries due now, leased to `owner`."""
        ...

    def record_attempt(
        self,
        tx: Tx,
        delivery_id: int,
        owner: str,
        now: datetime,
        *,
        lease_s: float = DELIVERY_LEASE_S,
    ) -> bool:
        """Count an attempt before sending and renew its lease; False when the lease was
        lost to another daemon or ran out (then it is not sent)."""
        ...

    def mark_sent(self, tx: Tx, delivery_id: int, now: datetime) -> None: ...

    def mark_retry(
        self,
        tx: Tx,
        delivery_id: int,
        target_key: str,
        error: str,
        retry_at: datetime,
        *,
        hold_later: bool = True,
    ) -> None: ...

    def mark_failed(self, tx: Tx, delivery_id: int, error: str) -> None: ...

    def release(self, tx: Tx, ids: Sequence[int]) -> None:
        """Give up the leases of deliveries claimed but not attempted."""
        ...

    # --- digests, quiet hours and rate limits -----------------------------------------

    def start_digest_state(self, tx: Tx, watchlist: str, target_key: str, now: datetime) -> None:
        """A digest's periods start now unless they started before."""
        ...

    def digest_state(self, tx: Tx, watchlist: str, target_key: str) -> datetime | None:
        """Where the last digest period ended."""
        ...

    def advance_digest_state(
        self, tx: Tx, watchlist: str, target_key: str, last_end: datetime, end: datetime
    ) -> bool:
        """Move the period's end from `last_end` to `end`; False if another daemon did."""
        ...

    def digest_exists(self, tx: Tx, dedupe_key: str) -> bool: ...

    def has_hits_between(self, tx: Tx, watchlist: str, start: datetime, end: datetime) -> bool:
        """Whether alertable hits were stored in (start, end]."""
        ...

    def hits_between(
        self, tx: Tx, watchlist: str, start: datetime, end: datetime
    ) -> list[tuple[int, Hit]]:
        """(article id, hit) of the alertable hits stored in (start, end]."""
        ...

    def foldable(
        self, tx: Tx, now: datetime, watchlists: Sequence[str], target_keys: Sequence[str]
    ) -> list[Foldable]:
        """Pending alerts never attempted, which quiet hours or a rate limit may hold."""
        ...

    def instant_used(self, tx: Tx, target_key: str, since: datetime, now: datetime) -> int:
        """Instant alerts to the target that count against its rate limit since `since`."""
        ...

    def open_digest(self, tx: Tx, dedupe_key: str) -> int | None:
        """The pending digest that held alerts join, if one is open."""
        ...

    def hold(self, tx: Tx, ids: Sequence[int], digest_id: int) -> None:
        """Fold these alerts into the digest."""
        ...

    def held_in(self, tx: Tx, digest_id: int) -> list[tuple[str, int]]:
        """(watchlist, article id) of the alerts a digest holds."""
        ...

    def mark_held_sent(self, tx: Tx, digest_id: int, now: datetime) -> None:
        """The digest went out: so did the alerts it held."""
        ...
