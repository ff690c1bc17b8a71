"""Length-preserving normalisation of display text into a word mask for matching.

Every character maps to exactly one character, so an offset into the result is an offset
into the display text. Letters are lower-cased and lose their Latin marks (š ž č and
Polish ż become ш ж ч ж: they carry a consonant the phonetic key needs); every other
character becomes a space. Homoglyphs are folded by word majority (a Cyrillic "о" in a
Latin word). A word hyphenated across a line break is joined by turning the break into NUL
"joiner" characters that the phonetic key deletes.
"""

from __future__ import annotations

import re
import unicodedata

from alerts.matching.scripts import TABLE as _OTHER_SCRIPTS
from alerts.matching.scripts import greek_pairs, needs_table

JOINER = "\x00"

LATIN_LETTERS = "a-z"
CYRILLIC_LETTERS = "а-яёіїєґўйьъђџћќѓ"
TOKEN_CHARS = LATIN_LETTERS + CYRILLIC_LETTERS + JOINER

_SPECIAL = {
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ı": "i", "İ": "i",
    "ẞ": "ß", "Æ": "æ", "Œ": "œ", "ħ": "h", "ŀ": "l", "Ŀ": "l",
    # Azerbaijani schwa, which English and Russian write a (Əliyev, Aliyev, Алиев).
    "ə": "a", "Ə": "a",
}  # fmt: skip


# Latin letters whose caron (or Polish dot) carries a consonant: spelled with the Cyrillic
# letter of the same sound, which the phonetic key reads the same way ("š" and "ш" -> "S").
_CARRY = {"š": "ш", "ž": "ж", "č": "ч", "ż": "ж", "ß": "s", "æ": "e", "œ": "e"}


def _latin_map() -> dict[str, str]:
    table: dict[str, str] = {}
    for lo, hi in ((0xC0, 0x250), (0x259, 0x25A), (0x1E00, 0x1F00)):
        for cp in range(lo, hi):
            ch = chr(cp).lower()
            if len(ch) != 1 or ch in table:
                continue
            if ch in _CARRY:
                table[ch] = _CARRY[ch]
            elif ch in _SPECIAL:
                table[ch] = _SPECIAL[ch]
            else:
                base = "".join(
                    c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
                )
                table[ch] = base if len(base) == 1 and base.isascii() and base.isalpha() else " "
    return table


_LATIN = _latin_map()
_LATIN_EXT = re.compile("[\u00c0-\u024f\u0259\u1e00-\u1eff]")


def _mask_table() -> bytes:
    table = bytearray(b" " * 256)
    for ch in "abcdefghijklmnopqrstuvwxyz" + "абвгдежзийклмнопрстуфхцчшщъыьэюяіїєґў":
        b = ch.encode("cp1251")[0]
        table[b] = b
    table["ё".encode("cp1251")[0]] = "е".encode("cp1251")[0]
    for ch in "ђџћќѓ":  # letters standing for two sounds (``scripts``)
        table[ch.encode("cp1251")[0]] = ch.encode("cp1251")[0]
    table[0] = 0
    return bytes(table)


_MASK = _mask_table()


def _latin(m: re.Match[str]) -> str:
    return _LATIN.get(m.group(), " ")


# Cyrillic letters that look like Latin ones, and back.
_CYR_TO_LAT = str.maketrans("аеорсухіјѕкмнвт", "aeopcyxijskmhbt")
_LAT_TO_CYR = str.maketrans("aeopcyxijs", "аеорсухіјѕ")


def _script_table() -> bytes:
    # Latin letter "L" (a homoglyph "h"), Cyrillic "C" (a homoglyph "H"), else space.
    table = bytearray(b" " * 256)
    for ch in "abcdefghijklmnopqrstuvwxyz":
        table[ord(ch)] = ord("h" if ch in "aeopcyxijs" else "L")
    for ch in "абвгдежзийклмнопрстуфхцчшщъыьэюяіїєґў":
        table[ch.encode("cp1251")[0]] = ord("H" if ch in "аеорсухікмнвт" else "C")
    return bytes(table)


_SCRIPT = _script_table()
_MIXED = re.compile(b"LH|HL|hC|Ch|hH|Hh")
# Scripts only, homoglyphs or not: a Latin letter touching a Cyrillic one shows as "LC" or
# "CL", found by a plain byte search, far cheaper than the regex above on every text.
_TWO = bytes.maketrans(b"LhCH", b"LLCC")
# "Bia-\nliatski": a hyphen at a line end followed by a lower-case continuation. A capital
# after the break ("Anti-\nLukashenko") keeps its hyphen: that is a real compound.
_BREAK = re.compile("[-\u00ad\u2010\u2011][ \t]*\r?\n[ \t]*")


def _fold_mixed(tok: str, script: bytes, two: bytes) -> str:
    """Fold homoglyphs in every mixed-script word to the script most of its letters use."""
    starts: set[int] = set()
    for pair in (b"LC", b"CL"):
        at = two.find(pair)
        while at != -1:
            start = tok.rfind(" ", 0, at) + 1
            end = tok.find(" ", at)
            if _MIXED.search(script, start, len(tok) if end == -1 else end):
                starts.add(start)
            at = two.find(pair, at + 1)
    # Pieces joined once: rebuilding the whole string per word was quadratic in a batch.
    pieces: list[str] = []
    done = 0
    for start in sorted(starts):
        end = tok.find(" ", start)
        end = len(tok) if end == -1 else end
        word = script[start:end]
        lat = word.count(b"L") + word.count(b"h")
        cyr = word.count(b"C") + word.count(b"H")
        table = _CYR_TO_LAT if lat > cyr else _LAT_TO_CYR
        pieces += (tok[done:start], tok[start:end].translate(table))
        done = end
    pieces.append(tok[done:])
    return "".join(pieces)


def tokens(plain: str) -> str:
    """Lower-cased, mark-stripped letters; every non-letter a space; same length as input.

    Runs as C-level passes: lower(), a cp1251 round trip (each character one byte, anything
    outside cp1251 a "?") and a byte table that keeps only letters.
    """
    if "\u0130" in plain:
        plain = plain.replace("\u0130", "I")  # the one letter whose lower() grows
    low = plain.lower()
    if not low.isascii():
        if needs_table(low):
            low = greek_pairs(low).translate(_OTHER_SCRIPTS)
        if _ANY_APOSTROPHE.search(low):
            low = _INNER_APOSTROPHE.sub(JOINER, low)
    if _LATIN_EXT.search(low):
        low = _LATIN_EXT.sub(_latin, low)
    data = low.encode("cp1251", "replace").translate(_MASK)
    tok = data.decode("cp1251")
    script = data.translate(_SCRIPT)
    two = script.translate(_TWO)
    if b"LC" in two or b"CL" in two:
        tok = _fold_mixed(tok, script, two)
    if "\n" in plain and _BREAK.search(plain):
        pieces: list[str] = []
        done = 0
        for m in _BREAK.finditer(plain):
            s, e = m.start(), m.end()
            if s > 0 and e < len(plain) and plain[s - 1].isalpha() and plain[e].islower():
                pieces += (tok[done:s], JOINER * (e - s))
                done = e
        pieces.append(tok[done:])
        tok = "".join(pieces)
    return tok


_HYPHENS = frozenset("-\u00ad\u2010\u2011")
# An apostrophe inside a Ukrainian or Belarusian word is a letter of it (Дар'я, В'ячаслаў,
# with ' ’ or ʼ), and ISO 9's prime is the soft sign in Latin (Bialiatsʹki): both join.
# Between Latin letters an apostrophe stays a break: "Tusk's" is the possessive.
_ANY_APOSTROPHE = re.compile("['\u2019\u02bc\u02b9]")
_INNER_APOSTROPHE = re.compile(
    "(?<=[а-яёіїєґўй])['\u2019\u02bc\u02b9](?=[а-яёіїєґўй])|(?<=[a-z])\u02b9(?=[a-z])"
)


def join_breaks(plain: str) -> str:
    """The display text with each hyphenated line break turned into joiners (same length),
    so that "Bia-\nliatski" is one run of non-white-space, as it is one word.

    The same breaks as ``_BREAK`` in ``tokens``, found from the line ends, which are few,
    rather than by a regex scan of every character.
    """
    i = plain.find("\n")
    if i == -1:
        return plain
    n = len(plain)
    pieces: list[str] = []
    done = 0
    while i != -1:
        s = i - 1
        if s >= 0 and plain[s] == "\r":
            s -= 1
        while s >= 0 and plain[s] in " \t":
            s -= 1
        if s > 0 and plain[s] in _HYPHENS and plain[s - 1].isalpha():
            e = i + 1
            while e < n and plain[e] in " \t":
                e += 1
            if e < n and plain[e].islower():
                pieces += (plain[done:s], JOINER * (e - s))
                done = e
        i = plain.find("\n", i + 1)
    if not pieces:
        return plain
    pieces.append(plain[done:])
    return "".join(pieces)
