"""`litsynth screen import`: a filled-in sheet, or the decisions another screening tool made.

Its own module because it reads two kinds of file: litsynth's screening sheet and the exports
of Rayyan, ASReview LAB and list-based tools (`biblio.screening_tools`).
"""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import screening_ops as ops
from litsynth.biblio import screening_tools as tools
from litsynth.biblio.screening_sheet import is_screening_sheet
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.cli.groups import screen_group
from litsynth.cli.screen import reviewer_option, stage_option
from litsynth.errors import ScreeningError
from litsynth.store import opened
from litsynth.words import count

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
    help="What FILE is: a litsynth sheet, or an export of Rayyan or ASReview LAB"
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
    LAB's (CSV, TSV, Excel or RIS; records it never showed stay unscreened), or with --all any
    export of one list. Their records are found in the project by DOI, else title and year.
    Problems are reported with their line and skipped; a reason not yet in the project's list
    is added and reported.
    """
    if reason and every != "exclude":
        raise ScreeningError("--reason goes with --all exclude", hint="add --all exclude")
    project = load(project_dir)
    settings = project.settings.screening
    named = reviewer is not None
    reviewer = reviewer or project.settings.project.reviewer
    as_sheet = not every and (
        kind == "sheet" or (kind == "auto" and is_screening_sheet(sheet, sheet.read_bytes()))
    )
    with opened(project.store_path) as conn:
        if as_sheet:
            result = ops.import_sheet(
                conn, sheet, stage=stage, reviewer=reviewer, settings=settings
            )
            export = None
        else:
            tool = None if kind == "auto" else kind
            export, result = tools.import_tool_export(
                conn,
                sheet,
                stage=stage,
                reviewer=reviewer,
                settings=settings,
                tool=tool,
                every=every or "",
                reason=reason,
                as_reviewer=named,
            )
    who = reviewer if export is None else _reviewers(export, result, reviewer)
    if as_json:
        extra = {} if export is None else {"tool": export.tool, "reviewers": who.split(", ")}
        print_json({**result.to_json(), **extra})
        return
    name = str(sheet) if export is None else f"{sheet} ({tools.TOOL_NAMES[export.tool]})"
    if every:
        name = f"{sheet} (a list, all {every})"
    if result.already_imported:
        click.echo(
            f"{name}: already imported at {stage} for {who} on {result.already_imported};"
            " nothing recorded"
        )
        return
    click.echo(f"{name}: {count(result.appended, 'decision')} recorded at {stage} for {who}")
    _details(result, who, export is None)
    if export is not None and reviewer not in who.split(", "):
        click.echo(
            f"  recorded under the names in the file; to screen on as one of them, give"
            f" --reviewer (or set [project] reviewer; now {reviewer!r})"
        )


def _reviewers(export: tools.ToolExport, result: ops.ImportResult, importer: str) -> str:
    names = sorted({d.reviewer for d in result.sheet.decisions}) or list(export.reviewers)
    return ", ".join(names or [importer])


def _details(result: ops.ImportResult, who: str, sheet: bool) -> None:
    s = result.sheet
    if result.unchanged:
        click.echo(
            f"  {count(result.unchanged, 'decision')} equal to {who}'s current ones not repeated"
        )
    if s.blank:
        left = (
            count(s.blank, "row") + " without a decision"
            if sheet
            else (count(s.blank, "record") + " nobody decided on")
        )
        click.echo(f"  {left} left for later")
    for p in s.problems[:_SHOWN_PROBLEMS]:
        click.echo(f"  line {p.line}: {p.message}; skipped")
    if len(s.problems) > _SHOWN_PROBLEMS:
        click.echo(f"  … and {len(s.problems) - _SHOWN_PROBLEMS} more (--json lists them all)")
    for r in s.new_reasons:
        click.echo(f"  new exclusion reason added to the project's list: {r!r}")
    if s.no_reason:
        click.echo(
            f"  {len(s.no_reason)} full-text exclusions without a reason, counted under"
            f" 'no reason given': {', '.join(s.no_reason[:10])}"
        )


commands: list[click.Command] = []  # its command is `screen`'s: see groups.screen_group
