"""The README's commands table names every subcommand of ``homeward --help``, with its options."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from app.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands_table() -> list[str]:
    text = README.read_text("utf-8")
    section = text[text.index("## Commands") :]
    section = section[: section.index("\n## ", 1)]
    return [line for line in section.splitlines() if line.startswith("| `homeward")]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _every_command() -> dict[str, argparse.ArgumentParser]:
    """Every subcommand, and theirs in turn (``server setup``…)."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(name: str, parser: argparse.ArgumentParser) -> None:
        found[name] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    walk(f"{name} {sub_name}", sub)

    for name, sub in _subcommands().items():
        walk(name, sub)
    return found


def test_every_subcommand_and_option_is_in_the_commands_table() -> None:
    rows = _commands_table()
    missing = []
    for name, sub in _every_command().items():
        mine = [r for r in rows if re.match(rf"\| `homeward (\[)?{name}\b", r)]
        if not mine:
            missing.append(name)
            continue
        for action in sub._actions:
            if action.help == argparse.SUPPRESS or "-h" in action.option_strings:
                continue
            if isinstance(action, argparse._SubParsersAction):
                continue  # each of its commands is checked itself
            names = action.option_strings or [action.metavar or action.dest.upper()]
            if not any(n in row for n in names for row in mine):
                missing.append(f"{name} {names[0]}")
    assert missing == []


def test_the_table_names_no_command_that_does_not_exist() -> None:
    named = {re.match(r"\| `homeward \[?(\w+)", row).group(1) for row in _commands_table()}  # type: ignore[union-attr]
    assert named <= set(_subcommands())
