"""Reads and writes OPML subscription lists as (title, url) pairs; pure, no fetching."""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from ingest.errors import ParseError

# XML 1.0 forbids these even escaped; a feed title carrying one must not break the export.
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Rejected(Exception):
    pass


def parse_opml(data: bytes, source: str = "OPML") -> list[tuple[str, str]]:
    """(title, xmlUrl) of every feed outline, nested ones included, in order, URLs unique.

    Documents declaring a DOCTYPE or entities are refused outright: OPML never needs them,
    and refusing is the only defence against billion laughs and XXE that needs no library.
    Raises ParseError (`source` names the input in the message).
    """
    feeds: list[tuple[str, str]] = []
    seen: set[str] = set()

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rsplit("}", 1)[-1].lower() != "outline":
            return
        url = (attrs.get("xmlUrl") or attrs.get("xmlurl") or "").strip()
        if not url.lower().startswith(("http://", "https://")) or url in seen:
            return
        seen.add(url)
        title = (attrs.get("title") or attrs.get("text") or "").strip() or url
        feeds.append((" ".join(title.split()), url))

    def refuse(*_: object) -> None:
        raise _Rejected

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Rejected:
        raise ParseError(source, "OPML with a DOCTYPE or entity declarations refused") from None
    except expat.ExpatError as e:
        raise ParseError(source, f"not valid OPML: {e}") from e
    return feeds


def render_opml(feeds: Iterable[tuple[str, str]], title: str) -> str:
    """An OPML 2.0 document listing `feeds` as (title, url) pairs."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{escape(_clean(title))}</title></head>",
        "  <body>",
    ]
    for name, url in feeds:
        text = quoteattr(_clean(name) or _clean(url))
        lines.append(
            f'    <outline type="rss" text={text} title={text} xmlUrl={quoteattr(_clean(url))}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", text)
