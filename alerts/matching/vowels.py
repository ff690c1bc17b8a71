"""Whether a Latin word's vowels are ones a transliteration of the watched surname gives.

The phonetic key folds every vowel into one, so that Kolesnikova is Kalesnikava and
Bialiatski Byalyatski: across scripts and romanisation schemes the vowels of one name
differ freely. Between two Latin spellings they differ only in known ways, and a Latin
word that keys like a surname but whose vowels no scheme gives is usually another word:
Sunday for Sandu, Task for Tusk, Micron for Macron, Stab for Stubb. Such a word names the
person only with their own first name before it.

The vowels compared are the runs of vowel letters (y and j included, as the key reads
them) of the word-mask spelling, so Latin marks are already gone (ó is o, ė is e). Two
runs agree when they share a class; a run's classes are its letters' ones:

- a: A, E: the romanisations of Arabic and Persian write a short a as a or e (Ahmad,
  Ahmed; Mohammad, Mohammed).
- o: A, O, U, E, I: Belarusian akanye writes a for Russian o (Kalesnikava), Polish ó
  and Dutch oe are u (Wróbel, Vrubel), German and Polish write o for the ё that English
  writes e (Gorbatschow, Gorbaczow, Gorbachev), and Ukrainian writes і for the o of a
  closed syllable (Федорів, Fedoriv beside Федоров).
- u: U. e: E, I. i, y, j: I: the schemes' renderings of е я ё ю и і ы й (e, ie, ye, je,
  ia, ya, ja, i, y), and Belarusian yakanye (Sviatlana for Svetlana).

So a and u never agree, nor a and i, nor u and e or i; o agrees with every vowel.
Spellings with a vowel of another script (a Cyrillic name, a Cyrillic text) are not
compared: the key alone decides.
"""

from __future__ import annotations

import re

from alerts.matching.normalize import JOINER

_A, _O, _U, _E, _I = 1, 2, 4, 8, 16
CLASSES = {
    "a": _A | _E,
    "o": _A | _O | _U | _E | _I,
    "u": _U,
    "e": _E | _I,
    "i": _I,
    "y": _I,
    "j": _I,
}
_RUN = re.compile("[aeiouyj]+")
_LATIN_VOWEL = re.compile("[aeiouy]")
_OTHER_VOWEL = re.compile("[аеёиіоуыэюяєїйў]")

Signature = bytes  # one byte per vowel run: the run's classes
# Marks the signatures of a surname too short for its key to tell it from other words
# (May keys as "ma", as My, Mio and Мы do): a Latin word must have exactly its vowels, and
# a word in another script names the person only after their first name.
SHORT: Signature = b"\xff"
# The signature of a spelling meant for text in another script only (a Cyrillic х for a
# Latin h): a Latin word that keys like it alone is some other word (Shares for Harris).
OTHER_SCRIPT: Signature = b"\xfe"


def signature(stem: str) -> Signature | None:
    """The vowel runs of a word-mask stem as class masks, or None when it has a vowel
    of another script (not compared)."""
    if JOINER in stem:
        stem = stem.replace(JOINER, "")
    if "х" in stem and _LATIN_VOWEL.search(stem):
        return OTHER_SCRIPT  # a Latin name respelled for Cyrillic text (``spelling``)
    if _OTHER_VOWEL.search(stem):
        return None
    # A big watchlist signs hundreds of thousands of spellings, made of a few dozen runs.
    masks = _MASKS
    return bytes([masks.get(run) or _mask(run) for run in _RUN.findall(stem)])


_MASKS: dict[str, int] = {}


def _mask(run: str) -> int:
    m = 0
    for ch in run:
        m |= CLASSES[ch]
    _MASKS[run] = m
    return m


def agrees(text: Signature | None, configured: tuple[Signature, ...]) -> bool:
    """Whether a text stem's vowels are some configured spelling's: True when either side
    is not compared, or when no configured spelling has as many vowel runs (the key merged
    them differently; not judged here). A ``SHORT`` surname's must be the same."""
    if SHORT in configured:
        return text is not None and text in configured
    if text is None or not configured:
        return True
    judged = False
    if OTHER_SCRIPT in configured:
        configured = tuple(s for s in configured if s != OTHER_SCRIPT)
        if not configured:
            return False  # only spellings for another script: not in Latin text
    for sig in configured:
        if len(sig) != len(text):
            continue
        judged = True
        if all(a & b for a, b in zip(text, sig, strict=True)):
            return True
    return not judged
