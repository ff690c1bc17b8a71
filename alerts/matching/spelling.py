"""Spelling alternatives of a configured name that the phonetic key does not merge.

Belarusian "цеканне/дзеканне" turns a soft т/д into ц/дз: Tsikhanouskaya is Tikhanovskaya,
Tatsiana is Tatiana, Dzmitry is Dmitry. Both directions are generated, each rule applied to
every occurrence at once so the set stays small.
"""

from __future__ import annotations

import itertools
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
)


def alternatives(word: str) -> list[str]:
    """The word and its Belarusian/Russian counterparts (normalised, lower case)."""
    options: list[list[str]] = []
    for rx, repl in _RULES:
        if rx.search(word):
            options.append([rx.pattern, repl])
    out = {word}
    for chosen in itertools.product((False, True), repeat=len(options)):
        w = word
        for use, (pattern, repl) in zip(chosen, options, strict=True):
            if use:
                w = re.sub(pattern, repl, w)
        out.add(w)
    return sorted(out)
