"""Article pages on loopback: the extraction corpus read as a feed's links would be, and
every way a page or its robots.txt can go wrong (an error on the page, never a crash)."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from conftest import shared_dir
from feedserver import FeedServer
from jumploop import JumpLoop, run_jumping

from ingest.extract import ExtractError, extract_article
from ingest.fetch import Fetcher, FetchLimits
from ingest.pages import PageReader, PageResult, read_pages

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ARTICLE = (
    "<!doctype html><html lang='be'><head><title>Навіны</title></head><body>"
    "<nav><a href='/'>Галоўная</a> <a href='/news'>Навіны</a></nav>"
    "<article><h1>Суд у Мінску</h1>"
    + "".join(
        f"<p>Абзац {i}: праваабаронца Алесь Бяляцкі застаецца ў калоніі, паведамляюць "
        "сваякі, якія наведалі яго на гэтым тыдні і перадалі ліст.</p>"
        for i in range(6)
    )
    + "</article><footer>© 2026</footer></body></html>"
).encode()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


LIMITS = FetchLimits()  # production: a 30 s timeout


def read(urls: list[str]) -> list[PageResult]:
    return asyncio.run(read_pages(urls, LIMITS, lambda: NOW))


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def _precision_recall(predicted: str, true: str) -> tuple[float, float]:
    # The corpus README's metric, as bench/fulltext.py computes it.
    p, t = _shingles(predicted), _shingles(true)
    tp = sum((p & t).values())
    fp, fn = sum(p.values()) - tp, sum(t.values()) - tp
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


def test_the_extraction_corpus_read_over_loopback_scores_f1_at_least_095(
    server: FeedServer,
) -> None:
    corpus = shared_dir("corpus", "article-extraction")
    truth = json.loads((corpus / "ground-truth.json").read_text("utf-8"))
    urls = []
    for key in truth:
        body = (corpus / "html" / f"{key}.html.gz").read_bytes()
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        urls.append(server.route(f"/p/{key}.html", body=body, headers=headers))
    results = read(urls)
    scores = [
        _precision_recall(r.article.text if r.article else "", t["articleBody"])
        for r, t in zip(results, truth.values(), strict=True)
    ]
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    assert server.hits("/robots.txt") == 1  # cached per host


def test_a_page_gives_its_text_title_language_and_date(server: FeedServer) -> None:
    page = ARTICLE.replace(
        b"<title>", b"<meta property='article:published_time' content='2026-02-27'><title>"
    )
    url = server.route("/a/1", body=page, headers={"Content-Type": "text/html; charset=utf-8"})
    (r,) = read([url])
    assert r.error is None and r.article is not None
    assert "Алесь Бяляцкі застаецца ў калоніі" in r.article.text
    assert "Галоўная" not in r.article.text and "©" not in r.article.text
    assert (r.article.lang, r.article.published) == ("be", "2026-02-27")
    assert r.article.title


@pytest.mark.parametrize(
    ("route", "error", "final"),
    [
        ({"stream": lambda: (bytes(65536) for _ in range(800))}, "body exceeds", False),
        (
            {"body": b"%PDF-1.7\n", "headers": {"Content-Type": "application/pdf"}},
            "not an HTML page (application/pdf)",
            True,
        ),
        ({"body": b"\x00\x01\x02" * 100}, "not an HTML page (application/octet-stream)", True),
        ({"status": 404}, "HTTP 404", True),
        ({"status": 503}, "HTTP 503", False),
    ],
    ids=["50MB", "pdf", "binary", "404", "503"],
)
def test_a_bad_page_is_an_error_on_that_page(
    server: FeedServer, route: dict[str, object], error: str, final: bool
) -> None:
    good = server.route("/good", body=ARTICLE, headers={"Content-Type": "text/html"})
    bad = server.route("/bad", **route)
    bad_result, good_result = read([bad, good])
    assert bad_result.article is None
    assert bad_result.error is not None and error in bad_result.error
    assert bad_result.final is final
    assert good_result.article is not None  # one bad page never stops another


def test_a_page_that_never_ends_times_out_and_stops_no_other_page(server: FeedServer) -> None:
    good = server.route("/good", body=ARTICLE, headers={"Content-Type": "text/html"})
    bad = server.route("/never-ends", body=ARTICLE, stall="body")
    before = server.stalls("/never-ends")

    async def main(loop: JumpLoop) -> tuple[PageResult, PageResult]:
        async with Fetcher(LIMITS) as fetcher:
            reader = PageReader(fetcher, lambda: NOW)
            stalling = asyncio.ensure_future(reader.read(bad))
            # The other page is read in full while the first one hangs.
            good_result = await reader.read(good)
            await server.stalled("/never-ends", before + 1)
            assert not stalling.done()
            loop.jump(LIMITS.timeout_s)
            return await stalling, good_result

    bad_result, good_result = run_jumping(main)
    assert bad_result.article is None and bad_result.error == "timed out after 30s"
    assert bad_result.final is False
    assert good_result.article is not None


@pytest.mark.parametrize(
    ("robots", "allowed", "error", "final"),
    [
        ({"body": b"User-agent: *\nDisallow: /news/\n"}, False, "forbidden by robots.txt", True),
        ({"body": b"User-agent: newswatch\nDisallow: /\n"}, False, "forbidden by robots.txt", True),
        ({"body": b"User-agent: otherbot\nDisallow: /\n"}, True, None, False),
        ({"body": b"User-agent: *\nAllow: /news/ok\nDisallow: /news/\n"}, False, "forbidden", True),
        ({"status": 404}, True, None, False),  # RFC 9309: unavailable allows all
        ({"status": 500}, False, "robots.txt unreachable (HTTP 500)", False),  # disallow for now
    ],
)
def test_robots_txt_is_honoured_as_rfc_9309_says(
    server: FeedServer, robots: dict[str, object], allowed: bool, error: str | None, final: bool
) -> None:
    server.route("/robots.txt", **robots)
    url = server.route("/news/1", body=ARTICLE, headers={"Content-Type": "text/html"})
    (r,) = read([url])
    assert (r.article is not None) == allowed
    assert r.error == error or (error is not None and r.error is not None and error in r.error)
    assert r.final is final
    assert server.hits("/news/1") == (1 if allowed else 0)
    ua = server.requests[0].headers["User-Agent"]
    assert ua.startswith("newswatch/")


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        (b"", {}, "not an HTML page"),
        (b"{}", {"Content-Type": "application/json"}, "not an HTML page (application/json)"),
        (b"<html><head><title>t</title></head><body></body></html>", {}, "no article text found"),
    ],
)
def test_extract_article_says_why_a_page_has_no_text(
    body: bytes, headers: dict[str, str], reason: str
) -> None:
    with pytest.raises(ExtractError) as e:
        extract_article(body, headers, "http://127.0.0.1/x")
    assert e.value.reason == reason


def test_a_compressed_page_is_read(server: FeedServer) -> None:
    url = server.route(
        "/gz",
        body=gzip.compress(ARTICLE),
        headers={"Content-Encoding": "gzip", "Content-Type": "text/html"},
    )
    (r,) = read([url])
    assert r.article is not None and "Бяляцкі" in r.article.text


def test_extractions_from_many_threads_at_once_give_what_one_thread_gives() -> None:
    """Pages are read off the event loop, several at a time: extraction from threads
    at once must neither crash the process (lxml under trafilatura is not safe for
    that) nor give other text than one extraction at a time."""
    corpus = shared_dir("corpus", "article-extraction")
    pages = sorted((corpus / "html").glob("*.html.gz"))[:20]
    bodies = [gzip.decompress(p.read_bytes()) for p in pages]
    headers = {"Content-Type": "text/html"}

    def texts() -> list[str]:
        out = []
        for i, body in enumerate(bodies):
            try:
                out.append(extract_article(body, headers, f"https://example.org/{i}").text)
            except ExtractError as e:
                out.append(f"error: {e.reason}")
        return out

    alone = texts()
    start = threading.Barrier(4)

    def together() -> list[str]:
        start.wait()
        return texts()

    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: together(), range(4)))
    assert all(run == alone for run in runs)
