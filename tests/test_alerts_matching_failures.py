"""Matching fails per article, never per batch (hashtags once stopped it for everyone)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer

from alerts.matching import Match, Matcher, WatchName
from alerts.model import Watchlist
from alerts.pipeline import WatchlistMatcher
from ingest.model import StoredArticle
from newswatch.cli import main

NOW = datetime.now(UTC)


@pytest.mark.parametrize(
    "text",
    ["Snow in #Minsk", "#Minsk", "#", "#FreeBialiatski", "City news #Minsk #StandWithBabaryka"],
)
def test_hashtags_explain_without_error(text: str) -> None:
    m = Matcher.build([WatchName(key="a", name="Ales Bialiatski")])
    m.explain(text)
    m.match("City news #Minsk", text)


def test_a_feed_item_with_a_hashtag_does_not_stop_the_poll(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        Item("a-1", "City news #Minsk", "Snow in #Minsk.", published=NOW),
        Item("a-2", "Court hears Ales Bialiatski", "The appeal was heard.", published=NOW),
    ]
    with FeedServer() as feeds:
        feeds.route("/f.xml", body=rss(items))
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            f"""
[database]
url = "sqlite:///{tmp_path / "nw.db"}"
[[feeds]]
name = "City"
url = "{feeds.url("/f.xml")}"
[notifiers]
console = ["console://"]
[[watchlists]]
name = "people"
names = ["Ales Bialiatski"]
notify = ["console"]
""",
            encoding="utf-8",
        )
        assert main(["--config", str(cfg), "poll", "--no-deliver"]) == 0
        capsys.readouterr()
        assert main(["--config", str(cfg), "hits", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [h["title"] for h in hits] == ["Court hears Ales Bialiatski"]


class _Fragile(Matcher):
    """A matcher with a bug that one text triggers: the seam for the per-article rule."""

    def match_many(self, articles: Sequence[tuple[str, str]]) -> list[list[Match]]:
        if any("\u2620" in t or "\u2620" in s for t, s in articles):
            raise ValueError("cannot handle this text")
        return super().match_many(articles)


def _article(i: int, title: str) -> StoredArticle:
    return StoredArticle(
        id=i, feed_id=1, feed_name="f", identity=str(i), title=title,
        link=f"https://example.org/{i}", summary="", content="",
        published=NOW - timedelta(hours=1), first_seen=NOW,
    )  # fmt: skip


def test_an_article_the_matcher_cannot_handle_fails_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = WatchName(key="Ales Bialiatski", name="Ales Bialiatski")
    matcher = WatchlistMatcher([Watchlist(name="people", names=(name,), targets=())])
    matcher.matcher = _Fragile.build([WatchName(key="people\x1fAles Bialiatski", name=name.name)])
    batch = [_article(1, "Bad \u2620 text"), _article(2, "Court hears Ales Bialiatski")]
    with caplog.at_level("WARNING"):
        found = matcher.hits_many(batch)
    assert found[0] == {}
    assert list(found[1]) == ["people"]
    assert "article=1" in caplog.text and "cannot handle" in caplog.text
