"""The daemon's heartbeat: a thread that keeps its row in `daemons` fresh, and the proof,
from the operating system, that a predecessor on this machine is dead.

Other daemons free the leases of one that stopped beating after `ingest.heartbeat.STALE_S`.
A daemon restarted on the same machine (the usual SQLite case: systemd, a shell loop)
need not wait that long: when the process recorded in a row no longer exists, its
leases are free at once.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ingest import heartbeat as store
from ingest.db import Store
from ingest.errors import StoreError

log = logging.getLogger(__name__)
_PROC = Path("/proc")


def process_identity(pid: int | None = None, proc: Path = _PROC) -> str | None:
    """This process as `linux:BOOT:PIDNS:PID:START`, or None where /proc cannot tell.

    A pid alone is reused (every container's daemon is pid 1); with the boot id, the pid
    namespace and the process's start time (proc(5): /proc/PID/stat field 22) it names
    one process for as long as the machine runs.
    """
    pid = os.getpid() if pid is None else pid
    try:
        boot = (proc / "sys/kernel/random/boot_id").read_text().strip()
        # "pid:[4026531836]": the namespace's inode number names it.
        pidns = "".join(c for c in os.readlink(proc / "self/ns/pid") if c.isdigit())
        start = _start_time(proc, pid)
    except OSError:
        return None
    if start is None:
        return None
    return f"linux:{boot}:{pidns}:{pid}:{start}"


def provably_dead(identity: str | None, proc: Path = _PROC) -> bool:
    """True only when `identity` is a process of this machine and pid namespace that no
    longer runs; anything else (another machine, a container's own namespace) cannot be
    told from here and is left to the heartbeat's staleness."""
    here = _here(identity, proc)
    if here is None:
        return False
    pid, start = here
    try:
        now_start = _start_time(proc, pid)
    except OSError:
        return True  # no such process
    return now_start != start  # gone (a zombie has None) or the pid was reused


def local_pid(identity: str | None, proc: Path = _PROC) -> int | None:
    """The pid of `identity` when it is a process running on this machine, in this pid
    namespace (one a signal from here reaches); None otherwise."""
    here = _here(identity, proc)
    if here is None:
        return None
    pid, start = here
    try:
        return pid if _start_time(proc, pid) == start else None
    except OSError:
        return None  # no such process


def _here(identity: str | None, proc: Path) -> tuple[int, str] | None:
    """(pid, start time) of `identity` when it names a process of this machine and pid
    namespace, whether or not it still runs; None otherwise."""
    if identity is None:
        return None
    parts = identity.split(":")
    mine = process_identity(proc=proc)
    if len(parts) != 5 or parts[0] != "linux" or mine is None:
        return None
    _, boot, pidns, pid, start = parts
    my_parts = mine.split(":")
    if boot != my_parts[1] or pidns != my_parts[2] or not pid.isdigit():
        return None
    return int(pid), start


def _start_time(proc: Path, pid: int) -> str | None:
    """The start time of `pid` in clock ticks after boot; None for a zombie."""
    stat = (proc / str(pid) / "stat").read_text()
    # The command name (field 2) is in parentheses and may itself contain spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    state, start = fields[0], fields[19]
    return None if state in ("Z", "X") else start


class Heartbeat:
    """Beats every `ingest.heartbeat.BEAT_S` in a thread of its own (not the scheduler's
    pool, where a long poll or send could delay it past the stale limit)."""

    def __init__(
        self,
        db: Store,
        clock: Callable[[], datetime],
        owner: str,
        *,
        interval_s: float = store.BEAT_S,
        config: Callable[[], tuple[str, str]] | None = None,
    ) -> None:
        """`config` says which config file (path, digest) the daemon runs now."""
        self.db = db
        self.clock = clock
        self.owner = owner
        self.interval_s = interval_s
        self.config = config
        self.process = process_identity()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    def start(self) -> None:
        """Register, free the leases of predecessors proven dead, then keep beating."""
        self.beat()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def beat(self) -> None:
        now = self.clock()
        try:
            with self.db.batch() as s:
                config = self.config() if self.config is not None else None
                store.beat(s, self.owner, self.process, now, config)
                dead = [
                    owner
                    for owner, process in store.running(s)
                    if owner != self.owner and provably_dead(process)
                ]
                store.stop(s, dead, now)
                store.forget(s, now)
        except StoreError as e:
            if not self._failing:
                log.warning("heartbeat failing: %s", e.reason)
            self._failing = True
            return
        if self._failing:
            log.warning("heartbeat recovered")
        self._failing = False
        for owner in dead:
            log.info("heartbeat predecessor gone, its leases are free owner=%s", owner)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.beat()

    def stop(self) -> None:
        """Stop beating and mark this daemon stopped: work it abandoned is free at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            with self.db.batch() as s:
                store.stop(s, [self.owner], self.clock())
        except StoreError as e:
            log.warning("heartbeat could not record the stop: %s", e.reason)
