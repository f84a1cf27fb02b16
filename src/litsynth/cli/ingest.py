"""Commands of the ingest stage: init, ingest, search, status.

Each parses its arguments, makes one library call and renders the result (human text by
default, one JSON document with --json).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from litsynth.cli.common import (
    attribute_value,
    json_option,
    load,
    print_json,
    project_option,
    quiet_option,
)
from litsynth.config import Project
from litsynth.errors import ConfigError
from litsynth.store import opened
from litsynth.words import count

# How `status` names each kind of document (Document.kind).
_KIND_NAMES = {"pdf": "PDF", "text": "text", "markdown": "Markdown", "html": "HTML",
               "docx": "Word", "doc": "Word 97–2003", "rtf": "RTF", "odt": "OpenDocument",
               "epub": "EPUB", "jats": "JATS"}  # fmt: skip


@click.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to make a project of (the same as DIRECTORY).",
)
@json_option
def init_command(directory: Path | None, project_dir: Path | None, as_json: bool) -> None:
    """Create an empty review project in DIRECTORY (or --project DIR).

    Makes corpus/ (put documents and the documents.csv metadata sidecar here), codebook/,
    indexes/ (generated, rebuildable) and litsynth.toml with every default commented out.
    Refuses to touch a folder that already is a project.
    """
    from litsynth.scaffold import init_project

    if directory is not None and project_dir is not None and directory != project_dir:
        raise ConfigError(
            f"two folders given: {directory} and --project {project_dir}",
            hint="give the folder once, as DIRECTORY or as --project",
        )
    target = directory or project_dir
    if target is None:
        raise ConfigError("no folder given", hint="run `litsynth init DIRECTORY`")
    result = init_project(target)
    if as_json:
        print_json({"root": str(result.root), "created": list(result.created)})
        return
    click.echo(f"Created a litsynth project in {result.root}")
    for item in result.created:
        click.echo(f"  {item}")
    click.echo(
        f"Next: copy documents into {result.root / 'corpus'} and run "
        f"`litsynth ingest --project {result.root}`"
    )
    # The other ways into a review, in the order most reviews start.
    click.echo(
        f"Then, in {result.root} (or with --project):\n"
        "  database exports: `litsynth import FILE --source NAME`, then `litsynth dedupe`\n"
        "  a codebook: codebook/*.yaml (docs/coding.md), or draft one with"
        " `litsynth code discover --write codebook/draft.yaml`\n"
        "  the workspace (screening, reading, coding): `litsynth serve`\n"
        "  where it all stands, and what to run next: `litsynth status`"
    )


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--password",
    "passwords",
    multiple=True,
    metavar="PW",
    help="Password to try on encrypted PDFs (repeatable).",
)
@click.option("--prune", is_flag=True, help="Delete documents whose files are gone.")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Re-chunk and re-embed everything from the store (after a model or chunker change).",
)
@click.option(
    "--reread",
    is_flag=True,
    help="Read stored files again with this version's readers; codings follow their words.",
)
@click.option(
    "--carry",
    is_flag=True,
    help="A replaced file's codings follow their words to its new version (see docs/ingest.md).",
)
@click.option(
    "--ray",
    "ray_address",
    default="",
    metavar="ADDRESS",
    help="Parse and embed on this Ray cluster ('auto', HOST:PORT); default [cluster]"
    " ray_address. Needs litsynth[ray]; see docs/scale.md.",
)
@project_option
@json_option
@quiet_option
def ingest_command(
    paths: tuple[Path, ...],
    passwords: tuple[str, ...],
    prune: bool,
    rebuild: bool,
    reread: bool,
    carry: bool,
    ray_address: str,
    project_dir: Path,
    as_json: bool,
    quiet: bool,
) -> None:
    """Parse, chunk, embed and index documents (default PATH: the project's corpus/).

    Reads .pdf, .docx, .doc, .rtf, .odt, .epub, .nxml/.xml (JATS), .txt, .md/.markdown,
    .html/.htm and saved pages (.mhtml/.mht/.webarchive). Unchanged files are skipped,
    changed files replace their old passages, and a file that cannot be read is recorded with
    a reason while the run goes on. Metadata comes from corpus/documents.csv.

    A changed file's old version stays in the store if it carries codings, unless --carry
    moves them (each to where its words are in the new text). --reread reads unchanged files
    again, so a newer litsynth's better text reaches papers already coded.
    """
    from litsynth.ingest.incremental import IngestOptions, ingest

    project = load(project_dir)
    report = ingest(
        project,
        IngestOptions(
            paths=paths,
            passwords=passwords,
            prune=prune,
            rebuild=rebuild,
            quiet=quiet or as_json,
            ray_address=ray_address,
            carry=carry,
            reread=reread,
        ),
    )
    if as_json:
        print_json(report.to_json())
        return
    if not quiet:
        _render_ingest(report.to_json())


def _render_ingest(r: dict[str, Any]) -> None:
    n_cached = sum(1 for f in r["failures"] if f["cached"])
    cached = f" ({n_cached} of them unchanged since they failed)" if n_cached else ""
    click.echo(
        f"{r['documents_seen']} files seen: {r['documents_ingested']} ingested, "
        f"{r['documents_skipped_unchanged']} unchanged, {len(r['failures'])} failed{cached}; "
        f"{r['chunks_added']} passages added, {r['chunks_removed']} removed; "
        f"{r['seconds']:.1f} s"
    )
    if r["documents_replaced"]:
        click.echo(f"{r['documents_replaced']} changed files replaced their old passages")
    if r["documents_rechunked"]:
        click.echo(
            f"{r['documents_rechunked']} documents re-chunked; "
            f"{count(r['vectors_reused'], 'passage')} kept their vectors (the same text), "
            f"{r['index_repaired']['added']} embedded"
        )
    if r["paragraphs_renumbered"]:
        click.echo(
            f"paragraph numbers (¶) now counted within each section in "
            f"{count(r['paragraphs_renumbered'], 'stored document')}"
        )
    if r["printed_pages_found"]:
        click.echo(
            f"now cited by their printed page numbers: "
            f"{count(r['printed_pages_found'], 'stored PDF')}"
        )
    if r["metadata_updated"]:
        click.echo(
            f"citation facts (title, authors, year, venue, DOI) updated for "
            f"{count(r['metadata_updated'], 'unchanged document')}"
        )
    repaired = r["index_repaired"]
    if repaired["added"] or repaired["removed"]:
        click.echo(
            f"index repaired: {repaired['added']} vectors added, {repaired['removed']} removed"
        )
    if r["failures"]:
        click.echo("Failures by reason:")
        for reason, n in r["failures_by_reason"].items():
            explanation = next(f["explanation"] for f in r["failures"] if f["reason"] == reason)
            click.echo(f"  {reason}: {n} — {explanation}")
        for f in r["failures"]:
            click.echo(
                f"    {f['path']}: {f['reason']}" + (f" ({f['detail']})" if f["detail"] else "")
            )
    if r["pruned"]:
        click.echo(f"pruned {len(r['pruned'])} missing files: " + ", ".join(r["pruned"]))
    if r["would_prune"]:
        click.echo(
            f"{len(r['would_prune'])} files are gone (run with --prune to remove their "
            "documents): " + ", ".join(r["would_prune"])
        )
    if r["documents_reread_same"]:
        click.echo(f"{count(r['documents_reread_same'], 'file')} read again gave the same text")
    for c in r["carried"]:
        _render_carried(c)
    if any(c["codings"] and not c["kept_old"] for c in r["carried"]):
        click.echo(
            "  suggestions on the new text: `litsynth code suggest` makes them (your decisions"
            " are kept)"
        )
    _render_kept(r)
    if r["marked"]:
        shown = ", ".join(
            f"{Path(p).name} ({count(n, 'comment' if p.endswith('.docx') else 'mark')})"
            for p, n in r["marked"][:5]
        )
        more = f" and {len(r['marked']) - 5} more" if len(r["marked"]) > 5 else ""
        click.echo(
            f"marks made in a PDF reader or Word: {shown}{more}; `litsynth code"
            " import-annotations` brings them in as codings and memos"
        )
    for warning in r["warnings"]:
        click.echo(f"warning: {warning}", err=True)


def _render_kept(r: dict[str, Any]) -> None:
    """Documents left as they were because people coded them, each kind with its command: a
    replaced file's old version (--carry), a stored one a read again would improve (--reread)."""
    not_reread = r["not_reread"]
    versions = [d for d in r["kept_with_human_work"] if d not in not_reread]
    if versions:
        n = len(versions)
        click.echo(
            f"kept {count(n, 'old document version')}: human codings point at"
            f" {'it' if n == 1 else 'them'}"
        )
        if not any(c["kept_old"] for c in r["carried"]):
            click.echo(
                "  `litsynth ingest --carry` moves each coding to where its words are in the"
                " new version"
            )
    if not_reread:
        n = len(not_reread)
        click.echo(
            f"kept {count(n, 'document')} as {'it was' if n == 1 else 'they were'}, not read"
            " again (OCR can read scanned pages now, or a newer reader would read it): human"
            " codings point at it; `litsynth ingest --reread` reads it again, each coding"
            " following its words"
        )


def _render_carried(c: dict[str, Any]) -> None:
    """One document's carried work, and each coding left behind with its words."""
    changed = f" ({c['changed']} of them where the text changed a little)" if c["changed"] else ""
    parts = [count(c[k], k[:-1]) for k in ("codings", "memos") if c[k]]
    moved = " and ".join(parts) or "nothing"
    if not c["kept_old"]:
        click.echo(f"{c['path']}: {moved} carried to the new {c['onto']}{changed}")
        return
    if c["codings"] or c["memos"]:
        click.echo(f"{c['path']}: {moved} carried to the new text{changed}, but")
    click.echo(
        f"{c['path']}: {count(len(c['left']), 'coding')} not found in the new text, so the old"
        " text is kept with them:"
    )
    for left in c["left"]:
        click.echo(f"    {left['code']}: “{left['quote']}”")


@click.command("search")
@click.argument("query")
@click.option(
    "-k",
    "k",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many passages to return.",
)
@click.option("--code", default=None, metavar="ID", help="Only passages coded with this code.")
@click.option("--theme", default=None, metavar="ID", help="Only passages under this theme.")
@click.option("--year-min", type=int, default=None, help="Only documents from this year on.")
@click.option("--year-max", type=int, default=None, help="Only documents up to this year.")
@click.option(
    "--attribute",
    default=None,
    metavar="NAME=VALUE",
    help="Only documents with this attribute value (a documents.csv column), e.g. industry=retail.",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    metavar="ROLE",
    help="Only passages of this role (repeat for several): body, abstract, front matter,"
    " references, acknowledgements, captions/tables, boilerplate; or all. Default: body and"
    " abstract.",
)
@click.option(
    "--per-document",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="At most N passages from one document (1: each document's best passage, so the"
    " hits are the documents that speak to the query).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the hits as a sheet (.xlsx or .csv): citation, the sentence that answers,"
    " the passage, pages, scores; an evidence table to start from.",
)
@project_option
@json_option
def search_command(
    query: str,
    k: int,
    code: str | None,
    theme: str | None,
    year_min: int | None,
    year_max: int | None,
    attribute: str | None,
    roles: tuple[str, ...],
    per_document: int | None,
    out: Path | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Find the passages that answer QUERY, by meaning and by words, best first, with citations.

    The passages are ranked by their vectors' cosine to the query's and by their words
    (BM25), and the two rankings fused; the number before each hit is that fused score (1.0:
    first in both). Each snippet starts at the hit's sentence closest to the query.
    """
    from litsynth.records import roles_wanted
    from litsynth.search import search

    if not query.strip():
        raise click.BadParameter("the query is empty", param_hint="QUERY")
    wanted = attribute_value(attribute)
    project = load(project_dir)
    with opened(project.store_path) as conn:
        passages = search(
            conn,
            project,
            query,
            k=k,
            code=code,
            theme=theme,
            year_min=year_min,
            year_max=year_max,
            attribute=wanted,
            roles=roles_wanted(roles),
            per_document=per_document,
        )
    if out is not None:
        from litsynth.search_sheet import write_hits

        write_hits(passages, query, out)
        if not as_json:
            click.echo(f"written {out} ({count(len(passages), 'hit')})")
            return
    if as_json:
        print_json([p.to_json() for p in passages])
        return
    if not passages:
        click.echo("No passages found.")
    for rank, p in enumerate(passages, start=1):
        click.echo(f"{rank}. [{p.score:.3f}] {p.citation} — {p.title}")
        click.echo(f"   {p.snippet()}")
        click.echo(f"   chunk {p.chunk_id}")


@click.command("status")
@click.option(
    "--failures",
    "list_failures",
    is_flag=True,
    help="List the files that could not be ingested, by reason, with what to do about each.",
)
@project_option
@json_option
def status_command(project_dir: Path, list_failures: bool, as_json: bool) -> None:
    """Show documents, pages, passages, failures by reason, whether the index is fresh, where
    the coding stands (codebook, decisions, suggestions and whether they know the latest
    decisions) and where the records stand (imported, deduplicated, screened, linked)."""
    from litsynth.biblio.overview import lines
    from litsynth.coding.overview import lines as coding_lines
    from litsynth.ingest.failures import failure_hint
    from litsynth.search import status
    from litsynth.store.backup import FOLDER, backup_status
    from litsynth.store.report import failures as failed_files

    project = load(project_dir)
    with opened(project.store_path) as conn:
        s = status(conn, project)
        failed = failed_files(conn) if list_failures else []
        s["backups"] = backup_status(conn, project.root / FOLDER)
        s["framework"] = _framework_progress(conn, project) if s["coding"] else []
    if list_failures:
        s["failed_files"] = [{"path": p, "reason": r, "detail": d} for p, r, d in failed]
    if as_json:
        print_json(s)
        return
    kinds = ", ".join(f"{_KIND_NAMES.get(k, k)} {n}" for k, n in s["kinds"].items())
    click.echo(
        f"documents: {s['documents']}"
        + (f" ({kinds})" if kinds else "")
        + f"   pages/sections: {s['pages']}   passages: {s['chunks']}"
    )
    failures = s["failures"]
    click.echo(
        "failures: "
        + (", ".join(f"{r} {n}" for r, n in failures.items()) if failures else "none")
        + ("  (`litsynth status --failures` names the files)" if failures and not failed else "")
    )
    for reason in failures if failed else ():
        details = [detail for _, why, detail in failed if why == reason]
        click.echo(f"  {reason}: {failure_hint(reason, details)}")
        for path, why, detail in failed:
            if why == reason:
                click.echo(f"    {path}" + (f" ({detail})" if detail else ""))
    fresh = "fresh" if s["index_fresh"] else "STALE"
    click.echo(
        f"index: {fresh} ({s['index']['chunks']} vectors, model {s['model']}, "
        f"chunker {s['chunker']}; search {s['index']['layout']})"
    )
    for problem in s["index_problems"]:
        click.echo(f"  - {problem}")
    if s["index_fix"]:
        click.echo(f"  {s['index_fix']}")
    click.echo(f"last ingested: {s['last_ingested'] or 'never'}")
    _render_backups(s["backups"])
    _render_citations(s)
    _render_scans(s)
    for line in coding_lines(s["coding"]) if s["coding"] else ():
        click.echo(line)
    for kind in s["framework"]:
        what = f"{kind['rows']} × {kind['cols']}".replace("documents × themes", "sources × themes")
        stale = f"; {kind['out_of_date']} out of date" if kind["out_of_date"] else ""
        click.echo(f"framework ({what}): {kind['written']} of {kind['cells']} cells summarised"
                   f"{stale} (`litsynth framework table`)")  # fmt: skip
    for line in lines(s["records"]):
        click.echo(line)


def _framework_progress(conn: Any, project: Project) -> list[dict[str, object]]:
    """The framework matrices summarised so far; none with a codebook that cannot be read
    (the coding line says why)."""
    from litsynth.coding.codebook.load import project_codebook
    from litsynth.errors import CodebookError
    from litsynth.synthesis.from_store import framework_progress

    try:
        book = project_codebook(project, required=False)
    except CodebookError:
        return []
    if book is None:
        return []
    return framework_progress(
        conn, book, source=project.settings.synthesis.source,
        appraisal_form=project.appraisal_form_path,
    )  # fmt: skip


def _render_backups(b: dict[str, Any]) -> None:
    """The newest backup, or that the human work in the store has none yet."""
    if b["newest"]:
        from datetime import UTC, datetime

        when = b["newest"].replace("T", " ")[:16]
        made = datetime.strptime(b["newest"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        days = (datetime.now(UTC) - made).days
        old = f", {days} days old" if days >= 7 else ""  # a week's work not in any backup
        click.echo(
            f"backups: {b['count']} in {Path(b['folder']).name}/, the newest {when} UTC{old}"
            " (`litsynth backup` makes one now)"
        )
    elif b["holds_work"]:
        click.echo(
            "backups: none yet; `litsynth backup` copies the store safely, even while the"
            " workspace runs (`litsynth serve` makes one a day)"
        )


def _render_citations(s: dict[str, Any]) -> None:
    """Which documents cite as "Anon." or "n.d.", and how to mend them."""
    lacking = {"authors": s["without_authors"], "year": s["without_year"]}
    if not s["documents"] or not any(lacking.values()):
        return
    whole = s["documents"] - len(set(lacking["authors"]) | set(lacking["year"]))
    click.echo(f"citations: {whole} of {count(s['documents'], 'document')} have authors and a year")
    for what, paths in lacking.items():
        if paths:
            names = ", ".join(Path(p).name for p in paths[:5])
            more = f" and {len(paths) - 5} more (--json lists them)" if len(paths) > 5 else ""
            click.echo(f"  no {what} ({len(paths)}): {names}{more}")
    click.echo(
        "  fill them in corpus/documents.csv, or link the documents to their records"
        " (`litsynth link`)"
    )


def _render_scans(s: dict[str, Any]) -> None:
    """Scans read by OCR, the least sure first (its text is the one to check against the
    page), and documents with pages no one has read."""
    read, unread = s["read_by_ocr"], s["pages_without_text"]
    if read:
        pages = sum(r["pages"] for r in read)
        least = min(read, key=lambda r: r["confidence"])
        click.echo(
            f"read by OCR: {count(len(read), 'document')}, {count(pages, 'page')}; lowest"
            f" confidence {least['confidence']} of 100 ({Path(least['path']).name})"
        )
    for r in unread:
        click.echo(f"pages without text: {Path(r['path']).name}: {r['note']}")
    if s["read_by_older_reader"]:
        click.echo(
            f"read by an older litsynth: {count(len(s['read_by_older_reader']), 'PDF')};"
            " `litsynth ingest --reread` reads them with today's text repairs (codings follow"
            " their words)"
        )
    if s["old_versions"]:
        names = ", ".join(Path(p).name for p in s["old_versions"][:3])
        click.echo(
            f"old versions kept for their codings: {len(s['old_versions'])} ({names});"
            " `litsynth ingest --carry` moves the codings onto the new versions"
        )


@click.command("remove")
@click.argument("document")
@project_option
@json_option
def remove_command(document: str, project_dir: Path, as_json: bool) -> None:
    """Take a document out of the project: the wrong paper, a second download of one.

    DOCUMENT is its id, its path or its file name. Its passages leave the store and the
    index, its records lose it as their full text, and its file moves to corpus/.removed/
    (move it back and ingest to undo). A document with codings or memos is not removed.
    """
    from litsynth.ingest.removing import remove_document

    removed = remove_document(load(project_dir), document)
    if as_json:
        print_json(removed.to_json())
        return
    for path, to in removed.moved:
        click.echo(f"{path}: removed" + (f", its file moved to {to}" if to else ""))
    click.echo(f"{count(removed.passages, 'passage')} out of the store and the index")
    if removed.records:
        click.echo(
            f"no longer the full text of {count(len(removed.records), 'record')}: "
            + ", ".join(removed.records)
        )


commands: list[click.Command] = [
    init_command, ingest_command, search_command, status_command, remove_command,
]  # fmt: skip
