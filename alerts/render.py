"""Alert messages from hits, in text, Markdown or HTML; owns escaping and Jinja2, not sending.

Everything that comes from a feed (titles, snippets, links, feed names) is untrusted: it is
flattened to one line of plain text, then escaped for the output format, and a link is only
ever rendered as a link when it is http(s). The title of a `Message` is always plain text
(a subject line); the notifier's service escapes it where it needs to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup, escape

from alerts import sandbox
from alerts.errors import TemplateError
from alerts.model import Hit
from alerts.sandbox import LimitedSandbox

__all__ = [
    "BODY_FORMATS",
    "AlertItem",
    "CompiledTemplates",
    "Dialect",
    "Message",
    "Templates",
    "compile_templates",
    "markdown_escape",
    "render_digest",
    "render_instant",
    "render_test",
    "safe_link",
]

BODY_FORMATS = ("text", "markdown", "html")


class Dialect(StrEnum):
    """The service's own reading of a message body, beyond its Apprise format: what
    makes a mention, a link or markup there. `notify` tells which a target speaks."""

    GENERIC = "generic"  # email, ntfy, webhooks: the body format says it all
    DISCORD = "discord"  # Markdown read by Discord: backslash escapes, no entities, pings
    MATTERMOST = "mattermost"  # CommonMark read by Mattermost: same, @channel/@all ping
    SLACK = "slack"  # Apprise escapes & < > but turns <!here>, <@U1>, <url|text> back live
    TELEGRAM = "telegram"  # HTML; Apprise puts the title into the body unescaped
    MATRIX = "matrix"  # @room pings everyone in the room


@dataclass(frozen=True, slots=True)
class AlertItem:
    """One article (or story) to alert about; every text field is untrusted feed text."""

    watchlist: str
    title: str
    link: str | None
    feed: str
    published: datetime | None
    hits: tuple[Hit, ...]
    delivery_id: str = ""
    also_reported: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    """A rendered notification: `title` is plain text, `body` is in `body_format`."""

    title: str
    body: str
    body_format: str


@dataclass(frozen=True, slots=True)
class Templates:
    """User overrides from config (Jinja2 source)."""

    title: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class CompiledTemplates:
    """Templates checked by `compile_templates`: the title, and the body once per format."""

    title: jinja2.Template | None
    body: Mapping[str, jinja2.Template]


# --- plain text and escaping -------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
_LINK_SAFE = "/:?#[]@!$&*+,;=%~-._"


def _flat(text: str) -> str:
    """One line of plain text: control and format characters dropped, whitespace collapsed.

    Collapsing newlines is what keeps a feed title from starting a Markdown heading, list
    or code block of its own.
    """
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return _SPACES.sub(" ", kept)


def markdown_escape(text: str) -> str:
    """Escape plain text for Markdown so that it renders as the same text and nothing else.

    `&`, `<` and `>` become entities rather than backslash escapes because Python-Markdown
    (which Apprise uses to turn Markdown into HTML) does not honour `\\<`, so `\\<b>` would
    stay a live tag there.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_PUNCT.sub(r"\\\1", text)


# Discord, Mattermost, Matrix, Slack and Telegram read "@everyone", "@here", "@channel",
# "@all", "@room", "@username" and "<@id>" in a message as pings. A fullwidth commercial at
# (U+FF20) reads the same to a person and is no mention anywhere; a zero-width space after
# "@" (Discord's own advice) would not do, since it is a format character that every
# feed text is cleaned of (_flat).
_FULLWIDTH_AT = "\uff20"
_AT = re.compile(r"@(?=\S)")
# Markdown syntax characters that chat services honour a backslash escape for: every ASCII
# punctuation character (CommonMark 0.31, section 2.4 "Backslash escapes"; Discord's
# parser escapes the same set).
_CHAT_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


# The services that read "@word" or "<@id>" as a ping (Telegram: "@username" notifies).
_PINGS = frozenset(
    {Dialect.DISCORD, Dialect.MATTERMOST, Dialect.SLACK, Dialect.MATRIX, Dialect.TELEGRAM}
)


def _no_ping(text: str) -> str:
    return _AT.sub(_FULLWIDTH_AT, text)


def _chat_markdown_escape(text: str) -> str:
    """Plain text for Discord or Mattermost: every Markdown character escaped by
    backslash (neither decodes HTML entities: `&amp;` would show as such)."""
    return _CHAT_PUNCT.sub(r"\\\1", text)


def _hit_no_ping(hit: Hit) -> Hit:
    s, start, end = hit.snippet, hit.snippet_start, hit.snippet_end
    if 0 <= start <= end <= len(s):
        before, match = _no_ping(s[:start]), _no_ping(s[start:end])
        start, end = len(before), len(before) + len(match)
    return replace(
        hit,
        name=_no_ping(hit.name),
        matched=_no_ping(hit.matched),
        snippet=_no_ping(s),
        snippet_start=start,
        snippet_end=end,
    )


def _defused(item: AlertItem, dialect: Dialect) -> AlertItem:
    """The item with every mention in its feed text broken, where the service pings."""
    if dialect not in _PINGS:
        return item
    return replace(
        item,
        title=_no_ping(item.title),
        feed=_no_ping(item.feed),
        watchlist=_no_ping(item.watchlist),
        hits=tuple(_hit_no_ping(h) for h in item.hits),
        also_reported=tuple(_no_ping(a) for a in item.also_reported),
    )


def safe_link(url: str | None) -> str | None:
    """The link if it is an absolute http(s) URL, percent-encoded so it cannot break out of
    an attribute, a Markdown link or an autolink; otherwise None (never a live link)."""
    if not url:
        return None
    url = _flat(url).strip()
    if " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return quote(url, safe=_LINK_SAFE)


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters on a word boundary, ending with "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    head = text[: limit - 1]
    space = head.rfind(" ")
    # A cut mid-word is better than losing more than half of what fits.
    if text[limit - 1] != " " and space > (limit - 1) // 2:
        head = head[:space]
    return head.rstrip() + "…"


# --- lines of spans, rendered per format ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    text: str  # plain text
    style: str = ""  # "" plain, "b" label, "em" the matched text, "small" footer


@dataclass(frozen=True, slots=True)
class _Line:
    spans: tuple[_Span, ...] = ()
    link: str | None = None  # a checked URL: the line is the link
    sacrifice: int = 0  # 0: never cut; higher numbers are shortened first


# The syntaxes a body is built in: the three Apprise formats, and Markdown as Discord and
# Mattermost (sent to Apprise as text, read as Markdown by the service) and as Slack read it.
_MARKDOWN_ESCAPES: dict[str, Callable[[str], str]] = {
    "markdown": markdown_escape,
    "chatmd": _chat_markdown_escape,
}
_SYNTAX: dict[tuple[Dialect, str], str] = {
    (Dialect.DISCORD, "text"): "chatmd",
    (Dialect.DISCORD, "markdown"): "chatmd",
    (Dialect.MATTERMOST, "text"): "chatmd",
    (Dialect.MATTERMOST, "markdown"): "chatmd",
    (Dialect.SLACK, "markdown"): "text",
}


def _syntax(dialect: Dialect, body_format: str) -> str:
    return _SYNTAX.get((dialect, body_format), body_format)


def _sent_format(dialect: Dialect, body_format: str) -> str:
    """The format Apprise is told the body is in. Slack's Markdown path in Apprise turns
    "<!here>", "<@U1>" and "[text](url)" from feed text into live mentions and links;
    declared as text, every `& < >` is escaped once and nothing is made live."""
    return "text" if dialect is Dialect.SLACK else body_format


def _span(span: _Span, fmt: str) -> str:
    if not span.text:
        return ""
    if fmt == "html":
        tag = {"b": "b", "em": "mark", "small": "small"}.get(span.style)
        inner = str(escape(span.text))
        return f"<{tag}>{inner}</{tag}>" if tag else inner
    if fmt in _MARKDOWN_ESCAPES:
        inner = _MARKDOWN_ESCAPES[fmt](span.text)
        if span.style in {"b", "em"}:
            return f"**{inner}**"
        return f"_{inner}_" if span.style == "small" else inner
    return f"«{span.text}»" if span.style == "em" else span.text


def _line(line: _Line, fmt: str) -> str:
    if line.link is not None:
        if fmt == "html":
            return f'<a href="{escape(line.link)}">{escape(line.link)}</a>'
        return f"<{line.link}>" if fmt in _MARKDOWN_ESCAPES else line.link
    return "".join(_span(s, fmt) for s in line.spans)


_JOIN = {
    "text": "\n",
    "markdown": "\n\n",
    "chatmd": "\n",
    "html": "<br>\n",
}


def _join(lines: Iterable[_Line], fmt: str) -> str:
    return _JOIN[fmt].join(_line(line, fmt) for line in lines if line.spans or line.link)


def _shorten(line: _Line, keep: int) -> _Line:
    """`line` with only `keep` characters of its text left (0 empties it)."""
    if keep <= 0:
        return _Line()
    total = sum(len(s.text) for s in line.spans)
    if keep >= total:
        return line
    text = _cut("".join(s.text for s in line.spans), keep)
    body, ellipsis = text.removesuffix("…"), text.endswith("…")
    spans: list[_Span] = []
    left = len(body)
    for span in line.spans:
        if left <= 0:
            break
        spans.append(replace(span, text=span.text[:left]))
        left -= len(span.text)
    if ellipsis:
        spans.append(_Span("…"))
    return replace(line, spans=tuple(spans))


def _fit(lines: list[_Line], fmt: str, body_max: int | None) -> str:
    """The lines joined, shortened in `sacrifice` order until they fit `body_max`.

    Link and footer lines are never cut: an alert whose link was truncated away is useless.
    """
    body = _join(lines, fmt)
    if body_max is None or len(body) <= body_max:
        return body
    order = sorted(
        (i for i, line in enumerate(lines) if line.sacrifice), key=lambda i: -lines[i].sacrifice
    )
    for i in order:
        whole = lines[i]
        lines[i] = _Line()
        if len(_join(lines, fmt)) > body_max:
            continue  # even without this line it does not fit: shorten the next one too
        lo, hi = 0, sum(len(s.text) for s in whole.spans)
        while lo < hi:  # the longest prefix of this line that still fits
            mid = (lo + hi + 1) // 2
            lines[i] = _shorten(whole, mid)
            if len(_join(lines, fmt)) <= body_max:
                lo = mid
            else:
                hi = mid - 1
        lines[i] = _shorten(whole, lo)
        return _join(lines, fmt)
    return _join(lines, fmt)


# --- instant alerts ------------------------------------------------------------------------


def _when(published: datetime | None, tz: tzinfo) -> str:
    if published is None:
        return "time unknown"
    if published.tzinfo is None:  # the contract is UTC-aware; a naive value is read as UTC
        published = published.replace(tzinfo=UTC)
    try:
        return published.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    except (OverflowError, ValueError):
        # A feed dated 9999-12-31 23:59 UTC lies past datetime.max in any zone east of UTC.
        return published.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _snippet_spans(hit: Hit) -> tuple[_Span, ...]:
    s = hit.snippet
    start, end = hit.snippet_start, hit.snippet_end
    if not 0 <= start <= end <= len(s):
        return (_Span(_flat(s).strip()),)
    before, match, after = _flat(s[:start]).lstrip(), _flat(s[start:end]), _flat(s[end:]).rstrip()
    return (_Span(before), _Span(match, "em"), _Span(after))


def _names(item: AlertItem) -> list[str]:
    return list(dict.fromkeys(_flat(h.name).strip() for h in item.hits))


def _instant_title(item: AlertItem, title_max: int | None) -> str:
    title = (
        f"[{_flat(item.watchlist).strip()}] {', '.join(_names(item))}: {_flat(item.title).strip()}"
    )
    return _cut(title, title_max) if title_max is not None else title


# How a message names the field a hit was found in, where its stored name says less.
_FIELD_WORDS = {"fulltext": "the full article"}


def _hit_line(hit: Hit) -> _Line:
    spans = [
        _Span(_flat(hit.name).strip(), "b"),
        _Span(" — matched "),
        _Span(_flat(hit.matched), "em"),
    ]
    where = _FIELD_WORDS.get(hit.field, hit.field)
    detail = ", ".join(x for x in (_flat(hit.reason).strip(), f"in {_flat(where)}") if x)
    spans.append(_Span(f" ({detail})"))
    return _Line(tuple(spans), sacrifice=2)


def _instant_lines(item: AlertItem, tz: tzinfo) -> list[_Line]:
    lines = [
        _Line((_Span("Watchlist:", "b"), _Span(" " + _flat(item.watchlist).strip())), sacrifice=1),
        *(_hit_line(h) for h in item.hits),
        _Line((_Span(_flat(item.title).strip(), "b"),), sacrifice=3),
        _Line(
            (_Span(_flat(item.feed).strip()), _Span(" · "), _Span(_when(item.published, tz))),
            sacrifice=1,
        ),
    ]
    seen: set[str] = set()
    for hit in item.hits:
        if hit.snippet and hit.snippet not in seen:
            seen.add(hit.snippet)
            lines.append(_Line(_snippet_spans(hit), sacrifice=5))
    if item.also_reported:
        also = ", ".join(_flat(a).strip() for a in item.also_reported)
        lines.append(_Line((_Span("Also reported by: "), _Span(also)), sacrifice=4))
    link = safe_link(item.link)
    lines.append(_Line(link=link) if link else _Line((_Span("(no web link)"),)))
    if item.delivery_id:
        lines.append(_Line((_Span(f"delivery {_flat(item.delivery_id).strip()}", "small"),)))
    return lines


def render_instant(
    item: AlertItem,
    *,
    body_format: str,
    tz: tzinfo,
    templates: CompiledTemplates | None = None,
    title_max: int | None = None,
    body_max: int | None = None,
    dialect: Dialect = Dialect.GENERIC,
) -> Message:
    """One alert for one article, in `body_format` as `dialect` reads it, times in `tz`."""
    _check_format(body_format)
    item = _defused(item, dialect)
    syntax = _syntax(dialect, body_format)
    sent = _sent_format(dialect, body_format)
    if templates is not None and (templates.title or templates.body):
        msg = _render_user(item, syntax, tz, templates, title_max=title_max, body_max=body_max)
        return Message(_title_for(msg.title, dialect), msg.body, sent)
    body = _fit(_instant_lines(item, tz), syntax, body_max)
    return Message(_title_for(_instant_title(item, title_max), dialect), body, sent)


# A service that puts the title into the body (Discord, Mattermost, Matrix and Telegram
# through Apprise) reads it in the body's syntax, which Apprise does not escape it for.
_TITLE_ESCAPES: dict[Dialect, Callable[[str], str]] = {
    Dialect.DISCORD: _chat_markdown_escape,
    Dialect.MATTERMOST: _chat_markdown_escape,
    Dialect.TELEGRAM: lambda title: str(escape(title)),
}


def _title_for(title: str, dialect: Dialect) -> str:
    return _TITLE_ESCAPES.get(dialect, str)(title)


def _check_format(body_format: str) -> None:
    if body_format not in BODY_FORMATS:
        raise ValueError(f"body_format {body_format!r} is not one of {BODY_FORMATS}")


# --- digests -------------------------------------------------------------------------------


def _newest_first(item: AlertItem) -> tuple[bool, float]:
    p = item.published
    if p is not None and p.tzinfo is None:
        p = p.replace(tzinfo=UTC)
    return (p is None, -p.timestamp() if p else 0.0)


def _digest_groups(items: Sequence[AlertItem]) -> dict[str, dict[str, list[AlertItem]]]:
    """watchlist → name → items newest first; an article naming two people sits under both."""
    groups: dict[str, dict[str, list[AlertItem]]] = {}
    for item in items:
        by_name = groups.setdefault(_flat(item.watchlist).strip(), {})
        for name in _names(item):
            by_name.setdefault(name, []).append(item)
    return {
        wl: {n: sorted(by_name[n], key=_newest_first) for n in sorted(by_name, key=str.casefold)}
        for wl, by_name in sorted(groups.items(), key=lambda kv: kv[0].casefold())
    }


def _digest_entry(item: AlertItem, name: str, fmt: str, tz: tzinfo) -> str:
    matched = ", ".join(
        dict.fromkeys(_flat(h.matched) for h in item.hits if _flat(h.name).strip() == name)
    )
    head = _Line(
        (
            _Span(_when(item.published, tz) + " · "),
            _Span(_flat(item.feed).strip() + " — "),
            _Span(_flat(item.title).strip(), "b"),
            _Span(" (matched "),
            _Span(matched, "em"),
            _Span(")"),
        )
    )
    lines = [head]
    if item.also_reported:
        also = ", ".join(_flat(a).strip() for a in item.also_reported)
        lines.append(_Line((_Span("also reported by: " + also),)))
    link = safe_link(item.link)
    lines.append(_Line(link=link) if link else _Line((_Span("(no web link)"),)))
    if fmt == "html":
        return "<li>" + "<br>\n".join(_line(x, fmt) for x in lines) + "</li>"
    if fmt in _MARKDOWN_ESCAPES:
        return "- " + "  \n  ".join(_line(x, fmt) for x in lines)
    return "• " + "\n  ".join(_line(x, fmt) for x in lines)


def _heading(text: str, level: int, fmt: str) -> str:
    if fmt == "html":
        return f"<h{level + 2}>{escape(text)}</h{level + 2}>"
    if fmt in _MARKDOWN_ESCAPES:
        return "#" * (level + 2) + " " + _MARKDOWN_ESCAPES[fmt](text)
    return f"== {text} ==" if level == 1 else f"-- {text} --"


def _digest_body(
    groups: dict[str, dict[str, list[AlertItem]]], fmt: str, tz: tzinfo, limit: int | None
) -> str:
    """The digest with at most `limit` entries (all when None), then a count of the rest."""
    parts: list[str] = []
    shown = total = 0
    for watchlist, by_name in groups.items():
        heading: str | None = _heading(f"Watchlist: {watchlist}", 1, fmt)
        for name, entries in by_name.items():
            total += len(entries)
            visible = entries if limit is None else entries[: max(0, limit - shown)]
            if not visible:
                continue
            shown += len(visible)
            if heading is not None:
                parts.append(heading)
                heading = None
            parts.append(_heading(name, 2, fmt))
            rendered = [_digest_entry(item, name, fmt, tz) for item in visible]
            if fmt == "html":
                parts.append("<ul>\n" + "\n".join(rendered) + "\n</ul>")
            else:
                parts.append("\n".join(rendered))
    if shown < total:
        more = f"…and {total - shown} more not shown"
        parts.append(str(escape(more)) if fmt == "html" else more)
    return "\n\n".join(parts)


def render_digest(
    items: Sequence[AlertItem],
    *,
    body_format: str,
    tz: tzinfo,
    period_label: str,
    title_max: int | None = None,
    body_max: int | None = None,
    dialect: Dialect = Dialect.GENERIC,
) -> Message:
    """One message for many alerts: grouped by watchlist, then name, newest first.

    When `body_max` is too small, whole entries are dropped from the end (each kept entry
    keeps its link) and a count of what was left out closes the body.
    """
    _check_format(body_format)
    label = _flat(period_label).strip()
    articles = len(items)
    title = f"newswatch digest {label}: {articles} article{'s' if articles != 1 else ''}"
    if title_max is not None:
        title = _cut(title, title_max)
    if not items:
        body = f"No alerts {label}."
        return Message(title, str(escape(body)) if body_format == "html" else body, body_format)
    groups = _digest_groups([_defused(i, dialect) for i in items])
    syntax = _syntax(dialect, body_format)
    body = _digest_body(groups, syntax, tz, None)
    if body_max is not None and len(body) > body_max:
        lo, hi = 0, sum(len(e) for by_name in groups.values() for e in by_name.values())
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if len(_digest_body(groups, syntax, tz, mid)) <= body_max:
                lo = mid
            else:
                hi = mid - 1
        body = _digest_body(groups, syntax, tz, lo)
    return Message(_title_for(title, dialect), body, _sent_format(dialect, body_format))


def render_test(body_format: str) -> Message:
    """A fixed message for `newswatch notify-test`, formatted like a real alert."""
    _check_format(body_format)
    lines = [
        _Line((_Span("This is a test notification from "), _Span("newswatch", "b"), _Span("."))),
        _Line(
            (
                _Span("If you can read this, alerts will reach you here. Matches look like "),
                _Span("this", "em"),
                _Span("."),
            )
        ),
    ]
    return Message("newswatch test notification", _join(lines, body_format), body_format)


# --- user templates ------------------------------------------------------------------------


class _MarkdownSafe(str):
    """Text already safe in Markdown (a checked link, a marked snippet): not escaped again."""

    __slots__ = ()


def _markdown_finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, _MarkdownSafe):
        return value
    return markdown_escape(_flat(str(value)))


def _text_finalize(value: object) -> object:
    return "" if value is None else value


def _chat_markdown_finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, _MarkdownSafe):
        return value
    return _chat_markdown_escape(_flat(str(value)))


_FINALIZE: dict[str, Callable[[object], object]] = {
    "text": _text_finalize,
    "markdown": _markdown_finalize,
    "chatmd": _chat_markdown_finalize,
    "html": _text_finalize,
}
# A user's body template is compiled once per syntax it may be rendered in.
_TEMPLATE_SYNTAXES = tuple(_FINALIZE)


def _environment(fmt: str) -> jinja2.Environment:
    # Templates come from the operator's config, but a sandbox costs nothing and keeps a
    # template from reaching Python internals, or from running without end (`check`
    # renders it, then every alert does).
    return LimitedSandbox(
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        finalize=_FINALIZE[fmt],
        keep_trailing_newline=False,
    )


_SAMPLE = AlertItem(
    watchlist="sample",
    title="Sample article",
    link="https://example.org/a",
    feed="Sample feed",
    published=datetime(2024, 1, 1, tzinfo=UTC),
    hits=(Hit("Ales Bialiatski", "Беляцкого", "title", "о Беляцкого", 2, 11, "surname"),),
    delivery_id="sample",
    also_reported=("Other outlet",),
)


def compile_templates(t: Templates) -> CompiledTemplates:
    """Compile and trial-render the user's templates; a mistake raises TemplateError naming
    the config key (`template_title` / `template_body`) and Jinja2's message."""
    title = None
    body: dict[str, jinja2.Template] = {}
    try:
        key = "template_title"
        if t.title is not None:
            title = _environment("text").from_string(t.title)
        key = "template_body"
        if t.body is not None:
            for fmt in _TEMPLATE_SYNTAXES:
                body[fmt] = _environment(fmt).from_string(t.body)
    except jinja2.TemplateError as e:
        raise TemplateError(f"{key}: {type(e).__name__}: {e}") from e
    compiled = CompiledTemplates(title, body)
    for fmt in _TEMPLATE_SYNTAXES:
        _render_user(_SAMPLE, fmt, UTC, compiled, title_max=None, body_max=None)
    return compiled


def _context(item: AlertItem, fmt: str, tz: tzinfo, text_max: int | None) -> dict[str, Any]:
    def short(text: str) -> str:
        text = _flat(text).strip()
        return _cut(text, text_max) if text_max is not None else text

    def marked(hit: Hit) -> str:
        spans = _snippet_spans(hit)
        if text_max is not None:
            spans = _shorten(_Line(spans), text_max).spans
        rendered = "".join(_span(s, fmt) for s in spans)
        if fmt == "html":
            return Markup(rendered)  # noqa: S704 - built from escaped spans
        return _MarkdownSafe(rendered) if fmt in _MARKDOWN_ESCAPES else rendered

    link = safe_link(item.link)
    return {
        "watchlist": _flat(item.watchlist).strip(),
        "title": short(item.title),
        "link": _MarkdownSafe(link) if link and fmt in _MARKDOWN_ESCAPES else link,
        "feed": _flat(item.feed).strip(),
        "published": _when(item.published, tz),
        "names": _names(item),
        "hits": [
            {
                "name": _flat(h.name).strip(),
                "matched": _flat(h.matched),
                "snippet": short(h.snippet),
                "snippet_marked": marked(h),
                "field": h.field,
                "reason": _flat(h.reason).strip(),
            }
            for h in item.hits
        ],
        "also_reported": [_flat(a).strip() for a in item.also_reported],
        "delivery_id": _flat(item.delivery_id).strip(),
    }


def _render_user(
    item: AlertItem,
    fmt: str,
    tz: tzinfo,
    templates: CompiledTemplates,
    *,
    title_max: int | None,
    body_max: int | None,
) -> Message:
    """A message from the user's templates; too long a body is re-rendered with the article
    title and snippets shortened (a template's own text and the link are never cut)."""

    def run(key: str, template: jinja2.Template, text_max: int | None, f: str) -> str:
        try:
            return sandbox.render(template, _context(item, f, tz, text_max)).strip()
        except Exception as e:
            # The operator's template is code: whatever it raises on real data (an index
            # out of range, a division by zero) is that template's error, not ours.
            raise TemplateError(f"{key}: {type(e).__name__}: {e}") from e

    if templates.title is not None:
        title = _flat(run("template_title", templates.title, None, "text")).strip()
        title = _cut(title, title_max) if title_max is not None else title
    else:
        title = _instant_title(item, title_max)
    template = templates.body.get(fmt)
    if template is None:
        return Message(title, _fit(_instant_lines(item, tz), fmt, body_max), fmt)
    body = run("template_body", template, None, fmt)
    if body_max is not None and len(body) > body_max:
        longest = max([len(item.title), *(len(h.snippet) for h in item.hits)])
        lo, hi = 0, longest
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if len(run("template_body", template, mid, fmt)) <= body_max:
                lo = mid
            else:
                hi = mid - 1
        body = run("template_body", template, lo, fmt)
    return Message(title, body, fmt)
