"""The fast path for RSS 2.0 and Atom 1.0: what it accepts reads exactly as feedparser reads
it (parse_feed with fast=False is the reference), and everything else falls back."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import SHARED, shared_dir
from feedcorpus import corpus_headers

from ingest import fastparse
from ingest.errors import ParseError
from ingest.model import ParsedFeed
from ingest.parse import FEEDPARSER_PARTS, parse_feed

CORPUS = SHARED / "corpus" / "feedparser-tests"
BENCH = Path(__file__).resolve().parents[1] / "bench"
URL = "http://example.org/feed.xml"
RSS_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM_HEADERS = {"Content-Type": "application/atom+xml; charset=utf-8"}
NS = (
    'xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" '
    'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'
)


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BENCH_POLL = _bench("poll")
BENCH_PARSE = _bench("parse")


def accepts(body: bytes, headers: dict[str, str] | None = None) -> bool:
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    return fastparse.parse(body, lowered, FEEDPARSER_PARTS) is not None


def outcome(body: bytes, headers: dict[str, str], fast: bool) -> ParsedFeed | str:
    try:
        return parse_feed(body, headers, URL, fast=fast)
    except ParseError as e:
        return f"ParseError: {e}"


def assert_read_alike(body: bytes, headers: dict[str, str] | None = None) -> ParsedFeed:
    """The fast path accepts `body` and gives what feedparser gives."""
    headers = headers or {}
    assert accepts(body, headers), body[:300]
    fast = outcome(body, headers, True)
    assert fast == outcome(body, headers, False)
    assert isinstance(fast, ParsedFeed)
    return fast


def rss(channel: str, items: str = "") -> bytes:
    return f'<rss version="2.0" {NS}><channel>{channel}{items}</channel></rss>'.encode()


def atom(body: str, lang: str = "") -> bytes:
    attr = f' xml:lang="{lang}"' if lang else ""
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/"{attr}>{body}</feed>'
    ).encode()


# --- the real-world corpus ------------------------------------------------------------------


def test_corpus_files_the_fast_path_accepts_read_as_feedparser_reads_them() -> None:
    shared_dir(*CORPUS.relative_to(SHARED).parts)
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")
    accepted = 0
    mismatches = []
    for path in files:
        body = path.read_bytes()
        headers = corpus_headers(body)
        if not accepts(body, headers):
            continue
        accepted += 1
        fast, slow = outcome(body, headers, True), outcome(body, headers, False)
        if fast != slow:
            mismatches.append((path.relative_to(CORPUS).as_posix(), fast, slow))
    assert accepted, "the fast path accepted no corpus file: this test would prove nothing"
    assert mismatches == []


# --- the benchmark's news-like feeds -------------------------------------------------------


@pytest.mark.parametrize("version", [0, 1])
@pytest.mark.parametrize("feed", range(0, 240, 10))
def test_news_like_rss_is_accepted_and_read_alike(feed: int, version: int) -> None:
    feed_body = BENCH_POLL.feed_body(feed, version, entries=20)
    parsed = assert_read_alike(feed_body, RSS_HEADERS)
    assert len(parsed.entries) == 20


@pytest.mark.parametrize("feed", range(3, 240, 20))
def test_news_like_atom_is_accepted_and_read_alike(feed: int) -> None:
    parsed = assert_read_alike(BENCH_PARSE.atom_body(feed, 0, entries=20), ATOM_HEADERS)
    assert len(parsed.entries) == 20
    assert all(e.author and e.author.startswith("Desk ") for e in parsed.entries)


# --- feedparser's quirks, which the fast path must share ----------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # The first non-empty title at a depth wins; a media:title never blocks the item's.
        rss("<title>one</title><title>two</title>"),
        rss("<title></title><title>two</title>"),
        rss(
            "",
            "<item><media:content url='x'><media:title>m</media:title></media:content>"
            "<title>own</title></item>",
        ),
        rss(
            "",
            "<item><title>own</title><media:group><media:title>m</media:title>"
            "</media:group></item>",
        ),
        # A channel title after an image or the items is read again.
        rss("<title>first</title><image><title>logo</title><url>u</url></image><title>2</title>"),
        rss("<title>first</title>", "<item><title>t</title></item><title>late</title>"),
        rss(
            "<title>a</title><textInput><title>x</title><name>n</name></textInput><title>b</title>"
        ),
        # A second description, with no content yet, becomes content; content stands in
        # for a missing summary.
        rss("", "<item><description>a</description><description>&lt;b&gt;b</description></item>"),
        rss("", "<item><content:encoded>&lt;p&gt;c&lt;/p&gt;</content:encoded></item>"),
        rss("", "<item><content:encoded>c</content:encoded><description>d</description></item>"),
        rss(
            "", "<item><description>d</description><media:description>m</media:description></item>"
        ),
        # A permalink guid is the link when none came before it; isPermaLink is exact.
        rss("", "<item><guid>http:///x/1</guid></item>"),
        rss("", "<item><guid>http://e.org/g</guid><link>http://e.org/l</link></item>"),
        rss("", "<item><link>http://e.org/l</link><guid>http://e.org/g</guid></item>"),
        rss("", "<item><guid isPermaLink='TRUE'>g</guid></item>"),
        rss("", "<item><guid isPermaLink='false'>g</guid><title>t</title></item>"),
        # Links keep feedparser's repair of "&b;" in a query, differently in items and feeds.
        rss(
            "<link>http://e.org/?a=1&amp;amp;b;=2</link>",
            "<item><link>http://e.org/?a=1&amp;amp;b;=2</link></item>",
        ),
        rss("<atom:link rel='self' href='http://e.org/rss'/><atom:link href='http://e.org/h'/>"),
        rss("", "<item><atom:link rel='alternate' type='TEXT/HTML' href='http://e.org/a'/></item>"),
        # RSS text labelled plain is guessed to be HTML when it looks like it.
        rss("<title>A &amp;amp; B</title>", "<item><title>x &lt;b&gt;y&lt;/b&gt;</title></item>"),
        rss("", "<item><title><![CDATA[<i>cdata</i> & more]]></title></item>"),
        # Authors: written as one string, or as dc:creator; the last one counts.
        rss("", "<item><author>jdoe@example.com (John Doe)</author><guid>a</guid></item>"),
        rss("", "<item><author>a</author><dc:creator>b</dc:creator><guid>b</guid></item>"),
        # UTF-8 read as Latin-1 is read again; C1 controls are cp1252's characters.
        rss("<title>Ã©tÃ© \u0093q\u0094</title>"),
        rss("<language>en_GB</language><ttl>30</ttl>"),
        rss("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>"),
        # Dates in every form feedparser knows, or none.
        rss(
            "",
            "<item><guid>d1</guid><pubDate>10 Jun 2003</pubDate></item>"
            "<item><guid>d2</guid><dc:date>2003-06-10T04:00:00-05:00</dc:date></item>"
            "<item><guid>d3</guid><pubDate>not a date</pubDate></item>",
        ),
        rss(
            "",
            "<item><guid>u</guid><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
            "<dc:date>junk</dc:date></item>",
        ),
        # Language: the root's xml:lang, an element's own, an empty one.
        b'<rss version="2.0" xml:lang="be"><channel><item><title xml:lang="">t</title></item>'
        b'<item><title xml:lang="ru_RU">t</title></item></channel></rss>',
        # Atom: an id stands in for a missing alternate link; types say what the text is.
        atom(
            "<id>tag:e.org,2024:f</id><link rel='self' href='http://e.org/a.xml'/>"
            "<entry><id>urn:uuid:1</id><title type='html'>&lt;b&gt;b&lt;/b&gt;</title></entry>"
        ),
        atom(
            "<title>A &amp;amp; B</title><entry><title>x &lt;b&gt;y&lt;/b&gt;</title>"
            "<id>i</id></entry>",
            lang="de",
        ),
        atom(
            "<entry xml:lang='pl'><id>1</id><content type='html'>&lt;p&gt;c</content>"
            "<summary>s</summary></entry>"
        ),
        atom("<entry><id>1</id><summary>a</summary><summary type='html'>b</summary></entry>"),
        atom("<entry><id>1</id><content>c</content><content type='text/html'>d</content></entry>"),
        # Atom people: a later author keeps the parts the earlier one had and it lacks.
        atom(
            "<entry><id>1</id><author><name>N1</name><email>e1@x.org</email></author>"
            "<author><uri>http://x.org/</uri><name>N2</name></author></entry>"
        ),
        atom(
            "<entry><id>1</id><dc:creator>jo@x.org (Jo)</dc:creator>"
            "<author><email>ann@x.org</email></author></entry>"
        ),
        atom(
            "<entry><id>1</id><author> loose <name>N</name></author>"
            "<contributor><name>C</name></contributor></entry>"
        ),
        # Nothing at all is still a feed.
        rss(""),
        atom(""),
    ],
)
def test_quirks_are_read_as_feedparser_reads_them(body: bytes) -> None:
    assert_read_alike(body)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Content-Type": "application/octet-stream"},  # wrong label, right bytes
        {"Content-Type": "text/xml; charset=windows-1251"},
        {"Content-Language": "en_US"},
        {"X-Foo": "bar"},  # headers without a type: the XML declaration decides
    ],
)
def test_labels_and_declared_encodings(headers: dict[str, str]) -> None:
    body = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>'
        "<title>Навіны</title><item><title>Алесь Бяляцкі</title><guid>x1</guid></item>"
        "</channel></rss>"
    ).encode("cp1251")
    assert_read_alike(body, headers)


def test_a_utf8_bom_is_read_past() -> None:
    assert_read_alike(b"\xef\xbb\xbf" + rss("<title>caf\xc3\xa9</title>"))


# --- documents drawn at random from the subset's grammar -----------------------------------

_TEXTS = [
    "",
    " spaced ",
    "A &amp; B",
    "A &amp;amp; B",
    "&lt;p&gt;para &lt;b&gt;b&lt;/b&gt;&lt;/p&gt;",
    "<![CDATA[<p>cdata</p>]]>",
    "café",
    "Ã©tÃ©",
    "Бяляцкі",
    "\u0093quoted\u0094",
    "&#169; 2024",
    "&#13;cr&#13;\r\nx",
    "&lt;script&gt;alert(1)&lt;/script&gt;ok",
    "&amp;nbsp; &lt;/x&gt;",
]
_LINKS = ["http://e.org/a", "https://e.org/?b=1&amp;c=2", "/rel", "http:///x", "", "urn:uuid:9"]
_DATES = ["Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00-05:00", "10 Jun 2003", "x", ""]
_PERMALINK = ["", ' isPermaLink="false"', ' isPermaLink="true"']
_AUTHORS = ["John Doe", "jdoe@example.com (John Doe)", "John &lt;jd@e.org&gt;", "", "Имя"]


def _random_item(rng: random.Random) -> str:
    def pick(xs: list[str]) -> str:
        return rng.choice(xs)

    def lang() -> str:
        return rng.choice(["", "", "", ' xml:lang="en"', ' xml:lang=""', ' xml:lang="en_US"'])

    makers = [
        lambda: f"<title{lang()}>{pick(_TEXTS)}</title>",
        lambda: f"<link>{pick(_LINKS)}</link>",
        lambda: f"<description{lang()}>{pick(_TEXTS)}</description>",
        lambda: f"<content:encoded>{pick(_TEXTS)}</content:encoded>",
        lambda: f"<guid{pick(_PERMALINK)}>{pick([*_LINKS, 'g1'])}</guid>",
        lambda: f"<pubDate>{pick(_DATES)}</pubDate>",
        lambda: f"<dc:date>{pick(_DATES)}</dc:date>",
        lambda: f"<author>{pick(_AUTHORS)}</author>",
        lambda: f"<dc:creator>{pick(_AUTHORS)}</dc:creator>",
        lambda: f"<source url='http://s.org/'>{pick(_TEXTS)}</source>",
        lambda: f"<atom:link href='{pick(_LINKS)}' rel='{pick(['alternate', 'self'])}'/>",
        lambda: (
            f"<media:content url='u'><media:title>{pick(_TEXTS)}</media:title>"
            f"<media:description>{pick(_TEXTS)}</media:description></media:content>"
        ),
        lambda: f"<media:title type='html'>{pick(_TEXTS)}</media:title>",
        lambda: f"<category>{pick(_TEXTS)}</category><slash:comments>2</slash:comments>",
    ]
    return "<item>" + "".join(rng.choice(makers)() for _ in range(rng.randint(0, 8))) + "</item>"


def _random_rss(rng: random.Random) -> bytes:
    channel = [
        f"<title>{rng.choice(_TEXTS)}</title>",
        f"<link>{rng.choice(_LINKS)}</link>",
        f"<language>{rng.choice(['en', '', 'ru_RU'])}</language>",
        f"<image><title>{rng.choice(_TEXTS)}</title><url>u</url></image>",
        f"<ttl>{rng.choice(['15', 'x'])}</ttl>",
    ]
    head = "".join(rng.sample(channel, rng.randint(0, len(channel))))
    items = "".join(_random_item(rng) for _ in range(rng.randint(0, 4)))
    tail = f"<title>{rng.choice(_TEXTS)}</title>" if rng.random() < 0.2 else ""
    return rss(head, items + tail)


def _random_atom(rng: random.Random) -> bytes:
    def person(tag: str) -> str:
        parts = [
            f"<name>{rng.choice(['N1', 'N2', '', 'Ã©'])}</name>",
            f"<email>{rng.choice(['a@b.org', ''])}</email>",
            f"<uri>{rng.choice(_LINKS)}</uri>",
        ]
        return f"<{tag}>" + "".join(rng.sample(parts, rng.randint(0, 3))) + f"</{tag}>"

    def kind() -> str:
        return rng.choice(["", " type='text'", " type='html'", " type='HTML'"])

    makers = [
        lambda: f"<title{kind()}>{rng.choice(_TEXTS)}</title>",
        lambda: f"<link href='{rng.choice(_LINKS)}' rel='{rng.choice(['alternate', 'self'])}'/>",
        lambda: f"<id>{rng.choice(_LINKS)}</id>",
        lambda: f"<updated>{rng.choice(_DATES)}</updated>",
        lambda: f"<published>{rng.choice(_DATES)}</published>",
        lambda: person("author"),
        lambda: f"<summary{kind()}>{rng.choice(_TEXTS)}</summary>",
        lambda: f"<content{kind()}>{rng.choice(_TEXTS)}</content>",
        lambda: f"<dc:creator>{rng.choice(_AUTHORS)}</dc:creator>",
    ]
    entries = "".join(
        "<entry>" + "".join(rng.choice(makers)() for _ in range(rng.randint(0, 8))) + "</entry>"
        for _ in range(rng.randint(0, 4))
    )
    head = f"<title{kind()}>{rng.choice(_TEXTS)}</title><id>{rng.choice(_LINKS)}</id>"
    return atom(head + entries, lang=rng.choice(["", "en_GB"]))


@pytest.mark.parametrize("seed", range(40))
def test_random_documents_of_the_subset_read_alike(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(8):
        body = _random_rss(rng) if rng.random() < 0.6 else _random_atom(rng)
        headers = rng.choice([{}, RSS_HEADERS, {"Content-Language": "en_US"}])
        assert_read_alike(body, headers)


# --- documents outside the subset fall back to feedparser ---------------------------------


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b'<rss version="0.91"><channel><title>t</title></channel></rss>', {}),
        (b'<rss version="0.92"><channel><title>t</title></channel></rss>', {}),
        (b'<rss version="2.01"><channel><title>t</title></channel></rss>', {}),
        (
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel></rdf:RDF>',
            {},
        ),
        (b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title></feed>', {}),
        (b"<feed><title>no namespace</title></feed>", {}),
        # DOCTYPEs are rewritten by parse.py and may declare entities.
        (
            b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">' + rss("<title>t</title>"),
            {},
        ),
        (b'<!DOCTYPE rss [<!ENTITY e "x">]><rss version="2.0"><channel/></rss>', {}),
        # A base URI of any kind makes feedparser resolve links against it.
        (
            b'<rss version="2.0"><channel xml:base="http://e.org/"><link>a</link></channel></rss>',
            {},
        ),
        (atom("<entry xml:base='http://e.org/'><id>1</id></entry>"), {}),
        (rss("<link>a</link>"), {"Content-Location": "http://e.org/"}),
        # Elements of namespaces the subset does not read, which feedparser interprets.
        (
            b'<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
            b"<channel><item><itunes:author>a</itunes:author></item></channel></rss>",
            {},
        ),
        (b'<rss version="2.0" xmlns:x="http://x.org/"><channel><x:y>1</x:y></channel></rss>', {}),
        # A known namespace under another known namespace's prefix re-routes elements.
        (
            b'<rss version="2.0" xmlns:dc="http://purl.org/rss/1.0/modules/content/">'
            b"<channel/></rss>",
            {},
        ),
        # Markup feedparser reads by rules of its own: inline XHTML, base64, attributes.
        (rss("", "<item><title>a <b>bold</b></title></item>"), {}),
        (atom("<entry><id>1</id><content type='xhtml'><div>x</div></content></entry>"), {}),
        (atom("<entry><id>1</id><content type='image/png'>AAAA</content></entry>"), {}),
        (atom("<entry><id>1</id><source><title>s</title></source></entry>"), {}),
        (rss("", "<item><media:keywords xml:lang='en'>a, b</media:keywords></item>"), {}),
        (rss("", "<item><title lang='en'>t</title></item>"), {}),
        (rss("<ttl xml:lang='en'>15</ttl>"), {}),
        (rss('<link href="http://e.org/"/>'), {}),
        (rss("<guid>at channel level</guid>"), {}),
        (b'<rss version="2.0"><channel/><channel/></rss>', {}),
        # Not well-formed: feedparser's loose parser reads it.
        (b'<rss version="2.0"><channel><title>t</channel></rss>', {}),
        (rss("<title>&nbsp;</title>"), {}),
        (b"", {}),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', {}),
        # Encodings feedparser has to guess at, or that the subset does not decode.
        ("<rss version='2.0'><channel/></rss>".encode("utf-16"), {}),
        (rss("<title>caf\xe9</title>").replace(b"caf\xc3\xa9", b"caf\xe9"), {}),
        (rss("<title>Навіны</title>"), {"Content-Type": "text/plain"}),
        (b'<?xml version="1.0" encoding="utf-7"?>' + rss("<title>t</title>"), {}),
    ],
)
def test_documents_outside_the_subset_fall_back(body: bytes, headers: dict[str, str]) -> None:
    assert not accepts(body, headers)
