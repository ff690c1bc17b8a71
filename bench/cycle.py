"""Whole-cycle benchmark: poll, match and store at volume, as `newswatch poll` does it.

Run: .venv/bin/python bench/cycle.py [--n 2000] [--reps 1] [--database sqlite|postgresql]

N news-like feeds of 50 entries (bench/poll.py's server and generator: 6% of entries name
one of four watched people, in nine languages and four scripts) are polled once by the
real application on a fresh database: `App.poll(force=True)`, then `App.match()` (every
watchlist matched, reports of one event placed into stories, hits and pending deliveries
written), deliveries not sent. The bundled watchlist's four people are watched, so
the hits and alerts are what a user of the bundled config would get. The baseline, in the
same run, is reader's cold poll of the same feeds (it stores entries and matches
nothing): the ratio says what matching and story grouping add on top of a poll that
does no such work. Each measurement runs in a fresh worker process (its own peak RSS).

Issue 12's target: 2,000 feeds, the whole cycle <= 60 s on two cores.
`--database postgresql` uses the local test database (PG_URL below) and drops and
recreates its public schema before each run: point it at nothing that holds data.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import poll  # noqa: E402  (bench/ is not a package)

TARGET_S = 60.0
PEOPLE = ("Ales Bialiatski", "Viktor Babaryka", "Maria Kolesnikova", "Sviatlana Tsikhanouskaya")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def config(db_url: str, urls: list[str]) -> str:
    feeds = "".join(f'[[feeds]]\nname = "Outlet {i}"\nurl = "{u}"\n\n' for i, u in enumerate(urls))
    names = ", ".join(f'"{p}"' for p in PEOPLE)
    return (
        f'[database]\nurl = "{db_url}"\n\n'
        # Every entry may alert (the generator spreads publication over days), no article
        # page is fetched (the links are not on loopback), the loopback server is allowed.
        '[defaults]\nbackfill = "all"\nfulltext = "never"\nallow_private = true\n\n'
        f'{feeds}[notifiers]\ndesk = ["json://127.0.0.1:9/unused"]\n\n'
        f'[[watchlists]]\nname = "people"\nnames = [{names}]\nnotify = ["desk"]\n'
    )


def work(config_path: str) -> dict[str, float]:
    from newswatch.app import App
    from newswatch.config import load

    started = time.perf_counter()
    app = App(load(config_path))
    app.open()
    try:
        opened = time.perf_counter()
        polled = app.poll(force=True)
        fetched = time.perf_counter()
        matched = app.match()
        done = time.perf_counter()
    finally:
        app.close()
    own, child = poll._rss_mb()
    return {
        "open": opened - started,
        "poll": fetched - opened,
        "match": done - fetched,
        "wall": done - started,
        "articles": polled.new_articles,
        "errors": polled.errors,
        "hits": matched.hits,
        "deliveries": matched.deliveries,
        "rss": own,
        "child_rss": child,
    }


def run_newswatch(config_path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(config_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _reset_postgres() -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--n", type=int, default=2000, help="feeds")
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--no-baseline", action="store_true", help="skip reader's cold poll")
    p.add_argument("--worker", metavar="CONFIG")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(work(args.worker)))
        return
    if not args.no_baseline and importlib.util.find_spec("reader") is None:
        sys.exit("bench/cycle.py: the baseline needs reader: pip install -e '.[bench]'")
    ready = multiprocessing.Event()
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=poll.serve, args=(args.n, "news", ready, ports), daemon=True
    )
    server.start()
    ready.wait(600)
    port = ports.get(timeout=5)
    urls = poll.feed_urls(port, args.n)
    tmp = Path(tempfile.mkdtemp(prefix="bench-cycle-"))
    urls_file = tmp / "urls.txt"
    urls_file.write_text("\n".join(urls))
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    try:
        for rep in range(args.reps):
            for lib in ("newswatch", "reader") if rep % 2 == 0 else ("reader", "newswatch"):
                if lib == "reader":
                    if args.no_baseline:
                        continue
                    db = tmp / f"reader-{rep}.db"
                    theirs.append(poll.run_worker("reader", db, urls_file, "cold"))
                    db.unlink()
                    r = theirs[-1]
                    print(f"rep {rep + 1} reader     cold poll {r['wall']:.1f}s", flush=True)
                    continue
                if args.database == "postgresql":
                    _reset_postgres()
                    db_url = PG_URL
                else:
                    db_url = f"sqlite:///{tmp / f'newswatch-{rep}.db'}"
                cfg = tmp / "config.toml"
                cfg.write_text(config(db_url, urls))
                ours.append(run_newswatch(cfg))
                r = ours[-1]
                print(
                    f"rep {rep + 1} newswatch  poll {r['poll']:.1f}s match {r['match']:.1f}s "
                    f"articles={r['articles']:.0f} hits={r['hits']:.0f} "
                    f"deliveries={r['deliveries']:.0f} errors={r['errors']:.0f}",
                    flush=True,
                )
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{tmp / f'newswatch-{rep}.db'}{suffix}").unlink(missing_ok=True)
    finally:
        server.terminate()
    med = {k: statistics.median(r[k] for r in ours) for k in ours[0]}
    print()
    print(
        f"N = {args.n} feeds x {poll.ENTRIES} entries (news text), {args.database}, "
        f"medians of {args.reps}, wall seconds on {os.cpu_count()} cores"
    )
    print("| phase | newswatch | reader (poll only) | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    base = statistics.median(r["wall"] for r in theirs) if theirs else None
    for phase in ("open", "poll", "match"):
        print(f"| {phase} | {med[phase]:.1f} | | | |")
    verdict = "ok" if med["wall"] <= TARGET_S else "MISS"
    ratio = f"{med['wall'] / base:.2f}" if base else "-"
    shown = f"{base:.1f}" if base else "-"
    print(
        f"| whole cycle | {med['wall']:.1f} | {shown} | {ratio} | <= {TARGET_S:.0f} s {verdict} |"
    )
    print(
        f"\narticles {med['articles']:.0f}, hits {med['hits']:.0f}, deliveries "
        f"{med['deliveries']:.0f}, feed errors {med['errors']:.0f}; peak RSS "
        f"{med['rss']:.0f} MB (parse workers {med['child_rss']:.0f} MB)"
    )


if __name__ == "__main__":
    main()
