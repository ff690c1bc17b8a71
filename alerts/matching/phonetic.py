"""Phonetic keys: one spelling-independent string for a word in any Latin or Cyrillic script.

The key is what makes transliteration cheap: Bialiatski, Byalyatsky, Beliatski, Białacki,
Bjaljazki, Бяляцкі, Беляцкий and Біляцький all key to "balacka". Vowels (and j/y/й/ў,
which are vowel-like in every scheme we meet) collapse to one "a"; the hushing consonants
(ш ж ч щ х and sh sz sch ch cz kh zh š ž č ż) collapse to "S", because French "ch" is ш,
English "ch" is ч and Polish/German "ch" is х; ц, z and ts collapse to "c" (German "z" is ц).
A "v" between a vowel and a consonant goes, because Belarusian "ou"/"ў" is Russian "ov".
Consonant doubling is collapsed. Endings are not judged here (see ``inflect``).

Text and names go through the same function. The text side runs as a few C-level passes
over cp1251 bytes (every character of a word mask fits in cp1251 once the handful of Latin
letters with carons became their Cyrillic twins in ``normalize``), with no per-character
Python work beyond the rare digraph and doubled consonant.
"""

from __future__ import annotations

import re

from alerts.matching.normalize import JOINER

# Longest first: each replacement sees the text left by the ones before it.
_DIGRAPHS = tuple(
    (a.encode(), b.encode())
    for a, b in (
        ("shch", "S"),
        ("szcz", "S"),
        ("tsch", "S"),
        ("sch", "S"),
        ("tch", "S"),
        ("sh", "S"),
        ("sz", "S"),
        ("cz", "S"),
        ("ch", "S"),
        ("kh", "S"),
        ("zh", "S"),
        ("ts", "c"),
        ("tz", "c"),
        ("ph", "f"),
        ("th", "t"),
        ("x", "ks"),
    )
) + tuple(
    # Letters that stand for two sounds of another script (``scripts``).
    (a.encode("cp1251"), b)
    for a, b in (("ђ", b"av"), ("џ", b"dc"), ("ћ", b"dS"), ("ќ", b"ks"), ("ѓ", b"ps"))
)


def _single_table() -> tuple[bytes, bytes]:
    latin = {
        **dict.fromkeys("aeiouyj", "a"),
        "h": "g", "q": "k", "w": "v", "z": "c",
        **{c: c for c in "bcdfgklmnprstv"},
    }  # fmt: skip
    cyrillic = {
        **dict.fromkeys("аеёиіїоуыэюяєйў", "a"),
        "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ж": "S", "з": "c", "к": "k",
        "л": "l", "м": "m", "н": "n", "п": "p", "р": "r", "с": "s", "т": "t", "ф": "f",
        "х": "S", "ц": "c", "ч": "S", "ш": "S", "щ": "S",
    }  # fmt: skip
    table = bytearray(range(256))
    for src, dst in {**latin, **cyrillic}.items():
        table[src.encode("cp1251")[0]] = ord(dst)
    deleted = JOINER.encode() + "ьъ".encode("cp1251")
    return bytes(table), deleted


_TABLE, _DELETE = _single_table()
_VOWEL_RUN = re.compile(b"aa+")
_DOUBLE = re.compile(rb"([bcdfgklmnprstvS])\1+")
_DIGRAPH_MAP = dict(_DIGRAPHS)
_DIGRAPH_RX = re.compile(b"|".join(a for a, _ in _DIGRAPHS))


def _digraph(m: re.Match[bytes]) -> bytes:
    return _DIGRAPH_MAP[m.group()]


_V_BEFORE_CONSONANT = re.compile(b"av(?=[^a ])")


def key(tok: str) -> str:
    """Key of a word mask (words separated by spaces; see ``normalize.tokens``).

    Spaces are kept one for one, so the i-th space-separated part of the key is the key of
    the i-th part of the input.
    """
    data = tok.encode("cp1251", "replace")
    data = _DIGRAPH_RX.sub(_digraph, data)
    data = data.translate(_TABLE, _DELETE)
    if b"aa" in data:
        data = _VOWEL_RUN.sub(b"a", data)
    data = _DOUBLE.sub(rb"\1", data)
    if b"av" in data:
        data = _V_BEFORE_CONSONANT.sub(b"a", data)
    return data.decode("ascii", "replace")
