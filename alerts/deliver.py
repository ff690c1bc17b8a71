"""The delivery job: claim due outbox rows, send each through its target, record the result.

An attempt is recorded before the send and the success right after it, so a crash
loses nothing (an expired lease makes the row due again) and can repeat at most the
one send in flight; its delivery id travels with the message as an idempotency key.
Each target is drained in its own thread, in order of discovery, so one target's
outage never delays another's. A refusal holds the target's later deliveries behind the
refused one (their order survives an outage); a timed-out send (an unknown outcome) or
any unexpected error is retried alone, under the same delivery id, while the rest go on.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from alerts import modes, notify, ops, render
from alerts import storage as astore
from alerts.alertstore import AlertStorage
from alerts.errors import NotifyError, SendTimeout, StoreError, TemplateError
from alerts.model import DELIVERY_LEASE_S, PERIOD_KINDS, AlertPolicy, DeliveryKind, Hit, Target
from alerts.retry import retry_delay

log = logging.getLogger(__name__)


class Sender(Protocol):
    def __call__(
        self,
        url: str,
        message: render.Message,
        *,
        idempotency_key: str | None,
        timeout_s: float = notify.DEFAULT_TIMEOUT_S,
    ) -> None: ...


def _apprise_send(
    url: str,
    message: render.Message,
    *,
    idempotency_key: str | None,
    timeout_s: float = notify.DEFAULT_TIMEOUT_S,
) -> None:
    notify.send(url, message, idempotency_key=idempotency_key, timeout_s=timeout_s)


class Outcome(StrEnum):
    """What became of one delivery attempt (counted in `DeliveryReport`)."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


# Makes a delivery's message for its target; None when nothing is left to send.
_Maker = Callable[[astore.Claimed, notify.TargetInfo], render.Message | None]


@lru_cache(maxsize=1024)
def _target_info(url: str) -> notify.TargetInfo:
    return notify.target_info(url)


class Deliverer:
    """Drains the outbox; one instance per daemon (its `owner` names its leases)."""

    def __init__(
        self,
        store: AlertStorage,
        policy: AlertPolicy,
        clock: Callable[[], datetime],
        *,
        owner: str,
        sender: Sender = _apprise_send,
        lease_s: float = DELIVERY_LEASE_S,
        base_retry_s: float = 30.0,
        batch: int = 200,
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock
        self.owner = owner
        self.sender = sender
        self.lease_s = lease_s
        self.base_retry_s = base_retry_s
        self.batch = batch
        self.stopping = threading.Event()
        self._makers: dict[DeliveryKind, _Maker] = {
            DeliveryKind.INSTANT: self._alert,
            DeliveryKind.FOLLOWUP: self._alert,
            DeliveryKind.OPS: self._notice,
            DeliveryKind.DIGEST: self._digest,
            DeliveryKind.HELD: self._digest,
        }
        self._templates = {
            w.name: render.compile_templates(render.Templates(w.template_title, w.template_body))
            for w in policy.watchlists
            if w.template_title or w.template_body
        }

    def run_once(self) -> DeliveryReport:
        now = self.clock()
        modes.enqueue_digests(self.store, self.policy, now)
        modes.hold_alerts(self.store, self.policy, now)
        with self.store.batch() as s:
            claimed = self.store.claim_due(
                s, self.clock(), lease_s=self.lease_s, owner=self.owner, limit=self.batch
            )
        if not claimed:
            return DeliveryReport()
        queues: dict[str, list[astore.Claimed]] = {}
        for c in claimed:
            queues.setdefault(c.target_key, []).append(c)
        reports: list[DeliveryReport] = []
        with ThreadPoolExecutor(max_workers=min(len(queues), 8)) as pool:
            reports = list(pool.map(self._drain, queues.values()))
        total = DeliveryReport(
            sum(r.sent for r in reports),
            sum(r.retried for r in reports),
            sum(r.failed for r in reports),
        )
        log.info("deliver sent=%d retried=%d failed=%d", total.sent, total.retried, total.failed)
        return total

    def _drain(self, queue: Sequence[astore.Claimed]) -> DeliveryReport:
        counts = dict.fromkeys(Outcome, 0)
        for i, item in enumerate(queue):
            if self.stopping.is_set():
                self._release(queue[i:])
                break
            try:
                outcome, hold = self._deliver(item)
            except Exception as e:  # one delivery's fault must not stop the rest
                log.warning("delivery error id=%d", item.id, exc_info=True)
                outcome, hold = self._unexpected(item, e), False
            counts[outcome] += 1
            if hold:
                self._release(queue[i + 1 :])
                break
        return DeliveryReport(counts[Outcome.SENT], counts[Outcome.RETRY], counts[Outcome.FAILED])

    def _release(self, rest: Sequence[astore.Claimed]) -> None:
        if rest:
            with self.store.batch() as s:
                self.store.release(s, [c.id for c in rest])

    def _deliver(self, item: astore.Claimed) -> tuple[Outcome, bool]:
        """The outcome of one attempt, and whether the target's later deliveries wait."""
        target = self.policy.target(item.target_key)
        if target is None:
            with self.store.batch() as s:
                self.store.mark_failed(s, item.id, "target no longer in the config")
            return Outcome.FAILED, False
        try:
            message = self._message(item, target)
        except (StoreError, OSError):
            raise  # the database, not the message: retried as an unexpected error
        except Exception as e:  # a message that cannot be rendered fails alone
            log.warning("delivery cannot be rendered id=%d", item.id, exc_info=True)
            with self.store.batch() as s:
                self.store.mark_failed(s, item.id, f"cannot render: {type(e).__name__}: {e}")
            return Outcome.FAILED, False
        if message is None:
            with self.store.batch() as s:
                self.store.mark_failed(s, item.id, "nothing left to send (article deleted)")
            return Outcome.FAILED, False
        with self.store.batch() as s:
            if not self.store.record_attempt(s, item.id, self.owner, self.clock()):
                return Outcome.SENT, False  # another daemon took it over after our lease ran out
        try:
            self.sender(
                target.url,
                message,
                idempotency_key=f"newswatch-{item.id}",
                timeout_s=target.timeout_s,
            )
        except SendTimeout as e:
            # It may have arrived: retried under the same id (the receiver can drop the
            # repeat), and the target's later alerts do not wait on the answer.
            return self._failed_attempt(item, f"unknown outcome: {e.reason}", hold=False), False
        except NotifyError as e:
            outcome = self._failed_attempt(item, e.reason, hold=True)
            return outcome, outcome == Outcome.RETRY
        except Exception as e:  # e.g. a plugin's own bug on this one message
            log.warning("delivery send error id=%d", item.id, exc_info=True)
            return self._failed_attempt(item, f"{type(e).__name__}: {e}", hold=False), False
        with self.store.batch() as s:
            now = self.clock()
            self.store.mark_sent(s, item.id, now)
            if item.kind == DeliveryKind.HELD:
                self.store.mark_held_sent(s, item.id, now)
        log.debug("sent delivery=%d target=%s", item.id, item.target_key)
        return Outcome.SENT, False

    def _unexpected(self, item: astore.Claimed, e: Exception) -> Outcome:
        """Record an error raised outside the send (the database, a bug) on its delivery;
        when even that fails, its lease runs out and it is tried again."""
        try:
            return self._failed_attempt(item, f"{type(e).__name__}: {e}", hold=False)
        except Exception:  # the database is gone: the lease is the fallback
            log.warning("delivery error not recorded id=%d", item.id, exc_info=True)
            return Outcome.RETRY

    def _failed_attempt(self, item: astore.Claimed, reason: str, *, hold: bool) -> Outcome:
        now = self.clock()
        attempts = item.attempts + 1
        # A digest waits for its period to end before its first try; expiry counts from then.
        due = modes.payload_period(item.payload) if item.kind in PERIOD_KINDS else None
        since = max(item.created_at, due[0].end) if due else item.created_at
        expired = now - since >= timedelta(seconds=self.policy.delivery_expiry_s)
        with self.store.batch() as s:
            if expired:
                self.store.mark_failed(s, item.id, reason)
                log.warning(
                    "delivery failed for good id=%d target=%s: %s", item.id, item.target_key, reason
                )
                return Outcome.FAILED
            delay = retry_delay(
                attempts,
                base_s=self.base_retry_s,
                cap_s=self.policy.max_backoff_s,
                jitter_key=str(item.id),
            )
            self.store.mark_retry(
                s,
                item.id,
                item.target_key,
                reason,
                now + timedelta(seconds=delay),
                hold_later=hold,
            )
        log.warning(
            "delivery retry id=%d target=%s attempt=%d in=%.0fs: %s",
            item.id,
            item.target_key,
            attempts,
            delay,
            reason,
        )
        return Outcome.RETRY

    def _message(self, item: astore.Claimed, target: Target) -> render.Message | None:
        return self._makers[item.kind](item, _target_info(target.url))

    def _notice(self, item: astore.Claimed, info: notify.TargetInfo) -> render.Message | None:
        if item.payload is None:
            return None
        return render.Message(str(item.payload["title"]), str(item.payload["body"]), "text")

    def _alert(self, item: astore.Claimed, info: notify.TargetInfo) -> render.Message | None:
        if item.article_id is None or item.watchlist is None:
            return None
        fmt = info.body_format
        with self.store.read() as s:
            article = self.store.articles.by_id(s, [item.article_id]).get(item.article_id)
            hits = self.store.hits_for_article(s, item.watchlist, item.article_id)
            also: tuple[str, ...] = ()
            if item.kind == DeliveryKind.FOLLOWUP and item.story_id is not None:
                outlets = self.store.story_outlets(s, item.story_id)
                also = tuple(o for o in outlets if article is None or o != article.feed_name)
        if article is None or not hits:
            return None
        alert = render.AlertItem(
            watchlist=item.watchlist,
            title=article.title,
            link=article.link,
            feed=article.feed_name,
            published=article.published,
            hits=tuple(hits),
            delivery_id=f"newswatch-{item.id}",
            also_reported=also,
        )
        templates = self._templates.get(item.watchlist)
        if templates is not None:
            try:
                return render.render_instant(
                    alert,
                    body_format=fmt,
                    tz=self.policy.timezone,
                    templates=templates,
                    title_max=info.title_max,
                    body_max=info.body_max,
                    dialect=info.dialect,
                )
            except TemplateError as e:
                self._template_failed(item, str(e))
        return render.render_instant(
            alert,
            body_format=fmt,
            tz=self.policy.timezone,
            title_max=info.title_max,
            body_max=info.body_max,
            dialect=info.dialect,
        )

    def _template_failed(self, item: astore.Claimed, error: str) -> None:
        """A template that passed `check` failed on real data: the alert goes out with the
        default message, and the operator hears of it once per template and error."""
        log.warning(
            "template failed watchlist=%s delivery=%d, default message sent: %s",
            item.watchlist,
            item.id,
            error,
        )
        w = self.policy.watchlist(item.watchlist or "")
        source = f"{w.template_title if w else ''}\0{w.template_body if w else ''}\0{error}"
        digest = hashlib.sha256(source.encode()).hexdigest()[:16]
        now = self.clock()
        notices = ops.template_failed(
            self.policy.ops_targets, item.watchlist, item.id, digest, error, now
        )
        if notices:
            with self.store.batch() as s:
                self.store.enqueue(s, notices, now)

    def _digest(self, item: astore.Claimed, info: notify.TargetInfo) -> render.Message | None:
        """A digest rendered at send time: a scheduled one from the hits of its period,
        a held one from the alerts it holds."""
        found = modes.payload_period(item.payload)
        if found is None:
            return None
        period, label = found
        with self.store.read() as s:
            if item.kind == DeliveryKind.DIGEST and item.watchlist is not None:
                pairs = [
                    ((item.watchlist, a), h)
                    for a, h in self.store.hits_between(s, item.watchlist, period.start, period.end)
                ]
            else:
                pairs = [
                    ((w, a), h)
                    for w, a in self.store.held_in(s, item.id)
                    for h in self.store.hits_for_article(s, w, a)
                ]
            articles = self.store.articles.by_id(s, {a for (_, a), _ in pairs})
        grouped: dict[tuple[str, int], list[Hit]] = {}
        for (w, a), h in pairs:
            grouped.setdefault((w, a), []).append(h)
        items = [
            render.AlertItem(
                watchlist=w,
                title=article.title,
                link=article.link,
                feed=article.feed_name,
                published=article.published or article.first_seen,
                hits=tuple(hits),
                delivery_id=f"newswatch-{item.id}",
            )
            for (w, a), hits in grouped.items()
            if (article := articles.get(a)) is not None
        ]
        if not items:
            return None
        return render.render_digest(
            items,
            body_format=info.body_format,
            tz=self.policy.timezone,
            period_label=label,
            title_max=info.title_max,
            body_max=info.body_max,
            dialect=info.dialect,
        )
