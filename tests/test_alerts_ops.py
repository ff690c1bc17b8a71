"""Operator notices: each kind built in alerts.ops, once per ops target, with a key that
makes it happen once and a plain-text title and body that say what happened."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alerts import ops
from alerts.model import DeliveryKind, DeliveryStatus, DeliveryView, Target
from alerts.storage import NewDelivery

NOW = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
SINCE = datetime(2026, 5, 30, 6, 5, tzinfo=UTC)
TARGETS = (Target("ops", "mailto://ops@example.org"), Target("ops", "json://127.0.0.1:9/ops"))
GIVEN_UP = DeliveryView(
    7, DeliveryKind.INSTANT, "people", "desk", "desk:ab12", DeliveryStatus.FAILED, 5, 3,
    "Mayor re-elected", NOW, None, None, "HTTP 500",
)  # fmt: skip

CASES = [
    (
        "feed failing",
        ops.feed_failing(TARGETS, 4, "Daily Post", "HTTP 503", SINCE, NOW),
        "ops:feed-failing:4:2026-05-30T06:05:00+00:00",
        "newswatch: feed failing: Daily Post",
        "The feed Daily Post has failed since 2026-05-30 06:05 UTC.\nLast error: HTTP 503",
    ),
    (
        "feed recovered",
        ops.feed_recovered(TARGETS, 4, "Daily Post", SINCE, NOW),
        "ops:feed-recovered:4:2026-05-30T06:05:00+00:00",
        "newswatch: feed recovered: Daily Post",
        "The feed Daily Post works again (it failed from 2026-05-30 06:05 UTC).",
    ),
    (
        "delivery given up",
        ops.delivery_failed(TARGETS, GIVEN_UP, NOW),
        "ops:delivery-failed:7",
        "newswatch: alert undeliverable to desk",
        "Delivery 7 (Mayor re-elected) to desk:ab12 was given up after 5 attempts: HTTP 500",
    ),
    (
        "template failed",
        ops.template_failed(TARGETS, "people", 9, "d1g35t", "undefined 'x'", NOW),
        "ops:template-failed:people:d1g35t",
        "newswatch: template of watchlist people failed",
        "Delivery 9 went out with the default message because the watchlist's template "
        "failed on its article: undefined 'x'",
    ),
]


@pytest.mark.parametrize(
    ("notices", "key", "title", "body"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_notice_per_ops_target(
    notices: list[NewDelivery], key: str, title: str, body: str
) -> None:
    assert [(n.notifier, n.target_key) for n in notices] == [("ops", t.key) for t in TARGETS]
    for n, t in zip(notices, TARGETS, strict=True):
        assert n.kind == DeliveryKind.OPS and n.due_at == NOW
        assert n.dedupe_key == f"{key}:{t.key}"
        assert n.payload == {"title": title, "body": body}


def test_no_ops_target_no_notice() -> None:
    assert ops.feed_failing((), 4, "Daily Post", "HTTP 503", SINCE, NOW) == []
