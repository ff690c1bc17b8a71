"""Example spellings of a watched name, in the scripts and transliterations users meet.

Owns only the generation of candidates: Latin is read into Cyrillic, Cyrillic is written
out in Russian, Belarusian and Ukrainian spelling and in each Latin scheme, and a few case
forms are added. The tables are small and deliberately loose (Бяляцкі is read both as
Bialacki and as Białacki); which candidates the matcher really accepts is decided by the
caller's ``spans`` function, so nothing here can claim a spelling the matcher would miss.
Pure code, computed on demand only: nothing here runs when a matcher is built or matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from alerts.matching.build import particle_before_last

# The spans (start, end) of the watched person's mentions in a text.
Spans = Callable[[str], Sequence[tuple[int, int]]]

_VOWELS = "аеёиіоуыэюяєї"
_IOTATED = {"я": "а", "ю": "у", "е": "е", "ё": "о", "і": "і", "є": "е", "ї": "і"}
_HARD_ONLY = "жшчрц"  # Belarusian consonants that never soften: "ы", "э" after them

# -- Latin into Cyrillic ---------------------------------------------------------------------

_LAT_MULTI = (
    ("shch", "щ"), ("szcz", "шч"), ("tsch", "ч"), ("sch", "ш"), ("dzh", "дж"), ("zh", "ж"),
    ("kh", "х"), ("ch", "ч"), ("sh", "ш"), ("sz", "ш"), ("cz", "ч"), ("ts", "ц"), ("tz", "ц"),
    ("ck", "к"), ("ph", "ф"), ("x", "кс"),
)  # fmt: skip


def _zip(keys: str, values: str) -> dict[str, str]:
    """Letters of ``keys`` to the space-separated ``values``, in order."""
    return dict(zip(keys, values.split(), strict=True))


_LAT = _zip(
    "abcdefghjklmnopqrstuvwzśćńźłžšŭżĺéëï",
    "а б ц д е ф г г й к л м н о п к р с т у в в з сь ць нь зь л ж ш ў ж ль е ё й",
)
_LAT_IOT = {"a": "я", "u": "ю", "e": "е", "o": "ё"}
_LAT_VOWELS = "aeiouyéëï"


def _latin_to_cyrillic(word: str) -> str:
    """A Belarusian-leaning Cyrillic reading of one Latin word (lower case)."""
    w, out, i = word.lower(), [], 0
    while i < len(w):
        prev = w[i - 1] if i else ""
        nxt = w[i + 1] if i + 1 < len(w) else ""
        c = w[i]
        if (
            c in "iyj"
            and nxt in _LAT_IOT
            and not (nxt == "a" and i + 2 == len(w) and prev and prev not in _LAT_VOWELS)
        ):
            out.append(_LAT_IOT[nxt])  # Bialiatski, Yury, Jauhien
            i += 2
            continue
        if c in "iy" and re.fullmatch(r"[iy][ijy]?", w[i:]) and prev and prev not in _LAT_VOWELS:
            out.append("ий" if i + 1 < len(w) else ("і" if c == "i" else "ы"))
            break
        if c in "oae" and nxt == "u" and (i + 2 == len(w) or w[i + 2] not in _LAT_VOWELS):
            out.append({"o": "оў", "a": "аў", "e": "еў"}[c])  # Tsikhanouskaya, Uladzislau
            i += 2
            continue
        multi = next((m for m in _LAT_MULTI if w.startswith(m[0], i)), None)
        if multi:
            out.append(multi[1])
            i += len(multi[0])
            continue
        if c == "i":
            out.append("і")
        elif c == "y":
            out.append("й" if prev in _LAT_VOWELS or not nxt else "ы")
        elif c == "e":
            out.append("э" if not prev or prev in _LAT_VOWELS else "е")
        elif c == "a" and prev in "iy" and i + 1 == len(w):
            out.append("я")  # Maria
        else:
            out.append(_LAT.get(c, c if c.isalpha() else ""))
        i += 1
    # Alexander, Peter: the Latin "e" before a final "r" is no Cyrillic vowel.
    return re.sub(r"(?<=[бвгдкпт])ер$", "р", "".join(out))


# -- Cyrillic spelling conventions -------------------------------------------------------


def _russian(w: str) -> list[str]:
    w = w.replace("шч", "щ").replace("ў", "в").replace("'", "ъ").replace("ї", "йи")
    w = re.sub(r"([сц])ьк(а|ий)$", lambda m: f"{m[1]}к" + ("ая" if m[2] == "а" else "ий"), w)
    w = re.sub(r"(?<=.)э", "е", w.replace("і", "и"))
    w = re.sub(r"([сцз]к)(?:и|ы|ий|ый)$", r"\1ий", w)
    w = re.sub(r"(?<=[кгх])ы", "и", w)
    w = re.sub(r"енка$", "енко", w)
    # Belarusian цеканне/дзеканне undone: Ціханоўская is Тихановская, Таццяна is Татьяна.
    w = re.sub(r"дз(?=[иеь])", "д", re.sub(r"ц(?=[иеь])", "т", w))
    w = re.sub(r"ц+(?=[яю])", "ть", w)
    # Belarusian яканне: the я before the stress is a Russian е (Бяляцкі, Беляцкий).
    yak = re.sub(rf"^([^{_VOWELS}]+)я(?=.*[{_VOWELS}])", r"\1е", w)
    return [yak, w]


def _belarusian(w: str) -> list[str]:
    w = w.replace("щ", "шч").replace("ъ", "'")
    w = re.sub(rf"(?<=[{_HARD_ONLY}])и", "ы", w).replace("и", "і")
    w = re.sub(rf"(?<=[{_HARD_ONLY}])е", "э", w)
    w = re.sub(r"(?<=к)(?:ий|ій|ый)$", "і", w)
    w = re.sub(r"ый$", "ы", w)
    w = re.sub(r"д(?!з)(?=[іеяюёь])", "дз", re.sub(r"т(?=[іеяюёь])", "ц", w))
    w = re.sub(rf"(?<=[оае])в(?=[^{_VOWELS}]|$)", "ў", w)
    # Аканне: an unstressed о is written а; without the stress, a long word is taken to
    # have none left (Калеснікава), a short one to keep it (Хоміч).
    if sum(ch in _VOWELS for ch in w) >= 3:
        w = re.sub(r"о(?!ў)", "а", w)
    return [re.sub(r"о$", "а", w)]


def _ukrainian(ru: str) -> list[str]:
    w = ru.replace("ы", "и").replace("э", "е").replace("ё", "ьо")
    w = re.sub(r"([сц])к(ий|ая)$", lambda m: f"{m[1]}ьк" + ("ий" if m[2] == "ий" else "а"), w)
    # Ukrainian і for a Russian е or и in a closed syllable: Біляцький, Колеснікова.
    ik = re.sub(rf"^([^{_VOWELS}]+)е", r"\1і", w)
    return [ik, re.sub(r"и(?=[^йа-яєії]*$)", "і", w), w]


# -- Cyrillic into Latin ---------------------------------------------------------------------

_COMMON = _zip("абвгдезийклмнопрстуфыэ", "a b v g d e z i y k l m n o p r s t u f y e")


def _scheme(plain: str, iot: tuple[str, ...], **extra: str) -> dict[str, str]:
    """Per-letter table: ``iot`` is (after a consonant, elsewhere) for я ю е ё."""
    table = dict(_COMMON, **dict(zip(plain.split()[::2], plain.split()[1::2], strict=True)))
    table.update(extra)
    for n, v in enumerate("яюеё"):
        table["+" + v] = iot[2 * n]
        table["-" + v] = iot[2 * n + 1]
    return table


_SCHEMES: dict[str, dict[str, str]] = {
    "English (BGN)": _scheme(
        "ж zh х kh ц ts ч ch ш sh щ shch ў u і i г g",
        ("ya", "ya", "yu", "yu", "e", "ye", "yo", "yo"),
    ),
    "Belarusian passport Latin": _scheme(
        "ж zh х kh ц ts ч ch ш sh щ shch ў u і i г h й i",
        ("ia", "ya", "iu", "yu", "e", "ye", "io", "yo"),
    ),
    "Belarusian Latin / Łacinka": _scheme(
        "ж ž х ch ц c ч č ш š ў ŭ і i г h й j",
        ("ia", "ja", "iu", "ju", "ie", "je", "io", "jo"),
        soft="ś ć ń ź l dź",
    ),
    "Polish": _scheme(
        "в w ж ż х ch ц c ч cz ш sz щ szcz ў u і i г h й j",
        ("ia", "ja", "iu", "ju", "ie", "je", "io", "jo"),
        soft="ś ć ń ź l dź",
        hard_l="ł",
    ),
    "German": _scheme(
        "в w ж sch з s х ch ц z ч tsch ш sch щ schtsch ў u і i г g й j",
        ("ja", "ja", "ju", "ju", "e", "je", "jo", "jo"),
        ss="ss",
    ),
    "French": _scheme(
        "ж j х kh ц ts ч tch ш ch щ chtch у ou ў u і i г g й ï",
        ("ia", "ïa", "iou", "iou", "e", "ie", "io", "io"),
        ss="ss",
    ),
    "Lithuanian": _scheme(
        "ж ž х ch ц c ч č ш š щ šč ў u і i г h й j",
        ("ia", "ja", "iu", "ju", "e", "je", "io", "jo"),
    ),
}
_SOFTENED = "сцнзлд"


def _romanize(w: str, t: dict[str, str]) -> str:
    out: list[str] = []
    soft = dict(zip(_SOFTENED, t.get("soft", "").split(), strict=False))
    for i, c in enumerate(w):
        prev = w[i - 1] if i else ""
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if c in "яюеё":
            after_consonant = bool(prev) and prev not in _VOWELS + "'ъ"
            v = t[("+" if after_consonant else "-") + c]
            if v[0] == "i" and ((prev == "л" and soft) or prev in _HARD_ONLY):
                v = v[1:]  # Łacinka and Polish write ля as "la" (Bialacki), ше as "sze"
            out.append(v)
        elif c == "ь":
            if soft and prev in soft and out:
                out[-1] = out[-1][:-1] + soft[prev]
        elif c == "л" and "hard_l" in t and nxt not in "яюеёіиь":
            out.append(t["hard_l"])
        elif c == "с" and "ss" in t and prev in _VOWELS and nxt in _VOWELS and prev and nxt:
            out.append(t["ss"])
        elif c in "ъ'":
            continue
        else:
            out.append(t.get(c, c))
    return "".join(out)


# Adjectival surnames keep the stem and take each scheme's own ending.
_ADJ_M = re.compile(r"^(.*[сцз]к)(?:ий|ый|ій|і|ы|и)$")
_ADJ_F = re.compile(r"^(.*[сцз]к)ая$")
_ADJ_ENDINGS = {
    "English (BGN)": (("y", "i"), ("aya",)),
    "Belarusian passport Latin": (("i",), ("aya",)),
    "Belarusian Latin / Łacinka": (("i",), ("aja",)),
    "Polish": (("i",), ("a", "aja")),
    "German": (("i",), ("aja",)),
    "French": (("i",), ("aïa",)),
    "Lithuanian": (("is",), ("aja",)),
}


def _latin(scheme: str, w: str) -> list[str]:
    t = _SCHEMES[scheme]
    for rx, n in ((_ADJ_M, 0), (_ADJ_F, 1)):
        m = rx.match(w)
        if m:
            stem = _romanize(m[1], t)
            return [stem + e for e in _ADJ_ENDINGS[scheme][n]]
    out = _romanize(w, t)
    if scheme == "Lithuanian" and out[-1] not in "aeiouy":
        return [out + "as", out]  # a Lithuanian man's name takes -as: Chomičas
    return [out]


# -- Case forms -------------------------------------------------------------------------------

_Rule = tuple[str, str]
_CASES: dict[str, tuple[str, tuple[_Rule, ...]]] = {
    "Russian Cyrillic": ("genitive", (
        (r"(?:ий|ый)$", "ого"), (r"ая$", "ой"), (r"(?<=[ое]в)а$", "ой"), (r"(?<=[кгхжшчщ])а$", "и"),
        (r"а$", "ы"), (r"о$", "о"), (r"(?<=[бвгджзклмнпрстфхцчшщ])$", "а"),
    )),
    "Belarusian Cyrillic": ("genitive", (
        (r"(?<=к)і$", "ага"), (r"ы$", "ага"), (r"ая$", "ай"), (r"ава$", "авай"), (r"(?<=к)а$", "і"),
        (r"а$", "ы"), (r"(?<=[бвгджзклмнпрстфхцчшўщ])$", "а"),
    )),
    "Ukrainian Cyrillic": ("genitive", (
        (r"ий$", "ого"), (r"ька$", "ької"), (r"ко$", "ка"), (r"а$", "и"),
        (r"(?<=[бвгджзклмнпрстфхцчшщ])$", "а"),
    )),
    "Polish": ("genitive", (
        (r"ki$", "kiego"), (r"ka$", "kiej"), (r"(?<=sk)aja$", "aja"), (r"(?<=[ow])a$", "ej"),
        (r"(?<=[kg])a$", "i"), (r"a$", "y"), (r"(?<=[^aeiouy])$", "a"),
    )),
    "German": ("genitive", ((r"(?<=[^sz])$", "s"),)),
    "English (BGN)": ("possessive", ((r"$", "'s"),)),
}  # fmt: skip


def _inflect(scheme: str, form: str) -> str | None:
    rules = _CASES.get(scheme)
    if not rules:
        return None
    for rx, repl in rules[1]:
        if re.search(rx, form):
            return re.sub(rx, repl, form, count=1)
    return None


# -- Putting it together -------------------------------------------------------------------


def _cyrillic_bases(word: str) -> tuple[list[str], list[str], list[str]]:
    """Russian, Belarusian and Ukrainian spellings of one word, likeliest first."""
    low = word.lower()
    pivot = low if re.search("[а-яёіїєґў]", low) else _latin_to_cyrillic(low)
    ru = _dedupe(_russian(pivot))
    # A Ukrainian spelling is not Belarusian enough to start from: Тихановська.
    ukrainian = re.search("[їєґ]|[сц]ьк", pivot)
    by = _dedupe(_belarusian(ru[-1] if ukrainian else pivot))
    uk = _dedupe(_ukrainian(ru[0]))[:2]
    if ukrainian:
        # The configured spelling is the Ukrainian one; its і in the first syllable is
        # often a Russian е (Біляцький, Беляцкий).
        uk = _dedupe([pivot, *uk])[:2]
        ru = _dedupe([*ru, *_russian(re.sub(rf"^([^{_VOWELS}]+)і", r"\1е", pivot))])
    return ru, by, uk


# Belarusian names reach Polish, Lithuanian and Belarusian Latin through Belarusian; the
# Russian spelling is also met in the other schemes (Belyatsky, Tichanowskaja, Kolesnikowa).
_BELARUSIAN_ONLY = frozenset({"Belarusian passport Latin", "Belarusian Latin / Łacinka"})
_BELARUSIAN_FIRST = frozenset({"Polish", "Lithuanian"})


def _spellings(word: str) -> list[tuple[str, str]]:
    """(spelling, scheme) of one word in every scheme, nominative, lower case."""
    ru, by, uk = _cyrillic_bases(word)
    out = [(w, "Russian Cyrillic") for w in ru]
    out += [(w, "Belarusian Cyrillic") for w in by]
    out += [(w, "Ukrainian Cyrillic") for w in uk]
    for scheme in _SCHEMES:
        if scheme in _BELARUSIAN_ONLY:
            bases = by
        elif scheme in _BELARUSIAN_FIRST:
            bases = [by[0], ru[0]]
        else:
            bases = [ru[0], by[0]]
        forms = [x for b in bases for x in _latin(scheme, b)]
        if scheme == "Polish":
            # Polish papers also write a soft л as hard: Białacki beside Bialacki.
            forms += [re.sub("l(?=[aou])", "ł", x) for x in forms]
        out += [(x, scheme) for x in forms]
    return out


def _dedupe(xs: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(xs))


def _cap(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in s.split(" "))


def examples(name: str, spans: Spans) -> list[tuple[str, str]]:
    """(spelling, reason) pairs, grouped by scheme, that ``spans`` finds as the whole name.

    ``name`` is the configured name; its last word is taken as the surname. The reason is
    the scheme, with the case for inflected forms ("Russian Cyrillic, genitive").
    """
    words = name.split()
    if not words:
        return []
    surname = _spellings(words[-1])
    if particle_before_last(name):
        # "von der Leyen": the particle is spelled with the surname, as it is matched.
        latin, cyrillic = words[-2], _latin_to_cyrillic(words[-2])
        surname = [(f"{cyrillic if 'Cyrillic' in s else latin} {w}", s) for w, s in surname]
    given = {scheme: w for w, scheme in reversed(_spellings(words[0]))} if len(words) > 1 else {}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for w, scheme in surname:
        group = grouped.setdefault(scheme, [])
        group.append((_cap(w), scheme))
        case = _inflect(scheme, w)
        if case:
            group.append((_cap(case), f"{scheme}, {_CASES[scheme][0]}"))
    for scheme, first in given.items():
        nominative = next((w for w, s in surname if s == scheme), None)
        if nominative:
            grouped[scheme].insert(0, (_cap(f"{first} {nominative}"), f"{scheme}, full name"))
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for group in grouped.values():
        for form, reason in group:
            if form not in seen and _whole(form, spans(form)):
                seen.add(form)
                out.append((form, reason))
    return out


def _whole(form: str, found: Sequence[tuple[int, int]]) -> bool:
    # A possessive's mention ends before the apostrophe: "Bialiatski's".
    return any(s == 0 and form[e:] in ("", "'s") for s, e in found)
