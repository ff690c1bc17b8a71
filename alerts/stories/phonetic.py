"""Script- and spelling-independent word keys: transliteration and consonant skeletons.

Pure string functions; they know nothing of documents or stories. The skeleton keeps
the consonant frame of a word in coarse sound classes so that one place or noun
spelled in different scripts and orthographies ("Stockholm", "Sztokholmie",
"Стокгольме") gives one key, while inflectional endings mostly fall past the prefix.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e",
    "є": "e", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "j", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja",
    "'": "", "’": "", "ʼ": "",
}  # fmt: skip

# Letters NFKD does not decompose into a base letter plus a mark.
_LATIN_EXTRA = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d"})

# Sound classes, applied after digraphs are resolved: voicing pairs merge (p/b, t/d,
# k/g) because transliterations disagree on them (Russian г for a foreign h).
_CLASS = str.maketrans(
    {
        "p": "b", "b": "b", "f": "f", "v": "f", "w": "f", "t": "t", "d": "t",
        "k": "k", "g": "k", "h": "k", "q": "k", "x": "k", "s": "s", "z": "s",
        "l": "l", "r": "r", "m": "m", "n": "n", "K": "k", "S": "s", "C": "s",
    }
)  # fmt: skip
_VOWELS = re.compile(r"[aeiouyj]+")
_NON_ALPHA = re.compile(r"[^a-z]+")

# Ordered digraph rules per orthography; "C" marks the ts/ch affricates, "S" the
# hushing sibilants, "K" the velar fricative; all then merge into s, s and k, since
# orthographies disagree on them (Latin c is k, s or ts depending on the language).
# The order matters: longest first.
_COMMON = (("shch", "S"), ("tsch", "C"), ("sch", "S"), ("tch", "C"), ("sh", "S"),
           ("zh", "S"), ("kh", "K"), ("ts", "C"), ("tz", "C"))  # fmt: skip
_SLAVIC_LATIN = (("ch", "K"), ("cz", "C"), ("sz", "S"), ("rz", "S"), ("c", "C"))
_GERMANIC = (("ch", "K"), ("ck", "k"), ("z", "C"))
_ROMANCE = (("ch", "S"), ("ck", "k"), ("qu", "k"))
_DEFAULT = (("ch", "C"), ("ck", "k"))
_SLAVIC_MARKS = frozenset("ąęłńśźżćčřšžůěėųūįŭ")
_SOFT_C = re.compile(r"c(?=[eiy])")

_RULES_BY_LANG = {
    "pl": _SLAVIC_LATIN, "cs": _SLAVIC_LATIN, "sk": _SLAVIC_LATIN, "lt": _SLAVIC_LATIN,
    "lv": _SLAVIC_LATIN, "hr": _SLAVIC_LATIN, "sl": _SLAVIC_LATIN, "be": _SLAVIC_LATIN,
    "de": _GERMANIC, "nl": _GERMANIC, "fr": _ROMANCE, "it": _ROMANCE, "es": _ROMANCE,
}  # fmt: skip


def fold(word: str) -> str:
    """Lower-case Latin transliteration of a word without diacritics."""
    lower = word.lower()
    if any("\u0400" <= ch <= "\u04ff" for ch in lower):
        lower = "".join(_CYRILLIC.get(ch, ch) for ch in lower)
    decomposed = unicodedata.normalize("NFKD", lower.translate(_LATIN_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _has_caron_or_acute_c(word: str) -> bool:
    # Czech/Lithuanian/Belarusian Latin "č"/"ć" are affricates whatever the language tag.
    return any(ch in "čćČĆ" for ch in word)


def skeleton(word: str, lang: str | None = None) -> str:
    """Consonant-class frame of `word`; `lang` picks the reading of Latin c/ch/z."""
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in word)
    folded = fold(word)
    if _has_caron_or_acute_c(word):
        folded = folded.replace("c", "C")
    folded = _NON_ALPHA.sub("", folded.replace("C", "\0")).replace("\0", "C")
    for src, dst in _COMMON:
        folded = folded.replace(src, dst)
    rules = _DEFAULT if cyrillic else _RULES_BY_LANG.get(lang or "", _DEFAULT)
    # A Polish place keeps its spelling in an English report ("Kuźnica" = Кузница).
    if not cyrillic and any(ch in _SLAVIC_MARKS for ch in word.lower()):
        rules = _SLAVIC_LATIN
    for src, dst in rules:
        folded = folded.replace(src, dst)
    folded = _SOFT_C.sub("s", folded).replace("c", "k")
    classed = _VOWELS.sub("", folded.translate(_CLASS))
    out: list[str] = []
    for ch in classed:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)
