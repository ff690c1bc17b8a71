"""From configured names to the compiled pattern tables the matcher searches with.

Pure data preparation: per name, the phonetic keys of its surname stems (with their ending
tables), the stems of its accepted first names, and its exclusion phrases. Work is cached
per surname and per first name, so a watchlist of many people sharing names builds fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from alerts.matching.given import GIVEN, given_stems, lexicon
from alerts.matching.inflect import Pattern, for_key, pattern
from alerts.matching.model import WatchName
from alerts.matching.normalize import tokens
from alerts.matching.phonetic import key
from alerts.matching.spelling import alternatives
from alerts.matching.vowels import SHORT, Signature, signature

# Keys shorter than this hit too many unrelated words to be used as bare prefixes.
MIN_STEM_KEY = 3
# A spelling the configuration did not write (``spelling.alternatives``) must keep a key
# this long: Khan's Romanian-style "Han" keys as "gan", which Hon, Gone and GaN share.
MIN_ALTERNATIVE_KEY = 4


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
    # The vowels of the configured spellings of this stem (``vowels.signature``): a Latin
    # word with other vowels is this surname only after the person's own first name.
    vowels: tuple[Signature, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    watch: WatchName
    first_stems: frozenset[str]
    literal_words: tuple[tuple[str, ...], ...]
    exclude: tuple[tuple[str, ...], ...]
    patterns: tuple[str, ...] = ()  # the surname's declension pattern (``inflect.PATTERNS``)


# Surnames keyed per pass (``Compiler.surnames``): enough to spread the per-call cost.
_CHUNK = 2048

# (stem key, ending table, related table, spelled stem, needs a j: ``Entry.needs_j``, the
# vowels of its spellings: ``Entry.vowels``)
_SurnameForm = tuple[str, str, str | None, str, bool, tuple[Signature, ...]]


class _Phrase(NamedTuple):
    """A configured phrase as ``Compiler.add`` reads it."""

    kind: Kind
    phrase: str
    words: list[str]
    parts: int  # words of its surname; 0 for a phrase matched as written
    gender: str | None


def words_of(s: str) -> list[str]:
    return tokens(s).split()


def word_key(w: str) -> str:
    return key(w)


def initial_stem(letter: str) -> str:
    """The stem an initial ("A.", "А.") stands for: "#" and the letter's phonetic key."""
    return "#" + key(letter)


# Particles that belong to the surname after them ("Ursula von der Leyen", "Charles de
# Gaulle", "Marine Le Pen", "Lula da Silva", "Mohammed bin Salman"): the Dutch,
# German, French, Italian, Portuguese and Spanish nobiliary and toponymic particles and
# the Arabic and Hebrew patronymic ones. The surname is then the particle and the word
# after it, one unit: the last word alone is not the name (Leyen, Gaulle).
PARTICLES = frozenset(
    {
        "von", "van", "der", "den", "de", "di", "da", "du", "des", "del", "della", "dei", "dos",
        "das", "do", "le", "la", "zu", "af", "bin", "ibn", "ben", "bint",
    }
)  # fmt: skip


def particle_before_last(phrase: str) -> bool:
    """Whether a name's surname starts with a particle (``PARTICLES``)."""
    # Capitalised too: "Marine Le Pen", "Jean-Claude Van Damme" (a given name and a
    # particle-led surname make at least three words).
    raw = phrase.split()
    return len(raw) > 2 and raw[-2].lower() in PARTICLES


def compound_parts(phrase: str) -> int:
    """How many words the surname (the phrase's last white-space-separated part) has:
    2 for "Levon Ter-Petrosyan" and "Ursula von der Leyen", 1 for "Ales Bialiatski"."""
    last = phrase.rsplit(maxsplit=1)[-1] if phrase.split() else ""
    if particle_before_last(phrase):
        return 1 + max(1, len(words_of(last)))
    if last.isascii() and last.isalpha():
        return 1  # every ASCII letter is a letter of the mask: one word, no need to mask it
    return max(1, len(words_of(last)))


def first_names(ws: list[str], parts: int) -> list[str]:
    """The words of a name before its surname, without particles (a "von" is no name)."""
    return [w for w in ws[:-parts] if w not in PARTICLES]


class Compiler:
    """Accumulates entries for many names; caches per surname and first name."""

    def __init__(self) -> None:
        self.patterns: dict[str, list[Entry]] = {}
        self.entities: list[Entity] = []
        self._surname_cache: dict[tuple[str, str | None], list[_SurnameForm]] = {}
        self._words: dict[str, list[str]] = {}
        self._first_cache: dict[str, tuple[frozenset[str], str | None]] = {}
        self._pattern_names: dict[tuple[str, str | None], str] = {}
        # One frozenset per distinct set of first-name stems: a large watchlist repeats a
        # few hundred first names, and every object kept alive lengthens the cyclic GC's
        # full collections, which a long-running matcher pays for.
        self._stem_sets: dict[frozenset[str], frozenset[str]] = {}
        self._vowels: dict[tuple[Signature, ...], tuple[Signature, ...]] = {}

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

    def surname(self, w: str, gender: str | None) -> list[_SurnameForm]:
        """(stem key, ending table, related table, spelled stem, whether the spelling
        needs a j: ``Entry.needs_j``) for a surname."""
        hit = self._surname_cache.get((w, gender))
        if hit is None:
            self.surnames([(w, gender)])
            hit = self._surname_cache[(w, gender)]
        return hit

    def surnames(self, pairs: Iterable[tuple[str, str | None]]) -> None:
        """``surname`` for many (surname, gender) pairs at once, into the cache: their
        stems and spellings keyed in one pass per chunk, not one per surname (a big
        watchlist keys hundreds of thousands of them, and the per-call cost was most of
        the work); chunks keep what is held between the passes small."""
        todo = [ck for ck in dict.fromkeys(pairs) if ck not in self._surname_cache]
        for at in range(0, len(todo), _CHUNK):
            self._surname_chunk(todo[at : at + _CHUNK])

    def _surname_chunk(self, pairs: list[tuple[str, str | None]]) -> None:
        found = [pattern(*ck) for ck in pairs]
        spellings = [[alternatives(st.stem) for st in f.stems] for f in found]
        flat = [st.stem for f in found for st in f.stems]
        flat += [a for sp in spellings for s in sp for a in s]
        # The key keeps spaces one for one, so the words of one joined string key as
        # they would alone; a spelling with a space of its own is keyed by itself.
        bulk = [x for x in flat if " " not in x]
        keys = dict(zip(bulk, key(" ".join(bulk)).split(" "), strict=True))
        for x in flat:
            if x not in keys:
                keys[x] = word_key(x)
        for ck, f, sp in zip(pairs, found, spellings, strict=True):
            self._pattern_names[ck] = f.name
            forms = _surname_forms(ck[0], f, sp, keys)
            # One tuple per distinct set of vowels: most surnames share a few.
            self._surname_cache[ck] = [
                (sk, t, rel, sp_, j, self._vowels.setdefault(vw, vw))
                for sk, t, rel, sp_, j, vw in forms
            ]

    def pattern_name(self, w: str, gender: str | None) -> str:
        """The declension pattern ``surname`` found for a surname (``inflect.PATTERNS``)."""
        name = self._pattern_names.get((w, gender))
        if name is None:
            self.surname(w, gender)
            name = self._pattern_names[(w, gender)]
        return name

    def words(self, phrases: Iterable[str]) -> None:
        """``words_of`` for many phrases at once, into the cache (``tokens`` keeps the
        length of its input, so one pass over the phrases joined by spaces splits back)."""
        todo = [p for p in dict.fromkeys(phrases) if p not in self._words]
        if not todo:
            return
        if any("\n" in p for p in todo):
            # A hyphen at a line's end joins words (``normalize.join_breaks``): one phrase
            # must not join the next.
            for p in todo:
                self._words[p] = words_of(p)
            return
        joined = tokens(" ".join(todo))
        at = 0
        for p in todo:
            self._words[p] = joined[at : at + len(p)].split()
            at += len(p) + 1

    def words_of(self, phrase: str) -> list[str]:
        ws = self._words.get(phrase)
        if ws is None:
            ws = self._words[phrase] = words_of(phrase)
        return ws

    def plan(self, watch: WatchName) -> list[_Phrase]:
        """How each phrase of a name is read: its words, surname words and gender."""
        out: list[_Phrase] = []
        phrases: list[tuple[Kind, str]] = [("surname", watch.name)]
        phrases += [("alias", a) for a in watch.aliases]
        for kind, phrase in phrases:
            ws = self.words_of(phrase)
            if not ws:
                continue
            if not watch.variants:
                out.append(_Phrase(kind, phrase, ws, 0, None))
                continue
            parts = min(compound_parts(phrase), len(ws))
            gender: str | None = None
            for f in first_names(ws, parts):
                gender = gender or self.first_name(f)[1]
            if gender is None and len(ws) > parts and ws[0][-1] in "aая":
                gender = "f"
            out.append(_Phrase(kind, phrase, ws, parts, gender))
        return out

    def add(self, watch: WatchName, plan: list[_Phrase] | None = None) -> None:
        ent = len(self.entities)
        firsts: list[frozenset[str]] = []  # per first name, as cached
        literal: list[tuple[str, ...]] = []
        patterns: list[str] = []
        for ph in self.plan(watch) if plan is None else plan:
            ws = ph.words
            if not ph.parts:
                literal.append(tuple(ws))
                pk = key(" ".join(ws))
                self._add_pattern(" " + pk, Entry(ent, pk, "literal", None, "literal", ph.phrase))
                continue
            firsts += (self.first_name(f)[0] for f in first_names(ws, ph.parts))
            gender = ph.gender
            surname = ws[-ph.parts :]
            patterns.append(self.pattern_name(surname[-1], gender))
            if len(surname) > 1:
                patterns.append("compound")
            # A compound surname is one unit: its last part must follow the others (hyphen,
            # space or nothing between them: Ter-Petrosyan, Ter Petrosyan, Terpetrosyan);
            # written as one word it is a surname of its own.
            prefix = self._prefix_keys(surname[-2], gender) if len(surname) > 1 else ()
            for sk, table, related, spelled, j, vw in self.surname(surname[-1], gender):
                entry = Entry(ent, sk, table, related, ph.kind, spelled, prefix, j, vw)
                self._add_pattern(" " + sk, entry)
            if prefix:
                joined = "".join(surname)
                for sk, table, related, spelled, j, vw in self.surname(joined, gender):
                    entry = Entry(ent, sk, table, related, ph.kind, spelled, (), j, vw)
                    self._add_pattern(" " + sk, entry)
        exclude = tuple(tuple(word_key(w) for w in self.words_of(p)) for p in watch.exclude)
        # Most names have one first name: its cached set serves as it is.
        stems = firsts[0] if len(firsts) == 1 else frozenset[str]().union(*firsts)
        self.entities.append(
            Entity(
                watch,
                self._stem_sets.setdefault(stems, stems),
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
        bucket = self.patterns.get(pattern)
        if bucket is None:
            self.patterns[pattern] = [entry]  # most patterns belong to one name
            return
        for i, e in enumerate(bucket):
            if e.ent == entry.ent and e.table == entry.table and e.prefix == entry.prefix:
                # The same stem from another phrase (an alias): its spellings' vowels too.
                if e.vowels and not set(entry.vowels) <= set(e.vowels):
                    vowels = tuple(dict.fromkeys(e.vowels + entry.vowels))
                    bucket[i] = e._replace(vowels=self._vowels.setdefault(vowels, vowels))
                elif not entry.vowels:
                    bucket[i] = e._replace(vowels=())
                return
        bucket.append(entry)


def compile_names(names: Iterable[WatchName]) -> Compiler:
    """All names compiled, the per-word work done in bulk: every phrase tokenised in one
    pass, then every surname keyed in one (``Compiler.words``, ``Compiler.surnames``)."""
    c = Compiler()
    names = list(names)
    c.words(p for n in names for p in (n.name, *n.aliases, *n.exclude))
    plans = [c.plan(n) for n in names]
    c.surnames(_surname_pairs(ph for plan in plans for ph in plan))
    for n, plan in zip(names, plans, strict=True):
        c.add(n, plan)
    return c


def _surname_pairs(phrases: Iterable[_Phrase]) -> Iterator[tuple[str, str | None]]:
    """The (surname, gender) pairs ``Compiler.add`` will ask for."""
    for ph in phrases:
        if not ph.parts:
            continue
        surname = ph.words[-ph.parts :]
        yield surname[-1], ph.gender
        if len(surname) > 1:
            yield surname[-2], ph.gender
            yield "".join(surname), ph.gender


def _surname_forms(
    w: str, found: Pattern, spellings: list[list[str]], keys: dict[str, str]
) -> list[_SurnameForm]:
    """One form per stem key and ending table, from a surname's pattern and spellings."""
    chosen: dict[tuple[str, str], _SurnameForm] = {}
    vowels: dict[tuple[str, str], dict[Signature, None]] = {}
    for st, spelled_all in zip(found.stems, spellings, strict=True):
        stem_key = keys[st.stem]
        if len(stem_key) < st.min_key:
            continue
        sounds = len(stem_key) - stem_key.count("a")  # consonants: every vowel is an "a"
        for spelled in spelled_all:
            sk = keys[spelled]
            if len(sk) < (MIN_STEM_KEY if spelled == st.stem else MIN_ALTERNATIVE_KEY):
                continue
            # The French j for ж is a sound the key does not read (it reads j as й):
            # one such letter is a spelling, two leave too little of the name to
            # tell it from other words (Zhuzhyvaau as "Jouj…", key "ava").
            if len(sk) - sk.count("a") < sounds - 1:
                continue
            needs_j = spelled.count("й") > st.stem.count("й")
            table = for_key(st.endings, sk)
            related = for_key(st.related, sk) if st.related else None
            known = chosen.get((sk, table))
            # One entry per key and table; a spelling that needs no j wins.
            if known is None or (known[4] and not needs_j):
                chosen[(sk, table)] = (sk, table, related, spelled, needs_j, ())
            sig = signature(spelled)
            if sig is not None:
                vowels.setdefault((sk, table), {})[sig] = None
    out = [
        (sk, t, rel, sp, j, tuple(vowels.get(k, ())))
        for k, (sk, t, rel, sp, j, _) in chosen.items()
    ]
    if not out:
        # A very short surname ("Li", "May"): only the whole word, in no other form, and
        # alone only with its own vowels (``vowels.SHORT``): My and Mio are not May.
        sig = signature(w)
        short: tuple[Signature, ...] = (SHORT,) if sig is None else (SHORT, sig)
        out.append((word_key(w), "indecl", None, w, False, short))
    return out
