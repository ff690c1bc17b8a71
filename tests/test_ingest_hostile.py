"""Every broken or hostile feed, served together with a good one in a single poll.

One `App.poll` over loopback: each bad feed ends with a clear error (or a note) on its own
row, the poll finishes, and the good feed's articles are stored.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer, iter_zeros, zeros_gzip
from jumploop import JumpLoop, run_jumping

from ingest import storage
from ingest.fetch import FetchLimits
from ingest.poller import PollReport
from newswatch.app import App
from newswatch.config import load

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OCTETS = "application/octet-stream"
SECRET = "nw-secret-4f1d9a"  # the content of the local file the XXE feed points at

GOOD = rss([Item("g1", "Court hears appeal", "The appeal", published=NOW - timedelta(hours=1))])
FEED_LINKED = rss([Item("d1", "Found through the page", "x", published=NOW)], title="Linked")
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    b"<item><title>&lol9;</title><description>&lol9;</description><guid>b1</guid></item>"
    b"</channel></rss>"
)
# Real XML errors, read leniently: the feed works but the operator should know.
UNCLOSED = GOOD.replace(b"</channel>", b"")
# Well-formed documents with a wrong label: nothing for the operator to fix in the XML.
LATIN1_AS_UTF8 = GOOD.replace(b"appeal<", "appel \xe9\xe9<".encode("latin-1"))
HTML = b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hello</body></html>"


def xxe(path: Path) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://{path}"> ]>\n'
        '<rss version="2.0"><channel><title>t &xxe;</title>'
        "<item><title>x &xxe;</title><description>&xxe;</description><guid>x1</guid></item>"
        "</channel></rss>"
    ).encode()


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    status: str  # the `newswatch feeds` status word
    says: str  # a substring of the error (or, for an "ok" feed, of the note; "": no note)


CASES = [
    Case("good", "ok", ""),
    Case("refused", "failing", "connection refused"),
    Case("reset", "failing", "connection reset mid-body"),
    Case("stall", "failing", "timed out after 30s"),
    Case("http500", "failing", "HTTP 500"),
    Case("http503", "failing", "HTTP 503"),
    Case("http429", "failing", "HTTP 429"),
    Case("redirect-loop", "failing", "redirect loop"),
    Case("huge", "failing", "body exceeds 262144 bytes"),
    Case("gzip-bomb", "failing", "body exceeds 262144 bytes"),
    Case("billion-laughs", "ok", "malformed"),
    Case("xxe", "ok", "malformed"),
    Case("unclosed", "ok", "malformed feed, read leniently: SAXParseException"),
    Case("unclosed-octet-stream", "ok", "mismatched tag"),
    Case("octet-stream", "ok", ""),
    Case("text-plain", "ok", ""),
    Case("no-content-type", "ok", ""),
    Case("latin1-declared-utf8", "ok", ""),
    Case("random-bytes", "failing", "not a feed"),
    Case("html", "failing", "an HTML page, not a feed"),
    Case("html-linking", "ok", "discovered feed"),
    Case("gone", "gone", "HTTP 410"),
]


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, storage.FeedStatus]]:
    tmp = tmp_path_factory.mktemp("hostile")
    secret = tmp / "secret.txt"
    secret.write_text(SECRET)
    with FeedServer() as srv:
        urls = {
            "good": srv.route("/good", body=GOOD),
            "refused": FeedServer.closed_port_url("/feed"),
            "reset": srv.route("/reset", body=GOOD * 20, reset_after=100),
            "stall": srv.route("/stall", stall="body", body=b"<rss>"),
            "http500": srv.route("/500", status=500, body=b"oops"),
            "http503": srv.route("/503", status=503),
            "http429": srv.route("/429", status=429, headers={"Retry-After": "7200"}),
            "redirect-loop": srv.redirect("/loop-a", "/loop-b", 301),
            "huge": srv.route("/huge", stream=lambda: iter_zeros(64 << 20)),
            "gzip-bomb": srv.route(
                "/bomb", body=zeros_gzip(64 << 20), headers={"Content-Encoding": "gzip"}
            ),
            "billion-laughs": srv.route("/lol", body=BILLION_LAUGHS),
            "xxe": srv.route("/xxe", body=xxe(secret)),
            "unclosed": srv.route("/unclosed", body=UNCLOSED),
            "unclosed-octet-stream": srv.route(
                "/unclosed-bin", body=UNCLOSED, headers={"Content-Type": OCTETS}
            ),
            "octet-stream": srv.route("/bin", body=GOOD, headers={"Content-Type": OCTETS}),
            "text-plain": srv.route("/txt", body=GOOD, headers={"Content-Type": "text/plain"}),
            "no-content-type": srv.route("/bare", body=GOOD, headers={"Content-Type": ""}),
            "latin1-declared-utf8": srv.route(
                "/latin1", body=LATIN1_AS_UTF8, headers={"Content-Type": "text/xml; charset=utf-8"}
            ),
            # Seeded, not os.urandom: about one random body in a hundred starts with "{"
            # and is rightly read as a broken JSON Feed, a different verdict.
            "random-bytes": srv.route("/random", body=random.Random(20261207).randbytes(4096)),
            "html": srv.route("/page", body=HTML, headers={"Content-Type": "text/html"}),
            "html-linking": srv.route(
                "/home",
                body=b'<html><head><link rel="alternate" type="application/rss+xml" '
                b'href="/linked.xml"></head><body>news</body></html>',
                headers={"Content-Type": "text/html"},
            ),
            "gone": srv.route("/gone", status=410),
        }
        srv.redirect("/loop-b", "/loop-a", 301)
        srv.route("/linked.xml", body=FEED_LINKED)
        feeds = "".join(f'[[feeds]]\nname = "{n}"\nurl = "{u}"\n\n' for n, u in urls.items())
        config = tmp / "config.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{tmp / "nw.db"}"\n\n'
            '[defaults]\nmax_body = "256KiB"\n\n' + feeds
        )
        app = App(load(str(config)), clock=lambda: NOW, parse_workers=0)
        try:
            app.open()

            # The production timeout (30 s): once every other feed has its answer and the
            # stalling one hangs, the loop's clock is moved past the timeout.
            async def main(loop: JumpLoop) -> PollReport:
                others_done = asyncio.Event()

                def progress(r: PollReport) -> None:
                    if r.feeds >= len(urls) - 1:
                        others_done.set()

                polling = asyncio.ensure_future(
                    app.poller.poll_async(force=True, progress=progress)
                )
                await srv.stalled("/stall", 1)
                await others_done.wait()
                loop.jump(FetchLimits().timeout_s)
                return await polling

            report = run_jumping(main)
            assert report.feeds == len(urls)
            with app.store.read() as s:
                statuses = {f.name: f for f in storage.feed_statuses(s, NOW)}
                articles = storage.articles_since(s, NOW - timedelta(days=365))
        finally:
            app.close()
    stored = repr(articles) + repr(list(statuses.values()))
    assert SECRET not in stored and "lollollol" not in stored
    yield statuses | {"@articles": articles}  # type: ignore[dict-item]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_feed_gets_its_own_verdict(polled: dict[str, storage.FeedStatus], case: Case) -> None:
    feed = polled[case.name]
    assert feed.status == case.status, (feed.last_error, feed.note)
    if case.status == "ok":
        assert feed.error_count == 0 and feed.last_success_at == NOW
        if case.says:
            assert case.says in (feed.note or ""), feed.note
        else:
            assert feed.note is None
    else:
        assert feed.error_count == 1 and feed.failing_since == NOW
        assert case.says in (feed.last_error or ""), feed.last_error
        assert feed.next_check_at > NOW


def test_the_good_feeds_articles_are_stored(polled: dict[str, object]) -> None:
    articles = polled["@articles"]
    assert isinstance(articles, list)
    by_feed = {(a.feed_name, a.identity) for a in articles}
    assert ("good", "g1") in by_feed
    assert ("html-linking", "d1") in by_feed  # followed from the page


def test_retry_after_floors_the_next_check(polled: dict[str, storage.FeedStatus]) -> None:
    assert polled["http429"].next_check_at >= NOW + timedelta(seconds=7200)


def test_discovery_and_gone_say_so(polled: dict[str, storage.FeedStatus]) -> None:
    linking = polled["html-linking"]
    assert linking.url.endswith("/linked.xml") and linking.config_url.endswith("/home")
    assert linking.url in (linking.note or "")
    assert "stopped polling" in (polled["gone"].note or "")
