"""Stored feeds and articles: the ORM tables and every query over them, one module per
topic (tables, feeds, articles, pages).

ORM rows stay inside ingest's storage; callers get frozen values from ingest.model.
Functions take a unit of work (`ingest.db.Tx`) so that a caller can compose one
transaction.
"""

from __future__ import annotations

from ingest.model import FeedSpec
from ingest.storage.articles import (
    IDENTITY_MAX,
    IDENTITY_MAX_BYTES,
    add_articles,
    any_after,
    article_headers,
    articles_after,
    articles_by_id,
    articles_since,
    commit_in_order,
    delete_articles_before,
    ids_first_seen_since,
    known_identities,
    purge_articles,
    set_langs,
    stored_identity,
    to_article,
)
from ingest.storage.feeds import (
    DueFeed,
    FeedOutcome,
    FeedStatus,
    claim_due,
    decode_fingerprints,
    encode_fingerprints,
    failing_unreported,
    feed_statuses,
    mark_failing_reported,
    mark_recovery_reported,
    polled_urls,
    rebase_schedule,
    record_outcomes,
    recovered_unreported,
    release_feeds,
    sync_feeds,
)
from ingest.storage.pages import (
    PageJob,
    PageOutcome,
    any_pages_after,
    claim_pages,
    pages_after,
    record_pages,
)
from ingest.storage.tables import (
    ARTICLES,
    FEEDS,
    ArticleRow,
    FeedRow,
    PageState,
)

__all__ = [
    "ARTICLES",
    "FEEDS",
    "IDENTITY_MAX",
    "IDENTITY_MAX_BYTES",
    "ArticleRow",
    "DueFeed",
    "FeedOutcome",
    "FeedRow",
    "FeedSpec",
    "FeedStatus",
    "PageJob",
    "PageOutcome",
    "PageState",
    "add_articles",
    "any_after",
    "any_pages_after",
    "article_headers",
    "articles_after",
    "articles_by_id",
    "articles_since",
    "claim_due",
    "claim_pages",
    "commit_in_order",
    "decode_fingerprints",
    "delete_articles_before",
    "encode_fingerprints",
    "failing_unreported",
    "feed_statuses",
    "ids_first_seen_since",
    "known_identities",
    "mark_failing_reported",
    "mark_recovery_reported",
    "pages_after",
    "polled_urls",
    "purge_articles",
    "rebase_schedule",
    "record_outcomes",
    "record_pages",
    "recovered_unreported",
    "release_feeds",
    "set_langs",
    "stored_identity",
    "sync_feeds",
    "to_article",
]
