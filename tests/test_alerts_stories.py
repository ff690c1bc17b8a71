"""Story grouping: invented pairs as a specification, plus the labelled eval set."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import shared_file

from alerts.stories import StoryDoc, StoryGrouper
from alerts.stories.features import extract
from alerts.stories.phonetic import skeleton

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def doc(
    article_id: int,
    lang: str,
    title: str,
    text: str,
    hours: float = 0.0,
    people: frozenset[str] = frozenset(),
    names: frozenset[str] = frozenset(),
) -> StoryDoc:
    return StoryDoc(
        article_id=article_id,
        source=f"outlet-{article_id}",
        title=title,
        text=text,
        published=T0 + timedelta(hours=hours),
        lang=lang,
        people=people,
        names=names,
    )


def placed_together(first: StoryDoc, second: StoryDoc) -> bool:
    grouper = StoryGrouper()
    grouper.add(first, first.article_id)
    return grouper.place(second).story_id == first.article_id


@pytest.mark.parametrize(
    ("word", "lang", "other", "other_lang"),
    [
        ("Stockholm", "en", "Стокгольме", "ru"),
        ("Sztokholmie", "pl", "Stockholm", "en"),
        ("Krakowie", "pl", "Кракове", "ru"),
        ("Vienna", "en", "Wien", "de"),
        ("Minsk", "en", "Минске", "ru"),
        ("Łukaszenka", "pl", "Лукашэнка", "be"),
        ("Mirsijojew", "de", "Мирзиёева", "ru"),
    ],
)
def test_one_place_one_skeleton_across_scripts(
    word: str, lang: str, other: str, other_lang: str
) -> None:
    assert skeleton(word, lang)[:4] == skeleton(other, other_lang)[:4]


FLOOD_EN = doc(
    1,
    "en",
    "Floods cut off 14 villages near Pinsk, 2,300 evacuated",
    "Rising water of the Pina river cut off 14 villages in the Pinsk district on Tuesday. "
    "Rescuers evacuated about 2,300 residents to schools in Pinsk and Luninets.",
    people=frozenset(),
)
FLOOD_RU = doc(
    2,
    "ru",
    "Паводок отрезал 14 деревень под Пинском",
    "Во вторник вода в реке Пина отрезала от мира 14 деревень Пинского района. "
    "Спасатели эвакуировали около 2 300 жителей в школы Пинска и Лунинца.",
    hours=2,
)
FLOOD_PL = doc(
    3,
    "pl",
    "Powódź odcięła 14 wsi koło Pińska",
    "We wtorek wody Piny odcięły 14 wsi w rejonie pińskim. Ratownicy ewakuowali "
    "około 2300 mieszkańców do szkół w Pińsku i Łunińcu.",
    hours=3,
)
TALKS_EN = doc(
    4,
    "en",
    "Tsikhanouskaya meets Lithuanian prime minister in Vilnius",
    "Sviatlana Tsikhanouskaya met Lithuania's prime minister in Vilnius on Monday to "
    "discuss residence permits for 1,200 Belarusian students.",
    people=frozenset({"E4"}),
    names=frozenset({"Tsikhanouskaya", "Sviatlana Tsikhanouskaya"}),
)
TALKS_BE = doc(
    5,
    "be",
    "Ціханоўская сустрэлася з прэм'ер-міністрам Літвы ў Вільні",
    "У панядзелак Святлана Ціханоўская ў Вільні абмеркавала з прэм'ер-міністрам Літвы "
    "дазволы на жыхарства для 1200 беларускіх студэнтаў.",
    hours=1,
    people=frozenset({"E4"}),
    names=frozenset({"Ціханоўская", "Святлана Ціханоўская"}),
)
RADIO_EN = doc(
    6,
    "en",
    "Tsikhanouskaya on radio: 'Sanctions must hit potash exports'",
    "In a long radio interview on Monday evening, Sviatlana Tsikhanouskaya called on the "
    "European Union to close loopholes that let potash reach Western ports.",
    hours=6,
    people=frozenset({"E4"}),
    names=frozenset({"Tsikhanouskaya", "Sviatlana Tsikhanouskaya"}),
)


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [
        pytest.param(FLOOD_EN, FLOOD_RU, True, id="same flood en-ru"),
        pytest.param(FLOOD_EN, FLOOD_PL, True, id="same flood en-pl"),
        pytest.param(FLOOD_RU, FLOOD_PL, True, id="same flood ru-pl"),
        pytest.param(TALKS_EN, TALKS_BE, True, id="same meeting en-be"),
        pytest.param(TALKS_EN, RADIO_EN, False, id="same person same day, other event"),
        pytest.param(TALKS_BE, RADIO_EN, False, id="same person, other event, other lang"),
        pytest.param(FLOOD_EN, TALKS_EN, False, id="unrelated"),
    ],
)
def test_pairs(first: StoryDoc, second: StoryDoc, together: bool) -> None:
    assert placed_together(first, second) is together


def test_outside_the_window_starts_a_new_story() -> None:
    later = doc(7, "ru", FLOOD_RU.title, FLOOD_RU.text, hours=60)
    assert placed_together(FLOOD_EN, later) is False


def test_evict_forgets_old_documents() -> None:
    grouper = StoryGrouper()
    grouper.add(FLOOD_EN, 1)
    grouper.evict(T0 + timedelta(hours=1))
    assert len(grouper) == 0
    assert grouper.place(FLOOD_RU).story_id is None


def test_warm_up_joins_the_stored_story_id() -> None:
    grouper = StoryGrouper()
    grouper.add(FLOOD_EN, 100)
    grouper.add(FLOOD_PL, 100)
    placement = grouper.place(FLOOD_RU)
    assert placement.story_id == 100
    assert "100" in placement.reason


def test_place_does_not_record() -> None:
    grouper = StoryGrouper()
    grouper.place(FLOOD_EN)
    assert len(grouper) == 0


def _bench() -> object:
    path = Path(__file__).resolve().parents[1] / "bench" / "stories.py"
    spec = importlib.util.spec_from_file_location("bench_stories", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("true_lang", [True, False], ids=["true-lang", "no-lang"])
@pytest.mark.parametrize("name", ["stories_public.jsonl", "stories_public2.jsonl"])
def test_eval_set_quality(name: str, true_lang: bool) -> None:
    path = shared_file("eval", name)
    bench = _bench()
    watched = bench.SETS[name]  # type: ignore[attr-defined]
    finder = bench._matcher_people(watched) or bench._fallback_people()  # type: ignore[attr-defined]
    items = bench.load_eval(path, finder[0], true_lang=true_lang)  # type: ignore[attr-defined]
    assigned = bench.group(items, StoryGrouper())  # type: ignore[attr-defined]
    q = bench.quality(items, assigned)  # type: ignore[attr-defined]
    assert q.b3_p >= 0.97, q
    assert q.b3_f1 >= 0.92, q


@pytest.mark.parametrize(
    ("word", "lang", "other", "other_lang"),
    [
        ("Kuźnica", "en", "Кузнице", "ru"),
        ("Cichanouska", "pl", "Tsikhanouskaya", "en"),
        ("Хомич", "ru", "Chomitsch", "de"),
    ],
)
def test_spelling_follows_the_word_not_the_article(
    word: str, lang: str, other: str, other_lang: str
) -> None:
    assert skeleton(word, lang)[:4] == skeleton(other, other_lang)[:4]


def test_a_disagreeing_same_language_report_outweighs_a_foreign_resemblance() -> None:
    grouper = StoryGrouper()
    grouper.add(TALKS_EN, 4)
    grouper.add(TALKS_BE, 4)
    assert grouper.place(RADIO_EN).story_id is None


APPEAL_EN = StoryDoc(
    article_id=20,
    source="English outlet",
    title="Babaryka and Bialiatski named in joint appeal",
    text="Supporters of Viktor Babaryka's campaign and of Bialiatski signed it.",
    published=T0,
    lang=None,
    people=frozenset({"Viktor Babaryka", "Ales Bialiatski"}),
    names=frozenset({"Babaryka", "Bialiatski", "Viktor Babaryka", "Ales Bialiatski"}),
)
COURT_RU = StoryDoc(
    article_id=21,
    source="Russian outlet",
    title="Суд над Виктором Бабарыкой",
    text="Защита Виктора Бабарыки подала жалобу.",
    published=T0 - timedelta(hours=2),
    lang=None,
    people=frozenset({"Viktor Babaryka"}),
    names=frozenset({"Виктором Бабарыкой", "Viktor Babaryka"}),
)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(APPEAL_EN, COURT_RU, id="appeal then court"),
        pytest.param(COURT_RU, APPEAL_EN, id="court then appeal"),
    ],
)
def test_one_shared_person_is_not_one_event(first: StoryDoc, second: StoryDoc) -> None:
    grouper = StoryGrouper()
    grouper.add(first, first.article_id)
    placement = grouper.place(second)
    assert placement.story_id is None, placement.reason
    assert "fktr" not in placement.reason and "brk" not in placement.reason


@pytest.mark.parametrize(
    ("names", "absent", "present"),
    [
        # Every form of the mentioned name goes, possessives and other cases included.
        (frozenset({"Viktor Babaryka"}), {"t:fktr", "c:fktr", "t:brk"}, {"t:kmbk"}),
        (frozenset({"Babaryka"}), {"t:brk"}, {"t:fktr", "t:kmbk"}),
        (frozenset(), set(), {"t:fktr", "t:brk", "c:fktr", "t:kmbk"}),
    ],
)
def test_words_of_a_mentioned_name_count_only_as_the_person(
    names: frozenset[str], absent: set[str], present: set[str]
) -> None:
    d = StoryDoc(
        article_id=1,
        source="s",
        title="Babaryka",
        text="Supporters of Viktor Babaryka's campaign met.",
        published=T0,
        lang="en",
        people=frozenset({"Viktor Babaryka"}),
        names=names,
    )
    keys = extract(d).keys
    assert "p:Viktor Babaryka" in keys
    assert not keys & absent, sorted(keys & absent)
    assert present <= keys, sorted(present - keys)


@pytest.mark.parametrize("days", [3, 4, 40])
@pytest.mark.parametrize("older_first", [True, False])
def test_the_window_is_between_the_two_reports_whatever_their_order(
    days: int, older_first: bool
) -> None:
    older = doc(30, "ru", FLOOD_RU.title, FLOOD_RU.text, hours=-24 * days)
    newer = FLOOD_EN
    first, second = (older, newer) if older_first else (newer, older)
    grouper = StoryGrouper()
    # One batch can hold both (the app evicts by the clock only after a batch).
    grouper.add(first, first.article_id)
    assert grouper.place(second).story_id is None


# A window of unrelated reports, so that weights are those of a working day rather
# than of an empty index (where every shared key looks rare).
BACKGROUND = [
    doc(100 + i, lang, title, text, hours=-6.0 + i)
    for i, (lang, title, text) in enumerate(
        [
            ("en", "Rail strike halts trains across the country", "Unions said 40,000 workers "
             "walked out on Monday; the ministry called the strike unlawful."),
            ("de", "Hochwasser an der Oder", "In Frankfurt an der Oder stieg der Pegel am "
             "Montag auf 6,2 Meter; 800 Menschen wurden in Sicherheit gebracht."),
            ("ru", "В Казани открыли новый мост", "В понедельник в Казани открыли мост "
             "длиной 900 метров через реку Казанку."),
            ("fr", "Grève des contrôleurs aériens à Marseille", "Lundi, 300 vols ont été "
             "annulés à Marseille en raison d'une grève des contrôleurs aériens."),
            ("pl", "Pożar hali w Łodzi", "W poniedziałek w Łodzi spłonęła hala magazynowa; "
             "strażacy gasili ogień przez 12 godzin."),
        ]
    )
]  # fmt: skip
HALVIK = frozenset({"Ondrej Halvik"})
BRIDGE_EN = doc(
    40, "en", "Mayor Ondrej Halvik opens a 420-metre bridge in Trnava",
    "Ondrej Halvik opened the new 420-metre bridge over the Váh in Trnava on Tuesday, "
    "with 3,000 residents watching.", 0, HALVIK, HALVIK,
)  # fmt: skip
BRIDGE_DE = doc(
    41, "de", "Bürgermeister Halvik eröffnet Brücke in Trnava",
    "Ondrej Halvik hat am Dienstag in Trnava die neue, 420 Meter lange Brücke über die "
    "Waag eröffnet; 3000 Einwohner sahen zu.", 2, HALVIK, HALVIK,
)  # fmt: skip


def _recap(hours: float) -> StoryDoc:
    # The next day's report in a third language: fewer words in common, same facts.
    return doc(
        42, "fr", "Trnava : le pont de 420 mètres du maire Halvik déjà fréquenté",
        "Au lendemain de l'inauguration mardi à Trnava du pont de 420 mètres sur le Váh, "
        "le maire Ondrej Halvik a remercié les 3 000 habitants venus.", hours, HALVIK, HALVIK,
    )  # fmt: skip


def _window(*story: StoryDoc, threshold: float = 1.0, corroboration: float = 0.5) -> StoryGrouper:
    from alerts.stories.similarity import Tuning

    grouper = StoryGrouper(threshold=threshold, tuning=Tuning(corroboration=corroboration))
    for other in BACKGROUND:
        grouper.add(other, other.article_id)
    for member in story:
        grouper.add(member, story[0].article_id)
    return grouper


@pytest.mark.parametrize("hours", [20, 30, 40])
def test_a_follow_up_within_two_days_joins_the_event(hours: float) -> None:
    placement = _window(BRIDGE_EN, BRIDGE_DE).place(_recap(hours))
    assert placement.story_id == BRIDGE_EN.article_id, placement.reason


def test_the_same_topic_a_week_later_is_another_event() -> None:
    grouper = _window(BRIDGE_EN, BRIDGE_DE)
    assert grouper.place(_recap(24 * 7)).story_id is None


def test_a_second_resembling_member_corroborates_the_first() -> None:
    # Measured on this window: the story's evidence from its best member alone, and
    # with the second member's share; a threshold between the two decides.
    recap = _recap(30)
    best = _window(BRIDGE_EN, BRIDGE_DE, corroboration=0.0).place(recap).score
    both = _window(BRIDGE_EN, BRIDGE_DE).place(recap).score
    assert both > best
    between = (best + both) / 2
    assert _window(BRIDGE_EN, BRIDGE_DE, threshold=between).place(recap).story_id == 40
    lone = _window(BRIDGE_EN, BRIDGE_DE, threshold=between, corroboration=0.0)
    assert lone.place(recap).story_id is None
    # A second report in the best one's language may be the same text (a wire story
    # republished): it is not a second witness.
    same_lang = replace(BRIDGE_DE, lang=BRIDGE_EN.lang)
    assert _window(BRIDGE_EN, same_lang, threshold=between).place(recap).story_id is None
