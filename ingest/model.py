"""Frozen values that cross the ingest package's boundaries (no I/O, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ingest.outcomes import ErrorKind


class FeedKind(StrEnum):
    """What a feed URL serves, and so how its body is read."""

    FEED = "feed"  # RSS, Atom or JSON Feed (autodetected)
    TELEGRAM = "telegram"  # a channel's web preview, t.me/s/CHANNEL
    SITEMAP = "sitemap"  # a news sitemap, or an index of them


class FulltextMode(StrEnum):
    """Whether a feed's article pages are fetched for their full text."""

    AUTO = "auto"  # when the entry's own text is short or visibly cut
    ALWAYS = "always"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """What the fetcher needs to ask for one feed (validators make it conditional)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    # May it reach private addresses (ingest.addresses)? None: if its URL names one.
    private_ok: bool | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one HTTP fetch; errors are data, never exceptions.

    `status` is the final HTTP status (0 when no response arrived). `body` is the
    decoded (decompressed) body, cut at the size limit. `error` is a short human
    reason when the fetch failed. `permanent_url` is set when a 301/308 moved the feed.
    `deferred` is set when the fetch waited longer than its queue bound for a turn at a
    busy host: it is no error of the feed's, and is tried again later.
    """

    url: str
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    permanent_url: str | None = None
    retry_after_s: float | None = None
    max_age_s: float | None = None
    gone: bool = False
    deferred: bool = False
    error_kind: ErrorKind | None = None  # with `error`: why, as a closed vocabulary

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One feed entry as newswatch keeps it: text fields plain unicode, times UTC."""

    identity: str
    title: str
    link: str | None
    summary: str
    content: str
    published: datetime | None
    updated: datetime | None
    author: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its entries plus feed-level facts (title, link, ttl)."""

    title: str | None
    link: str | None
    entries: tuple[ParsedEntry, ...]
    bozo: str | None = None
    ttl_s: float | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored, handed to downstream consumers (alerts)."""

    id: int
    feed_id: int
    feed_name: str
    identity: str
    title: str
    link: str | None
    summary: str
    content: str
    published: datetime | None
    first_seen: datetime
    language: str | None = None
    alertable: bool = True
    page_text: str | None = None  # the article page's main text, once fetched
    lang: str | None = None  # detected from the text; `language` is what the feed declared
    page_seq: int | None = None  # counted up as page texts are stored (None: no text yet)


@dataclass(frozen=True, slots=True)
class ArticleHeader:
    """What a listing or a count shows of a stored article, without its text: what
    consumers join to their own rows (they never join ingest's tables)."""

    id: int
    feed_name: str
    title: str
    link: str | None
    published: datetime | None
    first_seen: datetime
    alertable: bool
    lang: str | None


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A feed as configured (the config builds it; `sync_feeds` makes the table follow)."""

    name: str
    url: str
    interval_s: float
    enabled: bool = True
    fulltext: FulltextMode = FulltextMode.AUTO
    kind: FeedKind = FeedKind.FEED
