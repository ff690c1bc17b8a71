"""Reads JSON Feed 1.0 and 1.1 bodies into `ParsedFeed`; no I/O, no feedparser.

The rules come from the specification (https://www.jsonfeed.org/version/1.1/, which
also describes 1.0): the top level is an object whose `version` is the spec's URL and
whose `items` is a list; an item's `id` is required and is coerced to a string when a
publisher wrote a number; dates are RFC 3339. HTML content goes through the caller's
sanitizer, the same one RSS and Atom content goes through.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from ingest.errors import ParseError
from ingest.model import ParsedEntry, ParsedFeed

log = logging.getLogger(__name__)

# The `version` values the specification defines; a later minor version keeps the prefix.
VERSION_PREFIX = "https://jsonfeed.org/version/"
# RFC 8259 allows whitespace before the value; a UTF-8 BOM is tolerated by most readers.
_JSON_START = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t\r\n]*[{\[]")
_TAG = re.compile(r"<[^>]*>")


def looks_like_json(body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether the body is meant as JSON: it opens an object or array, or it is labelled
    with a JSON media type and does not open with markup (mislabelled XML stays XML).

    `headers` must have lower-case keys.
    """
    if _JSON_START.match(body[:64]) is not None:
        return True
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    # RFC 6839: "+json" suffixes; application/feed+json is JSON Feed's registered type.
    labelled = ctype == "application/json" or ctype.endswith("+json")
    return labelled and not body[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def parse_json_feed(body: bytes, url: str, sanitize: Callable[[str], str]) -> ParsedFeed:
    """A JSON Feed body to `ParsedFeed`; `ParseError` for JSON that is not a JSON Feed."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        # RFC 8259 §8.1: JSON exchanged between systems is UTF-8.
        raise ParseError(url, "JSON body is not UTF-8") from None
    except (json.JSONDecodeError, RecursionError) as e:
        detail = e.msg if isinstance(e, json.JSONDecodeError) else "nested too deeply"
        raise ParseError(url, f"invalid JSON: {detail}") from None
    if not isinstance(doc, dict):
        raise ParseError(url, "a JSON document, not a JSON Feed (top level is not an object)")
    version = doc.get("version")
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIX):
        raise ParseError(url, "a JSON document, not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError(url, "JSON Feed without an items list")
    language = _text(doc.get("language"))
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        entry = _entry(item, url, language, sanitize)
        if entry is None:
            log.debug("entry skipped url=%s index=%d reason=not an item with an id", url, i)
            continue
        if entry.identity in seen:
            continue
        seen.add(entry.identity)
        entries.append(entry)
    return ParsedFeed(
        title=_plain(_text(doc.get("title"))) or None,
        link=_link(_text(doc.get("home_page_url")), url),
        entries=tuple(entries),
        language=language,
    )


def _entry(
    item: Any, base: str, feed_language: str | None, sanitize: Callable[[str], str]
) -> ParsedEntry | None:
    if not isinstance(item, dict):
        return None
    raw_id = item.get("id")
    # 1.1: "if an id is presented as a number, a reader must coerce it to a string".
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float):
        raw_id = None
    identity = str(raw_id).strip() if raw_id is not None else ""
    raw_link = _text(item.get("url")) or _text(item.get("external_url"))
    title = _plain(_text(item.get("title")))
    content_html = _text(item.get("content_html"))
    content = sanitize(content_html) if content_html else _text(item.get("content_text")) or ""
    summary = _text(item.get("summary")) or ""
    published = _date(item.get("date_published"))
    updated = _date(item.get("date_modified")) or published
    if not identity:
        # A required key missing: fall back as RSS items without a guid do.
        identity = raw_link or _digest(title, summary or content)
    return ParsedEntry(
        identity=identity,
        title=title,
        link=_link(raw_link, base),
        summary=summary,
        content=content,
        published=published or updated,
        updated=updated,
        author=_author(item),
        language=_text(item.get("language")) or feed_language,
    )


def _author(item: Mapping[str, Any]) -> str | None:
    # 1.1 deprecates `author` in favour of the `authors` list; both appear in the wild.
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    names = [n for a in candidates if isinstance(a, dict) and (n := _text(a.get("name")))]
    return ", ".join(names) or None


def _date(value: Any) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        # RFC 3339 is a profile of ISO 8601 that fromisoformat reads (Python 3.11+).
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        # RFC 3339 requires an offset; a feed that omits it most likely means UTC.
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _link(link: str | None, base: str) -> str | None:
    if not link:
        return None
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None


def _plain(text: str | None) -> str:
    # Titles are plain text by the spec, but publishers put entities and tags in them.
    return " ".join(html.unescape(_TAG.sub("", text or "")).split())


def _digest(title: str, text: str) -> str:
    return "sha256:" + hashlib.sha256(f"{title}\x1f{text}".encode()).hexdigest()
