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


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation gone, spaces hyphens."""
    import re

    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    import re

    found: set[str] = set()
    seen: dict[str, int] = {}
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        heading = None if in_code else re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            slug = _slug(heading.group(1))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def test_every_link_to_a_section_finds_its_heading() -> None:
    """A heading renamed (abstrackr joined "From another screening tool: …") left three
    links from the README and the docs pointing at a section that no longer was."""
    import re

    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for link in re.finditer(r"\]\(([^)\s]*?)#([^)\s]+)\)", page.read_text(encoding="utf-8")):
            target = (page.parent / link.group(1)).resolve() if link.group(1) else page
            known = target.suffix == ".md" and target.exists()
            if known and link.group(2) not in _anchors(target.read_text(encoding="utf-8")):
                broken.append(f"{page.name} → {link.group(1)}#{link.group(2)}")
    assert not broken, broken
