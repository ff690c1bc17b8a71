"""Attribution across an article: which candidate mentions of a name are accepted.

A surname alone is accepted unless the same article names a namesake (Dmitry Lukashenko)
or a relative (Порошенко-молодший) or the other gender's form of the name (Сергей
Колесников) and never the person's own first name. Pure data: candidates in, accepted
candidates out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alerts.matching.build import Kind


class Status(StrEnum):
    """What a candidate mention is; the value is the words ``explain`` shows."""

    FULL = "full name"
    SURNAME = "surname"
    FOREIGN = "another person's first name"
    RELATED = "other gender's form"
    PLACE = "a place"
    EXCLUDED = "excluded phrase"
    ENDING = "not a form of the name"
    WORD = "a common word (lower case in running text)"
    PART = "part of another compound surname"
    LOOSE = "vowels no spelling of the name has, without the first name"
    KIN = "a relative of the person (Jr., -младший, -старший after it)"


FULL, SURNAME, FOREIGN, RELATED = Status.FULL, Status.SURNAME, Status.FOREIGN, Status.RELATED
PLACE, EXCLUDED, ENDING, WORD = Status.PLACE, Status.EXCLUDED, Status.ENDING, Status.WORD
PART, LOOSE, KIN = Status.PART, Status.LOOSE, Status.KIN


@dataclass(slots=True)
class Candidate:
    ent: int
    field: int  # index into the batch's fields; article = field // 2
    start: int  # batch offsets of the whole mention (given name included when present)
    end: int
    variant: str
    status: Status
    label: str
    kind: Kind
    ambiguous: bool
    detail: str = ""


def accepted(
    cands: list[Candidate], namesakes: set[tuple[int, int]], related: set[tuple[int, int]]
) -> list[Candidate]:
    """``attribute`` for matching: the accepted candidates, the rejecting ones given as
    (article, entity) flags besides those among ``cands``."""
    supported: set[tuple[int, int]] = set()
    for c in cands:
        if c.status != SURNAME:
            k = (c.field >> 1, c.ent)
            if c.status == FULL:
                supported.add(k)
            elif c.status in (FOREIGN, EXCLUDED, KIN):
                namesakes.add(k)
            elif c.status == RELATED:
                related.add(k)
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for c in cands:
        if c.status == SURNAME:
            k = (c.field >> 1, c.ent)
            if k not in supported and (k in namesakes or (c.ambiguous and k in related)):
                continue
        elif c.status != FULL:
            continue
        if (c.ent, c.start) not in seen:
            seen.add((c.ent, c.start))
            out.append(c)
    return out


def attribute(cands: list[Candidate]) -> list[Candidate]:
    groups: dict[tuple[int, int], list[Candidate]] = {}
    for c in cands:
        k = (c.field >> 1, c.ent)
        group = groups.get(k)
        if group is None:
            groups[k] = [c]
        else:
            group.append(c)
    accepted: list[Candidate] = []
    if len(groups) == len(cands):
        # No name twice in an article (the usual case): nothing to weigh.
        return [c for c in cands if c.status in (FULL, SURNAME)]
    for group in groups.values():
        if len(group) == 1:
            if group[0].status in (FULL, SURNAME):
                accepted.append(group[0])
            continue
        statuses = {c.status for c in group}
        supported = FULL in statuses
        namesake = FOREIGN in statuses or EXCLUDED in statuses or KIN in statuses
        other_gender = RELATED in statuses
        seen: set[int] = set()
        for c in group:
            if c.status == SURNAME and not supported:
                if namesake:
                    c.status, c.detail = FOREIGN, "the text names a namesake"
                elif other_gender and c.ambiguous:
                    c.status, c.detail = RELATED, "also a case of the other gender's form"
            if c.status in (FULL, SURNAME) and c.start not in seen:
                seen.add(c.start)
                accepted.append(c)
    return accepted
