"""The first stage of matching: which words of the text could be a form of a watched name.

A word's verdict depends on the word alone: its phonetic key starts with a surname stem and
the rest of the word is an ending that stem takes, or it is the first word of a literal
phrase. So the verdict is one exact lookup per distinct word: the key's prefixes are looked
up in a dict of stems (one dict probe per possible stem length, whatever the watchlist's
size), and the readings found are cached per word. News text repeats its words heavily, so
a batch costs a C-level split, a set difference against the cache and a set intersection
with the words already known to be hot.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from alerts.matching.build import Entry, words_of
from alerts.matching.inflect import TABLES
from alerts.matching.normalize import JOINER
from alerts.matching.phonetic import key

# The cache is cleared, not evicted, when full: cheap, and news vocabulary refills it fast.
_MAX_CACHE = 500_000


class Reading(NamedTuple):
    """One way a word can be read as a form of one watched name's surname or phrase."""

    entry: Entry
    variant: str  # the word, normalised, joiners dropped
    ending: str
    label: str  # the ending's label in the entry's own table, "" when not in it
    related: str  # the ending's label in the other gender's table, "" when not in it

    @property
    def accepts(self) -> bool:
        return bool(self.label or self.related) or self.entry.table == "literal"


def stem_len(w: str, stem_key: str) -> int | None:
    """Longest prefix of the normalised word whose key is ``stem_key``."""
    n = len(stem_key)
    for cut in range(len(w), 0, -1):
        k = key(w[:cut])
        if k == stem_key:
            return cut
        if len(k) < n - 1:
            return None
    return None


class Lexicon:
    """Stems and literal first words of one watchlist, with per-word readings cached."""

    __slots__ = ("_cache", "_hot", "_lengths", "_literal", "_stems")

    def __init__(self, patterns: dict[str, list[Entry]]) -> None:
        # Pattern order is kept as a rank: a word's readings come out in the order the
        # watchlist gave its patterns, so duplicate readings resolve the same way each time.
        self._stems: dict[str, tuple[int, list[Entry]]] = {}
        self._literal: dict[str, list[Entry]] = {}
        for rank, (pattern, bucket) in enumerate(patterns.items()):
            stems = [e for e in bucket if e.table != "literal"]
            if stems:
                self._stems[pattern.lstrip(" ")] = (rank, stems)
            for e in bucket:
                # A literal phrase starts at its exact first word; the rest is checked
                # in place. One entry per name and first word: all its phrases are tried.
                first = words_of(e.spelled)[:1] if e.table == "literal" else []
                if first and not any(x.ent == e.ent for x in self._literal.get(first[0], ())):
                    self._literal.setdefault(first[0], []).append(e)
        self._lengths = sorted({len(k) for k in self._stems})
        self._cache: dict[str, tuple[Reading, ...]] = {}
        self._hot: set[str] = set()

    def hot(self, words: Iterable[str]) -> set[str]:
        """The distinct words among ``words`` that have at least one accepting reading."""
        distinct = words if isinstance(words, set) else set(words)
        new = distinct.difference(self._cache)  # iterates the smaller side: not the cache
        if new:
            if len(self._cache) + len(new) > _MAX_CACHE:
                self._cache.clear()
                self._hot.clear()
            self._learn(list(new))
        return distinct & self._hot

    def readings(self, w: str) -> tuple[Reading, ...]:
        """Accepting readings of a word that ``hot`` has seen."""
        return self._cache[w]

    def all_readings(self, w: str) -> list[Reading]:
        """Every reading of a word, those whose ending the stem does not take included."""
        return self._read(w, key(w))

    def _learn(self, new: list[str]) -> None:
        new = [w for w in new if w]
        keys = key(" ".join(new)).split(" ")
        cache, hot = self._cache, self._hot
        for w, k in zip(new, keys, strict=True):
            found = tuple(r for r in self._read(w, k) if r.accepts)
            cache[w] = found
            if found:
                hot.add(w)
        cache[""] = ()

    def _read(self, w: str, k: str) -> list[Reading]:
        ranked: list[tuple[int, Reading]] = []
        variant = w.replace(JOINER, "") if JOINER in w else w
        lit = self._literal.get(variant)
        if lit:
            ranked += ((-1, Reading(e, variant, "", "", "")) for e in lit)
        stems = self._stems
        for n in self._lengths:
            if n > len(k):
                break
            hit = stems.get(k[:n])
            if hit is None:
                continue
            rank, bucket = hit
            for e in bucket:
                cut = stem_len(w, e.stem_key)
                if cut is None:
                    continue
                ending = w[cut:].replace(JOINER, "")
                label = TABLES[e.table].get(ending, "")
                rel = TABLES[e.related].get(ending, "") if e.related else ""
                ranked.append((rank, Reading(e, variant, ending, label, rel)))
        ranked.sort(key=lambda x: x[0])
        return [r for _, r in ranked]
