"""Language-independent features of one document: the evidence the grouper compares.

Pure: a StoryDoc in, a frozen Features value out. Every word becomes a consonant
skeleton key (so cognates and transliterations meet across scripts), capitalised
words also become proper-noun keys, and numbers, weekdays and months are normalised
through small multilingual lexicons ("двух миллиардов" and "$2 billion" give one key).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from alerts.stories import lexicon
from alerts.stories.model import StoryDoc
from alerts.stories.phonetic import fold, skeleton

# Keys are short strings with a one-letter kind prefix, so a single inverted index
# holds them all: p people, n numbers, y years, w weekdays, m months, t words,
# c capitalised words.
KINDS = ("p", "n", "y", "w", "m", "t", "c")
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


def _text_keys(
    text: str, lang: str | None, names: tuple[re.Pattern[str], ...], name_skels: set[str]
) -> set[str]:
    """Keys of `text`; words inside a name mention go to `name_skels` instead."""
    keys: set[str] = set()
    clean = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    spans = _name_spans(clean, names) if names else []
    pending: float | None = None  # the last number, waiting for "billion"
    prev_end = 0
    for match in _TOKEN.finditer(clean):
        token = match.group()
        sentence_start = prev_end == 0 or bool(
            _SENTENCE_END.search(clean[prev_end : match.start()])
        )
        prev_end = match.end()
        if token[0].isdigit():
            pending = _number(token)
            if pending is not None and pending >= 2:
                keys.add(_number_key(pending))
            continue
        folded = fold(token)
        multiplier = lexicon.lookup(lexicon.MULTIPLIERS, folded)
        if isinstance(multiplier, int) and pending is not None:
            keys.add(_number_key(pending * multiplier))
            pending = None
            continue
        word_number = lexicon.NUMBER_WORDS.get(folded)
        pending = None if word_number is None else float(word_number)
        if pending is not None or folded in lexicon.STOPWORDS:
            continue
        for kind, table in (("w", lexicon.WEEKDAYS), ("m", lexicon.MONTHS)):
            found = lexicon.lookup(table, folded)
            if found is not None:
                keys.add(f"{kind}:{found}")
                break
        else:
            skel = skeleton(token, lang)[:SKELETON_PREFIX]
            if len(skel) < 2 or len(folded) < 3:
                continue
            start, end = match.span()
            if any(s < end and start < e for s, e in spans):
                name_skels.add(skel)
                continue
            keys.add(f"t:{skel}")
            # Sentence-initial capitals are mostly ordinary words ("Speaking at ...").
            if token[0].isupper() and not sentence_start:
                keys.add(f"c:{skel}")
    return keys


def _script(text: str) -> str:
    cyr = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    return "cyr" if cyr * 2 > sum(1 for ch in text if ch.isalpha()) else "lat"


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
    title_keys = _text_keys(doc.title, doc.lang, names, name_skels)
    text_keys = _text_keys(doc.text, doc.lang, names, name_skels)
    keys = title_keys | text_keys
    if name_skels:
        # Another form of a mentioned name ("Бабарыки" beside a matched "Бабарыкой")
        # is the same person too; the rare ordinary word sharing its frame is the price.
        named = {f"{kind}:{skel}" for skel in name_skels for kind in "tc"}
        keys -= named
        title_keys -= named
    keys |= {f"p:{p}" for p in doc.people}
    script = _script(doc.title + " " + doc.text)
    return Features(
        keys=frozenset(keys),
        title_keys=frozenset(title_keys),
        lang=doc.lang or script,
        script=script,
    )
