"""OPML import/export: nesting, odd attributes, hostile documents, round trips."""

from __future__ import annotations

import pytest

from ingest.errors import ParseError
from ingest.opml import parse_opml, render_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Belarus">
    <outline type="rss" text="Nasha Niva" title="Nasha Niva" xmlUrl="https://nashaniva.com/rss"/>
    <outline text="Deeper"><outline text="Zerkalo" xmlUrl="https://news.zerkalo.io/rss/all.rss"/>
    </outline>
  </outline>
  <outline type="rss" xmlUrl="http://example.org/untitled.xml"/>
  <outline type="rss" title="dup" xmlUrl="https://nashaniva.com/rss"/>
  <outline type="link" text="a web page" url="https://example.org/"/>
  <outline type="rss" text="local file" xmlUrl="file:///etc/passwd"/>
  <outline type="rss" text="  spaced
     title " xmlUrl=" https://example.org/s.xml "/>
</body></opml>"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            NESTED,
            [
                ("Nasha Niva", "https://nashaniva.com/rss"),
                ("Zerkalo", "https://news.zerkalo.io/rss/all.rss"),
                ("http://example.org/untitled.xml", "http://example.org/untitled.xml"),
                ("spaced title", "https://example.org/s.xml"),
            ],
        ),
        (b"<opml><body/></opml>", []),
        (
            '<?xml version="1.0" encoding="utf-16"?><opml><body><outline text="Вясна" '
            'xmlUrl="https://spring96.org/rss"/></body></opml>'.encode("utf-16"),
            [("Вясна", "https://spring96.org/rss")],
        ),
    ],
    ids=["nested", "empty", "utf-16"],
)
def test_parse_opml(data: bytes, expected: list[tuple[str, str]]) -> None:
    assert parse_opml(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<opml><body><outline text="&b;" xmlUrl="http://e.org/f"/></body></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml><body><outline text="&x;" xmlUrl="http://e.org/f"/></body></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd">'
        b"<opml><body/></opml>",
        b"<opml><body><outline",
        b"not xml at all",
        b"",
    ],
    ids=["billion-laughs", "xxe", "external-dtd", "truncated", "text", "empty"],
)
def test_parse_opml_refuses(data: bytes) -> None:
    with pytest.raises(ParseError) as info:
        parse_opml(data, source="subs.opml")
    assert info.value.url == "subs.opml"
    assert "root:" not in str(info.value)


FEEDS = [
    ("Plain", "https://example.org/a.xml"),
    ('Quotes " and <tags> & ampersands', "https://example.org/b.xml?x=1&y=2"),
    ("Кірыліца", "https://example.org/c.xml"),
    ("", "https://example.org/untitled.xml"),
]


def test_render_then_parse_round_trips() -> None:
    text = render_opml(FEEDS, title="newswatch <feeds>")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<title>newswatch &lt;feeds&gt;</title>" in text
    back = parse_opml(text.encode("utf-8"))
    assert back == [(t or u, u) for t, u in FEEDS]


def test_render_drops_characters_xml_cannot_carry() -> None:
    text = render_opml([("bell\x07 title\x00", "https://example.org/x")], title="t\x1b")
    assert parse_opml(text.encode()) == [("bell title", "https://example.org/x")]
