"""Example spellings: every scheme users meet, and only what the matcher really accepts."""

from __future__ import annotations

import re

import pytest

from alerts.matching import Matcher, WatchName
from newswatch.cli import main

CYRILLIC = re.compile("[а-яёіїєґў]", re.IGNORECASE)

NAMES = [
    "Ales Bialiatski",
    "Viktor Babaryka",
    "Maria Kolesnikova",
    "Sviatlana Tsikhanouskaya",
    "Alexander Lukashenko",
    "Tatsiana Khomich",
    "Алесь Бяляцкі",
    "Аляксандр Лукашэнка",
    "Мария Колесникова",
    "Світлана Тихановська",
    "Алесь Біляцький",
    "Олександр Лукашенко",
]


def examples(name: str) -> list[tuple[str, str]]:
    return Matcher.build([WatchName(name, name)]).examples(name)


@pytest.mark.parametrize("name", NAMES)
def test_examples_span_scripts(name: str) -> None:
    forms = [form for form, _ in examples(name)]
    assert any(CYRILLIC.search(f) for f in forms)
    assert sum(not CYRILLIC.search(f) for f in forms) >= 4
    assert len(forms) == len(set(forms))


@pytest.mark.parametrize("name", NAMES)
def test_every_example_is_accepted_for_its_name(name: str) -> None:
    matcher = Matcher.build([WatchName(name, name)])
    for form, _ in matcher.examples(name):
        assert any(m.key == name for m in matcher.match("", form)), form


@pytest.mark.parametrize(
    ("name", "form", "reason"),
    [
        ("Ales Bialiatski", "Беляцкого", "Russian Cyrillic, genitive"),
        ("Ales Bialiatski", "Бяляцкі", "Belarusian Cyrillic"),
        ("Ales Bialiatski", "Біляцький", "Ukrainian Cyrillic"),
        ("Ales Bialiatski", "Białacki", "Polish"),
        ("Ales Bialiatski", "Bjaljazki", "German"),
        ("Ales Bialiatski", "Bialiackis", "Lithuanian"),
        ("Алесь Бяляцкі", "Bialiatski", "Belarusian passport Latin"),
        ("Алесь Бяляцкі", "Aleś Bialacki", "Belarusian Latin / Łacinka, full name"),
        ("Sviatlana Tsikhanouskaya", "Тихановская", "Russian Cyrillic"),
        ("Sviatlana Tsikhanouskaya", "Ціханоўская", "Belarusian Cyrillic"),
        ("Sviatlana Tsikhanouskaya", "Cichanouskiej", "Polish, genitive"),
        ("Sviatlana Tsikhanouskaya", "Tichanowskaja", "Polish"),
        ("Alexander Lukashenko", "Лукашэнка", "Belarusian Cyrillic"),
        ("Alexander Lukashenko", "Łukaszenka", "Polish"),
        ("Alexander Lukashenko", "Lukaschenko", "German"),
        ("Alexander Lukashenko", "Loukachenko", "French"),
        ("Maria Kolesnikova", "Калеснікава", "Belarusian Cyrillic"),
        ("Maria Kolesnikova", "Kolesnikowej", "Polish, genitive"),
        ("Tatsiana Khomich", "Хоміч", "Belarusian Cyrillic"),
        ("Tatsiana Khomich", "Chomicz", "Polish"),
        ("Viktor Babaryka", "Бабарыкі", "Belarusian Cyrillic, genitive"),
        ("Мария Колесникова", "Kalesnikava", "English (BGN)"),
        ("Світлана Тихановська", "Тихановская", "Russian Cyrillic"),
        ("Світлана Тихановська", "Ціханоўскай", "Belarusian Cyrillic, genitive"),
        ("Світлана Тихановська", "Tsikhanouskaya", "English (BGN)"),
        ("Світлана Тихановська", "Cichanouskiej", "Polish, genitive"),
        ("Світлана Тихановська", "Tichanowskajas", "German, genitive"),
        ("Алесь Біляцький", "Беляцкого", "Russian Cyrillic, genitive"),
        ("Алесь Біляцький", "Біляцький", "Ukrainian Cyrillic"),
    ],
)
def test_examples_include(name: str, form: str, reason: str) -> None:
    assert (form, reason) in examples(name)


def test_examples_exclude_the_other_gender() -> None:
    forms = [form for form, _ in examples("Maria Kolesnikova")]
    assert "Колесников" not in forms
    assert "Kolesnikov" not in forms


@pytest.mark.parametrize(
    ("name", "male"),
    [("Sviatlana Tsikhanouskaya", "Tsikhanouski"), ("Світлана Тихановська", "Тихановский")],
)
def test_examples_of_a_female_adjective_never_show_the_male_form(name: str, male: str) -> None:
    forms = [form for form, _ in examples(name)]
    assert len(forms) >= 20
    assert male not in forms


def test_explain_prints_spellings_then_endings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "Ales Bialiatski"]) == 0
    out = capsys.readouterr().out
    assert "Беляцкого" in out
    assert "Białacki" in out
    assert out.index("Spellings recognised") < out.index("bialiatskogo")


def test_a_surname_with_a_particle_is_shown_with_it() -> None:
    forms = [form for form, _ in examples("Ursula von der Leyen")]
    assert forms and all("der " in f.lower() or "дер " in f.lower() for f in forms), forms
