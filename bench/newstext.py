"""News-like feed text for benchmarks: Zipfian words over several languages and scripts.

Real news text has costs a ten-word vocabulary hides: tens of thousands of distinct
words (index and matcher sizes grow with them), capitalised names that look like
candidates for a watchlist, numbers and dates, markup in summaries. The generator is
deterministic (a seed per feed and entry) and needs no data files:

- per language a syllable inventory in its own script makes word types; ranks follow
  Zipf's law (frequency ~ 1/rank^1.07, the exponent measured on news corpora by
  Piantadosi, "Zipf's word frequency law in natural language", 2014), with the
  language's real function words at the top ranks;
- people (first + family names in the language's script), organisations, places;
- numbers, percentages, money, dates; HTML (paragraphs, links, emphasis, entities,
  images) in about a third of the summaries;
- a share of entries name a watched person, in the language's own spelling;
- title and summary lengths drawn from log-normal distributions near those of wire
  copy (titles ~ 9 words, summaries ~ 45 words, a long tail to several hundred);
- publication times spread over days, each feed at its own rate.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from html import escape

ZIPF_S = 1.07
WATCHED_SHARE = 0.06  # issue 12's volume test: 6% of entries name a watched person
HTML_SHARE = 0.33


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    onsets: tuple[str, ...]
    vowels: tuple[str, ...]
    codas: tuple[str, ...]
    function_words: tuple[str, ...]
    first_names: tuple[str, ...]
    watched: tuple[str, ...]  # watched people as this language's press writes them
    spaced: bool = True  # CJK text is written without spaces between words
    types: int = 12_000  # word types generated for the language


def _split(s: str) -> tuple[str, ...]:
    return tuple(s.split())


LANGUAGES: tuple[Language, ...] = (
    Language(
        "en",
        _split("b c d f g h j k l m n p r s t v w st tr pl gr br ch sh th cr fl"),
        _split("a e i o u ea ou ai ee oo"),
        _split("_ _ n r s t l nd st ng ck rt"),
        _split("the of and to in a for on that is with by at as from said has was it"),
        _split("John Mary David Sarah Michael Emma James Anna Robert Laura Peter Helen"),
        ("Ales Bialiatski", "Viktor Babaryka", "Maria Kolesnikova", "Sviatlana Tsikhanouskaya"),
        types=16_000,
    ),
    Language(
        "de",
        _split("b d f g h k l m n p r s t w z sch st pf kr gr br tr"),
        _split("a e i o u ä ö ü ei au ie"),
        _split("_ _ n r s t l ch ng nd rt st"),
        _split("der die und in den von zu das mit sich des auf für ist im dem nicht"),
        _split("Hans Anna Peter Julia Thomas Katrin Stefan Sabine Jürgen Petra"),
        ("Ales Bialiatski", "Maria Kalesnikava"),
        types=8_000,
    ),
    Language(
        "pl",
        _split("b c d g k l ł m n p r s t w z sz cz rz dz ż ś prz kr st"),
        _split("a e i o u y ą ę ó ie"),
        _split("_ _ _ n k ł m s sz ć ń"),
        _split("w i na z do się nie że to o jest od za po przez dla"),
        _split("Jan Anna Piotr Katarzyna Tomasz Agnieszka Paweł Małgorzata Marek Ewa"),
        ("Aleś Bialacki", "Maria Kalesnikawa", "Wiktar Babaryka"),
        types=8_000,
    ),
    Language(
        "ru",
        _split("б в г д ж з к л м н п р с т ф х ц ч ш щ ст пр тр кр гр"),
        _split("а е и о у ы я ю ё"),
        _split("_ _ _ н р с т л в й к м"),
        _split("и в не на что с по это к но как из за от о для же"),
        _split("Иван Мария Сергей Елена Андрей Ольга Дмитрий Наталья Алексей Анна"),
        ("Алесь Беляцкий", "Виктор Бабарико", "Мария Колесникова", "Светлана Тихановская"),
        types=12_000,
    ),
    Language(
        "be",
        _split("б в г д ж з к л м н п р с т ф х ц ч ш ў дз дж ст пр"),
        _split("а е і о у ы я ю э"),
        _split("_ _ _ н р с т л ў й к ць"),
        _split("і ў не на што з па гэта да але як з за ад пра для"),
        _split("Алесь Марыя Сяргей Алена Андрэй Вольга Зміцер Наталля Аляксей Ганна"),
        ("Алесь Бяляцкі", "Віктар Бабарыка", "Марыя Калеснікава", "Святлана Ціханоўская"),
        types=6_000,
    ),
    Language(
        "uk",
        _split("б в г ґ д ж з к л м н п р с т ф х ц ч ш щ ст пр кр"),
        _split("а е и і о у я ю є ї"),
        _split("_ _ _ н р с т л в й к"),
        _split("і в не на що з по це до але як із за від про для"),
        _split("Іван Марія Сергій Олена Андрій Ольга Дмитро Наталія Олексій Ганна"),
        ("Алесь Бяляцький", "Марія Колесникова"),
        types=6_000,
    ),
    Language(
        "el",
        _split("β γ δ ζ θ κ λ μ ν π ρ σ τ φ χ ψ στ πρ τρ"),
        _split("α ε η ι ο υ ω αι ει ου"),
        _split("_ _ ς ν ς ς"),
        _split("και το της η του ο σε να την για με που από τα στο"),
        _split("Γιώργος Μαρία Νίκος Ελένη Κώστας Αικατερίνη Δημήτρης Σοφία"),
        ("Αλές Μπιαλιάτσκι",),
        types=4_000,
    ),
    Language(
        "ar",
        _split("ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ع غ ف ق ك ل م ن ه و ي"),
        _split("ا و ي _"),
        _split("_ _ ة ن م ل ر"),
        _split("في من على إلى أن عن مع هذا التي الذي كان قد بين"),
        _split("محمد فاطمة أحمد مريم علي نور حسن ليلى"),
        ("أليس بيالياتسكي",),
        types=4_000,
    ),
    Language(
        "zh",
        tuple(
            "国家政府会议经济发展社会人民记者法院宣布部长总统选举抗议边境制裁贸易能源价格报告权利"
        ),
        ("",),
        ("",),
        _split("的 了 在 是 和 有 对 也 将 与"),
        _split("伟 芳 娜 敏 静 丽 强 磊 军 洋"),
        ("阿列斯·比亚利亚茨基",),
        spaced=False,
        types=4_000,
    ),
)
_SURNAME_ENDS = {
    "en": _split("son ton ley er ford man well"),
    "de": _split("er mann berg ner ler"),
    "pl": _split("ski ska wicz czyk ak"),
    "ru": _split("ов ова ин ина ский енко ич"),
    "be": _split("віч ка ёнак ская ук"),
    "uk": _split("енко ук чук ський ович"),
    "el": _split("ίδης άκης όπουλος ίου"),
    "ar": _split("ي ان ون"),
    "zh": tuple("王 李 张 刘 陈 杨 赵 黄"),
}
_ORG_FORMS = {
    "en": ("Ministry of {p}", "{w} Group", "{w} Bank", "{p} City Council", "{w} Party"),
    "de": ("Ministerium für {w}", "{w} AG", "{w} Bank", "Stadtrat {p}"),
    "pl": ("Ministerstwo {w}", "{w} S.A.", "Bank {w}", "Rada Miasta {p}"),
    "ru": ("Министерство {w}", "ООО «{w}»", "{w}банк", "Горсовет {p}"),
    "be": ("Міністэрства {w}", "ААТ «{w}»", "{w}банк"),
    "uk": ("Міністерство {w}", "ТОВ «{w}»", "{w}банк"),
    "el": ("Υπουργείο {w}", "Τράπεζα {w}"),
    "ar": ("وزارة {w}", "بنك {w}"),
    "zh": ("{w}部", "{w}银行", "{p}市政府"),
}
_MONTHS = {
    "en": _split(
        "January February March April May June July August September October November December"
    ),
    "ru": _split(
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    ),
}


class Vocabulary:
    """One language's Zipfian word list, names and places; deterministic for its code."""

    def __init__(self, lang: Language) -> None:
        rng = random.Random(f"vocab-{lang.code}")
        words: list[str] = list(lang.function_words)
        seen = set(words)
        while len(words) < lang.types:
            n = rng.choice((1, 2, 2, 2, 3, 3, 4)) if lang.spaced else rng.choice((1, 2, 2, 3))
            w = "".join(
                rng.choice(lang.onsets) + rng.choice(lang.vowels) for _ in range(n)
            ) + rng.choice(lang.codas)
            w = w.replace("_", "")
            if w and w not in seen:
                seen.add(w)
                words.append(w)
        self.lang = lang
        self.words = words
        self.cum = list(itertools.accumulate(1.0 / (r + 1) ** ZIPF_S for r in range(len(words))))
        content = words[len(lang.function_words) :]
        ends = _SURNAME_ENDS[lang.code]

        def cap(w: str) -> str:
            return w[:1].upper() + w[1:]

        self.surnames = [cap(rng.choice(content[:3000])) + rng.choice(ends) for _ in range(400)]
        self.places = [cap(rng.choice(content[:5000])) for _ in range(300)]
        self.orgs = [
            rng.choice(_ORG_FORMS[lang.code]).format(
                w=cap(rng.choice(content[:4000])), p=rng.choice(self.places)
            )
            for _ in range(200)
        ]

    def words_n(self, rng: random.Random, n: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=n)

    def person(self, rng: random.Random) -> str:
        sep = "" if not self.lang.spaced else " "
        if not self.lang.spaced:
            return rng.choice(self.surnames)[-1] + rng.choice(self.lang.first_names)
        return rng.choice(self.lang.first_names) + sep + rng.choice(self.surnames)


@cache
def vocabularies() -> tuple[Vocabulary, ...]:
    return tuple(Vocabulary(lang) for lang in LANGUAGES)


def vocabulary_size() -> int:
    return len({w for v in vocabularies() for w in v.words})


# Feeds by language, roughly as a multilingual monitoring list might carry them.
_LANG_WEIGHTS = (30, 8, 8, 20, 12, 8, 4, 5, 5)


def feed_language(feed: int) -> Vocabulary:
    rng = random.Random(f"lang-{feed}")
    return rng.choices(vocabularies(), weights=_LANG_WEIGHTS)[0]


def _lognormal_len(rng: random.Random, median: float, sigma: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(rng.lognormvariate(math.log(median), sigma))))


def _number(rng: random.Random, lang: str) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return f"{rng.randint(2, 999):,}".replace(",", " " if lang != "en" else ",")
    if kind == 1:
        return f"{rng.uniform(0.1, 99):.1f}%"
    if kind == 2:
        return f"${rng.randint(1, 900)}{rng.choice(('', ' million', ' billion'))}"
    if kind == 3:
        return str(rng.randint(1990, 2026))
    return str(rng.randint(2, 60))


def _date(rng: random.Random, lang: str) -> str:
    months = _MONTHS.get(lang)
    day = rng.randint(1, 28)
    if months is None:
        return f"{day:02d}.{rng.randint(1, 12):02d}.{rng.randint(2020, 2026)}"
    return f"{day} {rng.choice(months)}"


def _sentence(rng: random.Random, v: Vocabulary, n: int, watched: str | None) -> list[str]:
    """n tokens of running text with names, places, organisations, numbers and dates."""
    out = v.words_n(rng, n)
    for i in range(len(out)):
        roll = rng.random()
        if roll < 0.04:
            out[i] = v.person(rng)
        elif roll < 0.07:
            out[i] = rng.choice(v.places)
        elif roll < 0.09:
            out[i] = rng.choice(v.orgs)
        elif roll < 0.13:
            out[i] = _number(rng, v.lang.code)
        elif roll < 0.14:
            out[i] = _date(rng, v.lang.code)
    if watched is not None:
        out.insert(rng.randrange(len(out) + 1), watched)
    return out


def _join(v: Vocabulary, tokens: list[str]) -> str:
    text = (" " if v.lang.spaced else "").join(tokens)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class Entry:
    guid: str
    title: str  # plain text
    link: str
    summary_html: str  # already HTML (escaped text, maybe markup): goes into <description>
    published: datetime


def entry(feed: int, k: int, base: datetime) -> Entry:
    """Entry k of a feed (k grows with time), deterministic in (feed, k)."""
    v = feed_language(feed)
    rng = random.Random(feed * 1_000_003 + k)
    watched = rng.choice(v.lang.watched) if rng.random() < WATCHED_SHARE else None
    in_title = watched is not None and rng.random() < 0.5
    n = _lognormal_len(rng, 9, 0.35, 3, 30)
    title = _join(v, _sentence(rng, v, n, watched if in_title else None))
    n = _lognormal_len(rng, 45, 0.6, 8, 600)
    text = _join(v, _sentence(rng, v, n, None if in_title else watched)) + "."
    if rng.random() < HTML_SHARE:
        cut = len(text) // 2
        link = f"https://outlet{feed}.example/tag/{rng.randrange(1000)}"
        summary = (
            f'<p>{escape(text[:cut])} <a href="{link}">{escape(rng.choice(v.places))}</a>'
            f" &amp; <b>{escape(rng.choice(v.orgs))}</b></p>"
            f'<p><img src="https://cdn{feed % 17}.example/{k}.jpg" alt="">{escape(text[cut:])}</p>'
        )
    else:
        summary = escape(text)
    # Each feed publishes at its own pace (a few a day to several an hour): 50 entries
    # reach back from hours to weeks.
    pace_h = random.Random(f"pace-{feed}").choice((0.2, 0.5, 1, 2, 4, 8))
    published = base + timedelta(hours=k * pace_h, minutes=rng.randrange(int(pace_h * 60) or 1))
    return Entry(
        guid=f"https://outlet{feed}.example/{k}",
        title=title,
        link=f"https://outlet{feed}.example/{v.lang.code}/{k}-{rng.randrange(10**6)}",
        summary_html=summary,
        published=published,
    )
