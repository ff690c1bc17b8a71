"""`newswatch hits` says what became of each hit: alerted, held, folded, stored (#16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink

from alerts.model import Hit, HitView
from alerts.storage.hitstates import HitDeliveries
from newswatch.cli import main
from newswatch.hitstate import hit_state

T = datetime(2025, 12, 10, 9, tzinfo=UTC)


def hit(watchlist: str = "people", article: int = 1, story: int | None = 7) -> HitView:
    return HitView(
        id=1,
        watchlist=watchlist,
        hit=Hit("Ales Bialiatski", "Bialiatski", "title", "", 0, 0),
        article_id=article,
        url="https://example.org/a",
        title="t",
        feed="f",
        published=T,
        first_seen=T,
        story=story,
    )


def seen(
    article: tuple[str, ...] = (), story: tuple[str, ...] = (), digest: datetime | None = None
) -> HitDeliveries:
    return HitDeliveries(
        {("people", 1): article} if article else {},
        {("people", 7): story} if story else {},
        {"people": digest} if digest else {},
    )


@pytest.mark.parametrize(
    ("case", "deliveries", "digest_mode", "state"),
    [
        ("sent alone", seen(article=("sent",)), False, "alerted"),
        ("one target sent, one failed", seen(article=("failed", "sent")), False, "alerted"),
        ("in the outbox", seen(article=("pending",)), False, "pending"),
        ("quiet hours", seen(article=("held",)), False, "held"),
        ("undeliverable", seen(article=("failed",)), False, "failed"),
        ("another report alerted", seen(story=("sent",)), False, "folded into story 7"),
        ("backlog or nobody notified", seen(), False, "stored"),
        ("digest not sent yet", seen(), True, "held"),
        ("digest sent since", seen(digest=T + timedelta(hours=1)), True, "alerted"),
        ("digest sent before", seen(digest=T - timedelta(hours=1)), True, "held"),
    ],
)
def test_hit_state(case: str, deliveries: HitDeliveries, digest_mode: bool, state: str) -> None:
    digests = {"people"} if digest_mode else set()
    assert hit_state(hit(), deliveries, digests) == state


CONFIG = """
[database]
url = "sqlite:///{db}"

[[feeds]]
name = "Outlet"
url = "{feed}"

[notifiers]
chat = ["{hook}"]

[[watchlists]]
name = "people"
names = ["Ales Bialiatski"]
notify = ["chat"]
"""


def test_hits_table_shows_alerted_and_backlog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    items = [
        Item("new", "Bialiatski moved to Gomel", "Ales Bialiatski was moved.", published=now),
        Item(
            "old",
            "Archive: Bialiatski arrested in Minsk",
            "Ales Bialiatski, founder of Viasna, was detained.",
            published=now - timedelta(days=400),
        ),
    ]
    with FeedServer() as server, WebhookSink() as hook:
        feed = server.route("/f.xml", body=rss(items))
        config = tmp_path / "config.toml"
        config.write_text(CONFIG.format(db=tmp_path / "nw.db", feed=feed, hook=hook.apprise_url()))
        assert main(["--config", str(config), "poll"]) == 0
        assert len(hook.wait_for(1)) == 1
        capsys.readouterr()
        assert main(["--config", str(config), "hits"]) == 0
    lines = capsys.readouterr().out.splitlines()
    new = next(ln for ln in lines if "Gomel" in ln)
    old = next(ln for ln in lines if "Archive" in ln)
    assert " alerted " in new and " stored " in old, lines
