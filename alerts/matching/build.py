"""From configured names to the compiled pattern tables the matcher searches with.

Pure data preparation: per name, the phonetic keys of its surname stems (with their ending
tables), the stems of its accepted first names, and its exclusion phrases. Work is cached
per surname and per first name, so a watchlist of many people sharing names builds fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from alerts.matching.given import GIVEN, given_stem
from alerts.matching.inflect import stems
from alerts.matching.model import WatchName
from alerts.matching.normalize import tokens
from alerts.matching.phonetic import key
from alerts.matching.spelling import alternatives

# Keys shorter than this hit too many unrelated words to be used as bare prefixes.
MIN_STEM_KEY = 3


class Entry(NamedTuple):
    """What one pattern means for one watched name."""

    ent: int
    stem_key: str
    table: str  # ending table; "literal" for variants=False phrases
    related: str | None
    kind: str  # "surname", "alias" or "literal"
    spelled: str  # normalised stem as configured, for explanations


@dataclass(frozen=True, slots=True)
class Entity:
    watch: WatchName
    first_stems: frozenset[str]
    literal_words: tuple[tuple[str, ...], ...]
    exclude: tuple[tuple[str, ...], ...]


def words_of(s: str) -> list[str]:
    return tokens(s).split()


def word_key(w: str) -> str:
    return key(w)


class Compiler:
    """Accumulates entries for many names; caches per surname and first name."""

    def __init__(self) -> None:
        self.patterns: dict[str, list[Entry]] = {}
        self.entities: list[Entity] = []
        self._surname_cache: dict[
            tuple[str, str | None], list[tuple[str, str, str | None, str]]
        ] = {}
        self._first_cache: dict[str, tuple[frozenset[str], str | None]] = {}
        # One frozenset per distinct set of first-name stems: a large watchlist repeats a
        # few hundred first names, and every object kept alive lengthens the cyclic GC's
        # full collections, which a long-running matcher pays for.
        self._stem_sets: dict[frozenset[str], frozenset[str]] = {}

    def first_name(self, w: str) -> tuple[frozenset[str], str | None]:
        """Accepted stems for a configured first name and its gender, if known."""
        hit = self._first_cache.get(w)
        if hit is not None:
            return hit
        own = {given_stem(word_key(a)) for a in alternatives(w)}
        own = {s for s in own if s}
        found: set[str] = set(own)
        genders: set[str] = set()
        for gid in GIVEN.groups_of(own):
            found |= GIVEN.stems_of(gid)
            genders.add(GIVEN.gender_of(gid))
        gender = genders.pop() if len(genders) == 1 else None
        result = (frozenset(found), gender)
        self._first_cache[w] = result
        return result

    def surname(self, w: str, gender: str | None) -> list[tuple[str, str, str | None, str]]:
        """(stem key, ending table, related table, spelled stem) for a surname."""
        ck = (w, gender)
        hit = self._surname_cache.get(ck)
        if hit is not None:
            return hit
        out: list[tuple[str, str, str | None, str]] = []
        seen: set[tuple[str, str]] = set()
        for st in stems(w, gender):
            for spelled in alternatives(st.stem):
                sk = word_key(spelled)
                if len(sk) < MIN_STEM_KEY:
                    continue
                if (sk, st.endings) in seen:
                    continue
                seen.add((sk, st.endings))
                out.append((sk, st.endings, st.related, spelled))
        if not out:
            # A very short surname ("Li"): only the whole word, in no other form.
            out.append((word_key(w), "indecl", None, w))
        self._surname_cache[ck] = out
        return out

    def add(self, watch: WatchName) -> None:
        ent = len(self.entities)
        first_stems: set[str] = set()
        literal: list[tuple[str, ...]] = []
        for kind, phrase in [("surname", watch.name)] + [("alias", a) for a in watch.aliases]:
            ws = words_of(phrase)
            if not ws:
                continue
            if not watch.variants:
                literal.append(tuple(ws))
                pk = key(" ".join(ws))
                self._add_pattern(" " + pk, Entry(ent, pk, "literal", None, "literal", phrase))
                continue
            gender: str | None = None
            for f in ws[:-1]:
                f_stems, f_gender = self.first_name(f)
                first_stems |= f_stems
                gender = gender or f_gender
            if gender is None and len(ws) > 1 and ws[0][-1] in "aая":
                gender = "f"
            for sk, table, related, spelled in self.surname(ws[-1], gender):
                self._add_pattern(" " + sk, Entry(ent, sk, table, related, kind, spelled))
        exclude = tuple(tuple(word_key(w) for w in words_of(p)) for p in watch.exclude)
        self.entities.append(
            Entity(
                watch,
                self._stem_sets.setdefault(frozenset(first_stems), frozenset(first_stems)),
                tuple(literal),
                tuple(e for e in exclude if e),
            )
        )

    def _add_pattern(self, pattern: str, entry: Entry) -> None:
        bucket = self.patterns.setdefault(pattern, [])
        if not any(e.ent == entry.ent and e.table == entry.table for e in bucket):
            bucket.append(entry)


def compile_names(names: Iterable[WatchName]) -> Compiler:
    c = Compiler()
    for n in names:
        c.add(n)
    return c
