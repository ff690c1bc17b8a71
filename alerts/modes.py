"""Delivery modes before each delivery run: scheduled digests, alerts held by quiet hours
or over a notifier's rate limit. Owns what goes into the outbox; sending is `deliver`'s.

A scheduled digest is enqueued and its period advanced in one transaction, under the
dedupe key `digest:{watchlist}:{target}:{period_end}`, so each period goes out once per
target. A held alert leaves the queue (status `held`) for a `held` delivery due when its
quiet period or rate window ends; it is marked sent with that digest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from alerts import storage as astore
from alerts.alertstore import AlertStorage
from alerts.digest import Period, due_period, quiet_period, rate_window
from alerts.errors import StoreConflict
from alerts.model import AlertPolicy, DeliveryKind, WatchMode
from alerts.schedule import Schedule, parse_schedule
from ingest.db import Tx

log = logging.getLogger(__name__)


class _Raced(Exception):
    """Another daemon moved the digest period first."""


@dataclass(frozen=True, slots=True)
class Hold:
    """Alerts to one target held in one digest, due at `period.end`."""

    dedupe_key: str
    notifier: str
    target_key: str
    period: Period
    label: str
    ids: tuple[int, ...]


def plan_holds(
    rows: Sequence[astore.Foldable],
    policy: AlertPolicy,
    now: datetime,
    used: Mapping[str, int],
) -> list[Hold]:
    """Which pending alerts to hold, in order of discovery: those that arrived in their
    watchlist's quiet hours, then those over their target's rate limit in this window
    (`used`: what each limited target already sent or has in flight in the window)."""
    tz = policy.timezone
    groups: dict[str, Hold] = {}
    admitted: dict[str, int] = {}
    for row in rows:
        w = policy.watchlist(row.watchlist) if row.watchlist else None
        target = policy.target(row.target_key)
        if w is None or target is None:
            continue  # the delivery job fails it with its reason
        key, period, label = None, None, ""
        quiet = quiet_period(row.created_at, tz, w.quiet_hours) if w.quiet_hours else None
        if quiet is not None:
            key = f"quiet:{row.target_key}:{quiet.end.isoformat()}"
            period, label = quiet, f"quiet hours {quiet.label(tz)}"
        elif target.rate_limit is not None:
            count, per_s = target.rate_limit
            if used.get(row.target_key, 0) + admitted.get(row.target_key, 0) < count:
                admitted[row.target_key] = admitted.get(row.target_key, 0) + 1
                continue
            period = rate_window(now, per_s)
            key = f"rate:{row.target_key}:{period.end.isoformat()}"
            label = f"over {count} alerts {period.label(tz)}"
        if key is None or period is None:
            continue
        held = groups.get(key)
        ids = (*held.ids, row.id) if held else (row.id,)
        groups[key] = Hold(key, row.notifier, row.target_key, period, label, ids)
        log.debug("hold delivery=%d in=%s", row.id, key)
    return list(groups.values())


def hold_alerts(store: AlertStorage, policy: AlertPolicy, now: datetime) -> int:
    """Move alerts that must wait into their digests; returns how many were held."""
    quiet = [w.name for w in policy.watchlists if w.quiet_hours and w.mode == WatchMode.INSTANT]
    limited = {t.key: t for w in policy.watchlists for t in w.targets if t.rate_limit}
    if not quiet and not limited:
        return 0
    held = 0
    try:
        with store.batch() as s:
            rows = store.foldable(s, now, quiet, list(limited))
            if not rows:
                return 0
            used = {
                key: store.instant_used(s, key, rate_window(now, t.rate_limit[1]).start, now)
                for key, t in limited.items()
                if t.rate_limit
            }
            for hold in plan_holds(rows, policy, now, used):
                held += _hold(store, s, hold, now)
    except StoreConflict:
        # Another daemon created the same digest at the same moment: its transaction
        # stands, ours is rolled back whole, and the next run holds what is left.
        log.info("hold raced another daemon; retrying next run")
        return 0
    if held:
        log.info("held alerts=%d", held)
    return held


def _hold(store: AlertStorage, s: Tx, hold: Hold, now: datetime) -> int:
    digest_id = store.open_digest(s, hold.dedupe_key)
    if digest_id is None:
        if store.digest_exists(s, hold.dedupe_key):
            # The digest for this period is already going out (a daemon that was down
            # through the end of quiet hours): the alert goes out on its own, late.
            return 0
        store.enqueue(
            s,
            [
                astore.NewDelivery(
                    dedupe_key=hold.dedupe_key,
                    kind=DeliveryKind.HELD,
                    notifier=hold.notifier,
                    target_key=hold.target_key,
                    due_at=hold.period.end,
                    payload=_payload(hold.period, hold.label),
                )
            ],
            now,
        )
        digest_id = store.open_digest(s, hold.dedupe_key)
        assert digest_id is not None
    store.hold(s, hold.ids, digest_id)
    return len(hold.ids)


def start_digests(store: AlertStorage, policy: AlertPolicy, now: datetime) -> None:
    """Start the first period of each new digest (watchlist, target) at `now`, so a new
    watchlist's first digest covers what it found from now on, not the stored history."""
    with store.batch() as s:
        for w in policy.watchlists:
            if w.mode == WatchMode.DIGEST and w.schedule:
                for t in w.targets:
                    store.start_digest_state(s, w.name, t.key, now)


def enqueue_digests(store: AlertStorage, policy: AlertPolicy, now: datetime) -> int:
    """Enqueue every scheduled digest whose period has ended; returns how many."""
    queued = 0
    tz = policy.timezone
    for w in policy.watchlists:
        if w.mode != WatchMode.DIGEST or not w.schedule:
            continue
        schedule = parse_schedule(w.schedule)
        for t in w.targets:
            try:
                with store.batch() as s:
                    queued += _enqueue_digest(
                        store, s, w.name, t.key, t.notifier, schedule, tz, now
                    )
            except (StoreConflict, _Raced):
                log.info("digest raced another daemon watchlist=%s target=%s", w.name, t.key)
    if queued:
        log.info("digests queued=%d", queued)
    return queued


def _enqueue_digest(
    store: AlertStorage,
    s: Tx,
    watchlist: str,
    target_key: str,
    notifier: str,
    schedule: Schedule,
    tz: tzinfo,
    now: datetime,
) -> int:
    store.serialize_matching(s)
    last = store.digest_state(s, watchlist, target_key)
    if last is None:
        store.start_digest_state(s, watchlist, target_key, now)
        return 0
    period = due_period(schedule, tz, last, now)
    if period is None:
        return 0
    queued = 0
    if store.has_hits_between(s, watchlist, period.start, period.end):
        queued = store.enqueue(
            s,
            [
                astore.NewDelivery(
                    dedupe_key=f"digest:{watchlist}:{target_key}:{period.end.isoformat()}",
                    kind=DeliveryKind.DIGEST,
                    notifier=notifier,
                    target_key=target_key,
                    due_at=period.end,
                    watchlist=watchlist,
                    payload=_payload(period, period.label(tz)),
                )
            ],
            now,
        )
    else:
        log.debug("digest empty watchlist=%s period=%s", watchlist, period.label(tz))
    if not store.advance_digest_state(s, watchlist, target_key, last, period.end):
        raise _Raced  # another daemon queued this period: roll ours back whole
    return queued


def _payload(period: Period, label: str) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": label}


def payload_period(payload: Mapping[str, object] | None) -> tuple[Period, str] | None:
    """The period and label a digest delivery was enqueued with."""
    if not payload or "start" not in payload or "end" not in payload:
        return None
    start = datetime.fromisoformat(str(payload["start"]))
    end = datetime.fromisoformat(str(payload["end"]))
    return Period(start, end), str(payload.get("label", ""))
