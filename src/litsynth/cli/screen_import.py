"""`litsynth screen import`: a filled-in sheet, or the decisions another screening tool made.

Its own module because it reads two kinds of file: litsynth's screening sheet and the exports
of Rayyan, ASReview LAB and list-based tools (`biblio.screening_tools`).
"""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import screening_tools as tools
from litsynth.biblio.screening_import import import_decisions
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.cli.groups import screen_group
from litsynth.cli.screen import reviewer_option, stage_option
from litsynth.store import opened

_SHOWN_PROBLEMS = 20


@screen_group.command("import")
@click.argument(
    "sheet", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@stage_option
@reviewer_option
@click.option(
    "--from",
    "kind",
    type=click.Choice(["auto", "sheet", *tools.TOOLS]),
    default="auto",
    show_default=True,
    help="What FILE is: a litsynth sheet, or an export of Rayyan, ASReview LAB or abstrackr"
    " (auto: told from its columns and notes).",
)
@click.option(
    "--all",
    "every",
    type=click.Choice(["include", "exclude", "maybe"]),
    default=None,
    help="Every record of FILE gets this decision: an export of one list"
    " (Covidence's included studies, a pile of excluded ones).",
)
@click.option("--reason", default="", help="With --all exclude: the exclusion reason.")
@project_option
@json_option
def import_command(
    sheet: Path,
    stage: str,
    reviewer: str | None,
    kind: str,
    every: str | None,
    reason: str,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Record the decisions in FILE (appended; nothing is overwritten).

    A litsynth sheet (`screen export`): record_id, decision (include/exclude/maybe, 1/0; any
    case), optional reason and note. Another tool's export: Rayyan's (CSV or RIS; each
    reviewer's decision under their name, with exclusion reasons, labels and notes), ASReview
    LAB's (CSV, TSV, Excel or RIS; records it never showed stay unscreened), abstrackr's
    (each screener's labels under their name, with their notes), or with --all any export of
    one list. Their records are found in the project by DOI, else title and year.
    Problems are reported with their line and skipped; a reason not yet in the project's list
    is added and reported.
    """
    project = load(project_dir)
    named = reviewer is not None
    reviewer = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn:
        outcome = import_decisions(
            conn,
            sheet,
            stage=stage,
            reviewer=reviewer,
            settings=project.settings.screening,
            kind=kind,
            every=every or "",
            reason=reason,
            as_reviewer=named,
        )
    if as_json:
        print_json(outcome.to_json())
        return
    rename = "give --reviewer NAME (or set [project] reviewer)"
    for line in outcome.lines(_SHOWN_PROBLEMS, " (--json lists them all)", rename):
        click.echo(line)


commands: list[click.Command] = []  # its command is `screen`'s: see groups.screen_group
