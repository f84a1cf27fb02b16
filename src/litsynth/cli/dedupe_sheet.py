"""`litsynth dedupe export-sheet` / `dedupe import-sheet`: the doubtful pairs in a spreadsheet.

Its own module beside `dedupe` (cli/biblio.py), whose group it joins: the sheet's columns and
reading are `biblio/dedupe_sheet.py`'s.
"""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio.dedupe_sheet import import_sheet, write_sheet
from litsynth.biblio.sheet_files import read_table
from litsynth.cli.biblio import dedupe_command, render_dedupe
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.errors import BiblioError
from litsynth.store import biblio as biblio_store
from litsynth.store import opened
from litsynth.words import count


@dedupe_command.command("export-sheet")
@click.argument("sheet", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@project_option
@json_option
def export_sheet_command(sheet: Path, project_dir: Path, as_json: bool) -> None:
    """Write the pairs still to settle to FILE (.xlsx or .csv), most alike first, both
    records side by side; fill in `same` (yes or no) and read it back with `import-sheet`."""
    with opened(load(project_dir).store_path) as conn:
        n = write_sheet(conn, sheet)
    if as_json:
        print_json({"file": str(sheet), "pairs": n})
        return
    click.echo(
        f"{sheet}: {count(n, 'pair')} to settle, most alike first; write yes or no"
        f" under `same`, then `litsynth dedupe import-sheet {sheet}`"
    )


@dedupe_command.command("import-sheet")
@click.argument(
    "sheet", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--reviewer", default=None, help="Who decided (default: [project] reviewer).")
@project_option
@json_option
def import_sheet_command(
    sheet: Path, reviewer: str | None, project_dir: Path, as_json: bool
) -> None:
    """Record the verdicts of a pairs sheet (`same`: yes/no, same/different, 1/0) as
    `dedupe resolve` does; the groups follow once, and the same sheet again records nothing."""
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    rows = read_table(sheet, error=BiblioError)
    with opened(project.store_path) as conn:
        outcome = import_sheet(conn, rows, reviewer=reviewer, name=sheet.name)
        by_source = biblio_store.duplicates_by_source(conn)
    if as_json:
        print_json(outcome.to_json())
        return
    for line in outcome.lines(str(sheet)):
        click.echo(line)
    render_dedupe(outcome.result, by_source)


commands: list[click.Command] = []  # its commands are `dedupe`'s: see cli/biblio.py
