"""Regenerates alerts/matching/data/given_skeletons.tsv.gz from given_names.tsv.gz.

The matcher reads given names as skeletons (``alerts.matching.given.skeleton``); deriving
them from the names costs 0.2 s at every start, so they are written out here. Run it after
changing the names data or the skeleton rules (tests/test_alerts_matching_given.py fails
until then):

    python bench/make_given_skeletons.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.matching.given import SKELETONS, Lexicon, names_rows, skeletons_text

OUT = Path(__file__).resolve().parents[1] / "alerts/matching/data" / SKELETONS


def main() -> None:
    lex = Lexicon.from_names(names_rows())
    body = skeletons_text(lex).encode()
    OUT.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    print(f"{len(lex.gender)} skeletons -> {OUT}")


if __name__ == "__main__":
    main()
