"""CLI start-up benchmark: whole-process wall time of light commands (#12).

    python bench/startup.py            # median of 5 runs each
    python bench/startup.py --runs 9

Baselines in the same run: the bare interpreter (`python -c pass`, the floor) and
importing the whole application (`import newswatch.app`, what every command paid
before imports were made lazy). Ratios are to the bare interpreter.
Targets: `--version` <= 0.3 s, `check` on the bundled config <= 0.6 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("python -c pass (floor)", ["-c", "pass"]),
    ("import newswatch.app (all)", ["-c", "import newswatch.app"]),
    ("newswatch --version", ["-m", "newswatch", "--version"]),
    ("newswatch --help", ["-m", "newswatch", "--help"]),
    ("newswatch completion bash", ["-m", "newswatch", "completion", "bash"]),
    ("newswatch check", ["-m", "newswatch", "--config", "config.toml", "check"]),
]


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    wall(CASES[0][1])  # warm the file cache
    medians = {name: statistics.median(wall(a) for _ in range(runs)) for name, a in CASES}
    floor = medians[CASES[0][0]]
    print(f"| command (median of {runs}) | wall s | ÷ floor |")
    print("| --- | --- | --- |")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds:.3f} | {seconds / floor:.1f} |")


if __name__ == "__main__":
    main()
