"""Alerts' processing cursors: the last article and page text matched."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from alerts.model import Cursor
from alerts.storage.tables import CursorRow


def position(session: Session, cursor: Cursor) -> int:
    """The last position `cursor` has read up to (0: nothing read yet)."""
    row = session.get(CursorRow, str(cursor))
    return row.position if row is not None else 0


def advance(session: Session, cursor: Cursor, to: int) -> None:
    """Move `cursor` on to `to` (never back: a batch repeated after a crash reads the
    same articles again and leaves it where it was)."""
    moved = session.execute(
        update(CursorRow)
        .where(CursorRow.name == str(cursor), CursorRow.position < to)
        .values(position=to)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount == 0 and session.get(CursorRow, str(cursor)) is None:  # type: ignore[attr-defined]
        # The migration writes both rows; this covers a schema made by create_all.
        session.add(CursorRow(name=str(cursor), position=to))
        session.flush()
