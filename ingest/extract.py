"""Extracts an article page's main text with trafilatura (the only module importing it); no I/O.

The same shape as ingest.parse: bytes plus response headers in, never a URL to fetch,
and a frozen value out. trafilatura's defaults are kept as published: they are what the
article-extraction benchmark measured (bench/fulltext.py), and a knob tuned against
that sample would fit it rather than the web.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import trafilatura
from trafilatura.utils import load_html

from ingest.errors import IngestError

log = logging.getLogger(__name__)

# Media types that are pages (HTML Living Standard; RFC 3236 for XHTML). A page served
# without a type is sniffed by the HTML parser instead.
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# BCP 47: a primary language subtag of 2-3 letters, then subtags of up to 8 characters.
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


# A date only from the page's markup (meta tags, <time>, structured data): htmldate's
# extensive search reads dates out of the text, and a "© 2026" footer became a
# publication date of 1 January. Unknown is better than invented.
_DATES = {"extensive_search": False, "original_date": True}


# Callers run extraction off the event loop, in threads; two extractions at once can
# crash the process in lxml (trafilatura's shared compiled XPath expressions and
# parser state: adbar/trafilatura#840 and #925, seen here as a segmentation fault). A
# page takes tens of milliseconds, so one at a time costs little.
_ONE_AT_A_TIME = threading.Lock()


class ExtractError(IngestError):
    """A page that holds no article text we can read; carries the URL and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article page's main text and what the page says about it."""

    title: str | None
    text: str
    lang: str | None  # BCP 47 tag as the page declares it
    published: str | None  # ISO 8601 date as the page states it (day precision)


def extract_article(body: bytes, headers: Mapping[str, str], url: str) -> Extracted:
    """The main text of one page; raises `ExtractError` when there is none."""
    lowered = {k.lower(): v for k, v in headers.items()}
    ctype = lowered.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in _HTML_TYPES:
        raise ExtractError(url, f"not an HTML page ({ctype})")
    try:
        with _ONE_AT_A_TIME:
            tree = load_html(body)
            if tree is None:
                raise ExtractError(url, "not an HTML page")
            # Read before extraction: trafilatura prunes the tree it is given.
            declared = _declared_lang(tree.get("lang") or tree.get(_XML_LANG))
            doc = trafilatura.bare_extraction(
                tree, url=url, with_metadata=True, date_extraction_params=_DATES
            )
    except ExtractError:
        raise
    except Exception as e:  # the extractor's own bugs on hostile pages stay this page's problem
        raise ExtractError(url, f"extractor crashed: {type(e).__name__}: {e}") from e
    text = _str(getattr(doc, "text", None)) if doc is not None else None
    if not text:
        raise ExtractError(url, "no article text found")
    lang = (
        _declared_lang(getattr(doc, "language", None))
        or declared
        or _declared_lang(lowered.get("content-language", "").split(",")[0])
    )
    return Extracted(
        title=_str(getattr(doc, "title", None)),
        text=text,
        lang=lang,
        published=_str(getattr(doc, "date", None)),
    )


def _declared_lang(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    tag = value.strip()
    return tag if _LANG_TAG.match(tag) else None


def _str(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None
