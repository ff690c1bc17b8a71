"""Properties of the matcher over generated names and arbitrary text.

1. The configured spelling of a name matches itself, whatever the name: in title case, in
   upper case, inside a hashtag, with its diacritics stripped and as an English possessive,
   for surnames of every declension pattern in every script the matcher reads.
2. No text makes the matcher fail: arbitrary Unicode, markup, hashtags and mixed scripts,
   against every name of the labelled sets.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alerts.matching import Matcher, WatchName

# Per script: consonants, vowels, surname endings of its patterns, given names of its press.
SCRIPTS = {
    "latin": (
        "bdgklmnprstvzšžčł",
        "aeiouy",
        [
            "ov",
            "ova",
            "ev",
            "in",
            "ina",
            "sky",
            "ski",
            "ska",
            "skaya",
            "enko",
            "uk",
            "chuk",
            "vich",
            "owicz",
            "as",
            "is",
            "ys",
            "us",
            "aitė",
            "ytė",
            "ienė",
            "shvili",
            "dze",
            "yan",
            "ian",
            "oy",
            "aya",
            "yi",
            "a",
            "o",
            "",
        ],
        ["Marta", "Tomas", "Pavel", "Irina", "Jonas", "Nino", "Levon", "Anna", "Giorgi"],
    ),
    "cyrillic": (
        "бвгдзклмнпрстхцчшж",
        "аеиоуыя",
        [
            "ов",
            "ова",
            "ев",
            "ин",
            "ина",
            "ский",
            "ская",
            "енко",
            "ук",
            "чук",
            "вич",
            "ич",
            "ас",
            "ис",
            "швили",
            "дзе",
            "ян",
            "ой",
            "ая",
            "ий",
            "а",
            "о",
            "",
        ],
        ["Мария", "Павел", "Ирина", "Олег", "Анна", "Татьяна", "Иван", "Ольга"],
    ),
    "georgian": (
        "ბგდვზკლმნპრსტფქშჩცძწხჯ",
        "აეიოუ",
        ["შვილი", "ძე", "ია", "ური", "ელი", "ანი", "ავა"],
        ["ნინო", "გიორგი", "ლევან", "სალომე", "დავით"],
    ),
    "armenian": (
        "բգդզկլմնպռսվտրցփքշչխ",
        "աեիոու",
        ["յան", "յանց", "ունի", "ենց"],
        ["Նիկոլ", "Լևոն", "Անի", "Արամ", "Աննա"],
    ),
    "greek": (
        "βγδζκλμνπρστφχ",
        "αεηιουω",
        ["ης", "ος", "ας", "ου", "ίδης", "άκης", "όπουλος"],
        ["Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Κώστας"],
    ),
}


@st.composite
def person(draw: st.DrawFn) -> tuple[str, str, str]:
    script = draw(st.sampled_from(sorted(SCRIPTS)))
    consonants, vowels, endings, firsts = SCRIPTS[script]
    syllables = draw(
        st.lists(
            st.tuples(st.sampled_from(consonants), st.sampled_from(vowels)), min_size=2,
            max_size=3,
        )
    )  # fmt: skip
    stem = "".join(c + v for c, v in syllables) + draw(st.sampled_from(consonants))
    surname = stem + draw(st.sampled_from(endings))
    surname = surname[0].upper() + surname[1:]
    return script, draw(st.sampled_from(firsts)), surname


def _strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _forms(script: str, first: str, surname: str) -> list[str]:
    full = f"{first} {surname}"
    forms = [f"Reports say {full} spoke on Monday.", f"REPORTS SAY {full.upper()} SPOKE."]
    tag = surname if script == "georgian" else "Free" + surname
    forms.append(f"Supporters posted #{tag} again.")
    if script == "latin":
        forms.append(f"Reports say {_strip_marks(full)} spoke.")
        forms.append(f"{surname}'s statement was read out.")
    return forms


@settings(
    max_examples=400, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
@given(person())
def test_configured_spelling_matches_itself(p: tuple[str, str, str]) -> None:
    script, first, surname = p
    name = f"{first} {surname}"
    m = Matcher.build([WatchName(key="x", name=name)])
    for text in _forms(script, first, surname):
        assert any(h.key == "x" for h in m.match("", text)), (text, m.explain(text))


EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def _eval_names() -> list[str]:
    names = ["Ales Bialiatski", "Viktor Babaryka", "Maria Kolesnikova", "Alexander Lukashenko"]
    canon = EVAL / "names_public2_canon.json"
    if canon.is_file():
        names += list(json.loads(canon.read_text(encoding="utf-8")))
    return names


@pytest.fixture(scope="module")
def eval_matcher() -> Matcher:
    return Matcher.build(WatchName(key=n, name=n) for n in _eval_names())


_PIECES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["#", "#Minsk", "#FreeBialiatski", "<b>", "</b>", "&amp;", "&shy;", "&#x200b;", "-\n",
         "\u00ad", "\u200b", "\u00a0", "\x01", "\x00", "ʼ", "’", "'s", " ", "\n", "A.", "Ter-",
         "Лукашенко", "Bialiatski", "ზურაბიშვილი", "Փաշինյանը", "Μητσοτάκης", "İ", "ß", "ǅ"]
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.lists(_PIECES, max_size=12), st.lists(_PIECES, max_size=12)),
                min_size=1, max_size=4))  # fmt: skip
def test_no_text_makes_matching_fail(
    eval_matcher: Matcher, articles: list[tuple[list[str], list[str]]]
) -> None:
    batch = [("".join(t), "".join(s)) for t, s in articles]
    eval_matcher.match_many(batch)
    for title, summary in batch:
        eval_matcher.explain(title + " " + summary)


_SCREEN_NAMES = ["Sergei Lavrov", "Pavel Latushko", "Irakli Kobakhidze", "Ilya Yashin"]
_SCREEN_PIECES = st.one_of(
    st.sampled_from(
        ["lavrov", "Lavrov", "LAVROV", "lavrova", "Lavrovym", "латушко", "Латушко", "латушкі",
         "Sergei", "sergei", "Илья", "яшин", "Яшина", "#lavrov", "#FreeLatushko", "კობახიძე",
         "კობახიძემ", "Kobakhidze", "kobakhidzes", "said", "Said", "the", "(", ")", ",", "-",
         "Ter-", "S.", "o'", " ", " ", " ", "\n", "\x01"]
    ),
    st.text(alphabet="abcLAVROVlavrovyм ", max_size=12),
)  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.lists(_SCREEN_PIECES, max_size=14), st.lists(_SCREEN_PIECES, max_size=14)),
        min_size=1,
        max_size=6,
    )
)
@example([(["TV: ", "კობახიძემ", " said"], ["lavrov ", "Lavrov"])])  # Georgian has no case
@example([(["Lavrov"], ["said ", "lavrov"]), (["sergei lavrov"], [])])
def test_screening_out_lower_case_chunks_changes_no_match(
    articles: list[tuple[list[str], list[str]]],
) -> None:
    """Matching screens out lower-case chunks of fields that write capitals (they can
    hold no mention); it finds exactly what screening every chunk finds."""
    batch = [("".join(t), "".join(s)) for t, s in articles]
    names = [WatchName(key=n, name=n) for n in _SCREEN_NAMES]
    screened = Matcher.build(names).match_many(batch)
    assert screened == _ScreenAll.build(names).match_many(batch)


class _ScreenAll(Matcher):
    """The matcher screening every chunk of a batch."""

    def _kept_lower(self, b: Any) -> set[str] | None:
        return None
