"""A Latin word that keys like a watched surname names the person alone only with vowels
some spelling of that surname has (``alerts.matching.vowels``)."""

from __future__ import annotations

import pytest

from alerts.matching.normalize import tokens
from alerts.matching.vowels import OTHER_SCRIPT, agrees, signature


def _agree(configured: str, text: str) -> bool:
    sig = signature(tokens(configured).strip())
    return agrees(signature(tokens(text).strip()), () if sig is None else (sig,))


# (configured stem, text stem, the vowels agree, the rule).
PAIRS = [
    ("gorbachev", "gorbatschow", True, "ё: English e, German o"),
    ("gorbachev", "gorbaczow", True, "ё: Polish o"),
    ("semenov", "siamionau", True, "Belarusian yakanye and ў"),
    ("vrubel", "wróbel", True, "Polish ó is u"),
    ("potemkin", "potjomkin", True, "ё as jo"),
    ("zelensk", "selensk", True, "same vowels, other consonant spelling"),
    ("sharap", "szarap", True, "consonants never count"),
    ("biden", "baiden", True, "a run with one vowel in common"),
    ("sunak", "sunak", True, "the same word"),
    ("mohammed", "muhammad", True, "Arabic a as a or e, u as u or o"),
    ("fedorov", "fedoriv", True, "Ukrainian і for the o of a closed syllable"),
    ("sandu", "sunday", False, "a and u never agree"),
    ("tusk", "task", False, "a and u"),
    ("macron", "micron", False, "a and i"),
    ("fic", "fac", False, "i and a"),
    ("merz", "murz", False, "e and u"),
    ("trump", "tramp", False, "English u as a (Lithuanian Trampas): needs the first name"),
    ("tusk", "туск", True, "another script: not compared"),
    ("туск", "task", True, "a name configured in Cyrillic: not compared"),
    ("kalas", "kallasova", True, "more vowel runs: the key decides"),
]


@pytest.mark.parametrize(("configured", "text", "agree", "rule"), PAIRS)
def test_vowel_agreement(configured: str, text: str, agree: bool, rule: str) -> None:
    assert _agree(configured, text) is agree, rule


def test_a_spelling_for_cyrillic_text_agrees_with_no_latin_word() -> None:
    # Harris respelled with the Cyrillic х (``spelling``), as the build keeps the mask.
    configured = signature("хarris")
    assert configured == OTHER_SCRIPT
    assert not agrees(signature("shares"), (configured,))
    assert agrees(signature(tokens("Харрис").strip()), (configured,))
    assert agrees(signature("harris"), (configured, signature("harris") or b""))
