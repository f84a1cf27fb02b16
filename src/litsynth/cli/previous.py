"""`litsynth previous`: the studies the previous version of an updated review included."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import previous
from litsynth.biblio.readers import build_batch
from litsynth.biblio.screening_rules import now_utc
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.errors import BiblioError
from litsynth.records import PreviousReport
from litsynth.store import opened, transaction
from litsynth.words import count


@click.command("previous")
@click.argument("file", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--study-column",
    default=None,
    metavar="NAME",
    help="A column of FILE (CSV or workbook) naming the study each report belongs to, so a"
    " study reported in two papers counts once. Default: each report is its own study.",
)
@click.option(
    "--remove-found",
    is_flag=True,
    help="Remove before screening the update's records that repeat a report of the previous"
    " version (same DOI or title) and that no one has decided yet: PRISMA's 'records removed"
    " for other reasons'.",
)
@click.option(
    "--clear",
    is_flag=True,
    help="Forget the previous version's list; records removed for repeating it return to"
    " screening.",
)
@project_option
@json_option
def previous_command(
    file: Path | None,
    study_column: str | None,
    remove_found: bool,
    clear: bool,
    project_dir: Path,
    as_json: bool,
) -> None:
    """The studies the previous version of this (updated) review included, for PRISMA 2020's
    flow for updated reviews.

    FILE is the previous version's litsynth deposit package (`litsynth export package`: its
    records included at full text) or a reference file of its included studies in any format
    `litsynth import` reads. The flow then counts them beside the new searches and totals
    both; the update's records that repeat one are listed, and removed with --remove-found.
    Without FILE, says what is recorded.
    """
    if clear and (file is not None or remove_found):
        raise BiblioError("--clear forgets the list", hint="run it on its own")
    project = load(project_dir)
    reports = _read(file, study_column) if file is not None else None
    at = now_utc()
    with opened(project.store_path) as conn, transaction(conn):
        if clear:
            returned = previous.forget(conn, at)
        else:
            held = previous.record(conn, reports, remove_found=remove_found, at=at)
    if clear:
        if as_json:
            print_json({"cleared": True, "returned": returned})
        else:
            click.echo(f"Forgot the previous version's list; {count(returned, 'record')}"
                       " returned to screening.")  # fmt: skip
        return
    if as_json:
        print_json(held.to_json())
        return
    _say(held, remove_found)


def _say(held: previous.Previous, remove_found: bool) -> None:
    if not held.reports:
        click.echo("No previous version recorded: this is a new review. For an update, name the"
                   " previous version's deposit package or its included studies:"
                   " `litsynth previous FILE`.")  # fmt: skip
        return
    click.echo(f"The previous version included {count(held.studies, 'study', 'studies')} in"
               f" {count(held.reports, 'report')} (from {held.file_name}).")  # fmt: skip
    if held.found:
        by_doi = sum(f.by == "doi" for f in held.found)
        shown = ", ".join(f.record_id for f in held.found[:10])
        more = ", …" if len(held.found) > 10 else ""
        click.echo(f"{count(len(held.found), 'record')} of this update repeat them ({by_doi} by"
                   f" DOI, {len(held.found) - by_doi} by title): {shown}{more}")  # fmt: skip
        if held.removed:
            click.echo(f"Removed {count(len(held.removed), 'record')} before screening (PRISMA:"
                       " records removed for other reasons).")  # fmt: skip
        elif not remove_found:
            click.echo(
                "  `litsynth previous --remove-found` removes those no one has decided"
                " yet before screening (PRISMA: records removed for other reasons)."
            )
    if held.twice:
        one = len(held.twice) == 1
        it, verb = ("it", "is") if one else ("them", "are")
        click.secho(f"{count(len(held.twice), 'record')} of them {verb} included at full text in"
                    f" this update too, so the total counts {it} twice: exclude {it} at full"
                    f" text with the reason {previous.PREVIOUS_REASON!r}, or take the study out"
                    " of the previous list.", fg="yellow")  # fmt: skip
    click.echo("`litsynth prisma` counts them in the flow for updated reviews.")


def _read(file: Path, study_column: str | None) -> list[PreviousReport]:
    """The reports of a deposit package (folder or zip) or of a reference file."""
    from litsynth.report.deposit_check import is_package, read_package, table_rows

    if is_package(file):
        if study_column is not None:
            raise BiblioError(
                "--study-column is for a reference file",
                hint="a deposit package's studies are its included records",
            )
        rows = table_rows(read_package(file), "records.csv",
                          ("record_id", "full_text_decision", "duplicate_of"))  # fmt: skip
        return previous.from_deposit(rows, file.name)
    batch = build_batch(file.read_bytes(), file.name, "previous version")
    if study_column is not None and study_column not in batch.records[0].extra:
        raise BiblioError(f"{file.name} has no column {study_column!r}",
                          hint="name the column that holds each report's study")  # fmt: skip
    return previous.from_records(batch.records, file.name, study_column)


commands: list[click.Command] = [previous_command]
