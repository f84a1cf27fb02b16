"""`litsynth studies`: the reports of one study grouped, so PRISMA counts the study once."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import studies_here
from litsynth.biblio.export import STAGES
from litsynth.biblio.screening_rules import now_utc
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.records import StudyLink
from litsynth.store import opened, transaction
from litsynth.words import count

_reviewer = click.option(
    "--reviewer", default=None, help="Who decides (default: [project] reviewer in litsynth.toml)."
)
_note = click.option("--note", default="", help="Why, for the log (e.g. 'same trial, NCT…').")


@click.group("studies", invoke_without_command=True)
@project_option
@json_option
@click.pass_context
def studies_group(ctx: click.Context, project_dir: Path, as_json: bool) -> None:
    """Studies reported in more than one paper: PRISMA 2020 counts the studies included and
    the reports of them apart, and data are extracted once per study.

    Without a subcommand, lists the studies grouped so far and the included studies and
    reports counted. `studies candidates` proposes reports that may belong together.
    """
    if ctx.invoked_subcommand is not None:
        return
    with opened(load(project_dir).store_path) as conn:
        seen, found = studies_here.page(conn)
    if as_json:  # as the workspace's Records screen has it (GET /api/studies)
        print_json({**seen.to_json(), "candidates": [c.to_json() for c in found]})
        return
    click.echo(
        f"Included: {count(seen.included_studies, 'study', 'studies')} in"
        f" {count(seen.included_reports, 'report')}"
        + (
            f"; and {count(seen.previous_reports, 'new report')} of"
            f" {count(seen.previous_studies, 'study', 'studies')} the previous version included."
            if seen.previous_reports
            else "."
        )
    )
    if not seen.studies:
        click.echo(
            "No study is grouped: each record is a study of its own. Group the reports of one"
            " study with `litsynth studies group MAIN OTHER…`."
        )
    for reports in seen.studies:
        main, *rest = reports
        click.echo(f"{main.label}  {main.record_id}{_decided(main.full_text)}")
        for r in rest:
            click.echo(f"  also {r.label}  {r.record_id}{_decided(r.full_text)}")
    if found:
        click.echo(
            f"{count(len(found), 'pair')} of the records sought for full text may report one"
            " study: `litsynth studies candidates` lists them."
        )


def _decided(decision: str) -> str:
    return f"  [full text: {decision}]" if decision else ""


@studies_group.command("group")
@click.argument("main")
@click.argument("others", nargs=-1, required=True)
@_note
@_reviewer
@project_option
@json_option
def group_command(
    main: str,
    others: tuple[str, ...],
    note: str,
    reviewer: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Record OTHERS as reports of the study whose main report is MAIN (record ids; the main
    report's study when MAIN is itself grouped). A study grouped here brings its reports.

    In an updated review, `previous:STUDY` (named by `litsynth studies candidates`) is a study
    the previous version included: the records named with it are new reports of it, which
    PRISMA counts in the total reports, not as new studies."""
    project = load(project_dir)
    who = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn, transaction(conn):
        entries = studies_here.record_group(
            conn, main, others, reviewer=who, at=now_utc(), note=note
        )
    _said(entries, as_json, f"grouped into the study of {main}")


@studies_group.command("split")
@click.argument("record")
@_note
@_reviewer
@project_option
@json_option
def split_command(
    record: str, note: str, reviewer: str | None, project_dir: Path, as_json: bool
) -> None:
    """Make RECORD a study of its own again (a grouping undone). When it was its study's main
    report, the next report becomes the main one of the rest."""
    project = load(project_dir)
    who = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn, transaction(conn):
        entries = studies_here.record_split(conn, record, reviewer=who, at=now_utc(), note=note)
    _said(entries, as_json, "recorded")


def _said(entries: list[StudyLink], as_json: bool, what: str) -> None:
    if as_json:
        print_json(studies_here.recorded_json(entries))
    elif not entries:
        click.echo("Nothing to record: the records stand so already.")
    else:
        click.echo(f"{count(len(entries), 'entry', 'entries')} {what}:")
        for e in entries:
            click.echo(f"  {e.record_id} → {e.study or 'a study of its own'}")
        click.echo("`litsynth studies` lists the studies; `litsynth prisma` counts them.")


@studies_group.command("candidates")
@click.option(
    "--stage",
    type=click.Choice(STAGES),
    default="title-abstract",
    show_default=True,
    help="The records compared (title-abstract: those sought for full text).",
)
@project_option
@json_option
def candidates_command(stage: str, project_dir: Path, as_json: bool) -> None:
    """Pairs of records that may report one study, not yet grouped: a trial or review
    registration number both cite, or most authors shared with the same first author. Only
    proposed: check the papers (sample, setting, dates) and group them yourself."""
    with opened(load(project_dir).store_path) as conn:
        found = studies_here.candidates_here(conn, stage)
    if as_json:
        print_json({"stage": stage, "candidates": [c.to_json() for c in found]})
        return
    if not found:
        click.echo(f"No candidates among the records at {stage}.")
        return
    click.echo(f"{count(len(found), 'pair')} that may report one study ({stage}):")
    for c in found:
        click.echo(f"  {c.labels[0]} ~ {c.labels[1]}: {c.why}")
        click.echo(f"    {c.first} {c.second}")
    click.echo("Group a pair that does: `litsynth studies group FIRST SECOND`.")


commands: list[click.Command] = [studies_group]
