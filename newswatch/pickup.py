"""After `add` or `import-opml` rewrote the config: do the running daemons take it?

Each daemon's heartbeat row says which config file it runs and a digest of the text it
loaded. A daemon of this machine is sent SIGHUP (the reload `systemctl reload` sends)
and watched until its row shows the new digest; one elsewhere (another machine, another
container) cannot be signalled from here, and the user is told how to reload it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ingest import heartbeat as store
from ingest.db import Store
from ingest.errors import StoreError
from newswatch.config import Settings, file_digest
from newswatch.dbhealth import sqlite_file
from newswatch.heartbeat import local_pid

# A daemon reloads between two jobs; a long poll tick delays it by seconds, not more.
WAIT_S = 30.0
_LOOK_EVERY_S = 0.1


def tell_daemons(
    settings: Settings, clock: Callable[[], datetime], wait_s: float = WAIT_S
) -> list[str]:
    """Signal the daemons running this config file to reload it and wait (up to
    `wait_s`) until they have; one line for each daemon, or one saying there is none."""
    path = os.path.abspath(settings.path)
    try:
        digest = file_digest(Path(settings.path).read_bytes())
    except OSError:
        return []
    database = sqlite_file(settings.database_url)
    if database is not None and not database.is_file():
        return [_NONE]  # no database yet: no daemon ever ran on it
    db = Store.open(settings.database_url)
    try:
        daemons = _running(db, path, clock())
        if daemons is None:
            return [_NONE]
        local = {d.owner: local_pid(d.process) for d in daemons}
        for pid in local.values():
            if pid is not None:
                # Gone meanwhile, or not ours to signal: its row says so below.
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGHUP)
        deadline = time.monotonic() + wait_s
        while True:
            taken = {d.owner for d in daemons if d.config_digest == digest}
            waiting = [o for o, pid in local.items() if pid is not None and o not in taken]
            if not waiting or time.monotonic() >= deadline:
                break
            time.sleep(_LOOK_EVERY_S)
            daemons = _running(db, path, clock()) or []
    finally:
        db.dispose()
    if not local:
        return [_NONE]
    lines = []
    for owner, pid in sorted(local.items()):
        who = f"the running daemon (pid {pid})" if pid is not None else f"daemon {owner}"
        if owner in taken:
            lines.append(f"{who} picked the change up")
        elif pid is not None:
            lines.append(f"{who} has not picked the change up within {wait_s:g}s: see its log")
        else:
            lines.append(
                f"{who} runs elsewhere (another machine or container) and has not picked "
                "the change up: reload it with SIGHUP (systemctl reload, docker kill -s HUP)"
            )
    return lines


_NONE = "no daemon is running on this config: it takes the change when it starts"


def _running(db: Store, path: str, now: datetime) -> list[store.Alive] | None:
    """The daemons beating on this config file, or None where the database cannot say
    (not reachable, or never set up)."""
    try:
        with db.read() as s:
            return [d for d in store.alive(s, now) if d.config_path == path]
    except StoreError:
        return None
