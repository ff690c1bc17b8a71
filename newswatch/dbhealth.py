"""The database's health as the daemon sees it: what kind of failure an error is, when the
state changed (one WARNING per change, not a traceback per tick), and whether a SQLite
file was deleted or replaced under the running daemon.

`classify` and `Health` are pure; `FileWatch` stats a path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingest.db import file_id, sqlite_database

# Failure kinds by the drivers' own words. SQLite: result codes, https://www.sqlite.org/
# rescode.html (SQLITE_FULL "database or disk is full", SQLITE_READONLY "attempt to write
# a readonly database", SQLITE_IOERR "disk I/O error" — also how a write past a size limit
# surfaces —, SQLITE_BUSY "database is locked", SQLITE_CANTOPEN). PostgreSQL: Appendix A,
# error codes 53100 disk_full ("could not extend file", "No space left on device"), 25006
# read_only_sql_transaction, 57P01 admin_shutdown ("terminating connection due to
# administrator command"), 08xxx connection exceptions as libpq words them.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("disk full", ("database or disk is full", "no space left on device", "could not extend")),
    ("read-only", ("readonly database", "read-only", "read only")),
    ("disk I/O error", ("disk i/o error",)),
    (
        "connection lost",
        (
            "terminating connection",
            "server closed the connection",
            "connection refused",
            "connection is closed",
            "connection timed out",
            "could not connect",
            "ssl syscall",
            "consuming input failed",
        ),
    ),
    ("locked", ("database is locked",)),
    ("cannot open", ("unable to open database file",)),
)


def classify(message: str) -> str:
    """The kind of database failure `message` reports ("other" when none is known)."""
    lowered = message.lower()
    for kind, words in KINDS:
        if any(w in lowered for w in words):
            return kind
    return "other"


@dataclass(frozen=True, slots=True)
class Change:
    """A state change worth one WARNING and an ops notice."""

    failing: bool
    kind: str
    detail: str


class Health:
    """Tracks ok / failing-by-kind; `observe` returns a Change only when the state moved."""

    def __init__(self) -> None:
        self.kind: str | None = None  # None: healthy

    def observe(self, error: str | None) -> Change | None:
        if error is None:
            if self.kind is None:
                return None
            was, self.kind = self.kind, None
            return Change(False, was, "")
        kind = classify(error)
        if kind == self.kind:
            return None
        self.kind = kind
        return Change(True, kind, error)


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other backends and in-memory ones."""
    database = sqlite_database(url)
    return None if database is None else Path(database).resolve()


def start_hint(url: str) -> str:
    """Why a SQLite database may fail to open for writing, from the file system itself."""
    path = sqlite_file(url)
    if path is None:
        return ""
    folder = path.parent
    try:
        fs = os.statvfs(folder)
    except OSError:
        return f" (the folder {folder} does not exist)"
    if fs.f_flag & os.ST_RDONLY:
        return f" (the file system holding {folder} is mounted read-only)"
    if fs.f_bavail == 0:
        return f" (the disk holding {folder} is full)"
    return ""


class FileWatch:
    """Notices a SQLite file deleted or replaced after the daemon opened it: its open
    connections would go on writing into the old, unlinked file, and whatever they
    recorded as sent would be sent again after a restart on the new one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._id = file_id(path)

    def problem(self) -> str | None:
        """A sentence saying what happened to the file, or None while it is the same."""
        if self._id is None:
            return None
        now = file_id(self.path)
        if now is None:
            return f"the database file {self.path} was deleted while newswatch ran"
        if now != self._id:
            return f"the database file {self.path} was replaced while newswatch ran"
        return None
