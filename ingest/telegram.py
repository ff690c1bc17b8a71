"""Reads a public Telegram channel's web preview (t.me/s/CHANNEL) into `ParsedFeed`; no I/O.

The markup is the page's own (as served at t.me/s/): each post is a
`.tgme_widget_message` with `data-post="CHANNEL/ID"`; inside its bubble come, in
order, forwarded-from, the quoted reply (its text is the quote, not the post), media,
the post's own `.tgme_widget_message_text` (a photo's caption is that text), a link
preview, and the footer whose `time[datetime]` dates the post. Service messages (pinned,
photo changed) and posts the preview cannot show carry no text and are skipped.
Only lxml is imported here; no account, no API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
from lxml.etree import ParserError

from ingest.errors import ParseError
from ingest.model import ParsedEntry, ParsedFeed

# Which part of a post each class names: the contract with the page's markup.
_POST = "tgme_widget_message"
_WRAP = "tgme_widget_message_wrap"
_HISTORY = "tgme_channel_history"
_TEXT = "tgme_widget_message_text"
_REPLY = "tgme_widget_message_reply"
_FORWARDED = "tgme_widget_message_forwarded_from_name"
_PREVIEW_TITLE = "link_preview_title"
_PREVIEW_DESCRIPTION = "link_preview_description"
_PREVIEW_SITE = "link_preview_site_name"
_DATE = "tgme_widget_message_date"
_SERVICE = "service_message"
_CHANNEL_TITLE = "tgme_channel_info_header_title"
_POST_ID = re.compile(r"^([A-Za-z0-9_]{1,64})/(\d{1,12})$")
# Telegram usernames: 5-32 characters of letters, digits and underscores (t.me links).
_CHANNEL_PATH = re.compile(r"^/s/([A-Za-z0-9_]{4,64})/?$")


def _has(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


@dataclass(frozen=True, slots=True)
class ChannelPage:
    """One preview page: its posts as entries, and the oldest post id it shows."""

    feed: ParsedFeed
    oldest: int | None
    newest: int | None


def channel_of(url: str) -> str | None:
    """The channel name of a preview URL's path ("/s/CHANNEL"), or None."""
    from urllib.parse import urlsplit

    m = _CHANNEL_PATH.match(urlsplit(url).path)
    return m.group(1) if m else None


def page_before(url: str, post_id: int) -> str:
    """The preview page of posts older than `post_id` (the page's own paging link)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, f"before={post_id}", ""))


def parse_channel(body: bytes, headers: Mapping[str, str], url: str) -> ChannelPage:
    """Posts of one preview page; `ParseError` when the page is no channel preview."""
    try:
        root = lxml.html.document_fromstring(body)
    except (ParserError, ValueError) as e:
        raise ParseError(url, f"preview unavailable (not an HTML page: {e})") from None
    if not root.xpath(f"//*[{_has(_HISTORY)}]"):
        # A channel with its preview disabled is served as the channel's info page.
        raise ParseError(url, "preview unavailable (no message history on the page)")
    wraps = root.xpath(f"//*[{_has(_WRAP)}]")
    entries: list[ParsedEntry] = []
    ids: list[int] = []
    unreadable = 0
    for wrap in wraps:
        posts = wrap.xpath(f".//*[{_has(_POST)}][@data-post]")
        if not posts:
            unreadable += 1
            continue
        post = posts[0]
        m = _POST_ID.match(post.get("data-post", "").strip())
        if m is None:
            unreadable += 1
            continue
        ids.append(int(m.group(2)))
        entry = _entry(post, m.group(1), m.group(2))
        if entry is not None:
            entries.append(entry)
    if wraps and not ids:
        raise ParseError(url, f"unexpected markup: none of {len(wraps)} posts has a post id")
    title = _text_of(root.xpath(f"//*[{_has(_CHANNEL_TITLE)}]"))
    language = headers.get("content-language") or headers.get("Content-Language")
    feed = ParsedFeed(
        title=title or None,
        link=url,
        entries=tuple(entries),
        bozo=f"{unreadable} posts in unexpected markup skipped" if unreadable else None,
        language=language,
    )
    return ChannelPage(feed, min(ids) if ids else None, max(ids) if ids else None)


def _entry(post: lxml.html.HtmlElement, channel: str, post_id: str) -> ParsedEntry | None:
    if post.xpath(f".//*[{_has(_SERVICE)}]"):
        return None
    parts: list[str] = []
    forwarded = _text_of(post.xpath(f".//*[{_has(_FORWARDED)}]"))
    if forwarded:
        parts.append(f"Forwarded from {forwarded}")
    # The post's own text: the one outside the quoted reply, whose text is the quote.
    own = post.xpath(f".//*[{_has(_TEXT)}][not(ancestor::*[{_has(_REPLY)}])]")
    text = _text_of(own, links=True)
    if text:
        parts.append(text)
    preview = [
        t
        for cls in (_PREVIEW_SITE, _PREVIEW_TITLE, _PREVIEW_DESCRIPTION)
        if (t := _text_of(post.xpath(f".//*[{_has(cls)}]")))
    ]
    if preview:
        parts.append(" — ".join(preview))
    if not parts:
        return None  # a sticker, a poll the preview cannot show, a bare photo
    stamp = post.xpath(f".//*[{_has(_DATE)}]//time/@datetime")
    published = _date(str(stamp[0])) if stamp else None
    link = f"https://t.me/{channel}/{post_id}"
    hrefs = post.xpath(f".//a[{_has(_DATE)}]/@href")
    if hrefs and str(hrefs[0]).startswith("https://t.me/"):
        link = str(hrefs[0])
    first = (text or parts[0]).split("\n", 1)[0]
    return ParsedEntry(
        identity=f"{channel}/{post_id}",
        title=first[:200],
        link=link,
        summary="\n".join(parts),
        content="",
        published=published,
        updated=published,
    )


def _text_of(nodes: list[lxml.html.HtmlElement], *, links: bool = False) -> str:
    """Plain text of the first node: <br> as line breaks, emoji images as their
    characters (the page puts the character inside), links followed by their URL when
    the URL says more than the link text."""
    if not nodes:
        return ""
    node = nodes[0]
    out: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        if el.tag == "br":
            out.append("\n")
        elif el.text:
            out.append(el.text)
        for child in el:
            if not isinstance(child.tag, str):  # comments, processing instructions
                if child.tail:
                    out.append(child.tail)
                continue
            walk(child)
            if links and child.tag == "a":
                href = child.get("href", "")
                shown = child.text_content().strip()
                if href.startswith("http") and href not in shown and not shown.startswith("#"):
                    out.append(f" ({href})")
            if child.tail:
                out.append(child.tail)

    walk(node)
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _date(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
