"""Shell completion scripts and subcommand help (#16)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from newswatch.cli import EXAMPLES, build_parser, main
from newswatch.completion import SHELLS, describe, script

COMMANDS = [c.name for c in describe(build_parser())[1]]
# How each shell checks a script's syntax without running it.
SYNTAX = {"bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"]}


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_script_is_accepted_by_its_shell(shell: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    path = tmp_path / f"newswatch.{shell}"
    path.write_text(script(shell, build_parser()))
    proc = subprocess.run([*SYNTAX[shell], str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        (["newswatch", "hi"], {"hits"}, {"feeds"}),
        (["newswatch", "--config", "c.toml", "st"], {"stories"}, set()),
        (["newswatch", "hits", "--"], {"--since", "--watchlist", "--json"}, {"--no-deliver"}),
        (["newswatch", "-c", "x", "poll", "--no"], {"--no-deliver"}, set()),
        (["newswatch", "db", ""], {"upgrade", "current"}, {"hits"}),
        (["newswatch", "completion", ""], {"bash", "zsh", "fish"}, set()),
        # After an option that takes a value, the value is the user's: no words.
        (["newswatch", "hits", "--since", ""], set(), {"--json"}),
    ],
)
def test_bash_completion_offers_the_right_words(
    tmp_path: Path, words: list[str], expected: set[str], absent: set[str]
) -> None:
    path = tmp_path / "newswatch.bash"
    path.write_text(script("bash", build_parser()))
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        f"source {path}; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
        'COMP_LINE="${COMP_WORDS[*]}"; _newswatch; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    proc = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    offered = set(proc.stdout.split())
    assert expected <= offered
    assert not absent & offered


def test_every_command_is_in_every_script() -> None:
    for shell in SHELLS:
        text = script(shell, build_parser())
        assert all(name in text for name in COMMANDS), shell


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_a_description_and_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    description = out.split("\n\n")[1].strip()
    assert description and "\n" not in description
    assert f"example:\n  {EXAMPLES[command]}" in out
    assert EXAMPLES[command].split()[1] in (command, "--config") or command == "completion"


def test_completion_command_prints_the_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    assert "complete -o default -F _newswatch newswatch" in capsys.readouterr().out
