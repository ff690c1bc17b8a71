"""Length limits of configured values, derived from the columns that store them, checked
when the config is loaded: a value too long for PostgreSQL used to pass `check` and then
fail every poll or match cycle.

Values that come from feeds have no limit (unbounded TEXT columns); these are the ones a
person writes, whose columns are keys or parts of keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Limit:
    chars: int
    reason: str
    in_bytes: bool = False


# ingest.storage FeedRow.config_url: String(2000), unique; PostgreSQL's B-tree entries stop
# near 2,700 bytes, so the bound counts UTF-8 bytes.
FEED_URL = Limit(2000, "feeds.config_url holds 2000", in_bytes=True)
# alerts.storage.tables: hits.watchlist / deliveries.watchlist / digest_state.watchlist are
# String(200); delivery dedupe keys join a watchlist and a notifier name within 500.
WATCHLIST_NAME = Limit(100, "watchlist names go into 500-character delivery keys with the notifier")
NOTIFIER_NAME = Limit(100, "notifier names go into 500-character delivery keys with the watchlist")
# hits.name: String(500), in the unique (watchlist, article, name) index.
PERSON_NAME = Limit(500, "hits.name holds 500")


class _Feed(Protocol):
    @property
    def url(self) -> str: ...


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _Watchlist(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def names(self) -> Sequence[_Named]: ...


def problems(
    feeds: Sequence[_Feed], notifiers: Sequence[_Named], watchlists: Sequence[_Watchlist]
) -> list[str]:
    """One "key path: reason" line per configured value over its limit."""
    out: list[str] = []
    for i, f in enumerate(feeds):
        _check(out, f"feeds[{i}].url", f.url, FEED_URL)
    for n in notifiers:
        _check(out, f"notifiers.{_head(n.name)}", n.name, NOTIFIER_NAME)
    for i, w in enumerate(watchlists):
        _check(out, f"watchlists[{i}].name", w.name, WATCHLIST_NAME)
        for j, person in enumerate(w.names):
            _check(out, f"watchlists[{i}].names[{j}]", person.name, PERSON_NAME)
    return out


def _check(out: list[str], where: str, value: str, limit: Limit) -> None:
    size = len(value.encode()) if limit.in_bytes else len(value)
    if size > limit.chars:
        unit = "bytes" if limit.in_bytes else "characters"
        out.append(
            f"{where}: {_head(value)!r} is {size} {unit} long, at most {limit.chars} "
            f"allowed ({limit.reason})"
        )


def _head(value: str, keep: int = 40) -> str:
    return value if len(value) <= keep else value[:keep] + "…"
