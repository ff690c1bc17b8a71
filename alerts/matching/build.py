"""From configured names to the compiled pattern tables the matcher searches with.

Pure data preparation: per name, the phonetic keys of its surname stems (with their ending
tables), the stems of its accepted first names, and its exclusion phrases. Work is cached
per surname and per first name, so a watchlist of many people sharing names builds fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

from alerts.matching.given import GIVEN, given_stems, lexicon
from alerts.matching.inflect import pattern
from alerts.matching.model import WatchName
from alerts.matching.normalize import tokens
from alerts.matching.phonetic import key
from alerts.matching.spelling import alternatives

# Keys shorter than this hit too many unrelated words to be used as bare prefixes.
MIN_STEM_KEY = 3


# How a pattern came from the configuration: the name's surname, an alias's, or a phrase
# matched as written (``variants = false``).
Kind = Literal["surname", "alias", "literal"]


class Entry(NamedTuple):
    """What one pattern means for one watched name."""

    ent: int
    stem_key: str
    table: str  # ending table; "literal" for variants=False phrases
    related: str | None
    kind: Kind
    spelled: str  # normalised stem as configured, for explanations
    # Phonetic stems, any of which the word before this one must start with, for the last
    # part of a compound surname (Ter-Petrosyan: "tar", or "car" for a Belarusian Цер-);
    # empty for a simple surname or the compound written as one word.
    prefix: tuple[str, ...] = ()
    # A spelling that reads ж as French j, which the key drops (it reads j as й): only a
    # word written with that j is this spelling ("Zaboujko"), not every word whose key
    # lacks the sound (Kraków for a Krukizhieau).
    needs_j: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    watch: WatchName
    first_stems: frozenset[str]
    literal_words: tuple[tuple[str, ...], ...]
    exclude: tuple[tuple[str, ...], ...]
    patterns: tuple[str, ...] = ()  # the surname's declension pattern (``inflect.PATTERNS``)


def words_of(s: str) -> list[str]:
    return tokens(s).split()


def word_key(w: str) -> str:
    return key(w)


def initial_stem(letter: str) -> str:
    """The stem an initial ("A.", "А.") stands for: "#" and the letter's phonetic key."""
    return "#" + key(letter)


def compound_parts(phrase: str) -> int:
    """How many words the surname (the phrase's last white-space-separated part) has:
    2 for "Levon Ter-Petrosyan", 1 for "Ales Bialiatski"."""
    last = phrase.rsplit(maxsplit=1)[-1] if phrase.split() else ""
    if last.isascii() and last.isalpha():
        return 1  # every ASCII letter is a letter of the mask: one word, no need to mask it
    return max(1, len(words_of(last)))


class Compiler:
    """Accumulates entries for many names; caches per surname and first name."""

    def __init__(self) -> None:
        self.patterns: dict[str, list[Entry]] = {}
        self.entities: list[Entity] = []
        self._surname_cache: dict[
            tuple[str, str | None], list[tuple[str, str, str | None, str, bool]]
        ] = {}
        self._first_cache: dict[str, tuple[frozenset[str], str | None]] = {}
        self._pattern_names: dict[tuple[str, str | None], str] = {}
        # One frozenset per distinct set of first-name stems: a large watchlist repeats a
        # few hundred first names, and every object kept alive lengthens the cyclic GC's
        # full collections, which a long-running matcher pays for.
        self._stem_sets: dict[frozenset[str], frozenset[str]] = {}

    def first_name(self, w: str) -> tuple[frozenset[str], str | None]:
        """Accepted stems for a configured first name and its gender, if known."""
        hit = self._first_cache.get(w)
        if hit is not None:
            return hit
        spellings = alternatives(w)
        own = {s for a in spellings for s in given_stems(word_key(a)) if s}
        found: set[str] = set(own)
        genders: set[str] = set()
        for gid in GIVEN.groups_of(own):
            found |= GIVEN.stems_of(gid)
            genders.add(GIVEN.gender_of(gid))
        if not genders:
            g = lexicon().gender_of(w)
            if g:
                genders.add(g)
        # "A. Lukashenko": an initial of the person's own first name.
        found |= {initial_stem(a[0]) for a in spellings if a}
        gender = genders.pop() if len(genders) == 1 else None
        result = (frozenset(found), gender)
        self._first_cache[w] = result
        return result

    def surname(self, w: str, gender: str | None) -> list[tuple[str, str, str | None, str, bool]]:
        """(stem key, ending table, related table, spelled stem, whether the spelling
        needs a j: ``Entry.needs_j``) for a surname."""
        ck = (w, gender)
        hit = self._surname_cache.get(ck)
        if hit is not None:
            return hit
        chosen: dict[tuple[str, str], tuple[str, str, str | None, str, bool]] = {}
        found = pattern(w, gender)
        self._pattern_names[ck] = found.name
        spellings = [alternatives(st.stem) for st in found.stems]
        # One key pass for the stems and all their spellings (the key keeps spaces one
        # for one): a big watchlist keys hundreds of thousands of them.
        flat = [st.stem for st in found.stems] + [a for sp in spellings for a in sp]
        if any(" " in x for x in flat):
            keyed = [word_key(x) for x in flat]
        else:
            keyed = key(" ".join(flat)).split(" ")
        keys = dict(zip(flat, keyed, strict=True))
        for st, spelled_all in zip(found.stems, spellings, strict=True):
            sounds = _consonants(keys[st.stem])
            for spelled in spelled_all:
                sk = keys[spelled]
                if len(sk) < MIN_STEM_KEY:
                    continue
                # The French j for ж is a sound the key does not read (it reads j as й):
                # one such letter is a spelling, two leave too little of the name to
                # tell it from other words (Zhuzhyvaau as "Jouj…", key "ava").
                if _consonants(sk) < sounds - 1:
                    continue
                needs_j = spelled.count("й") > st.stem.count("й")
                known = chosen.get((sk, st.endings))
                # One entry per key and table; a spelling that needs no j wins.
                if known is None or (known[4] and not needs_j):
                    chosen[(sk, st.endings)] = (sk, st.endings, st.related, spelled, needs_j)
        out = list(chosen.values())
        if not out:
            # A very short surname ("Li"): only the whole word, in no other form.
            out.append((word_key(w), "indecl", None, w, False))
        self._surname_cache[ck] = out
        return out

    def pattern_name(self, w: str, gender: str | None) -> str:
        """The declension pattern ``surname`` found for a surname (``inflect.PATTERNS``)."""
        self.surname(w, gender)
        return self._pattern_names[(w, gender)]

    def add(self, watch: WatchName) -> None:
        ent = len(self.entities)
        first_stems: set[str] = set()
        literal: list[tuple[str, ...]] = []
        patterns: list[str] = []
        phrases: list[tuple[Kind, str]] = [("surname", watch.name)]
        phrases += [("alias", a) for a in watch.aliases]
        for kind, phrase in phrases:
            ws = words_of(phrase)
            if not ws:
                continue
            if not watch.variants:
                literal.append(tuple(ws))
                pk = key(" ".join(ws))
                self._add_pattern(" " + pk, Entry(ent, pk, "literal", None, "literal", phrase))
                continue
            parts = min(compound_parts(phrase), len(ws))
            gender: str | None = None
            for f in ws[:-parts]:
                f_stems, f_gender = self.first_name(f)
                first_stems |= f_stems
                gender = gender or f_gender
            if gender is None and len(ws) > parts and ws[0][-1] in "aая":
                gender = "f"
            surname = ws[-parts:]
            patterns.append(self.pattern_name(surname[-1], gender))
            if len(surname) > 1:
                patterns.append("compound")
            # A compound surname is one unit: its last part must follow the others (hyphen,
            # space or nothing between them: Ter-Petrosyan, Ter Petrosyan, Terpetrosyan);
            # written as one word it is a surname of its own.
            prefix = self._prefix_keys(surname[-2], gender) if len(surname) > 1 else ()
            for sk, table, related, spelled, j in self.surname(surname[-1], gender):
                entry = Entry(ent, sk, table, related, kind, spelled, prefix, j)
                self._add_pattern(" " + sk, entry)
            if prefix:
                joined = "".join(surname)
                for sk, table, related, spelled, j in self.surname(joined, gender):
                    entry = Entry(ent, sk, table, related, kind, spelled, (), j)
                    self._add_pattern(" " + sk, entry)
        exclude = tuple(tuple(word_key(w) for w in words_of(p)) for p in watch.exclude)
        self.entities.append(
            Entity(
                watch,
                self._stem_sets.setdefault(frozenset(first_stems), frozenset(first_stems)),
                tuple(literal),
                tuple(e for e in exclude if e),
                tuple(dict.fromkeys(patterns)),
            )
        )

    def _prefix_keys(self, part: str, gender: str | None) -> tuple[str, ...]:
        """The phonetic stems the part before a compound's last one starts with in any of
        its forms and spellings (Римского-Корсакова: "ramsk")."""
        keys = {sk for sk, *_ in self.surname(part, gender)}
        return tuple(sorted(keys)) if keys else (word_key(part),)

    def _add_pattern(self, pattern: str, entry: Entry) -> None:
        bucket = self.patterns.setdefault(pattern, [])
        if not any(
            e.ent == entry.ent and e.table == entry.table and e.prefix == entry.prefix
            for e in bucket
        ):
            bucket.append(entry)


def compile_names(names: Iterable[WatchName]) -> Compiler:
    c = Compiler()
    for n in names:
        c.add(n)
    return c


def _consonants(k: str) -> int:
    """Consonant sounds in a phonetic key (the key writes every vowel as "a")."""
    return len(k) - k.count("a")
