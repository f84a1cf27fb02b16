"""`litsynth import`, `dedupe`, `link`, `references`: records from exports to full texts."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import dedupe as dedupe_stage
from litsynth.biblio.readers import import_files
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.records import BibRecord
from litsynth.store import connect


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--source", required=True, help="Database the export came from: Scopus, Web of Science, PubMed…"
)
@click.option(
    "--encoding",
    default=None,
    help="Name the file encoding (utf-8, latin-1, gbk); default: detect.",
)
@project_option
@json_option
def import_command(
    files: tuple[Path, ...], source: str, encoding: str | None, project_dir: Path, as_json: bool
) -> None:
    """Import bibliographic exports (BibTeX, RIS, CSV, WoS tagged text, MEDLINE) as batches.

    Each file becomes one batch of SOURCE; importing the same file from the same source again
    changes nothing. Malformed entries are skipped and listed with their line and reason.
    """
    project = load(project_dir)
    conn = connect(project.store_path)
    outcomes = import_files(conn, files, source, encoding=encoding)
    if as_json:
        print_json([o.as_dict() for o in outcomes])
        return
    for o in outcomes:
        if o.already_imported:
            click.echo(
                f"{o.file_name}: already imported from {o.source}"
                f" (batch {o.batch_id}); nothing to do"
            )
            continue
        click.echo(
            f"{o.file_name}: {o.n_records} records imported, {o.n_rejected} rejected"
            f" ({o.format}, {o.encoding}; batch {o.batch_id})"
        )
        for r in o.rejected:
            click.echo(f"  line {r.line}: {r.reason}")
        for wanted, given in o.renamed.items():
            click.echo(f"  id {wanted!r} was taken; imported as {given!r}")


def _render_dedupe(result: dedupe_stage.DedupeResult) -> None:
    click.echo(
        f"{result.n_duplicates} duplicates in {len(result.groups)} groups ({result.method});"
        f" {len(result.uncertain)} uncertain pairs to resolve"
    )
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
    if result.uncertain:
        click.echo("List them with `litsynth dedupe --uncertain`.")


@click.group("dedupe", invoke_without_command=True)
@click.option(
    "--from-column",
    default=None,
    metavar="COL",
    help="Use a dataset's own duplicate column (e.g. duplicate_record_id) instead of matching.",
)
@click.option("--uncertain", "list_uncertain", is_flag=True, help="List unresolved maybe pairs.")
@click.option("--cpu", default=1, show_default=True, help="Processes bib-dedupe may use.")
@project_option
@json_option
@click.pass_context
def dedupe_command(
    ctx: click.Context,
    from_column: str | None,
    list_uncertain: bool,
    cpu: int,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Link duplicate records to the root of their group (nothing is deleted).

    Matches with bib-dedupe; pairs it is unsure of are listed with --uncertain and settled
    with `litsynth dedupe resolve A B --same|--different`. Running it again gives the same
    groups; people's verdicts are always obeyed.
    """
    if ctx.invoked_subcommand is not None:
        return
    conn = connect(load(project_dir).store_path)
    if list_uncertain:
        pairs = dedupe_stage.uncertain(conn)
        if as_json:
            print_json([{"a": _brief(a), "b": _brief(b)} for a, b in pairs])
            return
        if not pairs:
            click.echo("No unresolved uncertain pairs.")
        for a, b in pairs:
            click.echo(f"{a.id}  |  {b.id}")
            click.echo(f"  {_line(a)}")
            click.echo(f"  {_line(b)}")
        return
    result = dedupe_stage.run_dedupe(conn, from_column=from_column, cpu=cpu)
    if as_json:
        print_json(result.as_dict())
    else:
        _render_dedupe(result)


def _brief(rec: BibRecord) -> dict[str, object]:
    return {
        "id": rec.id,
        "source": rec.source,
        "title": rec.title,
        "authors": list(rec.authors[:3]),
        "year": rec.year,
        "journal": rec.journal,
        "doi": rec.doi,
    }


def _line(rec: BibRecord) -> str:
    first = rec.authors[0] if rec.authors else "?"
    return f"{first} ({rec.year or 'n.d.'}) {rec.title[:90]} — {rec.journal[:40]} {rec.doi}"


@dedupe_command.command("resolve")
@click.argument("record_a")
@click.argument("record_b")
@click.option("--same/--different", required=True, help="Are the two records the same work?")
@click.option("--reviewer", default=None, help="Who decided (default: [project] reviewer).")
@click.option("--note", default="", help="Why, for the record.")
@project_option
@json_option
def resolve_command(
    record_a: str,
    record_b: str,
    same: bool,
    reviewer: str | None,
    note: str,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Record whether two records are the same work; the groups follow at once."""
    project = load(project_dir)
    conn = connect(project.store_path)
    who = reviewer or project.settings.project.reviewer
    result = dedupe_stage.resolve(conn, record_a, record_b, same=same, reviewer=who, note=note)
    if as_json:
        print_json(result.as_dict())
    else:
        verdict = "the same work" if same else "different works"
        click.echo(f"Recorded: {record_a} and {record_b} are {verdict} ({who}).")
        _render_dedupe(result)


commands: list[click.Command] = [import_command, dedupe_command]
