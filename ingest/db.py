"""Engine factory and the declarative base shared by every stored table.

SQLite gets WAL, a busy timeout and foreign keys; PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

# Bound parameters per IN list: well under SQLite's and PostgreSQL's limits.
IN_LIMIT = 500


def chunks(items: Sequence[T], size: int = IN_LIMIT) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size`, for IN lists the backends can bind."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Base(DeclarativeBase):
    """Declarative base for every newswatch table (ingest's and alerts')."""


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, whatever the backend stores."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def normalize_url(url: str) -> str:
    """Accept the plain `postgresql://` spelling and route it to psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the backend named by `url`."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        path = engine.url.database
        if path and path != ":memory:" and not path.startswith("file:"):
            guard = _SameFile(path)
            event.listen(engine, "do_connect", guard.before)
            event.listen(engine, "connect", guard.after)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(session: Session) -> bool:
    """Whether the session's backend is PostgreSQL (row locks, advisory locks)."""
    return session.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True, slots=True)
class FileId:
    """Which file a path names: a file deleted or replaced under it gets another."""

    device: int
    inode: int


def file_id(path: str | os.PathLike[str]) -> FileId | None:
    """The identity of the file at `path`, or None when there is none."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return FileId(st.st_dev, st.st_ino)


class _SameFile:
    """Refuses a new connection once the file at the engine's path is not the one it first
    opened (deleted, or replaced by a restore). The connections already open still hold
    the old file, and its `-shm` index is shared by name: a connection to the new file
    would truncate that index under their memory maps, and the process dies of SIGBUS.
    Refused before any statement, the open connections fail on their own terms and the
    daemon's file watch stops it with a sentence."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._first: FileId | None = None

    def before(self, _dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> None:
        # Before opening: a deleted file would otherwise be created again, empty.
        if self._first is not None and file_id(self.path) is None:
            raise sqlite3.OperationalError(f"the database file {self.path} was deleted")

    def after(self, dbapi_conn: Any, _record: Any) -> None:
        # After opening, so that a file swapped in between is still seen.
        now = file_id(self.path)
        if self._first is None:
            self._first = now
        elif now != self._first:
            dbapi_conn.close()
            raise sqlite3.OperationalError(f"the database file {self.path} was replaced")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Autocommit at the driver level so that `_sqlite_begin` controls transactions:
    # the stdlib driver's implicit BEGIN would otherwise defer the write lock and
    # turn concurrent writers into "database is locked" errors mid-transaction.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two daemons (or the poller and a
    # CLI command) serialize instead of failing on lock upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
