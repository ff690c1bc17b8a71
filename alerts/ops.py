"""Operator notices (a feed failing or recovered, a delivery given up) for the `ops` notifier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from alerts.model import DeliveryKind, Target
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
