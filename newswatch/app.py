"""Wiring: settings to engine, stores, poller, alert pipeline and deliverer.

The CLI and the daemon both build one App and call its cycle steps.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Protocol

from alerts import notify
from alerts import ops as alert_ops
from alerts import storage as astore
from alerts.alertstore import AlertStorage
from alerts.deliver import Deliverer, DeliveryReport, Sender
from alerts.fulltext import process_pages
from alerts.model import AlertPolicy, Cursor, Target, Watchlist
from alerts.modes import start_digests
from alerts.pipeline import (
    MatchReport,
    WatchlistMatcher,
    process_batch,
    stored_story_doc,
)
from alerts.storage import exclusions as xstore
from alerts.storage.store import AlertStore
from alerts.stories import StoryDoc, StoryGrouper
from ingest import storage as istore
from ingest.db import Tx, shown_url
from ingest.errors import StoreError, db_reason
from ingest.fetch import FetchLimits
from ingest.poller import PageReport, Poller, PollReport, PollSettings, default_parse_workers
from ingest.storage.store import IngestStore
from newswatch import migrate
from newswatch.clock import utcnow
from newswatch.config import Defaults, Settings
from newswatch.dbhealth import start_hint

log = logging.getLogger(__name__)
STORY_WINDOW = timedelta(hours=48)


class DatabaseUnavailable(Exception):
    """The configured database cannot be opened or migrated."""


def policy_from(
    settings: Settings, exclusions: Mapping[tuple[str, str], tuple[str, ...]] | None = None
) -> AlertPolicy:
    """The alert policy of `settings`; `exclusions` ("not this person" phrases stored in
    the database, by (watchlist, name)) join each name's configured exclude phrases."""
    stored = exclusions or {}

    def targets(names: tuple[str, ...]) -> tuple[Target, ...]:
        out: list[Target] = []
        for name in names:
            n = settings.notifier(name)
            if n is not None:
                out.extend(Target(n.name, url, n.rate_limit, n.timeout_s) for url in n.urls)
        return tuple(out)

    watchlists = tuple(
        Watchlist(
            name=w.name,
            # The config's names as built, with the phrases stored for them joined.
            names=tuple(
                replace(n, exclude=(*n.exclude, *stored[(w.name, n.name)]))
                if (w.name, n.name) in stored
                else n
                for n in w.names
            ),
            targets=targets(w.notify),
            mode=w.mode,
            schedule=w.schedule,
            quiet_hours=w.quiet_hours,
            followup_after=w.followup_after,
            template_title=w.template_title,
            template_body=w.template_body,
        )
        for w in settings.watchlists
    )
    ops = targets(("ops",)) if settings.notifier("ops") else ()
    return AlertPolicy(
        watchlists=watchlists,
        ops_targets=ops,
        timezone=settings.tz,
        delivery_expiry_s=settings.defaults.delivery_expiry_s,
        max_backoff_s=min(settings.defaults.max_backoff_s, 3600.0),
    )


def fetch_limits(d: Defaults) -> FetchLimits:
    """The fetcher's limits from `[defaults]` (feeds and article pages alike)."""
    return FetchLimits(
        timeout_s=d.timeout_s,
        max_bytes=d.max_body_bytes,
        concurrency=d.concurrency,
        per_host=d.per_host,
        host_gap_s=d.host_gap_s,
        queue_wait_s=d.queue_wait_s,
        allow_private=d.allow_private,
        user_agent=d.user_agent or FetchLimits().user_agent,
    )


@dataclass(frozen=True, slots=True)
class CycleReport:
    poll: PollReport
    matched: MatchReport
    delivered: DeliveryReport

    def line(self) -> str:
        return (
            f"{self.poll.line()} matched_articles={self.matched.articles} "
            f"hits={self.matched.hits} queued={self.matched.deliveries} "
            f"sent={self.delivered.sent} retrying={self.delivered.retried} "
            f"failed={self.delivered.failed}"
        )


class App:
    """One newswatch instance over one database."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
        sender: Sender | None = None,
        parse_workers: int | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.policy = policy_from(settings)
        self._sender = sender
        self._parse_workers = parse_workers
        # The last placement batch this process's story index holds (see
        # `_catch_up_stories`).
        self._story_seq = 0
        notify.register_console()

    @cached_property
    def store(self) -> IngestStore:
        """Ingest's store: feeds, articles, pages, heartbeats."""
        return IngestStore.open(self.settings.database_url)

    @cached_property
    def alert_store(self) -> AlertStore:
        """Alerts' store on the same engine: hits, stories, outbox."""
        return AlertStore(self.store.engine)

    def open(self) -> None:
        """Migrate the schema and make the feeds table follow the config."""
        try:
            with migrate.startup_lock(self.store.engine):
                migrate.upgrade(self.store.engine)
                with self.store.batch() as s:
                    istore.sync_feeds(s, self.settings.feeds, self.clock())
                start_digests(self.alert_store, self.policy, self.clock())
                with self.store.read() as s:
                    self.policy = policy_from(self.settings, xstore.exclusion_phrases(s))
        except StoreError as e:
            url = self.settings.database_url
            raise DatabaseUnavailable(_describe_db_error(url, e) + start_hint(url)) from e

    def reload(self, settings: Settings) -> list[str]:
        """Take a re-read config: feeds, watchlists, notifiers and delivery modes follow
        it at once; returns a note for each change that needs a restart instead."""
        from newswatch.reload import split_restart

        settings, notes = split_restart(self.settings, settings)
        now = self.clock()
        with self.store.batch() as s:
            # The config's own FeedSpecs: a feed's kind and full-text mode survive a reload.
            istore.sync_feeds(s, settings.feeds, now)
        self.settings = settings
        self.refresh_exclusions()
        start_digests(self.alert_store, self.policy, now)
        return notes

    def refresh_exclusions(self) -> None:
        """Rebuild the policy and matcher after a "not this person" was recorded.

        The new matcher replaces the old one in one assignment: a batch already
        matching finishes with the old one, the next batch uses the new one."""
        with self.store.read() as s:
            self.policy = policy_from(self.settings, xstore.exclusion_phrases(s))
        matcher = WatchlistMatcher(self.policy.watchlists)
        self.__dict__["matcher"] = matcher
        if "deliverer" in self.__dict__:
            self.deliverer.policy = self.policy

    @cached_property
    def matcher(self) -> WatchlistMatcher:
        return WatchlistMatcher(self.policy.watchlists)

    @cached_property
    def grouper(self) -> StoryGrouper:
        """The story grouper, warmed with the stored stories of the last window on first use."""
        return StoryGrouper(window=STORY_WINDOW, loader=self._story_window)

    def _story_window(self) -> list[tuple[StoryDoc, int]]:
        with self.store.read() as s:
            # Read before the window: a batch committed in between is read twice (and
            # absorbed once), never missed.
            self._story_seq = astore.placement_seq(s)
            members = astore.story_window(s, self.clock() - STORY_WINDOW)
        log.info("stories warmed articles=%d", len(members))
        return _story_docs(members)

    def _catch_up_stories(self, session: Tx) -> None:
        """Under the matching lock: absorb the placements other daemons sharing this
        database committed since this one last looked, so that the next report of an
        event joins the story another daemon opened (one story, one alert)."""
        latest = astore.placement_seq(session)
        if latest <= self._story_seq:
            return
        since = self.clock() - STORY_WINDOW
        members = astore.story_window(session, since, after_seq=self._story_seq)
        added = self.grouper.absorb(_story_docs(members))
        self._story_seq = latest
        log.debug("stories caught up batch=%d articles=%d", latest, added)

    def _match_batch(self, process: BatchProcessor) -> MatchReport:
        """One batch in one transaction, its placements stamped as the next batch."""
        # The grouper's transaction encloses the database's: placements made in a
        # batch that rolls back (a lost connection) are undone in memory too.
        with self.grouper.transaction(), self.store.batch() as s:
            astore.serialize_matching(s)  # before reading the clock: see its docstring
            self._catch_up_stories(s)
            report = process(
                s,
                self.policy,
                self.matcher,
                self.clock(),
                store=self.alert_store,
                grouper=self.grouper,
            )
            stamped = astore.stamp_placements(s)
        self._story_seq = stamped
        return report

    @cached_property
    def poller(self) -> Poller:
        d = self.settings.defaults
        limits = fetch_limits(d)
        workers = default_parse_workers() if self._parse_workers is None else self._parse_workers
        return Poller(
            self.store,
            self.clock,
            owner=self.owner,
            limits=limits,
            settings=PollSettings(
                backfill_s=d.backfill_s,
                respect_ttl=d.respect_ttl,
                max_backoff_s=d.max_backoff_s,
                max_entries_per_poll=d.max_entries_per_poll,
                parse_workers=workers,
                robots=d.robots,
            ),
        )

    @cached_property
    def deliverer(self) -> Deliverer:
        deliverer = Deliverer(self.alert_store, self.policy, self.clock, owner=self.owner)
        if self._sender is not None:
            deliverer.sender = self._sender
        return deliverer

    def poll(
        self, *, force: bool = False, progress: Callable[[PollReport], None] | None = None
    ) -> PollReport:
        self.rebase_schedule()
        return self.poller.poll(force=force, progress=progress)

    def poll_pages(self) -> PageReport:
        """Fetch the article pages the feeds' entries left pending (`fulltext`)."""
        return self.poller.poll_pages()

    def rebase_schedule(self) -> None:
        """Bring next checks stored before a backward clock jump back within reach."""
        with self.store.batch() as s:
            changed = istore.rebase_schedule(
                s,
                self.clock(),
                max_backoff_s=self.settings.defaults.max_backoff_s,
                lease_s=self.poller.settings.lease_s,
            )
        for name, reason in changed:
            log.debug("schedule rebased feed=%s: %s", name, reason)
        if changed:
            log.warning("schedule rebased feeds=%d: %s", len(changed), changed[0][1])

    def match(self, progress: Callable[[MatchReport], None] | None = None) -> MatchReport:
        """Match every unprocessed article, one transaction per batch; `progress` hears
        the counts so far after each batch."""
        articles = hits = queued = 0
        with self.store.read() as s:
            fresh = istore.any_after(s, astore.cursor_position(s, Cursor.ARTICLES))
        # Nothing new (every feed answered 304, no page arrived): the story index stays
        # unread.
        while fresh:
            r = self._match_batch(process_batch)
            articles, hits, queued = articles + r.articles, hits + r.hits, queued + r.deliveries
            if progress is not None:
                progress(MatchReport(articles, hits, queued))
            if r.articles == 0:
                break
        with self.store.read() as s:
            pages = istore.any_pages_after(
                s,
                astore.cursor_position(s, Cursor.PAGES),
                astore.cursor_position(s, Cursor.ARTICLES),
            )
        while pages:
            r = self._match_batch(process_pages)
            hits, queued = hits + r.hits, queued + r.deliveries
            if r.articles == 0:
                break
        self.grouper.evict(self.clock() - STORY_WINDOW)
        return MatchReport(articles, hits, queued)

    def deliver(self) -> DeliveryReport:
        sent = retried = failed = 0
        while True:
            r = self.deliverer.run_once()
            sent, retried, failed = sent + r.sent, retried + r.retried, failed + r.failed
            if r.sent + r.failed == 0 or self.deliverer.stopping.is_set():
                break
        return DeliveryReport(sent, retried, failed)

    def cycle(self, *, force: bool = False) -> CycleReport:
        poll = self.poll(force=force)
        matched = self.match()
        delivered = self.deliver()
        # Feed text is matched and alerted above; page text follows once fetched.
        self.poll_pages()
        paged = self.match()
        more = self.deliver()
        matched = MatchReport(
            matched.articles, matched.hits + paged.hits, matched.deliveries + paged.deliveries
        )
        delivered = DeliveryReport(
            delivered.sent + more.sent,
            delivered.retried + more.retried,
            delivered.failed + more.failed,
        )
        return CycleReport(poll, matched, delivered)

    def retention(self) -> int:
        """Delete matched articles older than `[defaults] retention` with their hits."""
        before = self.clock() - timedelta(seconds=self.settings.defaults.retention_s)
        with self.store.batch() as s:
            matched = astore.cursor_position(s, Cursor.ARTICLES)
            ids = istore.delete_articles_before(s, before, through=matched)
            astore.purge_for_articles(s, ids)
            istore.purge_articles(s, ids)
        return len(ids)

    def maintenance(self) -> None:
        """Retention, and operator notices for feeds failing too long or recovered,
        and for deliveries given up."""
        deleted = self.retention()
        now = self.clock()
        ops = self.policy.ops_targets
        limit = timedelta(seconds=self.settings.defaults.failing_alert_after_s)
        with self.store.batch() as s:
            for feed_id, name, error, since in istore.failing_unreported(s, now - limit):
                istore.mark_failing_reported(s, feed_id)
                if ops:
                    notices = alert_ops.feed_failing(ops, feed_id, name, error, since, now)
                    self.alert_store.enqueue(s, notices, now)
            for feed_id, name, since in istore.recovered_unreported(s):
                istore.mark_recovery_reported(s, feed_id)
                if ops:
                    notices = alert_ops.feed_recovered(ops, feed_id, name, since, now)
                    self.alert_store.enqueue(s, notices, now)
            failed = astore.failed_unreported(s)
            astore.mark_reported(s, [d.id for d in failed])
            if ops:
                for d in failed:
                    self.alert_store.enqueue(s, alert_ops.delivery_failed(ops, d, now), now)
        log.info("maintenance deleted_articles=%d", deleted)

    def close(self) -> None:
        if "poller" in self.__dict__:
            self.poller.close()
        if "store" in self.__dict__:
            self.store.dispose()


class BatchProcessor(Protocol):
    """`process_batch` or `process_pages`: one batch inside the caller's transaction."""

    def __call__(
        self,
        session: Tx,
        policy: AlertPolicy,
        matcher: WatchlistMatcher,
        now: datetime,
        *,
        store: AlertStorage,
        grouper: StoryGrouper | None = None,
        limit: int = 200,
    ) -> MatchReport: ...


def _story_docs(members: list[astore.StoryMember]) -> list[tuple[StoryDoc, int]]:
    return [
        (stored_story_doc(m.article, m.people, m.forms | m.people), m.story_id) for m in members
    ]


def _describe_db_error(url: str, e: StoreError) -> str:
    return f"database {shown_url(url)}: {db_reason(e)}"


def describe_db_error(e: BaseException) -> str:
    """The driver's own first line, without SQLAlchemy's SQL echo and background link."""
    return db_reason(e)
