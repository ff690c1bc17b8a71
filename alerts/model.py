"""Frozen values that cross the alerts package's boundaries (watchlists, targets, hits)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

# A daily local-time window, ((start hour, minute), (end hour, minute)); it may span midnight.
QuietHours = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class WatchName:
    """One watched person, as configured by the user (the config builds it as it is).

    `key` identifies the name among a matcher's names; the config's key is the name."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    variants: bool = True


@dataclass(frozen=True, slots=True)
class Hit:
    """One watched name found in an article: as matching stores it, as storage gives it
    back, and as a message shows it (one type from the matcher's output to rendering).

    `snippet_start`/`snippet_end` locate `matched` inside `snippet`; `reason` says why
    the matcher accepted the form and `variant` which spelling of the name it was.
    """

    name: str
    matched: str
    field: str
    snippet: str
    snippet_start: int
    snippet_end: int
    reason: str = ""
    variant: str = ""


class WatchMode(StrEnum):
    """How a watchlist's hits reach its targets (the config's `mode`)."""

    INSTANT = "instant"
    DIGEST = "digest"


class Cursor(StrEnum):
    """Where alerts has read up to in what ingest stores: its own processing cursors."""

    ARTICLES = "articles"  # the last article id matched (feed text)
    PAGES = "pages"  # the last page text matched (`page_seq`)


class DeliveryKind(StrEnum):
    """What a row of the outbox carries, and so how its message is made."""

    INSTANT = "instant"  # an alert about one article
    FOLLOWUP = "followup"  # a story already alerted, now carried by more outlets
    OPS = "ops"  # an operator notice; its title and body travel in the payload
    DIGEST = "digest"  # a watchlist's hits in one scheduled period
    HELD = "held"  # the alerts quiet hours or a rate limit held back, sent as one digest


# Kinds about one article, which quiet hours and rate limits may hold.
ARTICLE_KINDS = (DeliveryKind.INSTANT, DeliveryKind.FOLLOWUP)
# Kinds due when their period ends: the schedule, not a retry, decided when.
PERIOD_KINDS = (DeliveryKind.DIGEST, DeliveryKind.HELD)
# How long a daemon holds the deliveries it claimed before another may take them over:
# longer than a batch takes to send (each attempt renews its row's lease).
DELIVERY_LEASE_S = 300.0


class DeliveryStatus(StrEnum):
    """Where a row of the outbox stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # given up (expired, or nothing left to send)
    HELD = "held"  # out of the queue, carried by the `held` digest it names


@dataclass(frozen=True, slots=True)
class Target:
    """One Apprise URL of a named notifier; `key` identifies it without the secret URL."""

    notifier: str
    url: str
    rate_limit: tuple[int, float] | None = None
    timeout_s: float = 30.0  # a send not answered within this is an unknown outcome

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        return f"{self.notifier}:{digest}"


@dataclass(frozen=True, slots=True)
class Watchlist:
    name: str
    names: tuple[WatchName, ...]
    targets: tuple[Target, ...]
    mode: WatchMode = WatchMode.INSTANT
    schedule: str | None = None
    quiet_hours: QuietHours | None = None
    followup_after: int | None = None
    template_title: str | None = None
    template_body: str | None = None


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """Everything the alert pipeline and the delivery job need from the config."""

    watchlists: tuple[Watchlist, ...]
    ops_targets: tuple[Target, ...] = ()
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    delivery_expiry_s: float = 24 * 3600
    max_backoff_s: float = 3600.0

    def watchlist(self, name: str) -> Watchlist | None:
        return next((w for w in self.watchlists if w.name == name), None)

    def target(self, key: str) -> Target | None:
        for w in self.watchlists:
            for t in w.targets:
                if t.key == key:
                    return t
        return next((t for t in self.ops_targets if t.key == key), None)


@dataclass(frozen=True, slots=True)
class HitView:
    """A stored hit as `newswatch hits` and the web page show it: the `Hit` itself, with
    its watchlist and where it was found (the article, its feed, its story)."""

    id: int
    watchlist: str
    hit: Hit
    article_id: int
    url: str | None
    title: str
    feed: str
    published: datetime | None
    first_seen: datetime
    story: int | None
    lang: str | None = None  # detected from the article's text

    # The hit's own fields, read as the view's (templates, tables and JSON name them so).
    @property
    def name(self) -> str:
        return self.hit.name

    @property
    def matched(self) -> str:
        return self.hit.matched

    @property
    def field(self) -> str:
        return self.hit.field

    @property
    def snippet(self) -> str:
        return self.hit.snippet

    @property
    def variant(self) -> str:
        return self.hit.variant

    @property
    def reason(self) -> str:
        return self.hit.reason


@dataclass(frozen=True, slots=True)
class DeliveryView:
    """A row of the outbox as `newswatch deliveries` shows it."""

    id: int
    kind: DeliveryKind
    watchlist: str | None
    notifier: str
    target: str
    status: DeliveryStatus
    attempts: int
    article_id: int | None
    title: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str | None
