"""What alerts reads and marks of the articles ingest stores: a narrow protocol of its own.

The pipeline, full-text matching and delivery reach articles only through this; ingest's
`ingest.articles.StoredArticles` implements it over ingest's tables, and a test can hand
in a fake. Each call runs inside the caller's unit of work (`tx`), so that reading a batch,
storing its hits and marking it processed commit together (the outbox).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from ingest.db import Tx
from ingest.model import StoredArticle

__all__ = ["ArticleSource"]


class ArticleSource(Protocol):
    def after(self, tx: Tx, position: int, limit: int) -> list[StoredArticle]:
        """Up to `limit` articles stored after `position` (an article id), in ascending
        id order. Ids become visible in that order, so the caller's cursor, the last id
        it read, misses none."""
        ...

    def set_langs(self, tx: Tx, langs: Mapping[int, str]) -> None:
        """The language detected in each article's text (article id -> ISO 639 code)."""
        ...

    def pages_after(self, tx: Tx, position: int, through: int, limit: int) -> list[StoredArticle]:
        """Up to `limit` articles whose page text was stored after `position` (a
        `page_seq`, ascending), among the articles up to id `through` (those already
        read; a text stored before its article was read is matched with the article)."""
        ...

    def by_id(self, tx: Tx, ids: Iterable[int]) -> dict[int, StoredArticle]:
        """The articles still stored among `ids`, by id."""
        ...
