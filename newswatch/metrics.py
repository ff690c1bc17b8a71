"""Prometheus metrics for `GET /metrics`, through prometheus-client.

Totals the database knows (hits, deliveries, stories, feeds, the outbox) are read from
it at scrape time, so they survive a restart; what only this process sees (poll tick
durations, fetch outcomes) is counted here. No URL or other secret is ever a label:
a delivery target appears as its notifier name and URL scheme.
"""

from __future__ import annotations

import threading
from collections import Counter as Tally
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from alerts.storage import counts
from ingest import storage as istore
from ingest.outcomes import FeedState
from ingest.poller import PollReport
from newswatch.app import App

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Publish-to-alert spans seconds (pushed, instant) to days (a digest, a backlog).
LATENCY_BUCKETS = (1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400)
TICK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class Metrics:
    """One registry per daemon: process counters plus a collector over the database."""

    def __init__(self, app: App) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.tick_seconds = Histogram(
            "newswatch_poll_tick_duration_seconds",
            "Wall time of one poll tick (fetch, parse, store, match).",
            buckets=TICK_BUCKETS,
            registry=self.registry,
        )
        self.fetches = Counter(
            "newswatch_fetches",
            "Feed fetches by outcome: 200, 304 (not modified), or the kind of error "
            "(timeout, dns, connection, tls, http_4xx, http_5xx, gone, redirect, "
            "too_large, refused, invalid_url, parse, storage, internal, other).",
            ["outcome"],
            registry=self.registry,
        )
        self.entries = Counter(
            "newswatch_entries_parsed",
            "Entries parsed in the feeds' bodies (new or already stored).",
            registry=self.registry,
        )
        self.new_articles = Counter(
            "newswatch_articles_new",
            "New articles stored by this process.",
            registry=self.registry,
        )
        self.latency = Histogram(
            "newswatch_publish_to_alert_seconds",
            "From an entry's publication (or first sight, if earlier or undated) "
            "to its alert being sent.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.websub_pushes = Counter(
            "newswatch_websub_pushes",
            "WebSub pushes by result: accepted, bad signature (dropped), unknown.",
            ["result"],
            registry=self.registry,
        )
        self.registry.register(_StoreCollector(app, self))
        self._lock = threading.Lock()
        self._latency_mark: datetime | None = None
        self._latency_seen: set[int] = set()
        self.app = app

    def observe_tick(self, report: PollReport, elapsed_s: float) -> None:
        self.tick_seconds.observe(elapsed_s)
        for outcome, n in (
            ("200", report.ok + report.unchanged),
            ("304", report.not_modified),
            *report.error_kinds,
        ):
            if n:
                self.fetches.labels(outcome).inc(n)
        if report.entries:
            self.entries.inc(report.entries)
        if report.new_articles:
            self.new_articles.inc(report.new_articles)

    def exposition(self) -> bytes:
        with self._lock:
            self._observe_sent()
            return generate_latest(self.registry)

    def _observe_sent(self) -> None:
        """Feed deliveries sent since the last scrape into the latency histogram; the
        first scrape after a start reads them all, so the histogram survives restarts."""
        with self.app.store.read() as s:
            sent = counts.sent_alerts_since(s, self._latency_mark)
        for alert in sent:
            if alert.id in self._latency_seen:
                continue
            start = min(alert.published or alert.first_seen, alert.first_seen)
            self.latency.observe(max(0.0, (alert.sent_at - start).total_seconds()))
            if alert.sent_at != self._latency_mark:
                self._latency_mark, self._latency_seen = alert.sent_at, set()
            self._latency_seen.add(alert.id)


class _StoreCollector(Collector):
    def __init__(self, app: App, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        app = self.app
        now = app.clock()
        with app.store.read() as s:
            feeds = istore.feed_statuses(s, now)
            hits = counts.hits_by_watchlist(s)
            deliveries = counts.deliveries_by(s)
            box = counts.outbox(s)
            stories, placed = counts.story_totals(s)

        by_state = GaugeMetricFamily(
            "newswatch_feeds", "Configured feeds by state.", labels=["state"]
        )
        states = Tally(f.status for f in feeds)
        for state in FeedState:
            by_state.add_metric([state], states.get(state, 0))
        yield by_state
        articles = GaugeMetricFamily("newswatch_articles_stored", "Articles in the database.")
        articles.add_metric([], sum(f.articles for f in feeds))
        yield articles

        per_list = CounterMetricFamily(
            "newswatch_hits", "Stored hits by watchlist.", labels=["watchlist"]
        )
        for name, n in sorted(hits.items()):
            per_list.add_metric([name], n)
        yield per_list

        sends = CounterMetricFamily(
            "newswatch_deliveries",
            "Deliveries by status, kind and target (notifier and URL scheme).",
            labels=["status", "kind", "notifier", "scheme"],
        )
        grouped: Tally[tuple[str, str, str, str]] = Tally()
        for (status, kind, key), n in deliveries.items():
            notifier, scheme = _target_labels(app, key)
            grouped[(status, kind, notifier, scheme)] += n
        for labels, n in sorted(grouped.items()):
            sends.add_metric(list(labels), n)
        yield sends

        depth = GaugeMetricFamily("newswatch_outbox_depth", "Deliveries pending.")
        depth.add_metric([], box.pending)
        yield depth
        age = GaugeMetricFamily(
            "newswatch_outbox_oldest_pending_seconds",
            "Age of the oldest pending delivery (0 when none).",
        )
        age.add_metric(
            [], 0.0 if box.oldest_pending is None else (now - box.oldest_pending).total_seconds()
        )
        yield age

        placements = CounterMetricFamily(
            "newswatch_story_placements",
            "Articles placed in stories: as a new story's first report, or joining one.",
            labels=["placement"],
        )
        placements.add_metric(["new"], stories)
        placements.add_metric(["joined"], max(0, placed - stories))
        yield placements


def _target_labels(app: App, key: str) -> tuple[str, str]:
    """(notifier, URL scheme) of a target key; the URL itself is a secret."""
    target = app.policy.target(key)
    notifier = key.split(":", 1)[0]
    if target is None:
        return notifier, "unknown"
    return target.notifier, target.url.split("://", 1)[0].lower()
