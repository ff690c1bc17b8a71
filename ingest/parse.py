"""Turns a feed body into `ParsedFeed` via feedparser (the only module importing it); no I/O.

The anti-corruption layer: bytes plus response headers in (never a URL, so feedparser does
no I/O), DTD tricks neutralized first, a deliberate bozo policy, one bad entry skipped
rather than the whole feed, and frozen values with UTC datetimes out. Well-formed RSS 2.0
and Atom 1.0 are read by `ingest.fastparse` into feedparser's result without feedparser's
parser, from the feedparser pieces handed to it here; everything else goes to feedparser.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import logging
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from feedparser.datetimes import _parse_date
from feedparser.encodings import convert_to_utf8
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin

from ingest import fastparse
from ingest.discover import feed_links
from ingest.errors import NotAFeed, ParseError
from ingest.jsonfeed import looks_like_json, parse_json_feed
from ingest.model import ParsedEntry, ParsedFeed

log = logging.getLogger(__name__)

__all__ = [
    "FEEDPARSER_PARTS",
    "neutralize_dtd",
    "parse_feed",
    "raw_item_fingerprints",
    "scan_items",
]


# What the fast path must share with feedparser to give exactly feedparser's result.
FEEDPARSER_PARTS = fastparse.Reference(
    convert_to_utf8=convert_to_utf8,
    not_xml=feedparser.NonXMLContentType,
    parse_date=_parse_date,
    looks_like_html=_FeedParserMixin.looks_like_html,
    urljoin=_urljoin,
    cp1252=_cp1252,
    # feedparser matches namespace URIs case-insensitively.
    namespaces={uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()},
)


def parse_feed(
    body: bytes, headers: Mapping[str, str], url: str, *, fast: bool = True
) -> ParsedFeed:
    """Parse one response body; raises `ParseError` (or `NotAFeed` for a web page).

    `fast=False` always asks feedparser, the reference the fast path must equal.
    """
    # No Content-Location is invented from `url`: feedparser would resolve relative guids
    # against it, and a feed that moves (301) would then re-key every entry.
    lowered = {k.lower(): v for k, v in headers.items()}
    if looks_like_json(body, lowered):
        # JSON Feed: a JSON body must never reach the XML parser and its messages.
        return parse_json_feed(body, url, _sanitize_json_html)
    if _looks_like_html(body, lowered):
        links = feed_links(body, url)
        raise NotAFeed(url, "an HTML page, not a feed", links)
    d = fastparse.parse(body, lowered, FEEDPARSER_PARTS) if fast else None
    if d is None:
        d = _feedparser(body, lowered, url)
    bozo = _bozo_reason(d)
    if not d.get("version") and not d.entries:
        raise ParseError(url, f"not a feed ({bozo})" if bozo else "not a feed")
    if _only_labelled_wrong(d):
        bozo = None
    feed = d.feed
    language = _str(feed.get("language")) or _str(lowered.get("content-language"))
    return ParsedFeed(
        title=_plain(feed.get("title_detail"), feed.get("title")) or None,
        link=_absolute(_str(feed.get("link")), url),
        entries=_entries(d.entries, url, language),
        bozo=bozo,
        ttl_s=_ttl_s(feed),
        language=language,
    )


def _feedparser(body: bytes, lowered: dict[str, str], url: str) -> Any:
    try:
        return feedparser.parse(
            io.BytesIO(neutralize_dtd(body)),
            response_headers=lowered,
            # Sanitizing runs afterwards, on the few strings that hold markup (`_safe`);
            # relative links inside content are never followed or shown, so not resolved.
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as e:  # feedparser's own bugs on hostile input must stay this feed's problem
        raise ParseError(url, f"parser crashed: {type(e).__name__}: {e}") from e


def _entries(raw: list[Any], url: str, language: str | None) -> tuple[ParsedEntry, ...]:
    out: list[ParsedEntry] = []
    seen: set[str] = set()
    for i, e in enumerate(raw):
        try:
            entry = _entry(e, url, language)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as err:
            log.debug("entry skipped url=%s index=%d reason=%r", url, i, err)
            continue
        # Storage keys entries on identity; a feed repeating an item keeps its first copy.
        if entry.identity in seen:
            log.debug("entry duplicate url=%s index=%d identity=%s", url, i, entry.identity)
            continue
        seen.add(entry.identity)
        out.append(entry)
    return tuple(out)


def _entry(e: Any, base: str, feed_language: str | None) -> ParsedEntry:
    # Plain dict lookups: FeedParserDict.get remaps every key and was a tenth of a parse.
    # None of these keys is an alias, except the updated -> published fallback below.
    get = dict.get
    title = _plain(get(e, "title_detail"), get(e, "title"))
    contents = get(e, "content") or ()
    # An Atom entry with content only gets its summary copied from the first content.
    summary_detail = get(e, "summary_detail") or (contents[0] if contents else None)
    summary = _str(_safe(summary_detail, get(e, "summary"))) or ""
    content = "\n".join(
        dict.fromkeys(v for c in contents if (v := _str(_safe(c, get(c, "value")))))
    )
    raw_link = _str(get(e, "link"))
    link = _absolute(raw_link, base)
    # feedparser answers "updated_parsed" with "published_parsed" when only that exists.
    key = "updated_parsed" if dict.__contains__(e, "updated_parsed") else "published_parsed"
    updated = _utc(get(e, key))
    # RSS 1.0 feeds date items with dc:date only, which feedparser files under "updated".
    published = _utc(get(e, "published_parsed")) or updated
    detail = get(e, "title_detail") or get(e, "summary_detail") or {}
    return ParsedEntry(
        # The raw link, so a relative one does not re-key entries when the feed moves.
        identity=_identity(e, raw_link, title, summary, published),
        title=title,
        link=link,
        summary=summary,
        content=content,
        published=published,
        updated=updated,
        author=_str(get(e, "author")),
        language=_str(get(detail, "language")) or feed_language,
    )


def _identity(
    e: Any, link: str | None, title: str, summary: str, published: datetime | None
) -> str:
    """guid/id, else link, else a hash of what a reader sees (stable across polls)."""
    guid = _str(dict.get(e, "id"))
    if guid:
        return guid
    if link:
        return link
    stamp = published.isoformat() if published else ""
    digest = hashlib.sha256("\x1f".join((title, summary, stamp)).encode()).hexdigest()
    return f"sha256:{digest}"


def _absolute(link: str | None, base: str) -> str | None:
    if not link:
        return None
    try:
        return urljoin(base, link)
    except ValueError:  # e.g. an invalid IPv6 literal in a hostile feed
        return link


def _utc(parsed: Any) -> datetime | None:
    # feedparser's *_parsed values are already normalized to UTC struct_time.
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


_TAG = re.compile(r"<[^>]*>")


_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})


def _safe(detail: Any, value: Any) -> Any:
    """`value` as feedparser's sanitizer leaves it, run only where it can change anything.

    Asking feedparser to sanitize sends every HTML-typed string through its SGML parser,
    plain text included: a fifth of a cold poll's parsing. Text with no tag, no CR and
    no character reference (cp1252 ones are rewritten) comes out of the sanitizer as it
    went in, so only the rest goes through it.
    """
    if not isinstance(value, str) or ("<" not in value and "\r" not in value and "&#" not in value):
        return value
    kind = str(dict.get(detail or {}, "type", "text/html")).lower()
    if kind not in _HTML_TYPES:
        return value
    return _sanitize_html(value, "utf-8", kind)


def _sanitize_json_html(value: str) -> str:
    """JSON Feed's `content_html` through the sanitizer RSS and Atom HTML goes through."""
    return _str(_safe({"type": "text/html"}, value)) or ""


def _plain(detail: Any, value: Any) -> str:
    text = _str(_safe(detail, value)) or ""
    if detail and "html" in str(detail.get("type", "")):
        text = html.unescape(_TAG.sub("", text))
    return " ".join(text.split())


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None


# Raised before the XML is read, about the HTTP label or the declared charset: a strict
# parse that then fails replaces them with its own error, so when one of these is what
# remains, the document parsed as well-formed XML. A good feed served as
# application/octet-stream was shown as "malformed" until this was told apart.
_LABEL_ONLY = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


def _only_labelled_wrong(d: Any) -> bool:
    return isinstance(d.get("bozo_exception"), _LABEL_ONLY)


def _bozo_reason(d: Any) -> str | None:
    if not d.get("bozo"):
        return None
    exc = d.get("bozo_exception")
    reason = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed"
    return reason[:300]


_SY_PERIOD_S = {
    "hourly": 3600.0,
    "daily": 86400.0,
    "weekly": 7 * 86400.0,
    "monthly": 30 * 86400.0,
    "yearly": 365 * 86400.0,
}


def _ttl_s(feed: Any) -> float | None:
    """RSS <ttl> (minutes), else sy:updatePeriod / sy:updateFrequency."""
    ttl = _str(feed.get("ttl"))
    if ttl and ttl.isdigit() and int(ttl) > 0:
        return int(ttl) * 60.0
    period = (_str(feed.get("sy_updateperiod")) or "").lower()
    if period not in _SY_PERIOD_S:
        return None
    freq = _str(feed.get("sy_updatefrequency")) or "1"
    n = int(freq) if freq.isdigit() and int(freq) > 0 else 1
    return _SY_PERIOD_S[period] / n


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.I | re.S,
)


def _looks_like_html(body: bytes, headers: Mapping[str, str]) -> bool:
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head):
        return True
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    # Some servers label feeds text/html, so the type alone decides only when no feed root shows.
    return ctype in ("text/html", "application/xhtml+xml") and not re.search(
        rb"<(?:\w+:)?(?:rss|feed|RDF|channel)\b", head
    )


# --- DTD neutralization -------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_BOMLESS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # EBCDIC "<?xm"
)
_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
# Tokens that matter while scanning a DOCTYPE: quoted literals and comments are skipped whole,
# so a "]>" inside them cannot end the internal subset early. Linear time by construction.
_DTD_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|<!--.*?-->|[\[\]>]", re.S)
_PROLOG_SKIP = re.compile(r"(?:\s+|\ufeff|\xef\xbb\xbf|<\?.*?\?>|<!--.*?-->)*", re.S)
_DTD_NAME = re.compile(r"\s*([^\s\[>]*)")
# An internal general entity whose value references nothing (only character references):
# it can neither expand exponentially nor reach outside the document. feedparser's corpus
# relies on these (e.g. <!ENTITY copy "&#169;">).
_SAFE_ENTITY = re.compile(
    r"<!ENTITY\s+[A-Za-z_:][\w.:-]*\s+"
    r"(?:\"(?:[^\"&%<]|&#(?:x[0-9a-fA-F]+|[0-9]+);)*\"|'(?:[^'&%<]|&#(?:x[0-9a-fA-F]+|[0-9]+);)*')"
    r"\s*>"
)
_NETSCAPE = (
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
)


def neutralize_dtd(body: bytes) -> bytes:
    """Rewrite every DOCTYPE so it declares nothing dangerous (billion laughs, XXE).

    External identifiers and parameter/external/recursive entities are dropped; only
    entities whose value is plain text or character references survive.
    """
    codec, bom = _xml_codec(body)
    if codec is None:
        # ASCII-compatible: latin-1 maps bytes to code points one to one, so this is lossless.
        text = body.decode("latin-1")
        if not _DOCTYPE.search(text):
            return body
        return _neutralize_text(text).encode("latin-1")
    text = body[len(bom) :].decode(codec, "replace")
    if not _DOCTYPE.search(text):
        return body
    return bom + _neutralize_text(text).encode(codec, "replace")


def _xml_codec(body: bytes) -> tuple[str | None, bytes]:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec, bom
    for sig, codec in _BOMLESS:
        if body.startswith(sig):
            return codec, b""
    return None, b""


def _neutralize_text(text: str) -> str:
    # Only DOCTYPEs in the prolog declare anything: a "<!DOCTYPE" inside a comment or
    # after the root element is text (wellformed/rss/item_description_not_a_doctype2.xml).
    out: list[str] = []
    pos = 0
    while True:
        skip = _PROLOG_SKIP.match(text, pos)
        start = skip.end() if skip else pos
        m = _DOCTYPE.match(text, start)
        if not m:
            break
        out.append(text[pos:start])
        name = _DTD_NAME.match(text, m.end())
        root = name.group(1) if name else ""
        header_end, subset, end = _scan_doctype(text, m.end())
        if end < 0:
            # Unterminated: everything after it is declaration soup, never content.
            return "".join(out)
        out.append(_replacement(root, text[m.end() : header_end], subset))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _scan_doctype(text: str, start: int) -> tuple[int, str, int]:
    """Return (end of header, internal subset, index after the closing '>'), or end -1."""
    subset_start = -1
    for tok in _DTD_TOKEN.finditer(text, start):
        t = tok.group()
        if subset_start < 0:
            if t == ">":
                return tok.start(), "", tok.end()
            if t == "[":
                subset_start = tok.end()
            continue
        if t == "]":
            close = text.find(">", tok.end())
            if close < 0:
                return -1, "", -1
            return subset_start - 1, text[subset_start : tok.start()], close + 1
    return -1, "", -1


def _replacement(root: str, header: str, subset: str) -> str:
    if "netscape" in header.lower() and not subset:
        return _NETSCAPE
    root = re.sub(r"[^\w:.-]", "", root) or "feed"
    safe = _SAFE_ENTITY.findall(subset)
    if not safe:
        return f"<!DOCTYPE {root}>"
    return f"<!DOCTYPE {root} [\n" + "\n".join(safe) + "\n]>"


# --- cheap change detection ---------------------------------------------------------------

_ITEM_OPEN = re.compile(rb"<((?:[\w.-]+:)?(?:item|entry))[\s>]")
_CLOSE_END = re.compile(rb"\s*>")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_XML_DECL_ENC = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)", re.I)
_ASCII_COMPATIBLE = re.compile(
    r"^(?:utf-?8|us-ascii|ascii|iso-8859-\d+|latin-?1|windows-125\d|cp125\d|koi8-[ru]|"
    r"gb2312|gbk|gb18030|big5|euc-(?:jp|kr)|shift_jis|sjis|tis-620)$",
    re.I,
)


def raw_item_fingerprints(body: bytes) -> frozenset[str] | None:
    """Hashes of each raw `<item>`/`<entry>` block, found by regex without parsing XML.

    Lets the poller skip a full parse when every item of a changed body is already known.
    None when the scan cannot be trusted: non-ASCII-compatible encodings, DOCTYPEs
    (entities could change what an item means), unbalanced or missing blocks.
    """
    scan = scan_items(body, frozenset())
    return scan[0] if scan is not None else None


def scan_items(body: bytes, known: frozenset[str]) -> tuple[frozenset[str], bytes] | None:
    """`raw_item_fingerprints`, and `body` with every item whose print is in `known` cut
    out, from one scan of the body; None when the scan cannot be trusted.

    A steady poll finds one new item among fifty: parsing only that one is what keeps a
    poll of thousands of feeds cheap. The cut keeps the prolog and channel intact, so the
    remaining items parse exactly as they would in the whole body.
    """
    blocks = _trusted_blocks(body)
    if blocks is None:
        return None
    items = [body[start:end] for start, end in blocks]
    prints = [_fingerprint(item) for item in items]
    kept = [item for item, p in zip(items, prints, strict=True) if p not in known]
    cut = body[: blocks[0][0]] + b"\n".join(kept) + body[blocks[-1][1] :]
    return frozenset(prints), cut


def _trusted_blocks(body: bytes) -> list[tuple[int, int]] | None:
    if _xml_codec(body)[0] is not None or body.startswith(b"\xff") or b"\x00" in body[:64]:
        return None
    decl = _XML_DECL_ENC.search(body[:512])
    if decl and not _ASCII_COMPATIBLE.match(decl.group(1).decode("latin-1").strip()):
        return None
    if _DECLARATION.search(body):
        return None
    blocks = _item_blocks(body)
    # An open inside another block (nested or unbalanced items) leaves the counts unequal.
    if not blocks or len(blocks) != len(_ITEM_OPEN.findall(body)):
        return None
    return blocks


def _item_blocks(body: bytes) -> list[tuple[int, int]] | None:
    """Spans of `<item …>…</item>` blocks, as the lazy regex `<(name)[\\s>].*?</\\1\\s*>`
    would find them but ten times faster; None as soon as an open has no close (the scan
    could not be trusted then), which also keeps a hostile body linear."""
    spans = []
    pos = 0
    while m := _ITEM_OPEN.search(body, pos):
        close = b"</" + m.group(1)
        at = body.find(close, m.end())
        while at >= 0:
            if tail := _CLOSE_END.match(body, at + len(close)):
                spans.append((m.start(), tail.end()))
                pos = tail.end()
                break
            at = body.find(close, at + 1)
        else:
            return None
    return spans


def _fingerprint(block: bytes) -> str:
    # 64 bits: a feed's few hundred items never collide in practice, and every feed row
    # carries its items' prints, so their size is most of what a 304 pass writes.
    return hashlib.blake2b(block, digest_size=8).hexdigest()
