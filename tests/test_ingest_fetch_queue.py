"""Per-host queues on loopback: a request's timeout is its own, a busy host delays no one else.

The fetcher's clock is the event loop's. The tests run on a loop whose clock they can move
forward (`JumpLoop`), and on a server that holds chosen requests until told to answer
(`HeldServer`): "time passes while requests wait" is an event the test makes happen, never a
sleep, and the production limits (30 s timeout, 5-minute queue bound) stay as they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from aiohttp import web
from feedserver import FeedServer, Route
from jumploop import JumpLoop, run_jumping

from ingest import storage
from ingest.db import Base, make_engine, make_sessions
from ingest.fetch import Fetcher, FetchLimits
from ingest.model import FetchRequest, FetchResult
from ingest.poller import Poller, PollReport
from ingest.storage.store import IngestStore

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
LIMITS = FetchLimits()  # production: timeout 30 s, queue bound 300 s, per_host 2, 50 overall
T = TypeVar("T")


_HELD = "/held/"  # the point every held request reaches (``FeedServer.reached``)


class HeldServer(FeedServer):
    """A feed server whose paths under /held/ answer only after `release()`."""

    def __init__(self) -> None:
        super().__init__()
        self._gate: asyncio.Event | None = None

    async def _answer(self, request: web.Request, route: Route) -> web.StreamResponse:
        if request.path.startswith("/held/"):
            if self._gate is None:
                self._gate = asyncio.Event()
            self._reach(_HELD)
            await self._gate.wait()
        return await super()._answer(request, route)

    def arrived(self, n: int) -> Awaitable[None]:
        """Resolves once `n` held requests have reached the server."""
        return self.reached(_HELD, n)

    def held_arrivals(self) -> int:
        return self.reached_count(_HELD)

    def release(self) -> None:
        def open_gate() -> None:
            if self._gate is None:
                self._gate = asyncio.Event()
            self._gate.set()

        self._loop.call_soon_threadsafe(open_gate)


@pytest.fixture
def held() -> Iterator[HeldServer]:
    srv = HeldServer()
    srv.start()
    try:
        for i in range(60):
            srv.route(f"/held/{i}", body=FEED)
        yield srv
    finally:
        srv.stop()


async def as_completed(
    f: Fetcher, reqs: list[FetchRequest]
) -> AsyncIterator[tuple[FetchRequest, FetchResult]]:
    """Every request fetched at once, as the poller does, yielded in order of completion."""

    async def pair(req: FetchRequest) -> tuple[FetchRequest, FetchResult]:
        return req, await f.fetch(req)

    done: asyncio.Queue[asyncio.Task[tuple[FetchRequest, FetchResult]]] = asyncio.Queue()
    tasks = []
    for req in reqs:
        task = asyncio.create_task(pair(req))
        task.add_done_callback(done.put_nowait)
        tasks.append(task)
    try:
        for _ in range(len(tasks)):
            yield (await done.get()).result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def take(
    results: AsyncIterator[tuple[FetchRequest, FetchResult]], n: int
) -> list[FetchResult]:
    return [(await anext(results))[1] for _ in range(n)]


# loop time that passes while 2 requests are on the wire and 8 queue behind them,
# what the 2 on the wire get, what the 8 queued get
QUEUE_CASES = [
    (60.0, "timed out after 30s", "ok"),  # past the timeout, within the queue bound
    (301.0, "timed out after 30s", "deferred"),  # past the queue bound as well
]


@pytest.mark.parametrize(("passes", "on_wire", "queued"), QUEUE_CASES)
def test_time_queued_for_a_host_is_no_part_of_the_request_timeout(
    held: HeldServer, passes: float, on_wire: str, queued: str
) -> None:
    reqs = [FetchRequest(held.url(f"/held/{i}")) for i in range(10)]

    async def main(loop: JumpLoop) -> tuple[list[FetchResult], list[FetchResult], int]:
        async with Fetcher(LIMITS) as f:
            results = as_completed(f, reqs)
            first = asyncio.ensure_future(take(results, 2))
            await held.arrived(2)  # two on the wire (per_host = 2), eight queued
            loop.jump(passes)
            wire = await first
            held.release()
            rest = await take(results, 8)
            assert [pair async for pair in results] == []
        return wire, rest, held.held_arrivals()

    wire, rest, requests_made = run_jumping(main)
    assert [r.error for r in wire] == [on_wire] * 2
    if queued == "ok":
        assert all(r.ok for r in rest), [r.error for r in rest]
        assert requests_made == 10
    else:
        # Deferred: no request was made and it is no error of the feed's.
        assert all(r.deferred and r.error is None and r.status == 0 for r in rest)
        assert requests_made == 2


def test_a_slow_host_delays_no_other_host_and_none_of_its_feeds_fails(held: HeldServer) -> None:
    with FeedServer() as fast:
        fast.route("/feed", body=FEED)
        # Another host name for the same loopback server: per-host limits go by host name.
        fast_urls = [fast.url(f"/feed?n={i}").replace("127.0.0.1", "localhost") for i in range(940)]
        # The slow host's feeds come first, so they would take every overall slot if they
        # could while they wait for their host.
        reqs = [FetchRequest(held.url(f"/held/{i}")) for i in range(60)]
        reqs += [FetchRequest(u) for u in fast_urls]

        async def main(loop: JumpLoop) -> tuple[list[tuple[str, FetchResult]], int]:
            async with Fetcher(LIMITS) as f:
                # The two slow requests on the wire must not time out while the fast feeds
                # are fetched, on however busy a machine: the loop's clock stands still.
                loop.hold()
                results = as_completed(f, reqs)
                done = [(req.url, res) for req, res in [await anext(results) for _ in range(940)]]
                on_hold = held.held_arrivals()
                loop.resume()
                held.release()
                done += [(req.url, res) async for req, res in results]
            return done, on_hold

        done, on_hold = run_jumping(main)
    # Every fast feed finished while the slow host had not answered a single request.
    assert {url for url, _ in done[:940]} == set(fast_urls)
    assert on_hold == 2
    assert all(res.ok for _, res in done), {res.error for _, res in done if not res.ok}
    assert len(done) == 1000


def test_a_poll_defers_feeds_that_never_got_their_turn(held: HeldServer, tmp_path: Path) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    specs = [storage.FeedSpec(f"f{i}", held.url(f"/held/{i}"), 900.0) for i in range(5)]
    with sessions.begin() as s:
        storage.sync_feeds(s, specs, now)
    poller = Poller(IngestStore(engine), lambda: now, owner="t", limits=LIMITS)

    async def main(loop: JumpLoop) -> PollReport:
        cycle = asyncio.ensure_future(poller.poll_async())
        await held.arrived(2)
        loop.jump(301.0)  # past the timeout of the two on the wire, and the queue bound
        held.release()
        return await cycle

    report = run_jumping(main)
    assert (report.feeds, report.errors, report.deferred) == (5, 2, 3)
    assert "deferred=3" in report.line()
    with sessions() as s:
        rows = storage.feed_statuses(s, now)
    assert sorted(r.error_count for r in rows) == [0, 0, 0, 1, 1]
    deferred = {r.name for r in rows if r.error_count == 0}
    assert all(r.last_checked_at is None for r in rows if r.name in deferred)
    # The deferred feeds keep their lease, so this cycle's claim holds until it lapses.
    with sessions.begin() as s:
        assert storage.claim_due(s, now, lease_s=900, owner="u", limit=10) == []
        later = now + timedelta(seconds=901)
        claimed = storage.claim_due(s, later, lease_s=900, owner="u", limit=10)
    assert deferred <= {d.name for d in claimed}
