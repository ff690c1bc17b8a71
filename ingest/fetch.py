"""Fetches feeds over HTTP with aiohttp (the only importer of it); no parsing, no scheduling.

Errors are data: `Fetcher.fetch` turns every network or HTTP problem into a
`FetchResult` with a short human `error`, so one bad feed never stops a poll.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import aiohttp
from yarl import URL

from ingest.addresses import IPAddress, parse_ip, private_host, private_ip
from ingest.model import FetchRequest, FetchResult
from ingest.outcomes import ErrorKind, http_kind

log = logging.getLogger(__name__)

_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024
_MAX_AGE = re.compile(r'(?:^|[,\s])max-age\s*=\s*"?(\d+)"?', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How hard and how politely the fetcher may hit the network."""

    # Per request, redirects included, counted only while a request is on the wire: the
    # wait for a host's slot is no part of it (60 feeds on one host at per_host = 2 failed
    # as "timed out" while still queued, issue 12).
    timeout_s: float = 30.0
    # The longest a fetch waits for its slots (host, then overall); past it the fetch is
    # deferred to a later cycle, never a feed error. Below the poller's 15-minute lease.
    queue_wait_s: float = 300.0
    connect_timeout_s: float = 10.0
    max_bytes: int = 16 * 1024 * 1024  # body cap, counted after decompression (gzip bomb)
    max_redirects: int = 5
    concurrency: int = 50
    per_host: int = 2
    host_gap_s: float = 0.0  # minimum gap between request starts to one host
    # False: a feed reaches private addresses only if configured with one (ingest.addresses).
    allow_private: bool = False
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"


class _Failed(Exception):
    """Internal: a fetch ended early with a known status and reason."""

    def __init__(self, status: int, reason: str, kind: ErrorKind | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.kind = kind or http_kind(status)


class _Deferred(Exception):
    """Internal: a fetch waited `queue_wait_s` for a slot and gave up its turn."""


class _HostGate:
    """Per-host concurrency slots plus a minimum gap between request starts."""

    def __init__(
        self, per_host: int, gap_s: float, next_start: dict[str, float] | None = None
    ) -> None:
        self._per_host = per_host
        self._gap_s = gap_s
        self._slots: dict[str, asyncio.Semaphore] = {}
        # Monotonic times (the event loop's clock), so several fetchers in turn may share it.
        self._next_start: dict[str, float] = {} if next_start is None else next_start

    def slot(self, host: str) -> asyncio.Semaphore:
        sem = self._slots.get(host)
        if sem is None:
            sem = self._slots[host] = asyncio.Semaphore(self._per_host)
        return sem

    async def wait_turn(self, host: str) -> None:
        if self._gap_s <= 0:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start.get(host, now))
        # Reserve the start time before sleeping so concurrent callers queue up behind it.
        self._next_start[host] = start + self._gap_s
        if start > now:
            await asyncio.sleep(start - now)


class Fetcher:
    """An async context manager owning one aiohttp session shared by every fetch."""

    def __init__(
        self,
        limits: FetchLimits = FetchLimits(),  # frozen, so a shared default is safe
        *,
        clock: Callable[[], datetime] | None = None,
        host_starts: dict[str, float] | None = None,
    ) -> None:
        """`host_starts`: the per-host gap bookkeeping of fetchers used before this one,
        so that fetchers opened in turn (feeds, then article pages) keep one gap."""
        self.limits = limits
        # Only used to turn a Retry-After date into seconds when the response has no Date.
        self._clock = clock or (lambda: datetime.now(UTC))
        self._session: aiohttp.ClientSession | None = None
        self._global = asyncio.Semaphore(limits.concurrency)
        self._hosts = _HostGate(limits.per_host, limits.host_gap_s, host_starts)
        self._private_names: dict[str, bool] = {}  # host name -> resolves to a private address

    async def __aenter__(self) -> Fetcher:
        connector = aiohttp.TCPConnector(
            limit=self.limits.concurrency,
            limit_per_host=0,  # _HostGate enforces it, per hop and with the gap
            ttl_dns_cache=300,
            enable_cleanup_closed=False,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=None,
                connect=self.limits.connect_timeout_s,
                sock_connect=self.limits.connect_timeout_s,
            ),
            headers={"User-Agent": self.limits.user_agent, "Accept": _ACCEPT},
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, req: FetchRequest) -> FetchResult:
        """Fetch one feed; network and HTTP problems come back as `FetchResult.error`.

        A fetch that could not get a slot within `queue_wait_s` comes back `deferred`.
        """
        if self._session is None:
            raise RuntimeError("Fetcher used outside `async with`")
        budget = _Budget(self.limits, asyncio.get_running_loop())
        try:
            return await self._follow(self._session, req, budget)
        except _Deferred:
            log.debug("fetch deferred url=%s waited=%.1fs", req.url, budget.waited_s)
            return FetchResult(req.url, 0, deferred=True)
        except TimeoutError:
            error = f"timed out after {self.limits.timeout_s:g}s"
            status, kind = 0, ErrorKind.TIMEOUT
        except _Failed as e:
            error, status, kind = e.reason, e.status, e.kind
        except (aiohttp.ClientError, OSError, ValueError) as e:
            (error, kind), status = _describe(e), 0
        log.debug("fetch failed url=%s status=%s error=%s", req.url, status, error)
        return FetchResult(req.url, status, error=error, error_kind=kind)

    async def _follow(
        self, session: aiohttp.ClientSession, req: FetchRequest, budget: _Budget
    ) -> FetchResult:
        url = _checked_url(req.url)
        permitted = self.limits.allow_private or (
            private_host(url.host or "") if req.private_ok is None else req.private_ok
        )
        seen = {str(url)}
        all_permanent = True
        hops = 0
        status = 0
        while True:
            if not permitted:
                async with budget.active:
                    await self._refuse_private(url, status)
            status, headers, body = await self._hop(session, url, req, budget, permitted)
            if status not in _REDIRECTS:
                break
            location = _header(headers, "Location")
            if not location:
                raise _Failed(status, f"HTTP {status} without Location", ErrorKind.REDIRECT)
            try:
                url = _checked_url(str(url.join(URL(location))))
            except _Failed as e:
                raise _Failed(status, f"redirect to {e.reason}", ErrorKind.REDIRECT) from None
            if str(url) in seen:
                raise _Failed(status, "redirect loop", ErrorKind.REDIRECT)
            seen.add(str(url))
            hops += 1
            if hops > self.limits.max_redirects:
                raise _Failed(
                    status,
                    f"too many redirects (more than {self.limits.max_redirects})",
                    ErrorKind.REDIRECT,
                )
            all_permanent = all_permanent and status in _PERMANENT
        # A move is only worth recording once the new address actually serves the feed.
        moved = hops and all_permanent and status in (200, 304)
        permanent_url = str(url) if moved else None
        return self._result(
            req=req,
            url=str(url),
            status=status,
            headers=headers,
            body=body,
            permanent_url=permanent_url,
        )

    async def _refuse_private(self, url: URL, status: int) -> None:
        """Refuse, before connecting, an address that is private as written or resolved."""
        host = url.host or ""
        private = private_host(host)
        if not private and parse_ip(host) is None:
            known = self._private_names.get(host)
            if known is None:
                known = self._private_names[host] = await _resolves_private(host)
            private = known
        if private:
            what = "redirect to a private address" if status else "private address"
            raise _Failed(
                status, f"{what} refused: {host} (allow_private = false)", ErrorKind.REFUSED
            )

    async def _hop(
        self,
        session: aiohttp.ClientSession,
        url: URL,
        req: FetchRequest,
        budget: _Budget,
        permitted: bool,
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        send: dict[str, str] = {}
        if req.etag:
            send["If-None-Match"] = req.etag
        if req.last_modified:
            send["If-Modified-Since"] = req.last_modified
        host = url.host or ""
        # Host slot first, the overall one last: a fetch queued behind a slow host must
        # not sit on one of the `concurrency` slots that other hosts' feeds need.
        await budget.acquire(self._hosts.slot(host))
        try:
            if self.limits.host_gap_s > 0:
                async with budget.waiting:
                    await self._hosts.wait_turn(host)
            await budget.acquire(self._global)
            try:
                async with budget.active:
                    return await self._exchange(session, url, send, permitted)
            finally:
                self._global.release()
        finally:
            self._hosts.slot(host).release()

    async def _exchange(
        self, session: aiohttp.ClientSession, url: URL, send: dict[str, str], permitted: bool
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        async with session.get(url, headers=send, allow_redirects=False) as resp:
            # The name may have resolved differently for the connection than for the check
            # (DNS rebinding): the peer's address is the last word, before the body is read.
            if not permitted:
                peer = _peer_ip(resp)
                if peer is not None and private_ip(peer):
                    raise _Failed(
                        0,
                        f"private address refused: {peer} (allow_private = false)",
                        ErrorKind.REFUSED,
                    )
            headers = tuple(resp.headers.items())
            if resp.status != 200:
                return resp.status, headers, b""
            try:
                body = await self._read(resp)
            except (aiohttp.ClientError, OSError) as e:
                # Keep the status: "200, then reset mid-body" tells more than "0".
                raise _Failed(resp.status, *_describe(e)) from e
            return resp.status, headers, body

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        # aiohttp decompresses chunk by chunk, so counting here also bounds a gzip bomb.
        cap = self.limits.max_bytes
        declared = resp.content_length
        if declared is not None and declared > cap and not resp.headers.get("Content-Encoding"):
            raise _Failed(resp.status, f"body exceeds {cap} bytes", ErrorKind.TOO_LARGE)
        parts: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > cap:
                raise _Failed(resp.status, f"body exceeds {cap} bytes", ErrorKind.TOO_LARGE)
            parts.append(chunk)
        return b"".join(parts)

    def _result(
        self,
        *,
        req: FetchRequest,
        url: str,
        status: int,
        headers: tuple[tuple[str, str], ...],
        body: bytes,
        permanent_url: str | None,
    ) -> FetchResult:
        error: str | None = None
        kind: ErrorKind | None = None
        if status not in (200, 304):
            error, kind = f"HTTP {status}", http_kind(status)
        retry_after = None
        if status in (429, 503):
            retry_after = _retry_after(headers, self._clock)
        etag = _header(headers, "ETag")
        last_modified = _header(headers, "Last-Modified")
        if status == 304:
            # Servers may omit validators on a 304; the ones we sent are still current.
            etag = etag or req.etag
            last_modified = last_modified or req.last_modified
        return FetchResult(
            url=url,
            status=status,
            body=body,
            headers=headers,
            etag=etag,
            last_modified=last_modified,
            error=error,
            permanent_url=permanent_url,
            retry_after_s=retry_after,
            max_age_s=_max_age(headers) if error is None else None,
            gone=status == 410,
            error_kind=kind,
        )


class _Budget:
    """One fetch's two clocks: time queued for slots and time on the wire, bounded apart."""

    def __init__(self, limits: FetchLimits, loop: asyncio.AbstractEventLoop) -> None:
        # Waiting for a slot or a host's turn is bounded by `queue_wait`, past which the
        # fetch is deferred to a later cycle (`_Deferred`), never failed.
        self.waiting = _Clock(loop, limits.queue_wait_s, _Deferred)
        # Time on the wire is bounded by `timeout` (TimeoutError). Redirect hops share
        # one clock: a chain of slow hops is still one request.
        self.active = _Clock(loop, limits.timeout_s, None)

    @property
    def waited_s(self) -> float:
        return self.waiting.spent_s

    async def acquire(self, slot: asyncio.Semaphore) -> None:
        if not slot.locked():
            await slot.acquire()  # free: it cannot wait, so no timer to arm
            return
        async with self.waiting:
            await slot.acquire()


class _Clock:
    """Time spent in its blocks, added up across them, each block cut at what is left of
    `bound_s`. A plain async context manager, not a generator-based one: every request
    enters one, and a poll makes thousands (issue 12)."""

    __slots__ = ("_bound_s", "_loop", "_raise", "_started", "_timeout", "spent_s")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, bound_s: float, raise_: type[Exception] | None
    ) -> None:
        self._loop = loop
        self._bound_s = bound_s
        self._raise = raise_  # raised instead of TimeoutError, when given
        self.spent_s = 0.0
        self._started = 0.0
        self._timeout: asyncio.Timeout | None = None

    async def __aenter__(self) -> None:
        self._started = self._loop.time()
        left = max(0.0, self._bound_s - self.spent_s)
        self._timeout = asyncio.timeout_at(self._started + left)
        await self._timeout.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._timeout is not None
        try:
            await self._timeout.__aexit__(exc_type, exc, tb)
        except TimeoutError:
            if self._raise is not None:
                raise self._raise from None
            raise
        finally:
            self.spent_s += self._loop.time() - self._started


async def _resolves_private(host: str) -> bool:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return False  # the connection attempt reports the lookup failure in its own words
    ips = (parse_ip(str(info[4][0])) for info in infos)
    return any(ip is not None and private_ip(ip) for ip in ips)


def _peer_ip(resp: aiohttp.ClientResponse) -> IPAddress | None:
    transport = resp.connection.transport if resp.connection is not None else None
    peer = transport.get_extra_info("peername") if transport is not None else None
    return parse_ip(str(peer[0])) if peer else None


def _checked_url(raw: str) -> URL:
    try:
        url = URL(raw.strip())
    except (ValueError, TypeError):
        raise _Failed(0, "invalid URL", ErrorKind.INVALID_URL) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise _Failed(0, "invalid URL", ErrorKind.INVALID_URL)
    return url


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    lname = name.lower()
    for key, value in headers:
        if key.lower() == lname:
            return value
    return None


def _retry_after(
    headers: tuple[tuple[str, str], ...], clock: Callable[[], datetime]
) -> float | None:
    raw = _header(headers, "Retry-After")
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    # Measure against the server's own Date so clock skew between us and it does not matter.
    ref: datetime | None = None
    date = _header(headers, "Date")
    if date:
        try:
            ref = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            ref = None
    ref = ref or clock()
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if ref.tzinfo is None:
        ref = ref.replace(tzinfo=UTC)
    return max(0.0, (when - ref).total_seconds())


def _max_age(headers: tuple[tuple[str, str], ...]) -> float | None:
    raw = _header(headers, "Cache-Control")
    if not raw:
        return None
    m = _MAX_AGE.search(raw)
    return float(m.group(1)) if m else None


def _describe(e: BaseException) -> tuple[str, ErrorKind]:
    """A short human reason for a client-side failure (no tracebacks in feed state),
    and its kind."""
    if isinstance(e, aiohttp.ClientConnectorDNSError) or isinstance(e.__cause__, socket.gaierror):
        return "DNS lookup failed", ErrorKind.DNS
    if isinstance(e, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return f"TLS error: {e}", ErrorKind.TLS
    if isinstance(e, aiohttp.ClientConnectorError):
        if isinstance(e.os_error, ConnectionRefusedError):
            return "connection refused", ErrorKind.CONNECTION
        return f"cannot connect: {e.os_error.strerror or e.os_error}", ErrorKind.CONNECTION
    if isinstance(e, aiohttp.ServerDisconnectedError):
        return "server closed the connection", ErrorKind.CONNECTION
    if isinstance(e, aiohttp.ClientPayloadError):
        if "decode" in str(e).lower() or "compress" in str(e).lower():
            return "bad compressed body", ErrorKind.OTHER
        return "connection reset mid-body", ErrorKind.CONNECTION
    if isinstance(e, aiohttp.InvalidURL):
        return "invalid URL", ErrorKind.INVALID_URL
    if isinstance(e, ConnectionResetError):
        return "connection reset", ErrorKind.CONNECTION
    if isinstance(e, ssl.SSLError):
        return f"TLS error: {e.reason}", ErrorKind.TLS
    if isinstance(e, aiohttp.ClientResponseError):
        return f"bad response: {e.message}", ErrorKind.OTHER
    reason = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return reason, ErrorKind.OTHER
