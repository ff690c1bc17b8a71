"""`newswatch extract URL [URL ...] [--json]`: what a user debugging a feed's pages sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feedserver import FeedServer
from test_ingest_pages import ARTICLE

from newswatch.cli import main


def config(tmp_path: Path, defaults: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/n.db"\n[defaults]\n{defaults}\n')
    return str(path)


def test_extract_json_lines_carry_the_contract_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FeedServer() as srv:
        a = srv.route("/a", body=ARTICLE, headers={"Content-Type": "text/html"})
        b = srv.route(
            "/b", body=ARTICLE.replace(b"lang='be'", b""), headers={"Content-Type": "text/html"}
        )
        code = main(["extract", a, b, "--json", "--config", config(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    rows = [json.loads(line) for line in out]
    assert [r["url"] for r in rows] == [a, b]
    assert set(rows[0]) == {"url", "title", "text", "lang", "published"}
    assert "Алесь Бяляцкі" in rows[0]["text"]
    assert rows[0]["lang"] == "be" and rows[1]["lang"] is None
    assert rows[0]["published"] is None  # the page states no date


def test_extract_prints_text_and_reports_each_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FeedServer() as srv:
        good = srv.route("/a", body=ARTICLE, headers={"Content-Type": "text/html"})
        srv.route("/robots.txt", body=b"User-agent: *\nDisallow: /private\n")
        private = srv.route("/private", body=ARTICLE, headers={"Content-Type": "text/html"})
        code = main(["extract", good, private, "--config", config(tmp_path)])
        hits = srv.hits("/private")
    captured = capsys.readouterr()
    assert code == 1
    assert "Алесь Бяляцкі" in captured.out
    assert f"error: {private}: forbidden by robots.txt" in captured.err
    assert hits == 0


def test_extract_with_robots_off_reads_what_robots_txt_forbids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FeedServer() as srv:
        srv.route("/robots.txt", body=b"User-agent: *\nDisallow: /\n")
        url = srv.route("/a", body=ARTICLE, headers={"Content-Type": "text/html"})
        code = main(["extract", url, "--config", config(tmp_path, "robots = false")])
    assert code == 0
    assert "Алесь Бяляцкі" in capsys.readouterr().out


def test_extract_rejects_a_non_http_url(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["extract", "file:///etc/passwd", "--config", config(tmp_path)]) == 2
    assert "is not an http(s) URL" in capsys.readouterr().err
