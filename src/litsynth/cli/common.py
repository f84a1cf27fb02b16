"""Options and rendering shared by the command modules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from litsynth.config import Project, open_project

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


def quiet_option(func: F) -> F:
    return click.option("--quiet", "-q", is_flag=True, help="No progress bars or chatter.")(func)


def load(project_dir: Path, overrides: dict[str, dict[str, Any]] | None = None) -> Project:
    return open_project(project_dir, overrides)


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))
