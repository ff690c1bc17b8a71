"""Finds watched people in an article's title and summary.

One Aho-Corasick pass over the phonetic key of each field finds surname stems at word
starts; each candidate is then verified: its ending must be one the surname takes, a given
name right before it must be one of the person's own, and a place noun must not introduce
it. Finally, per article, surname-only mentions are dropped when the text also names a
namesake (Dmitry Lukashenko) or the other gender's form (Сергей Колесников) and never the
person's own first name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from alerts.matching.automaton import KeyIndex
from alerts.matching.build import Compiler, Entity, Entry, compile_names
from alerts.matching.context import is_patronymic, names_a_place, prev_word, word
from alerts.matching.given import GIVEN, SPELLINGS, given_stems
from alerts.matching.inflect import TABLES
from alerts.matching.model import Match, WatchName
from alerts.matching.normalize import JOINER, normalize, tokens
from alerts.matching.phonetic import key
from alerts.matching.snippet import snippet
from alerts.matching.text import html_to_text

log = logging.getLogger(__name__)

_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[^\W\d_])(?=[^\W\d_])(?<![A-ZА-ЯЁІЎЇЄҐ])(?=[A-ZА-ЯЁІЎЇЄҐ])")

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
    field: str
    start: int  # display offsets of the whole mention (given name included when present)
    end: int
    variant: str
    status: str
    label: str
    kind: str
    ambiguous: bool
    detail: str = ""


@dataclass(slots=True)
class _Field:
    name: str
    plain: str
    norm: str
    tok: str


def _stem_len(w: str, stem_key: str) -> int | None:
    """Longest prefix of the normalised word whose key is ``stem_key``."""
    n = len(stem_key)
    for cut in range(len(w), 0, -1):
        k = key(w[:cut])
        if k == stem_key:
            return cut
        if len(k) < n - 1:
            return None
    return None


class Matcher:
    """Matches many watched names against articles; cost does not grow with their number."""

    __slots__ = ("_entities", "_entries", "_index", "_keys")

    def __init__(self, compiled: Compiler) -> None:
        self._entities: list[Entity] = compiled.entities
        self._keys: dict[str, int] = {e.watch.key: i for i, e in enumerate(compiled.entities)}
        self._entries: list[tuple[int, list[Entry]]] = []
        self._index = KeyIndex()
        for pattern, bucket in compiled.patterns.items():
            self._index.add(pattern, len(self._entries))
            self._entries.append((len(pattern), bucket))
        self._index.build()

    @classmethod
    def build(cls, names: Iterable[WatchName]) -> Matcher:
        return cls(compile_names(names))

    # -- matching ---------------------------------------------------------------------------

    def match(self, title: str, summary: str) -> list[Match]:
        fields = [self._prepare("title", title), self._prepare("summary", summary)]
        cands: list[Candidate] = []
        for f in fields:
            cands.extend(self._candidates(f))
        if not cands:
            return []
        accepted = self._attribute(cands)
        by_name = {f.name: f for f in fields}
        out: list[Match] = []
        for c in accepted:
            f = by_name[c.field]
            snip, s0, s1 = snippet(f.plain, c.start, c.end)
            reason = c.kind if c.status == SURNAME else FULL if c.kind != "literal" else "literal"
            if c.kind == "alias" and c.status == FULL:
                reason = "alias"
            if c.label:
                reason = f"{reason}, {c.label}"
            out.append(
                Match(
                    key=self._entities[c.ent].watch.key,
                    matched=f.plain[c.start : c.end],
                    field=c.field,
                    start=c.start,
                    end=c.end,
                    snippet=snip,
                    snippet_start=s0,
                    snippet_end=s1,
                    variant=c.variant,
                    reason=reason,
                )
            )
        out.sort(key=lambda m: (m.field != "title", m.start, m.key))
        return out

    @staticmethod
    def _prepare(name: str, raw: str) -> _Field:
        plain = html_to_text(raw)
        norm = normalize(plain)
        return _Field(name, plain, norm, tokens(norm))

    def _candidates(self, f: _Field) -> list[Candidate]:
        text = " " + key(f.tok)
        hits = sorted(
            (end - self._entries[slot][0] + 1, slot) for end, slot in self._index.find(text)
        )
        out: list[Candidate] = []
        if hits:
            parts = f.tok.split(" ")
            part = 0
            pos = 0
            spaces = 0
            last = 0
            for start, slot in hits:
                spaces += text.count(" ", last, start + 1)
                last = start + 1
                i = spaces - 1
                if i > part:
                    pos += sum(map(len, parts[part:i])) + (i - part)
                    part = i
                w = parts[i]
                self._verify(f, pos, pos + len(w), w, self._entries[slot][1], True, out)
        if "#" in f.plain:
            for m in _HASHTAG.finditer(f.plain):
                self._hashtag(f, m, out)
        return out

    def _hashtag(self, f: _Field, m: re.Match[str], out: list[Candidate]) -> None:
        # "#FreeBialiatski", "#StandWithTsikhanouskaya": a name may start at a capital.
        cuts = [c.start() for c in _CAMEL.finditer(f.plain, m.start(1), m.end(1))]
        for a, b in zip(cuts, [*cuts[1:], m.end(1)], strict=True):
            piece = f.tok[a:b]
            for end, slot in self._index.find(" " + key(piece)):
                plen, bucket = self._entries[slot]
                if end - plen + 1 == 0:
                    self._verify(f, a, b, f.norm[a:b], bucket, False, out)

    def _verify(
        self,
        f: _Field,
        start: int,
        end: int,
        w: str,
        bucket: list[Entry],
        with_context: bool,
        out: list[Candidate],
    ) -> None:
        for e in bucket:
            if e.table == "literal":
                self._verify_literal(f, start, e, out)
                continue
            cut = _stem_len(w, e.stem_key)
            if cut is None:
                continue
            ending = w[cut:].replace(JOINER, "")
            variant = w.replace(JOINER, "")
            label = TABLES[e.table].get(ending)
            rel = TABLES[e.related].get(ending) if e.related else None
            if label is None and rel is None:
                out.append(
                    Candidate(
                        e.ent,
                        f.name,
                        start,
                        end,
                        variant,
                        ENDING,
                        "",
                        e.kind,
                        False,
                        f"ending {ending!r}",
                    )
                )
                continue
            c = Candidate(
                e.ent,
                f.name,
                start,
                end,
                variant,
                SURNAME,
                label or "",
                e.kind,
                label is not None and rel is not None,
            )
            if label is None:
                c.status, c.label = RELATED, rel or ""
            if with_context:
                self._context(f, c)
            out.append(c)

    def _verify_literal(self, f: _Field, start: int, e: Entry, out: list[Candidate]) -> None:
        ent = self._entities[e.ent]
        for words in ent.literal_words:
            pos = start
            ok = True
            for n, lw in enumerate(words):
                if n:
                    while pos < len(f.norm) and f.norm[pos] in " \n":
                        pos += 1
                end = pos
                while end < len(f.tok) and f.tok[end] != " ":
                    end += 1
                if f.norm[pos:end].replace(JOINER, "") != lw:
                    ok = False
                    break
                pos = end
            if ok:
                variant = " ".join(words)
                out.append(
                    Candidate(e.ent, f.name, start, pos, variant, FULL, "", "literal", False)
                )
                return

    def _context(self, f: _Field, c: Candidate) -> None:
        ent = self._entities[c.ent]
        if names_a_place(f.norm, f.tok, c.start, c.end):
            if c.status == SURNAME:
                c.status = PLACE
            return
        if ent.exclude and self._excluded(f, c, ent):
            c.status, c.detail = EXCLUDED, "exclude phrase"
            return
        before = prev_word(f.norm, f.tok, c.start)
        if before is not None and is_patronymic(word(f.norm, before)):
            before = prev_word(f.norm, f.tok, before[0])
        if before is None:
            return
        w = word(f.norm, before)
        stems = given_stems(key(w))
        if ent.first_stems.intersection(stems):
            if c.status == SURNAME:
                c.status = FULL
                c.start = before[0]
                c.variant = f"{w} {c.variant}"
            return
        capital = f.plain[before[0]].isupper()
        given = w in SPELLINGS or any(len(s) >= 3 for s in stems if GIVEN.groups_of((s,)))
        if capital and given:
            c.detail = f"{f.plain[before[0] : before[1]]} {f.plain[c.start : c.end]}"
            if c.status == SURNAME:
                c.status = FOREIGN

    def _excluded(self, f: _Field, c: Candidate, ent: Entity) -> bool:
        # Exclusion phrases are matched on phonetic keys of whole words around the hit,
        # each phrase word as a prefix so that inflected forms are caught too.
        window_start = max(0, c.start - 120)
        window_end = min(len(f.tok), c.end + 120)
        words_ = f.tok[window_start:window_end].split()
        keys = [key(x) for x in words_]
        here = len(f.tok[window_start : c.start].split())
        for phrase in ent.exclude:
            n = len(phrase)
            for s in range(max(0, here - n + 1), here + 1):
                seg = keys[s : s + n]
                if len(seg) == n and all(
                    k.startswith(p.rstrip("a") or p) for k, p in zip(seg, phrase, strict=True)
                ):
                    return True
        return False

    # -- attribution across the article --------------------------------------------------

    @staticmethod
    def _attribute(cands: list[Candidate]) -> list[Candidate]:
        by_ent: dict[int, list[Candidate]] = {}
        for c in cands:
            by_ent.setdefault(c.ent, []).append(c)
        accepted: list[Candidate] = []
        for group in by_ent.values():
            supported = any(c.status == FULL for c in group)
            namesake = any(c.status in (FOREIGN, EXCLUDED) for c in group)
            other_gender = any(c.status == RELATED for c in group)
            for c in group:
                if c.status == FULL:
                    accepted.append(c)
                elif c.status == SURNAME:
                    if supported:
                        accepted.append(c)
                    elif namesake:
                        c.status, c.detail = FOREIGN, "the text names a namesake"
                    elif other_gender and c.ambiguous:
                        c.status, c.detail = RELATED, "also a case of the other gender's form"
                    else:
                        accepted.append(c)
        seen: set[tuple[int, str, int]] = set()
        unique: list[Candidate] = []
        for c in accepted:
            if (c.ent, c.field, c.start) not in seen:
                seen.add((c.ent, c.field, c.start))
                unique.append(c)
        return unique

    # -- explanations ---------------------------------------------------------------------

    def forms(self, key_: str) -> list[tuple[str, str]]:
        from alerts.matching.explain import forms

        return forms(self._entities[self._keys[key_]], self._all_entries(self._keys[key_]))

    def _all_entries(self, ent: int) -> list[Entry]:
        return [e for _, bucket in self._entries for e in bucket if e.ent == ent]

    def explain(self, text: str) -> list[str]:
        from alerts.matching.explain import describe

        f = self._prepare("summary", text)
        cands = self._candidates(f)
        accepted = {id(c) for c in self._attribute(cands)}
        return [
            describe(self._entities[c.ent].watch.key, f.plain, c, id(c) in accepted)
            for c in sorted(cands, key=lambda c: (c.start, c.ent))
        ]
