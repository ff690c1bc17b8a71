"""A real loopback HTTP feed server for tests (aiohttp.web on its own loop in a thread).

Usable from sync and async tests alike, because it never shares the test's event loop::

    with FeedServer() as srv:
        srv.route("/feed.xml", body=b"<rss>...</rss>", etag='"v1"')  # 304 on If-None-Match
        srv.redirect("/old", "/feed.xml", status=301)
        srv.route("/slow", stall="body")            # headers, some bytes, then nothing until stop
        srv.route("/reset", body=b"x" * 1000, reset_after=10)   # 10 bytes, then a TCP reset
        srv.route("/big", stream=lambda: (bytes(65536) for _ in range(1024)))  # 64 MiB, streamed
        url = srv.url("/feed.xml")
        ...
        srv.hits("/feed.xml"), srv.requests[-1].headers, srv.max_in_flight("/slow")

Routes can be (re)registered at any time; `closed_port_url()` gives a URL that refuses connections.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import struct
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

from aiohttp import web

Stall = Literal["headers", "body"]


@dataclass(frozen=True, slots=True)
class Route:
    """How the server answers one path.

    `stall="headers"` never sends a status line; `stall="body"` sends headers and the first
    bytes of `body`, then stalls. `reset_after=n` sends n body bytes then resets the TCP
    connection. `stream` yields body chunks lazily (for huge bodies). `delay_s` holds the
    response that long (a slow origin). `etag`/`last_modified` make the route answer 304 to
    a matching conditional GET.
    """

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    stall: Stall | None = None
    reset_after: int | None = None
    stream: Callable[[], Iterable[bytes]] | None = None
    delay_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: Mapping[str, str]


class FeedServer:
    """Loopback HTTP server in a background thread; see the module docstring."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[Seen] = []
        self.in_flight: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stop: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        # How many requests reached a point of the server's own (a path's stall), and who
        # waits for how many.
        self._reached: dict[str, int] = {}
        self._waiters: list[tuple[str, int, concurrent.futures.Future[None]]] = []

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FeedServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- configuration ---------------------------------------------------------------------
    def route(self, path: str, **kwargs: object) -> str:
        """Register (or replace) the answer for `path`; returns its absolute URL."""
        with self._lock:
            self._routes[path] = Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """Make `path` redirect to `to` (a path or an absolute URL); returns `path`'s URL."""
        return self.route(path, status=status, headers={"Location": to})

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def max_in_flight(self, path: str) -> int:
        """The most requests to `path` the server was answering at once."""
        with self._lock:
            return self.peak.get(path, 0)

    def stalls(self, path: str) -> int:
        """How many requests to `path` have reached their stall so far."""
        return self.reached_count(path)

    def stalled(self, path: str, n: int) -> Awaitable[None]:
        """Resolves once `n` requests to `path` have reached their stall: the server holds
        them (no status line, or the body's first bytes sent) and the client waits."""
        return self.reached(path, n)

    def reached_count(self, point: str) -> int:
        """How many requests have reached `point` (see `_reach`)."""
        with self._lock:
            return self._reached.get(point, 0)

    def reached(self, point: str, n: int) -> Awaitable[None]:
        """Resolves once `n` requests have reached `point`, awaitable from any loop."""
        fut: concurrent.futures.Future[None] = concurrent.futures.Future()
        with self._lock:
            if self._reached.get(point, 0) >= n:
                fut.set_result(None)
            else:
                self._waiters.append((point, n, fut))
        return asyncio.wrap_future(fut)

    def _reach(self, point: str) -> None:
        """A request has reached `point` (a stalling route's path, or a subclass's own)."""
        with self._lock:
            count = self._reached[point] = self._reached.get(point, 0) + 1
            for p, n, fut in self._waiters:
                if p == point and count >= n and not fut.done():
                    fut.set_result(None)

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self.peak = dict(self.in_flight)

    @staticmethod
    def closed_port_url(path: str = "/") -> str:
        """A loopback URL nothing listens on (connection refused)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return f"http://127.0.0.1:{port}{path}"

    # -- server side -----------------------------------------------------------------------
    async def _start(self) -> None:
        self._stop = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a stalled handler ends when the client gives up on it.
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _shutdown(self) -> None:
        assert self._stop is not None and self._runner is not None
        self._stop.set()
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self.requests.append(Seen(request.method, request.path, dict(request.headers)))
            # A route registered with its query ("/s/chan?before=9") answers that query only.
            route = self._routes.get(request.path_qs) or self._routes.get(request.path)
            now = self.in_flight[request.path] = self.in_flight.get(request.path, 0) + 1
            self.peak[request.path] = max(self.peak.get(request.path, 0), now)
        try:
            if route is None:
                return web.Response(status=404, text="no such route")
            return await self._answer(request, route)
        finally:
            with self._lock:
                self.in_flight[request.path] -= 1

    async def _answer(self, request: web.Request, route: Route) -> web.StreamResponse:
        assert self._stop is not None
        if route.delay_s:
            await asyncio.sleep(route.delay_s)
        if route.stall == "headers":
            self._reach(request.path)
            await self._stop.wait()
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if _not_modified(request, route):
            return web.Response(status=304, headers=headers)
        if route.stall == "body" or route.reset_after is not None or route.stream is not None:
            return await self._stream(request, route, headers)
        return web.Response(status=route.status, body=route.body, headers=headers)

    async def _stream(
        self, request: web.Request, route: Route, headers: dict[str, str]
    ) -> web.StreamResponse:
        assert self._stop is not None
        resp = web.StreamResponse(status=route.status, headers=headers)
        if route.stream is None:
            # Promise the whole body so the client knows a cut is a cut.
            resp.content_length = len(route.body) + (1 if route.stall else 0)
        await resp.prepare(request)
        try:
            if route.stream is not None:
                for chunk in route.stream():
                    await resp.write(chunk)
            elif route.reset_after is not None:
                await resp.write(route.body[: route.reset_after])
                _reset(request)
                return resp
            else:
                await resp.write(route.body)  # returns once the bytes are on their way
                self._reach(request.path)
                await self._stop.wait()
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client hung up, as the size-cap tests make it do
        return resp


def _not_modified(request: web.Request, route: Route) -> bool:
    inm = request.headers.get("If-None-Match")
    if route.etag and inm:
        return route.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = request.headers.get("If-Modified-Since")
    return bool(route.last_modified and ims and ims == route.last_modified)


def _reset(request: web.Request) -> None:
    """Abort with SO_LINGER 0, so the peer sees a TCP RST rather than a clean close."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def zeros_gzip(total: int = 1 << 30) -> bytes:
    """A gzip member inflating to `total` zero bytes (1 GiB by default), built in ~0.3 s.

    With a full flush the compressor's state resets, so every 1 MiB block compresses to the
    same bytes: compress one, repeat it, and only the CRC needs the whole length.
    """
    import zlib

    block_len = 1 << 20
    assert total % block_len == 0
    zeros = bytes(block_len)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(total // block_len):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, total & 0xFFFFFFFF)
    return header + block * (total // block_len) + tail + trailer


def iter_zeros(total: int, chunk: int = 1 << 16) -> Iterator[bytes]:
    """Stream `total` zero bytes in chunks without allocating them all."""
    piece = bytes(chunk)
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        yield piece if n == chunk else piece[:n]
        sent += n
