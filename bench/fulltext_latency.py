"""Full-text latency: how much later a name found only in the article page alerts than a
name the feed itself carries (feed seen → alert received), in one `newswatch poll` cycle.

Run: .venv/bin/python bench/fulltext_latency.py [--pages 1 10 40] [--reps 3]
A loopback feed holds one entry naming a watched person in its title (the baseline) and
PAGES cut teasers ("…") whose article pages, real news pages from
../shared/corpus/article-extraction, name another watched person only in their body.
The cycle is the `poll` command's: poll feeds, match, deliver, then read the pages,
match, deliver, alerts sent to a loopback webhook. Production defaults throughout
(per-host limit 2, robots.txt honoured). Medians over reps.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web

from newswatch.app import App
from newswatch.config import load

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "article-extraction"
PAGE_NAME = "Ales Bialiatski"
FEED_NAME = "Viktor Babaryka"


class Loopback:
    """Feed, pages and the webhook on one loopback server in a thread."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, str]] = {}
        self.arrivals: list[tuple[float, str]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            body = await request.json()
            self.arrivals.append((time.perf_counter(), str(body.get("message", ""))))
            return web.Response(text="ok")
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404)
        body, ctype = route
        return web.Response(body=body, headers={"Content-Type": ctype})

    def start(self) -> Loopback:
        self._thread.start()
        self._ready.wait(10)
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def named_page(html: bytes, body: str) -> bytes | None:
    """The page with a sentence naming PAGE_NAME inside its article text: after the
    first stretch of the true article body (ground truth) that the page body has verbatim."""
    text = html.decode("utf-8", "replace")
    sentence = f" Human rights defender {PAGE_NAME} was mentioned in the report. "
    for line in body.splitlines():
        probe = line.strip()[:40]
        # In the body: the head's description and JSON-LD often repeat the first line.
        at = text.find(probe, max(text.find("<body"), 0)) if len(probe) >= 30 else -1
        if at >= 0:
            at += len(probe)
            return (text[:at] + sentence + text[at:]).encode("utf-8")
    return None


def headline(url: str) -> str:
    """A distinct headline per page (its URL's slug), so no two reports look like one
    story and fold into one alert."""
    slug = max(url.rstrip("/").split("/"), key=len)
    return " ".join(slug.replace("_", "-").split(".")[0].split("-")[:10]) or url


def feed(srv: Loopback, keys: list[str], stamp: str, titles: dict[str, str]) -> bytes:
    now = format_datetime(datetime.now(UTC))
    items = [
        f"<item><guid>{stamp}-feed</guid><title>{FEED_NAME} released</title>"
        f"<link>{srv.url('/feedtext')}</link><description>{'word ' * 100}</description>"
        f"<pubDate>{now}</pubDate></item>"
    ]
    for k in keys:
        items.append(
            f"<item><guid>{stamp}-{k}</guid><title>{escape(titles[k])}</title>"
            f"<link>{srv.url(f'/p/{k}.html')}</link><description>A court heard…</description>"
            f"<pubDate>{now}</pubDate></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def one_cycle(
    pages: int, keys: list[str], titles: dict[str, str], srv: Loopback, rep: int
) -> tuple[float, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{tmp}/b.db"\n'
            f'[[feeds]]\nname = "Bench"\nurl = "{srv.url("/feed.xml")}"\n'
            f'[notifiers]\nchat = ["json://127.0.0.1:{srv.port}/hook"]\n'
            f'[[watchlists]]\nname = "w"\nnames = ["{PAGE_NAME}", "{FEED_NAME}"]\n'
            'notify = ["chat"]\n',
            encoding="utf-8",
        )
        srv.routes["/feed.xml"] = (
            feed(srv, keys[:pages], f"r{rep}p{pages}", titles),
            "application/rss+xml",
        )
        srv.arrivals.clear()
        app = App(load(str(config)), parse_workers=0)
        app.open()
        try:
            app.poll(force=True)
            seen = time.perf_counter()  # the feed is stored: its entries are "seen"
            app.match()
            app.deliver()
            app.poll_pages()
            app.match()
            app.deliver()
        finally:
            app.close()
        deadline = time.perf_counter() + 10
        while len(srv.arrivals) < 1 + pages and time.perf_counter() < deadline:
            time.sleep(0.01)
        feed_alerts = [t - seen for t, m in srv.arrivals if FEED_NAME in m]
        page_alerts = [t - seen for t, m in srv.arrivals if PAGE_NAME in m]
        return (feed_alerts[0] if feed_alerts else float("nan")), page_alerts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[1, 10, 40])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    truth = json.loads((CORPUS / "ground-truth.json").read_text("utf-8"))
    srv = Loopback().start()
    keys: list[str] = []
    titles = {k: headline(v["url"]) for k, v in truth.items()}
    for k in truth:
        raw = gzip.decompress((CORPUS / "html" / f"{k}.html.gz").read_bytes())
        page = named_page(raw, truth[k]["articleBody"])
        if page is not None:
            srv.routes[f"/p/{k}.html"] = (page, "text/html; charset=utf-8")
            keys.append(k)
    print(
        f"{'pages':>5} {'feed-text alert s':>18} {'page-text alert s':>18} "
        f"{'added s':>8} {'found':>7}"
    )
    for pages in args.pages:
        feed_s, page_s, found = [], [], []
        for rep in range(args.reps):
            f, p = one_cycle(pages, keys, titles, srv, rep)
            feed_s.append(f)
            page_s.extend(p)
            found.append(len(p))
        med_feed, med_page = statistics.median(feed_s), statistics.median(page_s or [float("nan")])
        print(
            f"{pages:>5} {med_feed:>18.3f} {med_page:>18.3f} {med_page - med_feed:>8.3f} "
            f"{statistics.median(found):>4.0f}/{pages}"
        )
    print("feed-text alert: the baseline in the same cycle; added = page-text minus feed-text")


if __name__ == "__main__":
    main()
