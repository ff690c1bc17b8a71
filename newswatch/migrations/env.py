"""Alembic environment: newswatch's tables, on the connection handed in by the caller."""

from __future__ import annotations

from alembic import context

import alerts.storage  # noqa: F401  (registers alerts' tables on the shared metadata)
import ingest.storage  # noqa: F401
from ingest.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from ingest.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
