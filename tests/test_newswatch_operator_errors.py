"""Operator mistakes are one clear line and exit 1 or 2, never a traceback: an output
file in a folder that does not exist, a config file that cannot be written (a read-only
Docker mount), a database that fails after the command started."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from feedgen import Item, rss
from feedserver import FeedServer

REPO = Path(__file__).resolve().parents[1]


def _read_only_prefix(config: Path) -> list[str]:
    """A command prefix under which `config` is read-only.

    Not root: the file's mode is enough. Root writes through modes, so the file is
    bind-mounted read-only in a mount namespace of the command's own, which is what a
    Docker `:ro` mount does (EROFS).
    """
    if os.geteuid() != 0:
        config.chmod(0o444)
        return []
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0"', str(config)],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("running as root without mount namespaces: cannot make a file read-only")
    return ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(config)]


def run(config: Path, *args: str, readonly: bool = False) -> subprocess.CompletedProcess[str]:
    prefix = _read_only_prefix(config) if readonly else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "newswatch.cli", "--config", str(config), *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(out: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    err = out.stderr.strip()
    assert out.returncode == code, out.stderr
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and all(w in err for w in words), err


def write_config(tmp_path: Path, feed_url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "nw.db"}"\n\n'
        f'[[feeds]]\nname = "A"\nurl = "{feed_url}"\n',
        encoding="utf-8",
    )
    return config


def test_export_opml_into_a_missing_folder(tmp_path: Path) -> None:
    config = write_config(tmp_path, "https://e.org/a.xml")
    out = run(config, "export-opml", str(tmp_path / "no" / "such" / "feeds.opml"))
    one_line(out, 2, "does not exist", str(tmp_path / "no" / "such"))
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", ["add", "import-opml"])
def test_adding_feeds_to_a_read_only_config(tmp_path: Path, command: str) -> None:
    with FeedServer() as feeds:
        feeds.route("/b.xml", body=rss([Item("g1", "Hello")]))
        config = write_config(tmp_path, "https://e.org/a.xml")
        opml = tmp_path / "in.opml"
        opml.write_text(
            '<opml version="2.0"><body><outline type="rss" text="B" '
            f'xmlUrl="{feeds.url("/b.xml")}"/></body></opml>',
            encoding="utf-8",
        )
        before = config.read_bytes()
        arg = feeds.url("/b.xml") if command == "add" else str(opml)
        out = run(config, command, arg, readonly=True)
    one_line(out, 2, "cannot add to the config file", str(config))
    assert config.read_bytes() == before


def test_a_database_error_after_start(tmp_path: Path) -> None:
    config = write_config(tmp_path, "https://e.org/a.xml")
    assert run(config, "db", "upgrade").returncode == 0
    with sqlite3.connect(tmp_path / "nw.db") as db:
        db.execute("DROP TABLE hits")  # damaged behind newswatch's back
    out = run(config, "hits")
    one_line(out, 1, "error: database:", "no such table: hits")
