"""Schema migrations with Alembic: `newswatch db upgrade`, and automatically on run/poll."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from ingest.db import db_errors

_HERE = Path(__file__).resolve().parent / "migrations"
_STARTUP_LOCK = 0x6E777374  # "nwst": distinct from the matching lock


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Let one daemon at a time migrate and sync the feeds table.

    Two daemons started together on an empty PostgreSQL schema both ran CREATE TABLE
    (duplicate key in pg_type) and both inserted the configured feeds (unique config_url).
    SQLite's BEGIN IMMEDIATE already serializes them; PostgreSQL needs a session-level
    advisory lock held on a connection of its own across migration and sync.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with db_errors(), engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _STARTUP_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _STARTUP_LOCK})
            conn.commit()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to `revision`; safe to run on every start.

    "heads", not "head": migrations written side by side each revise the same parent
    until they are chained, and every branch must still be applied.
    """
    cfg = alembic_config(engine)
    with db_errors(), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db_errors(), engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return " ".join(sorted(heads)) or None
