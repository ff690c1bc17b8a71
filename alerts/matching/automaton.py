"""The one module that imports pyahocorasick: a multi-pattern index over phonetic keys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import ahocorasick


class KeyIndex:
    """Patterns (strings) to integer payloads, searched in one pass over a text."""

    __slots__ = ("_auto", "_built")

    def __init__(self) -> None:
        self._auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._built = False

    def add(self, pattern: str, value: int) -> None:
        self._auto.add_word(pattern, value)

    def add_many(self, items: Iterable[tuple[str, int]]) -> None:
        add = self._auto.add_word
        for pattern, value in items:
            add(pattern, value)

    def build(self) -> None:
        if len(self._auto):
            self._auto.make_automaton()
            self._built = True

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        """(end index inclusive, value) for every occurrence of every pattern."""
        if not self._built:
            return iter(())
        it: Iterator[tuple[int, int]] = self._auto.iter(text)
        return it
