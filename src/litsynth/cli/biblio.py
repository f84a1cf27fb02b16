"""`litsynth import`, `dedupe`, `link`, `references`: records from exports to full texts."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio.readers import import_files
from litsynth.cli.common import json_option, load, print_json, project_option
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


commands: list[click.Command] = [import_command]
