"""Finds watched people in articles' titles and summaries.

One Aho-Corasick pass over the phonetic key of a whole batch of fields finds surname stems
at word starts; each candidate is then verified: its ending must be one the surname takes,
a given name right before it must be one of the person's own, and a place noun must not
introduce it. Finally, per article, surname-only mentions are dropped when the text also
names a namesake (Dmitry Lukashenko) or the other gender's form (Сергей Колесников) and
never the person's own first name.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alerts.matching.automaton import KeyIndex
from alerts.matching.build import Compiler, Entity, Entry, compile_names
from alerts.matching.context import is_patronymic, names_a_place, prev_word, word
from alerts.matching.given import GIVEN, SPELLINGS, given_stems
from alerts.matching.inflect import TABLES
from alerts.matching.model import Match, WatchName
from alerts.matching.normalize import JOINER, line_joins, tokens
from alerts.matching.phonetic import key
from alerts.matching.screen import Screen, skip_words, stem_len
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


@dataclass(slots=True)
class _Batch:
    plain: str
    tok: str
    starts: list[int]  # batch offset of each field

    def field_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1


class Matcher:
    """Matches many watched names against articles; cost does not grow with their number."""

    __slots__ = ("_entities", "_entries", "_index", "_keys", "_screen")

    def __init__(self, compiled: Compiler) -> None:
        self._entities: list[Entity] = compiled.entities
        self._keys: dict[str, int] = {e.watch.key: i for i, e in enumerate(compiled.entities)}
        self._entries: list[tuple[int, list[Entry]]] = []
        self._index = KeyIndex()
        for pattern, bucket in compiled.patterns.items():
            self._index.add(pattern, len(self._entries))
            self._entries.append((len(pattern), bucket))
        self._index.build()
        literal_first = frozenset(w[0] for e in self._entities for w in e.literal_words if w)
        self._screen = Screen(self._index, self._entries, literal_first)

    @classmethod
    def build(cls, names: Iterable[WatchName]) -> Matcher:
        return cls(compile_names(names))

    # -- matching ---------------------------------------------------------------------------

    def match(self, title: str, summary: str) -> list[Match]:
        """Mentions in one article, sorted by field (title first) then position."""
        return self.match_many([(title, summary)])[0]

    def match_many(self, articles: Sequence[tuple[str, str]]) -> list[list[Match]]:
        """``match`` for many articles at once: same results, far less per-call overhead."""
        out: list[list[Match]] = [[] for _ in articles]
        hot = self._hot_articles(articles)
        if len(hot) == len(articles):
            return self._verified(articles)
        if hot:
            for i, hits in zip(hot, self._verified([articles[i] for i in hot]), strict=True):
                out[i] = hits
        return out

    def _hot_articles(self, articles: Sequence[tuple[str, str]]) -> list[int]:
        """Indices of the articles with a chunk the screen lets through."""
        plain, starts = self._plain(articles)
        hot = self._screen.hot(set(plain.split()))
        marks = line_joins(plain)
        if not hot and not marks:
            return []
        for c in hot:
            # SEP is not white space: a chunk may run from one field into the next.
            inner = [j + 1 for j, ch in enumerate(c) if ch == SEP] if SEP in c else []
            i = plain.find(c)
            while i != -1:
                marks.append(i)
                marks += (i + j for j in inner)
                i = plain.find(c, i + len(c))
        if not marks:
            return []
        return sorted({(bisect.bisect_right(starts, m) - 1) // 2 for m in marks})

    def _verified(self, articles: Sequence[tuple[str, str]]) -> list[list[Match]]:
        batch = self._prepare(articles)
        cands = self._candidates(batch, keep_rejected=False)
        out: list[list[Match]] = [[] for _ in articles]
        if not cands:
            return out
        plains = batch.plain.split(SEP)
        for c in self._attribute(cands):
            out[c.field // 2].append(self._to_match(c, batch.starts[c.field], plains[c.field]))
        for hits in out:
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
        text = " " + key(b.tok)
        hits = sorted(
            (end - self._entries[slot][0] + 1, slot) for end, slot in self._index.find(text)
        )
        out: list[Candidate] = []
        last_key = 0
        pos = 0
        for start, slot in hits:
            if start > last_key:
                pos = skip_words(b.tok, pos, text.count(" ", last_key + 1, start + 1))
                last_key = start
            end = b.tok.find(" ", pos)
            end = len(b.tok) if end == -1 else end
            self._verify(b, pos, end, b.tok[pos:end], self._entries[slot][1], True, out)
        if not keep_rejected:
            out = [c for c in out if c.status != ENDING]
        if "#" in b.plain:
            for m in _HASHTAG.finditer(b.plain):
                self._hashtag(b, m, out)
        return out

    def _hashtag(self, b: _Batch, m: re.Match[str], out: list[Candidate]) -> None:
        # "#FreeBialiatski", "#StandWithTsikhanouskaya": a name may start at a capital.
        cuts = [c.start() for c in _CAMEL.finditer(b.plain, m.start(1), m.end(1))]
        for a, z in zip(cuts, [*cuts[1:], m.end(1)], strict=True):
            piece = b.tok[a:z]
            for end, slot in self._index.find(" " + key(piece)):
                plen, bucket = self._entries[slot]
                if end - plen + 1 == 0:
                    self._verify(b, a, z, piece, bucket, False, out)

    def _verify(
        self,
        b: _Batch,
        start: int,
        end: int,
        w: str,
        bucket: list[Entry],
        with_context: bool,
        out: list[Candidate],
    ) -> None:
        for e in bucket:
            if e.table == "literal":
                self._verify_literal(b, start, e, out)
                continue
            cut = stem_len(w, e.stem_key)
            if cut is None:
                continue
            ending = w[cut:].replace(JOINER, "")
            variant = w.replace(JOINER, "")
            label = TABLES[e.table].get(ending)
            rel = TABLES[e.related].get(ending) if e.related else None
            field = b.field_of(start)
            if label is None and rel is None:
                out.append(
                    Candidate(e.ent, field, start, end, variant, ENDING, "", e.kind, False,
                              f"ending {ending!r}")
                )  # fmt: skip
                continue
            c = Candidate(
                e.ent, field, start, end, variant, SURNAME, label or "", e.kind,
                label is not None and rel is not None,
            )  # fmt: skip
            if label is None:
                c.status, c.label = RELATED, rel or ""
            if with_context:
                self._context(b, c)
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

    def _context(self, b: _Batch, c: Candidate) -> None:
        ent = self._entities[c.ent]
        if names_a_place(b.plain, b.tok, c.start, c.end):
            if c.status == SURNAME:
                c.status = PLACE
            return
        if ent.exclude and self._excluded(b, c, ent):
            c.status, c.detail = EXCLUDED, "exclude phrase"
            return
        before = prev_word(b.plain, b.tok, c.start)
        if before is not None and is_patronymic(word(b.tok, before)):
            before = prev_word(b.plain, b.tok, before[0])
        if before is None:
            return
        w = word(b.tok, before)
        stems = given_stems(key(w))
        if ent.first_stems.intersection(stems):
            if c.status == SURNAME:
                c.status = FULL
                c.start = before[0]
                c.variant = f"{w} {c.variant}"
            return
        capital = b.plain[before[0]].isupper()
        given = w in SPELLINGS or any(len(s) >= 3 for s in stems if GIVEN.groups_of((s,)))
        if capital and given:
            c.detail = f"{b.plain[before[0] : before[1]]} {b.plain[c.start : c.end]}"
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
        entries = [e for _, bucket in self._entries for e in bucket if e.ent == ent]
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
