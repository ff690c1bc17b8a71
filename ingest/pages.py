"""Fetches article pages politely and extracts their text: robots.txt first, the feeds'
fetcher (its per-host limits, gaps, body cap, timeouts, redirect limit, User-Agent) for
the page, the extractor off the event loop. Errors are data, as with feeds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ingest.extract import Extracted, ExtractError, extract_article
from ingest.fetch import Fetcher, FetchLimits
from ingest.model import FetchRequest
from ingest.robots import Robots, RobotsCache

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page fetch: the extracted article, or why there is none.

    `final` is True when trying again cannot help (robots.txt forbids, not a page).
    """

    url: str
    article: Extracted | None = None
    error: str | None = None
    final: bool = False


class PageReader:
    """Reads article pages through one fetcher, honouring robots.txt when asked."""

    def __init__(
        self,
        fetcher: Fetcher,
        clock: Callable[[], datetime],
        *,
        robots: bool = True,
        robots_rules: dict[str, tuple[Robots, datetime]] | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._robots = RobotsCache(fetcher, clock, robots_rules) if robots else None

    async def read(self, url: str) -> PageResult:
        if self._robots is not None:
            allowed, source = await self._robots.allowed(url)
            if not allowed:
                # An unreachable robots.txt disallows only until it can be read.
                final = "unreachable" not in source
                return PageResult(url, error=f"forbidden by {source}", final=final)
        result = await self._fetcher.fetch(FetchRequest(url))
        if not result.ok:
            final = result.gone or result.status in (404, 403, 401)
            return PageResult(url, error=result.error or f"HTTP {result.status}", final=final)
        try:
            # trafilatura takes tens of milliseconds a page: off the loop, so the other
            # fetches in flight keep their timeouts honest.
            article = await asyncio.to_thread(
                extract_article, result.body, dict(result.headers), result.url
            )
        except ExtractError as e:
            return PageResult(url, error=e.reason, final=True)
        return PageResult(url, article=article)


async def read_pages(
    urls: list[str], limits: FetchLimits, clock: Callable[[], datetime], *, robots: bool = True
) -> list[PageResult]:
    """Read each page once through one fetcher (its limits shared), in the given order."""
    async with Fetcher(limits) as fetcher:
        reader = PageReader(fetcher, clock, robots=robots)
        return list(await asyncio.gather(*(reader.read(u) for u in urls)))
