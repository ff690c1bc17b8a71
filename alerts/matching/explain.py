"""Human-readable explanations: the forms a name takes, and why a candidate was judged so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alerts.matching.inflect import TABLES

if TYPE_CHECKING:
    from alerts.matching.attribute import Candidate
    from alerts.matching.build import Entity, Entry

_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў")


def _script_of(s: str) -> str:
    return "cyrillic" if any(ch in _CYRILLIC for ch in s) else "latin"


def forms(ent: Entity, entries: list[Entry]) -> list[tuple[str, str]]:
    """(form, reason) pairs: each configured stem with every ending it accepts."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for e in entries:
        if e.table == "literal":
            if e.spelled not in seen:
                seen.add(e.spelled)
                out.append((e.spelled, "literal spelling"))
            continue
        script = _script_of(e.spelled)
        for ending, label in TABLES[e.table].items():
            if ending and _script_of(ending) != script:
                continue
            form = e.spelled + ending
            if form not in seen:
                seen.add(form)
                out.append((form, f"{e.kind}, {label}"))
        sk = f"~{e.stem_key}…"
        if sk not in seen:
            seen.add(sk)
            out.append((sk, f"{e.kind}: any spelling or script with this phonetic stem"))
    if ent.first_stems:
        out.append(
            ("first names: " + ", ".join(sorted(ent.first_stems)), "accepted before the surname")
        )
    return out


def describe(key: str, plain: str, c: Candidate, accepted: bool, base: int = 0) -> str:
    """One line: what was found, where, and the verdict with its reason."""
    verdict = "accepted" if accepted else "rejected"
    why = c.status if not c.label else f"{c.status}, {c.label}"
    if c.detail:
        why = f"{why} ({c.detail})"
    at = f"{c.start - base}-{c.end - base}"
    return f"{key}: {plain[c.start : c.end]!r} at {at} {verdict}: {why}"
