"""Fetcher benchmark: a conditional-GET pass (all 304) over N feeds on a loopback server.

Run: .venv/bin/python bench/fetch.py [--feeds 1000]
Rows: the production limits (per_host=2, every feed on one host, so the host gate is the
bottleneck), a wider host gate, and the baseline: one request at a time.
The server runs in this process (another thread), so it shares the GIL with the client.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from feedserver import FeedServer  # noqa: E402

from ingest.fetch import Fetcher, FetchLimits  # noqa: E402
from ingest.model import FetchRequest  # noqa: E402


async def one_pass(limits: FetchLimits, reqs: list[FetchRequest]) -> tuple[float, int]:
    async with Fetcher(limits) as f:
        started = time.perf_counter()
        # All at once, as the poller fetches a batch: the limits alone pace the pass.
        results = await asyncio.gather(*(f.fetch(r) for r in reqs))
        n304 = sum(res.status == 304 for res in results)
        return time.perf_counter() - started, n304


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    n = parser.parse_args().feeds
    with FeedServer() as srv:
        for i in range(n):
            srv.route(f"/f{i}", body=b"<rss/>", etag=f'"e{i}"')
        reqs = [FetchRequest(srv.url(f"/f{i}"), etag=f'"e{i}"') for i in range(n)]
        print(f"{'limits':<40}{'feeds':>7}{'304s':>7}{'seconds':>9}{'feeds/s':>9}")
        for label, limits in [
            ("default (concurrency=50, per_host=2)", FetchLimits()),
            ("concurrency=50, per_host=50", FetchLimits(per_host=50)),
            ("baseline: one at a time", FetchLimits(concurrency=1, per_host=1)),
        ]:
            secs, n304 = asyncio.run(one_pass(limits, reqs))
            print(f"{label:<40}{n:>7}{n304:>7}{secs:>9.3f}{n / secs:>9.0f}")


if __name__ == "__main__":
    main()
