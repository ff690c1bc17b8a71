"""WebSub subscriber: subscribes feeds that name a hub, renews leases, unsubscribes
feeds that left the config, and turns a verified push into an immediate poll of the
feed, so pushed entries take the same fetch, parse, match and store path as polled
ones (and a push that lies about its content cannot skip it)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

import aiohttp
from aiohttp import web

from ingest import websub
from ingest import websub_store as store
from ingest.fetch import Fetcher, FetchLimits
from ingest.model import FetchRequest
from ingest.websub_store import SubState
from newswatch.app import App

log = logging.getLogger(__name__)
LEASE_S = 10 * 86400  # asked for; the hub decides (§5.1 hub.lease_seconds)
RECHECK_NO_HUB = timedelta(days=1)
TIMEOUT_S = 30.0


class Subscriber:
    def __init__(
        self,
        app: App,
        public_url: str,
        on_push: Callable[[], None],
        count: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.base = public_url.rstrip("/")
        self.on_push = on_push
        self.count = count or (lambda _outcome: None)

    def callback(self, feed_id: int) -> str:
        return f"{self.base}/websub/{feed_id}"

    # -- the subscription job -------------------------------------------------------

    def run_once(self) -> int:
        """Subscribe, renew or unsubscribe what is due; returns requests sent."""
        now = self.app.clock()
        with self.app.store.read() as s:
            subs = store.subscriptions(s)
        return asyncio.run(self._run(subs, now))

    async def _run(self, subs: list[store.Subscription], now: datetime) -> int:
        sent = 0
        limits = FetchLimits(timeout_s=TIMEOUT_S)
        async with (
            Fetcher(limits) as fetcher,
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as http,
        ):
            for sub in subs:
                if not sub.enabled:
                    if sub.state == SubState.ACTIVE and sub.hub and sub.topic:
                        # Recorded first: the hub may verify before it answers (§6).
                        self._record(sub.feed_id, SubState.LEAVING, now)
                        await self._ask(http, sub.feed_id, sub.hub, sub.topic, "unsubscribe")
                        sent += 1
                    continue
                if (
                    sub.state == SubState.NOHUB
                    and sub.checked_at
                    and now - sub.checked_at < RECHECK_NO_HUB
                ):
                    continue
                if sub.state in (SubState.ACTIVE, SubState.PENDING) and not websub.renew_due(
                    sub.lease_until, sub.lease_s, now
                ):
                    continue
                if (
                    sub.state == SubState.PENDING
                    and sub.checked_at
                    and now - sub.checked_at < timedelta(minutes=10)
                ):
                    continue  # the hub has not verified yet
                found = await self._discover(fetcher, sub.feed_url)
                if found is None:
                    self._record(sub.feed_id, SubState.NOHUB, now)
                    continue
                secret = sub.secret or secrets.token_hex(20)
                with self.app.store.batch() as s:
                    # Pending before the request: the hub may verify before it answers.
                    state = SubState.ACTIVE if sub.state == SubState.ACTIVE else SubState.PENDING
                    store.record(
                        s,
                        sub.feed_id,
                        state=state,
                        now=now,
                        hub=found.hub,
                        topic=found.topic,
                        secret=secret,
                    )
                error = await self._ask(
                    http, sub.feed_id, found.hub, found.topic, "subscribe", secret
                )
                sent += 1
                if error:
                    self._record(sub.feed_id, SubState.PENDING, now, error)
        return sent

    async def _discover(self, fetcher: Fetcher, url: str) -> websub.Hub | None:
        result = await fetcher.fetch(FetchRequest(url))
        if result.status != 200:
            return None
        return websub.discover(result.url, result.headers, result.body)

    async def _ask(
        self,
        http: aiohttp.ClientSession,
        feed_id: int,
        hub: str,
        topic: str,
        mode: Literal["subscribe", "unsubscribe"],
        secret: str | None = None,
    ) -> str | None:
        form = {
            "hub.callback": self.callback(feed_id),
            "hub.mode": mode,
            "hub.topic": topic,
            "hub.lease_seconds": str(LEASE_S),
        }
        if secret is not None:
            form["hub.secret"] = secret
        try:
            async with http.post(hub, data=form) as r:
                if r.status // 100 == 2:
                    log.info("websub %s feed=%d hub=%s", mode, feed_id, hub)
                    return None
                error = f"hub answered {r.status}"
        except (aiohttp.ClientError, TimeoutError) as e:
            error = f"hub unreachable: {type(e).__name__}"
        log.warning("websub %s refused feed=%d hub=%s: %s", mode, feed_id, hub, error)
        return error

    def _record(
        self, feed_id: int, state: SubState, now: datetime, error: str | None = None
    ) -> None:
        with self.app.store.batch() as s:
            store.record(s, feed_id, state=state, now=now, error=error)

    # -- the callback ------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        """§5.3 verification of intent: echo the challenge for what we asked."""
        q = request.query
        mode, topic, challenge = (
            q.get("hub.mode", ""),
            q.get("hub.topic", ""),
            q.get("hub.challenge"),
        )
        feed_id = int(request.match_info["id"])
        if mode == "denied":
            log.warning("websub denied feed=%d: %s", feed_id, q.get("hub.reason", ""))
            return web.Response(text="")
        lease = q.get("hub.lease_seconds", "")
        lease_s = float(lease) if lease.isdigit() else None

        def check() -> bool:
            with self.app.store.batch() as s:
                return store.verified(s, feed_id, mode, topic, lease_s, self.app.clock())

        ok = challenge is not None and await asyncio.get_running_loop().run_in_executor(None, check)
        if not ok:
            raise web.HTTPNotFound(text="no such subscription\n")
        log.info("websub verified %s feed=%d lease=%s", mode, feed_id, lease or "-")
        return web.Response(text=challenge or "", content_type="text/plain")

    async def push(self, request: web.Request) -> web.Response:
        """§7/§8: a signed body means new content; anything else is ignored (with a 2xx,
        as the specification asks, so a forger learns nothing)."""
        feed_id = int(request.match_info["id"])
        body = await request.read()
        signature = request.headers.get("X-Hub-Signature")

        def accept() -> str:
            with self.app.store.batch() as s:
                secret = store.secret_of(s, feed_id)
                if secret is None:
                    return "unknown"
                if not websub.signature_ok(signature, secret, body):
                    return "bad signature"
                store.due_now(s, feed_id, self.app.clock())
                return "accepted"

        outcome = await asyncio.get_running_loop().run_in_executor(None, accept)
        self.count(outcome)
        if outcome == "accepted":
            self.on_push()
        else:
            log.warning("websub push dropped feed=%d: %s", feed_id, outcome)
        return web.Response(status=202, text="")
