"""PDF annotations in and out: `litsynth code import-annotations` (the highlights and notes
made in the PDFs, as codings and memos: coding.human.annotations_import) and `litsynth export
annotated-pdfs` (the codings drawn on copies of the PDFs: synthesis.annotated_pdfs). Each
command parses, calls the library and renders."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import click

from litsynth.cli.common import json_option, load, print_json, project_option, source_option
from litsynth.cli.groups import code_group, export_group
from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import did_you_mean
from litsynth.coding.human.annotations import COLOURS, colour_codes
from litsynth.coding.human.annotations_import import (
    FileOutcome,
    import_annotations,
    pdfs_to_read,
)
from litsynth.ingest.incremental import project_passwords
from litsynth.store import opened
from litsynth.words import count


@code_group.command("import-annotations")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--colour",
    "colours",
    multiple=True,
    metavar="COLOUR=CODE",
    help="Code the marks of a colour: " + ", ".join(COLOURS) + " (repeatable).",
)
@click.option("--password", "passwords", multiple=True, help="For encrypted PDFs (repeatable).")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option(
    "--coder",
    default=None,
    metavar="NAME",
    help="One coder for every mark; default: each mark's author as the file names them,"
    " else [project] reviewer.",
)
@json_option
@project_option
def import_annotations_command(
    paths: tuple[Path, ...],
    colours: tuple[str, ...],
    passwords: tuple[str, ...],
    dry_run: bool,
    coder: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Read the highlights, underlines and notes made in PDFs (Acrobat, Preview, Zotero's
    export with annotations, pdf.js, Okular…) and the comments made in Word documents, as
    codings and memos.

    PATHS are PDFs, Word files (.docx) or folders; default: every ingested one. A mark's
    comment naming codes
    ("trust", "#cost", "Trust; Cost") codes the words it covers (a note: the passage it is
    beside), the rest of the comment kept as the coding's memo; --colour codes a colour's
    marks. A mark naming no code is kept as a memo on its passage. Each mark is its
    author's (as the PDF says) unless --coder is given. Run it again after more reading:
    what the project holds already is not written twice.
    """
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file logs by the hundred
    project = load(project_dir)
    book = project_codebook(project)
    by_colour = colour_codes(colours, book)
    reviewer = project.settings.project.reviewer
    all_passwords = tuple(passwords) + project_passwords(project)
    with opened(project.store_path) as conn:
        pdfs = pdfs_to_read(project, conn, paths)
        outcomes = import_annotations(
            project, conn, book, pdfs, colours=by_colour, reviewer=reviewer, coder=coder,
            passwords=all_passwords, dry_run=dry_run,
            on_file=None if as_json else lambda o: _render_file(o, book.codes, dry_run),
        )  # fmt: skip
    if as_json:
        print_json({"dry_run": dry_run, "files": [o.to_json() for o in outcomes]})
        return
    _render_total(outcomes, dry_run, bool(paths))


def _render_file(outcome: FileOutcome, codes: object, dry_run: bool) -> None:
    if outcome.problem:
        click.echo(f"{outcome.path}: {outcome.problem}")
        return
    if not outcome.marks and not outcome.skipped:
        return  # a PDF nobody marked: nothing to say about it
    head = f"{outcome.path}"
    if outcome.matched_by == "its text":  # a copy from elsewhere: say which document it is
        head += f" (the project's {outcome.document_path}, known by its words)"
    parts = []
    if outcome.marks:
        who = f" by {', '.join(outcome.authors)}" if outcome.authors else ""
        parts.append(f"{count(outcome.marks, 'mark')}{who}")
    verb = "would write" if dry_run else "wrote"
    written = [count(outcome.codings, "coding"), count(outcome.memos, "memo")]
    if outcome.codes:
        written[0] += f" ({_counted(outcome.codes)})"
    if outcome.codings or outcome.memos:
        parts.append(f"{verb} {' and '.join(written)}")
    elif outcome.already:
        parts.append("nothing new")
    if outcome.already:
        parts.append(f"{outcome.already} already in the project")
    click.echo(f"{head}: " + "; ".join(parts))
    for missing in outcome.not_found:
        click.echo(f"  not found in the stored text, left out: {missing}")
    for tag in outcome.unknown_tags:
        close = did_you_mean(tag, codes)  # type: ignore[arg-type]
        click.echo(f"  #{tag} names no code (kept in the memo){close}")
    if outcome.skipped:
        left = ", ".join(f"{n} {kind}" for kind, n in sorted(outcome.skipped.items()))
        click.echo(f"  left out: {left} (no words under them and no comment)")


def _render_total(outcomes: list[FileOutcome], dry_run: bool, given: bool) -> None:
    if not outcomes:
        click.echo(
            "No file to read: "
            + (
                "no PDF or Word file among the paths given."
                if given
                else "the project has no ingested PDF or Word file."
            )
        )
        return
    uncoded: Counter[str] = Counter()
    for outcome in outcomes:
        uncoded.update(outcome.uncoded)
    if uncoded:
        n = sum(uncoded.values())
        kept = ("would be" if dry_run else "was" if n == 1 else "were") + " kept"
        coloured = Counter({c: k for c, k in uncoded.items() if c in COLOURS})
        how = (
            f" ({_counted(coloured)}); to code a colour's marks: --colour COLOUR=CODE, or name"
            " codes in the comments"
            if coloured
            else "; to code one, name its code in the comment (“trust” or “#trust”)"
        )
        click.echo(
            f"{count(n, 'mark')} named no code and {kept} as {'a memo' if n == 1 else 'memos'}"
            + how
        )
    marked = [o for o in outcomes if o.marks]
    codings = sum(o.codings for o in outcomes)
    memos = sum(o.memos for o in outcomes)
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{count(len(outcomes), 'file')} read, {len(marked)} with marks: {verb} "
        f"{count(codings, 'coding')} and {count(memos, 'memo')}."
    )


def _counted(counter: Counter[str]) -> str:
    return ", ".join(f"{key} ×{n}" if n > 1 else key for key, n in counter.most_common())


@export_group.command("annotated-pdfs")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--code", "codes", multiple=True, metavar="ID", help="Only this code (repeat).")
@click.option("--document", "documents", multiple=True, metavar="ID", help="Only this document.")
@click.option("--password", "passwords", multiple=True, help="For encrypted PDFs (repeatable).")
@source_option
@json_option
@project_option
def export_annotated_command(
    out: Path,
    codes: tuple[str, ...],
    documents: tuple[str, ...],
    passwords: tuple[str, ...],
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """A copy of each coded PDF in folder OUT, its codings drawn on it as highlights: to
    read and share in any PDF reader (Acrobat, Preview, a tablet).

    Each highlight is in its theme's colour (a code's own colour if the codebook gives one),
    its comment the code's label and the memo, its author the coder. The project's PDFs are
    not touched. A copy marked further in a reader comes back with `litsynth code
    import-annotations OUT`: what was drawn is in the project already; the new marks are added.
    """
    from litsynth.coding.human.review import check_code
    from litsynth.synthesis.annotated_pdfs import Written, export_annotated

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    project = load(project_dir)
    book = project_codebook(project)
    wanted = [check_code(c, book.codes) for c in codes]
    counted = source or project.settings.synthesis.source
    all_passwords = tuple(passwords) + project_passwords(project)

    def said(done: Written) -> None:
        if done.drawn.problem:
            click.echo(f"{done.source}: not drawn: {done.drawn.problem}")
            return
        missed = (
            f"; {count(len(done.drawn.missed), 'coding')} not found on the page"
            if done.drawn.missed
            else ""
        )
        click.echo(
            f"{done.target}: {count(done.drawn.highlights, 'highlight')} for"
            f" {count(done.codings, 'coding')} of {done.source}{missed}"
        )
        for miss in done.drawn.missed:
            click.echo(f"  not drawn: {miss}")

    with opened(project.store_path) as conn:
        written, key = export_annotated(
            project, conn, book, out, source=counted, codes=wanted, documents=documents,
            passwords=all_passwords, on_document=None if as_json else said,
        )  # fmt: skip
    if as_json:
        print_json({
            "source": counted,
            "files": [{"document_id": w.document_id, "source": w.source,
                       "file": "" if w.drawn.problem else str(w.target),
                       "codings": w.codings, "highlights": w.drawn.highlights,
                       "missed": w.drawn.missed, "problem": w.drawn.problem}
                      for w in written],
            "key": [k.__dict__ for k in key],
        })  # fmt: skip
        return
    if not written:
        click.echo(
            "No coded PDF to draw on: code passages of PDFs first (a text file has no pages)."
        )
        return
    click.echo("Colours: " + "; ".join(f"{k.colour} = {k.label} ({k.kind})" for k in key))
    done = [w for w in written if not w.drawn.problem]
    click.echo(f"{count(len(done), 'PDF')} written to {out}.")


commands: list[click.Command] = []
