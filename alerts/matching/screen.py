"""The first, cheap stage of matching: which chunks of display text could hold a candidate.

A chunk is a run of non-white-space characters. Its verdict depends on nothing around it:
its words' phonetic keys start with a surname stem and end in an ending that stem takes, or
a word is the first word of a literal phrase, or it holds a hashtag. Verdicts are cached per
chunk, and new chunks are judged together in a few C-level passes, so that news text, which
repeats its words heavily, costs one dict lookup per distinct chunk. Only the articles with a
chunk that passes go through full verification; a chunk that passes may still be rejected
there, a chunk that fails can never produce a mention.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from itertools import accumulate

from alerts.matching.automaton import KeyIndex
from alerts.matching.build import Entry
from alerts.matching.inflect import TABLES
from alerts.matching.normalize import JOINER, tokens
from alerts.matching.phonetic import key

# Skipping n words of the mask at C speed: the key text has one space per mask space.
_SKIPS = tuple((n, re.compile(f"(?:[^ ]* ){{{n}}}")) for n in (4096, 512, 64, 8, 1))
# Caches are cleared, not evicted, when full: cheap, and news vocabulary refills them fast.
_MAX_CACHE = 500_000

_STEM_CACHE: dict[tuple[str, str], int | None] = {}


def stem_len(w: str, stem_key: str) -> int | None:
    """Longest prefix of the normalised word whose key is ``stem_key``."""
    ck = (w, stem_key)
    if ck in _STEM_CACHE:
        return _STEM_CACHE[ck]
    found: int | None = None
    n = len(stem_key)
    for cut in range(len(w), 0, -1):
        k = key(w[:cut])
        if k == stem_key:
            found = cut
            break
        if len(k) < n - 1:
            break
    if len(_STEM_CACHE) > _MAX_CACHE:
        _STEM_CACHE.clear()
    _STEM_CACHE[ck] = found
    return found


def skip_words(tok: str, pos: int, count: int) -> int:
    for n, rx in _SKIPS:
        while count >= n:
            m = rx.match(tok, pos)
            if m is None:
                return len(tok)
            pos = m.end()
            count -= n
    return pos


def takes_ending(w: str, bucket: list[Entry]) -> bool:
    """True when some entry's stem starts the word and its ending is one the stem takes."""
    for e in bucket:
        if e.table == "literal":
            continue
        cut = stem_len(w, e.stem_key)
        if cut is None:
            continue
        ending = w[cut:].replace(JOINER, "")
        if ending in TABLES[e.table] or (e.related and ending in TABLES[e.related]):
            return True
    return False


class Screen:
    """Per-chunk verdicts against one matcher's stem index."""

    __slots__ = ("_entries", "_index", "_literal_first", "_verdict")

    def __init__(
        self, index: KeyIndex, entries: list[tuple[int, list[Entry]]], literal_first: frozenset[str]
    ) -> None:
        self._index = index
        self._entries = entries
        self._literal_first = literal_first
        self._verdict: dict[str, bool] = {}

    def hot(self, chunks: Iterable[str]) -> list[str]:
        """The chunks (distinct, white-space free) that could hold a candidate."""
        verdict = self._verdict
        chunks = list(chunks)
        new = [c for c in chunks if c not in verdict]
        if new:
            if len(verdict) + len(new) > _MAX_CACHE:
                verdict.clear()
            verdict.update(zip(new, self._judge(new), strict=True))
        return [c for c in chunks if verdict[c]]

    def _judge(self, new: list[str]) -> list[bool]:
        starts = [0, *accumulate(len(c) + 1 for c in new)]
        tok = tokens(" ".join(new))
        out = ["#" in c for c in new]
        if self._literal_first:
            for i, c in enumerate(new):
                words = tok[starts[i] : starts[i] + len(c)].split()
                if any(w.replace(JOINER, "") in self._literal_first for w in words):
                    out[i] = True
        text = " " + key(tok)
        hits = sorted(
            (end - self._entries[slot][0] + 1, slot) for end, slot in self._index.find(text)
        )
        last_key = 0
        pos = 0
        for start, slot in hits:
            if start > last_key:
                pos = skip_words(tok, pos, text.count(" ", last_key + 1, start + 1))
                last_key = start
            i = bisect.bisect_right(starts, pos) - 1
            if out[i]:
                continue
            end = tok.find(" ", pos)
            end = len(tok) if end == -1 else end
            if takes_ending(tok[pos:end], self._entries[slot][1]):
                out[i] = True
        return out
