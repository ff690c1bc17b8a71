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

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:ts|tz|c)(?=[ie])"), "t"),
    (re.compile(r"(?<![sc])t(?![sz])(?=[ie])"), "ts"),
    (re.compile(r"dz(?=[ie])"), "d"),
    (re.compile(r"d(?!z)(?=[ie])"), "dz"),
    # Not the ць of the Ukrainian adjective suffix -цьк- (Біляцький is Беляцкий, never
    # a "Білятький").
    (re.compile(r"ц(?=[іиеяюё]|ь(?!к))"), "т"),
    (re.compile(r"т(?=[іиеяюь])"), "ц"),
    (re.compile(r"дз(?=[іиеяюь])"), "д"),
    (re.compile(r"д(?!з)(?=[іиеяюь])"), "дз"),
    # German З → s (not the z of Polish cz/sz/rz/dz, nor English zh).
    (re.compile(r"(?<![csrdt])z(?!h)"), "s"),
    (re.compile(r"з"), "с"),
    # English, Georgian and Armenian romanisation write dzh as j (Japaridze, Джапаридзе,
    # ჯაფარიძე); Slavic j is й, which the key already reads.
    (re.compile(r"^j(?=[aeiou])"), "dzh"),
    # Polish rz is ж (Trzaskowski, Тшасковский).
    (re.compile(r"rz"), "ж"),
    # French Ж → j.
    (re.compile(r"zh|ж"), "й"),
    # A caron dropped in a Latin word.
    (re.compile(r"(?<=[a-z])ш|ш(?=[a-z])"), "s"),
    (re.compile(r"(?<=[a-z])ж|ж(?=[a-z])"), "z"),
    (re.compile(r"(?<=[a-z])ч|ч(?=[a-z])"), "c"),
)


# The letters each rule's match starts with: a rule whose letters a word lacks is not
# searched (a big watchlist spells hundreds of thousands of stems).
_STARTS = ("tc", "t", "d", "d", "ц", "т", "д", "д", "z", "з", "j", "r", "zж", "ш", "ж", "ч")
_CHECKED = tuple(
    (frozenset(starts), rx, repl) for starts, (rx, repl) in zip(_STARTS, _RULES, strict=True)
)


def alternatives(word: str) -> list[str]:
    """The word and its Belarusian/Russian counterparts (normalised, lower case)."""
    letters = set(word)
    options = [
        (rx, repl)
        for starts, rx, repl in _CHECKED
        if not starts.isdisjoint(letters) and rx.search(word)
    ]
    if not options:
        return [word]
    # Every subset of the rules, each applied in rule order: rule by rule, to every
    # spelling so far (2^k - 1 substitutions, not k·2^(k-1)).
    out = {word}
    for rx, repl in options:
        out |= {rx.sub(repl, w) for w in out}
    return sorted(out)
