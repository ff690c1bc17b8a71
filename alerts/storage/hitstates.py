"""What became of stored hits: the outbox rows that name their article or story.

Read-only; `newswatch hits` turns this into alerted / held / folded / stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.model import HitView
from alerts.storage.tables import DeliveryRow, DigestStateRow
from ingest.db import chunks


@dataclass(frozen=True, slots=True)
class HitDeliveries:
    """Delivery statuses by (watchlist, article id) and by (watchlist, story id), and
    the end of the last digest period sent per watchlist."""

    by_article: dict[tuple[str, int], tuple[str, ...]]
    by_story: dict[tuple[str, int], tuple[str, ...]]
    digest_sent_until: dict[str, datetime]


def hit_deliveries(session: Session, hits: Sequence[HitView]) -> HitDeliveries:
    by_article: dict[tuple[str, int], list[str]] = defaultdict(list)
    by_story: dict[tuple[str, int], list[str]] = defaultdict(list)
    articles = sorted({h.article_id for h in hits})
    stories = sorted({h.story for h in hits if h.story is not None})
    row = (DeliveryRow.watchlist, DeliveryRow.article_id, DeliveryRow.story_id, DeliveryRow.status)
    for chunk in chunks(articles):
        for w, a, _, status in session.execute(
            select(*row).where(DeliveryRow.article_id.in_(chunk))
        ):
            if w is not None and a is not None:
                by_article[(w, a)].append(status)
    for chunk in chunks(stories):
        for w, _, st, status in session.execute(
            select(*row).where(DeliveryRow.story_id.in_(chunk))
        ):
            if w is not None and st is not None:
                by_story[(w, st)].append(status)
    ends = session.execute(
        select(DigestStateRow.watchlist, func.max(DigestStateRow.period_end)).group_by(
            DigestStateRow.watchlist
        )
    )
    return HitDeliveries(
        {k: tuple(v) for k, v in by_article.items()},
        {k: tuple(v) for k, v in by_story.items()},
        {w: end for w, end in ends if end is not None},
    )
