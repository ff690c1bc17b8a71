"""What surrounds a surname: the word before it (a given name? a place noun?) and after it.

Words count as neighbours only when nothing but white space separates them ("Alexander,
Lukashenko" has no given name before it), so neighbours are read off the chunks (runs of
non-white-space) around a candidate's chunk.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from alerts.matching.given import GIVEN, SPELLINGS, given_stems, is_place, is_title, lexicon
from alerts.matching.normalize import JOINER, tokens
from alerts.matching.phonetic import key

# Patronymics sit between a given name and the surname ("Александр Григорьевич Лукашенко").
_PATRONYMIC = re.compile(
    r"(?:ovich|evich|ievich|avich|ovych|ovna|evna|ievna|avna|ич|вич|вна|ўна|івна)$"
)
# A surname right after one of these names a place ("the village of Babaryki").
PLACE_BEFORE = (
    "village", "town", "city", "street", "district", "region", "river", "lake", "station",
    "деревн", "веск", "весц", "сел", "вул", "улиц", "район", "раен", "станц", "горад",
    "город", "wies", "wsi", "wiosk", "ulic", "gmin", "dorf", "stras", "kaim", "gatv",
    "ville", "rue", "vulic", "ulits",
)  # fmt: skip
PLACE_LINKS = frozenset({"of", "de", "du", "d"})
PLACE_AFTER = (
    "village", "street", "district", "region", "airport", "square", "station", "avenue",
    "boulevard", "bridge", "park", "ring", "prospekt", "улиц", "вулиц", "плошч", "площад",
    "праспект", "проспект", "кольц", "бульвар", "шосе", "шоссе", "переул", "провулок",
    "мост", "парк", "ulic", "plac", "aleja", "most", "gatv", "aikšt", "prospekt",
    "straße", "strasse", "platz", "brücke",
)  # fmt: skip
# After a surname, a generational word names a relative, not the person: the son or the
# father (Poroshenko Jr., Порошенко-молодший, Дворкович-старший, Tusk junior, Kowalski
# młodszy, Havel mladší); in the word mask, marks stripped.
_RELATIVE_WORDS = (
    "jr", "sr", "junior", "senior", "младший", "старший", "молодший", "малодшы", "старэйшы",
    "młodszy", "starszy", "mladší", "starší", "mladšia", "jaunesnysis", "vyresnysis",
    "jaunākais", "vecākais",
)  # fmt: skip
RELATIVE_AFTER = frozenset(tokens(w).strip() for w in _RELATIVE_WORDS)
# An initial before a surname ("A. Lukashenko", "А. Лукашенко").
_INITIAL = re.compile(r"^[^\W\d_a-zа-яё]\.$")


def capitalised(ch: str) -> bool:
    """An upper-case letter, or one of a script without case (Georgian Mkhedruli)."""
    return ch.isupper() or "\u10d0" <= ch <= "\u10ff"


def is_patronymic(w: str) -> bool:
    return len(w) > 5 and bool(_PATRONYMIC.search(w))


class Shape(NamedTuple):
    """The words at the edges of a chunk (a run of non-white-space), as neighbours see them."""

    head: str  # the first word if the chunk starts with a letter, else ""
    tail: str  # the last word if the chunk ends with a letter, else ""
    tail_start: int  # offset of ``tail`` in the chunk
    single: bool  # the chunk is one word: the words around it are its neighbours


def shape(chunk: str) -> Shape:
    tok = tokens(chunk)
    if not tok or tok.isspace():
        return Shape("", "", 0, False)
    head = "" if tok[0] == " " else tok.split(" ", 1)[0]
    tail_start = tok.rfind(" ") + 1
    tail = "" if tok[-1] == " " else tok[tail_start:]
    return Shape(head, tail, tail_start, tail_start == 0 and head == tail)


def word(part: str) -> str:
    """A word of the mask without the joiners of a hyphenated line break."""
    return part.replace(JOINER, "") if JOINER in part else part


class Around(NamedTuple):
    """The neighbourhood of one word: a place noun, or the given name before it."""

    place: bool
    hops: int  # chunks back to the word before (a patronymic skipped); 0 when there is none
    tail_start: int  # where that word starts in its chunk
    length: int
    word: str
    stems: tuple[str, ...]  # its given-name stems
    foreign: bool  # it is capitalised and some given name: another person's, if not ours


AT_PLACE = Around(True, 0, 0, 0, "", (), False)
ALONE = Around(False, 0, 0, 0, "", (), False)
_NO_SHAPE = Shape("", "", 0, False)
_MAX_CACHE = 200_000


class _Info(NamedTuple):
    stems: tuple[str, ...]  # given-name stems the word may have
    given: bool  # it is some given name
    patronymic: bool
    relevant: bool  # it may change a verdict: a given name or a patronymic


class Neighbours:
    """Judges a candidate's neighbours from the chunks around it, cached per neighbourhood.

    Only white space separates chunks, so a candidate that starts its chunk has the last
    word of the chunk before as its neighbour (if that chunk ends in a letter), and the one
    before that too when that chunk is a single word. The verdict depends on those chunks'
    text alone, so it is cached by them: news repeats "President Alexander Lukashenko".
    """

    __slots__ = ("_arounds", "_first", "_info", "_shapes")

    def __init__(self, first_stems: frozenset[str]) -> None:
        self._first = first_stems  # every watched name's own given-name stems
        self._arounds: dict[tuple[str, str, str], Around] = {}
        self._info: dict[str, _Info] = {}
        self._shapes: dict[str, Shape] = {}

    def around(self, before2: str, before: str, after: str) -> Around:
        """Neighbourhood from the chunk before (and the one before it) and the chunk after;
        "" for a chunk that is absent or not a neighbour."""
        k = (before2, before, after)
        found = self._arounds.get(k)
        if found is None:
            found = self._judge(before2, before, after)
            if len(self._arounds) > _MAX_CACHE:
                self._arounds.clear()
            self._arounds[k] = found
        return found

    def _judge(self, before2: str, before: str, after: str) -> Around:
        own = before.rsplit("\x01", 1)[-1]  # the field separator of a batch is no neighbour
        if _INITIAL.match(own):
            # Some given name's initial: the person's own when it is one of theirs.
            stem = "#" + key(tokens(own[0]).strip())
            return Around(False, 1, len(before) - 2, 1, own[0].lower(), (stem,), True)
        b1 = self.shape(before) if before else _NO_SHAPE
        # The word before the word before: only across white space, so only when the
        # chunk before is a single word.
        b2 = self.shape(before2) if before2 and b1.single else _NO_SHAPE
        nxt = word(self.shape(after).head) if after else ""
        prev = word(b1.tail)
        if prev in PLACE_LINKS:
            if word(b2.tail).startswith(PLACE_BEFORE):
                return AT_PLACE
        elif prev and prev.startswith(PLACE_BEFORE):
            return AT_PLACE
        if nxt and nxt.startswith(PLACE_AFTER):
            return AT_PLACE
        if not prev:
            return ALONE
        hops, sh, chunk = 1, b1, before
        info = self.info(sh.tail)
        if info.patronymic:
            hops, sh, chunk = 2, b2, before2
            if not sh.tail:
                return ALONE
            info = self.info(sh.tail)
        if not info.relevant:
            return ALONE
        foreign = info.given and capitalised(chunk[sh.tail_start])
        return Around(False, hops, sh.tail_start, len(sh.tail), word(sh.tail), info.stems, foreign)

    def relative_after(self, after: str) -> bool:
        """Whether the chunk after a surname starts with a generational word (Jr.)."""
        return bool(after) and word(self.shape(after).head) in RELATIVE_AFTER

    def shape(self, chunk: str) -> Shape:
        found = self._shapes.get(chunk)
        if found is None:
            found = shape(chunk)
            if len(self._shapes) > _MAX_CACHE:
                self._shapes.clear()
            self._shapes[chunk] = found
        return found

    def info(self, part: str) -> _Info:
        """What a word before a candidate may say about it."""
        found = self._info.get(part)
        if found is None:
            w = word(part)
            k = key(w)
            stems = given_stems(k)
            if is_title(w) or (is_place(w) and w not in SPELLINGS):
                # Before a surname a country or city is where the person is from
                # (президент России Путин), even when its form reads as a given name;
                # not a name spelled as one of the given-name table's own (Sofia,
                # Victoria: a person far more often than the city).
                given = False
            else:
                given = (
                    w in SPELLINGS
                    or any(len(s) >= 3 for s in stems if GIVEN.groups_of((s,)))
                    or lexicon().is_given(w)
                )
            patronymic = is_patronymic(w)
            relevant = given or patronymic or not self._first.isdisjoint(stems)
            found = _Info(stems, given, patronymic, relevant)
            if len(self._info) > _MAX_CACHE:
                self._info.clear()
            self._info[part] = found
        return found
