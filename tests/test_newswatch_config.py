"""config.toml validation: the documented shape loads; every broken config says why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.config import ConfigError, load

REPO = Path(__file__).resolve().parents[1]

MINIMAL = """
[database]
url = "sqlite:///newswatch.db"

[defaults]
interval = "15m"

[[feeds]]
name = "Example"
url = "https://example.org/rss.xml"
interval = "5m"

[notifiers]
team = ["mailto://user:pass@example.org?to=desk@example.org", "json://127.0.0.1:8080/hook"]

[[watchlists]]
name = "belarus"
names = ["Ales Bialiatski", "Viktor Babaryka"]
notify = ["team"]
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_documented_minimal_config_loads(tmp_path: Path) -> None:
    s = load(write(tmp_path, MINIMAL), environ={})
    assert s.database_url == "sqlite:///newswatch.db"
    assert s.defaults.interval_s == 900
    assert s.feeds[0].interval_s == 300
    assert s.notifiers[0].urls[1] == "json://127.0.0.1:8080/hook"
    assert [n.name for n in s.watchlists[0].names] == ["Ales Bialiatski", "Viktor Babaryka"]


def test_the_bundled_config_loads() -> None:
    s = load(str(REPO / "config.toml"), environ={})
    assert len(s.feeds) >= 12
    names = {n.name for w in s.watchlists for n in w.names}
    assert {"Ales Bialiatski", "Viktor Babaryka", "Maria Kolesnikova"} <= names


def test_env_vars_expand_in_any_string(tmp_path: Path) -> None:
    text = MINIMAL.replace("user:pass", "${SMTP_USER}:${SMTP_PASS}")
    s = load(write(tmp_path, text), environ={"SMTP_USER": "u", "SMTP_PASS": "s3cret"})
    assert s.notifiers[0].urls[0].startswith("mailto://u:s3cret@")


def test_name_tables_and_options(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        'names = ["Ales Bialiatski", "Viktor Babaryka"]',
        'names = ["Ales Bialiatski", {name = "Viktor Babaryka", aliases = ["Babaryka"], '
        'exclude = ["Eduard Babaryka"], variants = false}]\nmode = "digest"\n'
        'schedule = "daily 08:00"\nquiet_hours = "22:00-07:00"',
    )
    s = load(write(tmp_path, text), environ={})
    w = s.watchlists[0]
    assert w.names[1].exclude == ("Eduard Babaryka",)
    assert w.names[1].variants is False
    assert w.mode == "digest"
    assert w.quiet_hours == ((22, 0), (7, 0))


BROKEN = [
    ("unknown top-level key", MINIMAL + "\n[extra]\nx = 1\n", "extra: unknown key"),
    (
        "unknown feed key",
        MINIMAL.replace('interval = "5m"', 'interval = "5m"\nurll = "x"'),
        "feeds[0].urll: unknown key",
    ),
    (
        "bad duration",
        MINIMAL.replace('interval = "5m"', 'interval = "5 minutes"'),
        'feeds[0].interval: "5 minutes" is not a duration like',
    ),
    (
        "duration not a string",
        MINIMAL.replace('interval = "15m"', "interval = 15"),
        "defaults.interval: 15 must be a duration string",
    ),
    (
        "feed without url",
        MINIMAL.replace('url = "https://example.org/rss.xml"', ""),
        "feeds[0].url: is required",
    ),
    (
        "feed url not http",
        MINIMAL.replace("https://example.org/rss.xml", "ftp://example.org/rss.xml"),
        'feeds[0].url: "ftp://example.org/rss.xml" is not an http(s) URL',
    ),
    (
        "unknown notifier",
        MINIMAL.replace('notify = ["team"]', 'notify = ["tema"]'),
        'watchlists[0].notify[0]: "tema" is not a notifier in [notifiers] (team)',
    ),
    (
        "notifier url without scheme",
        MINIMAL.replace('"json://127.0.0.1:8080/hook"', '"127.0.0.1:8080/hook"'),
        'notifiers.team[1]: "127.0.0.1:8080/hook" is not an Apprise URL',
    ),
    (
        "names missing",
        MINIMAL.replace('names = ["Ales Bialiatski", "Viktor Babaryka"]', ""),
        "watchlists[0].names: is required",
    ),
    (
        "names empty",
        MINIMAL.replace('["Ales Bialiatski", "Viktor Babaryka"]', "[]"),
        "watchlists[0].names: a list must be a non-empty list of names",
    ),
    (
        "name of wrong type",
        MINIMAL.replace('"Viktor Babaryka"]', "42]"),
        "watchlists[0].names[1]: 42 must be a string or a table",
    ),
    (
        "unknown name key",
        MINIMAL.replace('"Viktor Babaryka"]', '{name = "Viktor Babaryka", alias = ["x"]}]'),
        "watchlists[0].names[1].alias: unknown key",
    ),
    (
        "bad mode",
        MINIMAL.replace('notify = ["team"]', 'notify = ["team"]\nmode = "weekly"'),
        'watchlists[0].mode: "weekly" must be "instant" or "digest"',
    ),
    (
        "digest without schedule",
        MINIMAL.replace('notify = ["team"]', 'notify = ["team"]\nmode = "digest"'),
        'watchlists[0].schedule: is required when mode = "digest"',
    ),
    (
        "bad schedule",
        MINIMAL.replace('notify = ["team"]', 'notify = ["team"]\nschedule = "every tuesday"'),
        'watchlists[0].schedule: "every tuesday" is not a schedule',
    ),
    (
        "bad quiet hours",
        MINIMAL.replace('notify = ["team"]', 'notify = ["team"]\nquiet_hours = "22-7"'),
        'watchlists[0].quiet_hours: "22-7" is not a time range like "22:00-07:00"',
    ),
    (
        "bad timezone",
        MINIMAL.replace('interval = "15m"', 'interval = "15m"\ntimezone = "Mars/Olympus"'),
        'defaults.timezone: "Mars/Olympus" is not an IANA time zone name',
    ),
    (
        "bad backfill",
        MINIMAL.replace('interval = "15m"', 'interval = "15m"\nbackfill = "forever"'),
        'defaults.backfill: "forever" is not a duration',
    ),
    (
        "missing env var",
        MINIMAL.replace("user:pass", "${NO_SUCH_VAR_FOR_NEWSWATCH}"),
        "notifiers.team[0]: environment variable ${NO_SUCH_VAR_FOR_NEWSWATCH} is not set",
    ),
    (
        "duplicate feed url",
        MINIMAL + '\n[[feeds]]\nname = "Again"\nurl = "https://example.org/rss.xml"\n',
        'feeds[1].url: "https://example.org/rss.xml" repeats feeds[0].url',
    ),
    (
        "bad template",
        MINIMAL.replace('notify = ["team"]', 'notify = ["team"]\ntemplate_body = "{{ title "'),
        "watchlists[0].template_body:",
    ),
    (
        "template with an unknown variable",
        MINIMAL.replace('notify = ["team"]', 'notify = ["team"]\ntemplate_title = "{{ nope.x }}"'),
        'watchlists[0].template_title: "{{ nope.x }}" is not a valid template: UndefinedError',
    ),
    (
        "bad rate limit",
        MINIMAL.replace('team = ["mailto', 'team = { rate_limit = "lots", urls = ["mailto').replace(
            '8080/hook"]', '8080/hook"] }'
        ),
        'notifiers.team.rate_limit: "lots" is not a rate like "20/h"',
    ),
    (
        "an Apprise URL Apprise cannot load, shown masked",
        MINIMAL.replace("json://127.0.0.1:8080/hook", "discord://s3cr3t-webhook-token"),
        'notifiers.team[1]: "discord://…" Apprise cannot load this URL',
    ),
    (
        "an unknown Apprise scheme",
        MINIMAL.replace("json://127.0.0.1:8080/hook", "nosuchservice://user:hunter2@host"),
        'notifiers.team[1]: "nosuchservice://…" Apprise cannot load this URL',
    ),
    (
        "an absurd interval",
        MINIMAL.replace('interval = "5m"', 'interval = "100000000000000000000000000d"'),
        'feeds[0].interval: "100000000000000000000000000d" is longer than 10 years',
    ),
    (
        "an absurd default",
        MINIMAL.replace('interval = "15m"', 'interval = "15m"\nmax_backoff = "99999d"'),
        'defaults.max_backoff: "99999d" is longer than 10 years',
    ),
    (
        "an absurd notifier timeout",
        MINIMAL.replace('team = ["mailto', 'team = { timeout = "0s", urls = ["mailto').replace(
            '8080/hook"]', '8080/hook"] }'
        ),
        'notifiers.team.timeout: "0s" must be longer than zero',
    ),
    (
        "a name of punctuation only",
        MINIMAL.replace('"Viktor Babaryka"]', '"Viktor Babaryka", "-- !!"]'),
        'watchlists[0].names[2]: "-- !!" has no letter or digit, so it can never match',
    ),
    (
        "an alias of symbols only",
        MINIMAL.replace('"Viktor Babaryka"]', '{ name = "Viktor Babaryka", aliases = ["★★"] }]'),
        'watchlists[0].names[1].aliases[0]: "★★" has no letter or digit',
    ),
    (
        "a control character in a watchlist name",
        MINIMAL.replace('name = "belarus"', 'name = "bela\\nrus"'),
        'watchlists[0].name: "bela\\nrus" contains the control character U+000A',
    ),
    (
        "a zero-width character in a watchlist name",
        MINIMAL.replace('name = "belarus"', 'name = "bela\\u200brus"'),
        'watchlists[0].name: "bela\\u200brus" contains the invisible character U+200B',
    ),
    (
        "an escape sequence in a watched name",
        MINIMAL.replace('"Viktor Babaryka"]', '"Viktor \\u001b[2JBabaryka"]'),
        'watchlists[0].names[1]: "Viktor \\x1b[2JBabaryka" contains the control character',
    ),
    (
        "a control character in a feed name",
        MINIMAL.replace('name = "Example"', 'name = "Exa\\u0007mple"'),
        'feeds[0].name: "Exa\\x07mple" contains the control character U+0007',
    ),
    (
        "an unknown database scheme",
        MINIMAL.replace("sqlite:///newswatch.db", "mongodb://admin:hunter2@db/news"),
        'database.url: "mongodb://admin:***@db/news" has an unknown scheme "mongodb"',
    ),
    (
        "not a database URL",
        MINIMAL.replace("sqlite:///newswatch.db", "newswatch.db"),
        "database.url: is not a database URL like sqlite:///newswatch.db",
    ),
    ("not TOML", "[database\nurl=", "invalid TOML"),
    (
        "zero concurrency",
        MINIMAL.replace('interval = "15m"', 'interval = "15m"\nconcurrency = 0'),
        "defaults.concurrency: 0 must be a whole number ≥ 1",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_configs_name_file_key_and_value(
    tmp_path: Path, case: str, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load(path, environ={})
    message = str(info.value)
    assert expected in message, message
    assert message.startswith(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load(str(tmp_path / "nope.toml"), environ={})


def test_cli_reports_config_errors_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace('interval = "5m"', 'interval = "5 minutes"'))
    done = subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "--config", path, "poll"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert f'{path}: feeds[0].interval: "5 minutes"' in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "newswatch.db").exists()  # nothing written


@pytest.mark.parametrize(
    ("secret", "url"),
    [
        ("s3cr3t-webhook-token", "discord://s3cr3t-webhook-token"),
        ("hunter2", "nosuchservice://user:hunter2@host"),
        ("hunter2", "mongodb://admin:hunter2@db/news"),
    ],
)
def test_config_errors_never_show_a_secret(tmp_path: Path, secret: str, url: str) -> None:
    text = MINIMAL.replace("json://127.0.0.1:8080/hook", url)
    if url.startswith("mongodb"):
        text = MINIMAL.replace("sqlite:///newswatch.db", url)
    with pytest.raises(ConfigError) as info:
        load(write(tmp_path, text), environ={})
    assert secret not in str(info.value)


def test_a_notifier_timeout_is_a_duration_on_the_notifier(tmp_path: Path) -> None:
    text = MINIMAL.replace('team = ["mailto', 'team = { timeout = "2m", urls = ["mailto').replace(
        '8080/hook"]', '8080/hook"] }'
    )
    s = load(write(tmp_path, text), environ={})
    assert s.notifiers[0].timeout_s == 120
    assert load(write(tmp_path, MINIMAL), environ={}).notifiers[0].timeout_s == 30


def test_the_database_url_from_the_environment_is_checked_under_its_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match='NEWSWATCH_DATABASE_URL: "nope://x" has an unknown'):
        load(write(tmp_path, MINIMAL), environ={"NEWSWATCH_DATABASE_URL": "nope://x"})


@pytest.mark.parametrize(
    "url",
    ["sqlite:///newswatch.db", "sqlite://", "postgresql+psycopg://u:p@127.0.0.1/test"],
)
def test_supported_database_urls_load(tmp_path: Path, url: str) -> None:
    text = MINIMAL.replace("sqlite:///newswatch.db", url)
    assert load(write(tmp_path, text), environ={}).database_url == url


def test_check_of_a_hanging_template_ends_with_exit_2(tmp_path: Path) -> None:
    loop = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
    path = write(
        tmp_path,
        MINIMAL.replace('notify = ["team"]', f'notify = ["team"]\ntemplate_body = "{loop}"'),
    )
    done = subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "--config", path, "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert "watchlists[0].template_body:" in done.stderr and "longer than 2s" in done.stderr
    assert "Traceback" not in done.stderr
