"""Spelling alternatives of a configured name that the phonetic key does not merge.

Belarusian "цеканне/дзеканне" turns a soft т/д into ц/дз: Tsikhanouskaya is Tikhanovskaya,
Tatsiana is Tatiana, Dzmitry is Dmitry. The customary German transliteration of Russian
(Duden: З → s, Ж → sch) writes Sacharowa for Zakharova, and the French (Ж → j) Zaboujko
for Zabuzhko; the key reads "z" as ц and "j" as й, so both are spelled out here. A Latin
name's š ž č (kept as ш ж ч by ``normalize``) is also met without its caron (Simonyte).
Both directions are generated, each rule applied to every occurrence at once so the set
stays small.
"""

from __future__ import annotations

import re

# Each rule: a pattern, its replacement, and the letters a match of it can start with (a
# rule whose letters a word lacks is not searched: a big watchlist spells hundreds of
# thousands of stems).
_Rule = tuple[re.Pattern[str], str, frozenset[str]]


def _rule(pattern: str, repl: str, starts: str) -> _Rule:
    return re.compile(pattern), repl, frozenset(starts)


_RULES: tuple[_Rule, ...] = (
    _rule(r"(?:ts|tz|c)(?=[ie])", "t", "tc"),
    _rule(r"(?<![sc])t(?![sz])(?=[ie])", "ts", "t"),
    _rule(r"dz(?=[ie])", "d", "d"),
    _rule(r"d(?!z)(?=[ie])", "dz", "d"),
    # Not the ць of the Ukrainian adjective suffix -цьк- (Біляцький is Беляцкий, never
    # a "Білятький").
    _rule(r"ц(?=[іиеяюё]|ь(?!к))", "т", "ц"),
    _rule(r"т(?=[іиеяюь])", "ц", "т"),
    _rule(r"дз(?=[іиеяюь])", "д", "д"),
    _rule(r"д(?!з)(?=[іиеяюь])", "дз", "д"),
    # German З → s (not the z of Polish cz/sz/rz/dz, nor English zh).
    _rule(r"(?<![csrdt])z(?!h)", "s", "z"),
    _rule(r"з", "с", "з"),
    # English, Georgian and Armenian romanisation write dzh as j (Japaridze, Джапаридзе,
    # ჯაფარიძე); Slavic j is й, which the key already reads.
    _rule(r"^j(?=[aeiou])", "dzh", "j"),
    # The same j after a consonant (Burjanadze, Бурджанадзе; Benjamin, Бенджамин): a Slavic
    # consonant + j is written with a soft sign or a vowel letter instead (Дьяченко).
    _rule(r"(?<=[bdgklmnprtvz])j(?=[aeiou])", "dzh", "j"),
    # Latin h is г in Ukrainian and Belarusian romanisation (Hanna, Ганна), which the key
    # reads, but х when Russian writes a foreign name (Ilham → Ильхам, Iohannis →
    # Йоханнис, Netanyahu → Нетаньяху): spelled with the Cyrillic х, a spelling for
    # Cyrillic text only (``vowels.OTHER_SCRIPT``; no Latin text writes Kharris for Harris).
    # And the х of a romanised kh is h in Romanian, Turkish or Serbo-Croatian text
    # (Mikhail → Mihail). Not the h of a digraph.
    _rule(r"(?<![csztkpgd])h", "х", "h"),
    _rule(r"kh", "h", "k"),
    # Latin c is к in English, French, Italian, Spanish and Romanian names before a back
    # vowel or l/r (Macron → Макрон, Makron; Clinton → Клинтон); Slavic c is ц.
    _rule(r"(?<![sczt])c(?=[aoulr])", "k", "c"),
    # Polish rz is ж (Trzaskowski, Тшасковский).
    _rule(r"rz", "ж", "r"),
    # French Ж → j.
    _rule(r"zh|ж", "й", "zж"),
    # A caron dropped in a Latin word.
    _rule(r"(?<=[a-z])ш|ш(?=[a-z])", "s", "ш"),
    _rule(r"(?<=[a-z])ж|ж(?=[a-z])", "z", "ж"),
    _rule(r"(?<=[a-z])ч|ч(?=[a-z])", "c", "ч"),
)


# The letters any rule can start with, and per set of them the rules worth searching: a
# big watchlist spells hundreds of thousands of stems, most with the same few such letters.
_STARTS = re.compile(
    "[" + re.escape("".join(sorted(set().union(*(st for *_, st in _RULES))))) + "]"
)
_BY_STARTS: dict[frozenset[str], tuple[tuple[re.Pattern[str], str], ...]] = {}


def _rules_for(letters: frozenset[str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    found = _BY_STARTS.get(letters)
    if found is None:
        found = _BY_STARTS[letters] = tuple(
            (rx, repl) for rx, repl, starts in _RULES if not starts.isdisjoint(letters)
        )
    return found


def alternatives(word: str) -> list[str]:
    """The word and its Belarusian/Russian counterparts (normalised, lower case)."""
    options = [
        (rx, repl) for rx, repl in _rules_for(frozenset(_STARTS.findall(word))) if rx.search(word)
    ]
    if not options:
        return [word]
    # Every subset of the rules, each applied in rule order: rule by rule, to every
    # spelling so far (2^k - 1 substitutions, not k·2^(k-1)).
    out = {word}
    for rx, repl in options:
        out |= {rx.sub(repl, w) for w in out}
    return sorted(out)
