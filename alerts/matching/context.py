"""What surrounds a surname: the word before it (a given name? a place noun?) and after it.

Works on the display text and its word mask (``normalize.tokens``), which have the same
length, so positions are display positions. Words count as neighbours only when nothing
but white space separates them ("Alexander, Lukashenko" has no given name before it).
"""

from __future__ import annotations

import re
from itertools import accumulate

from alerts.matching.normalize import JOINER

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
PLACE_AFTER = ("village", "street", "district", "region", "airport", "square", "station")


def is_patronymic(w: str) -> bool:
    return len(w) > 5 and bool(_PATRONYMIC.search(w))


class Words:
    """The words of a batch's word mask, addressed by index, with display offsets.

    ``tok.split(" ")`` keeps one (possibly empty) part per space, so part ``i`` starts at
    the summed lengths of the parts before it plus ``i``: offsets come from one C-level
    running sum instead of a regex match object per word.
    """

    __slots__ = ("_acc", "parts", "plain")

    def __init__(self, plain: str, tok: str) -> None:
        self.plain = plain
        self.parts = tok.split(" ")
        self._acc: list[int] | None = None

    def start(self, i: int) -> int:
        if self._acc is None:
            self._acc = list(accumulate(map(len, self.parts), initial=0))
        return self._acc[i] + i

    def word(self, i: int) -> str:
        w = self.parts[i]
        return w.replace(JOINER, "") if JOINER in w else w

    def prev(self, i: int) -> int:
        """Index of the word right before word ``i`` if only white space separates them."""
        parts = self.parts
        j = i - 1
        while j >= 0 and not parts[j]:
            j -= 1
        if j < 0:
            return -1
        end = self.start(j) + len(parts[j])
        return j if self.plain[end : self.start(i)].isspace() else -1

    def next(self, i: int) -> int:
        """Index of the word right after word ``i`` if only white space separates them."""
        parts = self.parts
        j = i + 1
        n = len(parts)
        while j < n and not parts[j]:
            j += 1
        if j >= n:
            return -1
        end = self.start(i) + len(parts[i])
        return j if self.plain[end : self.start(j)].isspace() else -1

    def at_place(self, i: int) -> bool:
        """True when word ``i`` follows or precedes a place noun."""
        j = self.prev(i)
        if j >= 0:
            w = self.word(j)
            if w in PLACE_LINKS:
                j = self.prev(j)
                w = self.word(j) if j >= 0 else ""
            if w.startswith(PLACE_BEFORE):
                return True
        j = self.next(i)
        return j >= 0 and self.word(j).startswith(PLACE_AFTER)
