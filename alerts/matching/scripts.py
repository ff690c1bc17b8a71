"""Georgian, Armenian and Greek letters spelled with one Cyrillic letter each.

The matcher's word mask and phonetic key know Latin and Cyrillic; a name written in another
script reaches them through these tables, one letter for one letter so that offsets into the
text stay offsets into the display text. Each letter takes the Cyrillic letter of the
customary Russian practical transcription, whose sound the phonetic key already equates with
every Latin rendering (ш = sh = sch = ch = š, ц = ts = z, х = kh = ch):

- Georgian: the Russian practical transcription of Georgian (Гиляревский & Старостин,
  "Инструкция по передаче на русский язык географических названий Грузинской ССР", 1974);
  aspirated and ejective pairs share a letter (თ/ტ т, ქ/კ к, ფ/პ п, ჩ/ჭ ч, ც/წ ц).
  Mtavruli capitals are spelled like their Mkhedruli letters.
- Armenian: the Russian practical transcription of Eastern Armenian (the same as the
  Armenian–Russian transcription tables of ГУГК, 1974): հ is г like Latin h (the key reads
  both as "g"), ը is ы, the ու digraph is two vowels that the key folds into one. The
  ligature և is two sounds, "ev" (Լևոն is Levon): it becomes ђ, a letter of cp1251 that no
  language we read uses, which the phonetic key spells "av".
- Greek: ELOT 743 / ISO 843 for the modern language (β v, η ι υ i, θ th, χ ch); τσ is
  one sound, ц (Μητσοτάκης, Mitsotakis), and υ after α or ε is в (Ευρώπη, Evropi).

- Cyrillic letters of Kazakh, Kyrgyz, Tajik, Uzbek, Tatar, Bashkir and Azerbaijani that
  cp1251 lacks: the Russian letter their Russian practical transcriptions write (the ГУГК
  instructions for those languages: қ к, ғ г, ң н, ә а, ө о, ү ұ у, һ ҳ х, җ ж, ҷ ҹ ч,
  ӣ и, ӯ у, ҙ з, ҫ с, ҡ к): Тоқаев is Токаев. These are Cyrillic text, so a Georgian or
  Armenian case ending still counts only in text of that script (``has_other_script``).

A sound of two letters in Latin and Cyrillic (дз, дж, кс, пс, ев) has a letter of its own
in these scripts; one letter must stand for it, so it becomes one of cp1251's letters that
no language we read uses (џ дз, ћ дж, ќ кс, ѓ пс, ђ ев), which the phonetic key spells out.
"""

from __future__ import annotations

import re

_GEORGIAN = dict(
    zip(
        "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
        "абгдевзтиклмнопжрступкгкшчцџцчхћх",
        strict=True,
    )
)
_ARMENIAN = dict(
    zip(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆև",
        "абгдезэытжилхцкгџгчмйншочпћрсвтрцупкофђ",
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
        "авгдезитиклмнќопрсстифхѓоаеииоиоииии",
        strict=True,
    )
)

_CYRILLIC_EXT = dict(zip("қғңәөүұһҳҗҷҹӣӯҙҫҡ", "кгнаоууххжччиузск", strict=True))

# Mtavruli capitals (U+1C90…) sit at a fixed distance from their Mkhedruli letters, and
# ``str.lower`` leaves them alone, so they are spelled directly.
_MTAVRULI = {chr(ord(k) - 0x10D0 + 0x1C90): v for k, v in _GEORGIAN.items()}

# Lower case (``str.lower`` runs first for Armenian and Greek capitals) and Mtavruli.
TABLE = str.maketrans({**_GEORGIAN, **_MTAVRULI, **_ARMENIAN, **_GREEK, **_CYRILLIC_EXT})


# Two Greek letters that are one sound: the second becomes a joiner (deleted by the key).
_GREEK_PAIRS = (
    ("τσ", "ц\x00"),
    ("τς", "ц\x00"),
    ("αυ", "ав"),
    ("ευ", "ев"),
    ("αύ", "ав"),
    ("εύ", "ев"),
)


# At a word's start μπ ντ γκ are the plain b d g (ELOT 743: Μπακογιάννης Bakoyannis,
# Ντόρα Dora, Γκίκας Gikas); inside a word they keep the nasal (Λαμπράκης Lambrakis).
_GREEK_INITIAL = re.compile("(?<!\\w)(μπ|ντ|γκ)")
_GREEK_INITIAL_SPELLED = {"μπ": "б\x00", "ντ": "д\x00", "γκ": "г\x00"}


def _initial(m: re.Match[str]) -> str:
    return _GREEK_INITIAL_SPELLED[m.group()]


def greek_pairs(low: str) -> str:
    """Greek digraphs of a lower-cased text, spelled one letter for one (before ``TABLE``)."""
    for a, b in _GREEK_PAIRS:
        if a in low:
            low = low.replace(a, b)
    if "π" in low or "τ" in low or "κ" in low:
        low = _GREEK_INITIAL.sub(_initial, low)
    return low


# Greek, Armenian, Georgian (Mkhedruli and Mtavruli) and Greek Extended.
_OTHER_RANGES = "\u0370-\u03ff\u0530-\u058f\u10a0-\u10ff\u1c90-\u1cbf\u1f00-\u1fff"
_OTHER = re.compile(f"[{_OTHER_RANGES}]")


def has_other_script(s: str) -> bool:
    """Whether ``s`` has a Georgian, Armenian or Greek letter."""
    return _OTHER.search(s) is not None


_TABLED = re.compile(f"[{_OTHER_RANGES}{''.join(_CYRILLIC_EXT)}]")


def needs_table(s: str) -> bool:
    """Whether ``s`` (lower case) has a letter ``TABLE`` spells: another script's, or a
    Cyrillic letter outside cp1251."""
    return _TABLED.search(s) is not None
