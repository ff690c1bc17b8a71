"""Stories: which articles report one event, and what a story has already alerted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from alerts.storage.tables import (
    ArticleStoryRow,
    HitRow,
    StoryRow,
)
from ingest import storage as istore
from ingest.db import chunks
from ingest.model import ArticleHeader, StoredArticle


def create_story(session: Session, article_id: int, title: str, now: datetime) -> int:
    row = StoryRow(first_article_id=article_id, title=title[:1000], first_seen=now, last_seen=now)
    session.add(row)
    session.flush()
    return row.id


def assign_story(
    session: Session, article_id: int, story_id: int, reason: str, now: datetime
) -> None:
    """Put an article in a story (once: a repeated batch after a crash keeps the first)."""
    if session.get(ArticleStoryRow, article_id) is not None:
        return
    session.add(ArticleStoryRow(article_id=article_id, story_id=story_id, reason=reason[:2000]))
    session.execute(update(StoryRow).where(StoryRow.id == story_id).values(last_seen=now))


def story_of(session: Session, article_id: int) -> int | None:
    row = session.get(ArticleStoryRow, article_id)
    return row.story_id if row is not None else None


def story_members_since(
    session: Session, since: datetime, after_seq: int | None = None
) -> list[tuple[int, int]]:
    """(article id, story id) for articles first seen since `since`, oldest first; with
    `after_seq`, only those placed by a batch stamped after it."""
    window = istore.ids_first_seen_since(session, since)
    if not window:
        return []
    # Placements are keyed by article id, so the window's first id bounds the scan.
    query = select(ArticleStoryRow.article_id, ArticleStoryRow.story_id).where(
        ArticleStoryRow.article_id >= window[0]
    )
    if after_seq is not None:
        query = query.where(ArticleStoryRow.seq > after_seq)
    wanted = set(window)
    return sorted((a, s) for a, s in session.execute(query) if a in wanted)


def placement_seq(session: Session) -> int:
    """The last placement batch stamped (0: none yet)."""
    latest = session.execute(select(func.max(ArticleStoryRow.seq))).scalar_one()
    return int(latest or 0)


def stamp_placements(session: Session) -> int:
    """Stamp this transaction's placements with the next batch number; returns the
    last batch number after it. Call it under the matching lock (`serialize_matching`),
    so that batch numbers commit in the order they are counted."""
    latest = placement_seq(session)
    stamped = session.execute(
        update(ArticleStoryRow)
        .where(ArticleStoryRow.seq.is_(None))
        .values(seq=latest + 1)
        .execution_options(synchronize_session=False)
    )
    return latest + 1 if stamped.rowcount else latest  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class StoryMember:
    """A stored member of a story, with its hits: what warms a story index."""

    article: StoredArticle
    story_id: int
    people: frozenset[str]  # the configured names its hits are for
    forms: frozenset[str]  # how those names are written in it


def story_window(
    session: Session, since: datetime, after_seq: int | None = None
) -> list[StoryMember]:
    """The members of stories among articles first seen since `since`, oldest first
    (with `after_seq`, only those placed after that batch)."""
    members = story_members_since(session, since, after_seq)
    articles = istore.articles_by_id(session, [a for a, _ in members])
    people: dict[int, set[str]] = {}
    forms: dict[int, set[str]] = {}
    for chunk in chunks([a for a, _ in members]):
        for article_id, name, matched in session.execute(
            select(HitRow.article_id, HitRow.name, HitRow.matched).where(
                HitRow.article_id.in_(chunk)
            )
        ):
            people.setdefault(article_id, set()).add(name)
            forms.setdefault(article_id, set()).add(matched)
    return [
        StoryMember(articles[a], s, frozenset(people.get(a, ())), frozenset(forms.get(a, ())))
        for a, s in members
        if a in articles
    ]


def names_alerted_in_story(
    session: Session, watchlist: str, story_id: int, exclude_article: int
) -> set[str]:
    """Names of `watchlist` already hit by another alertable article of the story."""
    rows = session.execute(
        select(HitRow.article_id, HitRow.name)
        .join(ArticleStoryRow, ArticleStoryRow.article_id == HitRow.article_id)
        .where(
            ArticleStoryRow.story_id == story_id,
            HitRow.watchlist == watchlist,
            HitRow.article_id != exclude_article,
        )
    ).all()
    headers = istore.article_headers(session, [a for a, _ in rows])
    return {name for a, name in rows if a in headers and headers[a].alertable}


def _story_articles(session: Session, story_id: int) -> list[ArticleHeader]:
    """The story's stored articles in order of arrival."""
    ids = session.scalars(
        select(ArticleStoryRow.article_id)
        .where(ArticleStoryRow.story_id == story_id)
        .order_by(ArticleStoryRow.article_id)
    ).all()
    headers = istore.article_headers(session, ids)
    return [headers[a] for a in ids if a in headers]


def story_outlets(session: Session, story_id: int) -> list[str]:
    """Feed names of the story's articles in order of arrival, each once."""
    return list(dict.fromkeys(a.feed_name for a in _story_articles(session, story_id)))


@dataclass(frozen=True, slots=True)
class StoryView:
    id: int
    title: str
    first_seen: datetime
    last_seen: datetime
    articles: tuple[tuple[int, str, str | None, str], ...]  # (id, title, link, feed)
    outlets: tuple[str, ...]
    names: tuple[str, ...]


def list_stories(session: Session, since: datetime | None, limit: int | None) -> list[StoryView]:
    query = select(StoryRow).order_by(StoryRow.last_seen.desc(), StoryRow.id.desc())
    if since is not None:
        query = query.where(StoryRow.last_seen >= since)
    if limit is not None:
        query = query.limit(limit)
    stories = list(session.scalars(query))
    out = []
    for st in stories:
        members = [(a.id, a.title, a.link, a.feed_name) for a in _story_articles(session, st.id)]
        names = session.scalars(
            select(HitRow.name)
            .join(ArticleStoryRow, ArticleStoryRow.article_id == HitRow.article_id)
            .where(ArticleStoryRow.story_id == st.id)
            .distinct()
        )
        out.append(
            StoryView(
                id=st.id,
                title=st.title,
                first_seen=st.first_seen,
                last_seen=st.last_seen,
                articles=tuple((a, t, lnk, f) for a, t, lnk, f in members),
                outlets=tuple(dict.fromkeys(f for _, _, _, f in members)),
                names=tuple(sorted(set(names))),
            )
        )
    return out
