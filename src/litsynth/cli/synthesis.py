"""Synthesis commands: `matrix`, `cited`, `attributes …` and `export refi`.

Each parses its options, calls one function of litsynth.synthesis and renders the result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import click

from litsynth.biblio.export import STAGES as EXPORT_STAGES
from litsynth.cli.common import (
    json_option,
    load,
    new_only_option,
    print_json,
    project_option,
    source_option,
)
from litsynth.cli.groups import export_group
from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Codebook
from litsynth.config import Project
from litsynth.errors import BiblioError, SynthesisError
from litsynth.store import opened
from litsynth.synthesis import attributes as attrs
from litsynth.synthesis import from_store as synth
from litsynth.synthesis import refiqda, tables
from litsynth.synthesis.matrix import CODE_DIMENSIONS
from litsynth.words import count


@contextmanager
def _store(project: Project) -> Iterator[sqlite3.Connection]:
    if not project.store_path.exists():
        raise SynthesisError(
            f"no store at {project.store_path}",
            hint="run `litsynth ingest` (and `litsynth code suggest`) first",
        )
    with opened(project.store_path) as conn:
        yield conn


def _codebook(project: Project) -> Codebook:
    return project_codebook(project)


# ----------------------------------------------------------------------------------- matrix


@click.command("matrix")
@click.option(
    "--rows",
    default="documents",
    show_default=True,
    metavar="DIM",
    help="documents, codes, categories, themes, or attr:NAME (attr:source_type, attr:year, …;"
    " attr:appraisal: each study's overall appraisal, from `litsynth appraise`; attr:study:"
    " the study each document reports, its reports' documents one row, from `litsynth"
    " studies`).",
)
@click.option(
    "--cols",
    default=None,
    type=click.Choice(CODE_DIMENSIONS),
    help="Columns  [default: themes; codes with --cooccurrence].",
)
@click.option(
    "--cooccurrence",
    is_flag=True,
    help="Co-occurrence matrix: --cols on both axes (default codes × codes).",
)
@click.option(
    "--format", "fmt", type=click.Choice(tables.FORMATS), default=None, help="Output format."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (format from its suffix); CSV also writes FILE-passages.csv.",
)
@click.option(
    "--links", type=int, default=0, show_default=True, help="Print N back-links per cell."
)
@source_option
@json_option
@project_option
def matrix_command(
    rows: str,
    cols: str | None,
    cooccurrence: bool,
    fmt: str | None,
    out: Path | None,
    links: int,
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Passages per document (or attribute, or code) × theme (or category, or code).

    Each cell counts the passages coded now, a passage once per cell: by default people's
    codings and the suggestions they accepted (--source machine or both adds the unreviewed
    suggestions). It keeps back-links to them: passage id, pages, quote and citation.
    `--out matrix.xlsx` writes a workbook whose numbers link to their passages, and
    `--out matrix.docx` a Word table that does the same, for the manuscript.
    """
    project = load(project_dir)
    if cooccurrence:
        rows = cols = cols or "codes"
    cols = cols or "themes"
    with _store(project) as conn:
        matrix = synth.matrix_from_store(
            conn,
            _codebook(project),
            rows=rows,
            cols=cols,
            source=source or project.settings.synthesis.source,
            appraisal_form=project.appraisal_form_path,
        )
    if as_json:
        print_json(matrix.to_json())
        return
    if out is not None:
        written = tables.write_matrix(matrix, out, tables.format_of(out, fmt))
        click.echo("Wrote " + ", ".join(str(p) for p in written))
        return
    if fmt in ("csv", "xlsx", "docx"):
        raise SynthesisError(f"--format {fmt} needs --out FILE", hint=f"e.g. --out matrix.{fmt}")
    click.echo(tables.to_markdown(matrix, links_per_cell=links), nl=False)
    if matrix.total[0] == 0:
        click.echo("No passage is coded yet.", err=True)
        click.echo("Hint: run `litsynth code suggest` or code passages by hand.", err=True)


# ------------------------------------------------------------------------------------ cited


@click.command("cited")
@click.option("--theme", default=None, metavar="ID", help="Only this theme (or category, or code).")
@click.option(
    "--by",
    "level",
    type=click.Choice(synth.GROUP_LEVELS),
    default="themes",
    show_default=True,
    help="Group passages by theme, category or code.",
)
@click.option("--limit", type=int, default=10, show_default=True, help="Works per theme (0: all).")
@click.option("--passages", "show_passages", is_flag=True, help="List the citing passages too.")
@click.option(
    "--documents", "by_document", is_flag=True, help="Citation resolution per document instead."
)
@source_option
@json_option
@project_option
def cited_command(
    theme: str | None,
    level: str,
    limit: int,
    show_passages: bool,
    by_document: bool,
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Works cited by each theme's passages, resolved against each document's reference list.

    A passage belongs to a theme when it is coded now with any code of the theme; a citation
    (author–year "Phadnis (2023)", "(Amit & Zott, 2015)" or numeric "[12]") belongs to it when it
    lies inside the coded span. Citations with no matching reference entry are kept, flagged
    "unresolved".
    """
    project = load(project_dir)
    codebook = _codebook(project)
    with _store(project) as conn:
        if by_document:
            report = synth.citations_by_document(synth.store.load_documents(conn))
        else:
            works = synth.cited_works_by_theme(
                conn, codebook, level=level, source=source or project.settings.synthesis.source
            )
    if by_document:
        if as_json:
            print_json(
                [
                    {
                        "document_id": d.document_id,
                        "document": d.label,
                        "references": len(d.references),
                        "citations": d.counts(),
                    }
                    for d in report.values()
                ]
            )
            return
        for d in sorted(report.values(), key=lambda d: d.label):
            counts = (
                ", ".join(f"{n} {status}" for status, n in sorted(d.counts().items()))
                or "no citations"
            )
            click.echo(f"{d.label}: {len(d.references)} reference entries; {counts}")
        return
    if theme is not None:
        if theme not in works:
            raise SynthesisError(
                f"unknown {level[:-1].replace('ie', 'y')} {theme!r}",
                hint=f"{level}: " + ", ".join(works),
            )
        works = {theme: works[theme]}
    if as_json:
        print_json(
            {t: [w.to_json() for w in (ws[:limit] if limit else ws)] for t, ws in works.items()}
        )
        return
    for theme_id, items in works.items():
        element = codebook.get(theme_id)
        label = element.label if element is not None else theme_id
        click.secho(f"{label} ({theme_id}): {len(items)} works cited", bold=True)
        for w in items[:limit] if limit else items:
            flag = "" if w.status == "resolved" else f"  [{w.status}]"
            counts = f"{count(w.n_passages, 'passage')}, {count(w.n_documents, 'document')}"
            click.echo(f"  {w.label:<36} {counts:>24}{flag}")
            if show_passages:
                # one line per passage, however often it cites the work
                raws: dict[tuple[str, str], list[str]] = {}
                for p in w.citing:
                    raws.setdefault((p.passage_citation, p.chunk_id), []).append(f"“{p.raw}”")
                for (where, chunk_id), written in raws.items():
                    click.echo(f"      {where} — {', '.join(written)} ({chunk_id})")
        click.echo()
    shown = {w.status for ws in works.values() for w in (ws[:limit] if limit else ws)}
    for status, meaning in _FLAGS.items():
        if status in shown:
            click.echo(f"[{status}]: {meaning}")


_FLAGS = {
    "ambiguous": "more than one entry of the citing document's reference list fits it",
    "unresolved": "the citing document's reference list has no entry for it",
    "no-reference-list": "the citing document has no reference list litsynth could read"
    " (`litsynth references` shows what was read)",
}


# ------------------------------------------------------------------------------- attributes


@click.group("attributes")
def attributes_group() -> None:
    """Document attributes (source type, industry, …) used as matrix rows."""


@attributes_group.command("import")
@click.argument(
    "csv_path", metavar="CSV", type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@json_option
@project_option
def attributes_import(csv_path: Path, project_dir: Path, as_json: bool) -> None:
    """Set attributes from a CSV with a `file` (or `path`, `id`, `doi`) column.

    Every other column except the bibliographic ones (title, authors, year, venue, doi) becomes
    an attribute; corpus/documents.csv has this shape. Rows that match no document are
    reported and skipped.
    """
    project = load(project_dir)
    with _store(project) as conn:
        result = attrs.import_attributes(conn, csv_path)
    if as_json:
        print_json(asdict(result))
        return
    click.echo(f"Set attributes on {len(result.updated)} document(s) from {csv_path}.")
    for problem in result.skipped:
        click.echo(f"  skipped: {problem}", err=True)


@attributes_group.command("set")
@click.argument("document")
@click.argument("pairs", nargs=-1, required=True, metavar="KEY=VALUE...")
@project_option
@json_option
def attributes_set(document: str, pairs: tuple[str, ...], project_dir: Path, as_json: bool) -> None:
    """Set attributes of one document (id, path or file name); `KEY=` removes KEY."""
    project = load(project_dir)
    with _store(project) as conn:
        doc_id, stored = attrs.set_attributes(conn, document, pairs)
    if as_json:
        print_json({"document": doc_id, "attributes": dict(sorted(stored.items()))})
        return
    click.echo(f"{doc_id}: " + ", ".join(f"{k}={v}" for k, v in sorted(stored.items())))


@attributes_group.command("list")
@json_option
@project_option
def attributes_list(project_dir: Path, as_json: bool) -> None:
    """Every document with its attributes."""
    project = load(project_dir)
    with _store(project) as conn:
        docs = synth.store.load_documents(conn, with_text=False)
    rows = [
        {"id": d.id, "document": d.label, "path": d.path, **d.user_attributes}
        for d in docs.values()
    ]
    if as_json:
        print_json(rows)
        return
    for d in docs.values():
        values = ", ".join(f"{k}={v}" for k, v in sorted(d.user_attributes.items())) or "(none)"
        notes = ", ".join(f"{k}={v}" for k, v in sorted(d.parse_notes.items()))
        click.echo(f"{d.id}  {d.path}: {values}" + (f"  (ingest: {notes})" if notes else ""))


# ------------------------------------------------------------------------------ export refi


@export_group.command("refi")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--codebook",
    "qdc",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a .qdc codebook.",
)
@click.option(
    "--out",
    "qdpx",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a .qdpx project archive.",
)
@click.option(
    "--project",
    "project_arg",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="The review project folder (holds litsynth.toml).",
)
@click.option(
    "--project-dir", "old_project_dir", type=click.Path(file_okay=False, path_type=Path),
    default=None, hidden=True,
)  # fmt: skip
@source_option
@json_option
def export_refi(
    files: tuple[Path, ...],
    qdc: Path | None,
    qdpx: Path | None,
    project_arg: Path,
    old_project_dir: Path | None,
    source: str | None,
    as_json: bool,
) -> None:
    """REFI-QDA 1.0 exchange files for NVivo, ATLAS.ti, MAXQDA, QualCoder.

    --codebook writes the code tree (themes > categories > codes) as a .qdc file; --out a
    .qdpx archive with the sources' canonical text, every current coding as a text selection,
    the coders, memos as notes and codebook relations as links (or name FILES ending in .qdc
    or .qdpx: `litsynth export refi review.qdpx`). Unreviewed machine suggestions (--source
    machine or both) are not anyone's codings: they come on their own codes, "<label>
    (suggested)", gathered in the set "Unreviewed machine suggestions".
    """
    project_dir = project_arg
    if project_arg.suffix.lower() == ".qdpx":
        # The old spelling: --project named the archive and --project-dir the folder.
        click.echo(
            "Note: write the archive with --out FILE.qdpx; --project is the folder.", err=True
        )
        qdpx, project_dir = qdpx or project_arg, Path(".")
    if old_project_dir is not None:
        click.echo("Note: --project-dir is now --project.", err=True)
        project_dir = old_project_dir
    for file in files:  # `export refi review.qdpx`: the kind follows the name
        kind = file.suffix.lower()
        if kind not in (".qdpx", ".qdc"):
            raise SynthesisError(
                f"{file}: not a REFI-QDA file name",
                hint="name the archive FILE.qdpx (or --out) and the codebook FILE.qdc"
                " (or --codebook)",
            )
        if kind == ".qdpx":
            qdpx = qdpx or file
        else:
            qdc = qdc or file
    if qdc is None and qdpx is None:
        raise SynthesisError(
            "nothing to export", hint="give --codebook FILE.qdc and/or --out FILE.qdpx"
        )
    project = load(project_dir)
    codebook = _codebook(project)
    written: dict[str, object] = {}
    if qdc is not None:
        qdc.write_bytes(refiqda.codebook_xml(codebook))
        written["codebook"] = str(qdc)
    if qdpx is not None:
        with _store(project) as conn:
            summary = refiqda.export_project(
                conn,
                codebook,
                qdpx,
                name=project.settings.project.name,
                source=source or project.settings.synthesis.source,
                appraisal_form=project.appraisal_form_path,
            )
        written["project"] = str(qdpx)
        written.update(summary)
    if as_json:
        print_json(written)
        return
    for key, value in written.items():
        click.echo(f"{key}: {value}")


def _out_file(file: Path | None, out: Path | None, example: str) -> Path:
    """FILE or --out: `screen export` takes its sheet first, so people type it so here too."""
    if file is not None and out is not None and file != out:
        raise SynthesisError(f"two files to write: {file} and --out {out}", hint="name one of them")
    chosen = out or file
    if chosen is None:
        raise SynthesisError("no file to write", hint=f"name it: e.g. {example} (or --out FILE)")
    return chosen


_FILE_ARGUMENT = click.argument(
    "file", required=False, type=click.Path(dir_okay=False, path_type=Path)
)


@export_group.command("records")
@_FILE_ARGUMENT
@click.option(
    "--stage",
    type=click.Choice(EXPORT_STAGES),
    default="included",
    show_default=True,
    help="Not yet decided at title/abstract (to screen elsewhere: Rayyan, ASReview LAB);"
    " included at title/abstract; of those, still to retrieve (no full-text decision, no"
    " linked document); assessed at full text; of those, excluded (with reasons, PRISMA item"
    " 16b); included in the review; or all.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("ris", "bib", "json", "csv", "xlsx")),
    default=None,
    help="RIS or BibTeX for Zotero/EndNote; CSL-JSON for Zotero or pandoc; CSV or XLSX for a"
    " spreadsheet. Default: from the --out name's ending (.ris/.txt, .bib, .json, .csv, .xlsx).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (or name it first: `export records included.ris`).",
)
@new_only_option
@project_option
@json_option
def export_records(
    file: Path | None,
    stage: str,
    fmt: str | None,
    out: Path | None,
    new_only: bool,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Write the records of a screening stage to FILE, for a reference manager or a
    spreadsheet.

    Each record keeps its id and carries the review's decisions and reasons (title/abstract,
    full text) and, for a duplicate, the record it was merged into: RIS in N1 notes, BibTeX
    and CSL-JSON in a note field, CSV/XLSX in columns. For a formatted reference list, see
    `export references`.
    """
    from litsynth.biblio import export

    out = _out_file(file, out, "included.ris")
    fmt = fmt or _format_of(out)
    project = load(project_dir)
    with _store(project) as conn:
        rows, earlier = export.with_previous(conn, stage, new_only=new_only)
    export.write(rows, fmt, out, root=project.root)
    if as_json:
        print_json({"file": str(out), "stage": stage, "format": fmt, "records": len(rows),
                    "previous_version": earlier})  # fmt: skip
        return
    click.echo(
        f"Wrote {count(len(rows), 'record')} ({stage}{export.of_previous(earlier)}) to {out}"
    )


@export_group.command("quotes")
@_FILE_ARGUMENT
@click.option("--code", "codes", multiple=True, metavar="ID", help="Only this code (repeat).")
@click.option("--theme", default=None, metavar="ID", help="Only the codes under this theme.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE: .md (Markdown), .docx (Word) or .csv (or name it first:"
    " `export quotes quotes.docx`). Default: Markdown on stdout.",
)
@source_option
@project_option
@json_option
def export_quotes(
    file: Path | None,
    codes: tuple[str, ...],
    theme: str | None,
    out: Path | None,
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Every coded passage as a quote with its citation, under its code, category and theme:
    what the findings are written from (NVivo's coding summary by code).

    Each quote reads as a manuscript cites it, “…” (Phadnis, 2023, p. 4), with the pages of
    the coded words; memos follow their quote. By default people's codings and the
    suggestions they accepted (--source machine or both adds unreviewed suggestions, marked).
    """
    from litsynth.synthesis import quotes

    if file is not None:
        out = _out_file(file, out, "quotes.docx")
    project = load(project_dir)
    book = _codebook(project)
    wanted = list(codes)
    unknown = [c for c in wanted if c not in book.codes]
    if unknown:
        raise SynthesisError(
            f"no code {unknown[0]!r} in the codebook", hint="see `litsynth report`"
        )
    if theme is not None:
        if theme not in book.themes:
            raise SynthesisError(
                f"no theme {theme!r} in the codebook", hint="see `litsynth report`"
            )
        wanted += [c.id for c in book.codes_of_theme(theme) if c.id not in wanted]
    counted = source or project.settings.synthesis.source
    with _store(project) as conn:
        bank, words = synth.quotes_from_store(conn, book, source=counted, codes=wanted)
    coded = [b for b in bank if isinstance(b, quotes.CodeQuotes)]
    title = quotes.bank_title(project.settings.project.name)
    if out is not None:
        kind = out.suffix.lower().lstrip(".")
        fmt = {"markdown": "md", "txt": "md"}.get(kind, kind)
        if fmt not in quotes.FORMATS:
            raise SynthesisError(
                f"cannot tell the format from the name {out.name!r}",
                hint="end it in .md, .docx or .csv",
            )
        out.write_bytes(quotes.render(bank, fmt, title=title, counts=words))
    if as_json:
        print_json(
            {
                "source": counted,
                "file": str(out) if out else None,
                "codes": [
                    {"code": c.id, "label": c.label, "quotes": [q.to_json() for q in c.quotes]}
                    for c in coded
                ],
            }
        )
        return
    if out is None:
        click.echo(quotes.to_markdown(bank, title=title, counts=words), nl=False)
        return
    quoted = sum(1 for c in coded if c.quotes)
    empty = len(coded) - quoted
    none = f" ({count(empty, 'other code')} with none)" if empty else ""
    click.echo(f"Wrote {words} under {count(quoted, 'code')}{none} to {out}")


_FORMAT_OF = {
    ".ris": "ris", ".txt": "ris", ".bib": "bib", ".json": "json", ".csv": "csv", ".xlsx": "xlsx",
}  # fmt: skip


def _format_of(out: Path) -> str:
    """The export format a file name asks for: `records.xlsx` used to get RIS text."""
    fmt = _FORMAT_OF.get(out.suffix.lower())
    if fmt is None:
        raise BiblioError(
            f"cannot tell the format from the name {out.name!r}",
            hint="end it in .ris, .bib, .json, .csv or .xlsx, or pass --format",
        )
    return fmt


commands: list[click.Command] = [matrix_command, cited_command, attributes_group]
