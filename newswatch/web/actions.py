"""The pages' two writes: "not this person" on a hit, and "retry" on a delivery."""

from __future__ import annotations

import logging
from dataclasses import replace

from alerts import storage as astore
from alerts.model import Watchlist
from alerts.pipeline import WatchlistMatcher
from alerts.storage import exclusions as xstore
from ingest import storage as istore
from newswatch.app import App

log = logging.getLogger(__name__)
MAX_PHRASE = 200


class ActionError(Exception):
    """The action was refused; the message says why, for the page."""


def exclude(app: App, hit_id: int, phrase: str) -> str:
    """Record `phrase` as an exclusion of the hit's watchlist name, after checking that
    it rules the hit's own mention out (else it would exclude nothing the reader saw)."""
    phrase = " ".join(phrase.split())
    if not phrase:
        raise ActionError("give the words that show it is someone else")
    if len(phrase) > MAX_PHRASE:
        raise ActionError(f"the phrase is longer than {MAX_PHRASE} characters")
    with app.store.read() as s:
        hit = xstore.hit_ref(s, hit_id)
        article = istore.articles_by_id(s, [hit.article_id]).get(hit.article_id) if hit else None
    if hit is None or article is None:
        raise ActionError(f"hit {hit_id} no longer exists")
    watchlist = app.policy.watchlist(hit.watchlist)
    watched = next((n for n in watchlist.names if n.name == hit.name), None) if watchlist else None
    if watchlist is None or watched is None:
        raise ActionError(f"{hit.watchlist}: {hit.name} is no longer in the config")
    trial = replace(watched, exclude=(*watched.exclude, phrase))
    matcher = WatchlistMatcher([Watchlist(watchlist.name, (trial,), ())])
    if hit.name in matcher.hits(article).get(watchlist.name, {}):
        raise ActionError(
            f'"{phrase}" does not rule out this mention of {hit.name}: '
            "keep the matched words in the phrase"
        )
    with app.store.batch() as s:
        xstore.add_exclusion(s, hit, phrase, app.clock())
    app.refresh_exclusions()
    log.info("exclusion added watchlist=%s name=%s phrase=%r", hit.watchlist, hit.name, phrase)
    return f'{hit.watchlist}: {hit.name} no longer matches "{phrase}"'


def retry(app: App, delivery_id: int) -> str:
    with app.store.batch() as s:
        n = astore.requeue(s, app.clock(), delivery_id=delivery_id, failed=False)
    if not n:
        raise ActionError(f"delivery {delivery_id} is already queued or does not exist")
    log.info("delivery requeued id=%d", delivery_id)
    return f"delivery {delivery_id} queued again"
