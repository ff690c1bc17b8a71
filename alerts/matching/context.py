"""What surrounds a surname: the word before it (a given name? a place noun?) and after it.

Works on the display text and its word mask (``normalize.tokens``), which have the same
length, so positions are display positions.
"""

from __future__ import annotations

import re

from alerts.matching.normalize import JOINER

# Patronymics sit between a given name and the surname ("Александр Григорьевич Лукашенко").
_PATRONYMIC = re.compile(
    r"(?:ovich|evich|ievich|avich|ovych|ovna|evna|ievna|avna|ич|вич|вна|ўна|івна)$"
)
# A surname right after one of these names a place ("the village of Babaryki").
_PLACE_BEFORE = (
    "village", "town", "city", "street", "district", "region", "river", "lake", "station",
    "деревн", "веск", "весц", "сел", "вул", "улиц", "район", "раен", "станц", "горад",
    "город", "wies", "wsi", "wiosk", "ulic", "gmin", "dorf", "stras", "kaim", "gatv",
    "ville", "rue", "vulic", "ulits",
)  # fmt: skip
_PLACE_LINKS = frozenset({"of", "de", "du", "d"})
_PLACE_AFTER = ("village", "street", "district", "region", "airport", "square", "station")


def prev_word(plain: str, tok: str, pos: int) -> tuple[int, int] | None:
    """Span of the word before ``pos`` if only white space separates them."""
    j = pos - 1
    while j >= 0 and plain[j].isspace():
        j -= 1
    if j < 0 or j == pos - 1 or tok[j] == " ":
        return None
    end = j + 1
    while j >= 0 and tok[j] != " ":
        j -= 1
    return j + 1, end


def next_word(plain: str, tok: str, pos: int) -> tuple[int, int] | None:
    """Span of the word after ``pos`` if only white space separates them."""
    j = pos
    n = len(plain)
    while j < n and plain[j].isspace():
        j += 1
    if j >= n or j == pos or tok[j] == " ":
        return None
    start = j
    while j < n and tok[j] != " ":
        j += 1
    return start, j


def word(tok: str, span: tuple[int, int]) -> str:
    return tok[span[0] : span[1]].replace(JOINER, "")


def is_patronymic(w: str) -> bool:
    return len(w) > 5 and bool(_PATRONYMIC.search(w))


def names_a_place(plain: str, tok: str, start: int, end: int) -> bool:
    """True when the word at [start, end) follows or precedes a place noun."""
    before = prev_word(plain, tok, start)
    if before is not None:
        w = word(tok, before)
        if w in _PLACE_LINKS:
            before = prev_word(plain, tok, before[0])
            w = word(tok, before) if before is not None else ""
        if w.startswith(_PLACE_BEFORE):
            return True
    after = next_word(plain, tok, end)
    return after is not None and word(tok, after).startswith(_PLACE_AFTER)
