"""HTML to display text: tags dropped (attribute values never become text), entities decoded.

Owns nothing else: normalisation for matching lives in ``normalize``.
"""

from __future__ import annotations

import html
import re

# Patterns never cross "\x01", the separator the matcher puts between batched fields.
_COMMENT = re.compile(r"<!--[^\x01]*?-->")
_RAW = re.compile(r"<(script|style)\b[^>\x01]*>[^\x01]*?</\1\s*>", re.I)
# A tag must start with a letter (or "/" + letter) so that "a < b" in plain text survives.
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>\x01]*>")
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Invisible characters that split a word without meaning anything: soft hyphen, zero-width
# space/joiners, word joiner, BOM. np-019 style feeds put U+00AD inside surnames.
_CLEAN = (
    *((ch, "") for ch in "\u00ad\u200b\u200c\u200d\u2060\ufeff"),
    *((ch, " ") for ch in "\u00a0\u202f\u2007"),
)


def _tag(m: re.Match[str]) -> str:
    return "\n" if m.group(1).lower() in _BLOCK else ""


def html_to_text(s: str) -> str:
    """Strip tags, decode entities, drop soft hyphens and zero-width characters."""
    if "<" in s:
        s = _COMMENT.sub("", s)
        s = _RAW.sub("", s)
        s = _TAG.sub(_tag, s)
    if "&" in s:
        s = html.unescape(s)
    if not s.isascii():  # every character to clean is outside ASCII
        for ch, repl in _CLEAN:
            if ch in s:
                s = s.replace(ch, repl)
    return s
