""" "Not this person": phrases a reader ruled out for one watchlist name, and the hit
that prompted each one. The matcher receives them as that name's exclude phrases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from alerts.storage.tables import HitRow
from ingest.db import Base, UTCDateTime


class ExclusionRow(Base):
    __tablename__ = "name_exclusions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(500))
    phrase: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True, slots=True)
class Exclusion:
    id: int
    watchlist: str
    name: str
    phrase: str
    article_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class HitRef:
    """What an exclusion needs to know about the hit it starts from."""

    id: int
    watchlist: str
    name: str
    article_id: int
    matched: str
    snippet: str
    snippet_start: int
    snippet_end: int


def hit_ref(session: Session, hit_id: int) -> HitRef | None:
    r = session.get(HitRow, hit_id)
    if r is None:
        return None
    return HitRef(
        r.id,
        r.watchlist,
        r.name,
        r.article_id,
        r.matched,
        r.snippet,
        r.snippet_start,
        r.snippet_end,
    )


def add_exclusion(session: Session, hit: HitRef, phrase: str, now: datetime) -> int:
    """Record the phrase for the hit's watchlist name and drop the hit it rules out."""
    row = ExclusionRow(
        watchlist=hit.watchlist,
        name=hit.name,
        phrase=phrase,
        article_id=hit.article_id,
        created_at=now,
    )
    session.add(row)
    session.execute(delete(HitRow).where(HitRow.id == hit.id))
    session.flush()
    return row.id


def list_exclusions(session: Session) -> list[Exclusion]:
    rows = session.scalars(select(ExclusionRow).order_by(ExclusionRow.id))
    return [
        Exclusion(r.id, r.watchlist, r.name, r.phrase, r.article_id, r.created_at) for r in rows
    ]


def exclusion_phrases(session: Session) -> dict[tuple[str, str], tuple[str, ...]]:
    """(watchlist, name) → its phrases, in the order they were recorded."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for e in list_exclusions(session):
        out[(e.watchlist, e.name)] = (*out.get((e.watchlist, e.name), ()), e.phrase)
    return out
