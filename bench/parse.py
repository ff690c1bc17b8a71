"""Parsing benchmark: parse_feed's fast path for RSS 2.0 and Atom 1.0 against feedparser.

Run: .venv/bin/python bench/parse.py [--n 200] [--reps 3]

Corpora: N news-like RSS 2.0 feeds (bench/poll.py's feed_body: 50 entries each, HTML in a
third of the summaries, nine languages in four scripts), the same entries written as
Atom 1.0, and every file of ../shared/corpus/feedparser-tests (small edge cases, most of
them outside the fast path's subset, read with the headers their comments give).

Each body goes through parse_feed(..., fast=False), the feedparser baseline, and through
parse_feed(...), the fast path with its fallback to feedparser for what it does not
accept; both in the same run, alternating which goes first, best of --reps. Times are the
whole parse_feed, so they include the work parse.py does after either parser (HTML
sanitizing, absolute links, identities). "same" counts bodies whose two results are
equal (the ParsedFeed, or the same ParseError); anything below "documents" is a bug.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

import newstext  # noqa: E402  (bench/ is not a package)
from feedcorpus import corpus_headers  # noqa: E402  (the tests' corpus reader)
from poll import ENTRIES, feed_body  # noqa: E402

from ingest import fastparse  # noqa: E402
from ingest.errors import ParseError  # noqa: E402
from ingest.model import ParsedFeed  # noqa: E402
from ingest.parse import FEEDPARSER_PARTS, parse_feed  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "feedparser-tests"
BASE = datetime(2026, 1, 1, tzinfo=UTC)
RSS_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM_HEADERS = {"Content-Type": "application/atom+xml; charset=utf-8"}
# The corpus files state their HTTP headers in a leading comment ("Header: Name: value").


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes
    headers: dict[str, str]
    url: str


def atom_body(feed: int, version: int, entries: int = ENTRIES) -> bytes:
    """Feed `feed`'s entries as feed_body writes them for RSS, as an Atom 1.0 document."""
    lang = newstext.feed_language(feed).lang.code
    items = "\n".join(_atom_entry(feed, k) for k in range(version + entries - 1, version - 1, -1))
    site = f"https://news{feed % 97}.example/"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">'
        f"<title>Outlet {feed}</title><id>tag:news{feed % 97}.example,2026:{feed}</id>"
        f'<link href="{site}"/><link rel="self" href="{site}atom.xml"/>'
        f"<updated>{BASE.isoformat()}</updated><author><name>Outlet {feed}</name></author>"
        f"\n{items}\n</feed>"
    ).encode()


def _atom_entry(feed: int, k: int) -> str:
    e = newstext.entry(feed, k, BASE)
    stamp = e.published.isoformat()
    return (
        f"<entry><id>{escape(e.guid)}</id><title>{escape(e.title)}</title>"
        f"<link rel='alternate' type='text/html' href={quoteattr(e.link)}/>"
        f"<published>{stamp}</published><updated>{stamp}</updated>"
        f"<author><name>Desk {k % 7}</name><email>desk{k % 7}@outlet{feed}.example</email>"
        f'</author><summary type="html">{escape(e.summary_html)}</summary></entry>'
    )


def corpora(n: int) -> dict[str, list[Body]]:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")
    return {
        f"news-like RSS 2.0 (bench/poll.py, {n})": [
            Body(feed_body(i, 0), RSS_HEADERS, f"https://news{i % 97}.example/rss")
            for i in range(n)
        ],
        f"news-like Atom 1.0 (same entries, {n})": [
            Body(atom_body(i, 0), ATOM_HEADERS, f"https://news{i % 97}.example/atom")
            for i in range(n)
        ],
        "feedparser-tests corpus": [
            Body(p.read_bytes(), corpus_headers(p.read_bytes()), f"http://example.org/{p.name}")
            for p in files
        ],
    }


def outcome(body: Body, fast: bool) -> ParsedFeed | str:
    try:
        return parse_feed(body.data, body.headers, body.url, fast=fast)
    except ParseError as e:
        return f"ParseError: {e}"


def timed(bodies: list[Body], fast: bool) -> float:
    started = time.perf_counter()
    for body in bodies:
        outcome(body, fast)
    return (time.perf_counter() - started) * 1000


def accepted(bodies: list[Body]) -> int:
    return sum(
        fastparse.parse(b.data, {k.lower(): v for k, v in b.headers.items()}, FEEDPARSER_PARTS)
        is not None
        for b in bodies
    )


def best_of(reps: int, bodies: list[Body]) -> tuple[float, float]:
    """Best total ms of each path; the order alternates so neither always runs warm."""
    slow: list[float] = []
    fast: list[float] = []
    for rep in range(reps):
        runs: list[tuple[list[float], Callable[[], float]]] = [
            (slow, lambda: timed(bodies, False)),
            (fast, lambda: timed(bodies, True)),
        ]
        for into, run in runs if rep % 2 == 0 else runs[::-1]:
            into.append(run())
    return min(slow), min(fast)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="news-like feeds per corpus")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    print(f"| corpus (best of {args.reps}) | documents | accepted | same | feedparser ms |", end="")
    print(" fast path ms | feedparser ÷ fast |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, bodies in corpora(args.n).items():
        if not bodies:
            print(f"| {name} | not found: {CORPUS} | | | | | |")
            continue
        same = sum(outcome(b, True) == outcome(b, False) for b in bodies)
        slow, fast = best_of(args.reps, bodies)
        print(
            f"| {name} | {len(bodies)} | {accepted(bodies)} | {same} | {slow:.0f} | {fast:.0f} |"
            f" {slow / fast:.1f} |"
        )


if __name__ == "__main__":
    main()
