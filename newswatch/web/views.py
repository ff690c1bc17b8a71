"""What each page shows, read from the stores as frozen values (no HTML here: the
templates escape every value, feed text included)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from alerts import storage as astore
from alerts.matching import html_to_text
from alerts.model import DeliveryStatus, DeliveryView
from alerts.storage import exclusions as xstore
from ingest import storage as istore
from newswatch.app import App

PAGE_LIMIT = 200
_WORD = re.compile(r"\w[\w'’-]*")


@dataclass(frozen=True, slots=True)
class HitItem:
    id: int
    watchlist: str
    name: str
    matched: str
    field: str
    before: str  # the snippet around the match, split so the template can mark it
    mark: str
    after: str
    variant: str
    reason: str
    title: str
    link: str | None
    feed: str
    published: datetime | None
    first_seen: datetime
    story: int | None
    phrase: str  # the suggested "not this person" phrase


@dataclass(frozen=True, slots=True)
class HitFilter:
    watchlist: str | None = None
    name: str | None = None
    since_s: float | None = None


@dataclass(frozen=True, slots=True)
class StoryArticle:
    title: str
    link: str | None
    feed: str
    language: str | None


@dataclass(frozen=True, slots=True)
class StoryItem:
    id: int
    title: str
    first_seen: datetime
    last_seen: datetime
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    names: tuple[str, ...]
    articles: tuple[StoryArticle, ...]


def safe_link(url: str | None) -> str | None:
    """Only http(s) links are followed: a feed's `javascript:` link stays text."""
    if not url:
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def shown_url(url: str) -> str:
    """A feed URL without its query and credentials, which may carry an API key."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def suggest_phrase(snippet: str, matched: str) -> str:
    """The mention with a word either side: narrow enough to rule out only the same
    context (a namesake's title or job) and the reader can edit it before sending."""
    at = snippet.find(matched)
    if at < 0:
        return matched
    before = _WORD.findall(snippet[:at])[-1:]
    after = _WORD.findall(snippet[at + len(matched) :])[:1]
    words = [*before, matched, *after]
    return " ".join(words)


def hits(app: App, f: HitFilter) -> list[HitItem]:
    now = app.clock()
    since = None if f.since_s is None else now - timedelta(seconds=f.since_s)
    needle = (f.name or "").casefold().strip()
    with app.store.read() as s:
        rows = astore.list_hits(
            s, watchlist=f.watchlist, since=since, limit=None if needle else PAGE_LIMIT
        )
    out = []
    for h in rows:
        if needle and needle not in h.name.casefold() and needle not in h.matched.casefold():
            continue
        at = h.snippet.find(h.matched)
        before, mark, after = (
            (h.snippet, "", "")
            if at < 0
            else (h.snippet[:at], h.matched, h.snippet[at + len(h.matched) :])
        )
        out.append(
            HitItem(
                id=h.id,
                watchlist=h.watchlist,
                name=h.name,
                matched=h.matched,
                field=h.field,
                before=before,
                mark=mark,
                after=after,
                variant=h.variant,
                reason=h.reason,
                title=html_to_text(h.title) or "(untitled)",
                link=safe_link(h.url),
                feed=h.feed,
                published=h.published,
                first_seen=h.first_seen,
                story=h.story,
                phrase=suggest_phrase(h.snippet, h.matched),
            )
        )
        if len(out) >= PAGE_LIMIT:
            break
    return out


def stories(app: App, since_s: float | None) -> list[StoryItem]:
    since = None if since_s is None else app.clock() - timedelta(seconds=since_s)
    with app.store.read() as s:
        views = astore.list_stories(s, since, 100)
        ids = [a for v in views for a, _, _, _ in v.articles]
        articles = istore.articles_by_id(s, ids)
    out = []
    for v in views:
        members = tuple(
            StoryArticle(
                html_to_text(t) or "(untitled)",
                safe_link(link),
                feed,
                articles[a].language if a in articles else None,
            )
            for a, t, link, feed in v.articles
        )
        languages = tuple(dict.fromkeys(m.language for m in members if m.language))
        out.append(
            StoryItem(
                v.id,
                html_to_text(v.title) or "(untitled)",
                v.first_seen,
                v.last_seen,
                v.outlets,
                languages,
                v.names,
                members,
            )
        )
    return out


def feeds(app: App) -> list[istore.FeedStatus]:
    with app.store.read() as s:
        return istore.feed_statuses(s, app.clock())


def deliveries(app: App, status: DeliveryStatus | None) -> list[DeliveryView]:
    with app.store.read() as s:
        rows = astore.list_deliveries(s, status=status, limit=PAGE_LIMIT)
    # Titles are feed text, shown as plain text like everywhere else on the pages.
    return [replace(d, title=html_to_text(d.title) if d.title else d.title) for d in rows]


def exclusions(app: App) -> list[xstore.Exclusion]:
    with app.store.read() as s:
        return xstore.list_exclusions(s)
