"""Page text that arrived after its article was matched: hits for names only the page
names (`field = "fulltext"`), and their alerts, in the caller's transaction."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from alerts.alertstore import AlertStorage
from alerts.model import AlertPolicy, Cursor
from alerts.pipeline import (
    MatchReport,
    WatchlistMatcher,
    instant_deliveries,
    new_hits,
    place_in_story,
    story_doc,
)
from alerts.stories import StoryGrouper
from ingest.db import Tx

log = logging.getLogger(__name__)


def process_pages(
    session: Tx,
    policy: AlertPolicy,
    matcher: WatchlistMatcher,
    now: datetime,
    *,
    store: AlertStorage,
    grouper: StoryGrouper | None = None,
    limit: int = 200,
) -> MatchReport:
    """Match one batch of newly fetched page texts; only hits not stored yet are added.

    An article whose feed text named nobody watched was not placed in a story; once its
    page names someone it is placed, as `process_batch` places articles, so that it joins
    the story of the same event rather than alerting beside it."""
    articles = store.articles.pages_after(
        session,
        store.position(session, Cursor.PAGES),
        store.position(session, Cursor.ARTICLES),
        limit,
    )
    known = store.existing_hit_keys(session, [a.id for a in articles])
    hits = deliveries = 0
    for article, found in matcher.iter_hits(articles):
        fresh = {
            w: {n: m for n, m in names.items() if (w, article.id, n) not in known}
            for w, names in found.items()
        }
        fresh = {w: names for w, names in fresh.items() if names}
        if not fresh:
            continue
        hits += store.add_hits(session, new_hits(article, fresh), now)
        if not article.alertable:
            continue
        story = store.story_of(session, article.id)
        if story is None and grouper is not None:
            story, _ = place_in_story(
                store, session, grouper, story_doc(article, found), article.title, now
            )
        for d in instant_deliveries(policy, article, list(fresh), now):
            names = set(fresh[d.watchlist or ""])
            if story is not None:
                # The story's rule still holds: a name another report of it already
                # alerted about is no news.
                names -= store.names_alerted_in_story(session, d.watchlist or "", story, article.id)
            if not names:
                continue
            # Its own key: the article's feed-text alert (other names) may have gone out.
            key = f"fulltext:{d.dedupe_key}:{','.join(sorted(names))}"[:500]
            deliveries += store.enqueue(session, [replace(d, dedupe_key=key, story_id=story)], now)
        log.debug("page matched article=%d watchlists=%s", article.id, ",".join(fresh))
    if articles:
        store.advance(session, Cursor.PAGES, max(a.page_seq or 0 for a in articles))
    return MatchReport(len(articles), hits, deliveries)
