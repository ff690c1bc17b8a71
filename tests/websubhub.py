"""A WebSub hub on loopback for tests (aiohttp on its own loop in a thread): it takes
subscription requests, verifies intent with the subscriber's callback (§5.3), and
publishes bodies to it, signed with the subscriber's hub.secret (§8) or not."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from types import TracebackType

import aiohttp
from aiohttp import web


@dataclass
class Sub:
    callback: str
    topic: str
    secret: str | None
    lease_s: int


class Hub:
    def __init__(self, lease_s: int = 3600) -> None:
        self.lease_s = lease_s
        self.subs: dict[str, Sub] = {}
        self.events: list[tuple[str, str]] = []  # (mode, topic) verified
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    def __enter__(self) -> Hub:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hub"

    def wait_event(self, mode: str, timeout: float = 60) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: any(m == mode for m, _ in self.events), timeout):
                raise TimeoutError(f"no {mode} verified in {timeout}s: {self.events}")

    def publish(self, topic: str, body: bytes, *, secret: str | None = None) -> int:
        """POST `body` to every subscriber of `topic`; `secret` overrides theirs."""
        return asyncio.run_coroutine_threadsafe(
            self._publish(topic, body, secret), self._loop
        ).result(30)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/hub", self._request)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _request(self, request: web.Request) -> web.Response:
        form = await request.post()
        sub = Sub(
            str(form["hub.callback"]),
            str(form["hub.topic"]),
            str(form["hub.secret"]) if "hub.secret" in form else None,
            self.lease_s,
        )
        mode = str(form["hub.mode"])
        asyncio.get_running_loop().create_task(self._verify(mode, sub))
        return web.Response(status=202)

    async def _verify(self, mode: str, sub: Sub) -> None:
        challenge = secrets.token_hex(8)
        query = {
            "hub.mode": mode,
            "hub.topic": sub.topic,
            "hub.challenge": challenge,
            "hub.lease_seconds": str(sub.lease_s),
        }
        async with aiohttp.ClientSession() as http, http.get(sub.callback, params=query) as r:
            ok = r.status == 200 and (await r.text()) == challenge
        if not ok:
            return
        with self._cond:
            if mode == "subscribe":
                self.subs[sub.callback] = sub
            else:
                self.subs.pop(sub.callback, None)
            self.events.append((mode, sub.topic))
            self._cond.notify_all()

    async def _publish(self, topic: str, body: bytes, secret: str | None) -> int:
        sent = 0
        async with aiohttp.ClientSession() as http:
            for sub in list(self.subs.values()):
                if sub.topic != topic:
                    continue
                key = secret or sub.secret or ""
                sig = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
                headers = {
                    "Content-Type": "application/rss+xml",
                    "X-Hub-Signature": f"sha256={sig}",
                }
                async with http.post(sub.callback, data=body, headers=headers) as r:
                    sent += r.status // 100 == 2
        return sent
