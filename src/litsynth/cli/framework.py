"""`litsynth framework …`: the framework matrix, a summary of each source × theme cell.

Each command reads the matrix of the project's codings, with the summaries written so far,
and renders it or writes to it (synthesis/framework.py); the workspace's Matrices screen does
the same through the same functions.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import click

from litsynth.cli.common import json_option, load, print_json, project_option, source_option
from litsynth.cli.review import coder_option
from litsynth.coding.codebook.load import project_codebook
from litsynth.config import Project
from litsynth.errors import SynthesisError
from litsynth.store import opened, transaction
from litsynth.synthesis import framework_out as out_
from litsynth.synthesis.framework import Framework
from litsynth.synthesis.from_store import framework_from_store, summarise_cell
from litsynth.synthesis.matrix import CODE_DIMENSIONS

F = TypeVar("F", bound=Callable[..., Any])


def kind_options(func: F) -> F:
    """--rows and --cols: which framework (each kind keeps its own summaries)."""
    func = click.option(
        "--cols",
        default="themes",
        show_default=True,
        type=click.Choice(CODE_DIMENSIONS),
        help="Columns: themes, categories or codes.",
    )(func)
    return click.option(
        "--rows",
        default="documents",
        show_default=True,
        metavar="DIM",
        help="Rows: documents (a row per source), attr:study (a row per study, its papers"
        " together) or any attr:NAME.",
    )(func)


def _framework(
    project: Project, conn: sqlite3.Connection, rows: str, cols: str, source: str | None
) -> Framework:
    return framework_from_store(
        conn, project_codebook(project), rows=rows, cols=cols,
        source=source or project.settings.synthesis.source,
        appraisal_form=project.appraisal_form_path,
    )  # fmt: skip


def _opened(project: Project) -> AbstractContextManager[sqlite3.Connection]:
    if not project.store_path.exists():
        raise SynthesisError(
            f"no store at {project.store_path}",
            hint="run `litsynth ingest` and code some passages first",
        )
    return opened(project.store_path)


@click.group("framework")
def framework_group() -> None:
    """The framework matrix: each source × theme summarised in your words, beside its passages.

    The step between coding and writing the findings (framework analysis, thematic
    synthesis): for every source and theme, what the source says on it. Write them in the
    workspace (Matrices, "summaries"), in a sheet (`export-sheet`, `import-sheet`) or one at
    a time (`write`); `table` shows the grid, and says which summaries are out of date
    because the cell was coded further after they were written.
    """


@framework_group.command("table")
@kind_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE: .md, .docx (a table for the manuscript), .xlsx or .csv (the sheet).",
)
@click.option(
    "--column",
    default=None,
    metavar="THEME",
    help="One theme read down its column: each source's summary, to write the finding from.",
)
@source_option
@json_option
@project_option
def table_command(
    rows: str,
    cols: str,
    out: Path | None,
    column: str | None,
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """The framework matrix: every summary with where its passages are, and what waits."""
    project = load(project_dir)
    with _opened(project) as conn:
        framework = _framework(project, conn, rows, cols, source)
    if column is not None and not as_json:
        said = out_.column_markdown(framework, framework.column(column))
        if out is not None:
            out.write_text(said, encoding="utf-8")
            click.echo(f"Wrote {out}")
        else:
            click.echo(said, nl=False)
        return
    if as_json:
        print_json(framework.to_json())
        return
    if out is not None:
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in out_.FORMATS:
            raise SynthesisError(
                f"cannot tell the format of {out.name}", hint="end it in .md, .docx, .xlsx or .csv"
            )
        out_.write_framework(framework, out, fmt)
        click.echo(f"Wrote {out} ({out_.said_counts(framework)})")
        return
    click.echo(out_.to_markdown(framework), nl=False)


@framework_group.command("write")
@click.argument("row")
@click.argument("column")
@click.argument("text")
@kind_options
@coder_option
@source_option
@json_option
@project_option
def write_command(
    row: str,
    column: str,
    text: str,
    rows: str,
    cols: str,
    coder: str | None,
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Summarise one cell: ROW (a document's id or label, or a study) on COLUMN (a theme's id
    or label). TEXT "" clears it; "-" reads it from standard input. The earlier wording stays
    in the cell's history."""
    project = load(project_dir)
    if text == "-":
        text = sys.stdin.read()
    author = coder or project.settings.project.reviewer
    with _opened(project) as conn, transaction(conn):
        framework = _framework(project, conn, rows, cols, source)
        cell = summarise_cell(conn, framework, row, column, text, author=author)
    if as_json:
        print_json({"written": cell is not None, "cell": cell.to_json() if cell else None})
        return
    if cell is None:
        click.echo("Unchanged: the cell says this already.")
        return
    m = framework.matrix
    what = "Cleared" if cell.summary is None else "Wrote"
    click.echo(f"{what} {m.row_labels[cell.row]} × {m.col_labels[cell.col]}"
               f" ({len(cell.refs)} passage(s) behind it), as {author}.")  # fmt: skip


@framework_group.command("export-sheet")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@kind_options
@source_option
@json_option
@project_option
def export_sheet_command(
    sheet: Path, rows: str, cols: str, source: str | None, project_dir: Path, as_json: bool
) -> None:
    """Write the charting sheet: a row per cell, its passages quoted beside the summary
    column. An Excel workbook when SHEET ends in .xlsx, else CSV. Write in `summary`, then
    `litsynth framework import-sheet SHEET`."""
    project = load(project_dir)
    with _opened(project) as conn:
        framework = _framework(project, conn, rows, cols, source)
    out_.write_sheet(framework, sheet)
    counts = framework.counts()
    if as_json:
        print_json({"sheet": str(sheet), **counts})
        return
    click.echo(
        f"Wrote {sheet}: {counts['cells']} cells with passages ({out_.said_counts(framework)})"
    )


@framework_group.command("import-sheet")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@kind_options
@coder_option
@click.option(
    "--overwrite",
    is_flag=True,
    help="Write a sheet's summary even where the cell was summarised again since the sheet"
    " was exported (the other wording stays in the cell's history).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@source_option
@json_option
@project_option
def import_sheet_command(
    sheet: Path,
    rows: str,
    cols: str,
    coder: str | None,
    overwrite: bool,
    dry_run: bool,
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Read the summaries written in a charting sheet. Only summaries changed in the sheet
    are written; one whose cell was summarised again meanwhile (in the workspace, by a
    co-author) is left and named, unless --overwrite."""
    project = load(project_dir)
    read = out_.read_sheet(sheet)
    if read.kind is not None and read.kind != (rows, cols):
        if (rows, cols) != ("documents", "themes"):  # asked for another grid than the sheet's
            raise SynthesisError(
                f"{sheet.name} is the sheet of {read.kind[0]} × {read.kind[1]}",
                hint=f"import it with --rows {read.kind[0]} --cols {read.kind[1]}, or leave"
                " them out",
            )
        rows, cols = read.kind  # the grid the sheet was exported from
    author = coder or project.settings.project.reviewer
    written: list[str] = []
    kept: list[str] = []
    missing: list[str] = []
    with _opened(project) as conn, transaction(conn):
        framework = _framework(project, conn, rows, cols, source)
        m = framework.matrix
        for item in read.changed:
            cell = framework.cell(item.row_key, item.col_key)
            now = cell.summary.text if cell.summary else ""
            name = m.row_labels.get(item.row_key, item.row_key) + " × "
            name += m.col_labels.get(item.col_key, item.col_key)
            if now != item.exported and now != item.text and not overwrite:
                kept.append(name)
                continue
            if (item.row_key, item.col_key) not in framework.cells and (
                item.row_key not in m.row_keys or item.col_key not in m.col_keys
            ):
                missing.append(name)  # the row or column left the matrix since the export
                continue
            if now == item.text:
                read.unchanged += 1  # written already (a second import of the same sheet)
                continue
            if not dry_run:
                summarise_cell(
                    conn, framework, item.row_key, item.col_key, item.text, author=author
                )
            written.append(name)
    summary = {"written": written, "changed_since_export": kept, "not_in_matrix": missing,
               "unchanged": read.unchanged, "dry_run": dry_run}  # fmt: skip
    if as_json:
        print_json(summary)
        return
    verb = "Would write" if dry_run else "Wrote"
    click.echo(f"{verb} {len(written)} summar{'y' if len(written) == 1 else 'ies'} as {author};"
               f" {read.unchanged} row(s) as the project has them.")  # fmt: skip
    for name in written:
        click.echo(f"  {name}")
    if kept:
        click.echo(f"Left {len(kept)} cell(s) summarised again since the sheet was exported:")
        for name in kept:
            click.echo(f"  {name}")
        click.echo("Hint: compare with `litsynth framework table`; --overwrite writes the sheet's.")
    if missing:
        click.echo(
            f"Not in the matrix now (a source removed, a theme renamed): {'; '.join(missing)}"
        )


commands = [framework_group]
