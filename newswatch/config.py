"""config.toml: read with tomllib, validated strictly into frozen settings.

Every error names the file, the key path and the bad value; nothing is written
while loading. `${ENV_VAR}` may stand in any string (for secrets).
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.model import QuietHours, WatchMode, WatchName
from ingest.model import FeedKind, FeedSpec, FulltextMode
from newswatch import limits
from newswatch.durations import MIN_INTERVAL_S, format_duration, parse_duration, parse_size

DEFAULT_PATH = "config.toml"
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|m|h|d)\s*$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Far above any real poll interval, backoff or retention, and far enough below
# datetime.max that now + a duration can never overflow (10**26 days did).
MAX_DURATION_S = 3650 * 86400.0
# Unicode general categories (UAX #44): Cc control; Cf format (zero-width, bidi controls).
_CONTROL = frozenset({"Cc"})
_FORMAT = frozenset({"Cf"})


# The dialects SQLAlchemy 2 ships (sqlalchemy.dialects); drivers are checked on connect.
_DIALECTS = frozenset({"sqlite", "postgresql", "postgres", "mysql", "mariadb", "oracle", "mssql"})
_DB_SCHEME = re.compile(r"^([a-z][a-z0-9]*)(?:\+[a-z0-9_]+)?://")


_Choice = TypeVar("_Choice", bound=StrEnum)


class ConfigError(Exception):
    """The config file is missing, unreadable or invalid; `problems` lists each one."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class WatchlistSettings:
    name: str
    names: tuple[WatchName, ...]
    notify: tuple[str, ...]
    mode: WatchMode = WatchMode.INSTANT
    schedule: str | None = None
    quiet_hours: QuietHours | None = None
    followup_after: int | None = None
    template_title: str | None = None
    template_body: str | None = None


@dataclass(frozen=True, slots=True)
class NotifierSettings:
    name: str
    urls: tuple[str, ...]
    rate_limit: tuple[int, float] | None = None  # (count, per seconds)
    timeout_s: float = 30.0  # a send not answered within this is retried as an unknown outcome


@dataclass(frozen=True, slots=True)
class Defaults:
    interval_s: float = 15 * 60
    backfill_s: float | None = 7 * 86400  # None means "all"
    timezone: str = "UTC"
    timeout_s: float = 30.0
    max_body_bytes: int = 16 * 1024 * 1024
    concurrency: int = 50
    per_host: int = 2
    host_gap_s: float = 0.0
    queue_wait_s: float = 300.0
    allow_private: bool = False
    retention_s: float = 180 * 86400
    failing_alert_after_s: float = 2 * 86400
    delivery_expiry_s: float = 24 * 3600
    respect_ttl: bool = False
    max_backoff_s: float = 6 * 3600
    max_entries_per_poll: int = 1000
    user_agent: str | None = None
    fulltext: FulltextMode = FulltextMode.AUTO
    robots: bool = True


@dataclass(frozen=True, slots=True)
class WebSettings:
    """`[web]`: the daemon's own HTTP server (off unless `listen` is set)."""

    listen: tuple[str, int] | None = None  # (host, port)
    token: str | None = None
    public_url: str | None = None

    @property
    def loopback(self) -> bool:
        return self.listen is None or is_loopback(self.listen[0])


@dataclass(frozen=True, slots=True)
class Settings:
    path: str
    database_url: str
    defaults: Defaults
    feeds: tuple[FeedSpec, ...]
    notifiers: tuple[NotifierSettings, ...]
    watchlists: tuple[WatchlistSettings, ...]
    web: WebSettings = field(default_factory=WebSettings)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # SHA-256 of the file's bytes as loaded ("" when not read from a file).
    digest: str = field(default="", compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.defaults.timezone)

    def notifier(self, name: str) -> NotifierSettings | None:
        return next((n for n in self.notifiers if n.name == name), None)


def config_path(cli_value: str | None) -> str:
    """`--config`, else $NEWSWATCH_CONFIG, else ./config.toml."""
    return cli_value or os.environ.get("NEWSWATCH_CONFIG") or DEFAULT_PATH


def load(path: str, environ: dict[str, str] | None = None) -> Settings:
    """Read and validate `path`; raises ConfigError listing every problem found."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except OSError as e:
        raise ConfigError(path, [f"cannot read: {e.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(path, [f"not UTF-8 text (byte {e.start})"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, [f"invalid TOML: {e}"]) from None
    settings = parse(data, path, os.environ.copy() if environ is None else environ)
    return replace(settings, digest=file_digest(raw))


def file_digest(raw: bytes) -> str:
    """What `Settings.digest` holds for a file of these bytes."""
    return hashlib.sha256(raw).hexdigest()


def parse(data: dict[str, Any], path: str, environ: dict[str, str]) -> Settings:
    """Validate an already-decoded TOML document."""
    v = _Validator(environ)
    data = v.expand(data, "")
    top = v.table(data, "", {"database", "defaults", "feeds", "notifiers", "watchlists", "web"})
    database = v.table(top.get("database", {}), "database", {"url"})
    url = v.string(database, "database", "url", "sqlite:///newswatch.db")
    # A deployment (docker-compose) passes the database, password included, this way.
    url = environ.get("NEWSWATCH_DATABASE_URL") or url or "sqlite:///newswatch.db"
    where = "NEWSWATCH_DATABASE_URL" if environ.get("NEWSWATCH_DATABASE_URL") else "database.url"
    v.database_url(url, where)
    defaults = _defaults(v, v.table(top.get("defaults", {}), "defaults", set(_DEFAULT_KEYS)))
    notifiers = _notifiers(v, top.get("notifiers", {}))
    feeds = _feeds(v, top.get("feeds", []), defaults)
    known = {n.name for n in notifiers}
    watchlists = _watchlists(v, top.get("watchlists", []), known)
    v.problems.extend(limits.problems(feeds, notifiers, watchlists))
    web = _web(v, v.table(top.get("web", {}), "web", {"listen", "token", "public_url"}), environ)
    if v.problems:
        raise ConfigError(path, v.problems)
    return Settings(path, url, defaults, feeds, notifiers, watchlists, web)


_HOST_PORT = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[^\s:\[\]]+)):(?P<port>\d{1,5})$")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and "localhost" (RFC 6761 §6.3 reserves it for loopback)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(v: _Validator, raw: str, where: str) -> tuple[str, int] | None:
    found = _HOST_PORT.match(raw.strip())
    port = int(found.group("port")) if found else 0
    if not found or not 0 < port < 65536:
        v.fail(where, raw, 'is not an address like "127.0.0.1:8080" or "[::1]:8080"')
        return None
    return found.group("v6") or found.group("host"), port


def _web(v: _Validator, t: dict[str, Any], environ: dict[str, str]) -> WebSettings:
    listen = None
    # The environment wins, as for the database URL: a container sets where it listens.
    override = environ.get("NEWSWATCH_WEB_LISTEN", "").strip()
    if override:
        listen = _listen(v, override, "NEWSWATCH_WEB_LISTEN")
    elif "listen" in t:
        raw = v.string(t, "web", "listen", None)
        listen = _listen(v, raw, "web.listen") if raw is not None else None
    token = v.string(t, "web", "token", None) or None
    public_url = v.string(t, "web", "public_url", None) or None
    if public_url is not None and not re.match(r"^https?://[^\s/]+", public_url):
        v.fail("web.public_url", public_url, "is not an http(s) URL")
    if listen is not None and not is_loopback(listen[0]) and token is None:
        v.fail(
            "web.token",
            None,
            f"is required when the server listens beyond loopback ({listen[0]}:{listen[1]})",
        )
    return WebSettings(listen, token, public_url)


_DEFAULT_KEYS = {
    "interval": "interval_s",
    "backfill": "backfill_s",
    "timezone": "timezone",
    "timeout": "timeout_s",
    "max_body": "max_body_bytes",
    "concurrency": "concurrency",
    "per_host": "per_host",
    "host_gap": "host_gap_s",
    "queue_wait": "queue_wait_s",
    "allow_private": "allow_private",
    "retention": "retention_s",
    "failing_alert_after": "failing_alert_after_s",
    "delivery_expiry": "delivery_expiry_s",
    "respect_ttl": "respect_ttl",
    "max_backoff": "max_backoff_s",
    "max_entries_per_poll": "max_entries_per_poll",
    "user_agent": "user_agent",
    "fulltext": "fulltext",
    "robots": "robots",
}


def _defaults(v: _Validator, t: dict[str, Any]) -> Defaults:
    values: dict[str, Any] = {}
    for key, attr in _DEFAULT_KEYS.items():
        if key not in t:
            continue
        where = f"defaults.{key}"
        raw = t[key]
        value: Any
        if key == "backfill":
            value = v.backfill(raw, where)
        elif key == "timezone":
            value = v.timezone(raw, where)
        elif key == "max_body":
            value = v.convert(raw, where, parse_size)
        elif key in ("concurrency", "per_host"):
            value = v.positive_int(raw, where)
        elif key in ("respect_ttl", "robots"):
            value = v.boolean(raw, where)
        elif key == "fulltext":
            value = v.choice(raw, where, FulltextMode)
        elif key == "max_entries_per_poll":
            value = v.positive_int(raw, where)
        elif key == "allow_private":
            value = v.boolean(raw, where)
        elif key == "user_agent":
            value = v.string(t, "defaults", key, None)
        elif key == "interval":
            value = v.interval(raw, where)
        else:
            value = v.duration(raw, where)
        if value is not _INVALID and (value is not None or key == "backfill"):
            values[attr] = value
    return replace(Defaults(), **values)


def _notifiers(v: _Validator, raw: Any) -> tuple[NotifierSettings, ...]:
    if not isinstance(raw, dict):
        v.fail("notifiers", raw, "must be a table of name = [urls]")
        return ()
    out = []
    for name, value in raw.items():
        where = f"notifiers.{name}"
        rate: tuple[int, float] | None = None
        timeout = 30.0
        if isinstance(value, dict):
            v.table(value, where, {"urls", "rate_limit", "timeout"})
            if "rate_limit" in value:
                rate = v.rate(value["rate_limit"], f"{where}.rate_limit")
            if "timeout" in value:
                timeout = v.duration(value["timeout"], f"{where}.timeout") or timeout
            value = value.get("urls")
            where = f"{where}.urls"
        urls = v.string_list(value, where, allow_single=True)
        if not urls:
            v.fail(where, value, "needs at least one Apprise URL")
        for i, url in enumerate(urls):
            if "://" not in url:
                v.fail(
                    f"{where}[{i}]", url, 'is not an Apprise URL like "mailto://…" or "json://…"'
                )
            else:
                v.notifier_url(url, f"{where}[{i}]")
        out.append(NotifierSettings(name, tuple(urls), rate, timeout))
    return tuple(out)


def _feeds(v: _Validator, raw: Any, defaults: Defaults) -> tuple[FeedSpec, ...]:
    items = v.array_of_tables(raw, "feeds")
    out: list[FeedSpec] = []
    seen_urls: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for i, t in enumerate(items):
        where = f"feeds[{i}]"
        v.table(t, where, {"name", "url", "interval", "enabled", "fulltext", "kind"})
        url = v.string(t, where, "url", None, required=True) or ""
        if url and not re.match(r"^https?://[^\s/]+", url):
            v.fail(f"{where}.url", url, "is not an http(s) URL")
        name = v.string(t, where, "name", None) or url
        v.plain(name, f"{where}.name")
        interval = defaults.interval_s
        if "interval" in t:
            interval = v.interval(t["interval"], f"{where}.interval") or interval
        enabled = v.boolean(t.get("enabled", True), f"{where}.enabled")
        kind = v.choice(t.get("kind", "feed"), f"{where}.kind", FeedKind) or FeedKind.FEED
        # Imported here: lxml would otherwise load with every config (CLI start-up, #12).
        from ingest.telegram import channel_of

        if kind == FeedKind.TELEGRAM and url and channel_of(url) is None:
            v.fail(
                f"{where}.url", url, 'is not a channel preview URL like "https://t.me/s/CHANNEL"'
            )
        fulltext = defaults.fulltext
        if "fulltext" in t:
            fulltext = v.choice(t["fulltext"], f"{where}.fulltext", FulltextMode) or fulltext
        if url in seen_urls:
            v.fail(f"{where}.url", url, f"repeats feeds[{seen_urls[url]}].url")
        if name in seen_names:
            v.fail(f"{where}.name", name, f"repeats feeds[{seen_names[name]}].name")
        seen_urls.setdefault(url, i)
        seen_names.setdefault(name, i)
        out.append(FeedSpec(name, url, interval, bool(enabled), fulltext, kind))
    return tuple(out)


_WATCHLIST_KEYS = {
    "name",
    "names",
    "notify",
    "mode",
    "schedule",
    "quiet_hours",
    "followup_after",
    "template_title",
    "template_body",
}


def _watchlists(v: _Validator, raw: Any, notifiers: set[str]) -> tuple[WatchlistSettings, ...]:
    out = []
    seen: set[str] = set()
    for i, t in enumerate(v.array_of_tables(raw, "watchlists")):
        where = f"watchlists[{i}]"
        v.table(t, where, _WATCHLIST_KEYS)
        name = v.string(t, where, "name", None, required=True) or f"#{i}"
        v.plain(name, f"{where}.name", invisible=True)
        if name in seen:
            v.fail(f"{where}.name", name, "repeats an earlier watchlist name")
        seen.add(name)
        names = _names(v, t.get("names"), f"{where}.names")
        notify = v.string_list(t.get("notify", []), f"{where}.notify", allow_single=True)
        for j, n in enumerate(notify):
            if n not in notifiers:
                known = ", ".join(sorted(notifiers)) or "none defined"
                v.fail(f"{where}.notify[{j}]", n, f"is not a notifier in [notifiers] ({known})")
        raw_mode = v.string(t, where, "mode", "instant") or "instant"
        mode = next((m for m in WatchMode if m == raw_mode), None)
        if mode is None:
            v.fail(f"{where}.mode", raw_mode, 'must be "instant" or "digest"')
            mode = WatchMode.INSTANT
        schedule = v.string(t, where, "schedule", None)
        if schedule is not None:
            v.check(schedule, f"{where}.schedule", _check_schedule)
        elif mode == WatchMode.DIGEST:
            v.fail(f"{where}.schedule", None, 'is required when mode = "digest"')
        quiet = None
        if "quiet_hours" in t:
            quiet = v.quiet_hours(t["quiet_hours"], f"{where}.quiet_hours")
        followup = None
        if "followup_after" in t:
            followup = v.positive_int(t["followup_after"], f"{where}.followup_after")
        titles = v.string(t, where, "template_title", None)
        body = v.string(t, where, "template_body", None)
        for key, source in (("template_title", titles), ("template_body", body)):
            if source is not None:
                v.check(source, f"{where}.{key}", _template_checker(key))
        out.append(
            WatchlistSettings(
                name, names, tuple(notify), mode, schedule, quiet, followup, titles, body
            )
        )
    return tuple(out)


def _names(v: _Validator, raw: Any, where: str) -> tuple[WatchName, ...]:
    if raw is None:
        v.fail(where, None, "is required: a list of names")
        return ()
    if not isinstance(raw, list) or not raw:
        v.fail(where, raw, "must be a non-empty list of names")
        return ()
    out = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if isinstance(item, str):
            if not item.strip():
                v.fail(at, item, "is empty")
                continue
            v.person_name(item, at)
            out.append(WatchName(item.strip(), item.strip()))
        elif isinstance(item, dict):
            v.table(item, at, {"name", "aliases", "exclude", "variants"})
            name = v.string(item, at, "name", None, required=True)
            aliases = v.string_list(item.get("aliases", []), f"{at}.aliases")
            exclude = v.string_list(item.get("exclude", []), f"{at}.exclude")
            variants = v.boolean(item.get("variants", True), f"{at}.variants")
            for j, text in enumerate([name or "", *aliases]):
                if text.strip():
                    v.person_name(text, f"{at}.name" if j == 0 else f"{at}.aliases[{j - 1}]")
            for j, text in enumerate(exclude):
                v.plain(text, f"{at}.exclude[{j}]")
            if name:
                name = name.strip()
                out.append(WatchName(name, name, tuple(aliases), tuple(exclude), variants))
        else:
            v.fail(at, item, 'must be a string or a table {name = "…", aliases = […]}')
    return tuple(out)


def _check_schedule(text: str) -> None:
    from alerts.schedule import parse_schedule

    parse_schedule(text)


def _template_checker(key: str) -> Callable[[str], None]:
    """Compile and trial-render a user template exactly as alerts will use it."""

    def check(text: str) -> None:
        from alerts.errors import TemplateError
        from alerts.render import Templates, compile_templates

        templates = Templates(title=text) if key == "template_title" else Templates(body=text)
        try:
            compile_templates(templates)
        except TemplateError as e:
            reason = str(e).removeprefix(f"{key}: ")
            raise ValueError(f"is not a valid template: {reason}") from None

    return check


_INVALID: Any = object()


class _Validator:
    """Collects problems as `key.path: "value" reason` while walking the document."""

    def __init__(self, environ: dict[str, str]) -> None:
        self.environ = environ
        self.problems: list[str] = []

    def fail(self, where: str, value: Any, reason: str) -> None:
        if value is None:
            self.problems.append(f"{where}: {reason}")
        else:
            self.problems.append(f"{where}: {_show(value)} {reason}")

    def expand(self, value: Any, where: str) -> Any:
        if isinstance(value, str):
            return self._expand_string(value, where)
        if isinstance(value, dict):
            return {k: self.expand(x, _join(where, k)) for k, x in value.items()}
        if isinstance(value, list):
            return [self.expand(x, f"{where}[{i}]") for i, x in enumerate(value)]
        return value

    def _expand_string(self, text: str, where: str) -> str:
        def sub(m: re.Match[str]) -> str:
            var = m.group(1)
            if var not in self.environ:
                self.problems.append(f"{where}: environment variable ${{{var}}} is not set")
                return ""
            return self.environ[var]

        return _ENV.sub(sub, text)

    def table(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where or "(top level)", value, "must be a table")
            return {}
        for key in value:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.problems.append(f"{_join(where, key)}: unknown key (expected one of: {hint})")
        return value

    def array_of_tables(self, value: Any, where: str) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            self.fail(where, value, f"must be an array of tables ([[{where}]])")
            return []
        return value

    def string(
        self, t: dict[str, Any], where: str, key: str, default: str | None, required: bool = False
    ) -> str | None:
        if key not in t:
            if required:
                self.problems.append(f"{_join(where, key)}: is required")
            return default
        value = t[key]
        if not isinstance(value, str):
            self.fail(_join(where, key), value, "must be a string")
            return default
        if required and not value.strip():
            self.fail(_join(where, key), value, "must not be empty")
        return value

    def string_list(self, value: Any, where: str, allow_single: bool = False) -> list[str]:
        if allow_single and isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.fail(where, value, "must be a list of strings")
            return []
        return list(value)

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, value, "must be true or false")
            return True
        return value

    def choice(self, value: Any, where: str, choices: type[_Choice]) -> _Choice | None:
        found = next((c for c in choices if c == value), None)
        if found is None:
            self.fail(where, value, "must be one of " + ", ".join(f'"{c}"' for c in choices))
        return found

    def positive_int(self, value: Any, where: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(where, value, "must be a whole number ≥ 1")
            return None
        return value

    def duration(self, value: Any, where: str) -> float | None:
        if not isinstance(value, str):
            self.fail(where, value, 'must be a duration string like "5m"')
            return None
        try:
            seconds = parse_duration(value)
        except ValueError:
            self.fail(where, value, 'is not a duration like "90s", "5m", "1h30m" or "1d"')
            return None
        if seconds <= 0:
            self.fail(where, value, "must be longer than zero")
            return None
        if seconds > MAX_DURATION_S:
            self.fail(where, value, "is longer than 10 years (3650d)")
            return None
        return seconds

    def interval(self, value: Any, where: str) -> float | None:
        seconds = self.duration(value, where)
        # NEWSWATCH_MIN_INTERVAL is for the daemon's own crash tests, which re-poll
        # loopback feeds within seconds; like the other NEWSWATCH_* tick settings it is
        # not documented.
        minimum = float(self.environ.get("NEWSWATCH_MIN_INTERVAL") or MIN_INTERVAL_S)
        if seconds is not None and seconds < minimum:
            self.fail(
                where,
                value,
                f"is shorter than the shortest polling interval, {format_duration(minimum)}",
            )
            return None
        return seconds

    def backfill(self, value: Any, where: str) -> Any:
        if value in ("all",):
            return None
        if value in ("0", 0):
            return 0.0
        seconds = self.duration(value, where)
        return _INVALID if seconds is None else seconds

    def timezone(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str):
            self.fail(where, value, 'must be an IANA time zone name like "Europe/Vilnius"')
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(where, value, 'is not an IANA time zone name like "Europe/Vilnius"')
            return None
        return value

    def rate(self, value: Any, where: str) -> tuple[int, float] | None:
        found = _RATE.match(value) if isinstance(value, str) else None
        if not found or int(found.group(1)) < 1:
            self.fail(where, value, 'is not a rate like "20/h"')
            return None
        return int(found.group(1)), parse_duration("1" + found.group(2))

    def quiet_hours(self, value: Any, where: str) -> QuietHours | None:
        parts = value.split("-") if isinstance(value, str) else []
        clocks = [_CLOCK.match(p.strip()) for p in parts]
        if len(parts) != 2 or not all(clocks):
            self.fail(where, value, 'is not a time range like "22:00-07:00"')
            return None
        a, b = ((int(c.group(1)), int(c.group(2))) for c in clocks if c)
        if a == b:
            self.fail(where, value, "is an empty range")
            return None
        return a, b

    def convert(self, value: Any, where: str, fn: Callable[[str], Any]) -> Any | None:
        if not isinstance(value, str):
            self.fail(where, value, "must be a string")
            return None
        try:
            return fn(value)
        except ValueError as e:
            self.problems.append(f"{where}: {e}")
            return None

    def plain(self, text: str, where: str, *, invisible: bool = False) -> None:
        """A name shown to people and used as a key: no control characters (a newline or
        ESC in a watchlist name splits or rewrites the lines it is filed and shown on),
        nor, with `invisible`, format characters (zero-width, bidi overrides)."""
        refused = _CONTROL | (_FORMAT if invisible else frozenset())
        bad = next((ch for ch in text if unicodedata.category(ch) in refused), None)
        if bad is not None:
            self.fail(
                where,
                text.encode("unicode_escape").decode("ascii"),
                (
                    f"contains the control character U+{ord(bad):04X}"
                    if unicodedata.category(bad) in _CONTROL
                    else f"contains the invisible character U+{ord(bad):04X}"
                ),
            )

    def person_name(self, text: str, where: str) -> None:
        """A watched name: plain text with at least one letter or digit; one made only of
        punctuation or symbols has no word for the matcher and could never match."""
        self.plain(text, where)
        if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
            self.fail(where, text, "has no letter or digit, so it can never match")

    def database_url(self, url: str, where: str) -> None:
        """A SQLAlchemy URL of a dialect SQLAlchemy ships; shown with its password masked.

        Read with the standard library, not SQLAlchemy, so that `check` starts at once:
        the scheme is ``dialect[+driver]://`` (SQLAlchemy's "Engine Configuration")."""
        m = _DB_SCHEME.match(url)
        if m is None:
            self.fail(where, None, "is not a database URL like sqlite:///newswatch.db")
            return
        if m.group(1) not in _DIALECTS:
            self.fail(
                where,
                re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url),
                f'has an unknown scheme "{m.group(0)[:-3]}" '
                '(expected "sqlite" or "postgresql+psycopg")',
            )

    def notifier_url(self, url: str, where: str) -> None:
        """Apprise loads the URL now, so a URL that cannot send fails `check`, not every
        alert; Apprise's reason is already scrubbed of the URL's secrets."""
        from alerts import notify
        from alerts.errors import NotifyError

        notify.register_console()
        try:
            notify.target_info(url)
        except NotifyError as e:
            self.fail(where, e.target, e.reason)

    def check(self, value: str, where: str, fn: Callable[[str], None]) -> None:
        try:
            fn(value)
        except ValueError as e:
            self.fail(where, value, str(e))


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)
