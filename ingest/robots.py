"""robots.txt rules per host (RFC 9309), fetched through the fetcher and cached; the
verdict itself is a pure function of the fetch outcome."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.robotparser import RobotFileParser

from yarl import URL

from ingest.fetch import Fetcher
from ingest.model import FetchRequest, FetchResult

log = logging.getLogger(__name__)

# RFC 9309 §2.4: a cached robots.txt should not be used for more than 24 hours.
CACHE_S = 24 * 3600.0
# RFC 9309 §2.5: crawlers must parse at least the first 500 kibibytes.
PARSE_BYTES = 500 * 1024
# An unreachable robots.txt disallows only until it is read again: soon, not in a day.
UNREACHABLE_CACHE_S = 600.0
# Hosts whose rules are kept before expired ones are dropped.
MAX_HOSTS = 10_000


@dataclass(frozen=True, slots=True)
class Robots:
    """One host's rules: `parser` None means allow all (`allow`) or disallow all."""

    allow: bool
    reason: str
    parser: RobotFileParser | None = None

    def allows(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow
        return self.parser.can_fetch(user_agent, url)


def robots_from(result: FetchResult) -> Robots:
    """RFC 9309 §2.3.1: 2xx is parsed; 4xx ("unavailable") allows everything; 5xx and
    network errors ("unreachable") disallow everything until it can be read."""
    if result.ok:
        parser = RobotFileParser()
        text = result.body[:PARSE_BYTES].decode("utf-8", "replace")
        parser.parse(text.splitlines())
        return Robots(True, "robots.txt", parser)
    if 400 <= result.status < 500:
        return Robots(True, f"robots.txt unavailable (HTTP {result.status})")
    return Robots(False, f"robots.txt unreachable ({result.error or 'failed'})")


def robots_url(url: str) -> str:
    u = URL(url)
    return str(u.with_path("/robots.txt").with_query(None).with_fragment(None))


class RobotsCache:
    """Per-host rules, fetched once per host at a time and kept for `CACHE_S`."""

    def __init__(
        self,
        fetcher: Fetcher,
        clock: Callable[[], datetime],
        rules: dict[str, tuple[Robots, datetime]] | None = None,
    ) -> None:
        """`rules`: a cache kept across passes (each pass has its own event loop, so
        only the locks are per pass)."""
        self._fetcher = fetcher
        self._clock = clock
        self._rules: dict[str, tuple[Robots, datetime]] = {} if rules is None else rules
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> tuple[bool, str]:
        """Whether `url` may be fetched, and the rule's source."""
        key = robots_url(url)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._rules.get(key)
            now = self._clock()
            if cached is None or cached[1] <= now:
                result = await self._fetcher.fetch(FetchRequest(key))
                rules = robots_from(result)
                log.debug("robots url=%s: %s", key, rules.reason)
                if len(self._rules) >= MAX_HOSTS:
                    for stale in [k for k, (_, until) in self._rules.items() if until <= now]:
                        del self._rules[stale]
                keep = CACHE_S if rules.parser is not None or rules.allow else UNREACHABLE_CACHE_S
                self._rules[key] = cached = (rules, now + timedelta(seconds=keep))
        rules = cached[0]
        return rules.allows(url, self._fetcher.limits.user_agent), rules.reason
