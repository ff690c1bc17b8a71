"""Finds watched people in articles' titles and summaries.

A batch of fields is split into chunks (runs of non-white-space); each distinct chunk is
looked up once in the watchlist's lexicon (``screen``), which knows the words in it that
read as a surname stem plus an ending that stem takes. Each occurrence of such a word is
then judged by its neighbours (``context``): a given name right before it must be one of
the person's own, and a place noun must not introduce it. What a word yields in a given
neighbourhood is planned once and cached, so repeated phrasing costs a dict lookup.
Finally, per article, surname-only mentions are dropped when the text also names a
namesake (Dmitry Lukashenko) or the other gender's form (Сергей Колесников) and never the
person's own first name (``attribute``).
"""

from __future__ import annotations

import bisect
import gc
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from dataclasses import field as dc_field
from itertools import accumulate, compress, count

from alerts.matching.attribute import (
    ENDING,
    EXCLUDED,
    FOREIGN,
    FULL,
    KIN,
    LOOSE,
    PART,
    PLACE,
    RELATED,
    SURNAME,
    WORD,
    Candidate,
    Status,
    accepted,
    attribute,
)
from alerts.matching.build import MIN_STEM_KEY, Compiler, Entity, Entry, Kind, compile_names
from alerts.matching.context import ALONE, Around, Neighbours, capitalised, word
from alerts.matching.given import lexicon
from alerts.matching.model import Match, WatchName
from alerts.matching.normalize import JOINER, join_breaks, tokens
from alerts.matching.phonetic import key
from alerts.matching.screen import Lexicon, Reading, Spot
from alerts.matching.snippet import snippet
from alerts.matching.text import html_to_text

log = logging.getLogger(__name__)

SEP = "\x01"  # between batched fields; never part of a word, never white space
FIELDS = ("title", "summary")

# One candidate of a plan: (entity, status, label, kind, ambiguous, variant, starts at the
# given name before, detail).
_Item = tuple[int, Status, str, Kind, bool, str, bool, str]
# (entity, a namesake rather than the other gender's form): for matching, the candidates
# that only ever reject others are kept as per-article flags, not as candidates.
_Flag = tuple[int, bool]
# (neighbourhood, candidates, flags, readings judged in place, a relative's marker after it)
_Plan = tuple[Around, tuple[_Item, ...], tuple[_Flag, ...], tuple[Reading, ...], bool]
# Per batch: (article, entity) pairs named as a namesake, and as the other gender's form.
_Flags = tuple[set[tuple[int, int]], set[tuple[int, int]]]
_Plans = dict[tuple[str, int, str, str, str], _Plan]
_MAX_PLANS = 200_000
_NAMED = "(the given name before it)"  # filled in with the text when used
# What a reading with another spelling's vowels (``vowels``) would have been, but is not.
_LOOSENED = frozenset({SURNAME, FOREIGN, RELATED, KIN})
# A literal phrase is checked on the text right after its first word.
_LITERAL_WINDOW = 400
# The chunk right before a candidate's, from its start.
_ONE_CHUNK_BACK = ALONE._replace(hops=1)


@dataclass(slots=True)
class _Batch:
    plain: str
    scan: str  # ``plain`` with hyphenated line breaks joined (``normalize.join_breaks``)
    starts: list[int]  # batch offset of each field
    chunks: list[str]  # ``scan.split()``
    fields: list[str]  # ``plain.split(SEP)``: each field's display text
    cased: dict[int, bool] = dc_field(default_factory=dict)  # field -> writes capitals at all

    def field_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1


def _locate(scan: str, chunk: str, at: int) -> int:
    """Offset of the first whole chunk equal to ``chunk`` at or after ``at``.

    Chunks are visited in order, and an earlier equal chunk would have been visited first,
    so this is the chunk's own offset; a match inside a longer chunk is skipped.
    """
    n = len(chunk)
    i = scan.find(chunk, at)
    while (i > 0 and not scan[i - 1].isspace()) or (
        i + n < len(scan) and not scan[i + n].isspace()
    ):
        i = scan.find(chunk, i + 1)
    return i


# From this many names on, the build pauses the cyclic collector; below, the collections
# it would trigger are few and cheap, and the full one that ends a pause is not.
_BIG_WATCHLIST = 2_000


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a watchlist is compiled. The build allocates
    hundreds of thousands of small objects that stay alive and form no cycles; counting
    them, the collector would start again and again, each full pass over a heap that keeps
    growing: a quarter of a 100,000-name build. One collection at the end moves what
    the build kept into the oldest generation at once, rather than letting the first
    articles matched pay for carrying it through the younger ones."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
            gc.collect()


def _common_words(b: _Batch, cands: list[Candidate]) -> None:
    """A surname alone, capitalised, that the same article also writes in lower case in
    running text is that ordinary word (Садовий at a sentence start beside "садовий
    інвентар"; Сорока in a title over "сорока" in the summary): it becomes ``WORD``."""
    seen: dict[tuple[int, str], bool] = {}
    for c in cands:
        if c.status != SURNAME or c.kind == "literal":
            continue
        form = b.plain[c.start : c.end]
        low = form.lower()
        if low == form:
            continue  # written in lower case itself, or in a script without case
        article = c.field >> 1
        found = seen.get((article, low))
        if found is None:
            fields = b.fields[2 * article], b.fields[2 * article + 1]
            found = seen[(article, low)] = any(_has_word(f, low) for f in fields)
        if found:
            c.status, c.detail = WORD, "the article also writes it in lower case"


def _starts_compound(k: str, prefix: tuple[str, ...]) -> bool:
    """Whether a word with key ``k`` can be the first part of a compound surname whose
    first part keys as one of ``prefix``: any of its forms (a prefix of the key), or for
    a part too short to tell forms from other words ("Jae" of Jae-in keys as "a") only
    the part itself."""
    return any(k == p if len(p) < MIN_STEM_KEY else k.startswith(p) for p in prefix)


def _has_word(text: str, w: str) -> bool:
    """Whether ``w`` stands in ``text`` as a whole word, exactly as written."""
    n = len(w)
    i = text.find(w)
    while i != -1:
        if (i == 0 or not text[i - 1].isalnum()) and (
            i + n == len(text) or not text[i + n].isalnum()
        ):
            return True
        i = text.find(w, i + 1)
    return False


class Matcher:
    """Matches many watched names against articles; cost does not grow with their number."""

    __slots__ = (
        "_entities", "_entries", "_excluding", "_first_all", "_keys", "_lex", "_names", "_near",
        "_plans",
    )  # fmt: skip

    def __init__(self, compiled: Compiler) -> None:
        lexicon()  # loaded once, with the watchlist, not on the first article
        self._entities: list[Entity] = compiled.entities
        self._keys: dict[str, int] = {e.watch.key: i for i, e in enumerate(compiled.entities)}
        self._names = [e.watch.key for e in compiled.entities]
        self._entries: list[Entry] = [e for bucket in compiled.patterns.values() for e in bucket]
        self._lex = Lexicon(compiled.patterns)
        self._plans: _Plans = {}
        self._first_all = frozenset(s for e in self._entities for s in e.first_stems)
        self._near = Neighbours(self._first_all)
        self._excluding = frozenset(i for i, e in enumerate(self._entities) if e.exclude)

    @classmethod
    def build(cls, names: Iterable[WatchName]) -> Matcher:
        names = list(names)
        with _collector_paused() if len(names) >= _BIG_WATCHLIST else nullcontext():
            return cls(compile_names(names))

    # -- matching ---------------------------------------------------------------------------

    def match(self, title: str, summary: str) -> list[Match]:
        """Mentions in one article, sorted by field (title first) then position."""
        return self.match_many([(title, summary)])[0]

    def match_many(self, articles: Sequence[tuple[str, str]]) -> list[list[Match]]:
        """``match`` for many articles at once: same results, far less per-call overhead."""
        batch = self._prepare(articles)
        out: list[list[Match]] = [[] for _ in articles]
        flags: _Flags = (set(), set())
        cands = self._candidates(batch, keep_rejected=False, flags=flags)
        if not cands:
            return out
        _common_words(batch, cands)
        plains = batch.fields
        # Namesakes in a large watchlist share mentions: one snippet per span.
        snips: dict[tuple[int, int, int], tuple[str, int, int]] = {}
        for c in accepted(cands, *flags):
            base = batch.starts[c.field]
            span = (c.field, c.start, c.end)
            snip = snips.get(span)
            if snip is None:
                snip = snips[span] = snippet(plains[c.field], c.start - base, c.end - base)
            out[c.field // 2].append(self._to_match(c, base, plains[c.field], snip))
        for hits in out:
            if len(hits) > 1:
                hits.sort(key=lambda m: (m.field != "title", m.start, m.key))
        return out

    def _to_match(self, c: Candidate, base: int, plain: str, snip: tuple[str, int, int]) -> Match:
        start, end = c.start - base, c.end - base
        if c.kind == "literal":
            reason = "literal"
        elif c.status == FULL:
            reason = "alias" if c.kind == "alias" else FULL
        else:
            reason = c.kind
        if c.label:
            reason = f"{reason}, {c.label}"
        # Positional, in field order (key, matched, field, start, end, snippet, snippet_start,
        # snippet_end, variant, reason): a large watchlist makes thousands per MB.
        return Match(
            self._names[c.ent], plain[start:end], FIELDS[c.field & 1], start, end, *snip,
            c.variant, reason,
        )  # fmt: skip

    @staticmethod
    def _prepare(articles: Sequence[tuple[str, str]]) -> _Batch:
        """Display text of all fields joined by SEP, split into fields and chunks."""
        raw = [x for pair in articles for x in pair]
        joined = SEP.join(raw)
        if joined.count(SEP) != len(raw) - 1:
            raw = [x.replace(SEP, " ") for x in raw]
            joined = SEP.join(raw)
        plain = html_to_text(joined)
        fields = plain.split(SEP)
        starts = list(accumulate((len(f) + 1 for f in fields), initial=0))
        scan = join_breaks(plain)
        return _Batch(plain, scan, starts[:-1], scan.split(), fields)

    def _candidates(
        self, b: _Batch, keep_rejected: bool = True, flags: _Flags | None = None
    ) -> list[Candidate]:
        """Candidates in a batch; with ``flags``, candidates that can only reject others
        are recorded there instead."""
        lex = self._lex
        chunks = b.chunks
        out: list[Candidate] = []
        # Plans for explanations keep rejected candidates, so they are never shared.
        plans = {} if keep_rejected else self._plans
        if keep_rejected:
            hot: Iterable[int] = range(len(chunks))
            spots_of = lex.all_spots
        else:
            found = lex.hot_chunks(chunks, self._kept_lower(b))
            if not found:
                return out
            hot = compress(count(), map(found.__contains__, chunks))
            spots_of = lex.spots
        at = 0
        for ci in hot:
            c = chunks[ci]
            off = _locate(b.scan, c, at)
            at = off + len(c)
            for spot in spots_of(c):
                self._verify(b, ci, off, spot, out, plans, flags)
        return out

    def _verify(
        self,
        b: _Batch,
        ci: int,
        off: int,
        spot: Spot,
        out: list[Candidate],
        plans: _Plans,
        flags: _Flags | None,
    ) -> None:
        chunks = b.chunks
        start, end = off + spot.start, off + spot.end
        field = bisect.bisect_right(b.starts, start) - 1
        # A surname is capitalised in running text; a lower-case one is a word (садовий
        # інвентар, мороз), unless the field has no capitals at all or it is a hashtag.
        # Such a word is neither a mention nor evidence of a namesake or of the other
        # gender's form; matching need not look at its neighbours at all. A literal
        # phrase is matched as configured, whatever its case.
        common = not spot.bare and not capitalised(b.scan[start]) and self._cased(b, field)
        if (
            common
            and flags is not None
            and not any(r.entry.table == "literal" for r in spot.readings)
        ):
            return
        before = chunks[ci - 1] if (spot.first or spot.compound) and ci > 0 else ""
        before2 = chunks[ci - 2] if before and ci > 1 else ""
        after = chunks[ci + 1] if spot.last and ci + 1 < len(chunks) else ""
        pk = (chunks[ci], spot.start, before2, before, after)
        plan = plans.get(pk)
        if plan is None:
            relative = spot.relative or (bool(after) and self._near.relative_after(after))
            around = ALONE if spot.bare else self._near.around(before2, before, after)
            plan = self._plan(spot, around, flags is None, relative)
            if len(plans) > _MAX_PLANS:
                plans.clear()
            plans[pk] = plan
        around, items, flagged, dynamic, relative = plan
        if flagged and flags is not None:
            article = field >> 1
            for ent, namesake in flagged:
                flags[0 if namesake else 1].add((article, ent))
        bstart = self._before(b, ci, off, around) if around.hops else -1
        for ent, status, label, kind, ambiguous, variant, full, detail in items:
            c = Candidate(
                ent, field, bstart if full else start, end, variant, status, label, kind,
                ambiguous, detail,
            )  # fmt: skip
            if detail is _NAMED:
                c.detail = f"{b.plain[bstart : bstart + around.length]} {b.plain[start:end]}"
            if common and c.kind != "literal":
                c.status, c.start = WORD, start
            out.append(c)
        for r in dynamic:
            e = r.entry
            if e.table == "literal":
                self._verify_literal(b, start, e, out)
                continue
            c = Candidate(e.ent, field, start, end, r.variant, SURNAME, r.label, e.kind, False)
            c.ambiguous = bool(r.label and r.related)
            if not r.label:
                c.status, c.label = RELATED, r.related
            if e.prefix:
                near = self._compound(b, ci, off, spot, e.prefix, before, after)
                if near is None:
                    if c.status == SURNAME:
                        c.status, c.detail = PART, "without the rest of the compound"
                    out.append(c)
                    continue
                c_around, c_before, c.start = near
                if not spot.bare:
                    self._context(b, c_before, c, c_around)
            elif not spot.bare:
                self._context(b, bstart, c, around)
            if relative and c.status == SURNAME:
                c.status = KIN
            if r.loose and c.status in _LOOSENED:
                c.status = LOOSE
            if common:
                c.status, c.start = WORD, start
            out.append(c)

    def _kept_lower(self, b: _Batch) -> set[str] | None:
        """The lower-case chunks of a batch that matching must still screen, or None
        for all of them. A lower-case chunk in a field that writes capitals can hold no
        mention (see ``_verify``), so it is not screened at all: in news text most words
        are such chunks. Kept: every chunk of an all-lower-case field; all of them when
        some name is a literal phrase. (Hashtags, chunks across two fields and chunks
        in a script without case are always screened: ``Lexicon.hot_chunks``.)"""
        if self._lex.has_literals:
            return None
        keep: set[str] = set()
        # A field without capitals (``_cased``) that has a lower-case chunk at all is
        # ``str.islower``; one with no letters of a cased script has none to skip.
        for f, text in enumerate(b.fields):
            if text.islower():
                start = b.starts[f]
                keep.update(b.scan[start : start + len(text)].split())
        return keep

    @staticmethod
    def _cased(b: _Batch, field: int) -> bool:
        """Whether a field writes capitals at all (an all-lower-case post does not)."""
        found = b.cased.get(field)
        if found is None:
            text = b.fields[field]
            found = b.cased[field] = text != text.lower()
        return found

    def _compound(
        self,
        b: _Batch,
        ci: int,
        off: int,
        spot: Spot,
        prefix: tuple[str, ...],
        before: str,
        after: str,
    ) -> tuple[Around, int, int] | None:
        """Where the rest of a compound surname stands before its last part: (neighbours
        of the whole compound, offset of the word they speak of, start of the compound), or
        None when the part stands alone ("Petrosian" is not Ter-Petrosyan)."""  # fmt: skip
        chunks = b.chunks
        if spot.compound:
            raw = chunks[ci][: spot.start].rsplit(SEP, 1)[-1]
            head = tokens(raw).split()
            if head and _starts_compound(key(word(head[-1])), prefix):
                around = self._near.around(chunks[ci - 2] if ci > 1 else "", before, after)
                start = off + spot.start - len(raw)
                at = self._before(b, ci, off, around) if around.hops else -1
                return around, at, at if at >= 0 and self._owns(around) else start
            return None
        if not spot.first or ci == 0:
            return None
        prev = self._near.shape(before)
        if not prev.tail or not _starts_compound(key(word(prev.tail)), prefix):
            return None
        # "Ter Petrosyan": the compound starts at the chunk before, and its neighbours are
        # the chunks before that one.
        pstart = self._before(b, ci, off, _ONE_CHUNK_BACK)
        b2 = chunks[ci - 2] if ci > 1 and prev.single else ""
        b3 = chunks[ci - 3] if ci > 2 and b2 else ""
        around = self._near.around(b3, b2, after) if b2 else ALONE
        at = self._before(b, ci - 1, pstart, around) if around.hops else -1
        return around, at, at if at >= 0 and self._owns(around) else pstart + prev.tail_start

    def _owns(self, around: Around) -> bool:
        return not self._first_all.isdisjoint(around.stems)

    def _plan(self, spot: Spot, around: Around, keep_rejected: bool, relative: bool) -> _Plan:
        """The candidates a spot yields in a neighbourhood, apart from their offsets.

        Literal phrases and names with exclusion phrases look further than the neighbours,
        so they are left to be judged in place ("dynamic").
        """
        items: list[_Item] = []
        flagged: list[_Flag] = []
        dynamic: list[Reading] = []
        for r in spot.readings:
            e = r.entry
            if e.table == "literal" or e.prefix or (r.accepts and e.ent in self._excluding):
                dynamic.append(r)
                continue
            if not r.accepts:
                detail = f"ending {r.ending!r}"
                items.append((e.ent, ENDING, "", e.kind, False, r.variant, False, detail))
                continue
            status, label = (SURNAME, r.label) if r.label else (RELATED, r.related)
            variant, full, detail = r.variant, False, ""
            if around.place:
                if status == SURNAME:
                    status = PLACE
            elif around.hops:
                if not self._entities[e.ent].first_stems.isdisjoint(around.stems):
                    if status == SURNAME:
                        status, full, variant = FULL, True, f"{around.word} {variant}"
                elif around.foreign:
                    detail = _NAMED
                    if status == SURNAME:
                        status = FOREIGN
            if relative and status == SURNAME:
                status = KIN  # the person's son or father: another person, and evidence of one
            if r.loose and status in _LOOSENED:
                # Not this surname's vowels: not a mention, and no evidence of a namesake
                # or of the other gender's form either.
                if not keep_rejected:
                    continue
                status = LOOSE
            if not keep_rejected and status in (FOREIGN, RELATED, KIN):
                flagged.append((e.ent, status != RELATED))
            elif status != PLACE or keep_rejected:  # a place never changes another verdict
                items.append((e.ent, status, label, e.kind, bool(r.label and r.related),
                              variant, full, detail))  # fmt: skip
        return around, tuple(items), tuple(flagged), tuple(dynamic), relative

    def _verify_literal(self, b: _Batch, start: int, e: Entry, out: list[Candidate]) -> None:
        ent = self._entities[e.ent]
        window = b.scan[start : start + _LITERAL_WINDOW]
        tok = tokens(window)
        for words in ent.literal_words:
            pos = 0
            ok = True
            for n, lw in enumerate(words):
                if n:
                    while pos < len(window) and window[pos].isspace():
                        pos += 1
                end = tok.find(" ", pos)
                end = len(tok) if end == -1 else end
                if tok[pos:end].replace(JOINER, "") != lw:
                    ok = False
                    break
                pos = end
            if ok:
                variant = " ".join(words)
                field = b.field_of(start)
                out.append(
                    Candidate(e.ent, field, start, start + pos, variant, FULL, "", "literal", False)
                )
                return

    def _context(self, b: _Batch, before: int, c: Candidate, around: Around) -> None:
        if around.place:
            if c.status == SURNAME:
                c.status = PLACE
            return
        ent = self._entities[c.ent]
        if ent.exclude and self._excluded(b, c, ent):
            c.status, c.detail = EXCLUDED, "exclude phrase"
            return
        if not around.hops:
            return
        if not ent.first_stems.isdisjoint(around.stems):
            if c.status == SURNAME:
                c.status = FULL
                c.start = before
                c.variant = f"{around.word} {c.variant}"
            return
        if around.foreign:
            c.detail = f"{b.plain[before : before + around.length]} {b.plain[c.start : c.end]}"
            if c.status == SURNAME:
                c.status = FOREIGN

    @staticmethod
    def _before(b: _Batch, ci: int, off: int, around: Around) -> int:
        """Offset of the word before chunk ``ci`` (at ``off``) that ``around`` speaks of."""
        pos = off
        for hop in range(1, around.hops + 1):
            pos -= 1
            while b.scan[pos].isspace():
                pos -= 1
            pos += 1 - len(b.chunks[ci - hop])
        return pos + around.tail_start

    def _excluded(self, b: _Batch, c: Candidate, ent: Entity) -> bool:
        # Exclusion phrases are matched on phonetic keys of whole words around the hit,
        # each phrase word as a prefix so that inflected forms are caught too.
        lo = max(b.starts[c.field], c.start - 120)
        hi = c.end + 120
        if c.field + 1 < len(b.starts):
            hi = min(hi, b.starts[c.field + 1] - 1)
        tok = tokens(b.scan[lo:hi])
        keys = [key(x) for x in tok.split()]
        here = len(tok[: c.start - lo].split())
        for phrase in ent.exclude:
            n = len(phrase)
            for s in range(max(0, here - n + 1), here + 1):
                seg = keys[s : s + n]
                if len(seg) == n and all(
                    k.startswith(p.rstrip("a") or p) for k, p in zip(seg, phrase, strict=True)
                ):
                    return True
        return False

    # -- explanations ---------------------------------------------------------------------

    def patterns(self, key_: str) -> list[str]:
        """The declension patterns detected in a watched name's surname (and aliases)."""
        from alerts.matching.inflect import PATTERNS

        return [PATTERNS[p] for p in self._entities[self._keys[key_]].patterns]

    def forms(self, key_: str) -> list[tuple[str, str]]:
        """(form, reason) pairs the matcher accepts for the watched name ``key_``."""
        from alerts.matching.explain import forms

        ent = self._keys[key_]
        entries = [e for e in self._entries if e.ent == ent]
        return forms(self._entities[ent], entries)

    def examples(self, key_: str) -> list[tuple[str, str]]:
        """(spelling, reason) pairs: the name in each script and transliteration users meet,
        each one accepted by this matcher as the whole name or surname. Slow; for display."""
        from alerts.matching.examples import examples

        def spans(text: str) -> list[tuple[int, int]]:
            return [(m.start, m.end) for m in self.match("", text) if m.key == key_]

        return examples(self._entities[self._keys[key_]].watch.name, spans)

    def explain(self, text: str) -> list[str]:
        """One line per candidate in ``text``: accepted or rejected, and why."""
        from alerts.matching.explain import describe

        b = self._prepare([("", text)])
        cands = self._candidates(b)
        _common_words(b, cands)
        kept = {id(c) for c in attribute(cands)}
        base = b.starts[1]
        return [
            describe(self._entities[c.ent].watch.key, b.plain, c, id(c) in kept, base)
            for c in sorted(cands, key=lambda c: (c.start, c.ent))
        ]
