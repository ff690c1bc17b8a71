"""Incremental story grouping: place each arriving document into a story or start one.

Pure with respect to time (documents carry their own `published`); keeps an
inverted index from feature key to the documents of the window, so placing one
document touches only the documents that share a rare-enough key with it.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.stories.features import Features, extract
from alerts.stories.model import Placement, StoryDoc
from alerts.stories.similarity import Tuning, idf, mass, score

log = logging.getLogger(__name__)

# Keys carried by more than this share of the window are too common to find
# candidates by ("Belarus" in a Belarus-watching deployment); they still count in
# the score of the candidates found through rarer keys. The ceiling keeps the
# postings visited per article constant however large the window grows: an event's
# reports share rarer keys (its numbers, places, uncommon words) than that.
_COMMON_SHARE = 0.05
_COMMON_FLOOR = 50
_COMMON_CEILING = 200
# A member's mass is reused until the window has changed by this share (weights
# drift with document frequencies; a small drift moves no decision measurably).
_MASS_DRIFT = 0.05
# Only the best candidates by raw overlap get the full score.
_SHORTLIST = 24
_SAME_LANG_VETO = 0.7


@dataclass(frozen=True, slots=True)
class _Member:
    features: Features
    published: datetime
    story_id: int


@dataclass(slots=True)
class _StoryEvidence:
    """The best scores one story's members gave a newcomer, split by language."""

    best: float = 0.0
    best_same_lang: float | None = None
    via: int = 0
    why: str = ""
    # The best score per language of the members: corroboration counts only a report in
    # another language than the best one's. Two reports in one language may be one text
    # (a wire story republished, one outlet's teaser and its page); in two languages
    # they were written apart, so each is a witness of its own.
    by_lang: dict[str, float] = field(default_factory=dict)

    def note(self, value: float, doc_id: int, why: str, same_lang: bool, lang: str) -> None:
        if same_lang:
            self.best_same_lang = max(value, self.best_same_lang or 0.0)
        if value > self.best or not self.why:
            self.best, self.via, self.why = value, doc_id, why
        self.by_lang[lang] = max(value, self.by_lang.get(lang, 0.0))

    @property
    def second(self) -> float:
        """The best score from a member in another language than the best score's."""
        top = heapq.nlargest(2, self.by_lang.values())
        return top[1] if len(top) > 1 else 0.0

    def value(self, threshold: float, corroboration: float) -> float:
        # A report in the newcomer's own language is the best-informed comparison: when
        # it clearly disagrees, a cross-language resemblance (same person, same city,
        # same weekday) does not outvote it (a Stockholm meeting vs. a Stockholm lecture).
        veto = _SAME_LANG_VETO * threshold
        if self.best_same_lang is not None and self.best_same_lang < veto:
            return min(self.best, self.best_same_lang)
        return self.best + corroboration * self.second


# What a grouper is warmed with: the stored members of the window and their stories.
Loader = Callable[[], Iterable[tuple[StoryDoc, int]]]


class StoryGrouper:
    """Places documents into stories; `place` decides, `add` records, `evict` forgets.

    `add`s made between `begin` and `commit` are undone by `rollback`, so the index
    follows the database transaction that stored the placements. `loader`, when given,
    warms the index on first use rather than at construction: a process that never
    places an article (a poll where every feed answered 304) never reads the window.
    """

    def __init__(
        self,
        *,
        window: timedelta = timedelta(hours=48),
        threshold: float = 1.0,
        tuning: Tuning | None = None,
        loader: Loader | None = None,
    ) -> None:
        self._loader = loader
        self._journal: list[tuple[int, _Member | None]] | None = None
        self._window = window
        self._threshold = threshold
        self._tuning = tuning or Tuning()
        self._kind_weight = dict(self._tuning.kind_weight)
        self._members: dict[int, _Member] = {}
        self._index: dict[str, set[int]] = {}
        self._by_time: list[tuple[datetime, int]] = []
        self._masses: dict[int, tuple[float, int]] = {}
        # place() then add() of one document is the normal sequence: extract once.
        self._last: tuple[StoryDoc, Features] | None = None

    def __len__(self) -> int:
        self._load()
        return len(self._members)

    @property
    def loaded(self) -> bool:
        return self._loader is None

    def _load(self) -> None:
        loader, self._loader = self._loader, None
        if loader is not None:
            for doc, story_id in loader():
                self._record(doc, story_id)
            # Priced against the whole window, not the part loaded before each member.
            n = len(self._members)
            for doc_id, member in self._members.items():
                self._masses[doc_id] = (mass(member.features, self.weight, self._tuning), n)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Around a database transaction: its `add`s stay only if it commits (enter
        this before the transaction, so that its commit is inside, and its warming
        reads the database before the transaction holds a write lock)."""
        self._load()
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def begin(self) -> None:
        """Start journaling `add`s, so that `rollback` can undo them."""
        self._journal = []

    def commit(self) -> None:
        """Keep the `add`s since `begin`."""
        self._journal = None

    def rollback(self) -> None:
        """Undo the `add`s since `begin` (their transaction did not commit)."""
        journal, self._journal = self._journal or [], None
        for doc_id, previous in reversed(journal):
            if doc_id in self._members:
                self._forget(doc_id)
            if previous is not None:
                self._insert(doc_id, previous)

    def weight(self, key: str) -> float:
        """The current weight of a feature key (kind weight times its rarity here)."""
        df = len(self._index.get(key, ()))
        n = len(self._members)
        kind = self._kind_weight.get(key[0], 1.0)
        return kind * idf(df, n, self._tuning.idf_prior_docs)

    def _features(self, doc: StoryDoc) -> Features:
        if self._last is not None and self._last[0] == doc:
            return self._last[1]
        features = extract(doc)
        self._last = (doc, features)
        return features

    def _memo_weigher(self) -> Callable[[str], float]:
        # Weights do not change while one document is placed; each key is priced once.
        memo: dict[str, float] = {}

        def weigh(key: str) -> float:
            value = memo.get(key)
            if value is None:
                value = memo[key] = self.weight(key)
            return value

        return weigh

    def _candidates(
        self, features: Features, published: datetime, weigh: Callable[[str], float]
    ) -> list[int]:
        share = int(_COMMON_SHARE * len(self._members))
        cap = min(max(_COMMON_FLOOR, share), _COMMON_CEILING)
        partial: dict[int, float] = {}
        for key in features.keys:
            postings = self._index.get(key)
            if not postings or len(postings) > cap:
                continue
            weight = weigh(key)
            for doc_id in postings:
                partial[doc_id] = partial.get(doc_id, 0.0) + weight
        best = heapq.nlargest(4 * _SHORTLIST, partial, key=partial.__getitem__)
        near = [d for d in best if abs(self._members[d].published - published) <= self._window]
        return near[:_SHORTLIST]

    def _mass(self, doc_id: int, weigh: Callable[[str], float]) -> float:
        n = len(self._members)
        cached = self._masses.get(doc_id)
        if cached is not None and abs(n - cached[1]) <= _MASS_DRIFT * cached[1]:
            return cached[0]
        value = mass(self._members[doc_id].features, weigh, self._tuning)
        self._masses[doc_id] = (value, n)
        return value

    def place(self, doc: StoryDoc) -> Placement:
        """Which story `doc` belongs to (None: a new one), without recording it."""
        self._load()
        features = self._features(doc)
        stories: dict[int, _StoryEvidence] = {}
        weigh = self._memo_weigher()
        own_mass = mass(features, weigh, self._tuning)
        for doc_id in self._candidates(features, doc.published, weigh):
            member = self._members[doc_id]
            result = score(
                features,
                member.features,
                doc.published - member.published,
                weigh,
                self._tuning,
                (own_mass, self._mass(doc_id, weigh)),
            )
            evidence = stories.setdefault(member.story_id, _StoryEvidence())
            same_lang = member.features.lang == features.lang
            evidence.note(result.value, doc_id, result.reason, same_lang, member.features.lang)
        ranked = sorted(
            (
                (e.value(self._threshold, self._tuning.corroboration), story_id, e)
                for story_id, e in stories.items()
            ),
            key=lambda row: row[0],
            reverse=True,
        )
        if ranked and ranked[0][0] >= self._threshold:
            value, story_id, evidence = ranked[0]
            also = f" (and another member at {evidence.second:.2f})" if evidence.second else ""
            why = f"joins story {story_id} via {evidence.via}{also}: {evidence.why}"
            placement = Placement(story_id, value, why)
        elif ranked:
            value, _, evidence = ranked[0]
            veto = " (its same-language report disagrees)" if value < evidence.best else ""
            why = f"new story; nearest {evidence.via} too far{veto}: {evidence.why}"
            placement = Placement(None, value, why)
        else:
            placement = Placement(None, 0.0, "new story; nothing in the window shares a key")
        log.debug("story placement article=%s %s", doc.article_id, placement.reason)
        return placement

    def add(self, doc: StoryDoc, story_id: int) -> None:
        """Record `doc` as a member of `story_id` (after `place`, or warming up)."""
        self._load()
        if self._journal is not None:
            self._journal.append((doc.article_id, self._members.get(doc.article_id)))
        self._record(doc, story_id)

    def absorb(self, placed: Iterable[tuple[StoryDoc, int]]) -> int:
        """Record members another process placed and committed (a daemon sharing the
        database): kept whatever this process's transaction does, and skipped when
        already known. Returns how many were new here."""
        self._load()
        added = 0
        for doc, story_id in placed:
            if doc.article_id not in self._members:
                self._record(doc, story_id)
                added += 1
        return added

    def _record(self, doc: StoryDoc, story_id: int) -> None:
        if doc.article_id in self._members:
            self._forget(doc.article_id)
        self._insert(doc.article_id, _Member(self._features(doc), doc.published, story_id))

    def _insert(self, doc_id: int, member: _Member) -> None:
        self._members[doc_id] = member
        for key in member.features.keys:
            self._index.setdefault(key, set()).add(doc_id)
        n = len(self._members)
        self._masses[doc_id] = (mass(member.features, self.weight, self._tuning), n)
        heapq.heappush(self._by_time, (member.published, doc_id))

    def evict(self, before: datetime) -> None:
        """Forget every document published before `before` (nothing, if not loaded yet:
        the loader reads only the window)."""
        while self._by_time and self._by_time[0][0] < before:
            published, doc_id = heapq.heappop(self._by_time)
            member = self._members.get(doc_id)
            if member is not None and member.published == published:
                self._forget(doc_id)

    def _forget(self, doc_id: int) -> None:
        self._masses.pop(doc_id, None)
        member = self._members.pop(doc_id)
        for key in member.features.keys:
            postings = self._index.get(key)
            if postings is not None:
                postings.discard(doc_id)
                if not postings:
                    del self._index[key]
