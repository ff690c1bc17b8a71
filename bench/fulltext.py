"""Article-extraction benchmark: newswatch's page reader over the 181 real news pages of
../shared/corpus/article-extraction, served over loopback, scored with the corpus's
own metric (its README).

Run: .venv/bin/python bench/fulltext.py [--corpus DIR] [--repeat 1]
Each page is served gzip-compressed as text/html under /p/<id>.html (robots.txt is a
404, so everything is allowed) and read as `newswatch extract` reads it: robots check,
fetch, extraction off the event loop. Baseline in the same run: the page's whole
visible text (lxml, scripts and styles dropped), the "html-text" row of the published
table. Metric: `\\w+` tokens, 4-token shingles counted with multiplicity; per page
tp/fp/fn normalized to sum to 1; precision and recall are means over pages; F1 their
harmonic mean.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lxml.html
from aiohttp import web

from ingest.fetch import FetchLimits
from ingest.pages import read_pages

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "article-extraction"
)
_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def precision_recall(predicted: str, true: str) -> tuple[float, float]:
    """The corpus metric for one page."""
    p, t = shingles(predicted), shingles(true)
    tp = sum((p & t).values())
    fp, fn = sum(p.values()) - tp, sum(t.values()) - tp
    total = tp + fp + fn
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    tp_n, fp_n, fn_n = tp / total, fp / total, fn / total
    return tp_n / (tp_n + fp_n), tp_n / (tp_n + fn_n)


def score(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    pairs = [precision_recall(predicted.get(k, ""), t) for k, t in truth.items()]
    precision = statistics.fmean(p for p, _ in pairs)
    recall = statistics.fmean(r for _, r in pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def visible_text(page: bytes) -> str:
    tree = lxml.html.fromstring(page)
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


async def serve(pages: dict[str, bytes]) -> tuple[web.AppRunner, int]:
    async def handle(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if key not in pages:
            return web.Response(status=404)
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return web.Response(body=pages[key], headers=headers)

    app = web.Application()
    app.router.add_get("/p/{key}.html", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


async def run_reader(pages: dict[str, bytes]) -> tuple[dict[str, str], float, list[str]]:
    runner, port = await serve(pages)
    try:
        urls = [f"http://127.0.0.1:{port}/p/{k}.html" for k in pages]
        clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731
        limits = FetchLimits(per_host=2)  # the production default per host
        started = time.perf_counter()
        results = await read_pages(urls, limits, clock)
        elapsed = time.perf_counter() - started
    finally:
        await runner.cleanup()
    out: dict[str, str] = {}
    errors: list[str] = []
    for key, r in zip(pages, results, strict=True):
        if r.article is not None:
            out[key] = r.article.text
        else:
            errors.append(f"{key[:12]}: {r.error}")
    return out, elapsed, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=1, help="timing runs (median reported)")
    args = ap.parse_args()
    truth_doc = json.loads((args.corpus / "ground-truth.json").read_text("utf-8"))
    truth = {k: v["articleBody"] for k, v in truth_doc.items()}
    pages = {k: (args.corpus / "html" / f"{k}.html.gz").read_bytes() for k in truth}

    times = []
    predicted: dict[str, str] = {}
    errors: list[str] = []
    for _ in range(max(1, args.repeat)):
        predicted, elapsed, errors = asyncio.run(run_reader(pages))
        times.append(elapsed)
    reader_s = statistics.median(times)

    started = time.perf_counter()
    baseline = {k: visible_text(gzip.decompress(v)) for k, v in pages.items()}
    baseline_s = time.perf_counter() - started

    rows = [
        ("newswatch page reader (trafilatura)", *score(predicted, truth), len(pages) / reader_s),
        ("baseline: whole visible text", *score(baseline, truth), len(pages) / baseline_s),
    ]
    print(f"pages: {len(pages)} served over loopback; runs: {len(times)} (median)")
    print(f"{'extractor':<38} {'F1':>6} {'precision':>9} {'recall':>7} {'pages/s':>8}")
    for name, f1, p, r, speed in rows:
        print(f"{name:<38} {f1:>6.3f} {p:>9.3f} {r:>7.3f} {speed:>8.1f}")
    ours, base = rows[0], rows[1]
    print(f"ratio to baseline: F1 x{ours[1] / base[1]:.2f}, speed x{ours[4] / base[4]:.2f}")
    print("published (corpus README): trafilatura 2.0.0 0.958; best listed 0.970; html-text 0.665")
    if errors:
        print(f"pages without text: {len(errors)}")
        for e in errors:
            print(f"  {e}")


if __name__ == "__main__":
    main()
