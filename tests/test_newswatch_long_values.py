"""What feeds send has no length limit in storage (an over-long xml:lang, ETag,
Last-Modified, title or guid used to fail every poll of its feed on PostgreSQL), and
configured values too long for their columns are config errors at load."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer

from ingest import storage as istore
from newswatch.app import App
from newswatch.cli import main
from newswatch.config import ConfigError, load

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LANG = "en-" + "-".join(["abcdefgh"] * 7)[:60]  # 63 characters, as BCP 47 extensions allow
ETAG = '"' + "e" * 2998 + '"'
LAST_MODIFIED = "Mon, 02 Mar 2026 08:00:00 GMT; " + "x" * 269
CYRILLIC_GUID = "тэг:" + "б" * 1600  # 3,208 bytes: over PostgreSQL's B-tree entry limit


def test_a_feed_with_over_long_values_is_stored_and_polled_conditionally(
    tmp_path: Path, db_url: str
) -> None:
    assert len(LANG) == 63 and len(ETAG) == 3000 and len(LAST_MODIFIED) == 300
    items = [
        Item("g1", "Long " + "word " * 2000, "Report.", published=NOW),
        Item(CYRILLIC_GUID, "Cyrillic guid", "Report.", published=NOW),
        Item(CYRILLIC_GUID[:-1] + "в", "Cyrillic guid, its last letter differs", published=NOW),
    ]
    with FeedServer() as feeds:
        body = rss(items, title="T" * 3000, extra=f"<language>{LANG}</language>")
        feeds.route("/f.xml", body=body, etag=ETAG, last_modified=LAST_MODIFIED)
        config = tmp_path / "config.toml"
        config.write_text(
            f'[database]\nurl = "{db_url}"\n\n[[feeds]]\nname = "Outlet"\n'
            f'url = "{feeds.url("/f.xml")}"\n',
            encoding="utf-8",
        )
        app = App(load(str(config)), clock=lambda: NOW, parse_workers=0)
        app.open()
        try:
            app.poll(force=True)
            app.poll(force=True)
            with app.store.read() as s:
                [status] = istore.feed_statuses(s, NOW)
                stored = istore.articles_since(s, NOW)
        finally:
            app.close()
        conditional = feeds.requests[-1].headers
    assert status.status == "not modified" and status.error_count == 0, status.last_error
    assert status.articles == 3
    assert {a.language for a in stored} == {LANG}
    assert conditional.get("If-None-Match") == ETAG  # sent back whole, so the 304 works


@pytest.mark.parametrize(
    ("label", "identity", "kept"),
    [
        ("a short guid is kept", "https://e.org/1", True),
        ("2,000 ASCII characters are kept", "a" * 2000, True),
        ("longer ASCII is cut at 2,000, as before", "a" * 2500, False),
        ("1,000 Cyrillic letters fit", "б" * 1000, True),
    ],
)
def test_stored_identities_fit_the_index(label: str, identity: str, kept: bool) -> None:
    stored = istore.stored_identity(identity)
    assert (stored == identity) is kept, label
    assert len(stored.encode()) <= istore.IDENTITY_MAX_BYTES
    assert istore.stored_identity(identity) == stored  # stable across polls


def test_over_long_identities_stay_distinct() -> None:
    a, b = CYRILLIC_GUID, CYRILLIC_GUID[:-1] + "в"
    assert istore.stored_identity(a) != istore.stored_identity(b)
    assert len(istore.stored_identity(a).encode()) <= istore.IDENTITY_MAX_BYTES


def _config(tmp_path: Path, feed_url: str, notifier: str, watchlist: str, person: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[[feeds]]
url = "{feed_url}"

[notifiers]
"{notifier}" = ["json://127.0.0.1:9/hook"]

[[watchlists]]
name = "{watchlist}"
names = ["{person}"]
notify = ["{notifier}"]
""",
        encoding="utf-8",
    )
    return config


OK = ("https://e.org/f.xml", "chat", "belarus", "Ales Bialiatski")


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        (0, "https://e.org/" + "p" * 2000, "feeds[0].url"),
        (0, "https://e.org/" + "ж" * 1000, "feeds[0].url"),  # 2,014 bytes
        (1, "n" * 101, "notifiers.nnnn"),
        (2, "w" * 101, "watchlists[0].name"),
        (3, "Ales " + "B" * 500, "watchlists[0].names[0]"),
    ],
)
def test_configured_values_too_long_for_the_database_fail_at_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: int, value: str, where: str
) -> None:
    values = list(OK)
    values[field] = value
    config = _config(tmp_path, *values)
    with pytest.raises(ConfigError) as e:
        load(str(config))
    [problem] = e.value.problems
    assert problem.startswith(where) and "at most" in problem
    assert main(["--config", str(config), "check"]) == 2
    err = capsys.readouterr().err
    assert where in err and "Traceback" not in err


def test_values_at_their_limits_load(tmp_path: Path) -> None:
    load(str(_config(tmp_path, "https://e.org/" + "p" * 1986, "n" * 100, "w" * 100, "A" * 500)))
