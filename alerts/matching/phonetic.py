"""Phonetic keys: one spelling-independent string for a word in any Latin or Cyrillic script.

The key is what makes transliteration cheap: Bialiatski, Byalyatsky, Beliatski, Białacki,
Bjaljazki, Бяляцкі, Беляцкий and Біляцький all key to "balack". Vowels (and j/y/й/ў,
which are vowel-like in every scheme we meet) collapse to one "a"; the hushing consonants
(ш ж ч щ х and sh sz sch ch cz kh zh š ž č ż) collapse to "S", because French "ch" is ш,
English "ch" is ч and Polish/German "ch" is х; ц, z and ts collapse to "c" (German "z" is ц).
A "v" between a vowel and a consonant goes, because Belarusian "ou"/"ў" is Russian "ov".
Consonant doubling is collapsed. Endings are not judged here (see ``inflect``).

Text and names go through the same function; the text side is a handful of C-level string
passes with no per-character Python work.
"""

from __future__ import annotations

import re

from alerts.matching.normalize import JOINER

# Longest first: each replacement sees the text left by the ones before it.
_DIGRAPHS = (
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
)
_SINGLE = str.maketrans(
    {
        **dict.fromkeys("aeiouyjæœ", "a"),
        "b": "b", "c": "c", "d": "d", "f": "f", "g": "g", "h": "g", "k": "k", "l": "l",
        "m": "m", "n": "n", "p": "p", "q": "k", "r": "r", "s": "s", "t": "t", "v": "v",
        "w": "v", "x": "ks", "z": "c", "ß": "s", "š": "S", "ž": "S", "č": "S", "ż": "S",
        **dict.fromkeys("аеёиіїоуыэюяєйў", "a"),
        "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ж": "S", "з": "c", "к": "k",
        "л": "l", "м": "m", "н": "n", "п": "p", "р": "r", "с": "s", "т": "t", "ф": "f",
        "х": "S", "ц": "c", "ч": "S", "ш": "S", "щ": "S", "ь": None, "ъ": None,
        JOINER: None,
    }
)  # fmt: skip
_VOWEL_RUN = re.compile("aa+")
_CONSONANTS = "bcdfgklmnprstvzS"
_V_BEFORE_CONSONANT = re.compile(r"av(?=[^a ])")


def key(tok: str) -> str:
    """Key of a token string (words separated by spaces; see ``normalize.tokens``).

    Spaces are kept one for one, so the i-th space-separated part of the key is the key of
    the i-th part of the input.
    """
    if JOINER in tok:
        tok = tok.replace(JOINER, "")
    for a, b in _DIGRAPHS:
        if a in tok:
            tok = tok.replace(a, b)
    tok = tok.translate(_SINGLE)
    if "aa" in tok:
        tok = _VOWEL_RUN.sub("a", tok)
    for c in _CONSONANTS:
        cc = c + c
        while cc in tok:
            tok = tok.replace(cc, c)
    return _V_BEFORE_CONSONANT.sub("a", tok)
