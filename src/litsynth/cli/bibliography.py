"""`litsynth export references`: the records of a stage as a reference list in a citation
style, for the manuscript (the included studies, PRISMA 2020 item 16a; the excluded ones
with their reasons, item 16b)."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio.export import STAGES as EXPORT_STAGES
from litsynth.cli.common import json_option, load, new_only_option, print_json, project_option
from litsynth.cli.groups import export_group
from litsynth.errors import BiblioError
from litsynth.store import opened
from litsynth.words import count


@export_group.command("references")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--stage",
    type=click.Choice(EXPORT_STAGES),
    default="included",
    show_default=True,
    help="Whose references: the studies included in the review, those excluded at full text,"
    " … (as `export records`).",
)
@click.option(
    "--style",
    default=None,
    metavar="NAME|FILE.csl",
    help="Default: the project's [synthesis] citation_style (apa unless set)."
    " A citation style as Zotero's style repository names it (apa, harvard-cite-them-right,"
    " chicago-author-date, ieee, nature, elsevier-vancouver, a journal's own …) or a .csl file.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write: .docx, .md, .html or .txt (or name it first). Without one, the"
    " list is printed.",
)
@new_only_option
@project_option
@json_option
def export_references(
    file: Path | None,
    stage: str,
    style: str | None,
    out: Path | None,
    new_only: bool,
    project_dir: Path,
    as_json: bool,
) -> None:
    """The records of a screening stage as a formatted reference list (APA 7 by default).

    The styles are the Citation Style Language's (as in Zotero and pandoc): about 2,800
    styles and 8,000 journals that use one of them, all shipped with litsynth, none fetched.
    Italics and hanging indents are kept in Word. What a style asks that the formatter
    cannot do is said, not skipped silently.
    """
    from litsynth.biblio import export, styled

    if file is not None and out is not None and file != out:
        raise BiblioError(f"two files to write: {file} and --out {out}", hint="name one of them")
    target = out or file
    project = load(project_dir)
    if not project.store_path.exists():
        raise BiblioError(
            f"no store at {project.store_path}", hint="import records first: `litsynth import`"
        )
    with opened(project.store_path) as conn:
        rows, earlier = export.with_previous(conn, stage, new_only=new_only)
    chosen = style or project.settings.synthesis.citation_style
    listing = styled.format_references([r.record for r in rows], chosen)
    if target is not None:
        styled.write_references(listing, target)
    if as_json:
        print_json({
            "file": str(target) if target else None, "stage": stage, "style": listing.style,
            "previous_version": earlier,
            "references": [
                {"record_id": r.record_id, "label": r.label, "text": r.text}
                for r in listing.references
            ],
            "warnings": list(listing.warnings),
        })  # fmt: skip
        return
    for said in listing.warnings:
        click.echo(f"Note: the style asks what the formatter cannot do: {said}", err=True)
    if not rows:
        click.echo(f"No records at the stage {stage!r} (`litsynth prisma` shows the flow).",
                   err=True)  # fmt: skip
    if target is None:
        click.echo("".join(f"{r.text}\n" for r in listing.references), nl=False)
        return
    refs = count(len(listing.references), "reference")
    click.echo(f"Wrote {refs} ({stage}, {listing.style}{export.of_previous(earlier)}) to {target}")


commands: list[click.Command] = []
