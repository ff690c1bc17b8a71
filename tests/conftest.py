"""Shared fixtures: the database backends (SQLite file and the local PostgreSQL), and the
alerts store migrated on them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from alerts.storage.store import AlertStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_URL = os.environ.get("NEWSWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _absent(path: Path) -> None:
    # One wording wherever data from ../shared is missing, so a skip reads the same.
    pytest.skip(f"test data not found: {path} (the ../shared folder beside the repo)")


def shared_dir(*parts: str) -> Path:
    """A folder under ../shared, or skip the test saying what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.is_dir():
        _absent(path)
    return path


def shared_file(*parts: str) -> Path:
    """A file under ../shared, or skip the test saying what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        _absent(path)
    return path


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(
            PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ):
            return None
    except Exception as e:  # any failure means: skip PostgreSQL with the reason
        return str(e).splitlines()[0] if str(e) else type(e).__name__


_PG_PROBLEM: str | bool | None = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_available()
    return _PG_PROBLEM if isinstance(_PG_PROBLEM, str) else None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (a schema of its own on PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'newswatch.db'}"
        return
    problem = pg_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI: {problem}")
        pytest.skip(f"PostgreSQL at {PG_URL} not reachable: {problem}")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def alert_store(db_url: str) -> Iterator[AlertStore]:
    """The alerts store over a freshly migrated database, on each backend."""
    from alerts.storage.store import AlertStore
    from ingest.db import make_engine
    from newswatch.migrate import upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    yield AlertStore(engine)
    engine.dispose()
