"""A Latin word that keys like a watched surname names the person alone only with vowels
some spelling of that surname has (``alerts.matching.vowels``)."""

from __future__ import annotations

import pytest

from alerts.matching import Matcher, WatchName
from alerts.matching.normalize import tokens
from alerts.matching.vowels import agrees, signature


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


PEOPLE = [
    "Emmanuel Macron", "Alexander Stubb", "Mark Rutte", "Donald Trump", "Robert Fico",
    "Charles Michel", "Gordon Brown", "Cristiano Ronaldo", "Theresa May",
]  # fmt: skip


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(WatchName(key=n, name=n) for n in PEOPLE)


def _found(m: Matcher, text: str) -> set[str]:
    return {x.key for x in m.match("", text)}


# (watched name, text, named?, why).
CASES = [
    ("Emmanuel Macron", "Micron Technology Shares Jump", False, "i for a"),
    ("Alexander Stubb", "Stab Wounds Reported In City Centre", False, "a for u"),
    ("Mark Rutte", "Ratte und Maus im Keller.", False, "a for u"),
    ("Robert Fico", "Face Value Of Bonds Falls", False, "a for i"),
    ("Donald Trump", "Donaldas Trampas pareiškė, kad", True, "with the own first name"),
    ("Donald Trump", "Трамп заявил журналистам.", True, "Cyrillic: the key alone decides"),
    ("Emmanuel Macron", "Makronas susitiko su kancleriu.", True, "the same vowels"),
    ("Alexander Stubb", "President Stubb said on Monday.", True, "the configured vowels"),
    # A given name spelled otherwise than the surname is someone's first name.
    ("Charles Michel", "Michael Jordan scored twice.", False, "a given name, not Michel"),
    ("Gordon Brown", "Brian Eno released an album.", False, "a given name, not Brown"),
    ("Cristiano Ronaldo", "Ronaldo scored twice.", True, "a given name spelled as configured"),
    ("Charles Michel", "Michel said the summit would go on.", True, "the configured spelling"),
    # A surname too short for its key to tell it from other words needs its own vowels,
    # and in another script its first name.
    ("Theresa May", "My view is that the vote was fair.", False, "short: other vowels"),
    ("Theresa May", "Мы не согласны.", False, "short: another script alone"),
    ("Theresa May", "Prime Minister May said on Tuesday.", True, "short: the same word"),
    ("Theresa May", "Тереза Мэй заявила.", True, "short: another script after the first name"),
]


@pytest.mark.parametrize(("name", "text", "named", "why"), CASES)
def test_vowels_in_text(matcher: Matcher, name: str, text: str, named: bool, why: str) -> None:
    assert (name in _found(matcher, text)) is named, matcher.explain(text)


def test_explain_says_why_a_word_with_other_vowels_is_not_the_name(matcher: Matcher) -> None:
    lines = matcher.explain("Micron Technology Shares Jump")
    assert any("Micron" in line and "vowels no spelling" in line for line in lines), lines
