"""Surname declension: from a configured surname, the stems to look for and the endings
each stem may take, with a human label per ending.

Endings are checked on the normalised text (lower case, Latin marks stripped), so
"Białackiego" ends in "iego" and "Łukaszenkę" in "e". Classes are gender-aware: a female
"-ova"/"-skaya" stem never accepts the male endings, and the male forms of the same stem are
reported as a *related* person (Kolesnikov is Kolesnikova's father or a namesake).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ending -> label. "" is the bare stem (consonant-final nominative).
Endings = dict[str, str]


def _table(spec: str) -> Endings:
    table: Endings = {}
    for line in spec.strip().splitlines():
        label, _, words = line.partition(":")
        for w in words.split():
            table.setdefault("" if w == "-" else w, label.strip())
    return table


ADJ_M = _table("""
nominative: i y iy ij ii yi yj yy ий ый ій і и ы
Russian genitive: ogo ovo ого
Belarusian genitive: aga aha ага
Ukrainian genitive: oho
Polish genitive: iego ego
dative: omu amu emu iemu ому аму
instrumental/locative: im ym om ым им ім ом
Lithuanian nominative / German genitive: is ys
Lithuanian case form: io iui iu yje
""")

ADJ_F = _table("""
nominative: aya aja aia a ая а
Russian genitive/dative: oy oi oj ой ей
Belarusian genitive/dative: aj ai ay ай
Polish genitive/dative: iej ej
Ukrainian genitive/dative: oyi oji ої ій
accusative: uyu uju uiu ayu aju aiu u ую аю у
instrumental: oyu oju oiu ою
Lithuanian case form: ajos ajai ajoje
German genitive: ajas ayas aias as
""")

OV_F = _table("""
nominative: a а
Russian genitive/dative: oy oi oj ой
Belarusian genitive/dative: aj ai ay ай
Polish genitive/dative: ej ey ей
Ukrainian genitive/dative: oyi oji ої ій
accusative: u у
instrumental: oyu oju oiu ою аю
Lithuanian case form: os oje
German genitive / Lithuanian nominative: as
""")

OV_M = _table("""
nominative: -
genitive: a а
dative: u у ui
instrumental: ym im om ым ім ом
locative: e е ie
German genitive: s
Lithuanian nominative: as
Lithuanian case form: o ui u
""")

OV_M_BELARUSIAN = _table("""
Belarusian nominative: au ou aŭ ау оў аў
""")

NOUN_A = _table("""
nominative: a o а о
genitive: i y ы і и os
dative/locative: u e у е ові ovi owi ai
accusative: u у
instrumental: om am oy oj oi ой ом ам ою oju
German genitive: as
Lithuanian case form: oje
""")

# Polish and Belarusian soften a stem-final k before -e/-y: Łukaszence, Babaryce, Бабарыцы.
NOUN_A_SOFT = _table("""
Polish/Belarusian dative: e y ы е і
""")

CONS_M = _table("""
nominative: -
genitive: a а
dative: u у ovi owi ові ui
instrumental: em om ем ом am
locative: e е
German genitive: s
Lithuanian case form: as ius iaus
""")

CONS_F = _table("""
nominative: -
German genitive: s
""")

INDECLINABLE = _table("""
nominative: -
German genitive: s
""")


@dataclass(frozen=True, slots=True)
class Stem:
    """A spelled stem (normalised) and the endings it takes; ``related`` endings belong to
    the other gender's form of the same surname."""

    stem: str
    endings: str  # name of the table in TABLES
    related: str | None = None


TABLES: dict[str, Endings] = {
    "adj_m": ADJ_M,
    "adj_f": ADJ_F,
    "ov_f": OV_F,
    "ov_m": OV_M,
    "ov_m_by": OV_M_BELARUSIAN,
    "noun_a": NOUN_A,
    "noun_a_soft": NOUN_A_SOFT,
    "cons_m": CONS_M,
    "cons_f": CONS_F,
    "indecl": INDECLINABLE,
}

# Ukrainian writes a soft sign inside the suffix (Тихановська, Біляцький): the same
# adjective as Тихановская and Беляцкий, so the ь belongs to the stem, not the ending.
_ADJ = re.compile(
    r"^(.*(?:sk|ck|zk|[сцз]ь?к))(?:ь)?(aya|aja|aia|ая|a|а|i|y|ij|iy|yi|yj|yy|ii|ий|ый|ій|і|is|ys)$"
)
_FEMALE_ADJ = frozenset({"aya", "aja", "aia", "ая", "a", "а"})
_OV = re.compile(r"^(.*(?:ov|ev|ow|ew|av|aw|in|yn|ov|ов|ев|ёв|ав|ин|ын))(a|а)?$")
_OV_BY = re.compile(r"^(.*?)(au|ou|aŭ|oŭ|аў|оў)$")
_VOWEL_END = re.compile(r"^(.*?[^aeiouyаеёиіоуыэюяй])([aeiouyаеёиіоуыэюяй]+)$")
_SOFT_STEM = re.compile(r"(k|к)$")


def stems(surname: str, gender: str | None) -> list[Stem]:
    """Stems and ending tables for a normalised single-word surname.

    ``gender`` ("m", "f" or None) only matters for consonant-final surnames, the one class
    whose form does not show the gender.
    """
    s = surname
    m = _ADJ.match(s)
    if m:
        female = m.group(2) in _FEMALE_ADJ
        return [Stem(m.group(1), "adj_f" if female else "adj_m", "adj_m" if female else "adj_f")]
    m = _OV.match(s)
    if m:
        if m.group(2):
            return [Stem(m.group(1), "ov_f", "ov_m")]
        if m.group(1)[-1] in "nн":
            return [Stem(m.group(1), "ov_m", "ov_f")]
        return [Stem(m.group(1), "ov_m", "ov_f"), Stem(m.group(1)[:-2], "ov_m_by")]
    m = _OV_BY.match(s)
    if m:
        return [Stem(m.group(1), "ov_m_by"), Stem(m.group(1) + "ov", "ov_m", "ov_f")]
    m = _VOWEL_END.match(s)
    if m:
        out = [Stem(m.group(1), "noun_a")]
        if _SOFT_STEM.search(m.group(1)):
            soft = m.group(1)[:-1] + ("c" if m.group(1)[-1] == "k" else "ц")
            out.append(Stem(soft, "noun_a_soft"))
        return out
    if s and s[-1] in "aeiouyаеёиіоуыэюяй":
        return [Stem(s, "indecl")]
    return [Stem(s, "cons_f" if gender == "f" else "cons_m", None)]
