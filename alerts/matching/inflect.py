"""Surname declension: from a configured surname, the stems to look for and the endings
each stem may take, with a human label per ending.

Endings are checked on the normalised text (lower case, Latin marks stripped), so
"Białackiego" ends in "iego" and "Łukaszenkę" in "e". Classes are gender-aware: a female
"-ova"/"-skaya" stem never accepts the male endings, and the male forms of the same stem are
reported as a *related* person (Kolesnikov is Kolesnikova's father or a namesake).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from alerts.matching.normalize import tokens

# ending -> label. "" is the bare stem (consonant-final nominative).
Endings = dict[str, str]


def _table(spec: str) -> Endings:
    """``label: ending ending …`` lines; endings as written, kept as the text's word mask
    spells them (``normalize.tokens``: ė is e, ą is a, š is ш)."""
    table: Endings = {}
    for line in spec.strip().splitlines():
        label, _, words = line.partition(":")
        for w in words.split():
            table.setdefault("" if w == "-" else tokens(w).strip(), label.strip())
    return table


# Case endings by declension class. Sources: Russian, Belarusian and Ukrainian surname
# declension (Розенталь, "Справочник по правописанию и стилистике", §§ 122–124; the
# Ukrainian and Belarusian academic grammars' adjectival and -ов/-ин paradigms); Polish
# (Nagórko, "Zarys gramatyki polskiej": masculine locative -e with stem alternation, -u after
# velars; feminine -a dative/locative -e with k/g/ch/r/t/d softening); Czech (Cvrček et al.,
# "Mluvnice současné češtiny": -ý/-á adjectival, -ová for women, incl. foreign women's
# names); Lithuanian (Ambrazas, "Lithuanian Grammar": -as/-is/-ys/-us and -a/-ė paradigms,
# women's -ienė/-aitė/-ytė/-utė); Latvian (-s/-š/-is; Nītiņa & Grigorjevs, "Latviešu
# valodas gramatika": the -a dative -ai); Estonian (Erelt, "Estonian Language": a foreign
# consonant-final name takes the genitive -e and the case endings after it, Kallase,
# Kallasele, Kallasega, and the partitive -t) and Finnish (Karlsson, "Finnish: An
# Essential Grammar": -i- before the case ending of a consonant-final name, Stubbin,
# Stubbille); Georgian (Hewitt, "Georgian: A
# Structural Reference Grammar": -ი nominative, -ის genitive, -ს dative, -მა/-მ ergative,
# -ით instrumental, -ად adverbial, suffixed postpositions -ზე -ში -თან -თვის); Eastern
# Armenian (Dum-Tragut, "Armenian": article -ը/-ն, genitive/dative -ի, dative -ին,
# ablative -ից, instrumental -ով, locative -ում). Georgian and Armenian endings are written as
# the Cyrillic letters those scripts are read as (``scripts``). Only forms the press writes:
# Latin transliterations of a Russian case ("Tolstoy" as her genitive) are not listed.

# Endings a name written in Georgian or Armenian script takes after a consonant (foreign
# names get the Georgian -ი: ფაშინიანი; ფაშინიანმა, Դվորկովիչին).
_FOREIGN_SCRIPT_CONS = """
Georgian nominative: и
Georgian genitive: ис
Georgian dative: с ис
Georgian ergative: ма им
Georgian instrumental / adverbial: ит ад
Georgian postposition: изе иши тан итан исатвис иствис исган идан
Georgian particle -ც (also): иц сац мац исац
Armenian definite: ы н
Armenian genitive/dative: и ин
Armenian ablative / instrumental / locative: иц ов ум
"""

ADJ_M = _table("""
nominative: i y iy ij ii yi yj yy oy oi oj ий ый ій і и ы ой
Russian genitive: ogo ovo ого
Russian/Belarusian dative: omu amu ому аму
Belarusian genitive: aga aha ага ога
Ukrainian genitive: oho ого
Polish genitive: iego ego
Polish dative: iemu emu
Czech genitive/dative/locative: eho emu em
instrumental/locative: im ym ым им ім ом
Lithuanian nominative / German genitive: is ys s
Lithuanian case form: io iui iu yje
Georgian nominative / dative / ergative: ои оис оим
Armenian nominative / definite / genitive: ой ойн ойи
""")

ADJ_F = _table("""
nominative: aya aja aia a ая а
Russian genitive/dative/instrumental: ой ей ою
Belarusian genitive/dative: ай
Polish genitive/dative: iej ej
Czech genitive/dative: e
Czech accusative/instrumental: ou
Ukrainian genitive/dative: ої ій
accusative: ą ую аю у
Lithuanian case form: ajos ajai ajoje
German genitive: ajas ayas aias as s
Georgian nominative / dative / ergative: аиа аиас аиам аиац аиамац
Armenian nominative / definite / genitive: айа айан айайи айайин айайиц
""")

# Lithuanian writes a man's adjectival surname without -sk- in its own -as paradigm
# (Навальный → Navalnas, Navalno, Navalnui; Ambrazas, "Lithuanian Grammar", on the
# adaptation of Slavic surnames), a -oj one in the -us paradigm (Толстой → Tolstojus,
# Tolstojaus, Tolstojui). -sk- names take -is instead (Zelenskis), as ``ADJ_M`` lists.
ADJ_M_HARD = ADJ_M | _table("""
Lithuanian nominative: as
Lithuanian genitive: o
Lithuanian dative: ui
Lithuanian accusative: ą
Lithuanian instrumental: u
Lithuanian -us form (-oj stem): ojus ojaus ojui oją ojų ojumi ojuje
""")

OV_F = _table("""
nominative: a а
Russian genitive/dative: ой
Belarusian genitive/dative: ай
Polish genitive/dative: ej ey
Ukrainian genitive/dative: ої ій
accusative: u у ą
instrumental: ą ою аю
Lithuanian case form: os oje
Lithuanian/Latvian dative: ai
German genitive / Lithuanian nominative: as s
Czech nominative (-ová): ova
Czech genitive/dative (-ové): ove
Czech accusative/instrumental (-ovou): ovou
Georgian dative / ergative: ас ам
""")
# A Czech or Slovak -ová name's own cases on the stem with -ov (Čaputová, Čaputové,
# Čaputovou); not after -in (Alekhine is no case of Alyokhina).
OV_F_CZECH = OV_F | _table("""
Czech/Slovak case form of -ová: e ou
""")

OV_M = _table(
    """
nominative: -
genitive: a а
dative: u у ui
instrumental: ym im om ым ім ом em
locative: e е ie
German genitive: s
Lithuanian nominative: as
Lithuanian case form: o ui u
"""
    + _FOREIGN_SCRIPT_CONS
)

OV_M_BELARUSIAN = _table("""
Belarusian nominative: au ou aŭ ау оў аў
""")

NOUN_A = _table("""
nominative: a o а о
genitive: i y ы і и os
dative/locative: u e у е ові ovi owi ai
accusative: u у ą
instrumental: om am oy oj oi ой ом ам ою oju ą
German genitive: as s os
Lithuanian case form: oje
Georgian dative / ergative: ас ам ос ом ес ем ис им ус ум
""")

# Polish and Belarusian soften a stem-final k before -e/-y: Łukaszence, Babaryce, Бабарыцы.
NOUN_A_SOFT = _table("""
Polish/Belarusian dative: e y ы е і
""")

# A woman's -o/-ko/-enko surname does not decline (Марині Порошенко); Czech marks it -ová.
NOUN_O_F = _table("""
nominative: o о
German genitive: s os
Czech nominative (-ová): ova
Czech genitive/dative (-ové): ove
Czech accusative/instrumental (-ovou): ovou
Georgian dative / ergative: ос ом
""")

CONS_M = _table(
    """
nominative: -
genitive: a а
Russian/Ukrainian genitive after a soft л/н (Шмигаль, Шмигаля): я
Russian/Ukrainian dative after a soft л/н: ю еві
dative: u у ovi owi ові ui
instrumental: em om ем ом am ым ім
locative: e е ie
German genitive: s
Lithuanian case form: as o ui ą us ius iaus iui ių iumi iuje
"""
    + _FOREIGN_SCRIPT_CONS
)

# Lithuanian gives a woman's consonant-final foreign surname the -ė paradigm (Merkel →
# Merkelė, Merkelės, Merkelei; Ambrazas, "Lithuanian Grammar", on foreign names).
CONS_F = _table(
    """
nominative: -
German genitive: s
Lithuanian -ė form: ė ės ei ę ėje
Czech nominative (-ová): ova
Czech genitive/dative (-ové): ove
Czech accusative/instrumental (-ovou): ovou
"""
    + _FOREIGN_SCRIPT_CONS
)

# A man's surname whose last syllable has a fleeting (mobile) vowel drops it before every
# case ending: Polish e ruchome (Dudek → Dudka, Dudkowi, Dudkiem; Wróbel → Wróbla;
# Nagórko), Czech pohyblivé e (Čapek → Čapka, Čapkovi, Čapkem; Němec → Němce; Cvrček et
# al.), Ukrainian and Belarusian випадні е/о (Кравець → Кравця, Кравцю, Кравцем), and the
# Russian беглый гласный that Розенталь §122 allows beside the kept one (Кравец → Кравца).
# Only oblique forms: the vowelless stem is never a nominative. No locative -e after k/l:
# with the vowel gone it reads as other names (Merkel's "Merkle").
FLEETING_HARD = _table("""
genitive: a а
dative: u у ovi owi ові ui
instrumental: em om iem ем ом ім
locative: u у ovi ові
""")
# After c/ц the stem is soft: Czech genitive -e (Němce), Ukrainian -я -ю -еві.
FLEETING_SOFT = _table("""
genitive: a а я e е
dative: u у ovi owi ові еві ю ui
instrumental: em om ем ом ём
locative: u у ovi ові еві ю
""")

# Estonian and Finnish endings of a consonant-final foreign name (the sources above):
# short and common enough (-e, -t, -el, -in) to make other words of a short stem (Khan's
# "Channel", Pen's "Point"), so only a stem whose key has ``FINNIC_MIN_KEY`` letters
# takes them (``for_key``). Not the Finnish partitive -ia, essive -ina or illative -iin:
# they end the names of places made from names (Snowdonia, Romania).
FINNIC = _table("""
Estonian case form: e t ele el elt esse es est ega eks eni ena eta
Finnish case form: in ille illa ilta issa ista iksi
""")
FINNIC_MIN_KEY = 5

INDECLINABLE = _table("""
nominative: -
German genitive: s
""")

# Lithuanian men's -as/-is/-ys/-us: the case ending replaces the nominative one
# (Sabonis, Sabonio, Saboniui, Sabonį, Saboniu; Brazauskas, Brazausko, Brazauskui).
LT_AS = _table("""
Lithuanian nominative: as
Lithuanian genitive: o
Lithuanian dative: ui
Lithuanian accusative: ą
Lithuanian instrumental: u
Lithuanian locative: e
Greek nominative / genitive: ас а
""")
LT_IS = _table("""
Lithuanian nominative: is ys
Lithuanian genitive: io
Lithuanian dative: iui
Lithuanian accusative: į
Lithuanian instrumental: iu
Lithuanian locative: yje
Greek nominative / genitive: ис и
""")
LT_US = _table("""
Lithuanian nominative: us
Lithuanian genitive: aus
Lithuanian dative: ui
Lithuanian accusative: ų
Lithuanian instrumental: umi
Lithuanian locative: uje
Greek nominative / genitive: ус у
""")

# Greek men's -os names: genitive -ου, accusative -ο, vocative -ε (Holton et al., "Greek:
# A Comprehensive Grammar"): Βελόπουλος, Βελόπουλου; Greek script arrives as Cyrillic
# (``scripts``: ου is ои), and its "Greek" endings count only in Greek text; the
# romanised ones in any (Velopoulou). Only for a stem whose key has ``GREEK_OS_MIN_KEY`` letters: a
# short Spanish or Portuguese -os name (Santos, Campos) would also match Santo and Campo.
GREEK_OS = _table("""
Greek genitive: ои у
Greek accusative: о
Greek vocative: е
genitive, romanised from Greek: ou
accusative, romanised from Greek: o
""")
GREEK_OS_MIN_KEY = 5

# Lithuanian women's -ė names (-ytė, -aitė, -ienė, -utė); other languages do not decline them
# (Шимоните, Шыманітэ), Czech may add -ová.
LT_E = _table("""
nominative: ė е э
Lithuanian genitive: ės
Lithuanian dative: ei
Lithuanian accusative: ę
Lithuanian locative: ėje
German genitive: s
Czech nominative (-ová): ová
""")

# The family of a Lithuanian woman's maiden or married name: her father's or husband's
# -is/-as/-ys/-us, a married -ienė, a maiden -aitė/-ytė/-utė/-iūtė. Another person.
LT_FAMILY = _table("""
Lithuanian man's form: is io iui į iu yje as o ui ą u ys us aus
Lithuanian married form: ienė ienės ienei ienę ienėje
Lithuanian maiden form: aitė aitės aitei aitę ytė ytės ytei ytę utė utės utei utę iūtė iūtės
""")

# Latvian men's -s/-š after a consonant, and -is: Kariņš, Kariņa, Kariņam, Kariņu.
LV_S = _table("""
Latvian nominative: s š is
Latvian genitive: a
Latvian dative: am im
Latvian accusative: u i
""")

# Georgian -i surnames (-შვილი -ძე -ია -ური -ელი -ანი): the -ი goes before a case
# ending; Russian, Polish and most others leave them undeclined; Czech women's -iová.
GEORGIAN_I = _table("""
nominative: i и y
Ukrainian/Belarusian nominative: і
German genitive: is s
Georgian genitive: ис
Georgian dative: с
Georgian ergative: ма м
Georgian instrumental / adverbial: ит ад
Georgian postposition: изе иши итан истан иствис исатвис исган идан
Georgian particle -ც (also): иц сац мац исац
Czech nominative (-ová): iova
Czech genitive/dative (-ové): iove
Czech accusative/instrumental (-ovou): iovou
Czech/Slovak genitive/accusative: iho
Czech/Slovak dative: imu
Czech/Slovak instrumental/locative: im
""")

# Armenian -yan/-ian: a consonant stem in every language (Пашиняна, Pašinianas), with the
# Armenian article and cases (Փաշինյանը, Փաշինյանի) and Georgian ones (ფაშინიანმა).
# Polish softens a stem-final consonant before the locative/dative -e (Nagórko): Kant →
# Kancie, Sobota → Sobocie, Mazur → Mazurze, Kowalczyk's -k is -u (o Tusku), a feminine
# -ga/-cha → -dze/-sze (Wałęsa's wife: Wałęsie). Stem end → (softened stem end, ending).
POLISH_SOFTENING: dict[str, tuple[str, str]] = {
    "t": ("c", "ie"),
    "d": ("dz", "ie"),
    "r": ("rz", "e"),
    "g": ("dz", "e"),
    "ch": ("sz", "e"),
    "st": ("sc", "ie"),
}
PL_SOFT = {
    "ie": "Polish locative/dative (softened stem)",
    "e": "Polish locative/dative (softened stem)",
}
NONE: Endings = {}


# Stem and Pattern are named tuples, not frozen dataclasses: a big watchlist makes one of
# each per surname, and a frozen dataclass's __init__ costs several times a tuple's.
class Stem(NamedTuple):
    """A spelled stem (normalised) and the endings it takes; ``related`` endings belong to
    the other gender's form of the same surname."""

    stem: str
    endings: str  # name of the table in TABLES
    related: str | None = None
    # The fewest letters the stem's phonetic key may have (the build drops a shorter one):
    # a stem the pattern derives by cutting letters off can key like too many other words.
    min_key: int = 0


TABLES: dict[str, Endings] = {
    "adj_m": ADJ_M,
    "adj_m_hard": ADJ_M_HARD,
    "adj_f": ADJ_F,
    "ov_f": OV_F,
    "ov_f_cz": OV_F_CZECH,
    "ov_m": OV_M,
    "ov_m_by": OV_M_BELARUSIAN,
    "noun_a": NOUN_A,
    "noun_a_soft": NOUN_A_SOFT,
    "noun_o_f": NOUN_O_F,
    "cons_m": CONS_M,
    "cons_f": CONS_F,
    "fleeting_hard": FLEETING_HARD,
    "fleeting_soft": FLEETING_SOFT,
    "indecl": INDECLINABLE,
    "lt_as": LT_AS,
    "lt_is": LT_IS,
    "lt_us": LT_US,
    "lt_e": LT_E,
    "greek_os": GREEK_OS,
    "lt_family": LT_FAMILY,
    "lv_s": LV_S,
    "georgian_i": GEORGIAN_I,
    "pl_soft": PL_SOFT,
    "none": NONE,
}

# What ``explain`` calls each surname pattern.
PATTERNS: dict[str, str] = {
    "adj_sk": "Slavic adjectival -ski/-sky/-ska/-skaya",
    "adj": "Slavic adjectival (-oy/-yi/-iy, -aya)",
    "ov": "Slavic possessive -ov/-ev/-in",
    "ov_by": "Belarusian -au/-ou",
    "lt_m": "Lithuanian men's -as/-is/-ys/-us",
    "lt_f": "Lithuanian women's -ė (-ytė/-aitė/-ienė)",
    "lv": "Latvian men's -š/-s",
    "georgian": "Georgian -i (-shvili, -dze, -ia, -uri, -eli, -ani)",
    "armenian": "Armenian -yan/-ian",
    "noun_a": "noun-like -a/-o (declines like a noun)",
    "o_f": "a woman's -o/-ko/-enko (indeclinable)",
    "cons": "consonant-final",
    "vowel": "vowel-final (indeclinable)",
    "compound": "compound surname (one unit, hyphenated, spaced or joined; a part alone is not)",
}

_V = "aeiouyаеёиіоуыэюяєї"
_C = "bcdfghjklmnpqrstvwxzбвгґджзклмнпрстфхцчшщ"
# Ukrainian writes a soft sign inside the suffix (Тихановська, Біляцький): the same
# adjective as Тихановская and Беляцкий, so the ь belongs to the stem, not the ending.
_ADJ = re.compile(
    r"^(.*(?:sk|ck|zk|[сцз]ь?к))(?:ь)?(aya|aja|aia|ая|a|а|i|y|ij|iy|yi|yj|yy|ii|ий|ый|ій|і|is|ys)$"
)
# Adjectival surnames without -sk- (Толстой, Толстая, Садовий, Белый): the ending shows it.
_ADJ_ANY = re.compile(rf"^(.*[{_C}])(aya|aja|aia|ая|yi|iy|ij|yj|yy|ii|ий|ый|ій|oy|oi|oj|ой)$")
_ADJ_Y = re.compile(rf"^(.*[{_C}])(y|ы)$")
_FEMALE_ADJ = frozenset({"aya", "aja", "aia", "ая", "a", "а"})
_OV = re.compile(r"^(.*(?:ov|ev|ow|ew|av|aw|in|yn|ов|ев|ёв|ав|ин|ын))(a|а)?$")
_OV_BY = re.compile(r"^(.*?)(au|ou|aŭ|oŭ|аў|оў)$")
_LT_M = re.compile(rf"^(.*[{_C}])(as|is|ys|us)$")
_LT_F = re.compile(r"^(.*?)(iene|aite|iute|yte|ute)$")


def _family_table(suffix: str) -> str:
    """LT_FAMILY without the woman's own suffix: a sister's name is spelled as hers."""
    name = f"lt_family-{suffix}"
    if name not in TABLES:
        TABLES[name] = {e: lab for e, lab in LT_FAMILY.items() if not e.startswith(suffix)}
    return name


_LV = re.compile(r"^(.*[nrlkчц])(ш|s)$")
_GEORGIAN = re.compile(rf"^(.*[{_C}])(i|и)$")
_ARMENIAN = re.compile(r"(?:yan|ian|jan|ян|ян|янц|yants)$")
_VOWEL_END = re.compile(r"^(.*?[^aeiouyаеёиіоуыэюяй])([aeiouyаеёиіоуыэюяй]+)$")
# The phonetic key folds a vowel run into one vowel, so a stem ends in a consonant and a
# vowel before the final one (Georgian Melia, Gakharia: Мелии, მელიამ) goes with the ending.
_VOWEL_SCRIPTS = {"a": "aа", "e": "eе", "i": "iиі", "o": "oо", "u": "uу", "y": "yыи"}


def for_key(table: str, stem_key: str) -> str:
    """The ending table a stem with this phonetic key takes: a consonant-final one adds
    the Estonian and Finnish endings when the key is long enough (``FINNIC``)."""
    if table not in ("cons_m", "cons_f") or len(stem_key) < FINNIC_MIN_KEY:
        return table
    name = f"{table}+finnic"
    if name not in TABLES:
        TABLES[name] = {**FINNIC, **TABLES[table]}
    return name


# After и/і Cyrillic writes the vowel that follows as its iotated letter: Гахария, not
# Гахариа (the Russian and Ukrainian -ия/-ія paradigm: Гахарии, Гахарию, Гахарией;
# Гахарії, Гахарію, Гахарією).
_IOTATED = (("а", "я"), ("у", "ю"), ("о", "е"), ("і", "ї"))


def _with_vowels(table: str, vowels: str) -> str:
    """The name of ``table`` with ``vowels`` before every ending, registered on first use."""
    name = f"{table}+{vowels}"
    if name not in TABLES:
        heads = [vowels]
        if len(vowels) == 1:
            heads = list(_VOWEL_SCRIPTS.get(vowels, vowels))
        endings = {h + e: label for e, label in TABLES[table].items() for h in heads}
        for h in heads:
            if h in "иі":
                for e, label in TABLES[table].items():
                    for plain, iotated in _IOTATED:
                        if e.startswith(plain):
                            endings.setdefault(h + iotated + e[1:], label)
        TABLES[name] = endings
    return name


_SOFT_STEM = re.compile(r"(k|к)$")
# The fleeting vowel and the consonant after it (see ``FLEETING_HARD``): -ek -el -ec -ets,
# Polish -iek -iel (Kozieł → Kozła), Cyrillic -ец -ець -ел -ек -ёк -ок.
_FLEETING = re.compile(rf"^(.*[{_C}])(?:ie|e|ё|е|є)(k|l|c|ts|к|л|ц|ць)$|^(.*[{_C}])о(к)$")
# A vowelless stem this short in the phonetic key matches too many other words: Havel's
# "havl" keys as "gal", which Hala and Halle share.
_MIN_FLEETING_KEY = 4
# Lithuanian replacement stems this short match too many other words (Kallas → "kall").
_MIN_LT_STEM = 4


class Pattern(NamedTuple):
    """The pattern a surname shows, and its stems."""

    name: str  # key of PATTERNS
    stems: tuple[Stem, ...]


# Longest ending first (-st before -t), sorted once: every consonant-final surname asks.
_POLISH_ENDS = tuple(sorted(POLISH_SOFTENING, key=len, reverse=True))


def _polish(stem: str) -> list[Stem]:
    if not stem.endswith(_POLISH_ENDS):
        return []
    for end in _POLISH_ENDS:
        if stem.endswith(end) and len(stem) > len(end) + 1:
            soft, _ = POLISH_SOFTENING[end]
            return [Stem(stem[: -len(end)] + soft, "pl_soft")]
    return []


def _fleeting(surname: str) -> list[Stem]:
    """The stem of a man's surname without its fleeting vowel (Dudek → dudk), if it has one."""
    m = _FLEETING.match(surname)
    if not m:
        return []
    head, tail = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    soft = tail[0] in "cц" or tail == "ts"
    table = "fleeting_soft" if soft else "fleeting_hard"
    return [Stem(head + tail.rstrip("ь"), table, None, _MIN_FLEETING_KEY)]


_GREEK_OS_END = re.compile(rf"^(.*[{_C}])os$")


def _greek_os(surname: str) -> list[Stem]:
    """The stem of a Greek man's -os surname (``GREEK_OS``), kept by the build only when its
    key is long enough."""
    m = _GREEK_OS_END.match(surname)
    return [Stem(m.group(1), "greek_os", None, GREEK_OS_MIN_KEY)] if m else []


def pattern(surname: str, gender: str | None) -> Pattern:
    """The declension pattern of a normalised single-word surname, with its stems.

    ``gender`` ("m", "f" or None) decides what the form alone cannot: a consonant-final or
    -o surname, and whether a -y/-i ending is a man's adjective.
    """
    s = surname
    m = _ADJ.match(s)
    if m:
        female = m.group(2) in _FEMALE_ADJ
        st = Stem(m.group(1), "adj_f" if female else "adj_m", "adj_m" if female else "adj_f")
        return Pattern("adj_sk", (st,))
    m = _ADJ_ANY.match(s)
    if m and len(m.group(1)) >= 3:
        female = m.group(2) in _FEMALE_ADJ
        if female or gender != "f":
            st = Stem(
                m.group(1), "adj_f" if female else "adj_m_hard", "adj_m_hard" if female else "adj_f"
            )
            return Pattern("adj", (st,))
    m = _OV.match(s)
    if m:
        base = m.group(1)
        if m.group(2):
            out = [Stem(base, "ov_f_cz" if base.endswith("ov") else "ov_f", "ov_m")]
            if base[-1] in "vwв":
                out.append(Stem(base[:-2], "none", "ov_m_by"))
            return Pattern("ov", tuple(out))
        if base[-1] in "nн":
            return Pattern("ov", (Stem(base, "ov_m", "ov_f"),))
        return Pattern("ov", (Stem(base, "ov_m", "ov_f"), Stem(base[:-2], "ov_m_by")))
    m = _OV_BY.match(s)
    if m:
        return Pattern(
            "ov_by", (Stem(m.group(1), "ov_m_by"), Stem(m.group(1) + "ov", "ov_m", "ov_f"))
        )
    m = _LT_F.match(s)
    if m and gender != "m" and len(m.group(1)) >= 3:
        family = _family_table(m.group(2))
        return Pattern("lt_f", (Stem(s[:-1], "lt_e"), Stem(m.group(1), "none", family)))
    if gender != "f":
        m = _LT_M.match(s)
        if m:
            table = {"as": "lt_as", "is": "lt_is", "ys": "lt_is", "us": "lt_us"}[m.group(2)]
            out = [Stem(s, "cons_m")]
            if len(m.group(1)) >= _MIN_LT_STEM:
                out.insert(0, Stem(m.group(1), table))
            return Pattern("lt_m", tuple(out))
        m = _LV.match(s)
        if m and len(m.group(1)) >= _MIN_LT_STEM:
            return Pattern("lv", (Stem(m.group(1), "lv_s"), Stem(s, "cons_m")))
        m = _ADJ_Y.match(s)
        if m and len(m.group(1)) >= 3:
            return Pattern("adj", (Stem(m.group(1), "adj_m_hard", "adj_f"),))
    m = _GEORGIAN.match(s)
    if m and len(m.group(1)) >= 3:
        return Pattern("georgian", (Stem(m.group(1), "georgian_i"),))
    m = _VOWEL_END.match(s)
    if m:
        base, vowel = m.group(1), m.group(2)
        if gender == "f" and vowel in ("o", "о"):
            return Pattern("o_f", (Stem(base, "noun_o_f", "noun_a"),))
        if gender == "f" and vowel[-1] not in ("a", "а"):
            return Pattern("vowel", (Stem(s, "indecl"),))
        if len(vowel) > 1:
            return Pattern("noun_a", (Stem(base, _with_vowels("noun_a", vowel[:-1])),))
        related = "noun_o_f" if vowel in ("o", "о") else None
        out = [Stem(base, "noun_a", related)]
        if _SOFT_STEM.search(base):
            soft = base[:-1] + ("c" if base[-1] == "k" else "ц")
            out.append(Stem(soft, "noun_a_soft"))
        else:
            out += _polish(base)
        return Pattern("noun_a", tuple(out))
    if s and s[-1] in _V:
        return Pattern("vowel", (Stem(s, "indecl"),))
    name = "armenian" if _ARMENIAN.search(s) else "cons"
    if gender == "f":
        return Pattern(name, (Stem(s, "cons_f", "cons_m"),))
    return Pattern(name, (Stem(s, "cons_m", "cons_f"), *_polish(s), *_fleeting(s), *_greek_os(s)))


def stems(surname: str, gender: str | None) -> list[Stem]:
    """Stems and ending tables for a normalised single-word surname."""
    return list(pattern(surname, gender).stems)
