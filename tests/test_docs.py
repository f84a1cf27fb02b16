"""Every command has help text and is documented in README.md or docs/ (sqlite-utils' idea)."""

from __future__ import annotations

import click
import pytest

from conftest import REPO
from litsynth.cli import cli, load_all


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{full} "))
    return found


load_all()  # commands load lazily; the documentation test walks every one
COMMANDS = _commands(cli)


def _documentation() -> str:
    texts = [(REPO / "README.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md"))]
    return "\n".join(texts)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"`litsynth {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden and param.name != "help":
            where = f"option {param.opts} of `litsynth {name}`"
            assert (param.help or "").strip(), f"{where} has no help"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_is_documented(name: str, command: click.Command) -> None:
    assert f"litsynth {name}" in _documentation(), (
        f"`litsynth {name}` is not mentioned in README.md or docs/*.md"
    )


def test_there_are_commands() -> None:
    names = {n for n, _ in COMMANDS}
    assert {"ingest", "search", "status", "code", "screen", "prisma"} <= names
