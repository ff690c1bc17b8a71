"""alerts.render: escaping per format, links, truncation, time zones, templates, digests,
and the feedparser sanitize corpus pushed through every format as hostile input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from conftest import SHARED, shared_dir

from alerts.errors import TemplateError
from alerts.model import Hit
from alerts.render import (
    BODY_FORMATS,
    AlertItem,
    Dialect,
    Message,
    Templates,
    compile_templates,
    markdown_escape,
    render_digest,
    render_instant,
    render_test,
    safe_link,
)

CORPUS = SHARED / "corpus" / "feedparser-tests" / "wellformed" / "sanitize"
T0 = datetime(2024, 5, 3, 12, 5, tzinfo=UTC)
LINK = "https://example.org/news/2024/05/03/court?id=7&lang=ru"


def hit(
    name: str = "Ales Bialiatski",
    matched: str = "Беляцкого",
    snippet: str = "Суд оставил в силе приговор Беляцкого и его коллегам",
    reason: str = "surname, Russian genitive",
) -> Hit:
    start = snippet.find(matched)
    return Hit(name, matched, "summary", snippet, start, start + len(matched), reason)


def item(**kw: object) -> AlertItem:
    values: dict[str, object] = {
        "watchlist": "Belarus political prisoners",
        "title": "Court upholds sentence of Nobel laureate",
        "link": LINK,
        "feed": "Nasha Niva",
        "published": T0,
        "hits": (hit(),),
        "delivery_id": "d-20240503-0001",
        "also_reported": (),
    }
    values.update(kw)
    return AlertItem(**values)  # type: ignore[arg-type]


def instant(fmt: str, **kw: object) -> Message:
    return render_instant(item(**kw), body_format=fmt, tz=UTC)


# --- what an alert says --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", "Ales Bialiatski — matched «Беляцкого»"),
        ("markdown", "**Ales Bialiatski** — matched **Беляцкого**"),
        ("html", "<b>Ales Bialiatski</b> — matched <mark>Беляцкого</mark>"),
    ],
)
def test_instant_names_the_variant_matched(fmt: str, expected: str) -> None:
    msg = instant(fmt, also_reported=("RFE/RL", "Zerkalo"))
    assert expected in msg.body
    for part in ("Belarus political prisoners", "Nasha Niva", "2024", "d", "RFE/RL", "Zerkalo"):
        assert part in msg.body
    assert msg.title == (
        "[Belarus political prisoners] Ales Bialiatski: Court upholds sentence of Nobel laureate"
    )
    assert msg.body_format == fmt


@pytest.mark.parametrize(
    ("fmt", "emphasised"),
    [
        ("text", "приговор «Беляцкого» и его"),
        ("markdown", "приговор **Беляцкого** и его"),
        ("html", "приговор <mark>Беляцкого</mark> и его"),
    ],
)
def test_snippet_emphasises_the_match(fmt: str, emphasised: str) -> None:
    assert emphasised in instant(fmt).body


@pytest.mark.parametrize("fmt", BODY_FORMATS)
@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 2), (0, 999)])
def test_snippet_with_bad_offsets_is_shown_unmarked(fmt: str, start: int, end: int) -> None:
    bad = Hit("Ales Bialiatski", "x", "summary", "plain words here", start, end)
    body = instant(fmt, hits=(bad,)).body
    assert "plain words here" in body


@pytest.mark.parametrize(
    ("fmt", "link_line"),
    [
        ("text", LINK),
        ("markdown", f"<{LINK}>"),
        ("html", f'<a href="{LINK.replace("&", "&amp;")}">'),
    ],
)
def test_link_line(fmt: str, link_line: str) -> None:
    assert link_line in instant(fmt).body


@pytest.mark.parametrize(
    ("tz", "shown"),
    [
        (UTC, "2024-05-03 12:05 UTC"),
        (ZoneInfo("Europe/Minsk"), "2024-05-03 15:05 +03"),
        (ZoneInfo("Europe/Berlin"), "2024-05-03 14:05 CEST"),
        (ZoneInfo("America/New_York"), "2024-05-03 08:05 EDT"),
        (timezone(timedelta(hours=-2, minutes=-30)), "2024-05-03 09:35 UTC-02:30"),
    ],
)
def test_published_in_configured_time_zone(tz: timezone | ZoneInfo, shown: str) -> None:
    assert shown in render_instant(item(), body_format="text", tz=tz).body


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        (None, "time unknown"),
        (datetime(2024, 1, 15, 23, 30, tzinfo=UTC), "2024-01-16 00:30 CET"),
        (datetime(2024, 1, 15, 23, 30), "2024-01-16 00:30 CET"),  # naive is read as UTC
    ],
)
def test_published_edges(published: datetime | None, shown: str) -> None:
    body = render_instant(
        item(published=published), body_format="text", tz=ZoneInfo("Europe/Berlin")
    ).body
    assert shown in body


@pytest.mark.parametrize("fmt", BODY_FORMATS)
def test_render_test_message(fmt: str) -> None:
    msg = render_test(fmt)
    assert msg.title == "newswatch test notification"
    assert "newswatch" in msg.body
    assert msg.body_format == fmt


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="body_format"):
        instant("rtf")


# --- escaping ------------------------------------------------------------------------------

HOSTILE_TITLE = '<script>alert(1)</script><img src=x onerror="alert(2)"> **bold** [x](javascript:1)'


@pytest.mark.parametrize(
    ("fmt", "present", "absent"),
    [
        ("html", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script"),
        ("html", "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;", "<img"),
        ("markdown", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;", "<script"),
        ("markdown", "\\*\\*bold\\*\\*", "**bold**"),
        ("markdown", "\\[x\\]\\(javascript", "[x](javascript"),
        ("text", "<script>alert(1)</script>", "&lt;"),  # plain text stays plain
    ],
)
def test_feed_text_is_escaped_for_the_format(fmt: str, present: str, absent: str) -> None:
    body = instant(fmt, title=HOSTILE_TITLE, feed=HOSTILE_TITLE, watchlist=HOSTILE_TITLE).body
    assert present in body
    assert absent not in body


@pytest.mark.parametrize("fmt", BODY_FORMATS)
def test_newlines_in_feed_text_cannot_start_blocks(fmt: str) -> None:
    body = instant(fmt, title="Headline\n# injected heading\n    code\n- list").body
    assert "\n# injected" not in body
    assert "\n- list" not in body
    assert "Headline" in body


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain words", "plain words"),
        ("a*b_c`d", "a\\*b\\_c\\`d"),
        ("[t](u)", "\\[t\\]\\(u\\)"),
        ("<b>&amp;", "&lt;b&gt;&amp;amp;"),
        ("# 1. + - !", "\\# 1\\. \\+ \\- \\!"),
        ("back\\slash", "back\\\\slash"),
        ("~~strike~~ ||spoiler||", "\\~\\~strike\\~\\~ \\|\\|spoiler\\|\\|"),
        ("Беляцкого", "Беляцкого"),
    ],
)
def test_markdown_escape(text: str, escaped: str) -> None:
    assert markdown_escape(text) == escaped


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("HTTP://Example.org/", "HTTP://Example.org/"),
        ("  https://example.org/x  ", "https://example.org/x"),
        ("https://example.org/a(b)<c>\"d'", "https://example.org/a%28b%29%3Cc%3E%22d%27"),
        (
            "https://example.org/Беларусь",
            "https://example.org/%D0%91%D0%B5%D0%BB%D0%B0%D1%80%D1%83%D1%81%D1%8C",
        ),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("data:text/html;base64,PHNjcmlwdD4=", None),
        ("vbscript:msgbox(1)", None),
        ("/relative/path", None),
        ("//example.org/protocol-relative", None),
        ("https://", None),
        ("https://exa mple.org/", None),
        ("ftp://example.org/file", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_link(url: str | None, safe: str | None) -> None:
    assert safe_link(url) == safe


@pytest.mark.parametrize("fmt", BODY_FORMATS)
@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,<script>", "vbscript:x", None]
)
def test_unsafe_link_is_never_a_link(fmt: str, link: str | None) -> None:
    body = instant(fmt, link=link).body
    assert "no web link" in body
    assert "href" not in body
    assert "script:" not in body
    assert "data:" not in body


# --- truncation ----------------------------------------------------------------------------

LONG = item(
    title="Court upholds sentence " * 12,
    hits=(hit(snippet="word " * 80 + "Беляцкого" + " tail" * 80),),
    also_reported=tuple(f"Outlet {i}" for i in range(30)),
)


@pytest.mark.parametrize("fmt", BODY_FORMATS)
@pytest.mark.parametrize("body_max", [300, 400, 600, 1000, 1500])
def test_body_max_keeps_the_link(fmt: str, body_max: int) -> None:
    full = render_instant(LONG, body_format=fmt, tz=UTC).body
    msg = render_instant(LONG, body_format=fmt, tz=UTC, body_max=body_max)
    assert len(full) > body_max
    assert len(msg.body) <= body_max
    assert LINK.split("?", maxsplit=1)[0] in msg.body
    assert "d-20240503-0001" in msg.body.replace("\\", "")


@pytest.mark.parametrize("fmt", BODY_FORMATS)
def test_body_max_cuts_on_a_word_with_ellipsis(fmt: str) -> None:
    full = len(render_instant(LONG, body_format=fmt, tz=UTC).body)
    body = render_instant(LONG, body_format=fmt, tz=UTC, body_max=full - 40).body
    assert "…" in body
    assert not re.search(r"\w…\w", body)
    assert re.search(r"(word|tail|Беляцкого)…", body) or re.search(r"\s…|\w…", body)


@pytest.mark.parametrize("fmt", BODY_FORMATS)
def test_body_that_fits_is_untouched(fmt: str) -> None:
    full = render_instant(LONG, body_format=fmt, tz=UTC).body
    assert render_instant(LONG, body_format=fmt, tz=UTC, body_max=len(full)).body == full


@pytest.mark.parametrize(
    ("title_max", "title"),
    [
        (None, "[wl] Ales Bialiatski: one two three four"),
        (100, "[wl] Ales Bialiatski: one two three four"),
        (40, "[wl] Ales Bialiatski: one two three four"),
        (39, "[wl] Ales Bialiatski: one two three…"),
        (30, "[wl] Ales Bialiatski: one two…"),
        (29, "[wl] Ales Bialiatski: one…"),
        (12, "[wl] Ales…"),
        (6, "[wl]…"),
        (1, "…"),
    ],
)
def test_title_max_cuts_on_a_word(title_max: int | None, title: str) -> None:
    msg = render_instant(
        item(watchlist="wl", title="one two three four"),
        body_format="text",
        tz=UTC,
        title_max=title_max,
    )
    assert msg.title == title
    assert title_max is None or len(msg.title) <= title_max


# --- user templates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("templates", "key"),
    [
        (Templates(title="{{ title "), "template_title"),
        (Templates(body="{% for x in hits %}"), "template_body"),
        (Templates(body="{{ no_such_variable }}"), "template_body"),
        (Templates(title="{{ hits[5].name }}"), "template_title"),
        (Templates(body="{{ title.__class__.__mro__ }}"), "template_body"),
        (Templates(title="ok", body="{{ names | no_such_filter }}"), "template_body"),
    ],
)
def test_template_errors_name_the_key(templates: Templates, key: str) -> None:
    with pytest.raises(TemplateError, match=f"^{key}: "):
        compile_templates(templates)


# Templates that would hang `check` and every alert, or take all memory, and the limit
# that stops each (alerts/sandbox.py).
HOSTILE_TEMPLATES = [
    ("{{ 99**99**99 }}", "power"),  # folded as a constant at compile time without the sandbox
    ("{{ 10**100000 }}", "power"),
    ("{{ 'x' * 10**10 }}", "argument|repeated"),
    ("{{ title * 100000 }}", "repeated"),
    ("{{ [title] * 10**9 }}", "argument|repeated"),
    ("{% set s = title %}" + "{% set s = s ~ s %}" * 40 + "{{ s|length }}", "value over"),
    ("{% set s = [1] %}" + "{% set s = s + s %}" * 40 + "{{ s|length }}", "value over"),
    (
        "{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}"
        "{% endfor %}{{ ns.n }}",
        "product",
    ),
    ("{{ title|center(10**9) }}", "argument"),
    ("{{ title.ljust(10**9) }}", "argument"),
    ("{{ '%0999999999d' % 1 }}", "width"),
    ("{{ '{:>999999999}'.format(title) }}", "width"),
    ("{% for i in range(99999) %}{{ title }}{% endfor %}", "output"),
    (
        "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
        "longer than 2s",
    ),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "RecursionError"),
]


@pytest.mark.parametrize(("source", "limit"), HOSTILE_TEMPLATES)
@pytest.mark.parametrize("key", ["title", "body"])
def test_a_hostile_template_is_refused_by_a_limit(source: str, limit: str, key: str) -> None:
    with pytest.raises(TemplateError, match=f"^template_{key}: .*({limit})"):
        compile_templates(Templates(**{key: source}))


@pytest.mark.parametrize(
    "source",
    [
        "{{ title|truncate(80) }} {{ '%5.1f' % 3.14159 }} {{ '{:>10}'.format(feed) }}",
        "{% for h in hits %}{{ loop.index }}. {{ h.name|upper }}{% endfor %} {{ 2**64 }}",
        "{{ (names * 3)|join(', ') }} {{ range(1000)|sum }} {{ ('-' * 40) ~ link }}",
    ],
)
def test_an_ordinary_template_is_within_the_limits(source: str) -> None:
    msg = render_instant(
        item(), body_format="text", tz=UTC, templates=compile_templates(Templates(body=source))
    )
    assert msg.body


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("text", "<i>t</i> | Ales Bialiatski | «Беляцкого» | " + LINK),
        ("markdown", "&lt;i&gt;t&lt;/i&gt; | Ales Bialiatski | **Беляцкого** | " + LINK),
        (
            "html",
            "&lt;i&gt;t&lt;/i&gt; | Ales Bialiatski | <mark>Беляцкого</mark> | "
            + LINK.replace("&", "&amp;"),
        ),
    ],
)
def test_user_template_values_are_escaped_per_format(fmt: str, body: str) -> None:
    compiled = compile_templates(
        Templates(
            title="{{ watchlist }}: {{ names | join(', ') }} ({{ feed }})",
            body="{{ title }} | {{ names | join(', ') }} | {{ hits[0].snippet_marked }}"
            " | {{ link }}",
        )
    )
    snippet = hit(snippet="Беляцкого")
    msg = render_instant(
        item(title="<i>t</i>", hits=(snippet,)), body_format=fmt, tz=UTC, templates=compiled
    )
    assert msg.title == "Belarus political prisoners: Ales Bialiatski (Nasha Niva)"
    assert msg.body == body


def test_user_template_gets_every_variable() -> None:
    source = (
        "{{ watchlist }}/{{ title }}/{{ link }}/{{ feed }}/{{ published }}/{{ names }}/"
        "{{ hits[0].name }}/{{ hits[0].matched }}/{{ hits[0].snippet }}/{{ also_reported }}/"
        "{{ delivery_id }}"
    )
    compiled = compile_templates(Templates(body=source))
    body = render_instant(
        item(also_reported=("RFE/RL",)), body_format="text", tz=UTC, templates=compiled
    ).body
    assert body == (
        f"Belarus political prisoners/Court upholds sentence of Nobel laureate/{LINK}/"
        "Nasha Niva/2024-05-03 12:05 UTC/['Ales Bialiatski']/Ales Bialiatski/Беляцкого/"
        "Суд оставил в силе приговор Беляцкого и его коллегам/['RFE/RL']/d-20240503-0001"
    )


def test_user_template_is_shrunk_to_body_max() -> None:
    compiled = compile_templates(Templates(body="{{ title }}\n{{ hits[0].snippet }}\n{{ link }}"))
    msg = render_instant(LONG, body_format="html", tz=UTC, templates=compiled, body_max=300)
    assert len(msg.body) <= 300
    assert msg.body.endswith(LINK.replace("&", "&amp;"))


def test_only_a_title_template_keeps_the_default_body() -> None:
    compiled = compile_templates(Templates(title="ALERT {{ names[0] }}"))
    msg = render_instant(item(), body_format="text", tz=UTC, templates=compiled)
    assert msg.title == "ALERT Ales Bialiatski"
    assert msg.body == instant("text").body


# --- digests -------------------------------------------------------------------------------


def test_digest_groups_by_watchlist_then_name_newest_first() -> None:
    kol = hit("Maria Kolesnikova", "Колесниковой", "о Колесниковой", "surname")
    items = [
        item(title="older", published=T0 - timedelta(hours=5)),
        item(title="undated", published=None),
        item(title="newest", published=T0 + timedelta(hours=1)),
        item(title="both", published=T0, hits=(hit(), kol)),
        item(watchlist="Another list", title="other", hits=(kol,)),
    ]
    msg = render_digest(items, body_format="text", tz=UTC, period_label="2024-05-03")
    body = msg.body
    assert msg.title == "newswatch digest 2024-05-03: 5 articles"
    order = [
        "== Watchlist: Another list ==",
        "-- Maria Kolesnikova --",
        "other",
        "== Watchlist: Belarus political prisoners ==",
        "-- Ales Bialiatski --",
        "newest",
        "both",
        "older",
        "undated",
        "-- Maria Kolesnikova --",
        "both",
    ]
    positions = []
    start = 0
    for part in order:
        start = body.index(part, start)
        positions.append(start)
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("fmt", "heading", "entry"),
    [
        ("text", "== Watchlist: Belarus political prisoners ==", "• 2024-05-03 12:05 UTC"),
        ("markdown", "### Watchlist: Belarus political prisoners", "- 2024\\-05\\-03 12:05 UTC"),
        ("html", "<h3>Watchlist: Belarus political prisoners</h3>", "<li>2024-05-03 12:05 UTC"),
    ],
)
def test_digest_formats(fmt: str, heading: str, entry: str) -> None:
    body = render_digest([item()], body_format=fmt, tz=UTC, period_label="today").body
    assert heading in body
    assert entry in body


@pytest.mark.parametrize("fmt", BODY_FORMATS)
def test_digest_body_max_drops_whole_entries(fmt: str) -> None:
    items = [item(title=f"story {i}", published=T0 - timedelta(minutes=i)) for i in range(40)]
    full = render_digest(items, body_format=fmt, tz=UTC, period_label="today").body
    body = render_digest(
        items, body_format=fmt, tz=UTC, period_label="today", body_max=len(full) // 3
    ).body
    assert len(body) <= len(full) // 3
    assert "story 0" in body
    assert "more not shown" in body
    shown = len(re.findall(r"story \d+", body))
    assert re.search(rf"and {40 - shown} more not shown", body)


@pytest.mark.parametrize("fmt", BODY_FORMATS)
def test_empty_digest(fmt: str) -> None:
    msg = render_digest([], body_format=fmt, tz=UTC, period_label="today")
    assert msg.title == "newswatch digest today: 0 articles"
    assert "No alerts today." in msg.body


# --- the sanitize corpus as hostile input -------------------------------------------------

ALLOWED_TAGS = {"a", "b", "mark", "small", "br", "h3", "h4", "ul", "li", "p", "strong", "em"}
LIVE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
MD_RAW_TAG = re.compile(r"<(?!https?://)[A-Za-z/!?]")


class _TagAudit(HTMLParser):
    """Records every tag and attribute a browser would see in an HTML body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            elif name in {"href", "src"}:
                if not re.match(r"^https?://", value or "") or LIVE_SCHEME.match(value or ""):
                    self.problems.append(f"{name}={value!r}")
            else:
                self.problems.append(f"attribute {name}")


def _audit_html(html: str) -> list[str]:
    audit = _TagAudit()
    audit.feed(html)
    audit.close()
    if re.search(r"<script", html, re.IGNORECASE):
        audit.problems.append("<script")
    return audit.problems


def _audit_markdown(md: str) -> list[str]:
    problems = [f"raw tag {m.group()!r}" for m in MD_RAW_TAG.finditer(md)]
    problems += [f"link {m.group()!r}" for m in re.finditer(r"(?<!\\)\]\(", md)]
    return problems


def _corpus_items() -> list[AlertItem]:
    feedparser = pytest.importorskip("feedparser")
    shared_dir(*CORPUS.relative_to(SHARED).parts)
    items = []
    for path in sorted(CORPUS.iterdir()):
        parsed = feedparser.parse(path.read_bytes())
        feed_title = str(parsed.feed.get("title", path.name))
        for entry in parsed.entries or [{}]:
            texts = [str(entry.get("title", "")), str(entry.get("summary", ""))]
            texts += [str(c.get("value", "")) for c in entry.get("content", [])]
            hits = tuple(
                Hit(
                    "Ales Bialiatski",
                    t[len(t) // 3 : 2 * len(t) // 3],
                    "summary",
                    t,
                    len(t) // 3,
                    2 * len(t) // 3,
                    t[:40],
                )
                for t in texts
                if t
            ) or (hit(),)
            items.append(
                AlertItem(
                    watchlist=feed_title,
                    title=texts[0] or texts[-1],
                    link=entry.get("link") or parsed.feed.get("link"),
                    feed=feed_title,
                    published=T0,
                    hits=hits,
                    delivery_id=path.name,
                    also_reported=(feed_title, texts[1][:60]),
                )
            )
    assert len(items) >= 700
    return items


def test_sanitize_corpus_never_yields_live_markup() -> None:
    items = _corpus_items()
    markdown_it = pytest.importorskip("markdown_it")
    py_markdown = pytest.importorskip("markdown")
    to_html_commonmark = markdown_it.MarkdownIt("commonmark").render
    compiled = compile_templates(
        Templates(
            body="{{ title }} {{ feed }} {{ link }} {% for h in hits %}"
            "{{ h.snippet_marked }} {{ h.snippet }}{% endfor %}"
        )
    )
    problems: list[str] = []
    for fmt in BODY_FORMATS:
        bodies = [render_instant(i, body_format=fmt, tz=UTC).body for i in items]
        bodies += [render_instant(i, body_format=fmt, tz=UTC, body_max=400).body for i in items]
        bodies += [
            render_instant(i, body_format=fmt, tz=UTC, templates=compiled).body for i in items
        ]
        bodies.append(render_digest(items, body_format=fmt, tz=UTC, period_label="x").body)
        for body in bodies:
            if fmt == "html":
                problems += _audit_html(body)
            elif fmt == "markdown":
                problems += _audit_markdown(body)
                # What the two Markdown dialects Apprise's services speak make of it.
                problems += _audit_html(to_html_commonmark(body))
                problems += _audit_html(py_markdown.markdown(body))
    assert not problems, f"{len(problems)} problems, first: {problems[:10]}"


@pytest.mark.parametrize(
    ("dialect", "body_format", "present", "absent"),
    [
        (Dialect.DISCORD, "text", ["＠everyone", "\\[x\\]\\(https"], ["@everyone", "&amp;"]),
        (Dialect.MATTERMOST, "text", ["＠channel", "\\*b\\*"], ["@channel", "&lt;"]),
        (Dialect.SLACK, "markdown", ["＠here", "<i>"], ["@here", "&amp;", "\\*"]),
        (Dialect.MATRIX, "text", ["＠room"], ["@room"]),
        (Dialect.TELEGRAM, "html", ["＠durov", "&lt;i&gt;"], ["@durov", "<i>"]),
        (Dialect.GENERIC, "markdown", ["@everyone", "&lt;i&gt;"], ["＠"]),
    ],
)
def test_a_digest_is_rendered_for_the_service_that_reads_it(
    dialect: Dialect, body_format: str, present: list[str], absent: list[str]
) -> None:
    hostile = "@everyone @channel @here @room @durov <i>x</i> & [x](https://evil.example) *b*"
    msg = render_digest(
        [item(title=hostile)],
        body_format=body_format,
        tz=UTC,
        period_label="today",
        dialect=dialect,
    )
    for text in present:
        assert text in msg.body
    for text in absent:
        assert text not in msg.body


def test_a_user_template_is_escaped_for_discord_too() -> None:
    hostile = "@everyone [x](https://evil.example) *b*"
    compiled = compile_templates(Templates(body="{{ title }} | {{ hits[0].snippet_marked }}"))
    msg = render_instant(
        item(title=hostile),
        body_format="text",
        tz=UTC,
        templates=compiled,
        dialect=Dialect.DISCORD,
    )
    assert msg.body.startswith("＠everyone \\[x\\]\\(https\\:\\/\\/evil\\.example\\) \\*b\\* | ")
    assert "**Беляцкого**" in msg.body and msg.body_format == "text"
