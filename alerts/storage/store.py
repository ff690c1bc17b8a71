"""Alerts' store: the database's units of work, its failures raised as alerts' errors."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Engine

from alerts.articles import ArticleSource
from alerts.errors import StoreConflict, StoreError
from ingest.articles import StoredArticles
from ingest.db import Store
from ingest.errors import StoreConflict as _IngestConflict
from ingest.errors import StoreError as _IngestStoreError


class AlertStore(Store):
    """The hit-story-outbox store: ``batch`` and ``read`` as ``ingest.db.Store``'s, a
    database failure raised as ``alerts.errors.StoreError`` (``StoreConflict``), and
    ``articles``, what alerts reads of ingest's articles (ingest's own by default)."""

    error: ClassVar[type[_IngestStoreError]] = StoreError
    conflict: ClassVar[type[_IngestConflict]] = StoreConflict

    def __init__(self, engine: Engine, articles: ArticleSource | None = None) -> None:
        super().__init__(engine)
        self.articles: ArticleSource = StoredArticles() if articles is None else articles
