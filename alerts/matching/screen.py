"""The first stage of matching: which words of the text could be a form of a watched name.

A word's verdict depends on the word alone: its phonetic key starts with a surname stem and
the rest of the word is an ending that stem takes, or it is the first word of a literal
phrase. So the verdict is one exact lookup per distinct word: the key's prefixes are looked
up in a dict of stems (one dict probe per possible stem length, whatever the watchlist's
size), and the readings found are cached per word.

Text is screened a chunk (a run of non-white-space characters) at a time: a chunk's
candidate words (its "spots") depend on nothing around it, so they are cached per chunk too.
News text repeats its chunks heavily, so a batch costs a C-level split, a set difference
against the cache and a set intersection with the chunks already known to be hot; only new
chunks are normalised, all together in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from alerts.matching.build import Entry, words_of
from alerts.matching.context import RELATIVE_AFTER, capitalised
from alerts.matching.given import is_title, lexicon, skeleton
from alerts.matching.inflect import TABLES
from alerts.matching.normalize import JOINER, tokens
from alerts.matching.phonetic import key
from alerts.matching.scripts import has_other_script
from alerts.matching.vowels import Signature, agrees, signature

# Caches are cleared, not evicted, when full: cheap, and news vocabulary refills them fast.
_MAX_CACHE = 500_000

# Longer words (rare, often junk) have their prefixes keyed one by one: the one-pass text
# grows with the square of the length.
_ONE_PASS = 40
_PREFIX: tuple[int, list[Entry]] = (-1, [])  # a prefix of stems, itself no stem
_HASHTAG = re.compile(r"#(\w+)")
# Letters of a script without case, which ``context.capitalised`` counts as capitals
# although Python's ``str.islower`` says they are lower case (Georgian Mkhedruli).
_UNCASED = re.compile("[\u10d0-\u10ff]")
_HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen
# One capitalised word and a hyphen before a word: the first half of a compound surname.
_COMPOUND_HEAD = re.compile(rf"^[^\W\d_][^\W\d_]*[{_HYPHENS}]$")


# A Latin word's š ž č are kept as ш ж ч (``normalize``): the key reads them as the
# consonants they are. A name configured without its carons (Vucic, Rinkevics, as a
# keyboard without them types it) is still named by the word written with them (Vučić,
# Rinkēvičs): such a word is also read with s z c.
_BARE = str.maketrans("шжч", "szc")
_LATIN_LETTER = re.compile("[a-z]")


_UNREAD = b"?"  # a stem's signature not yet worked out (never a real one)


def _without_carons(w: str) -> str:
    """The Latin word with s z c for its ш ж ч; "" for a Cyrillic word or one without."""
    if not _LATIN_LETTER.search(w):
        return ""
    bare = w.translate(_BARE)
    return bare if bare != w else ""


class Reading(NamedTuple):
    """One way a word can be read as a form of one watched name's surname or phrase."""

    entry: Entry
    variant: str  # the word, normalised, joiners dropped
    ending: str
    label: str  # the ending's label in the entry's own table, "" when not in it
    related: str  # the ending's label in the other gender's table, "" when not in it
    # A Latin word whose vowels no spelling of the surname has (``vowels``): the surname
    # only after the person's own first name.
    loose: bool = False

    @property
    def accepts(self) -> bool:
        return bool(self.label or self.related) or self.entry.table == "literal"


class Spot(NamedTuple):
    """A candidate word inside a chunk, with its readings."""

    start: int  # offsets in the chunk
    end: int
    readings: tuple[Reading, ...]
    first: bool  # the word starts the chunk: only white space may come before it
    last: bool  # the word ends the chunk: only white space may come after it
    bare: bool  # a piece of a hashtag, judged without its neighbours
    # The word ends a hyphenated compound of capitalised words (Jaruga-Nowacka, Кіт-Садова,
    # Ter-Petrosyan): the chunk's neighbours are the compound's.
    compound: bool = False
    # A hyphen and a generational word follow it in the chunk (Порошенко-молодший): it
    # names a relative (``context.RELATIVE_AFTER``).
    relative: bool = False


# Endings that belong to the case system of a script read as Cyrillic (``scripts``): a
# Georgian nominative -ი is spelled и, an Armenian instrumental -ով ов, which in Russian
# are a plural (сторонники, сторонников). They count only in text of that script.
_SCRIPT_LABELS = ("Georgian", "Armenian", "Greek")


def _in_script(readings: Iterable[Reading], native: bool) -> tuple[Reading, ...]:
    if native:
        return tuple(readings)
    out: list[Reading] = []
    for r in readings:
        label = "" if r.label.startswith(_SCRIPT_LABELS) else r.label
        related = "" if r.related.startswith(_SCRIPT_LABELS) else r.related
        if label == r.label and related == r.related:
            out.append(r)
        elif label or related or r.entry.table == "literal":
            out.append(r._replace(label=label, related=related))
    return tuple(out)


def _camel_cuts(s: str, start: int, end: int) -> list[int]:
    """Where a capital follows a lower-case letter in ``s[start:end]`` (#StandWithБабарыка,
    #FreeՓաշինյան): the words of a hashtag, in any cased script."""
    return [i for i in range(start + 1, end) if s[i].isupper() and s[i - 1].islower()]


def _compound_head(raw: str, tok: str) -> bool:
    """Whether the text before a word is a capitalised word and a hyphen (not a prefix
    such as anti-, pro-, ex-: "Anti-Lukashenko" names Lukashenko)."""
    raw = raw.rsplit("\x01", 1)[-1]  # a batch's field separator starts no compound
    if not _COMPOUND_HEAD.match(raw):
        return False
    if not capitalised(raw[0]):
        return False
    return not is_title(tok.rsplit(maxsplit=1)[-1].replace(JOINER, "")) if tok.split() else False


def prefix_keys(w: str) -> list[str]:
    """Keys of the word's prefixes, longest first, computed in one pass for a short word."""
    if len(w) > _ONE_PASS:
        return [key(w[:cut]) for cut in range(len(w), 0, -1)]
    return key(" ".join([w[:cut] for cut in range(len(w), 0, -1)])).split(" ")


def stem_len(w: str, stem_key: str, keys: list[str]) -> int | None:
    """Longest prefix of the normalised word whose key is ``stem_key``; ``keys`` are the
    word's ``prefix_keys``."""
    n = len(stem_key)
    for i, k in enumerate(keys):
        if k == stem_key:
            return len(w) - i
        if len(k) < n - 1:
            return None
    return None


class Lexicon:
    """Stems and literal first words of one watchlist, with per-word readings cached."""

    __slots__ = (
        "_cache", "_chunks", "_hot", "_hot_chunks", "_lengths", "_literal", "_lower", "_stems",
    )  # fmt: skip

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
        # Shorter prefixes of stems map to no bucket, so the lookup of a word's key prefixes
        # stops at the first one that starts no stem at all.
        shorter = {m: [n for n in self._lengths if n < m] for m in self._lengths}
        prefixes = {k[:n] for k in self._stems for n in shorter[len(k)]}
        self._stems.update(dict.fromkeys(prefixes.difference(self._stems), _PREFIX))
        self._cache: dict[str, tuple[Reading, ...]] = {}
        self._hot: set[str] = set()
        self._chunks: dict[str, tuple[Spot, ...]] = {}
        self._hot_chunks: set[str] = set()
        self._lower: set[str] = set()  # lower-case chunks skipped, not learned

    @property
    def has_literals(self) -> bool:
        """Whether some name is matched as a literal phrase (in any case)."""
        return bool(self._literal)

    def hot_chunks(self, chunks: Iterable[str], kept_lower: set[str] | None = None) -> set[str]:
        """The distinct chunks among ``chunks`` that hold at least one spot.

        With ``kept_lower``, lower-case chunks are not screened unless they are in it
        (the caller knows they can hold no mention); hashtags, chunks across two
        fields and chunks in a script without case always are. Skipped chunks are
        remembered, so that the next batch skips them with one set difference."""
        distinct = set(chunks)
        new = distinct.difference(self._chunks)
        if new and kept_lower is not None:
            new.difference_update(self._lower)
            lower = {
                c
                for c in new
                if c.islower() and "#" not in c and "\x01" not in c and not _UNCASED.search(c)
            }
            if len(self._lower) + len(lower) > _MAX_CACHE:
                self._lower.clear()
            self._lower |= lower
            new -= lower
            new |= kept_lower.intersection(self._lower).difference(self._chunks)
        if new:
            if len(self._chunks) + len(new) > _MAX_CACHE:
                self._chunks.clear()
                self._hot_chunks.clear()
            self._learn_chunks(list(new))
        return distinct & self._hot_chunks

    def spots(self, chunk: str) -> tuple[Spot, ...]:
        """Spots of a chunk that ``hot_chunks`` has seen."""
        return self._chunks[chunk]

    def all_spots(self, chunk: str) -> tuple[Spot, ...]:
        """Every word of a chunk with some reading, rejected readings included."""
        return self._spots(chunk, tokens(chunk), self.all_readings)

    def _learn_chunks(self, new: list[str]) -> None:
        tok = tokens(" ".join(new))
        hot = self.hot(tok.split())
        readings = self.readings
        chunks, hot_chunks = self._chunks, self._hot_chunks
        pos = 0
        for c in new:
            t = tok[pos : pos + len(c)]
            pos += len(c) + 1
            found: tuple[Spot, ...] = ()
            if "#" in c or not hot.isdisjoint(t.split()):
                found = self._spots(c, t, readings)
            chunks[c] = found
            if found:
                hot_chunks.add(c)

    def _spots(
        self, chunk: str, tok: str, readings: Callable[[str], Iterable[Reading]]
    ) -> tuple[Spot, ...]:
        out: list[Spot] = []
        pos = 0
        native = has_other_script(chunk)
        for part in tok.split(" "):
            if part:
                rs = _in_script(readings(part), native)
                if rs:
                    end = pos + len(part)
                    compound = pos > 0 and _compound_head(chunk[:pos], tok[:pos])
                    relative = (
                        end < len(tok)
                        and chunk[end] in _HYPHENS
                        and tok[end + 1 :].split(" ", 1)[0] in RELATIVE_AFTER
                    )
                    out.append(
                        Spot(pos, end, rs, pos == 0, end == len(tok), False, compound, relative)
                    )
            pos += len(part) + 1
        if "#" in chunk:
            # "#FreeBialiatski", "#StandWithTsikhanouskaya": a name may start at a capital.
            for m in _HASHTAG.finditer(chunk):
                # The tag's first word is a piece too: "#Minsk" has no capital inside it.
                cuts = [m.start(1), *_camel_cuts(chunk, m.start(1), m.end(1))]
                for a, z in zip(cuts, [*cuts[1:], m.end(1)], strict=True):
                    piece = tok[a:z].split(" ", 1)[0]
                    if piece and self.hot((piece,)):
                        rs = _in_script(readings(piece), native)
                        out.append(Spot(a, a + len(piece), rs, False, False, True))
        return tuple(out)

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
        """Accepting readings of a word."""
        found = self._cache.get(w)
        if found is None:
            self._learn([w])
            found = self._cache[w]
        return found

    def all_readings(self, w: str) -> list[Reading]:
        """Every reading of a word, those whose ending the stem does not take included."""
        if not w:
            return []
        found = self._read(w, key(w))
        bare = _without_carons(w)
        return self._with_bare(found, bare, key(bare), False) if bare else found

    def _with_bare(self, found: list[Reading], bare: str, k: str, accepting: bool) -> list[Reading]:
        """``found`` and the readings of the word without its carons, for names
        configured without them; one reading per entry."""
        known = {id(r.entry) for r in found}
        extra = [r for r in self._read(bare, k, accepting=accepting) if id(r.entry) not in known]
        return found + extra if extra else found

    def _learn(self, new: list[str]) -> None:
        new = [w for w in new if w]
        keys = key(" ".join(new)).split(" ")
        cache, hot = self._cache, self._hot
        for w, k in zip(new, keys, strict=True):
            read = self._read(w, k, accepting=True)
            if "ш" in w or "ж" in w or "ч" in w:
                bare = _without_carons(w)
                if bare:
                    read = self._with_bare(read, bare, key(bare), True)
            found = tuple(read)
            cache[w] = found
            if found:
                hot.add(w)
        cache[""] = ()

    def _read(self, w: str, k: str, *, accepting: bool = False) -> list[Reading]:
        """The word's readings in pattern order; with ``accepting``, only those that
        accept (``Reading.accepts``), the others never built: a big watchlist puts
        hundreds of entries under one short stem, and most words end in none of their
        endings."""
        ranked: list[tuple[int, Reading]] = []
        variant = w.replace(JOINER, "") if JOINER in w else w
        lit = self._literal.get(variant)
        if lit:
            ranked += ((-1, Reading(e, variant, "", "", "")) for e in lit)
        stems = self._stems
        keys: list[str] | None = None
        for n in self._lengths:
            if n > len(k):
                break
            hit = stems.get(k[:n])
            if hit is None:
                break
            if hit is _PREFIX:
                continue
            if keys is None:
                keys = prefix_keys(w)
            rank, bucket = hit
            # Every entry of a bucket has the bucket's stem key, so one cut serves them all.
            cut = stem_len(w, k[:n], keys)
            if cut is None:
                continue
            ending = w[cut:].replace(JOINER, "")
            # The stem's vowels and whether the word is a given name, worked out for the
            # first reading that needs them: most words end in none of a bucket's endings.
            sig: Signature | None = _UNREAD
            given = False
            for e in bucket:
                if e.needs_j and "j" not in variant:
                    continue
                label = TABLES[e.table].get(ending, "")
                rel = TABLES[e.related].get(ending, "") if e.related else ""
                if accepting and not (label or rel):
                    continue  # a stem bucket holds no literal entries
                loose = False
                if e.vowels:
                    if sig is _UNREAD:
                        sig = signature(w[:cut])
                        # A Latin given name spelled otherwise than the surname (Brian
                        # for Brown, Michael for Michel) is someone's first name that
                        # keys like it: the surname only after the person's own.
                        given = sig is not None and lexicon().is_given(variant)
                    loose = not agrees(sig, e.vowels) or (
                        given and skeleton(w[:cut]) != skeleton(e.spelled)
                    )
                ranked.append((rank, Reading(e, variant, ending, label, rel, loose)))
        ranked.sort(key=lambda x: x[0])
        return [r for _, r in ranked]
