"""How alike two documents are: a pure score over their feature keys.

The score is a weighted Dice overlap of keys (weights: key kind times inverse
document frequency in the window), divided by the threshold of the language regime,
so 1.0 means "as alike as two reports of one event usually are". Reports in one
language share ordinary words; reports in two languages share only names, numbers,
cognates and transliterations, so their raw overlap is lower and they get their own
threshold. Conflicting weekdays or disjoint people sets are evidence of two events.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from alerts.stories.features import Features

Weigher = Callable[[str], float]


@dataclass(frozen=True, slots=True)
class Tuning:
    """The measured constants (see bench/stories.py); one place to change them."""

    kind_weight: tuple[tuple[str, float], ...] = (
        ("p", 1.5), ("n", 1.5), ("y", 0.7), ("w", 0.5), ("m", 0.3), ("t", 1.0), ("c", 0.5),
    )  # fmt: skip
    title_boost: float = 1.0
    same_lang: float = 0.45
    # Measured with people counted once (their names' words dropped): 0.20..0.17 gave
    # the same eval figures; 0.21 keeps a margin against merging on thin evidence.
    cross_lang: float = 0.21
    decay_hours: float = 36.0
    conflict: float = 0.5
    idf_prior_docs: int = 20

    def kind(self, key: str) -> float:
        return dict(self.kind_weight).get(key[0], 1.0)


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    reason: str


def idf(df: int, n_docs: int, prior_docs: int) -> float:
    # The prior keeps weights sane while the window is nearly empty (fresh start).
    return math.log(1.0 + (n_docs + prior_docs) / (df + 1.0))


def _kinds(keys: frozenset[str], kind: str) -> frozenset[str]:
    return frozenset(k for k in keys if k[0] == kind)


def score(a: Features, b: Features, gap: timedelta, weigh: Weigher, tuning: Tuning) -> Score:
    """How strongly `a` and `b` look like reports of one event (>= 1.0: same event)."""
    shared = a.keys & b.keys
    if not shared:
        return Score(0.0, "nothing shared")

    def mass(keys: frozenset[str], title: frozenset[str]) -> float:
        return sum(weigh(k) * (1.0 + tuning.title_boost * (k in title)) for k in keys)

    overlap = sum(
        weigh(k) * (1.0 + tuning.title_boost * 0.5 * ((k in a.title_keys) + (k in b.title_keys)))
        for k in shared
    )
    dice = 2.0 * overlap / (mass(a.keys, a.title_keys) + mass(b.keys, b.title_keys))
    same_lang = a.lang == b.lang
    value = dice / (tuning.same_lang if same_lang else tuning.cross_lang)
    notes = [f"{'same' if same_lang else 'cross'}-lang dice={dice:.3f}"]
    hours = abs(gap.total_seconds()) / 3600.0
    value *= math.exp(-hours / tuning.decay_hours)
    # Two reports naming different weekdays or wholly different people are two events
    # (a Sunday concert and a Monday speech in the same city, by the same family).
    for kind, label in (("w", "weekdays differ"), ("p", "people differ")):
        ka, kb = _kinds(a.keys, kind), _kinds(b.keys, kind)
        if ka and kb and not ka & kb:
            value *= tuning.conflict
            notes.append(label)
    # A watched person turns up in many events; naming the same one and nothing else
    # in common is no evidence of one event, however short both reports are.
    if all(k[0] == "p" for k in shared):
        value *= tuning.conflict
        notes.append("only people shared")
    top = sorted(shared, key=weigh, reverse=True)[:6]
    notes.append("shared " + " ".join(top))
    return Score(value, "; ".join(notes))
