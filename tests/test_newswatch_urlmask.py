"""Secrets in feed and webhook URLs never reach a person or a log in clear: `check`,
`feeds` (table and --json), warnings and -v logs show them masked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import FeedServer

from newswatch.urlmask import mask_text, mask_url

REPO = Path(__file__).resolve().parents[1]
M = "****"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://e.org/feed.xml", "https://e.org/feed.xml"),
        ("https://reader:hunter2@e.org/f.xml", f"https://reader:{M}@e.org/f.xml"),
        ("https://ghp_abc123@e.org/f.xml", f"https://{M}@e.org/f.xml"),
        ("https://e.org/f?token=s3cret&lang=en", f"https://e.org/f?token={M}&lang=en"),
        ("https://e.org/f?api_key=k&page=2", f"https://e.org/f?api_key={M}&page=2"),
        ("https://e.org/f?API-KEY=k", f"https://e.org/f?API-KEY={M}"),
        ("https://e.org/f?apikey=k&access_token=t", f"https://e.org/f?apikey={M}&access_token={M}"),
        ("https://s3.aws/f?X-Amz-Signature=ab12", f"https://s3.aws/f?X-Amz-Signature={M}"),
        ("https://e.org/f?q=tokens&keyword=x", "https://e.org/f?q=tokens&keyword=x"),
        (
            "https://e.org/news/2024/belarus-politics-world",
            "https://e.org/news/2024/belarus-politics-world",
        ),
    ],
)
def test_feed_url_secrets_are_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("json://h:9/hooks/AbCdEf0123456789xyzXYZ", f"json://h:9/hooks/{M}"),
        (
            "https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/abcdefghij0123456789ABCD",
            f"https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/{M}",
        ),
        ("json://h/hook/d2719c1e-8c9f-4d4e-b3b5-5ad4ec3f7b1a", f"json://h/hook/{M}"),
        ("json://h/incoming/webhook", "json://h/incoming/webhook"),
    ],
)
def test_webhook_path_tokens_are_masked(url: str, shown: str) -> None:
    assert mask_url(url, path_tokens=True) == shown


def test_urls_in_free_text_are_masked() -> None:
    text = "Cannot connect to https://u:pw@e.org/f?token=t (refused); see http://e.org/help"
    assert mask_text(text) == (
        f"Cannot connect to https://u:{M}@e.org/f?token={M} (refused); see http://e.org/help"
    )


SECRETS = ("hunter2", "s3cr3t-tok", "k3y-v4lue", "AbCdEf0123456789xyzXYZ")


def run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "--config", str(config), *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_secret_in_check_feeds_warnings_or_verbose_logs(tmp_path: Path) -> None:
    # Refused, so the fetcher's -v line and the poller's warning both name the URL.
    feed = FeedServer.closed_port_url("/f.xml").replace("://", "://reader:hunter2@")
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[database]
url = "sqlite:///{tmp_path / "nw.db"}"

[[feeds]]
name = "Private"
url = "{feed}?token=s3cr3t-tok&api_key=k3y-v4lue"

[notifiers]
chat = ["json://127.0.0.1:9/hooks/AbCdEf0123456789xyzXYZ"]

[[watchlists]]
name = "w"
names = ["Ales Bialiatski"]
notify = ["chat"]
""",
        encoding="utf-8",
    )
    check = run(config, "check")
    poll = run(config, "-v", "poll", "--no-deliver")
    table = run(config, "feeds")
    as_json = run(config, "feeds", "--json")
    assert check.returncode == 0, check.stderr
    assert "reader:****@" in check.stdout and "hooks/****" in check.stdout
    assert "token=****" in as_json.stdout and "api_key=****" in as_json.stdout
    assert "feed error" in poll.stderr and "fetch failed" in poll.stderr  # warnings and -v
    for out in (check, poll, table, as_json):
        seen = out.stdout + out.stderr
        assert [s for s in SECRETS if s in seen] == [], seen
