"""Operator notices for the `ops` notifier, all built here: a feed failing or recovered, a
delivery given up, a watchlist's template failing. Each has a key that makes it happen
once, and plain text (the message renderer escapes it per service)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from alerts.model import DeliveryKind, DeliveryView, Target
from alerts.storage import NewDelivery


def notice(
    targets: Sequence[Target], key: str, title: str, body: str, now: datetime
) -> list[NewDelivery]:
    """One delivery per ops target; `key` makes the notice happen once."""
    return [
        NewDelivery(
            dedupe_key=f"ops:{key}:{t.key}"[:500],
            kind=DeliveryKind.OPS,
            notifier=t.notifier,
            target_key=t.key,
            due_at=now,
            payload={"title": title, "body": body},
        )
        for t in targets
    ]


def feed_failing(
    targets: Sequence[Target], feed_id: int, name: str, error: str, since: datetime, now: datetime
) -> list[NewDelivery]:
    return notice(
        targets,
        f"feed-failing:{feed_id}:{since.isoformat()}",
        f"newswatch: feed failing: {name}",
        f"The feed {name} has failed since {since:%Y-%m-%d %H:%M} UTC.\nLast error: {error}",
        now,
    )


def feed_recovered(
    targets: Sequence[Target], feed_id: int, name: str, since: datetime, now: datetime
) -> list[NewDelivery]:
    return notice(
        targets,
        f"feed-recovered:{feed_id}:{since.isoformat()}",
        f"newswatch: feed recovered: {name}",
        f"The feed {name} works again (it failed from {since:%Y-%m-%d %H:%M} UTC).",
        now,
    )


def delivery_failed(targets: Sequence[Target], d: DeliveryView, now: datetime) -> list[NewDelivery]:
    return notice(
        targets,
        f"delivery-failed:{d.id}",
        f"newswatch: alert undeliverable to {d.notifier}",
        f"Delivery {d.id} ({d.title or d.kind}) to {d.target} was given up "
        f"after {d.attempts} attempts: {d.last_error}",
        now,
    )


def template_failed(
    targets: Sequence[Target],
    watchlist: str | None,
    delivery_id: int,
    digest: str,
    error: str,
    now: datetime,
) -> list[NewDelivery]:
    """`digest` tells one broken template (with its error) from another."""
    return notice(
        targets,
        f"template-failed:{watchlist}:{digest}",
        f"newswatch: template of watchlist {watchlist} failed",
        f"Delivery {delivery_id} went out with the default message because the "
        f"watchlist's template failed on its article: {error}",
        now,
    )
