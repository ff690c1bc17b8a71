"""The story index follows the database: a batch that rolls back after creating a story
leaves no trace in memory, and a poll that brings nothing new never reads the window.

Real things only: loopback feeds, the real matcher and grouper, SQLite and PostgreSQL,
and a database trigger that fails the batch the way a lost connection would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sqlalchemy import text

from alerts import storage as astore
from ingest.errors import StoreError
from newswatch.app import App
from newswatch.config import load

START = datetime.now(UTC).replace(microsecond=0)

FIRST = Item(
    "en-hospital",
    "Maria Kolesnikova taken to intensive care in Homel",
    "Jailed opposition politician Maria Kolesnikova was moved from the Homel penal "
    "colony to an intensive care unit on Wednesday, her sister said; doctors operated "
    "on a perforated ulcer.",
    published=START - timedelta(hours=3),
)
SECOND = Item(
    "ru-hospital",
    "Марию Колесникову перевели в реанимацию в Гомеле",
    "В среду Марию Колесникову перевели из гомельской колонии в реанимацию, сообщила "
    "её сестра. Врачи прооперировали прободную язву.",
    published=START - timedelta(hours=2),
)

# A batch failing after its story row was written: the hits come after the story.
FAIL_HITS = {
    "sqlite": [
        "CREATE TRIGGER fail_hits BEFORE INSERT ON hits BEGIN SELECT RAISE(ABORT, 'injected'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION fail_hits() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected'; "
        "END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER fail_hits BEFORE INSERT ON hits FOR EACH ROW EXECUTE FUNCTION fail_hits()",
    ],
}
HEAL = {
    "sqlite": ["DROP TRIGGER fail_hits"],
    "postgresql": ["DROP TRIGGER fail_hits ON hits", "DROP FUNCTION fail_hits()"],
}


@dataclass
class Rig:
    feeds: FeedServer
    config: Path

    def serve(self, *items: Item) -> None:
        self.feeds.route("/feed.xml", body=rss(list(items), title="Outlet"), etag=f'"{len(items)}"')

    def app(self) -> App:
        app = App(load(str(self.config)), clock=lambda: START, parse_workers=0)
        app.open()
        return app


@pytest.fixture
def rig(tmp_path: Path, db_url: str) -> Iterator[Rig]:
    with FeedServer() as feeds:
        config = tmp_path / "config.toml"
        config.write_text(
            f"""
[database]
url = "{db_url}"

[[feeds]]
name = "outlet"
url = "{feeds.url("/feed.xml")}"

[notifiers]
team = ["json://127.0.0.1:9/hook"]

[[watchlists]]
name = "belarus"
names = ["Maria Kolesnikova"]
notify = ["team"]
""",
            encoding="utf-8",
        )
        yield Rig(feeds, config)


def run_sql(app: App, statements: list[str]) -> None:
    with app.store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def stories(app: App) -> list[tuple[int, tuple[int, ...]]]:
    with app.store.read() as s:
        return [
            (st.id, tuple(a for a, _, _, _ in st.articles))
            for st in astore.list_stories(s, None, None)
        ]


def test_a_batch_rolled_back_after_creating_a_story_leaves_the_index_clean(
    rig: Rig, db_url: str
) -> None:
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    rig.serve(FIRST)
    app = rig.app()
    try:
        app.poll(force=True)
        run_sql(app, FAIL_HITS[backend])
        with pytest.raises(StoreError, match="injected"):
            app.match()
        assert stories(app) == []
        assert len(app.grouper) == 0  # the rolled-back story is not in memory either

        run_sql(app, HEAL[backend])
        assert app.match().articles == 1  # the same batch again: no foreign-key error
        rig.serve(FIRST, SECOND)
        app.poll(force=True)
        assert app.match().articles == 1
        [(_, members)] = stories(app)
        assert len(members) == 2  # the later report joined the stored story
        assert len(app.grouper) == 2
    finally:
        app.close()


def test_a_poll_that_brings_nothing_new_never_reads_the_story_window(rig: Rig) -> None:
    rig.serve(FIRST, SECOND)
    first = rig.app()
    try:
        first.poll(force=True)
        first.match()
        assert len(stories(first)) == 1
    finally:
        first.close()
    restarted = rig.app()
    try:
        report = restarted.poll(force=True)  # the feed answers 304
        assert restarted.match().articles == 0
        assert report is not None
        assert not restarted.grouper.loaded
    finally:
        restarted.close()


def test_only_articles_naming_a_watched_person_are_placed(rig: Rig) -> None:
    unrelated = Item(
        "en-weather",
        "Snow expected in Minsk on Wednesday",
        "Forecasters expect heavy snow across the Minsk region on Wednesday night.",
        published=START - timedelta(hours=1),
    )
    rig.serve(FIRST, unrelated)
    app = rig.app()
    try:
        app.poll(force=True)
        assert app.match().articles == 2
        [(_, members)] = stories(app)
        assert len(members) == 1
        assert len(app.grouper) == 1
    finally:
        app.close()


def test_two_instances_on_one_database_put_one_event_in_one_story(rig: Rig) -> None:
    """Two daemons share a database: each holds a story index warmed before the other
    placed anything, and the second report joins the story the other instance opened."""
    unrelated = Item(
        "en-weather",
        "Maria Kolesnikova's sister opens a bakery in Vilnius",
        "The bakery on Pylimo street sells rye bread from Belarus.",
        published=START - timedelta(hours=5),
    )
    rig.serve(unrelated)
    first, second = rig.app(), rig.app()
    try:
        first.poll(force=True)
        first.match()
        assert len(second.grouper) == 1  # warmed now, before the event's first report
        rig.serve(unrelated, FIRST)
        first.poll(force=True)
        first.match()
        rig.serve(unrelated, FIRST, SECOND)
        second.poll(force=True)
        assert second.match().articles == 1
        assert sorted(len(members) for _, members in stories(second)) == [1, 2]
        assert len(second.grouper) == 3  # the other's placement, absorbed once
        assert second.match().articles == 0
        assert len(second.grouper) == 3
    finally:
        first.close()
        second.close()
