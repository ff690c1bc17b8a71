"""The web server on loopback: health, metrics, pages, token auth, CSRF and the two
writes ("not this person", retry), served by a real App over SQLite and PostgreSQL
with feeds from a loopback feed server."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink, free_port

from alerts.pipeline import rematch
from ingest import storage as istore
from ingest.poller import PollReport
from newswatch.app import App
from newswatch.cli import main
from newswatch.config import ConfigError, WebSettings, load, parse
from newswatch.metrics import Metrics
from newswatch.web.auth import authorized, csrf_ok, safe_next, session_value
from newswatch.web.health import MISSED_TICKS, Liveness, assess
from newswatch.web.server import WebServer
from newswatch.web.views import shown_url, suggest_phrase

T0 = datetime.now(UTC).replace(microsecond=0)
ITEMS = [
    Item(
        "politician",
        "Court extends the sentence of Maria Kolesnikova",
        "The opposition politician Maria Kolesnikova was not in court.",
        published=T0 - timedelta(hours=2),
    ),
    Item(
        "singer",
        'Singer Maria Kolesnikova tours Minsk <script>alert("x")</script>',
        "Concert dates were announced.",
        published=T0 - timedelta(hours=1),
    ),
    Item("weather", "Weather in Minsk", "Snow is expected.", published=T0),
]


# -- config ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("web", "env", "expected"),
    [
        ({}, {}, WebSettings()),
        ({"listen": "127.0.0.1:8080"}, {}, WebSettings(("127.0.0.1", 8080))),
        ({"listen": "[::1]:9000"}, {}, WebSettings(("::1", 9000))),
        ({"listen": "localhost:80"}, {}, WebSettings(("localhost", 80))),
        ({}, {"NEWSWATCH_WEB_LISTEN": "127.0.0.1:9100"}, WebSettings(("127.0.0.1", 9100))),
        (
            {"listen": "127.0.0.1:8080"},
            {"NEWSWATCH_WEB_LISTEN": "127.0.0.2:81"},
            WebSettings(("127.0.0.2", 81)),
        ),
        (
            {"listen": "0.0.0.0:8080", "token": "${WEB_TOKEN}"},
            {"WEB_TOKEN": "s3cr&t"},
            WebSettings(("0.0.0.0", 8080), "s3cr&t"),
        ),
        (
            {"public_url": "https://news.example.org/nw"},
            {},
            WebSettings(public_url="https://news.example.org/nw"),
        ),
    ],
)
def test_web_section(web: dict[str, str], env: dict[str, str], expected: WebSettings) -> None:
    assert parse({"web": web}, "c.toml", env).web == expected


@pytest.mark.parametrize(
    ("web", "env", "problem"),
    [
        ({"listen": "8080"}, {}, 'web.listen: "8080" is not an address like "127.0.0.1:8080"'),
        ({"listen": "127.0.0.1:70000"}, {}, 'web.listen: "127.0.0.1:70000" is not an address'),
        ({"listen": 8080}, {}, "web.listen: 8080 must be a string"),
        ({"listen": "0.0.0.0:8080"}, {}, "web.token: is required when the server listens beyond"),
        ({}, {"NEWSWATCH_WEB_LISTEN": "[::]:80"}, "web.token: is required"),
        ({}, {"NEWSWATCH_WEB_LISTEN": "nowhere"}, 'NEWSWATCH_WEB_LISTEN: "nowhere" is not an'),
        ({"public_url": "news.example.org"}, {}, 'web.public_url: "news.example.org" is not an'),
        ({"port": "80"}, {}, "web.port: unknown key (expected one of: listen, public_url, token)"),
    ],
)
def test_web_section_errors_name_the_key(
    web: dict[str, object], env: dict[str, str], problem: str
) -> None:
    with pytest.raises(ConfigError) as e:
        parse({"web": web}, "c.toml", env)
    assert any(p.startswith(problem) for p in e.value.problems), e.value.problems


# -- pure decisions ---------------------------------------------------------------------

POLL_S = 15.0


@pytest.mark.parametrize(
    ("last_tick_ago", "db_error", "failing_feeds", "oldest_s", "status"),
    [
        (1.0, None, 0, 0.0, "ok"),
        (MISSED_TICKS * POLL_S - 1, None, 0, 0.0, "ok"),
        (MISSED_TICKS * POLL_S + 1, None, 0, 0.0, "failing"),
        (None, None, 0, 0.0, "failing"),  # never ticked since a start 100 s ago
        (1.0, "connection refused", 0, 0.0, "failing"),
        (1.0, None, 2, 0.0, "degraded"),
        (1.0, None, 0, 3601.0, "degraded"),
        (1.0, "connection refused", 2, 0.0, "failing"),
    ],
)
def test_health_status(
    last_tick_ago: float | None,
    db_error: str | None,
    failing_feeds: int,
    oldest_s: float,
    status: str,
) -> None:
    live = Liveness(T0 - timedelta(seconds=100), POLL_S)
    if last_tick_ago is not None:
        live.ticked(T0 - timedelta(seconds=last_tick_ago))
    h = assess(
        now=T0,
        database_error=db_error,
        liveness=live,
        failing_feeds=failing_feeds,
        oldest_pending_s=oldest_s,
    )
    assert h.status == status
    assert h.http_status == (503 if status == "failing" else 200)
    assert (h.status == "ok") == (not h.reasons)


@pytest.mark.parametrize(
    ("header", "cookie", "ok"),
    [
        ("Bearer tök3n", None, True),
        ("bearer tök3n", None, True),
        ("Bearer wrong", None, False),
        ("Basic tök3n", None, False),
        (None, session_value("tök3n"), True),
        (None, session_value("other"), False),
        (None, "tök3n", False),  # the cookie holds an HMAC, never the token
        (None, None, False),
    ],
)
def test_token_auth(header: str | None, cookie: str | None, ok: bool) -> None:
    assert authorized("tök3n", header, cookie) is ok
    assert authorized(None, header, cookie) is True


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/stories?x=1", "/stories?x=1"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        (None, "/"),
    ],
)
def test_login_redirects_stay_on_this_server(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


@pytest.mark.parametrize(
    ("cookie", "field", "ok"),
    [("abc", "abc", True), ("abc", "abd", False), (None, "abc", False), ("abc", None, False)],
)
def test_csrf_double_submit(cookie: str | None, field: str | None, ok: bool) -> None:
    assert csrf_ok(cookie, field) is ok


@pytest.mark.parametrize(
    ("snippet", "matched", "phrase"),
    [
        (
            "Singer Maria Kolesnikova tours Minsk",
            "Maria Kolesnikova",
            "Singer Maria Kolesnikova tours",
        ),
        ("Kolesnikova, the singer", "Kolesnikova", "Kolesnikova the"),
        ("…said «Kolesnikova»", "Kolesnikova", "said Kolesnikova"),
        ("no mention here", "Kolesnikova", "Kolesnikova"),
    ],
)
def test_suggested_phrase_is_the_mention_with_a_word_either_side(
    snippet: str, matched: str, phrase: str
) -> None:
    assert suggest_phrase(snippet, matched) == phrase


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@news.example.org/rss?apikey=123", "https://news.example.org/rss"),
        ("http://127.0.0.1:8080/feed.xml", "http://127.0.0.1:8080/feed.xml"),
    ],
)
def test_feed_urls_are_shown_without_credentials_or_query(url: str, shown: str) -> None:
    assert shown_url(url) == shown


# -- the server, for real ---------------------------------------------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    app: App
    server: WebServer
    clock: Clock
    hook: WebhookSink
    opener: urllib.request.OpenerDirector
    jar: http.cookiejar.CookieJar

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        return self.request(path, headers=headers)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        return self.request(path, data=urllib.parse.urlencode(fields).encode())

    def request(
        self, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        req = urllib.request.Request(self.server.url + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "newswatch_csrf" and c.value)


def write_config(
    tmp_path: Path, db_url: str, feeds: FeedServer, hook: WebhookSink, extra: str = ""
) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[database]
url = "{db_url}"

[defaults]
timezone = "Europe/Vilnius"

[[feeds]]
name = "Outlet <One>"
url = "{feeds.url("/one.xml")}"

[notifiers]
chat = ["{hook.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = ["Maria Kolesnikova"]
notify = ["chat"]
{extra}
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def site(tmp_path: Path, db_url: str) -> Iterator[Site]:
    with FeedServer() as feeds, WebhookSink() as hook:
        feeds.route("/one.xml", body=rss(ITEMS, title="Outlet <One>"))
        settings = load(str(write_config(tmp_path, db_url, feeds, hook)))
        settings = replace(settings, web=WebSettings(("127.0.0.1", free_port())))
        clock = Clock(T0)
        app = App(settings, clock=clock, parse_workers=0)
        app.open()
        hook.fail(500)
        app.cycle(force=True)
        server = WebServer(app, settings.web, Liveness(T0, POLL_S), Metrics(app))
        server.start()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        try:
            yield Site(app, server, clock, hook, opener, jar)
        finally:
            server.stop()
            app.close()


def hit_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'id="hit-(\d+)"', html)]


def test_healthz_reports_the_numbers(site: Site) -> None:
    site.server.liveness.ticked(T0)
    code, body = site.get("/healthz")
    health = json.loads(body)
    assert code == 200
    assert health["status"] == "ok"
    assert health["database"] == "ok"
    assert health["last_poll_tick"] == T0.isoformat()
    assert health["pending_deliveries"] == 2  # the webhook answered 500: retries wait
    assert health["failing_feeds"] == 0


def test_healthz_fails_without_poll_ticks(site: Site) -> None:
    site.clock.now = T0 + timedelta(seconds=MISSED_TICKS * POLL_S + 1)
    code, body = site.get("/healthz")
    assert code == 503
    assert json.loads(body)["status"] == "failing"


def test_metrics_are_prometheus_text_without_secrets(site: Site) -> None:
    code, body = site.get("/metrics")
    assert code == 200
    for line in (
        'newswatch_feeds{state="ok"} 1.0',
        'newswatch_hits_total{watchlist="belarus"} 2.0',
        "newswatch_articles_stored 3.0",
        'newswatch_deliveries_total{kind="instant",notifier="chat",scheme="json",'
        'status="pending"} 2.0',
        "newswatch_outbox_depth 2.0",
        'newswatch_story_placements_total{placement="new"}',
        "# TYPE newswatch_poll_tick_duration_seconds histogram",
        "# TYPE newswatch_publish_to_alert_seconds histogram",
        "newswatch_outbox_oldest_pending_seconds 0.0",
    ):
        assert line in body, line
    assert site.hook.apprise_url() not in body
    assert str(site.hook.port) not in body


def test_hits_page_shows_escaped_feed_text_in_the_configured_zone(site: Site) -> None:
    code, html = site.get("/")
    assert code == 200
    assert "<script>" not in html  # the feed's markup is text on the page
    assert "&lt;script&gt;" in html or "alert(" not in html
    assert "Outlet &lt;One&gt;" in html
    assert "Times in Europe/Vilnius" in html
    assert T0.astimezone(site.app.settings.tz).strftime("%Y-%m-%d %H:%M") in html
    assert "<mark>Maria Kolesnikova</mark>" in html
    assert "Court extends the sentence of Maria Kolesnikova" in html
    assert len(hit_ids(html)) == 2


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?watchlist=belarus", 2),
        ("?watchlist=nobody", 0),
        ("?name=kolesnikova", 2),
        ("?name=babaryka", 0),
        ("?since=1h", 2),
    ],
)
def test_hit_filters(site: Site, query: str, titles: int) -> None:
    code, html = site.get("/" + query)
    assert code == 200
    assert len(hit_ids(html)) == titles


def test_a_bad_since_is_a_clear_error(site: Site) -> None:
    code, html = site.get("/?since=yesterday")
    assert code == 400
    assert "is not a duration" in html


def test_other_pages_render(site: Site) -> None:
    code, html = site.get("/stories")
    assert (
        code == 200
        and "Court extends the sentence" in html
        and "Outlets: Outlet &lt;One&gt;" in html
    )
    code, html = site.get("/feeds")
    assert code == 200 and "Outlet &lt;One&gt;" in html and "3 articles stored" in html
    code, html = site.get("/deliveries")
    assert code == 200 and "pending" in html
    assert site.hook.apprise_url() not in html
    for page in ("/stories", "/feeds", "/deliveries"):
        html = site.get(page)[1]
        assert not re.search(r"\w\(s\)", html), f"{page}: a plural left to the reader"
    assert re.search(r"· 1 report ·|· [02-9]\d* reports ·", site.get("/stories")[1])


def test_a_post_without_the_csrf_token_is_refused(site: Site) -> None:
    site.get("/")
    [first, *_] = hit_ids(site.get("/")[1])
    code, _ = site.post(f"/hits/{first}/exclude", {"phrase": "x", "csrf": "forged"})
    assert code == 403
    code, _ = site.post(f"/hits/{first}/exclude", {"phrase": "x"})
    assert code == 403
    assert len(hit_ids(site.get("/")[1])) == 2


def test_not_this_person_excludes_the_namesake_from_matching_and_rematch(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    html = site.get("/")[1]
    singer = re.search(r'id="hit-(\d+)".*?Singer Maria', html, re.S)
    assert singer is not None
    hit = int(singer.group(1))
    phrase = re.search(rf'action="/hits/{hit}/exclude".*?name="phrase" value="([^"]*)"', html, re.S)
    assert phrase is not None and phrase.group(1) == "Singer Maria Kolesnikova tours"
    code, html = site.post(
        f"/hits/{hit}/exclude", {"phrase": phrase.group(1), "csrf": site.csrf(), "back": "/"}
    )
    assert code == 200
    assert "no longer matches" in html
    assert hit not in hit_ids(html) and len(hit_ids(html)) == 1
    assert "Singer Maria Kolesnikova tours" in site.get("/feeds")[1]  # listed
    capsys.readouterr()
    assert main(["--config", site.app.settings.path, "check"]) == 0
    assert 'belarus: Maria Kolesnikova not in "Singer Maria Kolesnikova tours"' in (
        capsys.readouterr().out
    )

    app = site.app
    with app.store.batch() as s:
        articles = istore.articles_since(s, T0 - timedelta(days=30))
        report = rematch(s, app.policy, app.matcher, articles, T0, store=app.alert_store)
    assert report.hits == 0  # rematch honours the exclusion
    assert len(hit_ids(site.get("/")[1])) == 1

    # A fresh App (a restart) reads the exclusion back from the database.
    again = App(app.settings, clock=site.clock, parse_workers=0)
    again.open()
    try:
        singer_article = next(a for a in istore_articles(again) if "Singer" in a.title)
        assert again.matcher.hits(singer_article) == {}
    finally:
        again.close()


def istore_articles(app: App) -> list[istore.StoredArticle]:
    with app.store.read() as s:
        return istore.articles_since(s, T0 - timedelta(days=30))


def test_a_phrase_that_misses_the_mention_is_refused(site: Site) -> None:
    html = site.get("/")[1]
    hit = hit_ids(html)[0]
    code, html = site.post(
        f"/hits/{hit}/exclude", {"phrase": "tours Minsk", "csrf": site.csrf(), "back": "/"}
    )
    assert code == 200
    assert "does not rule out this mention" in html
    assert len(hit_ids(html)) == 2


def test_retry_requeues_a_failed_delivery(site: Site) -> None:
    site.clock.now = T0 + timedelta(hours=25)  # past [defaults] delivery_expiry
    site.app.deliver()
    html = site.get("/deliveries?status=failed")[1]
    delivery, *_ = re.findall(r'action="/deliveries/(\d+)/retry"', html)
    code, html = site.post(f"/deliveries/{delivery}/retry", {"csrf": site.csrf()})
    assert code == 200 and f"delivery {delivery} queued again" in html
    site.hook.recover()
    site.app.deliver()
    site.hook.wait_for(1, timeout=30)
    html = site.get("/deliveries")[1]
    assert re.search(rf'id="delivery-{delivery}">.*?status-sent">sent', html, re.S)


@pytest.fixture
def guarded(site: Site) -> Iterator[Site]:
    token = "pa$$ wörd&=?"
    server = WebServer(
        site.app,
        WebSettings(("127.0.0.1", free_port()), token),
        site.server.liveness,
        site.server.metrics,
    )
    server.start()
    try:
        yield replace(site, server=server)
    finally:
        server.stop()


def test_a_token_guards_pages_and_metrics_but_not_healthz(guarded: Site) -> None:
    assert guarded.get("/healthz")[0] == 200
    assert guarded.get("/metrics")[0] == 401
    assert (
        guarded.get(
            "/metrics", {"Authorization": "Bearer pa$$ wörd&=?".encode().decode("latin-1")}
        )[0]
        == 200
    )
    code, html = guarded.get("/feeds", {"Accept": "text/html"})
    assert code == 200 and 'name="token"' in html  # sent to the login form
    code, html = guarded.post(
        "/login", {"token": "wrong", "csrf": guarded.csrf(), "next": "/feeds"}
    )
    assert code == 401
    code, html = guarded.post(
        "/login", {"token": "pa$$ wörd&=?", "csrf": guarded.csrf(), "next": "/feeds"}
    )
    assert code == 200 and "Outlet &lt;One&gt;" in html
    assert "pa$$" not in "".join(c.value or "" for c in guarded.jar)


def test_fetches_are_counted_by_outcome_and_error_kind(site: Site) -> None:
    report = PollReport(
        feeds=6, ok=2, not_modified=1, errors=3, entries=40,
        error_kinds=(("http_5xx", 1), ("timeout", 2)),
    )  # fmt: skip
    site.server.metrics.observe_tick(report, 1.5)
    _, body = site.get("/metrics")
    for line in (
        'newswatch_fetches_total{outcome="200"} 2.0',
        'newswatch_fetches_total{outcome="304"} 1.0',
        'newswatch_fetches_total{outcome="http_5xx"} 1.0',
        'newswatch_fetches_total{outcome="timeout"} 2.0',
        "newswatch_entries_parsed_total 40.0",
    ):
        assert line in body, line
