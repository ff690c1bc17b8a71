"""Length-preserving normalisation of display text for matching.

Every character maps to exactly one character, so an offset into the normalised text is an
offset into the display text. Case and Latin diacritics go; the carons (š č ž) and Polish ż
stay because they carry a consonant the phonetic key needs. Homoglyphs are folded by word
majority. A word hyphenated across a line break is joined by turning the break into NUL
"joiner" characters that the phonetic key deletes.
"""

from __future__ import annotations

import re
import unicodedata

JOINER = "\x00"

# Letters that form words; everything else separates words.
LATIN_LETTERS = "a-zßšžčżæœ"
CYRILLIC_LETTERS = "а-яёіїєґўйьъ"
TOKEN_CHARS = LATIN_LETTERS + CYRILLIC_LETTERS + JOINER
_NON_TOKEN = re.compile(f"[^{TOKEN_CHARS}]")

_KEEP = set("šžčżŠŽČŻ")
_SPECIAL = {
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ı": "i",
    "İ": "i",
    "ẞ": "ß",
    "Æ": "æ",
    "Œ": "œ",
    "ħ": "h",
    "ŀ": "l",
    "Ŀ": "l",
}
_APOSTROPHES = "’‘ʼʻ`´′"
_DASHES = "‐‑‒–—―"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [(0x41, 0x5B), (0xC0, 0x250), (0x1E00, 0x1F00)]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            if ch in _SPECIAL:
                table[cp] = _SPECIAL[ch]
                continue
            if ch in _KEEP:
                table[cp] = ch.lower()
                continue
            low = ch.lower()
            base = "".join(
                c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c)
            )
            if len(base) == 1 and base != ch:
                table[cp] = base
    for cp in range(0x400, 0x500):
        ch = chr(cp)
        low = ch.lower()
        if len(low) == 1 and low != ch:
            table[cp] = low
    table[ord("ё")] = table[ord("Ё")] = "е"
    for ch in _APOSTROPHES:
        table[ord(ch)] = "'"
    for ch in _DASHES:
        table[ord(ch)] = "-"
    for ch in "\t\r\f\v\u00a0\u2007\u202f\u2009\u200a\u2002\u2003":
        table[ord(ch)] = " "
    return table


_TABLE = _build_table()

# Cyrillic letters that look like Latin ones, and back.
_CYR_TO_LAT = str.maketrans("аеорсухіјѕкмнвт", "aeopcyxijskmhbt")
_LAT_TO_CYR = str.maketrans("aeopcyxijs", "аеорсухіјѕ")
_MIXED = re.compile(
    f"[{TOKEN_CHARS}]*(?:[a-z][{CYRILLIC_LETTERS}]|[{CYRILLIC_LETTERS}][a-z])[{TOKEN_CHARS}]*"
)
_LAT = re.compile("[a-z]")
_CYR = re.compile(f"[{CYRILLIC_LETTERS}]")
# "Bia-\nliatski": a hyphen at a line end followed by a lower-case continuation. A capital
# after the break ("Anti-\nLukashenko") keeps its hyphen: that is a real compound.
_BREAK = re.compile(f"(?<=[{TOKEN_CHARS}])-[ \\t]*\\n[ \\t]*(?=[{TOKEN_CHARS}])")


def _fold(m: re.Match[str]) -> str:
    word = m.group(0)
    lat = len(_LAT.findall(word))
    cyr = len(_CYR.findall(word))
    return word.translate(_CYR_TO_LAT if lat > cyr else _LAT_TO_CYR)


def _join(m: re.Match[str]) -> str:
    return JOINER * (m.end() - m.start())


def normalize(plain: str) -> str:
    """Lower-case, strip Latin marks, fold homoglyphs, join line-break hyphenation; 1:1."""
    norm = plain.translate(_TABLE)
    if _MIXED.search(norm):
        norm = _MIXED.sub(_fold, norm)
    if "-" in norm and "\n" in norm:
        norm = _BREAK.sub(_join, norm)
    return norm


def tokens(norm: str) -> str:
    """Normalised text with every non-word character replaced by a space; 1:1."""
    return _NON_TOKEN.sub(" ", norm)
