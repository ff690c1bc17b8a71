"""One alert per story, end to end: loopback feeds in three languages, the real matcher
and grouper, the database (SQLite and PostgreSQL) and a loopback webhook per target.

Three outlets reporting one event alert once; two events about one person alert
twice; a later report naming another watched person alerts for that name; with
`followup_after` one follow-up lists the other outlets; a restarted app (a fresh
grouper warmed from the database) still files a later report under the stored story.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import Post, WebhookSink

from alerts import storage as astore
from ingest.langid import primary_language
from newswatch.app import App
from newswatch.cli import main
from newswatch.config import load

START = datetime.now(UTC).replace(microsecond=0)
TARGETS = ("/email-like", "/chat-like")
OUTLETS = {
    "en": "English outlet",
    "ru": "Russian outlet",
    "pl": "Polish outlet",
    "de": "German outlet",
}


def at(hours: float) -> datetime:
    return START - timedelta(hours=hours)


# One event (Kolesnikova moved to intensive care), reported in three languages.
HOSPITAL = {
    "en": Item(
        "en-hospital",
        "Maria Kolesnikova taken to intensive care in Homel",
        "Jailed opposition politician Maria Kolesnikova was moved from the Homel penal "
        "colony to an intensive care unit on Wednesday, her sister said; doctors operated "
        "on a perforated ulcer.",
        published=at(5),
    ),
    "ru": Item(
        "ru-hospital",
        "Марию Колесникову перевели в реанимацию в Гомеле",
        "В среду Марию Колесникову перевели из гомельской колонии в реанимацию, сообщила "
        "её сестра. Врачи прооперировали прободную язву.",
        published=at(4),
    ),
    "pl": Item(
        "pl-hospital",
        "Maria Kalesnikawa na oddziale intensywnej terapii w Homlu",
        "W środę Marię Kalesnikawą przewieziono z kolonii karnej w Homlu na oddział "
        "intensywnej terapii, poinformowała jej siostra. Lekarze operowali perforowany wrzód.",
        published=at(3),
    ),
    "de": Item(
        "de-hospital",
        "Maria Kalesnikawa in Homel auf der Intensivstation",
        "Die inhaftierte Oppositionspolitikerin Maria Kalesnikawa wurde am Mittwoch aus der "
        "Strafkolonie in Homel auf die Intensivstation gebracht, teilte ihre Schwester mit. "
        "Ärzte operierten ein perforiertes Magengeschwür.",
        published=at(2),
    ),
}
# The same person, the same day, another event.
CONCERT_EN = Item(
    "en-concert",
    "Kolesnikova's flute pieces played at a Berlin benefit concert",
    "Musicians of the Berlin Philharmonic played flute pieces chosen by Maria Kolesnikova "
    "at a Friday evening benefit concert raising 40,000 euros for political prisoners.",
    published=at(1),
)
# The hospital story again, now also naming Viktor Babaryka.
HOSPITAL_RU_BABARYKA = Item(
    "ru-hospital-2",
    "Колесникова в реанимации в Гомеле",
    "В среду Марию Колесникову перевели из гомельской колонии в реанимацию, сообщила "
    "её сестра. Врачи прооперировали прободную язву. Ранее в больницу из колонии "
    "попадал и Виктор Бабарико.",
    published=at(4),
)


@dataclass
class Rig:
    feeds: FeedServer
    hook: WebhookSink
    config: Path
    tmp: Path

    def serve(self, lang: str, *items: Item, tag: str | None = None) -> None:
        language = f"<language>{tag or lang}</language>"
        body = rss(list(items), title=OUTLETS[lang], extra=language)
        self.feeds.route(f"/{lang}.xml", body=body)

    def app(self) -> App:
        app = App(load(str(self.config)), clock=lambda: START, parse_workers=0)
        app.open()
        return app

    def run(self, app: App) -> None:
        app.poll(force=True)
        app.match()
        app.deliver()

    def posts(self, target: str) -> list[Post]:
        return [p for p in self.hook.received if p.path == target]


def write_config(path: Path, db_url: str, feeds: FeedServer, hook: WebhookSink, extra: str) -> Path:
    outlets = "".join(
        f'\n[[feeds]]\nname = "{name}"\nurl = "{feeds.url(f"/{lang}.xml")}"\n'
        for lang, name in OUTLETS.items()
    )
    targets = ", ".join(f'"{hook.apprise_url(t)}"' for t in TARGETS)
    config = path / "config.toml"
    config.write_text(
        f"""
[database]
url = "{db_url}"

[defaults]
backfill = "7d"
{outlets}
[notifiers]
team = [{targets}]

[[watchlists]]
name = "belarus"
names = ["Maria Kolesnikova", "Viktor Babaryka"]
notify = ["team"]
{extra}
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def rig(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[Rig]:
    extra = getattr(request, "param", "")
    with FeedServer() as feeds, WebhookSink() as hook:
        rig = Rig(feeds, hook, write_config(tmp_path, db_url, feeds, hook, extra), tmp_path)
        for lang in OUTLETS:
            rig.serve(lang)
        yield rig


def cli_json(rig: Rig, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["--config", str(rig.config), *args, "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


ALL_ITEMS = (*HOSPITAL.values(), CONCERT_EN, HOSPITAL_RU_BABARYKA)


@pytest.mark.parametrize(
    ("tag", "primary"),
    [("en", "en"), ("en-GB", "en"), ("pl_PL", "pl"), (" RU ", "ru"), ("", None), (None, None)],
)
def test_the_grouper_sees_the_primary_language(tag: str | None, primary: str | None) -> None:
    assert primary_language(tag) == primary


def titles(posts: list[Post]) -> list[str]:
    """The article titles the posts are about (the message title adds the name)."""
    out = []
    for p in posts:
        title = str(p.json["title"])
        out.append(next((i.title for i in ALL_ITEMS if title.endswith(i.title)), title))
    return sorted(out)


def test_three_outlets_one_event_alert_once(rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    for lang, tag in (("en", "en-GB"), ("ru", "ru"), ("pl", "pl-PL")):
        rig.serve(lang, HOSPITAL[lang], tag=tag)
    app = rig.app()
    try:
        rig.run(app)
    finally:
        app.close()
    rig.hook.wait_for(len(TARGETS))
    for target in TARGETS:
        assert titles(rig.posts(target)) == [HOSPITAL["en"].title], target

    stories = cli_json(rig, capsys, "stories")
    assert len(stories) == 1, stories
    story = stories[0]
    assert sorted(story["outlets"]) == sorted(OUTLETS[lang] for lang in ("en", "ru", "pl"))
    assert len(story["articles"]) == 3
    assert story["names"] == ["Maria Kolesnikova"]

    hits = cli_json(rig, capsys, "hits")
    assert len(hits) == 3
    assert {h["story"] for h in hits} == {story["story"]}


def test_two_events_about_one_person_on_one_day_alert_twice(rig: Rig) -> None:
    rig.serve("en", HOSPITAL["en"], CONCERT_EN)
    rig.serve("ru", HOSPITAL["ru"])
    app = rig.app()
    try:
        rig.run(app)
    finally:
        app.close()
    rig.hook.wait_for(2 * len(TARGETS))
    for target in TARGETS:
        assert titles(rig.posts(target)) == sorted([HOSPITAL["en"].title, CONCERT_EN.title])


def test_a_story_gaining_a_watched_name_alerts_for_that_name(rig: Rig) -> None:
    rig.serve("en", HOSPITAL["en"])
    rig.serve("ru", HOSPITAL_RU_BABARYKA)
    app = rig.app()
    try:
        rig.run(app)
        with app.store.read() as s:
            stories = astore.list_stories(s, None, 10)
    finally:
        app.close()
    assert len(stories) == 1 and len(stories[0].articles) == 2, stories
    rig.hook.wait_for(2 * len(TARGETS))
    for target in TARGETS:
        posts = rig.posts(target)
        assert titles(posts) == sorted([HOSPITAL["en"].title, HOSPITAL_RU_BABARYKA.title])
        second = next(p for p in posts if titles([p]) == [HOSPITAL_RU_BABARYKA.title])
        assert "Бабарико" in str(second.json["message"])


@pytest.mark.parametrize("rig", ["followup_after = 2"], indirect=True)
def test_one_followup_lists_the_outlets_that_also_reported(rig: Rig) -> None:
    app = rig.app()
    try:
        # Outlets pick the story up one poll after another.
        for lang in ("en", "ru", "pl", "de"):
            rig.serve(lang, HOSPITAL[lang])
            rig.run(app)
    finally:
        app.close()
    rig.hook.wait_for(2 * len(TARGETS))
    for target in TARGETS:
        posts = rig.posts(target)
        assert len(posts) == 2, [p.json for p in posts]
        first, followup = posts
        assert titles([first]) == [HOSPITAL["en"].title]
        assert "also reported" not in str(first.json["message"]).lower()
        body = str(followup.json["message"])
        # Sent when the third outlet (Polish) carried it: the other two are listed.
        assert "also reported by" in body.lower(), body
        assert OUTLETS["en"] in body and OUTLETS["ru"] in body, body


def test_after_a_restart_a_later_report_joins_the_stored_story(
    rig: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    rig.serve("en", HOSPITAL["en"])
    rig.serve("pl", HOSPITAL["pl"])
    first = rig.app()
    try:
        rig.run(first)
    finally:
        first.close()
    rig.serve("ru", HOSPITAL["ru"])
    second = rig.app()  # a fresh grouper, warmed from the database
    try:
        rig.run(second)
    finally:
        second.close()
    stories = cli_json(rig, capsys, "stories")
    assert len(stories) == 1, stories
    assert len(stories[0]["articles"]) == 3
    rig.hook.wait_for(len(TARGETS))
    assert len(rig.hook.received) == len(TARGETS)
