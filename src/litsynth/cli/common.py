"""Options and rendering shared by the command modules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from litsynth.config import SOURCES, Project, open_project
from litsynth.records import attribute_pair

F = TypeVar("F", bound=Callable[..., Any])


def project_option(func: F) -> F:
    """--project DIR (default: the current folder)."""
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The review project folder (holds litsynth.toml).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(
        func
    )


def source_option(func: F) -> F:
    """--source human|machine|both: whose codings to count (default: [synthesis] source)."""
    return click.option(
        "--source",
        type=click.Choice(SOURCES),
        default=None,
        help="Count human codings (with accepted suggestions), unreviewed machine suggestions,"
        " or both. Default: [synthesis] source in litsynth.toml, which defaults to human.",
    )(func)


def new_only_option(func: F) -> F:
    """--new-only: an updated review's own included studies, without the previous version's
    (`export records`, `export references`)."""
    return click.option(
        "--new-only",
        is_flag=True,
        help="In an updated review, this update's included studies only: by default the"
        " included ones follow with the previous version's (`litsynth previous`).",
    )(func)


def quiet_option(func: F) -> F:
    return click.option("--quiet", "-q", is_flag=True, help="No progress bars or chatter.")(func)


def renamed(command: click.Command, old: str, new: str) -> click.Command:
    """`command` under its old name, hidden from --help, saying where it lives now.

    The note goes to stderr, and not at all under --json: a script's output stays exactly
    what it was under the old name.
    """
    target = command.callback
    assert target is not None

    def callback(*args: Any, **kwargs: Any) -> Any:
        if not click.get_current_context().find_root().meta.get("litsynth.json"):
            click.echo(f"Note: `litsynth {old}` is now `litsynth {new}`.", err=True)
        return target(*args, **kwargs)

    return click.Command(
        old.split()[-1],
        params=command.params,
        callback=callback,
        help=f"Renamed: use `litsynth {new}`. {command.help or ''}",
        hidden=True,
    )


def attribute_value(attribute: str | None) -> tuple[str, str] | None:
    """--attribute NAME=VALUE as (name, value); None when not given."""
    if attribute is None:
        return None
    pair = attribute_pair(attribute)
    if pair is None:
        raise click.BadParameter("write it as NAME=VALUE", param_hint="--attribute")
    return pair


def load(project_dir: Path, overrides: dict[str, dict[str, Any]] | None = None) -> Project:
    return open_project(project_dir, overrides)


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


# What a project with no records needs first (`prisma`, `screen next`).
IMPORT_HINT = (
    "import a database export with `litsynth import FILE` (--source NAME where the file"
    " does not say which database it came from)."
)
