"""Poll-cycle benchmark: newswatch's Poller against lemon24's `reader` over the same feeds.

Run: .venv/bin/python bench/poll.py --n 1000 --reps 3
     .venv/bin/python bench/poll.py --n 10000 --only newswatch --scenario steady
     .venv/bin/python bench/poll.py --n 1000 --text ten-word   # issue 4's feeds
     .venv/bin/python bench/poll.py --only newswatch --scenario 304 --scenario 304-empty

N feeds of 50 entries are served from a separate server process on several loopback
addresses (feeds spread over hosts, as in life, so the per-host limit of 2 is honoured
without serializing everything). `--text news` (the default) writes news-like entries
(bench/newstext.py: a Zipfian vocabulary of ~67,000 word types in nine languages and
four scripts, people, organisations, places, numbers, dates, HTML in a third of the
summaries, 6% naming a watched person, publication times over days). `--text ten-word`
keeps issue 4's generator (a few dozen words per language) only so that figures can be
compared with that issue's baseline; it understates every cost that grows with real text.
Each measurement runs in a fresh worker process so its peak RSS is its own. Scenarios:

  cold       fresh database, every entry new
  304        warm database, the server honours conditional GET
  unchanged  warm database, the server ignores validators (identical 200 bodies)
  steady     warm database, conditional GET, 5% of feeds gained one entry
  304-empty  the same N feeds, polled once (untimed) while served with no entries, so each
             is stored with its validators but 0 articles; then an all-304 pass as in 304

With both 304 and 304-empty, a second table sets the all-304 pass with N x 50 articles
stored against the one with none: work that does not depend on stored data must not grow
with it (the same wall time, +- 10%). The server counts its answers, so the table also
shows that every request in those passes was answered 304.

newswatch: `ingest.poller.Poller(parse_workers=2).poll(force=True)` on a fresh SQLite file.
reader: `make_reader(path).update_feeds()` (default storage; `scheduled=False` after cold,
so it polls every feed as newswatch's `force` does). Medians over reps, alternating order.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import newstext  # noqa: E402  (bench/ is not a package)


@dataclass(frozen=True, slots=True)
class Scenario:
    # The database the timed pass starts from: a new one; the cold poll's (N x 50 articles);
    # or one poll of the same feeds served empty (feeds and their validators, no articles).
    start: Literal["fresh", "full", "empty"]
    server: Literal["conditional", "ignore"] = "conditional"  # does it honour validators
    bump: bool = False  # every BUMP_EVERY-th feed gained one entry

    @property
    def empty(self) -> bool:
        """The server serves every feed with no entries (also while seeding the start)."""
        return self.start == "empty"


# In table order; new scenarios go last, since users script against the table's rows.
SCENARIOS = {
    "cold": Scenario("fresh"),
    "304": Scenario("full"),
    "unchanged": Scenario("full", server="ignore"),
    "steady": Scenario("full", bump=True),
    "304-empty": Scenario("empty"),
}
# Issue 12's targets on news-like feeds: newswatch / reader wall time at N = 1,000 ...
TARGETS = {"cold": 0.25, "304": 0.05, "unchanged": 0.02, "steady": 0.05}
# ... an all-304 poll costs the same, +- this fraction, with N x 50 and with 0 stored ...
FLAT_TOLERANCE = 0.10
# ... and at N = 50,000, newswatch alone: steady cycle wall seconds and peak RSS MB.
SCALE_N = 50_000
SCALE_TARGETS = {"steady": (15.0, 300.0)}
ENTRIES = 50
HOSTS = 32
BUMP_EVERY = 20  # steady: every 20th feed (5%) gained one entry

# --- feed generation (server side) -------------------------------------------------------

_TEXT = {"kind": "news"}  # set once per server process from --text


def _item(feed: int, k: int) -> str:
    if _TEXT["kind"] == "ten-word":
        return _item_ten_word(feed, k)
    e = newstext.entry(feed, k, _BASE)
    return (
        f'<item><guid isPermaLink="true">{e.guid}</guid><title>{escape(e.title)}</title>'
        f"<link>{escape(e.link)}</link><description>{escape(e.summary_html)}</description>"
        f"<pubDate>{format_datetime(e.published)}</pubDate></item>"
    )


# Issue 4's generator, kept only to compare with that issue's figures (see --text).
_EN = [
    "court",
    "appeal",
    "hearing",
    "minister",
    "opposition",
    "protest",
    "election",
    "sanctions",
    "border",
    "journalist",
    "detained",
    "released",
    "statement",
    "parliament",
    "economy",
    "trade",
    "visit",
    "summit",
    "talks",
    "energy",
    "prices",
    "report",
    "human",
    "rights",
    "activist",
    "verdict",
    "sentence",
    "campaign",
    "leader",
    "exile",
    "government",
]
_RU = [
    "суд",
    "апелляция",
    "заседание",
    "министр",
    "оппозиция",
    "протест",
    "выборы",
    "санкции",
    "граница",
    "журналист",
    "задержан",
    "освобождён",
    "заявление",
    "парламент",
    "экономика",
    "торговля",
    "визит",
    "переговоры",
    "энергия",
]
_BE = [
    "суд",
    "апеляцыя",
    "пасяджэнне",
    "міністр",
    "апазіцыя",
    "пратэст",
    "выбары",
    "санкцыі",
    "мяжа",
    "журналіст",
]
_NAMES = (
    "Ales Bialiatski",
    "Viktor Babaryka",
    "Maria Kolesnikova",
    "Алесь Бяляцкі",
    "Виктор Бабарыко",
    "Sviatlana Tsikhanouskaya",
)
_BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _words(rng: random.Random, vocab: list[str], n: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(n))


def _item_ten_word(feed: int, k: int) -> str:
    rng = random.Random(feed * 100_003 + k)
    vocab = _RU if feed % 5 == 0 else _BE if feed % 7 == 0 else _EN
    title = _words(rng, vocab, 7).capitalize()
    if rng.random() < 0.1:
        title += f" — {rng.choice(_NAMES)}"
    summary = _words(rng, vocab, 40)
    if k % 3 == 0:
        summary = f"<p>{summary[:120]} <b>{rng.choice(_NAMES)}</b></p><p>{summary[120:]}</p>"
    published = _BASE + timedelta(hours=k)
    return (
        f'<item><guid isPermaLink="false">f{feed}-e{k}</guid><title>{escape(title)}</title>'
        f"<link>https://news{feed % 97}.example/{feed}/{k}</link>"
        f"<description>{escape(summary)}</description>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
    )


def feed_body(feed: int, version: int, entries: int = ENTRIES) -> bytes:
    # Version v carries entries v .. v+49, newest first: each bump adds one, drops the oldest.
    items = "\n".join(_item(feed, k) for k in range(version + entries - 1, version - 1, -1))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Outlet {feed}</title><link>https://news{feed % 97}.example/</link>"
        f"<description>News from outlet {feed}</description>\n{items}\n</channel></rss>"
    ).encode()


def serve(
    n: int,
    text: str,
    ready: multiprocessing.synchronize.Event,
    ports: multiprocessing.Queue[int],
) -> None:
    """The feed server process: /f{i}.xml, plus POST /_ctl to set the scenario (and zero
    the counts of answers by status) and GET /_served for those counts."""
    from collections import Counter

    from aiohttp import web

    _TEXT["kind"] = text
    state = {"mode": "conditional", "bump": False, "empty": False}
    cache: dict[tuple[int, int], bytes] = {}
    served: Counter[int] = Counter()

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/_ctl":
            state.update(await request.json())
            served.clear()
            return web.Response(text="ok")
        if request.path == "/_served":
            return web.json_response({str(status): k for status, k in served.items()})
        response = _feed_response(request)
        served[response.status] += 1
        return response

    def _feed_response(request: web.Request) -> web.Response:
        name = request.path.lstrip("/")
        if not (name.startswith("f") and name.endswith(".xml")):
            return web.Response(status=404)
        feed = int(name[1:-4])
        version = 1 if state["bump"] and feed % BUMP_EVERY == 0 else 0
        etag = f'"{feed}-{version}"'
        modified = format_datetime(_BASE + timedelta(days=version), usegmt=True)
        if state["empty"]:
            # Validators of their own, so no client can mistake the empty body for a full one.
            etag = f'"{feed}-empty"'
            modified = format_datetime(_BASE - timedelta(days=1), usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified}
        if state["mode"] == "conditional" and (
            request.headers.get("If-None-Match") == etag
            or request.headers.get("If-Modified-Since") == modified
        ):
            return web.Response(status=304, headers=headers)
        if state["empty"]:
            body = feed_body(feed, 0, entries=0)  # a few hundred bytes: not worth caching
        elif (feed, version) in cache:
            body = cache[(feed, version)]
        else:
            body = cache[(feed, version)] = feed_body(feed, version)
        headers["Content-Type"] = "application/rss+xml; charset=utf-8"
        return web.Response(body=body, headers=headers)

    async def main() -> None:
        # Bodies are built before serving, so no client pays for generating them.
        for feed in range(n):
            cache[(feed, 0)] = feed_body(feed, 0)
            if feed % BUMP_EVERY == 0:
                cache[(feed, 1)] = feed_body(feed, 1)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = runner.addresses[0][1]
        for h in range(2, HOSTS + 1):
            await web.TCPSite(runner, f"127.0.0.{h}", port, backlog=1024).start()
        ports.put(port)
        ready.set()
        import asyncio

        await asyncio.Event().wait()

    import asyncio

    asyncio.run(main())


def feed_urls(port: int, n: int) -> list[str]:
    return [f"http://127.0.0.{i % HOSTS + 1}:{port}/f{i}.xml" for i in range(n)]


def control(port: int, **state: object) -> None:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/_ctl", data=json.dumps(state).encode(), method="POST"
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def served(port: int) -> dict[int, int]:
    """The server's answers by status since the last `control`."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_served", timeout=10) as resp:
        counts: dict[str, int] = json.loads(resp.read())
    return {int(status): k for status, k in counts.items()}


# --- workers (one process per measurement) -----------------------------------------------


def _rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def work_newswatch(db: Path, urls: list[str], scenario: str) -> dict[str, float]:
    from ingest import storage
    from ingest.db import make_engine, make_sessions
    from ingest.poller import Poller, PollSettings
    from ingest.storage.store import IngestStore
    from newswatch import migrate

    engine = make_engine(f"sqlite:///{db}")
    sessions = make_sessions(engine)
    now = datetime.now(UTC)
    if scenario == "cold":
        migrate.upgrade(engine)
        with sessions.begin() as s:
            storage.sync_feeds(
                s, [storage.FeedSpec(f"Outlet {i}", u, 900.0) for i, u in enumerate(urls)], now
            )
    poller = Poller(
        IngestStore(engine),
        lambda: datetime.now(UTC),
        owner="bench",
        settings=PollSettings(parse_workers=2),
    )
    started = time.perf_counter()
    report = poller.poll(force=True)
    wall = time.perf_counter() - started
    poller.close()
    engine.dispose()
    own, child = _rss_mb()
    return {
        "wall": wall,
        "rss": own,
        "child_rss": child,
        "new": report.new_articles,
        "errors": report.errors,
    }


def work_reader(db: Path, urls: list[str], scenario: str) -> dict[str, float]:
    # reader's vendored feedparser imports `sgmllib`; the venv has the same module under
    # feedparser 6.0.14's name, so alias it rather than install a second copy.
    import feedparser_sgmllib

    sys.modules.setdefault("sgmllib", feedparser_sgmllib)
    from reader import make_reader

    r = make_reader(str(db))
    if scenario == "cold":
        for u in urls:
            r.add_feed(u)
    before = r.get_entry_counts().total or 0
    started = time.perf_counter()
    r.update_feeds(scheduled=scenario == "cold")
    wall = time.perf_counter() - started
    after = r.get_entry_counts().total or 0
    errors = sum(1 for f in r.get_feeds() if f.last_exception is not None)
    r.close()
    own, child = _rss_mb()
    return {"wall": wall, "rss": own, "child_rss": child, "new": after - before, "errors": errors}


def worker_main(lib: str, db: str, urls_file: str, scenario: str) -> None:
    urls = Path(urls_file).read_text().split()
    fn = work_newswatch if lib == "newswatch" else work_reader
    print(json.dumps(fn(Path(db), urls, scenario)))


def run_worker(lib: str, db: Path, urls_file: Path, scenario: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", lib, str(db), str(urls_file), scenario],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- the driver --------------------------------------------------------------------------


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--n", type=int, default=1000, help="feeds")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--only", choices=["newswatch", "reader"])
    p.add_argument(
        "--scenario",
        choices=list(SCENARIOS),
        action="append",
        help="repeatable; all by default (304 and 304-empty together add the stored-data table)",
    )
    p.add_argument(
        "--text",
        choices=["news", "ten-word"],
        default="news",
        help="news-like feeds (default), or issue 4's ten-word ones for comparison",
    )
    p.add_argument("--worker", nargs=4, metavar=("LIB", "DB", "URLS", "SCENARIO"))
    args = p.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return
    libs = [args.only] if args.only else ["newswatch", "reader"]
    if "reader" in libs and importlib.util.find_spec("reader") is None:
        sys.exit("bench/poll.py: the baseline needs reader: pip install -e '.[bench]'")
    wanted = args.scenario or list(SCENARIOS)
    runs = [s for s in SCENARIOS if s in wanted]
    if "cold" not in runs and any(SCENARIOS[s].start == "full" for s in runs):
        runs.insert(0, "cold")  # it makes their start: timed, but shown only if asked for
    ready = multiprocessing.Event()
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=serve, args=(args.n, args.text, ready, ports), daemon=True
    )
    server.start()
    ready.wait(600)
    port = ports.get(timeout=5)
    tmp = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    urls_file = tmp / "urls.txt"
    urls_file.write_text("\n".join(feed_urls(port, args.n)))
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    try:
        if any(SCENARIOS[s].empty for s in runs):
            for lib in libs:
                _seed_empty(port, lib, urls_file, tmp / f"{lib}-empty.db")
        for rep in range(args.reps):
            order = libs if rep % 2 == 0 else libs[::-1]
            for scenario in runs:
                spec = SCENARIOS[scenario]
                for lib in order:
                    db = tmp / f"{lib}-run.db"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                    if spec.start != "fresh":
                        shutil.copy(tmp / f"{lib}-{spec.start}.db", db)
                    # The copy leaves tens of MB dirty in the page cache; without a sync the
                    # measured run's first WAL checkpoint (an fdatasync) pays for flushing
                    # them, adding ~0.1 s at random to either library.
                    os.sync()
                    control(port, mode=spec.server, bump=spec.bump, empty=spec.empty)
                    r = run_worker(lib, db, urls_file, scenario)
                    answers = served(port)
                    r["served_304"] = answers.pop(304, 0)
                    r["served_other"] = sum(answers.values())
                    if spec.start == "fresh":
                        _checkpoint(db)
                        shutil.copy(db, tmp / f"{lib}-full.db")
                    results.setdefault((lib, scenario), []).append(r)
                    print(
                        f"rep {rep + 1} {scenario:<10} {lib:<10} {r['wall']:8.3f}s "
                        f"new={int(r['new'])} errors={int(r['errors'])} rss={r['rss']:.0f}MB "
                        f"served 304={int(r['served_304'])} other={int(r['served_other'])}",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    _table(args.n, args.text, libs, [s for s in SCENARIOS if s in wanted], results)
    if "304" in wanted and "304-empty" in wanted:
        _stored_table(args.n, libs, results)


def _seed_empty(port: int, lib: str, urls_file: Path, db: Path) -> None:
    """304-empty's start: a cold poll of the N feeds served with no entries (untimed)."""
    control(port, mode="conditional", bump=False, empty=True)
    r = run_worker(lib, db, urls_file, "cold")
    _checkpoint(db)
    print(
        f"seed  304-empty  {lib:<10} {r['wall']:8.3f}s new={int(r['new'])} "
        f"errors={int(r['errors'])}",
        file=sys.stderr,
        flush=True,
    )
    if r["new"] or r["errors"]:
        # Articles or failed feeds in the start would make it a different comparison.
        raise SystemExit(f"304-empty: seeding {lib} gave new={r['new']} errors={r['errors']}")


def _checkpoint(db: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _table(
    n: int,
    text: str,
    libs: list[str],
    scenarios: list[str],
    results: dict[tuple[str, str], list[dict[str, float]]],
) -> None:
    print(f"\nN = {n} feeds x {ENTRIES} entries ({text} text), medians over reps, wall seconds")
    head = f"{'scenario':<11}" + "".join(f"{lib:>12}" for lib in libs)
    if len(libs) == 2:
        head += f"{'ratio':>8}{'target':>8}"
    head += f"{'nw rss MB':>11}{'nw worker MB':>14}"
    if "reader" in libs:
        head += f"{'reader rss MB':>15}"
    print(head)
    for sc in scenarios:
        walls = [statistics.median(r["wall"] for r in results[(lib, sc)]) for lib in libs]
        line = f"{sc:<11}" + "".join(f"{w:>12.3f}" for w in walls)
        if len(libs) == 2:
            ratio = walls[0] / walls[1]
            if sc in TARGETS:
                ok = "ok" if ratio <= TARGETS[sc] else "MISS"
                line += f"{ratio:>8.3f}{'<=' + str(TARGETS[sc]):>8} {ok}"
            else:
                line += f"{ratio:>8.3f}{'-':>8}   "
        nw = results.get(("newswatch", sc))
        if nw:
            rss = max(r["rss"] for r in nw)
            line += f"{rss:>11.0f}{max(r['child_rss'] for r in nw):>14.0f}"
            if n >= SCALE_N and sc in SCALE_TARGETS:
                wall_max, rss_max = SCALE_TARGETS[sc]
                nw_wall = statistics.median(r["wall"] for r in nw)
                ok = "ok" if nw_wall <= wall_max and rss <= rss_max else "MISS"
                line += f"  target <={wall_max:g}s, <={rss_max:g}MB {ok}"
        rd = results.get(("reader", sc))
        if rd:
            line += f"{max(r['rss'] for r in rd):>15.0f}"
        print(line)


def _stored_table(
    n: int, libs: list[str], results: dict[tuple[str, str], list[dict[str, float]]]
) -> None:
    """The all-304 pass with N x 50 articles stored against the one with 0 (304-empty)."""
    stored = f"{n * ENTRIES:,} stored"
    lo, hi = 1 - FLAT_TOLERANCE, 1 + FLAT_TOLERANCE
    print(
        f"\nall-304 poll, {n * ENTRIES:,} articles stored (304) vs 0 (304-empty): "
        f"the same wall time +-{FLAT_TOLERANCE:.0%}, medians, wall seconds"
    )
    head = f"{'library':<11}{stored:>16}{'0 stored':>12}{'ratio':>8}{'target':>13}"
    print(f"{head}{'answered 304':>19}")
    for lib in libs:
        full, empty = results[(lib, "304")], results[(lib, "304-empty")]
        full_s = statistics.median(r["wall"] for r in full)
        empty_s = statistics.median(r["wall"] for r in empty)
        ratio = full_s / empty_s
        # The target is newswatch's; reader's row is the baseline beside it.
        target, verdict = f"{lo:.2f}..{hi:.2f}", "ok" if lo <= ratio <= hi else "MISS"
        if lib != "newswatch":
            target, verdict = "-", ""
        answered = sum(r["served_304"] for r in full + empty)
        asked = answered + sum(r["served_other"] for r in full + empty)
        print(
            f"{lib:<11}{full_s:>16.3f}{empty_s:>12.3f}{ratio:>8.3f}"
            f"{target:>13} {verdict:<4}{f'{int(answered)}/{int(asked)}':>14}"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
