"""`allow_private = false`: only a feed configured with a private address may reach one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from feedserver import FeedServer

from ingest.addresses import private_host
from ingest.fetch import Fetcher, FetchLimits
from ingest.model import FetchRequest, FetchResult

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'

# host as a URL gives it, private as written?
HOSTS = [
    ("127.0.0.1", True),  # RFC 1122 loopback
    ("127.8.9.10", True),
    ("10.1.2.3", True),  # RFC 1918
    ("172.16.0.1", True),
    ("172.31.255.255", True),
    ("172.32.0.1", False),  # just past 172.16.0.0/12
    ("192.168.1.1", True),
    ("169.254.169.254", True),  # RFC 3927 link-local: cloud metadata services
    ("100.64.0.1", True),  # RFC 6598 shared address space
    ("0.0.0.0", True),  # reaches the local host
    ("8.8.8.8", False),
    ("93.184.216.34", False),
    ("::1", True),
    ("[::1]", True),
    ("fe80::1%eth0", True),  # link-local with a zone
    ("fd12:3456::1", True),  # RFC 4193 unique local
    ("::ffff:7f00:1", True),  # IPv4-mapped 127.0.0.1
    ("::ffff:808:808", False),  # IPv4-mapped 8.8.8.8
    ("2001:4860:4860::8888", False),
    ("localhost", True),  # RFC 6761 §6.3
    ("LOCALHOST.", True),
    ("feeds.localhost", True),
    ("localhost.example.org", False),
    ("example.org", False),
    ("127.1", False),  # not an address as written: checked once resolved (below)
]


@pytest.mark.parametrize(("host", "private"), HOSTS)
def test_private_hosts_as_written(host: str, private: bool) -> None:
    assert private_host(host) is private


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.route("/feed", body=FEED)
        srv.redirect("/moved", "/feed", 302)
        yield srv


PRODUCTION = FetchLimits()  # allow_private = false


def fetch(req: FetchRequest, limits: FetchLimits = PRODUCTION) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(limits) as f:
            return await f.fetch(req)

    return asyncio.run(run())


def test_a_feed_configured_on_loopback_may_stay_there(server: FeedServer) -> None:
    # The tests' own feeds: configured with a loopback address, redirected within it.
    result = fetch(FetchRequest(server.url("/moved")))
    assert result.ok and result.body == FEED


# how the URL names the loopback server, the error of a fetch that may not go private
REFUSED = [
    ("127.0.0.1", "private address refused: 127.0.0.1 (allow_private = false)"),
    ("localhost", "private address refused: localhost (allow_private = false)"),
    # Names the table cannot see through are resolved first: no request is sent.
    ("127.1", "private address refused: 127.1 (allow_private = false)"),
    ("2130706433", "private address refused: 2130706433 (allow_private = false)"),
]


@pytest.mark.parametrize(("host", "error"), REFUSED)
def test_a_fetch_that_may_not_go_private_is_refused_before_connecting(
    server: FeedServer, host: str, error: str
) -> None:
    # private_ok=False is what a feed configured with a public address carries into every
    # hop, and what the poller gives a feed link found on a public page.
    url = server.url("/feed").replace("127.0.0.1", host)
    before = server.hits("/feed")
    result = fetch(FetchRequest(url, private_ok=False))
    assert (result.status, result.error, result.ok) == (0, error, False)
    assert server.hits("/feed") == before


def test_allow_private_lets_any_feed_reach_private_addresses(server: FeedServer) -> None:
    result = fetch(
        FetchRequest(server.url("/moved"), private_ok=False), FetchLimits(allow_private=True)
    )
    assert result.ok
