"""Language-independent features of one document: the evidence the grouper compares.

Pure: a StoryDoc in, a frozen Features value out. Every word becomes a consonant
skeleton key (so cognates and transliterations meet across scripts), capitalised
words also become proper-noun keys, and numbers, weekdays and months are normalised
through small multilingual lexicons ("двух миллиардов" and "$2 billion" give one key).
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.matching.normalize import tokens
from alerts.stories import lexicon
from alerts.stories.model import StoryDoc
from alerts.stories.phonetic import fold, skeleton

# Keys are short strings with a one-letter kind prefix, so a single inverted index
# holds them all: p people, n numbers, y years, d dates (month-day), w weekdays,
# m months, t words, c capitalised words.
KINDS = ("p", "n", "y", "d", "w", "m", "t", "c")
SKELETON_PREFIX = 4

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_TOKEN = re.compile(
    r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+(?![\d])|\d+(?:[.,]\d+)?|[^\W\d_]+(?:['’ʼ][^\W\d_]+)*"
)
_SENTENCE_END = re.compile(r"[.!?:;]")


@dataclass(frozen=True, slots=True)
class Features:
    """The keys of one document (`keys`) and the script family it is written in."""

    keys: frozenset[str]
    title_keys: frozenset[str]
    lang: str
    script: str
    # The weekday and people keys among `keys`: conflicts between them are evidence.
    weekdays: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()


def _number(token: str) -> float | None:
    digits = re.sub(r"[ ,.\u00a0\u202f]", "", token)
    if re.fullmatch(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+", token):
        return float(digits)
    try:
        return float(token.replace(",", "."))
    except ValueError:
        return None


def _number_key(value: float) -> str:
    if value.is_integer() and 1900 <= value <= 2100:
        return f"y:{int(value)}"
    return f"n:{value:g}"


def _name_spans(text: str, names: tuple[re.Pattern[str], ...]) -> list[tuple[int, int]]:
    return [m.span() for pattern in names for m in pattern.finditer(text)]


@functools.lru_cache(maxsize=1 << 17)
def _classify(token: str, lang: str | None) -> tuple[str, object]:
    """What one word is, cached (news vocabulary is Zipfian: most words repeat):
    "x" a multiplier, "#" a number word, "" nothing, "w"/"m" a weekday or month,
    "t" a word with its skeleton."""
    folded = fold(token)
    multiplier = lexicon.lookup(lexicon.MULTIPLIERS, folded)
    if isinstance(multiplier, int):
        return "x", multiplier
    word_number = lexicon.lookup(lexicon.NUMBER_WORDS, folded)
    if isinstance(word_number, int):
        return "#", word_number
    if folded in lexicon.STOPWORDS:
        return "", None
    for kind, table in (("w", lexicon.WEEKDAYS), ("m", lexicon.MONTHS)):
        found = lexicon.lookup(table, folded)
        if found is not None:
            return kind, found
    if not _LATIN_OR_CYRILLIC.search(folded):
        # Georgian, Armenian, Greek: the matcher's transliteration (to Cyrillic) decides,
        # so a name or place meets its Latin and Cyrillic spellings there as it does here.
        folded = fold(tokens(token).strip())
        if not folded or " " in folded:
            return "", None
        token = folded
    skel = skeleton(token, lang)[:SKELETON_PREFIX]
    if len(skel) < 2 or len(folded) < 3:
        return "", None
    return "t", skel


def _text_keys(
    text: str,
    lang: str | None,
    names: tuple[re.Pattern[str], ...],
    name_skels: set[str],
    published: datetime | None = None,
) -> set[str]:
    """Keys of `text`; words inside a name mention go to `name_skels` instead."""
    keys: set[str] = set()
    clean = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    spans = _name_spans(clean, names) if names else []
    prev_end = 0
    number: float | None = None  # the number being read: digits or words, then "billion"
    month: str | None = None  # the month just read, waiting for its day ("Feb. 9")

    def flush() -> float | None:
        nonlocal number
        value, number = number, None
        if value is not None and value >= 2:
            keys.add(_number_key(value))
        return value

    for match in _TOKEN.finditer(clean):
        token = match.group()
        sentence_start = prev_end == 0 or bool(
            _SENTENCE_END.search(clean[prev_end : match.start()])
        )
        prev_end = match.end()
        if token[0].isdigit():
            flush()
            number = _number(token)
            day_month = _DAY_MONTH.fullmatch(token)
            if day_month:  # "3.02", "(9.02)": day and month, the European way
                keys.add(f"d:{int(day_month[2]):02d}-{int(day_month[1]):02d}")
            elif month is not None and number is not None and _is_day(number):
                keys.add(f"d:{month}-{int(number):02d}")
            month = None
            continue
        kind, value = _classify(token, lang)
        if kind == "x" and isinstance(value, int):
            number = (number or 1.0) * value
            continue
        if kind == "#" and isinstance(value, int):
            # "тысяча двести" is 1000 + 200; "две тысячи" is 2 * 1000 (above).
            if number is not None and value == 100 and number < 10:
                number *= value
            else:
                number = (number or 0.0) + value
            continue
        day = flush()
        month = None
        if kind == "":
            continue
        if kind == "m":
            if day is not None and _is_day(day):  # "3 February", "3 лютого"
                keys.add(f"d:{value}-{int(day):02d}")
            month = str(value)
        if kind in "wm":
            keys.add(f"{kind}:{value}")
            if kind == "w" and published is not None:
                # The date it names, so that "on Tuesday" meets "3 February" and "3.02".
                keys.add(_weekday_date(str(value), published))
            continue
        skel = str(value)
        start, end = match.span()
        if any(s < end and start < e for s, e in spans):
            name_skels.add(skel)
            continue
        keys.add(f"t:{skel}")
        # Sentence-initial capitals are mostly ordinary words ("Speaking at ...").
        if token[0].isupper() and not sentence_start:
            keys.add(f"c:{skel}")
    flush()
    return keys


_DAY_MONTH = re.compile(r"(\d{1,2})\.(0[1-9]|1[0-2])")
_WEEKDAY_INDEX = {day: i for i, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}


def _is_day(value: float) -> bool:
    return value.is_integer() and 1 <= value <= 31


def _weekday_date(weekday: str, published: datetime) -> str:
    """The date a weekday means in a report: that day of the week on or before the day
    it was published ("on Tuesday" in Wednesday's paper is yesterday)."""
    back = (published.weekday() - _WEEKDAY_INDEX[weekday]) % 7
    return (published - timedelta(days=back)).strftime("d:%m-%d")


_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")
_LATIN_OR_CYRILLIC = re.compile("[a-z\u0400-\u04ff]")
_ANY_LETTER = re.compile(r"[^\W\d_]")


def _script(text: str) -> str:
    cyr = len(_CYRILLIC_LETTER.findall(text))
    return "cyr" if cyr * 2 > len(_ANY_LETTER.findall(text)) else "lat"


def _name_patterns(names: frozenset[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(re.escape(unicodedata.normalize("NFC", n.strip())), re.IGNORECASE)
        for n in sorted(names)
        if n.strip()
    )


def extract(doc: StoryDoc) -> Features:
    """All keys of `doc`: its people plus what its title and text say besides them."""
    names = _name_patterns(doc.names)
    name_skels = {
        skel
        for name in doc.names
        for token in _TOKEN.findall(name)
        if not token[0].isdigit() and len(skel := skeleton(token, doc.lang)[:SKELETON_PREFIX]) > 1
    }
    title_keys = _text_keys(doc.title, doc.lang, names, name_skels, doc.published)
    text_keys = _text_keys(doc.text, doc.lang, names, name_skels, doc.published)
    keys = title_keys | text_keys
    if name_skels:
        # Another form of a mentioned name ("Бабарыки" beside a matched "Бабарыкой")
        # is the same person too; the rare ordinary word sharing its frame is the price.
        named = {f"{kind}:{skel}" for skel in name_skels for kind in "tc"}
        keys -= named
        title_keys -= named
    keys |= {f"p:{p}" for p in doc.people}
    script = _script(doc.title + " " + doc.text)
    # Interned: a window of 50,000 documents holds each common key once, not 50,000 times.
    interned = frozenset(map(sys.intern, keys))
    return Features(
        keys=interned,
        weekdays=frozenset(k for k in interned if k[0] == "w"),
        people=frozenset(k for k in interned if k[0] == "p"),
        title_keys=frozenset(map(sys.intern, title_keys)),
        lang=doc.lang or script,
        script=script,
    )
