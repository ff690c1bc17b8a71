"""Finds watched people in articles' titles and summaries.

Each distinct word of a batch is looked up once in the watchlist's lexicon (``screen``):
a word is a candidate when its phonetic key is a surname stem plus an ending that stem
takes. Each occurrence of a candidate word is then judged in place, once for every name it
may be: a given name right before it must be one of the person's own, and a place noun must
not introduce it. Finally, per article, surname-only mentions are dropped when the text also
names a namesake (Dmitry Lukashenko) or the other gender's form (Сергей Колесников) and
never the person's own first name.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, count
from typing import NamedTuple

from alerts.matching.build import Compiler, Entity, Entry, compile_names
from alerts.matching.context import PLACE_AFTER, PLACE_BEFORE, PLACE_LINKS, Words, is_patronymic
from alerts.matching.given import GIVEN, SPELLINGS, given_stems
from alerts.matching.model import Match, WatchName
from alerts.matching.normalize import JOINER, tokens
from alerts.matching.phonetic import key
from alerts.matching.screen import Lexicon, Reading
from alerts.matching.snippet import snippet
from alerts.matching.text import html_to_text

log = logging.getLogger(__name__)

SEP = "\x01"  # between batched fields; never part of a word, never white space
FIELDS = ("title", "summary")

_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[^\W\d_])(?<![A-ZА-ЯЁІЎЇЄҐ])(?=[A-ZА-ЯЁІЎЇЄҐ])")

# Candidate statuses.
FULL = "full name"
SURNAME = "surname"
FOREIGN = "another person's first name"
RELATED = "other gender's form"
PLACE = "a place"
EXCLUDED = "excluded phrase"
ENDING = "not a form of the name"


@dataclass(slots=True)
class Candidate:
    ent: int
    field: int  # index into the batch's fields; article = field // 2
    start: int  # batch offsets of the whole mention (given name included when present)
    end: int
    variant: str
    status: str
    label: str
    kind: str
    ambiguous: bool
    detail: str = ""


class Around(NamedTuple):
    """The neighbourhood of one word: a place noun, or the given name before it."""

    place: bool
    start: int  # span of the word before (a patronymic skipped), -1 when there is none
    end: int
    word: str
    stems: tuple[str, ...]  # its given-name stems
    foreign: bool  # it is capitalised and some given name: another person's, if not ours


_AT_PLACE = Around(True, -1, -1, "", (), False)
_ALONE = Around(False, -1, -1, "", (), False)
_MAX_WORDS = 100_000


class _Info(NamedTuple):
    stems: tuple[str, ...]  # given-name stems the word may have
    given: bool  # it is some given name
    patronymic: bool
    relevant: bool  # it may change a verdict: a given name, a patronymic, a place noun


@dataclass(slots=True)
class _Batch:
    plain: str
    tok: str
    starts: list[int]  # batch offset of each field

    def field_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1


class Matcher:
    """Matches many watched names against articles; cost does not grow with their number."""

    __slots__ = ("_entities", "_entries", "_excluding", "_first", "_keys", "_lex", "_words")

    def __init__(self, compiled: Compiler) -> None:
        self._entities: list[Entity] = compiled.entities
        self._keys: dict[str, int] = {e.watch.key: i for i, e in enumerate(compiled.entities)}
        self._entries: list[Entry] = [e for bucket in compiled.patterns.values() for e in bucket]
        self._lex = Lexicon(compiled.patterns)
        self._words: dict[str, _Info] = {}
        self._first = frozenset(s for e in self._entities for s in e.first_stems)
        self._excluding = frozenset(i for i, e in enumerate(self._entities) if e.exclude)

    @classmethod
    def build(cls, names: Iterable[WatchName]) -> Matcher:
        return cls(compile_names(names))

    # -- matching ---------------------------------------------------------------------------

    def match(self, title: str, summary: str) -> list[Match]:
        """Mentions in one article, sorted by field (title first) then position."""
        return self.match_many([(title, summary)])[0]

    def match_many(self, articles: Sequence[tuple[str, str]]) -> list[list[Match]]:
        """``match`` for many articles at once: same results, far less per-call overhead."""
        batch = self._prepare(articles)
        out: list[list[Match]] = [[] for _ in articles]
        cands = self._candidates(batch, keep_rejected=False)
        if not cands:
            return out
        plains = batch.plain.split(SEP)
        for c in self._attribute(cands):
            out[c.field // 2].append(self._to_match(c, batch.starts[c.field], plains[c.field]))
        for hits in out:
            if len(hits) > 1:
                hits.sort(key=lambda m: (m.field != "title", m.start, m.key))
        return out

    def _to_match(self, c: Candidate, base: int, plain: str) -> Match:
        start, end = c.start - base, c.end - base
        snip, s0, s1 = snippet(plain, start, end)
        if c.kind == "literal":
            reason = "literal"
        elif c.status == FULL:
            reason = "alias" if c.kind == "alias" else FULL
        else:
            reason = c.kind
        if c.label:
            reason = f"{reason}, {c.label}"
        return Match(
            key=self._entities[c.ent].watch.key,
            matched=plain[start:end],
            field=FIELDS[c.field % 2],
            start=start,
            end=end,
            snippet=snip,
            snippet_start=s0,
            snippet_end=s1,
            variant=c.variant,
            reason=reason,
        )

    @staticmethod
    def _plain(articles: Sequence[tuple[str, str]]) -> tuple[str, list[int]]:
        """Display text of all fields joined by SEP, and the offset where each field starts."""
        raw = [x for pair in articles for x in pair]
        joined = SEP.join(raw)
        if joined.count(SEP) != len(raw) - 1:
            raw = [x.replace(SEP, " ") for x in raw]
            joined = SEP.join(raw)
        plain = html_to_text(joined)
        starts = [0]
        pos = plain.find(SEP)
        while pos != -1:
            starts.append(pos + 1)
            pos = plain.find(SEP, pos + 1)
        return plain, starts

    @classmethod
    def _prepare(cls, articles: Sequence[tuple[str, str]]) -> _Batch:
        plain, starts = cls._plain(articles)
        return _Batch(plain, tokens(plain), starts)

    def _candidates(self, b: _Batch, keep_rejected: bool = True) -> list[Candidate]:
        words = Words(b.plain, b.tok)
        parts = words.parts
        lex = self._lex
        out: list[Candidate] = []
        if keep_rejected:
            for i, w in enumerate(parts):
                if w:
                    self._verify(b, words, i, lex.all_readings(w), out)
        else:
            hot = lex.hot(parts)
            if hot:
                for i in compress(count(), map(hot.__contains__, parts)):
                    self._verify(b, words, i, lex.readings(parts[i]), out)
        if "#" in b.plain:
            for m in _HASHTAG.finditer(b.plain):
                self._hashtag(b, m, out)
        return out

    def _hashtag(self, b: _Batch, m: re.Match[str], out: list[Candidate]) -> None:
        # "#FreeBialiatski", "#StandWithTsikhanouskaya": a name may start at a capital.
        cuts = [c.start() for c in _CAMEL.finditer(b.plain, m.start(1), m.end(1))]
        for a, z in zip(cuts, [*cuts[1:], m.end(1)], strict=True):
            piece = b.tok[a:z].split(" ", 1)[0]
            if piece and self._lex.hot((piece,)):
                self._verify(b, None, a, self._lex.readings(piece), out, len(piece))

    def _verify(
        self,
        b: _Batch,
        words: Words | None,
        i: int,
        readings: Sequence[Reading],
        out: list[Candidate],
        length: int = 0,
    ) -> None:
        """Candidates from the readings of word ``i``; with no ``words``, ``i`` is the start of
        a hashtag piece of ``length`` characters, judged without its context."""
        if words is None:
            start, end = i, i + length
        else:
            start = words.start(i)
            end = start + len(words.parts[i])
        field = b.field_of(start)
        around: Around | None = None
        for r in readings:
            e = r.entry
            if e.table == "literal":
                self._verify_literal(b, start, e, out)
                continue
            if not r.accepts:
                out.append(
                    Candidate(e.ent, field, start, end, r.variant, ENDING, "", e.kind, False,
                              f"ending {r.ending!r}")
                )  # fmt: skip
                continue
            c = Candidate(
                e.ent, field, start, end, r.variant, SURNAME, r.label, e.kind,
                bool(r.label and r.related),
            )  # fmt: skip
            if not r.label:
                c.status, c.label = RELATED, r.related
            if words is not None:
                if around is None:
                    around = self._around(words, i)
                if around is not _ALONE or e.ent in self._excluding:
                    self._context(b, c, around)
            out.append(c)

    def _verify_literal(self, b: _Batch, start: int, e: Entry, out: list[Candidate]) -> None:
        ent = self._entities[e.ent]
        for words in ent.literal_words:
            pos = start
            ok = True
            for n, lw in enumerate(words):
                if n:
                    while pos < len(b.plain) and b.plain[pos].isspace():
                        pos += 1
                end = b.tok.find(" ", pos)
                end = len(b.tok) if end == -1 else end
                if b.tok[pos:end].replace(JOINER, "") != lw:
                    ok = False
                    break
                pos = end
            if ok:
                variant = " ".join(words)
                field = b.field_of(start)
                out.append(Candidate(e.ent, field, start, pos, variant, FULL, "", "literal", False))
                return

    def _around(self, words: Words, i: int) -> Around:
        """What surrounds word ``i``, the same for every name the word may be a form of."""
        # Most candidate words sit between words that are neither given names, patronymics
        # nor place nouns: two list probes and a cached flag settle those.
        parts = words.parts
        j = i - 1
        while j >= 0 and not parts[j]:
            j -= 1
        k = i + 1
        while k < len(parts) and not parts[k]:
            k += 1
        if (j < 0 or not self._info(parts[j]).relevant) and (
            k >= len(parts) or not words.word(k).startswith(PLACE_AFTER)
        ):
            return _ALONE
        if words.at_place(i):
            return _AT_PLACE
        j = words.prev(i)
        if j >= 0 and self._info(parts[j]).patronymic:
            j = words.prev(j)
        if j < 0:
            return _ALONE
        info = self._info(parts[j])
        start = words.start(j)
        foreign = info.given and words.plain[start].isupper()
        return Around(False, start, start + len(parts[j]), words.word(j), info.stems, foreign)

    def _info(self, part: str) -> _Info:
        """What a word before a candidate may say about it; cached per word."""
        info = self._words.get(part)
        if info is None:
            w = part.replace(JOINER, "") if JOINER in part else part
            stems = given_stems(key(w))
            given = w in SPELLINGS or any(len(s) >= 3 for s in stems if GIVEN.groups_of((s,)))
            patronymic = is_patronymic(w)
            relevant = (
                given
                or patronymic
                or not self._first.isdisjoint(stems)
                or w in PLACE_LINKS
                or w.startswith(PLACE_BEFORE)
            )
            info = _Info(stems, given, patronymic, relevant)
            if len(self._words) > _MAX_WORDS:
                self._words.clear()
            self._words[part] = info
        return info

    def _context(self, b: _Batch, c: Candidate, around: Around) -> None:
        if around.place:
            if c.status == SURNAME:
                c.status = PLACE
            return
        ent = self._entities[c.ent]
        if ent.exclude and self._excluded(b, c, ent):
            c.status, c.detail = EXCLUDED, "exclude phrase"
            return
        if around.start < 0:
            return
        if not ent.first_stems.isdisjoint(around.stems):
            if c.status == SURNAME:
                c.status = FULL
                c.start = around.start
                c.variant = f"{around.word} {c.variant}"
            return
        if around.foreign:
            c.detail = f"{b.plain[around.start : around.end]} {b.plain[c.start : c.end]}"
            if c.status == SURNAME:
                c.status = FOREIGN

    def _excluded(self, b: _Batch, c: Candidate, ent: Entity) -> bool:
        # Exclusion phrases are matched on phonetic keys of whole words around the hit,
        # each phrase word as a prefix so that inflected forms are caught too.
        lo = max(0, c.start - 120)
        hi = min(len(b.tok), c.end + 120)
        keys = [key(x) for x in b.tok[lo:hi].split()]
        here = len(b.tok[lo : c.start].split())
        for phrase in ent.exclude:
            n = len(phrase)
            for s in range(max(0, here - n + 1), here + 1):
                seg = keys[s : s + n]
                if len(seg) == n and all(
                    k.startswith(p.rstrip("a") or p) for k, p in zip(seg, phrase, strict=True)
                ):
                    return True
        return False

    # -- attribution across an article -----------------------------------------------------

    @staticmethod
    def _attribute(cands: list[Candidate]) -> list[Candidate]:
        groups: dict[tuple[int, int], list[Candidate]] = {}
        for c in cands:
            groups.setdefault((c.field // 2, c.ent), []).append(c)
        accepted: list[Candidate] = []
        seen: set[tuple[int, int]] = set()
        for group in groups.values():
            statuses = {c.status for c in group}
            supported = FULL in statuses
            namesake = FOREIGN in statuses or EXCLUDED in statuses
            other_gender = RELATED in statuses
            for c in group:
                if c.status == SURNAME and not supported:
                    if namesake:
                        c.status, c.detail = FOREIGN, "the text names a namesake"
                    elif other_gender and c.ambiguous:
                        c.status, c.detail = RELATED, "also a case of the other gender's form"
                if c.status in (FULL, SURNAME) and (c.ent, c.start) not in seen:
                    seen.add((c.ent, c.start))
                    accepted.append(c)
        return accepted

    # -- explanations ---------------------------------------------------------------------

    def forms(self, key_: str) -> list[tuple[str, str]]:
        """(form, reason) pairs the matcher accepts for the watched name ``key_``."""
        from alerts.matching.explain import forms

        ent = self._keys[key_]
        entries = [e for e in self._entries if e.ent == ent]
        return forms(self._entities[ent], entries)

    def explain(self, text: str) -> list[str]:
        """One line per candidate in ``text``: accepted or rejected, and why."""
        from alerts.matching.explain import describe

        b = self._prepare([("", text)])
        cands = self._candidates(b)
        accepted = {id(c) for c in self._attribute(cands)}
        base = b.starts[1]
        return [
            describe(self._entities[c.ent].watch.key, b.plain, c, id(c) in accepted, base)
            for c in sorted(cands, key=lambda c: (c.start, c.ent))
        ]
