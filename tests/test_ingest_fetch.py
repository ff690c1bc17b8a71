"""The fetcher against a real loopback HTTP server: statuses, redirects, limits, politeness."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from feedserver import FeedServer, iter_zeros, zeros_gzip
from jumploop import JumpLoop, run_jumping

from ingest.fetch import Fetcher, FetchLimits
from ingest.model import FetchRequest, FetchResult

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
LIMITS = FetchLimits()  # production: 30 s timeout, 16 MiB body cap
TOO_BIG = f"body exceeds {LIMITS.max_bytes} bytes"


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.route("/feed", body=FEED, headers={"Content-Type": "application/rss+xml"})
        srv.route("/cond-etag", body=FEED, etag='"v1"')
        srv.route("/cond-lm", body=FEED, last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
        srv.route("/cached", body=FEED, headers={"Cache-Control": "public, max-age=900"})
        srv.redirect("/p301", "/p308", 301)
        srv.redirect("/p308", "/feed", 308)
        srv.redirect("/t302", "/feed", 302)
        srv.redirect("/t307", "/feed", 307)
        srv.redirect("/mixed", "/t302", 301)
        srv.redirect("/moved-to-404", "/missing", 301)
        srv.redirect("/loop-a", "/loop-b", 301)
        srv.redirect("/loop-b", "/loop-a", 301)
        for i in range(8):
            srv.redirect(f"/chain{i}", f"/chain{i + 1}", 302)
        srv.route("/chain8", body=FEED)
        srv.route("/no-location", status=302)
        srv.route("/gone", status=410, body=b"gone")
        srv.route("/429", status=429, headers={"Retry-After": "120"})
        srv.route(
            "/429-date",
            status=429,
            headers={
                "Retry-After": "Wed, 21 Oct 2015 07:30:00 GMT",
                "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
            },
        )
        srv.route("/503", status=503, headers={"Retry-After": "30"})
        srv.route("/500", status=500)
        srv.route("/stall-headers", stall="headers")
        srv.route("/stall-body", stall="body", body=b"<rss>")
        srv.route("/reset", body=FEED * 100, reset_after=100)
        srv.route("/huge", stream=lambda: iter_zeros(64 << 20))
        srv.route("/huge-declared", body=bytes(LIMITS.max_bytes + (1 << 20)))
        srv.route(
            "/bomb",
            body=zeros_gzip(),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"},
        )
        srv.route("/deflate", body=zlib.compress(FEED), headers={"Content-Encoding": "deflate"})
        srv.route("/slow", body=FEED, delay_s=0.05)
        srv.route("/bad-gzip", body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
        yield srv


def fetch(req: FetchRequest, limits: FetchLimits = LIMITS) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(limits) as f:
            return await f.fetch(req)

    return asyncio.run(run())


# path, expected fields of the FetchResult ("permanent" is a path or None)
CASES: list[tuple[str, dict[str, Any]]] = [
    ("/feed", {"status": 200, "ok": True, "body": FEED}),
    ("/cached", {"status": 200, "max_age_s": 900.0}),
    ("/deflate", {"status": 200, "body": FEED}),
    ("/p301", {"status": 200, "permanent": "/feed", "body": FEED}),
    ("/p308", {"status": 200, "permanent": "/feed"}),
    ("/t302", {"status": 200, "permanent": None}),
    ("/t307", {"status": 200, "permanent": None}),
    ("/mixed", {"status": 200, "permanent": None}),
    ("/moved-to-404", {"status": 404, "error": "HTTP 404", "permanent": None}),
    ("/loop-a", {"status": 301, "error": "redirect loop"}),
    ("/chain0", {"status": 302, "error": "too many redirects (more than 5)"}),
    ("/chain3", {"status": 200, "error": None, "permanent": None}),  # exactly 5 hops
    ("/no-location", {"status": 302, "error": "HTTP 302 without Location"}),
    ("/missing", {"status": 404, "error": "HTTP 404", "gone": False}),
    ("/gone", {"status": 410, "error": "HTTP 410", "gone": True}),
    ("/429", {"status": 429, "error": "HTTP 429", "retry_after_s": 120.0}),
    ("/429-date", {"status": 429, "retry_after_s": 120.0}),
    ("/503", {"status": 503, "error": "HTTP 503", "retry_after_s": 30.0}),
    ("/500", {"status": 500, "error": "HTTP 500", "retry_after_s": None}),
    ("/reset", {"status": 200, "error": "connection reset mid-body", "ok": False}),
    ("/huge", {"status": 200, "error": TOO_BIG, "body": b""}),
    ("/huge-declared", {"status": 200, "error": TOO_BIG}),
    ("/bomb", {"status": 200, "error": TOO_BIG}),
    ("/bad-gzip", {"status": 200, "error": "bad compressed body", "ok": False}),
]


@pytest.mark.parametrize(("path", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fetch_outcomes(server: FeedServer, path: str, expected: dict[str, Any]) -> None:
    result = fetch(FetchRequest(server.url(path)))
    for name, want in expected.items():
        if name == "permanent":
            assert result.permanent_url == (server.url(want) if want else None)
        else:
            assert getattr(result, name) == want, name
    if result.ok:
        assert result.error is None


@pytest.mark.parametrize("path", ["/stall-headers", "/stall-body"])
def test_a_request_that_stalls_times_out_after_the_production_timeout(
    server: FeedServer, path: str
) -> None:
    """No status line, or the body's first bytes and then nothing: once the request has
    stalled, the loop's clock is moved past the timeout, and the fetch says so."""
    before = server.stalls(path)

    async def main(loop: JumpLoop) -> FetchResult:
        async with Fetcher(LIMITS) as f:
            result = asyncio.ensure_future(f.fetch(FetchRequest(server.url(path))))
            await server.stalled(path, before + 1)
            assert not result.done()
            loop.jump(LIMITS.timeout_s - 1)
            await asyncio.sleep(0)  # one turn of the loop: due timers run, none is yet
            assert not result.done()
            loop.jump(1)
            return await result

    result = run_jumping(main)
    assert (result.status, result.error) == (0, "timed out after 30s")


@pytest.mark.parametrize(
    ("path", "etag", "last_modified"),
    [
        ("/cond-etag", '"v1"', None),
        ("/cond-lm", None, "Wed, 21 Oct 2015 07:28:00 GMT"),
    ],
)
def test_conditional_get_sends_validators_and_gets_304(
    server: FeedServer, path: str, etag: str | None, last_modified: str | None
) -> None:
    first = fetch(FetchRequest(server.url(path)))
    assert first.ok
    assert (first.etag, first.last_modified) == (etag, last_modified)
    second = fetch(
        FetchRequest(server.url(path), etag=first.etag, last_modified=first.last_modified)
    )
    assert second.status == 304 and second.not_modified and second.body == b""
    # Validators survive a 304 even when the server does not repeat them.
    assert (second.etag, second.last_modified) == (etag, last_modified)
    sent = [r.headers for r in server.requests if r.path == path][-1]
    assert sent.get("If-None-Match") == etag
    assert sent.get("If-Modified-Since") == last_modified


def test_honest_user_agent(server: FeedServer) -> None:
    fetch(FetchRequest(server.url("/feed")))
    sent = [r.headers for r in server.requests if r.path == "/feed"][-1]
    assert sent["User-Agent"].startswith("newswatch/")


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (FeedServer.closed_port_url("/feed"), "connection refused"),
        ("ftp://example.org/feed", "invalid URL"),
        ("http://[::1/feed", "invalid URL"),
        ("not a url", "invalid URL"),
    ],
)
def test_client_side_failures_are_data(url: str, error: str) -> None:
    result = fetch(FetchRequest(url))
    assert (result.status, result.error) == (0, error)


@pytest.mark.parametrize(
    ("limits", "expected_max"),
    [
        (FetchLimits(per_host=2, concurrency=50), 2),
        (FetchLimits(per_host=1, concurrency=50), 1),
        (FetchLimits(per_host=10, concurrency=3), 3),
    ],
)
def test_concurrent_fetches_are_bounded(
    server: FeedServer, limits: FetchLimits, expected_max: int
) -> None:
    reqs = [FetchRequest(server.url("/slow") + f"?n={i}") for i in range(12)]

    async def run() -> list[tuple[FetchRequest, FetchResult]]:
        async with Fetcher(limits) as f:
            results = await asyncio.gather(*(f.fetch(r) for r in reqs))
            return list(zip(reqs, results, strict=True))

    server.reset_counters()
    pairs = asyncio.run(run())
    assert sorted(r.url for r, _ in pairs) == sorted(r.url for r in reqs)
    assert all(res.ok for _, res in pairs)
    assert server.max_in_flight("/slow") == expected_max
