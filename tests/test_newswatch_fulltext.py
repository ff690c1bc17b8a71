"""Full article text end to end: feeds whose entries are cut link to real pages on
loopback; a watched name that only the page names alerts once the page is read, with
`field = "fulltext"`, and what the feed itself said is matched without waiting for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink
from sqlalchemy import create_engine, text
from test_ingest_pages import ARTICLE

from newswatch.cli import main

NOW = datetime.now(UTC)
LONG = " ".join(["Слова"] * 120)  # a complete entry: more than 80 words, not cut


def page(name: str) -> bytes:
    """A news page that names `name` only deep in its body."""
    return ARTICLE.replace(b"</article>", f"<p>Пра справу выказаўся {name}.</p></article>".encode())


@pytest.fixture
def servers() -> Iterator[tuple[FeedServer, WebhookSink]]:
    with FeedServer() as srv, WebhookSink() as hook:
        yield srv, hook


def write_config(path: Path, db_url: str, srv: FeedServer, hook: WebhookSink, names: str) -> str:
    config = path / "config.toml"
    config.write_text(
        f"""
[database]
url = "{db_url}"

[[feeds]]
name = "Auto"
url = "{srv.url("/auto.xml")}"

[[feeds]]
name = "Never"
url = "{srv.url("/never.xml")}"
fulltext = "never"

[[feeds]]
name = "Always"
url = "{srv.url("/always.xml")}"
fulltext = "always"

[notifiers]
chat = ["{hook.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = [{names}]
notify = ["chat"]
""",
        encoding="utf-8",
    )
    return str(config)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_a_name_only_in_the_page_alerts_from_the_full_article(
    tmp_path: Path,
    db_url: str,
    servers: tuple[FeedServer, WebhookSink],
    capsys: pytest.CaptureFixture[str],
) -> None:
    srv, hook = servers
    html = {"Content-Type": "text/html; charset=utf-8"}
    when = NOW - timedelta(hours=1)
    items = {
        "/auto.xml": [
            # Cut teasers: the page is read, and only it names the person.
            Item(
                "a1",
                "Суд у Мінску",
                "Суд адбыўся…",
                srv.route("/p/a1", body=page("Віктар Бабарыка"), headers=html),
                when,
            ),
            Item(
                "a2",
                "Суд у Гродна",
                "Кароткі тэкст",
                srv.route("/p/a2", body=page("Віктар Бабарыка"), headers=html),
                when,
            ),
            # The feed itself names the person: it alerts even though its page fails.
            Item(
                "a3",
                "Алесь Бяляцкі ў калоніі",
                "Чытаць далей",
                srv.route("/p/a3", status=503),
                when,
            ),
            # Complete in the feed: no page is fetched.
            Item(
                "a4",
                "Доўгі артыкул",
                LONG,
                srv.route("/p/a4", body=page("Віктар Бабарыка"), headers=html),
                when,
            ),
        ],
        "/never.xml": [
            Item(
                "n1",
                "Суд",
                "…",
                srv.route("/p/n1", body=page("Віктар Бабарыка"), headers=html),
                when,
            )
        ],
        "/always.xml": [
            Item(
                "w1",
                "Суд",
                LONG,
                srv.route("/p/w1", body=page("Марыя Калеснікава"), headers=html),
                when,
            )
        ],
    }
    for path, feed_items in items.items():
        srv.route(path, body=rss(feed_items))
    config = write_config(tmp_path, db_url, srv, hook, '"Viktor Babaryka", "Ales Bialiatski"')

    code, out = run(capsys, "--config", config, "poll")
    assert code == 0, out
    assert "article pages: 3 read, 1 to retry, 0 failed" in out
    # a1 and a2 from their pages, a3 from its own title; nothing for a4, n1 or w1.
    posts = hook.wait_for(3)
    assert len(posts) == 3
    assert {srv.hits(f"/p/{k}") for k in ("a4", "n1")} == {0}
    assert srv.hits("/p/w1") == 1 and srv.hits("/robots.txt") == 1
    by_title = {p.json["title"]: p.json["message"] for p in posts}
    assert sum("in the full article" in m for m in by_title.values()) == 2

    code, out = run(capsys, "--config", config, "hits", "--json")
    rows = {(r["title"], r["name"]): r for r in map(json.loads, out.splitlines())}
    paged = rows[("Суд у Мінску", "Viktor Babaryka")]
    assert paged["field"] == "fulltext"
    assert "Пра справу выказаўся Віктар Бабарыка" in paged["snippet"]
    assert rows[("Алесь Бяляцкі ў калоніі", "Ales Bialiatski")]["field"] == "title"

    engine = create_engine(db_url)
    with engine.connect() as conn:
        state = dict(conn.execute(text("SELECT identity, page_state FROM articles")).all())
        error = conn.execute(text("SELECT page_error FROM articles WHERE identity = 'a3'")).scalar()
    engine.dispose()
    assert state == {
        "a1": "done",
        "a2": "done",
        "a3": "pending",
        "a4": None,
        "n1": None,
        "w1": "done",
    }
    assert error == "HTTP 503"

    # A second poll within the retry delay fetches nothing again and alerts nothing twice.
    code, out = run(capsys, "--config", config, "poll")
    assert code == 0 and "article pages" not in out
    assert srv.hits("/p/a3") == 1 and len(hook.received) == 3

    # Page text is stored with the article, so a rematch sees it.
    config = write_config(
        tmp_path, db_url, srv, hook, '"Viktor Babaryka", "Ales Bialiatski", "Maria Kolesnikova"'
    )
    code, out = run(capsys, "--config", config, "rematch", "--since", "1d")
    assert code == 0, out
    code, out = run(capsys, "--config", config, "hits", "--json")
    found = [r for r in map(json.loads, out.splitlines()) if r["name"] == "Maria Kolesnikova"]
    assert [(r["title"], r["field"]) for r in found] == [("Суд", "fulltext")]


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        (
            '[[feeds]]\nurl = "http://127.0.0.1:9/f"\nfulltext = "sometimes"',
            'feeds[0].fulltext: "sometimes" must be one of "auto", "always", "never"',
        ),
        ("[defaults]\nfulltext = true", 'defaults.fulltext: true must be one of "auto"'),
        ('[defaults]\nrobots = "no"', "defaults.robots:"),
    ],
)
def test_fulltext_and_robots_keys_are_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], snippet: str, problem: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(snippet + "\n", encoding="utf-8")
    assert main(["--config", str(config), "check"]) == 2
    assert problem in capsys.readouterr().err
