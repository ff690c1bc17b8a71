"""Story grouping benchmark: quality on the labelled eval set, speed at 10,000 docs/window.

Run: .venv/bin/python bench/stories.py [--eval-dir DIR] [--load 10000] [--placements 300]
Quality: the eval items arrive in `published` order; each is placed, then added to
the story it joined (or a new story named after itself). Baseline: every article its
own story. Speed: a synthetic window of plausible articles; the indexed grouper vs.
a linear scan over the whole window with the same scoring.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.matching import html_to_text
from alerts.stories import Placement, StoryDoc, StoryGrouper
from alerts.stories.features import extract
from alerts.stories.phonetic import skeleton
from alerts.stories.similarity import Tuning, score

WATCHED = (
    ("E1", "Ales Bialiatski"),
    ("E2", "Viktor Babaryka"),
    ("E3", "Maria Kolesnikova"),
    ("E4", "Sviatlana Tsikhanouskaya"),
    ("E5", "Alexander Lukashenko"),
    ("E6", "Tatsiana Khomich"),
)
# Each eval set with the names its README says a user configures.
SETS = {
    "stories_public.jsonl": WATCHED,
    "stories_public2.jsonl": tuple(
        (name, name)
        for name in (
            "Tatyana Tolstaya", "Arvydas Sabonis", "Ingrida Šimonytė", "Salome Zourabichvili",
            "Nikol Pashinyan", "Levon Ter-Petrosyan", "Maia Sandu", "Gitanas Nausėda",
            "Donald Tusk", "Kaja Kallas",
        )
    ),
}  # fmt: skip
DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"

# (people keys, how they are written here) for a title, a text and a language tag.
PeopleFinder = Callable[[str, str, str | None], tuple[frozenset[str], frozenset[str]]]


def _matcher_people(
    watched: tuple[tuple[str, str], ...] = WATCHED,
) -> tuple[PeopleFinder, str] | None:
    try:
        from alerts.matching import Matcher, WatchName

        matcher = Matcher.build([WatchName(key=k, name=n) for k, n in watched])
        matcher.match("Лукашенко", "")
    except Exception:  # any failure means "not landed yet": use the fallback
        return None

    configured = dict(watched)

    def find(title: str, text: str, lang: str | None) -> tuple[frozenset[str], frozenset[str]]:
        # As the pipeline does: the people found, their matched forms, their configured names.
        found = matcher.match(title, text)
        people = frozenset(m.key for m in found)
        names = {m.matched for m in found} | {configured[k] for k in people}
        return people, frozenset(names)

    return find, "alerts.matching"


def _fallback_people() -> tuple[PeopleFinder, str]:
    # Bench-only stand-in until alerts.matching lands: a surname's consonant skeleton
    # starting a word's skeleton.
    import re

    stems = {key: skeleton(name.split()[-1])[:4] for key, name in WATCHED}

    def find(title: str, text: str, lang: str | None) -> tuple[frozenset[str], frozenset[str]]:
        found, names = set(), set()
        for word in re.findall(r"[^\W\d_]{4,}", f"{title} {text}"):
            if not word[0].isupper():
                continue
            skel = skeleton(word, lang)
            keys = {k for k, s in stems.items() if skel.startswith(s)}
            found |= keys
            names |= {word} if keys else set()
        return frozenset(found), frozenset(names)

    return find, "fallback surname skeletons"


@dataclass(frozen=True, slots=True)
class Item:
    doc: StoryDoc
    cluster: str
    ident: str


def load_eval(path: Path, finder: PeopleFinder, *, true_lang: bool = True) -> list[Item]:
    """The labelled items as documents; with `true_lang` false, the language is the one
    detected from the text, as for a feed that declares none (the pipeline's path)."""
    from ingest.langid import detect

    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        published = datetime.fromisoformat(row["published"]).astimezone(UTC)
        people, names = finder(row["title"], row["summary"], row.get("lang"))
        if not people:
            continue  # the pipeline places only articles naming a watched person
        text = html_to_text(row["summary"])
        lang = row.get("lang") if true_lang else detect(f"{row['title']}\n{text}")
        doc = StoryDoc(
            article_id=n,
            source=row["source"],
            title=html_to_text(row["title"]),
            text=text,
            published=published,
            lang=lang,
            people=people,
            names=names,
        )
        items.append(Item(doc, row["cluster"], row["id"]))
    return sorted(items, key=lambda i: (i.doc.published, i.doc.article_id))


def group(items: Iterable[Item], grouper: StoryGrouper) -> dict[int, int]:
    """article_id -> story_id, placing each item on arrival."""
    assigned: dict[int, int] = {}
    for item in items:
        grouper.evict(item.doc.published - timedelta(hours=48))
        placement = grouper.place(item.doc)
        story = placement.story_id if placement.story_id is not None else item.doc.article_id
        grouper.add(item.doc, story)
        assigned[item.doc.article_id] = story
    return assigned


@dataclass(frozen=True, slots=True)
class Quality:
    pair_p: float
    pair_r: float
    b3_p: float
    b3_r: float

    @property
    def b3_f1(self) -> float:
        return 2 * self.b3_p * self.b3_r / (self.b3_p + self.b3_r) if self.b3_p + self.b3_r else 0


def quality(items: list[Item], assigned: dict[int, int]) -> Quality:
    gold = {i.doc.article_id: i.cluster for i in items}
    ids = list(gold)
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        same_gold, same_pred = gold[a] == gold[b], assigned[a] == assigned[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    b3p = b3r = 0.0
    for a in ids:
        pred = {b for b in ids if assigned[b] == assigned[a]}
        true = {b for b in ids if gold[b] == gold[a]}
        b3p += len(pred & true) / len(pred)
        b3r += len(pred & true) / len(true)
    return Quality(
        tp / (tp + fp) if tp + fp else 1.0,
        tp / (tp + fn) if tp + fn else 1.0,
        b3p / len(ids),
        b3r / len(ids),
    )


def errors(items: list[Item], assigned: dict[int, int], limit: int) -> list[str]:
    by_id = {i.doc.article_id: i for i in items}
    tuning = Tuning()
    weigh = full_window_weigher(items)
    lines = []
    for a, b in itertools.combinations(by_id, 2):
        ia, ib = by_id[a], by_id[b]
        same_gold, same_pred = ia.cluster == ib.cluster, assigned[a] == assigned[b]
        if same_gold == same_pred:
            continue
        kind = "split" if same_gold else "MERGE"
        fa, fb = extract(ia.doc), extract(ib.doc)
        s = score(fa, fb, ia.doc.published - ib.doc.published, weigh, tuning)
        lines.append(
            (
                kind == "MERGE",
                s.value,
                f"  {kind:5} {ia.ident} {ib.ident} {ia.doc.lang}-{ib.doc.lang} "
                f"{ia.cluster}/{ib.cluster} score={s.value:.2f} {s.reason}",
            )
        )
    lines.sort(key=lambda row: (not row[0], -row[1]))
    return [row[2] for row in lines[:limit]]


def full_window_weigher(items: list[Item]) -> Callable[[str], float]:
    """The weigher of a grouper holding all eval items (for explaining errors)."""
    grouper = StoryGrouper()
    for item in items:
        grouper.add(item.doc, item.doc.article_id)
    return grouper.weight


# --- speed ---------------------------------------------------------------------

_SYLLABLES = [c + v for c in "bdklmnprstvz" for v in "aeiou"]
_CYR = [c + v for c in "бдклмнпрствз" for v in "аеиоу"]


def synthetic(n: int, start: datetime, span: timedelta, seed: int = 7) -> list[StoryDoc]:
    """Plausible articles: Zipf-distributed vocabulary in two scripts, proper nouns,
    numbers, watched people; about one in three is another report of a recent event."""
    rng = random.Random(seed)

    def word(script: list[str], k: int) -> str:
        return "".join(rng.choice(script) for _ in range(k))

    vocab = {s: [word(sy, rng.randint(2, 4)) for _ in range(5000)] for s, sy in
             (("lat", _SYLLABLES), ("cyr", _CYR))}  # fmt: skip
    places = [word(_SYLLABLES, 3).capitalize() for _ in range(800)]
    ranks = [1.0 / (r + 1) for r in range(5000)]
    docs: list[StoryDoc] = []
    for i in range(n):
        script = "cyr" if rng.random() < 0.4 else "lat"
        words = rng.choices(vocab[script], weights=ranks, k=rng.randint(25, 60))
        words += [*rng.sample(places, 2), str(rng.randint(2, 5000))]
        rng.shuffle(words)
        people = frozenset(rng.sample([k for k, _ in WATCHED], rng.choice((0, 0, 0, 1, 2))))
        names = frozenset(dict(WATCHED)[k] for k in people)
        for name in sorted(names):  # written out, as the matcher would find them
            words.insert(rng.randint(0, len(words)), name)
        docs.append(
            StoryDoc(
                article_id=i + 1,
                source=f"outlet-{rng.randint(1, 300)}",
                title=" ".join(words[:9]).capitalize(),
                text=". ".join(" ".join(words[j : j + 12]) for j in range(9, len(words), 12)),
                published=start + span * (i / n),
                lang="ru" if script == "cyr" else "en",
                people=people,
                names=names,
            )
        )
    return docs


# News-like text: syllables of three scripts (Latin with marks, Cyrillic, Greek), so
# that the vocabulary has tens of thousands of word types as a real news mix has.
_NEWS_SYLLABLES = {
    "en": [c + v for c in ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v",
                           "st", "tr", "ch", "sh", "w") for v in "aeiou"],
    "pl": [c + v for c in ("b", "d", "k", "ł", "m", "n", "p", "r", "s", "t", "w", "z", "cz",
                           "sz", "rz", "ż") for v in ("a", "e", "i", "o", "u", "y", "ą", "ę")],
    "ru": [c + v for c in "бвгдзклмнпрстфхцчшщ" for v in "аеиоуыяю"],
    "el": [c + v for c in "βγδζθκλμνξπρστφχψ" for v in "αεηιουω"],
}  # fmt: skip


def _zipf(rng: random.Random, words: list[str], k: int, cum: list[float]) -> list[str]:
    return rng.choices(words, cum_weights=cum, k=k)


def newslike(n: int, start: datetime, span: timedelta, seed: int = 7) -> list[StoryDoc]:
    """Articles that each name a watched person (only those are placed): a Zipfian
    vocabulary of ~60,000 word types over four languages and three scripts, places,
    organisations, numbers and dates; events reported one to five times."""
    rng = random.Random(seed)
    vocab: dict[str, list[str]] = {}
    for lang, syllables in _NEWS_SYLLABLES.items():
        words: set[str] = set()
        while len(words) < 15_000:
            words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
        vocab[lang] = sorted(words)
        rng.shuffle(vocab[lang])
    cum: list[float] = list(itertools.accumulate(1.0 / (r + 1) ** 1.05 for r in range(15_000)))
    places = {lang: [w.capitalize() for w in v[-3000:]] for lang, v in vocab.items()}
    people = [f"{rng.choice(vocab['en'][-6000:]).capitalize()} "
              f"{rng.choice(vocab['en'][-6000:]).capitalize()}" for _ in range(2000)]  # fmt: skip
    watched = people[:300]
    docs: list[StoryDoc] = []
    event: tuple[list[str], list[str], int] | None = None
    reports_left = 0
    for i in range(n):
        lang = rng.choice(tuple(vocab))
        if reports_left == 0:
            who = rng.sample(watched, rng.choice((1, 1, 1, 2)))
            core = _zipf(rng, vocab["en"][200:], 6, cum[: 15_000 - 200])
            event = (who, core, rng.randint(2, 90_000))
            reports_left = rng.choice((1, 1, 1, 2, 2, 3, 5))
        assert event is not None
        reports_left -= 1
        who, core, number = event
        words = _zipf(rng, vocab[lang], rng.randint(40, 90), cum)
        words += [*core, *rng.sample(places[lang], 2), str(number), f"{rng.randint(1, 28)}.02"]
        words += rng.sample(people, rng.choice((0, 1, 2)))
        rng.shuffle(words)
        for name in who:
            words.insert(rng.randint(0, len(words)), name)
        title = " ".join(words[:12])
        docs.append(
            StoryDoc(
                article_id=i + 1,
                source=f"outlet-{rng.randint(1, 1000)}",
                title=title[:1].upper() + title[1:],
                text=". ".join(" ".join(words[j : j + 14]) for j in range(12, len(words), 14)),
                published=start + span * (i / n),
                lang=lang,
                people=frozenset(who),
                names=frozenset(who),
            )
        )
    return docs


def scale(sizes: list[int], placements: int) -> None:
    """Placement cost against the number of articles in the window, and peak memory."""
    import resource

    start = datetime(2026, 2, 1, tzinfo=UTC)
    print("\nscale: news-like articles in the 48 h window (place + add, CPU ms per article)")
    print(f"{'window':>8}{'mean ms':>10}{'median ms':>11}{'p95 ms':>10}{'x of first':>12}"
          f"{'peak RSS MB':>13}")  # fmt: skip
    first = None
    for size in sizes:
        docs = newslike(size + placements, start, timedelta(hours=47) * (1 + placements / size))
        window, probes = docs[:size], docs[size:]
        # Warmed as a daemon warms it: the stored window, loaded at once.
        grouper = StoryGrouper(loader=lambda w=window: [(d, d.article_id) for d in w])
        len(grouper)
        ms = []
        for doc in probes:
            # CPU time: the machine this runs on is shared, and wall time counts the others.
            t0 = time.process_time()
            placement = grouper.place(doc)
            grouper.add(doc, placement.story_id or doc.article_id)
            ms.append((time.process_time() - t0) * 1000)
        ms.sort()
        median = statistics.median(ms)
        first = first or median
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(f"{size:>8}{statistics.fmean(ms):10.2f}{median:11.2f}"
              f"{p95:10.2f}{median / first:12.2f}{rss:13.0f}")  # fmt: skip
        del grouper, docs, window, probes


class LinearScan:
    """The naive baseline: score the newcomer against every document of the window."""

    def __init__(self, grouper: StoryGrouper, docs: list[StoryDoc]) -> None:
        self._grouper = grouper
        self._docs = [(d, extract(d)) for d in docs]

    def place(self, doc: StoryDoc) -> Placement:
        features = extract(doc)
        best = 0.0
        for other, other_features in self._docs:
            s = score(
                features,
                other_features,
                doc.published - other.published,
                self._grouper.weight,
                Tuning(),
            )
            best = max(best, s.value)
        return Placement(None, best, "linear")


def timings(place: Callable[[StoryDoc], Placement], docs: list[StoryDoc]) -> tuple[float, float]:
    ms = []
    for doc in docs:
        t0 = time.perf_counter()
        place(doc)
        ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    return statistics.fmean(ms), ms[int(0.95 * (len(ms) - 1))]


def report_quality(
    path: Path, finder: tuple[PeopleFinder, str], true_lang: bool, n_errors: int
) -> None:
    items = load_eval(path, finder[0], true_lang=true_lang)
    ours = quality(items, assigned := group(items, StoryGrouper()))
    alone = quality(items, {i.doc.article_id: i.doc.article_id for i in items})
    how = "true language" if true_lang else "no language given (detected)"
    print(f"\nquality on {path.name}, {how} ({len(items)} items; people via {finder[1]})")
    print(f"{'grouper':<22}{'pair P':>8}{'pair R':>8}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}")
    for name, q in (("indexed grouper", ours), ("baseline: singletons", alone)):
        print(f"{name:<22}{q.pair_p:8.3f}{q.pair_r:8.3f}{q.b3_p:8.3f}{q.b3_r:8.3f}{q.b3_f1:8.3f}")
    ratio = ours.b3_f1 / alone.b3_f1 if alone.b3_f1 else float("inf")
    events = {i.cluster for i in items}
    print(
        f"B3 F1 ratio grouper/baseline: {ratio:.2f}x  (target F1>=0.92, P>=0.97); "
        f"alerts per event {len(set(assigned.values())) / len(events):.2f}"
    )
    if n_errors:
        print("worst merges, then splits:")
        for line in errors(items, assigned, n_errors):
            print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--load", type=int, default=10_000)
    parser.add_argument("--placements", type=int, default=300)
    parser.add_argument("--linear", type=int, default=20, help="placements for the scan")
    parser.add_argument("--errors", type=int, default=12)
    parser.add_argument(
        "--scale", action="store_true", help="only the placement cost at 1,000/10,000/50,000"
    )
    args = parser.parse_args(argv)
    if args.scale:
        scale([1_000, 10_000, 50_000], args.placements)
        return 0

    for set_name, watched in SETS.items():
        path = args.eval_dir / set_name
        if not path.exists():
            print(f"no eval data at {path}; skipping its quality (use --eval-dir)")
            continue
        finder = _matcher_people(watched) or _fallback_people()
        for true_lang in (True, False):
            report_quality(path, finder, true_lang, args.errors)

    start = datetime(2025, 12, 1, tzinfo=UTC)
    window = synthetic(args.load, start, timedelta(hours=47))
    grouper = StoryGrouper()
    for doc in window:
        grouper.add(doc, doc.article_id)
    probes = synthetic(args.placements, start + timedelta(hours=47), timedelta(hours=1), seed=11)
    probes = [replace(d, article_id=10_000_000 + d.article_id) for d in probes]
    mean, p95 = timings(grouper.place, probes)
    scan_mean, scan_p95 = timings(LinearScan(grouper, window).place, probes[: args.linear])
    print(f"\nspeed: {len(grouper)} documents in the window, one core")
    print(f"{'placement':<34}{'mean ms':>10}{'p95 ms':>10}")
    print(f"{'indexed grouper (place)':<34}{mean:10.2f}{p95:10.2f}")
    print(f"{'baseline: linear scan':<34}{scan_mean:10.2f}{scan_p95:10.2f}")
    for label, (m, p) in pipeline_timings(grouper, probes).items():
        print(f"{label:<34}{m:10.2f}{p:10.2f}")
    print(f"speed-up: {scan_mean / mean:.0f}x  (target <= 5 ms per placement)")
    return 0


def pipeline_timings(
    grouper: StoryGrouper, probes: list[StoryDoc]
) -> dict[str, tuple[float, float]]:
    """Per-article cost on the pipeline's path: the stored article to a StoryDoc (HTML to
    text, the matched names), placement, recording; and the name matching before it."""
    from alerts.matching import WatchName
    from alerts.model import Watchlist
    from alerts.pipeline import WatchlistMatcher, story_doc
    from ingest.model import StoredArticle

    matcher = WatchlistMatcher([Watchlist("bench", tuple(WatchName(k, n) for k, n in WATCHED), ())])
    articles = [
        StoredArticle(
            id=d.article_id,
            feed_id=1,
            feed_name=d.source,
            identity=str(d.article_id),
            title=d.title,
            link=None,
            summary=f"<p>{d.text}</p>",
            content="",
            published=d.published,
            first_seen=d.published,
            language=d.lang,
        )
        for d in probes
    ]
    match_ms, story_ms = [], []
    for article in articles:
        t0 = time.perf_counter()
        found = matcher.hits(article)
        t1 = time.perf_counter()
        doc = story_doc(article, found)
        placement = grouper.place(doc)
        grouper.add(doc, placement.story_id or doc.article_id)
        t2 = time.perf_counter()
        match_ms.append((t1 - t0) * 1000)
        story_ms.append((t2 - t1) * 1000)
    both = [a + b for a, b in zip(match_ms, story_ms, strict=True)]
    return {
        "pipeline: story_doc+place+add": _summary(story_ms),
        "pipeline: name matching first": _summary(match_ms),
        "pipeline: both": _summary(both),
    }


def _summary(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.fmean(ms), ms[int(0.95 * (len(ms) - 1))]


if __name__ == "__main__":
    raise SystemExit(main())
