"""Ingest's articles as their consumers read them: one object over `ingest.storage`'s
article functions, which structurally implements `alerts.articles.ArticleSource` (ingest
never imports alerts: the protocol is the consumer's, the implementation the owner's)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from ingest import storage
from ingest.db import Tx
from ingest.model import StoredArticle

__all__ = ["StoredArticles"]


class StoredArticles:
    def unprocessed(self, tx: Tx, limit: int) -> list[StoredArticle]:
        return storage.unprocessed_articles(tx, limit)

    def mark_processed(self, tx: Tx, ids: Sequence[int], now: datetime) -> None:
        storage.mark_processed(tx, ids, now)

    def set_langs(self, tx: Tx, langs: Mapping[int, str]) -> None:
        storage.set_langs(tx, dict(langs))

    def unmatched_pages(self, tx: Tx, limit: int) -> list[StoredArticle]:
        return storage.unmatched_pages(tx, limit)

    def mark_pages_matched(self, tx: Tx, ids: Sequence[int], now: datetime) -> None:
        storage.mark_pages_matched(tx, ids, now)

    def by_id(self, tx: Tx, ids: Iterable[int]) -> dict[int, StoredArticle]:
        return storage.articles_by_id(tx, ids)
