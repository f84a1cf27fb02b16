"""The `litsynth` command: a click group whose commands each parse, call one library function,
and render the result. Errors the user can fix are caught here once and printed as
`Error: …` / `Hint: …` with exit status 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import importlib
import json
import sqlite3
from typing import Any

import click

from litsynth import __version__
from litsynth.errors import LitsynthError


class LitsynthGroup(click.Group):
    """Catches LitsynthError once, for every command below it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Seen before any subcommand parses: with --json, scripts get errors as JSON too
        # ({"error", "hint"} on stderr), never prose to scrape.
        ctx.meta["litsynth.json"] = "--json" in args
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(HOME) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in HOME:
            _load(HOME[cmd_name])
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LitsynthError as exc:
            _fail(ctx, exc.message, exc.hint)
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                _fail(
                    ctx, "the store is read-only, so this command cannot record anything", _RO_HINT
                )
            elif "disk is full" in str(exc):
                _fail(ctx, "the disk is full; the store kept its last complete state", _FULL_HINT)
            raise
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            if exc.errno in _READ_ONLY_ERRNOS:
                _fail(ctx, f"cannot write{where}: {exc.strerror}", _RO_HINT)
            elif exc.errno in _DISK_FULL_ERRNOS:
                _fail(ctx, f"cannot write{where}: {exc.strerror}", _FULL_HINT)
            raise


# A write into a read-only project folder is a user's situation, not a bug: reading commands
# work there (the store opens read-only), commands that write say so in one line.
_READ_ONLY_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)
_DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
_FULL_HINT = (
    "free disk space and run the command again: every finished step is in the store, and the"
    " next run completes the rest and rebuilds the index from the store"
)
_RO_HINT = (
    "the project folder (or litsynth.db) is read-only; make it writable, or run this command"
    " on a copy of the project"
)


def _fail(ctx: click.Context, message: str, hint: str | None) -> None:
    if ctx.meta.get("litsynth.json"):
        click.echo(json.dumps({"error": message, "hint": hint}, ensure_ascii=False), err=True)
        ctx.exit(1)
    click.secho(f"Error: {message}", fg="red", err=True)
    if hint:
        click.echo(f"Hint: {hint}", err=True)
    ctx.exit(1)


@click.group(cls=LitsynthGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="litsynth")
def cli() -> None:
    """litsynth: ingest papers, screen records, code passages, synthesise themes.

    Every command works on a review project folder (--project, default: the current folder)
    holding litsynth.toml, corpus/, codebook/, indexes/ and the store litsynth.db.
    """


# Where each top-level command is defined (a module of this package exposing `commands`), so a
# command imports only its own module and the libraries it needs: `litsynth --version` loads
# none of them, `litsynth status` no model and no scikit-learn. Groups gather subcommands from
# several modules. tests/test_cli_tree.py checks that this table and the modules agree.
HOME: dict[str, tuple[str, ...]] = {
    "init": ("ingest",), "ingest": ("ingest",), "search": ("ingest",), "status": ("ingest",),
    "remove": ("ingest",),
    "import": ("biblio",), "batches": ("biblio",), "dedupe": ("biblio", "dedupe_sheet"),
    "link": ("biblio",), "previous": ("previous",), "studies": ("studies",),
    "references": ("biblio",),
    "prisma": ("prisma",), "matrix": ("synthesis",), "cited": ("synthesis",),
    "attributes": ("synthesis",), "run": ("run",), "report": ("run",),
    "themes": ("analysis",), "agree": ("review",), "serve": ("serve",),
    "code": ("coding", "review", "analysis", "annotations"),
    "screen": ("screen", "screen_import", "screen_find"),
    "export": ("synthesis", "bibliography", "deposit", "annotations"),
    "extract": ("extract",), "appraise": ("extract",), "findings": ("findings",),
    "framework": ("framework",),
    "backup": ("backup",), "restore": ("backup",), "merge": ("merge",), "words": ("words",),
}  # fmt: skip
_GROUPS = {"code": "code_group", "screen": "screen_group", "export": "export_group"}
_loaded: set[str] = set()


def _load(modules: tuple[str, ...]) -> None:
    from litsynth.cli import groups

    for name in modules:
        if name in _loaded:
            continue
        module = importlib.import_module(f"litsynth.cli.{name}")
        for command in module.commands:
            cli.add_command(command)
        _loaded.add(name)
    for group, attr in _GROUPS.items():
        if group not in cli.commands:
            cli.add_command(getattr(groups, attr))


def load_all() -> None:
    """Every command (for documentation and tests that walk the whole tree)."""
    _load(tuple(dict.fromkeys(m for ms in HOME.values() for m in ms)))


def main() -> None:
    cli(prog_name="litsynth")
