"""Regenerates alerts/matching/data/given_names.tsv.gz from the names-dataset package.

The matcher needs to know a given name when it sees one ("Domantas Sabonis" is not
Arvydas Sabonis), in the languages and scripts of its users. names-dataset (Philippe Remy,
Apache-2.0, https://github.com/philipperemy/name-dataset) lists 727,556 first names with
their frequency rank per country; this keeps those ranked among the first RANK in any of
the countries below, with their gender, and writes one "name<TAB>m|f" line each. Run it
after upgrading names-dataset:

    pip install names-dataset==3.3.1 && python bench/make_given_names.py

It then rewrites the skeletons derived from them (bench/make_given_skeletons.py).
"""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import names_dataset  # not a dependency of newswatch: only this script reads it

RANK = 3000
# Europe, the Caucasus, Central Asia and the countries whose press writes about them.
_COUNTRIES = (
    "RU UA PL CZ SK LT LV EE GE AM AZ GR DE AT CH FR BE NL LU GB IE US CA AU IT ES PT MD RO "
    "BG RS HR SI HU FI SE NO DK IS KZ IL TR"
)
COUNTRIES = frozenset(_COUNTRIES.split())
OUT = Path(__file__).resolve().parents[1] / "alerts/matching/data/given_names.tsv.gz"


def main() -> None:
    src = Path(names_dataset.__file__).parent / "v3" / "first_names.pkl.gz"
    with gzip.open(src) as f:
        data = pickle.load(f)  # the installed package's own data file
    rows: list[str] = []
    for name, info in data.items():
        ranks = info.get("rank") or {}
        if not any(r <= RANK for c, r in ranks.items() if c in COUNTRIES):
            continue
        if not name.replace("-", "").replace("'", "").isalpha() or " " in name:
            continue
        g = info.get("gender") or {}
        m, f = g.get("M", 0.0), g.get("F", 0.0)
        # A name used for both sexes alike is, in this data, mostly a surname or a place
        # typed into a first-name field (Nowak, Paris, Vilnius): kept out.
        if max(m, f) < 0.9:
            continue
        rows.append(f"{name}\t{'m' if m > f else 'f'}")
    rows.sort()
    body = ("\n".join(rows) + "\n").encode()
    OUT.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    print(f"{len(rows)} names -> {OUT}")
    import make_given_skeletons  # beside this script

    make_given_skeletons.main()


if __name__ == "__main__":
    main()
