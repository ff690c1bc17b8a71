"""Length-preserving normalisation of display text into a word mask for matching.

Every character maps to exactly one character, so an offset into the result is an offset
into the display text. Letters are lower-cased and lose their Latin marks (the carons
š ž č and Polish ż stay: they carry a consonant the phonetic key needs); every other
character becomes a space. Homoglyphs are folded by word majority (a Cyrillic "о" in a
Latin word). A word hyphenated across a line break is joined by turning the break into NUL
"joiner" characters that the phonetic key deletes.
"""

from __future__ import annotations

import re
import unicodedata

JOINER = "\x00"

LATIN_LETTERS = "a-zßšžčżæœ"
CYRILLIC_LETTERS = "а-яёіїєґўйьъ"
TOKEN_CHARS = LATIN_LETTERS + CYRILLIC_LETTERS + JOINER

_KEEP = set("šžčżŠŽČŻ")
_SPECIAL = {
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ı": "i", "İ": "i",
    "ẞ": "ß", "Æ": "æ", "Œ": "œ", "ħ": "h", "ŀ": "l", "Ŀ": "l",
}  # fmt: skip


class _Table(dict[int, str]):
    """Translation table: anything not listed is a separator (remembered once seen)."""

    def __missing__(self, cp: int) -> str:
        self[cp] = " "
        return " "


def _build_table() -> _Table:
    table = _Table()
    for cp in range(0x80):
        table[cp] = " "
    for cp in range(ord("a"), ord("z") + 1):
        table[cp] = chr(cp)
        table[cp - 32] = chr(cp)
    for lo, hi in ((0xC0, 0x250), (0x1E00, 0x1F00)):
        for cp in range(lo, hi):
            ch = chr(cp)
            if ch in _SPECIAL:
                table[cp] = _SPECIAL[ch]
            elif ch in _KEEP:
                table[cp] = ch.lower()
            else:
                base = "".join(
                    c
                    for c in unicodedata.normalize("NFKD", ch.lower())
                    if not unicodedata.combining(c)
                )
                if len(base) == 1 and base.isalpha():
                    table[cp] = base
    for cp in range(0x400, 0x500):
        low = chr(cp).lower()
        if len(low) == 1 and re.fullmatch(f"[{CYRILLIC_LETTERS}]", low):
            table[cp] = low
    table[ord("ё")] = table[ord("Ё")] = "е"
    table[ord("ß")] = "ß"
    table[0] = JOINER
    return table


_TABLE = _build_table()

# Cyrillic letters that look like Latin ones, and back.
_CYR_TO_LAT = str.maketrans("аеорсухіјѕкмнвт", "aeopcyxijskmhbt")
_LAT_TO_CYR = str.maketrans("aeopcyxijs", "аеорсухіјѕ")
_MIXED_HINT = re.compile(f"[a-z][{CYRILLIC_LETTERS}]|[{CYRILLIC_LETTERS}][a-z]")
_MIXED = re.compile(
    f"[{TOKEN_CHARS}]*(?:[a-z][{CYRILLIC_LETTERS}]|[{CYRILLIC_LETTERS}][a-z])[{TOKEN_CHARS}]*"
)
_LAT = re.compile("[a-z]")
_CYR = re.compile(f"[{CYRILLIC_LETTERS}]")
# "Bia-\nliatski": a hyphen at a line end followed by a lower-case continuation. A capital
# after the break ("Anti-\nLukashenko") keeps its hyphen: that is a real compound.
_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad\u2010\u2011][ \t]*\r?\n[ \t]*(?=[^\W\d_])")


def _fold(m: re.Match[str]) -> str:
    word = m.group(0)
    lat = len(_LAT.findall(word))
    cyr = len(_CYR.findall(word))
    return word.translate(_CYR_TO_LAT if lat > cyr else _LAT_TO_CYR)


def tokens(plain: str) -> str:
    """Lower-cased, mark-stripped letters; every non-letter a space; same length as input."""
    tok = plain.translate(_TABLE)
    if _MIXED_HINT.search(tok):
        tok = _MIXED.sub(_fold, tok)
    if "\n" in plain and _BREAK.search(plain):
        for m in _BREAK.finditer(plain):
            if plain[m.end()].islower():
                tok = tok[: m.start()] + JOINER * (m.end() - m.start()) + tok[m.end() :]
    return tok
