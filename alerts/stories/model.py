"""Frozen values crossing the story grouper's boundary: a document in, a placement out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """One stored article as the grouper sees it (plain text, UTC-aware time)."""

    article_id: int
    source: str
    title: str
    text: str
    published: datetime
    lang: str | None = None
    people: frozenset[str] = frozenset()
    # How those people are written here (matched mentions, configured names). Their
    # words are the person, already counted once through `people`: counted again as
    # ordinary words, one shared person would outweigh everything else two reports say.
    names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Placement:
    """The grouper's decision for one document: join `story_id`, or start a story (None)."""

    story_id: int | None
    score: float
    reason: str
