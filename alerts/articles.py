"""What alerts reads and marks of the articles ingest stores: a narrow protocol of its own.

The pipeline, full-text matching and delivery reach articles only through this; ingest's
`ingest.articles.StoredArticles` implements it over ingest's tables, and a test can hand
in a fake. Each call runs inside the caller's unit of work (`tx`), so that reading a batch,
storing its hits and marking it processed commit together (the outbox).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from ingest.db import Tx
from ingest.model import StoredArticle

__all__ = ["ArticleSource"]


class ArticleSource(Protocol):
    def unprocessed(self, tx: Tx, limit: int) -> list[StoredArticle]:
        """Up to `limit` articles not matched yet, oldest first; on a database shared by
        several daemons, none that another one's open batch holds."""
        ...

    def mark_processed(self, tx: Tx, ids: Sequence[int], now: datetime) -> None:
        """These articles are matched: `unprocessed` never returns them again."""
        ...

    def set_langs(self, tx: Tx, langs: Mapping[int, str]) -> None:
        """The language detected in each article's text (article id -> ISO 639 code)."""
        ...

    def unmatched_pages(self, tx: Tx, limit: int) -> list[StoredArticle]:
        """Articles whose page text arrived after their feed text was matched."""
        ...

    def mark_pages_matched(self, tx: Tx, ids: Sequence[int], now: datetime) -> None:
        """These articles' page texts are matched."""
        ...

    def by_id(self, tx: Tx, ids: Iterable[int]) -> dict[int, StoredArticle]:
        """The articles still stored among `ids`, by id."""
        ...
