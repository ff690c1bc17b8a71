"""Scale-out on PostgreSQL: two real `newswatch run` processes share one database and
one story per event (#10).

Each daemon keeps a story index in memory. Both are warmed first, so each holds the
window as it was; then every event is reported twice, in two languages, by two
outlets, the second report only once the first is stored and placed. Whichever daemon
places the second report must find the story the other may have opened: one story per
event, and one alert per event, not one per daemon.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink
from sqlalchemy import Engine, create_engine, text
from test_newswatch_crash import Daemon, wait_for

# (watched person, report in English, report in German): invented people and events.
EVENTS = [
    (
        "Margit Halvorsen",
        (
            "Margit Halvorsen detained in Bergen after protest at the harbour",
            "Police in Bergen detained Margit Halvorsen and 14 other protesters at the"
            " harbour on Tuesday, lawyers said.",
        ),
        (
            "Margit Halvorsen in Bergen festgenommen",
            "Die Polizei in Bergen hat Margit Halvorsen und 14 weitere Demonstranten am"
            " Hafen festgenommen, sagten Anwälte.",
        ),
    ),
    (
        "Tiberiu Lăcătuș",
        (
            "Court in Cluj sentences Tiberiu Lăcătuș to 6 years",
            "A court in Cluj sentenced journalist Tiberiu Lăcătuș to 6 years in prison"
            " for reports on the 2019 tender.",
        ),
        (
            "Gericht in Cluj verurteilt Tiberiu Lăcătuș zu 6 Jahren",
            "Ein Gericht in Cluj hat den Journalisten Tiberiu Lăcătuș zu 6 Jahren Haft"
            " wegen Berichten über die Ausschreibung von 2019 verurteilt.",
        ),
    ),
    (
        "Ondine Marchetti",
        (
            "Ondine Marchetti wins 412 votes in Trieste runoff",
            "Ondine Marchetti won the Trieste mayoral runoff with 412 votes more than her"
            " rival, the electoral office said.",
        ),
        (
            "Ondine Marchetti gewinnt Stichwahl in Triest mit 412 Stimmen",
            "Ondine Marchetti hat die Stichwahl um das Bürgermeisteramt in Trieste mit"
            " 412 Stimmen Vorsprung gewonnen.",
        ),
    ),
    (
        "Kasimir Wendtland",
        (
            "Kasimir Wendtland on hunger strike in Rostock prison, day 23",
            "Kasimir Wendtland has refused food for 23 days in the Rostock prison, his"
            " sister told reporters.",
        ),
        (
            "Kasimir Wendtland seit 23 Tagen im Hungerstreik in Rostock",
            "Kasimir Wendtland verweigert seit 23 Tagen im Gefängnis von Rostock die"
            " Nahrung, sagte seine Schwester.",
        ),
    ),
    (
        "Ilse Vandermeulen",
        (
            "Ilse Vandermeulen released in Antwerp after 9 months",
            "Ilse Vandermeulen walked free in Antwerp after 9 months in custody, greeted"
            " by 300 supporters.",
        ),
        (
            "Ilse Vandermeulen nach 9 Monaten in Antwerpen freigelassen",
            "Ilse Vandermeulen ist nach 9 Monaten Haft in Antwerp freigekommen, 300"
            " Unterstützer empfingen sie.",
        ),
    ),
    (
        "Teodor Brankovan",
        (
            "Teodor Brankovan charged over 2,700 tonne grain deal in Varna",
            "Prosecutors in Varna charged Teodor Brankovan over a 2,700 tonne grain export deal.",
        ),
        (
            "Anklage gegen Teodor Brankovan wegen Getreidegeschäft über 2.700 Tonnen",
            "Die Staatsanwaltschaft in Varna hat Teodor Brankovan wegen eines"
            " Getreideexports von 2.700 Tonnen angeklagt.",
        ),
    ),
]
# Watched too: the warm-up reports, one unrelated event each.
WARM = [f"Warm Person{chr(ord('a') + i)}" for i in range(26)]
WARMED = "stories warmed"


def write_config(tmp_path: Path, feeds: FeedServer, hook: WebhookSink, db_url: str) -> Path:
    outlets = "\n".join(
        f'[[feeds]]\nname = "Outlet {i}"\nurl = "{feeds.url(f"/feed{i}.xml")}"\n'
        for i in range(2 * len(EVENTS) + 1)
    )
    names = [person for person, *_ in EVENTS] + WARM
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{db_url}"\n\n[defaults]\ninterval = "300ms"\n\n{outlets}\n'
        f'[notifiers]\nchat = ["{hook.apprise_url()}"]\n\n'
        f'[[watchlists]]\nname = "people"\nnames = {names!r}\nnotify = ["chat"]\n'.replace(
            "'", '"'
        ),
        encoding="utf-8",
    )
    return config


def story_of(engine: Engine, guid: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT s.story_id FROM article_stories s JOIN articles a ON a.id = s.article_id"
                " WHERE a.identity = :guid"
            ),
            {"guid": guid},
        ).scalar_one_or_none()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_daemons_put_the_reports_of_one_event_in_one_story_and_alert_once(
    tmp_path: Path, db_url: str
) -> None:
    engine = create_engine(db_url)
    with FeedServer() as feeds, WebhookSink() as hook:
        for i in range(2 * len(EVENTS) + 1):
            feeds.route(f"/feed{i}.xml", body=rss([]))
        config = write_config(tmp_path, feeds, hook, db_url)
        daemons = [Daemon(config), Daemon(config)]
        warm_feed = f"/feed{2 * len(EVENTS)}.xml"
        try:
            for d in daemons:
                assert d.running.wait(20), "".join(d.lines)
            # Until both daemons have read the window (a daemon reads it when it first
            # finds an article to match), publish unrelated reports one at a time.
            warm: list[Item] = []
            for n, person in enumerate(WARM):
                if all(any(WARMED in line for line in d.lines) for d in daemons):
                    break
                warm.append(
                    Item(f"w{n}", f"{person} opens exhibition number {n}", "Art.", None, _now())
                )
                feeds.route(warm_feed, body=rss(warm))
                wait_for(lambda n=n: story_of(engine, f"w{n}") is not None, 60, "warm-up", *daemons)
            assert all(any(WARMED in line for line in d.lines) for d in daemons), "not warmed"

            for k, (_, first, second) in enumerate(EVENTS):
                for j, (title, summary) in enumerate((first, second)):
                    guid = f"e{k}r{j}"
                    item = Item(guid, title, summary, f"https://o{j}.example/{guid}", _now())
                    feeds.route(f"/feed{2 * k + j}.xml", body=rss([item]))
                    wait_for(lambda g=guid: story_of(engine, g) is not None, 60, guid, *daemons)
            expected = len(WARM[: len(warm)]) + len(EVENTS)
            hook.wait_for(expected, timeout=60)
            wait_for(lambda: _unsent(engine) == 0, 60, "deliveries sent", *daemons)
            for d in daemons:
                assert d.terminate() == 0, "".join(d.lines[-20:])
        finally:
            for d in daemons:
                d.close()

    stories = [
        (story_of(engine, f"e{k}r0"), story_of(engine, f"e{k}r1")) for k, _ in enumerate(EVENTS)
    ]
    engine.dispose()
    split = [k for k, (a, b) in enumerate(stories) if a != b]
    assert split == [], f"events split across stories: {split} {stories}"
    assert len({a for a, _ in stories}) == len(EVENTS)
    # One alert per story: the second report names no one its story had not named.
    assert len(hook.received) == expected, [p.json for p in hook.received]


def _now() -> datetime:
    return datetime.now(UTC)


def _unsent(engine: Engine) -> int:
    with engine.connect() as conn:
        unsent = text("SELECT count(*) FROM deliveries WHERE status <> 'sent'")
        return int(conn.execute(unsent).scalar_one())
