"""New articles to hits and pending deliveries, written in one transaction (the outbox).

Reads unprocessed articles from ingest, matches every watchlist, stores the hits,
enqueues one delivery per (watchlist, article, target), and marks the articles
processed, all in the caller's transaction: a crash anywhere repeats the whole
batch and never half of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from alerts import storage as astore
from alerts.alertstore import AlertStorage
from alerts.matching import Match, Matcher, WatchName, html_to_text
from alerts.model import AlertPolicy, Cursor, DeliveryKind, Hit, Watchlist, WatchMode
from alerts.stories import StoryDoc, StoryGrouper
from ingest.db import Tx, chunks
from ingest.langid import detect
from ingest.model import StoredArticle

log = logging.getLogger(__name__)
_SEP = "\x1f"
# `rematch` reports its progress this often (articles).
_PROGRESS_EVERY = 100


@dataclass(frozen=True, slots=True)
class MatchReport:
    articles: int = 0
    hits: int = 0
    deliveries: int = 0


class WatchlistMatcher:
    """One automaton over every watchlist's names; hits come back per watchlist."""

    def __init__(self, watchlists: Sequence[Watchlist]) -> None:
        names: list[WatchName] = []
        for w in watchlists:
            for n in w.names:
                names.append(replace(n, key=f"{w.name}{_SEP}{n.key}"))
        self.matcher = Matcher.build(names)

    def hits(self, article: StoredArticle) -> dict[str, dict[str, Match]]:
        """watchlist → configured name → first match (title before summary)."""
        return self.hits_many([article])[0]

    def hits_many(self, articles: Sequence[StoredArticle]) -> list[dict[str, dict[str, Match]]]:
        """`hits` for a batch: the matcher normalizes a batch's text in one pass.

        A text the matcher cannot handle fails that article alone: the batch is matched
        again an article at a time, and the failing one is logged with its error and
        matched as having no hits, so the rest of the batch still alerts."""
        found = self._match_safely(articles, [(a.title, _body(a)) for a in articles])
        # An article's page text (ingest.pages) counts for names its feed text lacks,
        # marked as found in the full article.
        paged = [i for i, a in enumerate(articles) if a.page_text]
        in_pages = self._match_safely(
            [articles[i] for i in paged], [("", articles[i].page_text or "") for i in paged]
        )
        extra = dict(zip(paged, in_pages, strict=True))
        out: list[dict[str, dict[str, Match]]] = []
        for i, matches in enumerate(found):
            by_list: dict[str, dict[str, Match]] = {}
            for m in matches:
                watchlist, name = m.key.split(_SEP, 1)
                by_list.setdefault(watchlist, {}).setdefault(name, m)
            for m in extra.get(i, ()):
                watchlist, name = m.key.split(_SEP, 1)
                by_list.setdefault(watchlist, {}).setdefault(name, replace(m, field="fulltext"))
            out.append(by_list)
        return out

    def _match_safely(
        self, articles: Sequence[StoredArticle], texts: list[tuple[str, str]]
    ) -> list[list[Match]]:
        try:
            return self.matcher.match_many(texts)
        except Exception:  # a matcher bug must not stop alerting for every other article
            return [self._match_one(a, t) for a, t in zip(articles, texts, strict=True)]

    def _match_one(self, article: StoredArticle, text: tuple[str, str]) -> list[Match]:
        try:
            return self.matcher.match_many([text])[0]
        except Exception as e:  # recorded on the article's log line, never raised
            log.warning(
                "matching failed article=%d link=%s error=%s: %s",
                article.id, article.link, type(e).__name__, e,
            )  # fmt: skip
            return []

    def iter_hits(
        self, articles: Sequence[StoredArticle], batch: int = 500
    ) -> Iterator[tuple[StoredArticle, dict[str, dict[str, Match]]]]:
        """`hits` for any number of articles, matched a batch at a time."""
        for chunk in chunks(articles, batch):
            yield from zip(chunk, self.hits_many(chunk), strict=True)


def _body(article: StoredArticle) -> str:
    """The longer of summary and content: feeds put the full text in either."""
    return article.summary if len(article.summary) >= len(article.content) else article.content


def new_hits(article: StoredArticle, found: dict[str, dict[str, Match]]) -> list[astore.NewHit]:
    return [
        astore.NewHit(
            watchlist,
            article.id,
            Hit(
                name,
                m.matched,
                m.field,
                m.snippet,
                m.snippet_start,
                m.snippet_end,
                m.reason,
                m.variant,
            ),
        )
        for watchlist, names in found.items()
        for name, m in names.items()
    ]


def instant_deliveries(
    policy: AlertPolicy, article: StoredArticle, watchlists: Sequence[str], now: datetime
) -> list[astore.NewDelivery]:
    """One delivery per (watchlist, article, target); several names make one message."""
    out = []
    for name in watchlists:
        w = policy.watchlist(name)
        if w is None or w.mode != WatchMode.INSTANT:
            continue
        for t in w.targets:
            out.append(
                astore.NewDelivery(
                    dedupe_key=f"instant:{w.name}:{article.id}:{t.key}",
                    kind=DeliveryKind.INSTANT,
                    notifier=t.notifier,
                    target_key=t.key,
                    due_at=now,
                    watchlist=w.name,
                    article_id=article.id,
                )
            )
    return out


def story_doc(article: StoredArticle, found: dict[str, dict[str, Match]]) -> StoryDoc:
    """The grouper's view of an article: plain text, when it was published, its
    language, and the watched people it names (with how they are written, so their
    words count once)."""
    people = people_in(found)
    matched = frozenset(m.matched for names in found.values() for m in names.values())
    return stored_story_doc(article, people, matched | people)


def stored_story_doc(
    article: StoredArticle, people: frozenset[str], names: frozenset[str]
) -> StoryDoc:
    """`story_doc` from what is stored: the article and its hits' names and forms."""
    # min(): a feed dating its entries in the future must not hold a story open.
    when = min(article.published or article.first_seen, article.first_seen)
    title = html_to_text(article.title)
    text = html_to_text(_body(article))[:4000]
    return StoryDoc(
        article_id=article.id,
        source=article.feed_name,
        title=title,
        text=text,
        published=when,
        lang=article.lang or detect(f"{title}\n{text}", hint=article.language),
        people=people,
        names=names,
    )


def people_in(found: dict[str, dict[str, Match]]) -> frozenset[str]:
    return frozenset(name for names in found.values() for name in names)


def place_in_story(
    store: AlertStorage,
    session: Tx,
    grouper: StoryGrouper,
    doc: StoryDoc,
    title: str,
    now: datetime,
) -> tuple[int, bool]:
    """Story id for the article, and whether it joined an existing story."""
    known = store.story_of(session, doc.article_id)
    if known is not None:  # the batch is being repeated after a crash
        return known, True
    placement = grouper.place(doc)
    if placement.story_id is None:
        story = store.create_story(session, doc.article_id, title, now)
        store.assign_story(session, doc.article_id, story, "first report", now)
        grouper.add(doc, story)
        return story, False
    store.assign_story(session, doc.article_id, placement.story_id, placement.reason, now)
    grouper.add(doc, placement.story_id)
    log.debug("story article=%d joins=%d: %s", doc.article_id, placement.story_id, placement.reason)
    return placement.story_id, True


def story_deliveries(
    store: AlertStorage,
    session: Tx,
    policy: AlertPolicy,
    article: StoredArticle,
    found: dict[str, dict[str, Match]],
    story: int,
    joined: bool,
    now: datetime,
) -> list[astore.NewDelivery]:
    """Instant alerts for a story's first report, or for names the story had not named;
    a follow-up once `followup_after` further outlets carry the story."""
    out: list[astore.NewDelivery] = []
    for name, names in found.items():
        w = policy.watchlist(name)
        if w is None:
            continue
        fresh = set(names)
        if joined:
            fresh -= store.names_alerted_in_story(session, name, story, article.id)
        if fresh:
            out.extend(
                replace(d, story_id=story) for d in instant_deliveries(policy, article, [name], now)
            )
            continue
        if w.followup_after is None or w.mode != WatchMode.INSTANT:
            continue
        outlets = store.story_outlets(session, story)
        if len(outlets) - 1 >= w.followup_after:
            out.extend(
                astore.NewDelivery(
                    dedupe_key=f"followup:{w.name}:{story}:{t.key}",
                    kind=DeliveryKind.FOLLOWUP,
                    notifier=t.notifier,
                    target_key=t.key,
                    due_at=now,
                    watchlist=w.name,
                    article_id=article.id,
                    story_id=story,
                )
                for t in w.targets
            )
    return out


def process_batch(
    session: Tx,
    policy: AlertPolicy,
    matcher: WatchlistMatcher,
    now: datetime,
    *,
    store: AlertStorage,
    grouper: StoryGrouper | None = None,
    limit: int = 200,
) -> MatchReport:
    """Match and place one batch of unprocessed articles inside the caller's transaction."""
    articles = store.articles.after(session, store.position(session, Cursor.ARTICLES), limit)
    hits = 0
    langs: dict[int, str] = {}
    # Hits and deliveries are written once per batch (a statement or two per article was
    # most of storing a busy cycle); only an article joining a story needs the hits
    # before it stored, to tell which names its story has already alerted.
    held_hits: list[astore.NewHit] = []
    held: list[astore.NewDelivery] = []
    for article, found in zip(articles, matcher.hits_many(articles), strict=True):
        if not found:
            # Only an article naming a watched person can alert, so only such articles
            # are placed: placing the rest costs most of a cold poll and changes no alert.
            continue
        story, joined = None, False
        if grouper is not None:
            doc = story_doc(article, found)
            if doc.lang is not None:
                langs[article.id] = doc.lang
            story, joined = place_in_story(store, session, grouper, doc, article.title, now)
        held_hits += new_hits(article, found)
        if article.alertable:
            if story is None:
                queued = instant_deliveries(policy, article, list(found), now)
            else:
                if joined and held_hits:
                    hits += store.add_hits(session, held_hits, now)
                    held_hits = []
                queued = story_deliveries(
                    store, session, policy, article, found, story, joined, now
                )
            held += queued
        log.debug("matched article=%d watchlists=%s story=%s", article.id, ",".join(found), story)
    hits += store.add_hits(session, held_hits, now)
    deliveries = store.enqueue(session, held, now)
    store.articles.set_langs(session, langs)
    if articles:
        store.advance(session, Cursor.ARTICLES, articles[-1].id)
    return MatchReport(len(articles), hits, deliveries)


def rematch(
    session: Tx,
    policy: AlertPolicy,
    matcher: WatchlistMatcher,
    articles: Sequence[StoredArticle],
    now: datetime,
    *,
    store: AlertStorage,
    alert_after: datetime | None = None,
    progress: Callable[[MatchReport], None] | None = None,
) -> MatchReport:
    """Re-run the watchlists over stored articles: only hits not stored yet are added
    (and alerted, when the article is alertable and was first seen after `alert_after`).
    `progress` hears the counts so far every few hundred articles."""
    hits = deliveries = 0
    known = store.existing_hit_keys(session, [a.id for a in articles])
    for done, (article, found) in enumerate(matcher.iter_hits(articles), 1):
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(MatchReport(done, hits, deliveries))
        fresh = {
            w: {n: m for n, m in names.items() if (w, article.id, n) not in known}
            for w, names in found.items()
        }
        fresh = {w: names for w, names in fresh.items() if names}
        if not fresh:
            continue
        hits += store.add_hits(session, new_hits(article, fresh), now)
        if article.alertable and (alert_after is None or article.first_seen >= alert_after):
            for d in instant_deliveries(policy, article, list(fresh), now):
                # A rematch hit alerts even where an earlier delivery for the article went
                # out (it named other people), so its key carries the names.
                names = ",".join(sorted(fresh[d.watchlist or ""]))
                key = f"rematch:{d.dedupe_key}:{names}"
                deliveries += store.enqueue(session, [replace(d, dedupe_key=key[:500])], now)
    return MatchReport(len(articles), hits, deliveries)
