"""`newswatch healthcheck`: ask the running daemon's `/healthz` (for images without curl)."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newswatch import clitools

if TYPE_CHECKING:
    from newswatch.config import Settings

TIMEOUT_S = 10.0


def register(add: Callable[[str, clitools.Command, str], argparse.ArgumentParser]) -> None:
    p = add("healthcheck", cmd_healthcheck, "exit 0 when the running daemon is healthy, else 1")
    p.add_argument("--url", help="the daemon's base URL (default: from [web] listen)")


def cmd_healthcheck(args: argparse.Namespace) -> int:
    url = args.url
    if url is None:
        listen = clitools.settings_from(args).web.listen
        if listen is None:
            raise clitools.UsageError("[web] listen is not set (nor NEWSWATCH_WEB_LISTEN)")
        host, port = listen
        # A wildcard bind is reached on loopback from inside the container or host.
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
        url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/healthz", timeout=TIMEOUT_S) as r:  # noqa: S310
            body: dict[str, Any] = json.loads(r.read())
            code = r.status
    except urllib.error.HTTPError as e:
        body, code = _json(e.read()), e.code
    except (OSError, ValueError) as e:
        print(f"unhealthy: {url}: {getattr(e, 'reason', None) or e}", file=sys.stderr)
        return clitools.EXIT_FAILED
    status = body.get("status", "unknown")
    reasons = "; ".join(body.get("reasons", []))
    print(f"{status}{': ' + reasons if reasons else ''}")
    return (
        clitools.EXIT_OK if code == 200 and status in ("ok", "degraded") else clitools.EXIT_FAILED
    )


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def print_exclusions(settings: Settings) -> None:
    """`check`'s list of "not this person" exclusions, which live in the database."""
    db = settings.database_url
    # An SQLite file not made yet holds none: said without loading SQLAlchemy (`check`
    # starts at once, #12).
    if db.startswith("sqlite:///") and not Path(db[len("sqlite:///") :].split("?")[0]).is_file():
        print("exclusions: none (no database yet)")
        return
    from alerts.storage import exclusions as xstore
    from alerts.storage.store import AlertStore
    from ingest.errors import StoreError

    store = AlertStore.open(settings.database_url)
    try:
        with store.read() as s:
            found = xstore.list_exclusions(s)
    except StoreError as e:
        print(f"exclusions: not read ({e.reason})")
        return
    finally:
        store.dispose()
    print(f"exclusions ({len(found)}):")
    for x in found:
        print(f'  {x.watchlist}: {x.name} not in "{x.phrase}" (since {x.created_at:%Y-%m-%d})')
