"""A SQLite engine refuses new connections once its file is not the one it opened.

Connections already open keep the old file; its `-shm` index is shared by name, so a
connection that ran even one statement on a file swapped in would truncate that index
under their memory maps (SIGBUS). The refusal comes before any statement: the new file
and the shared index are left as they were."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ingest.db import make_engine


def _replace(db: Path) -> None:
    other = db.with_name("restored.db")
    sqlite3.connect(other).close()
    os.replace(other, db)


def _delete(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("damage", "words"), [(_replace, "was replaced"), (_delete, "was deleted")]
)
def test_a_new_connection_to_a_changed_file_is_refused_before_any_statement(
    tmp_path: Path, damage: Callable[[Path], None], words: str
) -> None:
    db = tmp_path / "newswatch.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        held = engine.connect()
        held.execute(text("CREATE TABLE t (x INTEGER)"))
        held.commit()
        shm = Path(f"{db}-shm")
        shm_size = shm.stat().st_size
        damage(db)
        # A second connection while the first is checked out: the pool must open one.
        with pytest.raises(OperationalError, match=words):
            engine.connect()
        if words == "was replaced":
            assert db.stat().st_size == 0  # no header written into the restored file
            assert shm.stat().st_size == shm_size  # the shared index was not truncated
        else:
            assert not db.exists()  # not created again, empty
        held.close()
    finally:
        engine.dispose()


def test_the_same_file_reconnects_freely(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'newswatch.db'}")
    try:
        for _ in range(3):
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
            engine.dispose()  # every round opens a new connection
    finally:
        engine.dispose()
