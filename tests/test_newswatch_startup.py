"""CLI start-up: `--version` and `check` load only what they need (#12).

Timing is measured by bench/startup.py; these tests guard the cause (the imports).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newswatch import __version__

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "aiohttp", "apprise", "feedparser", "trafilatura", "apscheduler")

PROBE = """
import sys
from newswatch.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def _loaded(*args: str) -> tuple[int, str, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY=")][-1]
    return proc.returncode, proc.stdout, {m for m in line[6:].split(",") if m}


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (("--version",), set()),
        (("--help",), set()),
        (("hits", "--help"), set()),
        (("completion", "bash"), set()),
        # check validates notifier URLs through Apprise, and nothing else heavy.
        (("--config", "config.toml", "check"), {"apprise"}),
    ],
)
def test_light_commands_do_not_import_heavy_modules(
    args: tuple[str, ...], allowed: set[str]
) -> None:
    code, _, heavy = _loaded(*args)
    assert code == 0
    assert heavy <= allowed


def test_python_dash_m_newswatch_prints_the_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newswatch", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"newswatch {__version__}"
