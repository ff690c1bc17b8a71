"""SIGHUP's reload, in process: feeds, watchlists, notifiers and delivery modes follow
the re-read file at once; an invalid file is refused with `check`'s messages and the
running config stays; what needs a restart is said so."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest import storage as istore
from ingest.model import StoredArticle
from newswatch.app import App
from newswatch.config import load
from newswatch.daemon import reload_config

BASE = """
[database]
url = "sqlite:///{db}"

[[feeds]]
name = "One"
url = "http://127.0.0.1:9/one.xml"

[notifiers]
chat = ["json://127.0.0.1:9/hook"]
{extra}
[[watchlists]]
name = "belarus"
names = ["Maria Kolesnikova"]
notify = ["chat"]
{watchlists}
"""


def write(path: Path, db: Path, extra: str = "", watchlists: str = "") -> None:
    path.write_text(BASE.format(db=db, extra=extra, watchlists=watchlists), encoding="utf-8")


def article(title: str) -> StoredArticle:
    now = datetime.now(UTC)
    return StoredArticle(
        id=1,
        feed_id=1,
        feed_name="One",
        identity="x",
        title=title,
        link=None,
        summary="",
        content="",
        published=now,
        first_seen=now,
    )


@pytest.fixture
def app(tmp_path: Path) -> App:
    config = tmp_path / "config.toml"
    write(config, tmp_path / "n.db")
    a = App(load(str(config)), parse_workers=0)
    a.open()
    return a


def test_reload_takes_new_feeds_watchlists_notifiers_and_modes(app: App, tmp_path: Path) -> None:
    config = Path(app.settings.path)
    write(
        config,
        tmp_path / "n.db",
        extra='mail = ["json://127.0.0.1:9/mail"]\n\n[[feeds]]\nname = "Two"\n'
        'url = "http://127.0.0.1:9/two.xml"\n',
        watchlists='\n[[watchlists]]\nname = "lithuania"\nnames = ["Viktor Babaryka"]\n'
        'notify = ["mail"]\nmode = "digest"\nschedule = "daily 08:00"\n',
    )
    assert reload_config(app)
    with app.store.read() as s:
        assert {f.name for f in istore.feed_statuses(s, app.clock())} == {"One", "Two"}
    lithuania = app.policy.watchlist("lithuania")
    assert lithuania is not None and lithuania.mode == "digest"
    assert [t.notifier for t in lithuania.targets] == ["mail"]
    assert app.matcher.hits(article("Viktor Babaryka speaks")) != {}
    assert app.deliverer.policy is app.policy
    app.close()


def test_an_invalid_file_is_refused_and_the_running_config_kept(
    app: App, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = app.settings
    Path(app.settings.path).write_text(
        BASE.format(db=tmp_path / "n.db", extra="", watchlists="").replace(
            'notify = ["chat"]', 'notify = ["nobody"]'
        ),
        encoding="utf-8",
    )
    with caplog.at_level(logging.ERROR):
        assert not reload_config(app)
    assert 'watchlists[0].notify[0]: "nobody" is not a notifier in [notifiers] (chat)' in (
        caplog.text
    )
    assert app.settings is before
    assert app.matcher.hits(article("Maria Kolesnikova speaks")) != {}
    app.close()


def test_what_needs_a_restart_is_named(app: App, tmp_path: Path) -> None:
    text = Path(app.settings.path).read_text(encoding="utf-8")
    Path(app.settings.path).write_text(
        text.replace(str(tmp_path / "n.db"), str(tmp_path / "other.db")).replace(
            "[[feeds]]", '[defaults]\ntimeout = "5s"\ninterval = "1h"\n\n[[feeds]]', 1
        )
        + '\n[web]\nlisten = "127.0.0.1:8099"\n',
        encoding="utf-8",
    )
    notes = app.reload(load(app.settings.path))
    assert notes == [
        "[database] url changes take effect on restart",
        "[web] changes take effect on restart",
        "[defaults] timeout take effect on restart",  # an interval is taken at once
    ]
    assert app.settings.database_url.endswith("n.db")
    assert app.settings.web.listen is None
    app.close()


KINDS = """
[[feeds]]
name = "Channel"
url = "https://t.me/s/example_channel"
kind = "telegram"

[[feeds]]
name = "Short"
url = "http://127.0.0.1:9/short.xml"
fulltext = "never"
"""


@pytest.mark.parametrize("change", ["nothing", "a feed added"])
def test_a_reload_keeps_each_feeds_kind_and_fulltext_mode(tmp_path: Path, change: str) -> None:
    config, db = tmp_path / "config.toml", tmp_path / "n.db"
    write(config, db, extra=KINDS)
    app = App(load(str(config)), parse_workers=0)
    app.open()
    added = '\n[[feeds]]\nname = "Two"\nurl = "http://127.0.0.1:9/two.xml"\n'
    write(config, db, extra=KINDS + (added if change == "a feed added" else ""))
    assert reload_config(app)
    with app.store.batch() as s:
        due = istore.claim_due(
            s, app.clock(), lease_s=app.poller.settings.lease_s, owner="t", limit=10, force=True
        )
    modes = {f.name: (f.kind, f.fulltext) for f in due}
    app.close()
    assert modes["Channel"] == ("telegram", "auto")
    assert modes["Short"] == ("feed", "never")
    assert modes["One"] == ("feed", "auto")
