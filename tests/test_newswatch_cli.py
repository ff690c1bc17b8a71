"""CLI contracts: explain and rematch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink

from newswatch.cli import main

NOW = datetime.now(UTC)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("Ales Bialiatski", "Суд над Алесем Бяляцким отложен", 0),
        ("Ales Bialiatski", "Białacki został przewieziony do kolonii", 0),
        ("Maria Kolesnikova", "Hockey player Kolesnikov scored twice", 1),
        ("Viktor Babaryka", "Eduard Babaryka was sentenced", 1),
    ],
)
def test_explain_text_says_whether_and_why(
    capsys: pytest.CaptureFixture[str], name: str, text: str, code: int
) -> None:
    got, out = run(capsys, "explain", name, "--text", text)
    assert got == code
    assert ("NO MATCH" in out) == (code == 1)
    assert out.strip()


def test_explain_lists_accepted_forms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "explain", "Ales Bialiatski")
    assert code == 0
    assert "forms" in out.splitlines()[0]
    assert len(out.splitlines()) > 5


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
names = [{names}]
notify = ["chat"]
"""


def test_rematch_adds_and_alerts_only_new_hits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        Item("a", "Bialiatski transferred", "Ales Bialiatski was moved.", published=NOW),
        Item("b", "Kolesnikova letter published", "Maria Kolesnikova wrote.", published=NOW),
    ]
    with FeedServer() as feeds, WebhookSink() as hook:
        feeds.route("/f.xml", body=rss(items))
        config = tmp_path / "config.toml"

        def write(names: str) -> None:
            config.write_text(
                CONFIG.format(
                    db=tmp_path / "n.db",
                    feed=feeds.url("/f.xml"),
                    hook=hook.apprise_url(),
                    names=names,
                ),
                encoding="utf-8",
            )

        write('"Ales Bialiatski"')
        assert run(capsys, "--config", str(config), "poll")[0] == 0
        assert len(hook.wait_for(1)) == 1

        write('"Ales Bialiatski", "Maria Kolesnikova"')
        code, out = run(capsys, "--config", str(config), "rematch", "--since", "1d")
        assert code == 0 and "1 new hit," in out
        posts = hook.wait_for(2)
        assert "Kolesnikova" in posts[1].json["title"]

        code, out = run(capsys, "--config", str(config), "rematch")
        assert "0 new hits" in out
        code, out = run(capsys, "--config", str(config), "hits", "--json")
        names = sorted(json.loads(line)["name"] for line in out.splitlines())
        assert names == ["Ales Bialiatski", "Maria Kolesnikova"]
    assert len(hook.received) == 2
