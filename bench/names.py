"""Name-matching benchmark: quality on the labelled eval set, and speed at scale.

    python bench/names.py                  # precision/recall on every labelled names set
    python bench/names.py --scale          # MB/s, build time and peak RSS at 10 / 1k / 100k names
    python bench/names.py --scale --corpus mix   # only the generated news mix

Each mode prints a plain table; --scale compares against a naive regex alternation
(case-insensitive literal names and surnames with a few Latin endings) at 10 and 1,000 names.
"batch" is Matcher.match_many over 256 articles at a time, "single" is Matcher.match.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.matching import Matcher, WatchName

ENTITIES = {
    "E1": "Ales Bialiatski",
    "E2": "Viktor Babaryka",
    "E3": "Maria Kolesnikova",
    "E4": "Sviatlana Tsikhanouskaya",
    "E5": "Alexander Lukashenko",
    "E6": "Tatsiana Khomich",
}
BATCH = 256  # articles per match_many call, about one poll of a busy feed set
DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def six_names() -> list[WatchName]:
    return [WatchName(key=k, name=v) for k, v in ENTITIES.items()]


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def labelled_sets(eval_dir: Path) -> list[tuple[str, dict[str, str]]]:
    """(file, entity id -> configured name) for every labelled names set present."""
    sets = [("names_public.jsonl", dict(ENTITIES))]
    for canon in sorted(eval_dir.glob("names_*_canon.json")):
        data = json.loads(canon.read_text(encoding="utf-8"))
        sets.append((canon.name.replace("_canon.json", ".jsonl"), {v: k for k, v in data.items()}))
    return [(f, ents) for f, ents in sets if (eval_dir / f).is_file()]


def quality(eval_dir: Path) -> tuple[float, float]:
    """Per set: precision and recall overall, per entity, per language and per surname
    pattern, with every miss and false alarm; returns the worst set's (precision, recall)."""
    worst = (1.0, 1.0)
    for name, entities in labelled_sets(eval_dir):
        p, r = _score_set(eval_dir / name, entities)
        worst = (min(worst[0], p), min(worst[1], r))
    return worst


def _score_set(path: Path, entities: dict[str, str]) -> tuple[float, float]:
    items = load(path)
    matcher = Matcher.build(WatchName(key=k, name=v) for k, v in entities.items())
    pattern_of = {k: " + ".join(matcher.patterns(k)) for k in entities}
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses: list[str] = []
    alarms: list[str] = []
    for it in items:
        truth = set(it["entities"])  # type: ignore[arg-type]
        hits = matcher.match(str(it["title"]), str(it["summary"]))
        found = {h.key for h in hits}
        lang = str(it["lang"])
        for e in sorted(found | truth):
            for group in (e, f"lang:{lang}", f"pattern:{pattern_of.get(e, '?')}", "all"):
                if e in found and e in truth:
                    tp[group] += 1
                elif e in found:
                    fp[group] += 1
                else:
                    fn[group] += 1
            if e in found and e not in truth:
                why = "; ".join(f"{h.matched!r} ({h.reason})" for h in hits if h.key == e)
                alarms.append(f"{it['id']} {lang} {e}: {why}")
            elif e in truth and e not in found:
                misses.append(f"{it['id']} {lang} {e}: {it['notes']}")
    keys = tp | fp | fn
    groups = [
        "all",
        *sorted(entities, key=lambda k: (len(k), k)),
        *sorted(k for k in keys if k.startswith("lang:")),
        *sorted(k for k in keys if k.startswith("pattern:")),
    ]
    print(f"\n## {path.name} ({len(items)} items, {len(entities)} people)")
    print(f"{'group':<48} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for g in groups:
        p = _ratio(tp[g], tp[g] + fp[g])
        r = _ratio(tp[g], tp[g] + fn[g])
        label = f"{g} {entities[g]}" if g in entities else g
        print(f"{label[:48]:<48} {tp[g]:>4} {fp[g]:>4} {fn[g]:>4} {p:>10.3f} {r:>8.3f}")
    print(f"misses ({len(misses)}):")
    for line in misses:
        print("  " + line)
    print(f"false alarms ({len(alarms)}):")
    for line in alarms:
        print("  " + line)
    return _ratio(tp["all"], tp["all"] + fp["all"]), _ratio(tp["all"], tp["all"] + fn["all"])


# -- scale ------------------------------------------------------------------------------------

_FIRST = [
    "Aliaksandr",
    "Alexei",
    "Andrei",
    "Anton",
    "Artsiom",
    "Barys",
    "Dzmitry",
    "Eduard",
    "Ihar",
    "Ivan",
    "Kiryl",
    "Leanid",
    "Maksim",
    "Mikalai",
    "Mikhail",
    "Oleg",
    "Paval",
    "Raman",
    "Siarhei",
    "Stanislau",
    "Uladzimir",
    "Vadzim",
    "Viktar",
    "Yury",
    "Zmitser",
    "John",
    "Peter",
    "Thomas",
    "Michael",
    "David",
    "Hans",
    "Pierre",
    "Jan",
    "Piotr",
    "Krzysztof",
]
_FIRST_F = [
    "Alena",
    "Anastasia",
    "Anna",
    "Daria",
    "Hanna",
    "Iryna",
    "Katsiaryna",
    "Ksenia",
    "Larysa",
    "Maryia",
    "Natallia",
    "Nina",
    "Olga",
    "Palina",
    "Sviatlana",
    "Tatsiana",
    "Valiantsina",
    "Volha",
    "Yulia",
    "Zhanna",
    "Maria",
    "Laura",
    "Ewa",
    "Agnieszka",
]
_ONSET = [
    "b",
    "v",
    "h",
    "d",
    "zh",
    "z",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "f",
    "kh",
    "ts",
    "ch",
    "sh",
    "br",
    "dr",
    "kr",
    "pr",
    "tr",
    "hr",
    "zv",
    "sm",
    "st",
    "sk",
    "bl",
    "kl",
    "pl",
]
_VOWEL = ["a", "e", "i", "o", "u", "ia", "ie", "ya", "y"]
_END_M = [
    "ov",
    "ev",
    "in",
    "ski",
    "tski",
    "enka",
    "enko",
    "uk",
    "iuk",
    "ich",
    "evich",
    "ovich",
    "ka",
    "ets",
    "ak",
    "ik",
    "au",
]
_END_F = ["ova", "eva", "ina", "skaya", "tskaya", "enka", "enko", "uk", "ich", "ka", "ava"]


def generate_names(n: int) -> list[WatchName]:
    """Deterministic, plausible, mostly distinct Slavic/Western full names.

    Surnames are a three-syllable root plus a Slavic suffix ("Drabovichenko", "Zhelutskaya"),
    the length of real surnames, so that the hits measured are mostly real candidates.
    """
    rng = random.Random(n)
    out: list[WatchName] = []
    for i in range(n):
        root = "".join(rng.choice(_ONSET) + rng.choice(_VOWEL) for _ in range(3))
        if i % 3 == 0:
            first, end = rng.choice(_FIRST_F), rng.choice(_END_F)
        else:
            first, end = rng.choice(_FIRST), rng.choice(_END_M)
        out.append(WatchName(key=f"n{i}", name=f"{first} {(root + end).capitalize()}"))
    return out


def corpus(eval_dir: Path, size: int) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for fname in ("names_public.jsonl", "stories_public.jsonl"):
        path = eval_dir / fname
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    d = json.loads(line)
                    items.append((d["title"], d["summary"]))
    out: list[tuple[str, str]] = []
    total = 0
    while total < size:
        for t, s in items:
            out.append((t, s))
            total += len(t.encode()) + len(s.encode())
    return out


def mixed_corpus(eval_dir: Path, size: int) -> list[tuple[str, str]]:
    """News-like articles with few watched names: words drawn evenly from the eval texts'
    vocabulary (so a name is as rare as any other word) and from a Zipf-weighted pool of
    made-up words (so the vocabulary keeps growing, as real news does)."""
    rng = random.Random(7)
    vocab = sorted({w for t, s in corpus(eval_dir, 1) for w in f"{t} {s}".split()})
    pool = [
        "".join(rng.choice(_ONSET) + rng.choice(_VOWEL) for _ in range(rng.randint(1, 4)))
        for _ in range(50_000)
    ]
    weights = [1 / (i + 1) for i in range(len(pool))]
    out: list[tuple[str, str]] = []
    total = 0
    while total < size:
        n = rng.randint(60, 160)
        made = rng.choices(pool, weights, k=n)
        words = [made[i] if rng.random() < 0.3 else rng.choice(vocab) for i in range(n)]
        title, summary = " ".join(words[:10]), " ".join(words[10:])
        out.append((title, summary))
        total += len(title.encode()) + len(summary.encode())
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RegexBaseline:
    """The obvious approach: one big case-insensitive alternation of literal forms."""

    def __init__(self, names: Iterable[WatchName]) -> None:
        forms: list[str] = []
        for n in names:
            parts = n.name.split()
            forms.append(re.escape(n.name))
            forms.append(re.escape(parts[-1]) + r"(?:a|u|e|y|i|om|ogo|oj|'s)?")
        self.rx = re.compile(r"\b(?:" + "|".join(forms) + r")\b", re.I)

    def match(self, title: str, summary: str) -> int:
        return len(self.rx.findall(title)) + len(self.rx.findall(summary))


def scale(eval_dir: Path, sizes: list[int], mb: float, kind: str) -> None:
    make = mixed_corpus if kind == "mix" else corpus
    docs = make(eval_dir, int(mb * 1_000_000))
    nbytes = sum(len(t.encode()) + len(s.encode()) for t, s in docs)
    print(f"corpus {kind}: {len(docs)} articles, {nbytes / 1e6:.1f} MB\n")
    print(
        f"{'names':>8} {'impl':<8} {'build s':>8} {'MB/s':>8} {'hits':>8} {'RSS MB':>8}"
        f" {'x base':>7}"
    )
    for n in sizes:
        names = generate_names(n)
        rows: list[tuple[str, float, float, int]] = []
        for impl in ("batch", "single", "regex"):
            if impl == "regex" and n > 1000:
                continue
            t0 = time.perf_counter()
            m: Matcher | RegexBaseline = (
                RegexBaseline(names) if impl == "regex" else Matcher.build(names)
            )
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            hits = 0
            if isinstance(m, Matcher) and impl == "batch":
                for i in range(0, len(docs), BATCH):
                    hits += sum(map(len, m.match_many(docs[i : i + BATCH])))
            else:
                for t, s in docs:
                    r = m.match(t, s)
                    hits += r if isinstance(r, int) else len(r)
            speed = nbytes / 1e6 / (time.perf_counter() - t0)
            rows.append((impl, build, speed, hits))
        base = next((r[2] for r in rows if r[0] == "regex"), None)
        for impl, build, speed, hits in rows:
            ratio = f"{speed / base:.2f}" if base else "-"
            print(
                f"{n:>8} {impl:<8} {build:>8.2f} {speed:>8.1f} {hits:>8} {rss_mb():>8.0f}"
                f" {ratio:>7}"
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--sizes", default="10,1000,100000")
    ap.add_argument("--mb", type=float, default=4.0, help="article text per size, in MB")
    ap.add_argument(
        "--corpus",
        choices=("eval", "mix", "both"),
        default="both",
        help="eval: the eval texts repeated; mix: generated news with few watched names",
    )
    args = ap.parse_args()
    if not (args.eval_dir / "names_public.jsonl").exists():
        print(f"no eval data at {args.eval_dir}", file=sys.stderr)
        return 2
    if args.scale:
        for kind in ("eval", "mix") if args.corpus == "both" else (args.corpus,):
            scale(args.eval_dir, [int(x) for x in args.sizes.split(",")], args.mb, kind)
            print()
        return 0
    p, r = quality(args.eval_dir)
    print(f"\nprecision {p:.3f} recall {r:.3f} (target 0.97 / 0.97)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
