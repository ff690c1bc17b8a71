"""Shell completion scripts for bash, zsh and fish, generated from the argument parser.

Generated rather than hand-written so that a new command or option completes at once.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")


@dataclass(frozen=True, slots=True)
class Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    options: tuple[Option, ...]
    choices: tuple[str, ...]  # of its positional arguments, e.g. `db upgrade|current`


def describe(parser: argparse.ArgumentParser) -> tuple[tuple[Option, ...], tuple[Command, ...]]:
    """The global options and the subcommands of `parser`."""
    commands: list[Command] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                positional = [
                    str(c) for a in sub._actions if not a.option_strings for c in a.choices or ()
                ]
                help_text = helps.get(name, "")
                commands.append(Command(name, help_text, _options(sub), tuple(positional)))
    return _options(parser), tuple(commands)


def _options(parser: argparse.ArgumentParser) -> tuple[Option, ...]:
    return tuple(
        Option(
            tuple(a.option_strings),
            (a.help or "") if a.help != argparse.SUPPRESS else "",
            a.nargs != 0,
            tuple(str(c) for c in a.choices or ()),
        )
        for a in parser._actions
        if a.option_strings
    )


def _long(o: Option) -> str:
    return next((f for f in o.flags if f.startswith("--")), o.flags[0])


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for `shell` (one of SHELLS)."""
    return _RENDERERS[shell](*describe(parser))


def _bash(common: tuple[Option, ...], commands: tuple[Command, ...]) -> str:
    valued = sorted({f for c in commands for o in c.options if o.takes_value for f in o.flags})
    valued += [f for o in common if o.takes_value for f in o.flags if f not in valued]
    cases = []
    for c in commands:
        words = " ".join([*c.choices, *(_long(o) for o in c.options if "-h" not in o.flags)])
        cases.append(f'        {c.name}) words="{words}" ;;')
    top = " ".join([c.name for c in commands] + [_long(o) for o in common])
    return "\n".join(
        [
            '# bash completion for newswatch: eval "$(newswatch completion bash)"',
            "_newswatch() {",
            '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '    local cmd="" i words=""',
            '    case "$prev" in',
            f"        {'|'.join(valued)}) COMPREPLY=(); return 0 ;;",
            "    esac",
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            '        case "${COMP_WORDS[i]}" in',
            f"            {'|'.join(valued)}) ((i++)) ;;",
            "            -*) ;;",
            '            *) cmd="${COMP_WORDS[i]}"; break ;;',
            "        esac",
            "    done",
            '    case "$cmd" in',
            f'        "") words="{top}" ;;',
            *cases,
            "    esac",
            '    COMPREPLY=($(compgen -W "$words" -- "$cur"))',
            "}",
            "complete -o default -F _newswatch newswatch",
            "",
        ]
    )


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh(common: tuple[Option, ...], commands: tuple[Command, ...]) -> str:
    valued = sorted({f for c in commands for o in c.options if o.takes_value for f in o.flags})
    described = [_zsh_quote(f"{c.name}:{c.help}") for c in commands]
    cases = []
    for c in commands:
        words = " ".join(
            [*c.choices, *(_zsh_quote(_long(o)) for o in c.options if "-h" not in o.flags)]
        )
        cases.append(f"        {c.name}) compadd -- {words} ;;")
    tops = " ".join(_zsh_quote(_long(o)) for o in common)
    return "\n".join(
        [
            "#compdef newswatch",
            "# zsh completion for newswatch: newswatch completion zsh > ~/.zfunc/_newswatch",
            "_newswatch() {",
            "    local -a commands",
            f"    commands=({' '.join(described)})",
            "    local i cmd=",
            "    for ((i = 2; i < CURRENT; i++)); do",
            "        case ${words[i]} in",
            f"            {'|'.join(valued)}) ((i++)) ;;",
            "            -*) ;;",
            "            *) cmd=${words[i]}; break ;;",
            "        esac",
            "    done",
            "    case $cmd in",
            f"        '') _describe -t commands 'newswatch command' commands; compadd -- {tops} ;;",
            *cases,
            "    esac",
            "    _files",
            "}",
            'compdef _newswatch newswatch 2>/dev/null || _newswatch "$@"',
            "",
        ]
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_flags(o: Option) -> str:
    parts = []
    for f in o.flags:
        parts.append(f"-l {f[2:]}" if f.startswith("--") else f"-s {f[1:]}")
    if o.takes_value:
        parts.append("-r")
        if o.choices:
            parts.append("-a " + _fish_quote(" ".join(o.choices)))
    if o.help:
        parts.append("-d " + _fish_quote(o.help))
    return " ".join(parts)


def _fish(common: tuple[Option, ...], commands: tuple[Command, ...]) -> str:
    lines = [
        "# fish completion for newswatch: newswatch completion fish | source",
        "complete -c newswatch -f",
    ]
    names = " ".join(c.name for c in commands)
    for o in common:
        lines.append(f"complete -c newswatch {_fish_flags(o)}")
    for c in commands:
        lines.append(
            f"complete -c newswatch -n 'not __fish_seen_subcommand_from {names}' "
            f"-a {c.name} -d {_fish_quote(c.help)}"
        )
        seen = f"-n '__fish_seen_subcommand_from {c.name}'"
        if c.choices:
            lines.append(f"complete -c newswatch {seen} -a {_fish_quote(' '.join(c.choices))}")
        for o in c.options:
            if "-h" not in o.flags:
                lines.append(f"complete -c newswatch {seen} {_fish_flags(o)}")
    return "\n".join([*lines, ""])


_RENDERERS: dict[str, Callable[[tuple[Option, ...], tuple[Command, ...]], str]] = {
    "bash": _bash,
    "zsh": _zsh,
    "fish": _fish,
}
