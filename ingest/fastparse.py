"""Reads well-formed RSS 2.0 and Atom 1.0 bodies into what feedparser makes of them; no I/O.

Owns a subset of documents it is certain of, nothing else: for a document in it, the
result holds what feedparser's result holds under the keys parse.py reads, with the same
values and the same quirks (which of two titles wins, a guid standing in for a missing
link, the UTF-8 repair of each text). Anything outside the subset, or any doubt, is None
and parse.py asks feedparser. The feedparser pieces that must be shared to be identical
(encoding detection, dates, its guess that plain text is HTML) come from parse.py, the
one module that imports feedparser; the standard library's expat reads the XML, as it
does under feedparser.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = ["Document", "Reference", "parse"]


@dataclass(frozen=True, slots=True)
class Reference:
    """The pieces of feedparser whose behaviour the fast path must share exactly."""

    # feedparser.encodings.convert_to_utf8: bytes to UTF-8 by its RFC 3023 rules.
    convert_to_utf8: Callable[[dict[str, str], bytes, dict[str, Any]], bytes]
    # The exception convert_to_utf8 records for a body whose type is not an XML one.
    not_xml: type[Exception]
    # feedparser.datetimes._parse_date: every date format it knows, to UTC struct_time.
    parse_date: Callable[[str], time.struct_time | None]
    # feedparser's guess that an RSS text labelled plain is HTML after all.
    looks_like_html: Callable[[str], bool]
    # feedparser.urls._urljoin, which tidies "scheme:///x" even with no base.
    urljoin: Callable[[str, str], str]
    # feedparser's map of C1 control characters to the cp1252 characters meant by them.
    cp1252: Mapping[int, str]
    # feedparser's known namespaces, URIs lower-cased, to the prefix it files them under.
    namespaces: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Document:
    """feedparser's result for one document, as far as parse.py reads it.

    `feed` and each of `entries` are plain dicts under feedparser's keys (title,
    title_detail, link, id, summary, content, author, published_parsed, ...).
    """

    version: str
    feed: dict[str, Any]
    entries: list[dict[str, Any]]

    def get(self, key: str, default: Any = None) -> Any:
        # Read like feedparser's result dict: a document read here is well-formed and its
        # encoding was the declared one, so the only key besides feed/entries is version.
        return self.version if key == "version" else default


class _Unsupported(Exception):
    """The document leaves the subset: feedparser must read it."""


def parse(body: bytes, headers: Mapping[str, str], ref: Reference) -> Document | None:
    """feedparser's result for `body` (parsed as parse.py parses it), or None when the
    document is outside the subset. `headers` must have lower-case keys."""
    try:
        data = _utf8(body, headers, ref)
        root, declared = _tree(data)
        _check_declarations(declared, ref.namespaces)
        return _Reader.read(root, ref, headers.get("content-language"))
    except _Unsupported:
        return None


# --- bytes to the UTF-8 that feedparser hands to expat --------------------------------------

# Bodies parse.py's DTD neutralizer decodes as wide or EBCDIC text (and so may re-encode).
_WIDE_STARTS = (
    b"\x00\x00\xfe\xff",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00\x00\x00<",
    b"<\x00\x00\x00",
    b"\x00<\x00?",
    b"<\x00?\x00",
    b"\x4c\x6f\xa7\x94",
)
_DOCTYPE = re.compile(rb"<!doctype", re.I)


def _utf8(body: bytes, headers: Mapping[str, str], ref: Reference) -> bytes:
    # A Content-Location becomes feedparser's base URI and every relative link resolves
    # against it; the subset keeps to documents where nothing is resolved.
    if headers.get("content-location"):
        raise _Unsupported
    # A DOCTYPE is rewritten by parse.py before feedparser sees the body and may declare
    # entities: never in the subset (this also keeps entity expansion out of expat here).
    if body.startswith(_WIDE_STARTS) or _DOCTYPE.search(body):
        raise _Unsupported
    result: dict[str, Any] = {}
    data = ref.convert_to_utf8(dict(headers), body, result)
    error = result.get("bozo_exception")
    # Only a wrong media type may be on record: any other error means the declared
    # encoding failed and feedparser guessed another one.
    if error is not None and not isinstance(error, ref.not_xml):
        raise _Unsupported
    if not _ascii_compatible(str(result.get("encoding", ""))):
        raise _Unsupported
    # feedparser strips and re-inserts entity declarations found before the root.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _Unsupported
    return data


@lru_cache(maxsize=64)
def _ascii_compatible(encoding: str) -> bool:
    """Whether ASCII bytes mean ASCII text in `encoding` (so the DOCTYPE check above, made
    on the raw bytes, says what it says of the decoded text): not UTF-7 or ISO-2022."""
    ascii_text = "".join(map(chr, range(128)))
    try:
        return bytes(range(128)).decode(encoding) == ascii_text
    except (LookupError, UnicodeDecodeError):
        return False


def _tree(data: bytes) -> tuple[ET.Element, list[tuple[str, str]]]:
    """The element tree expat builds, and every namespace declaration in document order."""
    parser: ET.XMLPullParser[ET.Element | tuple[str, str]]
    parser = ET.XMLPullParser(events=("start-ns", "start"))
    try:
        parser.feed(data)
        parser.close()
        events = list(parser.read_events())
    except ET.ParseError as e:  # feedparser then reads the body with its loose parser
        raise _Unsupported from e
    declared: list[tuple[str, str]] = []
    elements: list[ET.Element] = []
    for event in events:
        item = event[-1]
        if isinstance(item, tuple):
            declared.append(item)
        elif isinstance(item, ET.Element):
            elements.append(item)
    return elements[0], declared


# --- namespaces ------------------------------------------------------------------------------

_ATOM_NS = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The namespaces whose elements the subset reads, exactly as spelled (feedparser would
# take other spellings case-insensitively), to feedparser's prefix for them. Atom
# elements get "atom:" here so that RSS and Atom grammars can tell them from bare ones;
# feedparser files both without a prefix.
_PREFIXES = {
    _ATOM_NS: "atom",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://wellformedweb.org/commentAPI/": "wfw",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
}
# Declaring these sets feedparser's version to RSS 1.0 or 0.90 (its track_namespace).
_VERSION_NS = frozenset({"http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"})


def _check_declarations(declared: list[tuple[str, str]], known: Mapping[str, str]) -> None:
    """Refuse declarations that would make feedparser read an element as another one.

    feedparser maps a document's prefix to its own prefix for the namespace and looks
    that up again by name, so a known namespace declared under another known namespace's
    prefix (xmlns:dc="…/modules/content/") re-routes elements. An unknown namespace only
    matters for its own elements, and those are refused where they occur.
    """
    for prefix, uri in declared:
        if not uri:  # xmlns="" undeclares; feedparser ignores it
            continue
        lowered = uri.lower()
        if lowered in _VERSION_NS or "backend.userland.com/rss" in lowered:
            raise _Unsupported
        standard = known.get(lowered)
        if standard is None or not prefix or prefix == standard:
            continue
        # Another prefix for a namespace feedparser files unprefixed (xmlns:atom) is
        # harmless unless it is some namespace's own prefix.
        if standard or prefix in set(known.values()):
            raise _Unsupported


@lru_cache(maxsize=512)
def _key(tag: str) -> str | None:
    """An element's name in the grammars below: feedparser's lower-cased name, with
    "atom:" for Atom elements; None for a namespace the subset does not read."""
    if tag[0] != "{":
        return tag.lower()
    uri, _, local = tag[1:].partition("}")
    prefix = _PREFIXES.get(uri)
    return None if prefix is None else f"{prefix}:{local.lower()}"


# --- the walk ---------------------------------------------------------------------------------

_NO_ATTRS: dict[str, str] = {}
# Elements whose text feedparser resolves as a URI (can_be_relative_uri); with no base
# that only tidies "http:///x" to "http://x".
_RELATIVE = frozenset(
    {"comments", "docs", "href", "icon", "id", "link", "logo", "url", "wfw_comment"}
    | {"wfw_commentrss"}
)
# Feed keys parse.py reads from elements feedparser keeps under their own name.
_FEED_KEYS = frozenset({"ttl", "sy_updateperiod", "sy_updatefrequency"})
# The values of a text construct's type attribute (RFC 4287 §3.1.1; Media RSS's
# "plain"), as feedparser's map_content_type names them. "xhtml" is refused: feedparser
# re-serializes the markup by rules of its own. Any other type may be base64.
_TYPES = {
    "text": "text/plain",
    "plain": "text/plain",
    "text/plain": "text/plain",
    "html": "text/html",
    "text/html": "text/html",
}
_HTML_TYPES = frozenset({"text/html", "html", "application/xhtml+xml", "xhtml"})
# feedparser undoes "&b;" in a link's query, read as an unknown entity by sloppy feeds.
_QUERY_ENTITY = re.compile("&([A-Za-z0-9_]+);")
# The C1 controls, which feedparser maps to what cp1252 puts at those code points.
_C1 = re.compile("[\x80-\x9f]")
# feedparser's pattern for an e-mail address inside an author's text (_sync_author_detail).
_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|"
    r"(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)


Handler = Callable[["_Reader", ET.Element, int, "str | None", dict[str, str]], None]


class Rule(NamedTuple):
    """How one child element is read: its handler and the attributes it may carry.

    `attrs` None means none at all, not even xml:lang: feedparser keeps an element it has
    no handler for as a dict of its attributes, text dropped, when it has any.
    """

    handler: Handler
    attrs: frozenset[str] | None = frozenset()


Grammar = Mapping[str, Rule]


def _leaf(el: ET.Element) -> str:
    """A text element's text, stripped as feedparser strips it."""
    if len(el):  # feedparser reads markup inside a text element as inline XHTML
        raise _Unsupported
    return (el.text or "").strip()


def _own_text(el: ET.Element) -> str:
    """The text directly inside a container, between its children."""
    return "".join([el.text or "", *(child.tail or "" for child in el)]).strip()


def _attributes(
    el: ET.Element, allowed: frozenset[str] | None, lang: str | None
) -> tuple[dict[str, str], str | None]:
    """The element's attributes as feedparser names them, and its language."""
    raw = el.attrib
    if not raw:
        return _NO_ATTRS, lang
    if allowed is None:
        raise _Unsupported
    attrs: dict[str, str] = {}
    for name, value in raw.items():
        if name == _XML_LANG:
            # An empty xml:lang says "no language", it does not inherit one.
            lang = value or None
            continue
        lowered = name.lower()
        # Namespaced names ("{uri}local") are never allowed; two attributes that differ
        # only in case are one attribute to feedparser, and which value wins is its affair.
        if lowered not in allowed or lowered in attrs:
            raise _Unsupported
        attrs[lowered] = value.lower() if lowered in ("rel", "type") else value
    return attrs, lang


def _reread_utf8(value: str) -> str:
    try:
        return value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _content_type(attrs: dict[str, str], default: str) -> str:
    kind = attrs.get("type")
    if kind is None:
        return default
    mapped = _TYPES.get(kind)
    if mapped is None:
        raise _Unsupported
    return mapped


class _Reader:
    """One document's walk, keeping the part of feedparser's parser state that the keys
    parse.py reads depend on: which dict text goes to, the depth that set the title,
    whether the entry had content, the depth each entry value came from, the authors."""

    def __init__(self, ref: Reference, atom: bool, base_lang: str | None) -> None:
        self.ref = ref
        self.atom = atom
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        self.ctx: dict[str, Any] | None = self.feed  # None inside <image> and <textInput>
        self.entry: dict[str, Any] | None = None
        self.depths: dict[str, int] = {}
        self.authors: list[dict[str, str]] = []
        self.title_depth = -1
        self.has_content = False
        self.item_grammar: Grammar = _ENTRY if atom else _ITEM
        if base_lang:  # the Content-Language header, unless the root says otherwise
            self.feed["language"] = base_lang.replace("_", "-")

    @classmethod
    def read(cls, root: ET.Element, ref: Reference, base_lang: str | None) -> Document:
        key = _key(root.tag)
        if key == "rss":
            attrs, lang = _attributes(root, frozenset({"version"}), base_lang)
            # RSS 2.0 is "version 2.0" (RSS 2.0 spec, "Required channel elements").
            if attrs.get("version") != "2.0":
                raise _Unsupported
            reader = cls(ref, False, base_lang)
            reader.root_language(lang)
            reader.rss_channel(root, lang)
            return Document("rss20", reader.feed, reader.entries)
        if key == "atom:feed":
            _attrs, lang = _attributes(root, frozenset(), base_lang)
            reader = cls(ref, True, base_lang)
            reader.root_language(lang)
            reader.children(root, 1, lang, _FEED)
            return Document("atom10", reader.feed, reader.entries)
        raise _Unsupported

    def root_language(self, lang: str | None) -> None:
        # The root's xml:lang (or, with none, the header's language again) is the feed's.
        if lang:
            self.feed["language"] = lang.replace("_", "-")

    def rss_channel(self, root: ET.Element, lang: str | None) -> None:
        # RSS 2.0: "At the top level, a RSS document is a <rss> element, with a mandatory
        # attribute called version ... Subordinate to the <rss> element is a single
        # <channel> element".
        channels = list(root)
        if len(channels) != 1 or _key(channels[0].tag) != "channel":
            raise _Unsupported
        _attrs, lang = _attributes(channels[0], frozenset(), lang)
        self.children(channels[0], 2, lang, _CHANNEL)

    def children(self, el: ET.Element, depth: int, lang: str | None, grammar: Grammar) -> None:
        depth += 1
        for child in el:
            key = _key(child.tag)
            rule = grammar.get(key) if key is not None else None
            if rule is None:
                raise _Unsupported
            if child.attrib:
                attrs, child_lang = _attributes(child, rule.attrs, lang)
                rule.handler(self, child, depth, child_lang, attrs)
            else:
                rule.handler(self, child, depth, lang, _NO_ATTRS)

    # --- text as feedparser's pop() leaves it ---

    def text(self, el: ET.Element, relative: bool = False) -> str:
        value = _leaf(el)
        if relative and value:
            value = self.resolve(value)
        return self.repair(value)

    def resolve(self, uri: str) -> str:
        # With no base, feedparser's _urljoin only collapses the slashes of "http:///x";
        # its regex substitution costs more than the rest of a link's reading.
        return self.ref.urljoin("", uri) if ":///" in uri else uri

    def typed(self, el: ET.Element, kind: str) -> tuple[str, str]:
        value = _leaf(el)
        # feedparser guesses for RSS only: Atom says what its text is (RFC 4287 §3.1). Its
        # guess needs a close tag or a character reference, so "<" or "&", to say yes.
        if kind == "text/plain" and not self.atom and ("<" in value or "&" in value):
            kind = "text/html" if self.ref.looks_like_html(value) else kind
        return self.repair(value), kind

    def repair(self, value: str) -> str:
        """feedparser's last touches on every text: UTF-8 read as Latin-1 is read again as
        UTF-8, and C1 controls become the cp1252 characters they stand for."""
        if value.isascii():
            return value
        value = _reread_utf8(value)
        # str.translate looks every character up in the map: a tenth of a parse if done
        # on text that has none of the characters it maps.
        return value.translate(self.ref.cp1252) if _C1.search(value) else value

    def detail(self, kind: str, lang: str | None, value: str) -> dict[str, Any]:
        language = lang.replace("_", "-") if lang else lang
        return {"type": kind, "language": language, "base": "", "value": value}

    def parse_date(self, value: str) -> time.struct_time | None:
        try:
            return self.ref.parse_date(value)
        except Exception as e:  # feedparser would crash on it: let parse.py report that
            raise _Unsupported from e

    def put(self, key: str, value: str, depth: int) -> None:
        """An entry value, kept unless one came from a shallower element (feedparser's
        property_depth_map: an item's own <title> beats a <media:title> inside it)."""
        assert self.entry is not None
        old = self.depths.get(key)
        if old is None or depth <= old:
            self.depths[key] = depth
            self.entry[key] = value

    # --- containers ---

    def item(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        entry: dict[str, Any] = {}
        self.entries.append(entry)
        self.entry = self.ctx = entry
        self.depths = {}
        self.authors = []
        self.title_depth = -1
        self.children(el, depth, lang, self.item_grammar)
        self.entry = None
        self.ctx = self.feed
        self.has_content = False

    def image(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.aside(el, depth, lang, _IMAGE)

    def textinput(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        self.aside(el, depth, lang, _TEXTINPUT)

    def aside(self, el: ET.Element, depth: int, lang: str | None, grammar: Grammar) -> None:
        # Their titles and links are their own, but a title in them still counts as the
        # last one read (title_depth), which decides whether a later channel title wins.
        self.title_depth = -1
        self.ctx = None
        self.children(el, depth, lang, grammar)
        self.ctx = self.feed

    def skip(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.children(el, depth, lang, _SKIP)

    def media(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.children(el, depth, lang, _MEDIA)

    def media_group(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        self.children(el, depth, lang, _MEDIA_GROUP)

    # --- titles, summaries, content ---

    def title(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        value, kind = self.typed(el, _content_type(attrs, "text/plain"))
        # The first non-empty title at a depth wins over later ones at that depth or deeper.
        if not (-1 < self.title_depth <= depth) and self.ctx is not None:
            if self.ctx is self.entry:
                self.put("title", value, depth)
            else:
                self.ctx["title"] = value
            self.ctx["title_detail"] = self.detail(kind, lang, value)
        if value:
            self.title_depth = depth

    def media_title(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        # feedparser's _end_media_title: a media title does not block the item's own.
        saved = self.title_depth
        self.title(el, depth, lang, attrs)
        self.title_depth = saved

    def description(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        self.summary_like(el, depth, lang, attrs, "text/html")

    def summary(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.summary_like(el, depth, lang, attrs, "text/plain")

    def summary_like(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str], default: str
    ) -> None:
        entry = self.entry
        if entry is None or self.ctx is not entry:
            # A channel's, image's or text input's description is its subtitle, unread.
            self.typed(el, _content_type(attrs, default))
            return
        # A second summary in an entry with no content yet becomes content (feedparser's
        # _start_description / _start_summary).
        if "summary" in entry and not self.has_content:
            self.content_like(el, lang, attrs, "text/plain")
            return
        value, kind = self.typed(el, _content_type(attrs, default))
        self.put("summary", value, depth)
        entry["summary_detail"] = self.detail(kind, lang, value)

    def content(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.content_like(el, lang, attrs, "text/plain")

    def encoded(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.content_like(el, lang, attrs, "text/html")

    def content_like(
        self, el: ET.Element, lang: str | None, attrs: dict[str, str], default: str
    ) -> None:
        assert self.entry is not None
        self.has_content = True
        value, kind = self.typed(el, _content_type(attrs, default))
        self.entry.setdefault("content", []).append(self.detail(kind, lang, value))
        # Plain and HTML content stand in for a summary the entry lacks (_end_content).
        self.entry.setdefault("summary", value)

    # --- links and ids ---

    def link(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        value = self.text(el, relative=True)
        if self.ctx is None:
            return
        if "&" in value:
            if self.ctx is self.entry:
                value = value.replace("&amp;", "&")
            value = _QUERY_ENTITY.sub(r"&\g<1>", value)
        self.ctx["link"] = value

    def href_link(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        _leaf(el)
        # Without href feedparser reads the element's text as the link: not in the subset.
        if "href" not in attrs:
            raise _Unsupported
        # RFC 4287 §4.2.7.2: no rel means "alternate"; feedparser's default types.
        rel = attrs.get("rel", "alternate")
        kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
        href = self.resolve(attrs["href"])
        if rel == "alternate" and kind in _HTML_TYPES and self.ctx is not None:
            self.ctx["link"] = href

    def guid(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        # RSS 2.0: isPermaLink defaults to true; feedparser compares the value as written.
        permalink = attrs.get("ispermalink", "true") == "true"
        value = self.text(el, relative=permalink)
        if self.ctx is self.entry:
            self.put("id", value, depth)
        # A permalink guid (and an Atom id) is the link when none was read before it.
        if permalink and self.ctx is not None:
            self.ctx.setdefault("link", value)

    # --- dates, people, language ---

    def published(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        self.date(el, "published_parsed")

    def updated(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.date(el, "updated_parsed")

    def date(self, el: ET.Element, key: str) -> None:
        parsed = self.parse_date(self.text(el))
        if self.ctx is not None:
            self.ctx[key] = parsed

    def author(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        # An entry's author (the feed's own is inert_person): RSS 2.0's is a string, an
        # Atom person (RFC 4287 §3.2) has parts.
        self.authors.append({})
        self.children(el, depth, lang, _PERSON if self.atom else {})
        self.put("author", self.repair(_own_text(el)), depth)
        self.sync_author()

    def person_part(self, key: str, value: str) -> None:
        """feedparser's _save_author: the name, e-mail or URI of the author being read."""
        self.sync_author()
        self.authors[-1][key] = value

    def name(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.person_part("name", _leaf(el))  # feedparser keeps a name as it stands

    def email(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.person_part("email", _leaf(el))

    def uri(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        self.person_part("href", self.text(el, relative=True))

    def sync_author(self) -> None:
        """feedparser's _sync_author_detail: the entry's author from the latest person's
        parts, or those parts read back out of an author written as one string."""
        assert self.entry is not None
        detail = self.authors[-1]
        if detail:
            name, email = detail.get("name"), detail.get("email")
            if name and email:
                self.entry["author"] = f"{name} ({email})"
            elif name or email:
                self.entry["author"] = name or email
            return
        author = self.entry.get("author")
        if not author:
            return
        email = None
        found = _EMAIL.search(author)
        if found:
            email = found.group(0)
            for junk in (email, "()", "<>", "&lt;&gt;"):
                author = author.replace(junk, "")
            author = author.strip()
            author = author[1:] if author.startswith("(") else author
            author = (author[:-1] if author.endswith(")") else author).strip()
        if author:
            detail["name"] = author
        if email:
            detail["email"] = email

    def language(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        value = self.text(el)
        if self.ctx is not None:
            self.ctx["language"] = value

    # --- elements kept under their own name, and elements with nothing parse.py reads ---

    def generic(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        key = str(_key(el.tag)).replace(":", "_")
        value = self.text(el, relative=key in _RELATIVE)
        if self.ctx is self.feed and key in _FEED_KEYS:
            self.feed[key] = value

    def source(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        # RSS 2.0 <source>: its text is the other channel's title, and feedparser starts
        # the title bookkeeping afresh for it.
        _leaf(el)
        self.title_depth = -1

    def inert(self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]) -> None:
        _leaf(el)

    def inert_typed(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        _content_type(attrs, "text/plain")
        _leaf(el)

    def inert_date(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        # Parsed only because a date that crashes feedparser must not be read here.
        self.parse_date(self.text(el))

    def inert_person(
        self, el: ET.Element, depth: int, lang: str | None, attrs: dict[str, str]
    ) -> None:
        self.children(el, depth, lang, _PERSON_INERT)


def _rules(handler: Handler, names: str, attrs: frozenset[str] | None = frozenset()) -> Grammar:
    return {name: Rule(handler, attrs) for name in names.split()}


_R = _Reader
_NONE: frozenset[str] | None = None
_LINK_ATTRS = frozenset({"href", "rel", "type", "title", "hreflang", "length"})
_TYPE = frozenset({"type"})

_SKIP = _rules(_R.generic, "hour day", _NONE)
_IMAGE: Grammar = {
    **_rules(_R.inert, "url width height description"),
    "title": Rule(_R.title),
    "link": Rule(_R.link),
}
_TEXTINPUT: Grammar = {
    **_rules(_R.inert, "description name"),
    "title": Rule(_R.title),
    "link": Rule(_R.link),
}
_PERSON: Grammar = {
    "atom:name": Rule(_R.name),
    "atom:email": Rule(_R.email),
    "atom:uri": Rule(_R.uri),
}
_PERSON_INERT = _rules(_R.inert, "atom:name atom:email atom:uri")
_MEDIA: Grammar = {
    "media:title": Rule(_R.media_title, _TYPE),
    "media:description": Rule(_R.description, _TYPE),
    "media:thumbnail": Rule(_R.inert, frozenset({"url", "width", "height", "time"})),
    "media:credit": Rule(_R.inert, frozenset({"role", "scheme"})),
    "media:category": Rule(_R.inert, frozenset({"scheme", "label"})),
    # feedparser's _end_media_keywords fails on a keywords element with attributes.
    "media:keywords": Rule(_R.generic, _NONE),
}
# Media RSS <media:content> attributes, lower-cased as feedparser reads them; not "lang",
# which feedparser takes for xml:lang.
_MEDIA_CONTENT_ATTRS = frozenset(
    {"url", "type", "medium", "width", "height", "filesize", "duration", "bitrate"}
    | {"framerate", "samplingrate", "channels", "expression", "isdefault"}
)
_MEDIA_GROUP: Grammar = {
    **_MEDIA,
    "media:content": Rule(_R.media, _MEDIA_CONTENT_ATTRS),
}
_ITEM_EXTENSIONS: Grammar = {
    **_MEDIA_GROUP,
    "media:group": Rule(_R.media_group),
    "dc:creator": Rule(_R.author),
    "dc:subject": Rule(_R.inert),
}
# RSS 2.0 "Elements of <item>", with the extensions news feeds carry.
_ITEM: Grammar = {
    **_ITEM_EXTENSIONS,
    **_rules(_R.title, "title dc:title"),
    "link": Rule(_R.link),
    "atom:link": Rule(_R.href_link, _LINK_ATTRS),
    **_rules(_R.description, "description dc:description"),
    "content:encoded": Rule(_R.encoded),
    "author": Rule(_R.author),
    "guid": Rule(_R.guid, frozenset({"ispermalink"})),
    "pubdate": Rule(_R.published),
    "dc:date": Rule(_R.updated),
    "category": Rule(_R.inert, frozenset({"domain"})),
    "enclosure": Rule(_R.inert, frozenset({"url", "length", "type"})),
    "source": Rule(_R.source, frozenset({"url"})),
    "dc:language": Rule(_R.language),
    "dc:rights": Rule(_R.inert_typed),
    **_rules(_R.generic, "comments slash:comments wfw:commentrss wfw:comment", _NONE),
    "feedburner:origlink": Rule(_R.generic, _NONE),
}
# RSS 2.0 "Required channel elements" and "Optional channel elements", with extensions.
_CHANNEL: Grammar = {
    **_rules(_R.title, "title dc:title"),
    "link": Rule(_R.link),
    "atom:link": Rule(_R.href_link, _LINK_ATTRS),
    "description": Rule(_R.description),
    **_rules(_R.language, "language dc:language"),
    **_rules(_R.inert_typed, "copyright dc:rights"),
    **_rules(_R.inert, "managingeditor webmaster dc:creator dc:publisher generator"),
    **_rules(_R.inert_date, "pubdate lastbuilddate dc:date"),
    "category": Rule(_R.inert, frozenset({"domain"})),
    "dc:subject": Rule(_R.inert),
    "cloud": Rule(_R.inert, frozenset({"domain", "port", "path", "registerprocedure", "protocol"})),
    **_rules(_R.generic, "docs ttl rating sy:updateperiod sy:updatefrequency", _NONE),
    "sy:updatebase": Rule(_R.generic, _NONE),
    "image": Rule(_R.image),
    "textinput": Rule(_R.textinput),
    **_rules(_R.skip, "skiphours skipdays", _NONE),
    "item": Rule(_R.item),
}
# RFC 4287 §4.1.2 atom:entry, with the extensions news feeds carry.
_ENTRY: Grammar = {
    **_ITEM_EXTENSIONS,
    "atom:title": Rule(_R.title, _TYPE),
    "atom:link": Rule(_R.href_link, _LINK_ATTRS),
    "atom:id": Rule(_R.guid),
    "atom:updated": Rule(_R.updated),
    "atom:published": Rule(_R.published),
    "atom:author": Rule(_R.author),
    "atom:contributor": Rule(_R.inert_person),
    "atom:category": Rule(_R.inert, frozenset({"term", "scheme", "label"})),
    "atom:content": Rule(_R.content, _TYPE),
    "atom:summary": Rule(_R.summary, _TYPE),
    "atom:rights": Rule(_R.inert_typed, _TYPE),
}
# RFC 4287 §4.1.1 atom:feed.
_FEED: Grammar = {
    "atom:title": Rule(_R.title, _TYPE),
    **_rules(_R.inert_typed, "atom:subtitle atom:rights", _TYPE),
    "atom:link": Rule(_R.href_link, _LINK_ATTRS),
    "atom:id": Rule(_R.guid),
    "atom:updated": Rule(_R.inert_date),
    **_rules(_R.inert_person, "atom:author atom:contributor"),
    "atom:category": Rule(_R.inert, frozenset({"term", "scheme", "label"})),
    "atom:generator": Rule(_R.inert, frozenset({"uri", "version"})),
    **_rules(_R.generic, "atom:icon atom:logo", _NONE),
    "atom:entry": Rule(_R.item),
}
