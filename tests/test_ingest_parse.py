"""The feedparser anti-corruption layer: golden cases, hostile bodies, and feedparser's corpus."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from conftest import SHARED, shared_dir
from feedcorpus import corpus_headers

from ingest.discover import feed_links
from ingest.errors import NotAFeed, ParseError
from ingest.parse import neutralize_dtd, parse_feed, raw_item_fingerprints

CORPUS = SHARED / "corpus" / "feedparser-tests"
URL = "http://example.org/feed.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News &amp; more</title><link>http://example.org/</link>
<language>en</language><ttl>15</ttl>
<item><title>Bialiatski &lt;b&gt;freed&lt;/b&gt;</title><link>/a/1</link><guid>tag:1</guid>
<pubDate>Tue, 10 Jun 2003 04:00:00 +0200</pubDate>
<description>&lt;p&gt;Text&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description></item>
<item><title>Only a link</title><link>http://example.org/a/2</link></item>
<item><title>Neither</title><description>plain</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="be">
<title type="html">A &lt;i&gt;t&lt;/i&gt;</title>
<link href="http://example.org/"/><updated>2024-03-01T12:00:00+03:00</updated>
<entry><id>urn:uuid:1</id><title>Kolesnikova</title><link href="http://example.org/e/1"/>
<updated>2024-03-01T12:00:00+03:00</updated><published>2024-02-29T23:30:00-01:00</published>
<summary>s</summary><content type="html">&lt;p&gt;c&lt;/p&gt;</content>
<author><name>Reporter</name></author></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel rdf:about="http://example.org/"><title>RDF</title><link>http://example.org/</link>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel>
<item rdf:about="http://example.org/r/1"><title>one</title><link>http://example.org/r/1</link>
<dc:date>2024-01-02T03:04:05Z</dc:date></item>
</rdf:RDF>"""

CYRILLIC = (
    '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>'
    "<title>Навіны</title><item><title>Алесь Бяляцкі</title><guid>x1</guid></item>"
    "</channel></rss>"
).encode("cp1251")

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><description>&lol9;</description><guid>b1</guid></item>
</channel></rss>"""


def _xxe(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "{target}"> <!ENTITY % pe SYSTEM "{target}"> ]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>t &xxe;</title><description>&xxe;</description><link>http://e.org/&xxe;</link>
<guid>x</guid></item></channel></rss>""".encode()


def _all_text(feed: object) -> str:
    return repr(feed)


def test_rss_golden() -> None:
    feed = parse_feed(RSS, {"Content-Type": "application/rss+xml"}, URL)
    assert (feed.title, feed.link, feed.language, feed.ttl_s, feed.bozo) == (
        "News & more",
        "http://example.org/",
        "en",
        900.0,
        None,
    )
    first, second, third = feed.entries
    assert first.identity == "tag:1"
    assert first.title == "Bialiatski freed"
    assert first.link == "http://example.org/a/1"
    assert first.summary == "<p>Text</p>"  # feedparser's sanitizer dropped the script
    assert first.published == datetime(2003, 6, 10, 2, 0, tzinfo=UTC)
    assert second.identity == "http://example.org/a/2"
    assert third.identity.startswith("sha256:") and third.link is None
    # The hash fallback is stable across parses.
    assert parse_feed(RSS, {}, URL).entries[2].identity == third.identity


def test_atom_golden() -> None:
    feed = parse_feed(ATOM, {"Content-Type": "application/atom+xml"}, URL)
    assert feed.title == "A t"
    assert feed.language == "be"
    (entry,) = feed.entries
    assert entry.identity == "urn:uuid:1"
    assert entry.published == datetime(2024, 3, 1, 0, 30, tzinfo=UTC)
    assert entry.updated == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert entry.content == "<p>c</p>"
    assert entry.author == "Reporter"
    assert entry.language == "be"


def test_rdf_and_syndication_ttl() -> None:
    feed = parse_feed(RDF, {}, URL)
    (entry,) = feed.entries
    assert entry.identity == "http://example.org/r/1"
    assert entry.published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert feed.ttl_s == 1800.0


def test_windows_1251() -> None:
    feed = parse_feed(CYRILLIC, {"Content-Type": "application/rss+xml"}, URL)
    assert feed.title == "Навіны"
    assert feed.entries[0].title == "Алесь Бяляцкі"


@pytest.mark.parametrize(
    ("item", "identity"),
    [
        ("<guid>g-1</guid><link>http://e.org/1</link>", "g-1"),
        ("<guid isPermaLink='false'>  spaced  </guid>", "spaced"),
        ("<link>http://e.org/only-link</link>", "http://e.org/only-link"),
        ("<link>rel/path</link>", "rel/path"),  # raw, so a moved feed keeps its keys
        ("<title>t</title>", "sha256:"),
    ],
)
def test_identity_fallback(item: str, identity: str) -> None:
    body = f'<rss version="2.0"><channel><item>{item}</item></channel></rss>'.encode()
    (entry,) = parse_feed(body, {}, URL).entries
    assert (
        entry.identity.startswith(identity) if identity == "sha256:" else entry.identity == identity
    )


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Tue, 10 Jun 2003 04:00:00 GMT", datetime(2003, 6, 10, 4, tzinfo=UTC)),
        ("Tue, 10 Jun 2003 04:00:00 +0300", datetime(2003, 6, 10, 1, tzinfo=UTC)),
        ("2003-06-10T04:00:00-05:00", datetime(2003, 6, 10, 9, tzinfo=UTC)),
        ("10 Jun 2003", datetime(2003, 6, 10, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
    ],
)
def test_dates_become_utc(date: str, expected: datetime | None) -> None:
    body = (
        f'<rss version="2.0"><channel><item><guid>d</guid><pubDate>{date}</pubDate></item>'
        "</channel></rss>"
    ).encode()
    (entry,) = parse_feed(body, {}, URL).entries
    assert entry.published == expected
    assert entry.published is None or entry.published.tzinfo is UTC


def test_billion_laughs_is_defused() -> None:
    feed = parse_feed(BILLION_LAUGHS, {}, URL)
    assert "lollollol" not in _all_text(feed)
    assert [e.identity for e in feed.entries] == ["b1"]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "file:///etc/hostname", "/etc/passwd"])
def test_xxe_never_reads_local_files(target: str) -> None:
    feed = parse_feed(_xxe(target), {}, URL)
    text = _all_text(feed)
    assert "root:" not in text
    if os.path.exists("/etc/hostname"):
        hostname = Path("/etc/hostname").read_text().strip()
        assert not hostname or hostname not in text


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")],
)
def test_xxe_in_wide_encodings_is_defused(encoding: str, bom: bytes) -> None:
    body = bom + _xxe("file:///etc/passwd").decode().replace('<?xml version="1.0"?>', "").encode(
        encoding
    )
    assert b"<!ENTITY" not in neutralize_dtd(body).decode(encoding, "replace").encode()
    try:
        text = _all_text(parse_feed(body, {}, URL))
    except ParseError as e:
        text = str(e)
    assert "root:" not in text


@pytest.mark.parametrize(
    "body",
    [
        bytes(range(256)) * 4,
        b"",
        b"   ",
        b"just some text",
        b"\x1f\x8b\x08\x00garbage",
        b'{"json": true}',
    ],
    ids=["binary", "empty", "blank", "text", "gzip-magic", "json"],
)
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(ParseError) as info:
        parse_feed(body, {}, URL)
    assert not isinstance(info.value, NotAFeed)
    assert info.value.url == URL


@pytest.mark.parametrize(
    ("html", "links"),
    [
        (
            b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml"'
            b' href="/rss.xml"><link rel="stylesheet" href="s.css"></head><body>hi</body></html>',
            ("http://example.org/rss.xml",),
        ),
        (
            b"<html><head><LINK REL='Alternate' TYPE='application/atom+xml' HREF='atom'>"
            b"<link rel=alternate type=application/rss+xml href=http://other.org/f></head></html>",
            ("http://example.org/atom", "http://other.org/f"),
        ),
        (b"<html><body><p>no feeds</p></body></html>", ()),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><head><link '
            b'rel="alternate" type="application/atom+xml" href="/atom.xml"/></head></html>',
            ("http://example.org/atom.xml",),
        ),
    ],
)
def test_html_page_is_not_a_feed_but_names_its_feeds(html: bytes, links: tuple[str, ...]) -> None:
    with pytest.raises(NotAFeed) as info:
        parse_feed(html, {"Content-Type": "text/html; charset=utf-8"}, URL)
    assert info.value.feed_links == links


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<link rel="alternate" type="application/rss+xml" href="rss">', ("http://h.org/d/rss",)),
        ('<link rel="alternate feed" type="application/atom+xml" href="/a">', ("http://h.org/a",)),
        (
            '<base href="http://cdn.org/x/"><link rel=alternate type=application/rss+xml href=f>',
            ("http://cdn.org/x/f",),
        ),
        (
            '<link rel="alternate" type="application/rss+xml; charset=utf-8" href="//o.org/f">',
            ("http://o.org/f",),
        ),
        ('<link rel="alternate" type="text/html" href="/page">', ()),
        ('<link rel="stylesheet" type="application/rss+xml" href="/not">', ()),
        ('<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">', ()),
        ('<link rel="alternate" type="application/rss+xml">', ()),
        (
            '<link rel="alternate" type="application/rss+xml" href="/f">'
            '<link rel="alternate" type="application/rss+xml" href="http://h.org/f">',
            ("http://h.org/f",),
        ),
        (
            "<html><head><link rel=alternate type=application/rss+xml href='/f'><title>cut",
            ("http://h.org/f",),
        ),
    ],
)
def test_feed_links(html: str, expected: tuple[str, ...]) -> None:
    assert feed_links(html, "http://h.org/d/page.html") == expected
    assert feed_links(html.encode(), "http://h.org/d/page.html") == expected


def test_one_bad_entry_is_skipped_and_bozo_recorded() -> None:
    body = (
        b'<rss version="2.0"><channel><item><guid>ok</guid><title>fine</title></item>'
        b"<item><guid>broken</guid><title>unclosed &bogus; <b></title></item>"
        b"<item><guid>later</guid></item></channel></rss>"
    )
    feed = parse_feed(body, {}, URL)
    assert feed.bozo is not None
    assert "ok" in [e.identity for e in feed.entries]


def test_duplicate_identities_keep_the_first() -> None:
    body = (
        b'<rss version="2.0"><channel><item><guid>same</guid><title>one</title></item>'
        b"<item><guid>same</guid><title>two</title></item></channel></rss>"
    )
    assert [e.title for e in parse_feed(body, {}, URL).entries] == ["one"]


@pytest.mark.parametrize(
    ("body", "expected_count"),
    [
        (RSS, 3),
        (ATOM, 1),
        (RDF, 1),
        (b'<rss><channel><item>\n<title>a</title></item><rss:item x="1">b</rss:item>', 2),
        (b"<rss><channel></channel></rss>", None),  # nothing found: do not trust
        (b"<rss><item><title>a</title><item>nested</item></item></rss>", None),
        (b"<rss><item/></rss>", None),
        (b'<?xml version="1.0" encoding="utf-16"?><rss><item>a</item></rss>', None),
        ("<rss><item>a</item></rss>".encode("utf-16"), None),
        (BILLION_LAUGHS, None),
        (b'<!DocType rss [<!ENTITY e "x">]><rss><item>&e;</item></rss>', None),
        # A close is "</name", optional whitespace, ">": look-alikes do not end an item.
        (b"<rss><item>a</items></item ></rss>", 1),
        (b"<rss><item>a</itemz><entry>b</entry\n></rss>", None),
        (b"<rss><item>a</item>" + b"<item>" * 1000 + b"</rss>", None),  # unclosed
        (b"<feed><a:entry>x</a:entry><entry>y</entry></feed>", 2),
        (b"<rss><item>a</a:item></rss>", None),  # a prefixed close is another name
    ],
)
def test_raw_item_fingerprints(body: bytes, expected_count: int | None) -> None:
    prints = raw_item_fingerprints(body)
    assert (None if prints is None else len(prints)) == expected_count


def test_raw_item_fingerprints_track_item_changes() -> None:
    before = raw_item_fingerprints(RSS)
    after = raw_item_fingerprints(RSS.replace(b"Only a link", b"Only a link, edited"))
    channel_only = raw_item_fingerprints(RSS.replace(b"<ttl>15</ttl>", b"<ttl>30</ttl>"))
    assert before is not None and after is not None
    assert len(before & after) == 2
    assert channel_only == before


# Entries parse_feed legitimately drops: a feed repeating an identity keeps the first copy
# (storage keys entries on identity). These corpus files test which child node wins.
DUPLICATE_IDENTITY = {
    "wellformed/lang/entry_content_xml_lang_blank_3.xml": 1,
    "wellformed/node_precedence/atom10_arbitrary_element.xml": 1,
    "wellformed/node_precedence/atom10_id.xml": 1,
    "wellformed/node_precedence/atom10_title.xml": 1,
}


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")


def test_feedparser_corpus() -> None:
    files = _corpus_files()
    if not files:
        shared_dir(*CORPUS.relative_to(SHARED).parts)
    mismatches = []
    for path in files:
        rel = path.relative_to(CORPUS).as_posix()
        body = path.read_bytes()
        headers = corpus_headers(body)
        lowered = {k.lower(): v for k, v in headers.items()}
        # Same headers for both, so only parse_feed's own policies can differ.
        plain = len(feedparser.parse(io.BytesIO(body), response_headers=lowered).entries)
        try:
            got = len(parse_feed(body, headers, f"http://example.org/{rel}").entries)
        except ParseError:
            got = 0
        if got != plain - DUPLICATE_IDENTITY.get(rel, 0):
            mismatches.append((rel, plain, got))
    assert len(files) > 2000
    assert mismatches == []


def _sanitized_texts(body: bytes, headers: dict[str, str]) -> list[tuple[str, str]]:
    d = feedparser.parse(
        io.BytesIO(neutralize_dtd(body)),
        response_headers={k.lower(): v for k, v in headers.items()},
        sanitize_html=True,
        resolve_relative_uris=False,
    )
    out = []
    for e in d.entries:
        values = (str(c.get("value") or "").strip() for c in e.get("content") or ())
        out.append(
            (str(e.get("summary") or "").strip(), "\n".join(dict.fromkeys(v for v in values if v)))
        )
    return out


def test_text_is_what_feedparsers_sanitizer_makes_of_it() -> None:
    # parse_feed sanitizes only strings that hold markup; summaries feed the identity of
    # entries without guid or link, so they must come out exactly as feedparser's would.
    files = _corpus_files()
    if not files:
        shared_dir(*CORPUS.relative_to(SHARED).parts)
    mismatches = []
    compared = 0
    for path in files:
        rel = path.relative_to(CORPUS).as_posix()
        body = path.read_bytes()
        headers = corpus_headers(body)
        try:
            got = [(e.summary, e.content) for e in parse_feed(body, headers, URL).entries]
        except ParseError:
            continue
        expected = _sanitized_texts(body, headers)
        if len(got) != len(expected):  # duplicates dropped or bad entries skipped
            continue
        compared += 1
        if got != expected:
            mismatches.append((rel, got, expected))
    assert compared > 1500
    assert mismatches == []
