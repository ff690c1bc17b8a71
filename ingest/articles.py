"""Ingest's articles as their consumers read them: one object over `ingest.storage`'s
article functions, which structurally implements `alerts.articles.ArticleSource` (ingest
never imports alerts: the protocol is the consumer's, the implementation the owner's).

The operations are the storage functions themselves (each takes the unit of work first),
as in `ingest.storage.store.IngestStore`."""

from __future__ import annotations

from ingest.storage import articles, pages

__all__ = ["StoredArticles"]


class StoredArticles:
    after = staticmethod(articles.articles_after)
    set_langs = staticmethod(articles.set_langs)
    pages_after = staticmethod(pages.pages_after)
    by_id = staticmethod(articles.articles_by_id)
