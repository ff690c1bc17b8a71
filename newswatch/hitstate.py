"""What became of a stored hit, in one word a person reads in `newswatch hits`.

alerted: sent (alone, as a follow-up, or in a digest); pending / failed: in the outbox;
held: waiting for a digest (digest mode, quiet hours or a rate limit); folded: no alert
of its own because another report of its story already alerted; stored: no alert at all
(older than the backfill, or a watchlist that notifies nobody).
"""

from __future__ import annotations

from collections.abc import Collection

from alerts.model import DeliveryStatus, HitView
from alerts.storage.hitstates import HitDeliveries

# The first outbox status found, in this order, names the state: one sent delivery
# means the reader was told, whatever became of a second target.
_BY_STATUS = (
    (DeliveryStatus.SENT, "alerted"),
    (DeliveryStatus.PENDING, "pending"),
    (DeliveryStatus.HELD, "held"),
    (DeliveryStatus.FAILED, "failed"),
)


def hit_state(hit: HitView, seen: HitDeliveries, digest_watchlists: Collection[str]) -> str:
    own = seen.by_article.get((hit.watchlist, hit.article_id), ())
    for status, word in _BY_STATUS:
        if status in own:
            return word
    if hit.watchlist in digest_watchlists:
        sent_until = seen.digest_sent_until.get(hit.watchlist)
        return "alerted" if sent_until is not None and hit.first_seen < sent_until else "held"
    if hit.story is not None and seen.by_story.get((hit.watchlist, hit.story)):
        return f"folded into story {hit.story}"
    return "stored"
