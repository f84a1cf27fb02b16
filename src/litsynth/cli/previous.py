"""`litsynth previous`: the studies the previous version of an updated review included."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import previous
from litsynth.biblio.previous_values import form_notes
from litsynth.biblio.screening_rules import now_utc
from litsynth.biblio.studies import listed_json, listed_lines, previous_studies
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.config import Project
from litsynth.errors import BiblioError
from litsynth.report.previous_file import form_fields, read_previous
from litsynth.store import opened, transaction
from litsynth.store import previous as previous_store
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
@click.option(
    "--list",
    "listing",
    is_flag=True,
    help="List its studies by the name `litsynth studies group previous:STUDY RECORD` takes,"
    " each with its reports.",
)
@project_option
@json_option
def previous_command(
    file: Path | None,
    study_column: str | None,
    remove_found: bool,
    clear: bool,
    listing: bool,
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
    told = read_previous(file, study_column) if file is not None else None
    at = now_utc()
    with opened(project.store_path) as conn, transaction(conn):
        if clear:
            returned = previous.forget(conn, at)
        else:
            held = previous.record(
                conn,
                told.reports if told else None,
                remove_found=remove_found,
                at=at,
                values=told.values if told else (),
            )
            # carried values the project's forms cannot show
            notes = form_notes(previous_store.standing_values(conn), form_fields(project))
    if clear:
        if as_json:
            print_json({"cleared": True, "returned": returned})
        else:
            click.echo(f"Forgot the previous version's list; {count(returned, 'record')}"
                       " returned to screening.")  # fmt: skip
        return
    studies = _studies(project) if listing else {}
    if as_json:
        print_json({**held.to_json(), "form_notes": notes,
                    **({"listed": listed_json(studies)} if listing else {})})  # fmt: skip
        return
    _say(held, remove_found)
    for note in notes:
        click.secho(note, fg="yellow")
    if studies:
        click.echo("Its studies, as `litsynth studies group` names them:")
    for line in listed_lines(studies):
        click.echo(line)


def _studies(project: Project) -> dict[str, list[str]]:
    with opened(project.store_path) as conn:
        return previous_studies(previous_store.reports(conn))


def _say(held: previous.Previous, remove_found: bool) -> None:
    for line in held.lines(remove_found):
        click.echo(line)
    if held.warning():
        click.secho(held.warning(), fg="yellow")
    if held.reports:
        click.echo("`litsynth prisma` counts them in the flow for updated reviews.")


commands: list[click.Command] = [previous_command]
