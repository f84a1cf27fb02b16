"""`litsynth run` (the whole pipeline) and `litsynth report` (redraw the report)."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.cli.common import json_option, load, print_json, project_option, quiet_option
from litsynth.pipeline import RunSummary, run_pipeline


def _render(summary: RunSummary, as_json: bool) -> None:
    if as_json:
        print_json(summary.to_json())
        return
    width = max(len(s.name) for s in summary.steps) if summary.steps else 8
    click.echo("")
    for s in summary.steps:
        click.echo(f"{s.name:<{width}}  {s.status:<14} {s.seconds:>7.1f}s  {s.detail}")
    if summary.report:
        click.echo(f"\nReport: {summary.report}  (open it in a browser; it needs no server)")
        draft = Path(summary.report).with_name("manuscript.docx")
        if draft.is_file():
            click.echo(f"Manuscript draft: {draft}  (Word: the Methods and Results, to edit)")


@click.command("run")
@project_option
@click.option("--force", is_flag=True, help="Redo the derived steps even when nothing changed.")
@json_option
@quiet_option
def run_command(project_dir: Path, force: bool, as_json: bool, quiet: bool) -> None:
    """Run the whole pipeline: ingest, link, suggest, discover, relate, themes, matrices,
    PRISMA and the HTML report, skipping what is up to date.

    Outputs land in the project: the store litsynth.db, indexes/, and report/ (index.html,
    manuscript.docx, matrices/, prisma.svg/csv/json/png, open-coding-draft.yaml,
    relations.json).
    """
    project = load(project_dir)
    say = None if quiet or as_json else (lambda msg: click.echo(msg, err=True))
    _render(run_pipeline(project, quiet=quiet or as_json, progress=say, force=force), as_json)


@click.command("report")
@project_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the report into (default: report/ in the project).",
)
@json_option
@quiet_option
def report_command(project_dir: Path, out: Path | None, as_json: bool, quiet: bool) -> None:
    """Draw the HTML report from the store as it is (no ingest, no new suggestions).

    One self-contained folder that opens from disk: overview, PRISMA, codebook, matrices whose
    cells list their passages with citations and back-links, cited works, open-coding proposals,
    the included studies' references; beside it manuscript.docx, a Word draft of the Methods
    and Results.
    """
    project = load(project_dir)
    say = None if quiet or as_json else (lambda msg: click.echo(msg, err=True))
    summary = run_pipeline(
        project, progress=say, with_ingest=False, with_suggest=False, force=True, out_dir=out
    )
    _render(summary, as_json)


commands: list[click.Command] = [run_command, report_command]
