"""Engine factory and the declarative base shared by every stored table.

SQLite gets WAL, a busy timeout and foreign keys; PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeAlias, TypeVar

from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from ingest.errors import StoreConflict, StoreError, db_reason

T = TypeVar("T")

# An open unit of work, from `Store.batch` or `Store.read` to the storage functions that
# run in it. Only the storage modules look inside; everyone else passes it on.
Tx: TypeAlias = Session

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


def sqlite_database(url: str) -> str | None:
    """The file a SQLite URL names; None for other backends, in-memory databases and any
    URL that does not parse."""
    try:
        parsed = make_url(url)
    except Exception:  # any unparseable URL: no file
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return database


def shown_url(url: str) -> str:
    """A database URL as it may be shown: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # any URL the parser refuses is shown as such
        return "(unparseable URL)"


class Store:
    """One database: its engine and its units of work, where every database failure
    becomes the owning package's own error, once.

    ``batch`` is one read-write transaction, committed when the block ends and rolled
    back whole when it raises; ``read`` is a session for queries. A failure inside
    either comes out as ``error`` (a unique-key collision as ``conflict``) with the
    driver's first line as its reason and the original as its cause. A package's store
    names its own error classes (``alerts.storage.store.AlertStore``)."""

    error: ClassVar[type[StoreError]] = StoreError
    conflict: ClassVar[type[StoreConflict]] = StoreConflict

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = make_sessions(engine)

    @classmethod
    def open(cls, url: str, **kwargs: Any) -> Self:
        return cls(make_engine(url, **kwargs))

    @contextmanager
    def batch(self) -> Iterator[Tx]:
        with self._wrapped(), self._sessions.begin() as tx:
            yield tx

    @contextmanager
    def read(self) -> Iterator[Tx]:
        with self._wrapped(), self._sessions() as tx:
            yield tx

    def ping(self) -> None:
        """One round trip to the database, or ``error``."""
        with self._wrapped(), self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    @property
    def url(self) -> str:
        """The database URL with its password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    def _wrapped(self) -> AbstractContextManager[None]:
        return db_errors(self.error, self.conflict)


@contextmanager
def db_errors(
    error: type[StoreError] = StoreError, conflict: type[StoreConflict] = StoreConflict
) -> Iterator[None]:
    """Database failures inside the block as ``error`` (``conflict`` for a unique key),
    the one place where SQLAlchemy's exceptions become the package's own."""
    try:
        yield
    except StoreError:
        raise  # already wrapped (a unit of work inside another)
    except IntegrityError as e:
        raise conflict(db_reason(e)) from e
    except SQLAlchemyError as e:
        raise error(db_reason(e)) from e


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
