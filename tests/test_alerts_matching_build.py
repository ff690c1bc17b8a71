"""The compiler does its per-word work in bulk (every phrase tokenised in one pass, every
surname keyed in one per chunk); the result is exactly what compiling the names one by
one gives."""

from __future__ import annotations

import pytest

from alerts.matching import WatchName
from alerts.matching.build import _CHUNK, Compiler, compile_names

# Names in no eval set, across the surname patterns and scripts the compiler reads.
NAMES = [
    WatchName("a", "Olha Hrytsenko"),
    WatchName("b", "Ірина Стефанишин", aliases=("Стефанишина",)),
    WatchName("c", "Jurgis Mackevičius"),
    WatchName("d", "Rūta Petrauskienė"),
    WatchName("e", "Krzysztof Kamiński", exclude=("Kamiński Street",)),
    WatchName("f", "Вольга Каржэўская"),
    WatchName("g", "Sergei Muravyov-Amursky"),
    WatchName("h", "Ანა Ბერიძე"),
    WatchName("i", "Արամ Հովհաննիսյան"),
    WatchName("j", "Γιώργος Παπαδόπουλος"),
    WatchName("k", "Дар'я Шевчук"),
    WatchName("l", "Jan Novák", variants=False),
    WatchName("m", "Li Na"),
    WatchName("n", "Agnieszka Wrona-\nKowal"),  # a line break inside a configured phrase
    WatchName("o", "Olha Hrytsenko"),  # the same name twice: two entities, one cache entry
    WatchName("p", "Zygimantas Pavilionis", aliases=("Pavilionis-Žemaitis",)),
]


def _letters(i: int) -> str:
    """A distinct syllable string per number ("ka", "ke", ..., "kaba", ...)."""
    out = ""
    while True:
        out += "kmrtl"[i % 5] + "aeiou"[i // 5 % 5]
        i //= 25
        if not i:
            return out


def _one_by_one(names: list[WatchName]) -> Compiler:
    c = Compiler()
    for n in names:
        c.add(n)
    return c


def _shape(c: Compiler) -> tuple[object, ...]:
    return (
        list(c.patterns.items()),
        [(e.watch, e.first_stems, e.literal_words, e.exclude, e.patterns) for e in c.entities],
    )


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(NAMES, id="patterns-and-scripts"),
        pytest.param(NAMES[:1], id="one-name"),
        pytest.param([], id="empty"),
        # More surnames than one keying pass takes: the chunks join up.
        pytest.param(
            [WatchName(f"x{i}", f"Ivan Bo{_letters(i)}enko") for i in range(_CHUNK + 7)],
            id="several-chunks",
        ),
    ],
)
def test_bulk_compile_equals_name_by_name(names: list[WatchName]) -> None:
    assert _shape(compile_names(names)) == _shape(_one_by_one(names))
