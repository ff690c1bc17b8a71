"""Alerts' store: the database's units of work, its failures raised as alerts' errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import Engine

from alerts.articles import ArticleSource
from alerts.errors import StoreConflict, StoreError
from alerts.storage import cursors, hits, modes, outbox, stories
from ingest.articles import StoredArticles
from ingest.db import Store
from ingest.errors import StoreConflict as _IngestConflict
from ingest.errors import StoreError as _IngestStoreError


class AlertStore(Store):
    """The hit-story-outbox store (`alerts.alertstore.AlertStorage`): ``batch`` and
    ``read`` as ``ingest.db.Store``'s, a database failure raised as
    ``alerts.errors.StoreError`` (``StoreConflict``), ``articles``, what alerts reads of
    ingest's articles (ingest's own by default), and the storage functions as its
    operations (each takes the unit of work first)."""

    error: ClassVar[type[_IngestStoreError]] = StoreError
    conflict: ClassVar[type[_IngestConflict]] = StoreConflict

    position = staticmethod(cursors.position)
    advance = staticmethod(cursors.advance)
    serialize_matching = staticmethod(hits.serialize_matching)
    existing_hit_keys = staticmethod(hits.existing_hit_keys)
    add_hits = staticmethod(hits.add_hits)
    hits_for_article = staticmethod(hits.hits_for_article)
    story_of = staticmethod(stories.story_of)
    create_story = staticmethod(stories.create_story)
    assign_story = staticmethod(stories.assign_story)
    names_alerted_in_story = staticmethod(stories.names_alerted_in_story)
    story_outlets = staticmethod(stories.story_outlets)
    enqueue = staticmethod(outbox.enqueue)
    claim_due = staticmethod(outbox.claim_due)
    record_attempt = staticmethod(outbox.record_attempt)
    mark_sent = staticmethod(outbox.mark_sent)
    mark_retry = staticmethod(outbox.mark_retry)
    mark_failed = staticmethod(outbox.mark_failed)
    release = staticmethod(outbox.release)
    start_digest_state = staticmethod(modes.start_digest_state)
    digest_state = staticmethod(modes.digest_state)
    advance_digest_state = staticmethod(modes.advance_digest_state)
    digest_exists = staticmethod(modes.digest_exists)
    has_hits_between = staticmethod(modes.has_hits_between)
    hits_between = staticmethod(modes.hits_between)
    foldable = staticmethod(modes.foldable)
    instant_used = staticmethod(modes.instant_used)
    open_digest = staticmethod(modes.open_digest)
    hold = staticmethod(modes.hold)
    held_in = staticmethod(modes.held_in)
    mark_held_sent = staticmethod(modes.mark_held_sent)

    def __init__(self, engine: Engine, articles: ArticleSource | None = None) -> None:
        super().__init__(engine)
        self.articles: ArticleSource = StoredArticles() if articles is None else articles


if TYPE_CHECKING:  # mypy proves the structure here, where a mismatch is the store's bug
    from alerts.alertstore import AlertStorage

    def _implements(store: AlertStore) -> AlertStorage:
        return store
