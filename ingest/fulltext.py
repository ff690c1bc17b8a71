"""Whether an entry's article page is worth fetching for its full text: a pure decision
from the feed's `fulltext` mode and what the entry itself says, with its reason."""

from __future__ import annotations

import html
import re

from ingest.model import FulltextMode, ParsedEntry

# Below this many words an entry is a teaser rather than the article (issue #13: feeds
# that publish "a headline and one sentence").
SHORT_WORDS = 80
# How publishers mark a cut summary at its end: an ellipsis (U+2026 or three dots,
# bracketed as WordPress's "[…]" excerpt more-string does), or a "read more" link in the
# languages of the press newswatch watches.
_CUT_TAIL = re.compile(
    r"(?:\u2026|\.\.\.|\[\s*(?:\u2026|\.\.\.)\s*\]|"
    r"read\s+more|continue\s+reading|more\s*»|"
    r"читать\s+(?:далее|дальше|полностью)|подробнее|"
    r"чытаць\s+(?:далей|цалкам)|падрабязней|"
    r"читати\s+(?:далі|повністю)|детальніше|"
    r"czytaj\s+(?:dalej|więcej)|więcej|"
    r"skaityti\s+daugiau|weiterlesen)"
    r"[\s\W]*$",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")


def entry_text(entry: ParsedEntry) -> str:
    """The longer of summary and content as plain text (feeds put the text in either)."""
    body = entry.summary if len(entry.summary) >= len(entry.content) else entry.content
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def wants_page(mode: FulltextMode, entry: ParsedEntry) -> tuple[bool, str]:
    """Whether to fetch `entry`'s page under `mode`."""
    if not entry.link:
        return False, "no link"
    if mode == FulltextMode.NEVER:
        return False, "fulltext = never"
    if mode == FulltextMode.ALWAYS:
        return True, "fulltext = always"
    text = entry_text(entry)
    words = len(text.split())
    if words < SHORT_WORDS:
        return True, f"short ({words} words)"
    if _CUT_TAIL.search(text[-60:]):
        return True, "visibly cut"
    return False, f"complete ({words} words)"
