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
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import aiohttp
from yarl import URL

from ingest.model import FetchRequest, FetchResult

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

    timeout_s: float = 30.0  # total per request, redirects included
    connect_timeout_s: float = 10.0
    max_bytes: int = 16 * 1024 * 1024  # body cap, counted after decompression (gzip bomb)
    max_redirects: int = 5
    concurrency: int = 50
    per_host: int = 2
    host_gap_s: float = 0.0  # minimum gap between request starts to one host
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"


class _Failed(Exception):
    """Internal: a fetch ended early with a known status and reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


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

    async def fetch_all(
        self, reqs: Iterable[FetchRequest]
    ) -> AsyncIterator[tuple[FetchRequest, FetchResult]]:
        """Fetch every request with bounded concurrency, yielding pairs as they complete."""
        done: asyncio.Queue[asyncio.Task[tuple[FetchRequest, FetchResult]]] = asyncio.Queue()
        tasks = []
        for req in reqs:
            task = asyncio.create_task(self._pair(req))
            task.add_done_callback(done.put_nowait)
            tasks.append(task)
        try:
            for _ in range(len(tasks)):
                yield (await done.get()).result()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _pair(self, req: FetchRequest) -> tuple[FetchRequest, FetchResult]:
        return req, await self.fetch(req)

    async def fetch(self, req: FetchRequest) -> FetchResult:
        """Fetch one feed; network and HTTP problems come back as `FetchResult.error`."""
        if self._session is None:
            raise RuntimeError("Fetcher used outside `async with`")
        loop = asyncio.get_running_loop()
        async with self._global:
            started = loop.time()
            try:
                async with asyncio.timeout(self.limits.timeout_s):
                    return await self._follow(self._session, req, started)
            except TimeoutError:
                error = f"timed out after {self.limits.timeout_s:g}s"
                status = 0
            except _Failed as e:
                error, status = e.reason, e.status
            except (aiohttp.ClientError, OSError, ValueError) as e:
                error, status = _describe(e), 0
            elapsed = loop.time() - started
        log.debug("fetch failed url=%s status=%s error=%s", req.url, status, error)
        return FetchResult(req.url, status, error=error, elapsed_s=elapsed)

    async def _follow(
        self, session: aiohttp.ClientSession, req: FetchRequest, started: float
    ) -> FetchResult:
        url = _checked_url(req.url)
        seen = {str(url)}
        all_permanent = True
        hops = 0
        while True:
            status, headers, body = await self._hop(session, url, req)
            if status not in _REDIRECTS:
                break
            location = _header(headers, "Location")
            if not location:
                raise _Failed(status, f"HTTP {status} without Location")
            try:
                url = _checked_url(str(url.join(URL(location))))
            except _Failed as e:
                raise _Failed(status, f"redirect to {e.reason}") from None
            if str(url) in seen:
                raise _Failed(status, "redirect loop")
            seen.add(str(url))
            hops += 1
            if hops > self.limits.max_redirects:
                raise _Failed(status, f"too many redirects (more than {self.limits.max_redirects})")
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
            elapsed_s=asyncio.get_running_loop().time() - started,
        )

    async def _hop(
        self, session: aiohttp.ClientSession, url: URL, req: FetchRequest
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        send: dict[str, str] = {}
        if req.etag:
            send["If-None-Match"] = req.etag
        if req.last_modified:
            send["If-Modified-Since"] = req.last_modified
        host = url.host or ""
        async with self._hosts.slot(host):
            if self.limits.host_gap_s > 0:
                await self._hosts.wait_turn(host)
            async with session.get(url, headers=send, allow_redirects=False) as resp:
                headers = tuple(resp.headers.items())
                if resp.status != 200:
                    return resp.status, headers, b""
                try:
                    body = await self._read(resp)
                except (aiohttp.ClientError, OSError) as e:
                    # Keep the status: "200, then reset mid-body" tells more than "0".
                    raise _Failed(resp.status, _describe(e)) from e
                return resp.status, headers, body

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        # aiohttp decompresses chunk by chunk, so counting here also bounds a gzip bomb.
        cap = self.limits.max_bytes
        declared = resp.content_length
        if declared is not None and declared > cap and not resp.headers.get("Content-Encoding"):
            raise _Failed(resp.status, f"body exceeds {cap} bytes")
        parts: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > cap:
                raise _Failed(resp.status, f"body exceeds {cap} bytes")
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
        elapsed_s: float,
    ) -> FetchResult:
        error: str | None = None
        if status not in (200, 304):
            error = f"HTTP {status}"
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
            elapsed_s=elapsed_s,
        )


def _checked_url(raw: str) -> URL:
    try:
        url = URL(raw.strip())
    except (ValueError, TypeError):
        raise _Failed(0, "invalid URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise _Failed(0, "invalid URL")
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


def _describe(e: BaseException) -> str:
    """A short human reason for a client-side failure (no tracebacks in feed state)."""
    if isinstance(e, aiohttp.ClientConnectorDNSError) or isinstance(e.__cause__, socket.gaierror):
        return "DNS lookup failed"
    if isinstance(e, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return f"TLS error: {e}"
    if isinstance(e, aiohttp.ClientConnectorError):
        if isinstance(e.os_error, ConnectionRefusedError):
            return "connection refused"
        return f"cannot connect: {e.os_error.strerror or e.os_error}"
    if isinstance(e, aiohttp.ServerDisconnectedError):
        return "server closed the connection"
    if isinstance(e, aiohttp.ClientPayloadError):
        if "decode" in str(e).lower() or "compress" in str(e).lower():
            return "bad compressed body"
        return "connection reset mid-body"
    if isinstance(e, aiohttp.InvalidURL):
        return "invalid URL"
    if isinstance(e, ConnectionResetError):
        return "connection reset"
    if isinstance(e, ssl.SSLError):
        return f"TLS error: {e.reason}"
    if isinstance(e, aiohttp.ClientResponseError):
        return f"bad response: {e.message}"
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
