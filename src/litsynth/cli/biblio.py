"""`litsynth import`, `dedupe`, `link`, `references`: records from exports to full texts."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import click

from litsynth.biblio import dedupe as dedupe_stage
from litsynth.biblio.attachments import AttachReport, bring_batch_files
from litsynth.biblio.batches import record_search, search_date
from litsynth.biblio.citation_search import import_references
from litsynth.biblio.link import link_by_hand, link_full_texts, require_record
from litsynth.biblio.readers import export_files, import_files
from litsynth.biblio.record_fields import work_type
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.errors import BiblioError
from litsynth.records import BibRecord
from litsynth.store import biblio as biblio_store
from litsynth.store import opened, runs
from litsynth.words import count

if TYPE_CHECKING:
    from litsynth.config import Project
    from litsynth.ingest.adding import Added


@click.command("batches")
@click.option(
    "--remove",
    "remove",
    default=None,
    metavar="BATCH",
    help="Take back that import (its id from the list), while no one has screened its records.",
)
@project_option
@json_option
def batches_command(remove: str | None, project_dir: Path, as_json: bool) -> None:
    """List the imports (a batch per file and source) with their ids, or take one back.

    A batch is removable while nothing a person did rests on its records: before any
    screening decision (the log is append-only), duplicate verdict, link by hand or extracted
    value. Its records, rejected entries, matcher pairs and matched links go with it.
    """
    from litsynth.biblio.batches import list_batches, remove_batch, settings_naming

    project = load(project_dir)
    with opened(project.store_path) as conn:
        if remove is not None:
            removal = remove_batch(conn, remove)
            if as_json:
                print_json(removal.to_json())
                return
            b = removal.batch
            click.echo(
                f"Removed batch {b.id}: {count(b.records, 'record')} from {b.source}"
                f" ({b.file_name})"
            )
            if removal.unlinked or removal.pairs:
                click.echo("  its records were in duplicate groups: run `litsynth dedupe` again")
            for spec in settings_naming(b, project.settings.records.imports):
                click.echo(
                    f"  litsynth.toml's [records] imports lists {spec!r}: the next `litsynth"
                    " run` imports it again unless you take it out there"
                )
            return
        listed = list_batches(conn)
        searches = biblio_store.searches(conn)
    if as_json:
        print_json([b.to_json() for b in listed])
        return
    if not listed:
        click.echo("No imports yet: `litsynth import FILE --source NAME`.")
        return
    for b in listed:
        work = f"; {b.work} with the review's work" if b.work else ""
        click.echo(
            f"{b.id}  {b.source}: {count(b.records, 'record')} ({b.rejected} rejected,"
            f" {b.duplicates} duplicates{work})  {b.file_name}  {b.imported_at[:16]}"
        )
    # the searches behind them, as the Methods will give them (`prisma --methods -`)
    for s in searches:
        click.echo(
            f"searched {s['source']} on {s['searched_on']}: {s['query'] or '(no query told)'}"
        )


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--source",
    default="",
    help="Database the export came from: Scopus, Web of Science, PubMed…; default: the one"
    " the file's records name (a DB field, WOS: numbers, Scopus links).",
)
@click.option(
    "--by-database",
    is_flag=True,
    help="A reference manager's library of several searches: a batch per database its"
    " records name (EndNote's and Zotero's database field, accession numbers, links);"
    " --source names the database of those that name none.",
)
@click.option(
    "--encoding",
    default=None,
    help="Name the file encoding (utf-8, latin-1, gbk); default: detect.",
)
@click.option(
    "--sheet", default=None, help="Workbook sheet to read (name or number); default: the first."
)
@click.option(
    "--searched",
    default=None,
    metavar="DATE",
    help="When SOURCE was searched (YYYY-MM-DD), for the Methods (PRISMA 2020 item 6).",
)
@click.option(
    "--query",
    default="",
    help="The search run there, as typed (item 7); needs --searched.",
)
@click.option(
    "--with-files",
    is_flag=True,
    help="Copy the full texts the records name (Zotero/JabRef `file`, RIS L1, EndNote"
    " internal-pdf://) into corpus/SOURCE/, for `litsynth ingest` and `litsynth link`.",
)
@click.option(
    "--files-from",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Where those files are: relative paths are read from here (default: the export's"
    " folder); EndNote's from the library's .Data/PDF folder.",
)
@project_option
@json_option
def import_command(
    files: tuple[Path, ...],
    source: str,
    by_database: bool,
    encoding: str | None,
    sheet: str | None,
    searched: str | None,
    query: str,
    with_files: bool,
    files_from: Path | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Import bibliographic exports as batches: BibTeX, RIS, CSV/TSV, Excel (.xlsx, .xls), WoS
    tagged text, MEDLINE/.nbib (PubMed, ERIC), EndNote tagged and XML, CSL-JSON (Zotero). A
    folder stands for the exports in it.

    Each file becomes one batch of SOURCE (read from the file when not given: most database
    exports name themselves); importing the same file from the same source again changes
    nothing. Malformed entries are skipped and listed with their line and reason.
    With --searched (and --query), the search behind the files is recorded for the Methods
    (`litsynth prisma --methods -`); it may be told again later, with the same files.
    """
    if files_from is not None and not with_files:
        raise BiblioError("--files-from goes with --with-files", hint="add --with-files")
    if by_database and searched:
        raise BiblioError(
            "--searched tells one search, and --by-database imports several",
            hint="import the library without --searched; tell each database's search with"
            " `[records] searches` in litsynth.toml",
        )
    search_day = search_date(searched, query)
    project = load(project_dir)
    exports, skipped = export_files(files)
    if not exports:
        raise BiblioError(
            f"no export in {', '.join(str(f) for f in files)}",
            hint="a folder's .ris, .bib, .txt, .nbib, .csv, .xlsx… files are read",
        )
    for left in skipped if not as_json else []:
        click.echo(f"{left}: skipped, not a kind of file databases export")
    with opened(project.store_path) as conn:
        outcomes = import_files(
            conn, exports, source, encoding=encoding, sheet=sheet, split=by_database
        )
        failed = [o for o in outcomes if o.error]
        search = None
        searched_sources = list(dict.fromkeys(o.source for o in outcomes if not o.error))
        if search_day is not None and len(searched_sources) > 1:
            raise BiblioError(
                f"--searched names one search, but these files came from {len(searched_sources)}"
                f" databases ({', '.join(searched_sources)})",
                hint="they were imported; tell each search with its own files and --source",
            )
        if search_day is not None and searched_sources:
            search = record_search(conn, searched_sources[0], search_day, query)
        brought = {  # by outcome: a file split by database is several batches
            i: bring_batch_files(
                conn, o.batch_id, Path(o.file_name), project.corpus_dir, files_from
            )
            for i, o in enumerate(outcomes)
            if with_files and not o.error
        }
        if as_json:
            print_json(
                [
                    {
                        **o.to_json(),
                        **({"search": search} if search else {}),
                        **({"files": brought[i].to_json()} if i in brought else {}),
                    }
                    for i, o in enumerate(outcomes)
                ]
            )
        for i, o in [] if as_json else enumerate(outcomes):
            if o.error:
                click.echo(f"{o.file_name}: not imported: {o.error}")
                continue
            if o.already_imported:
                click.echo(
                    f"{o.file_name}: already imported from {o.source} (batch {o.batch_id});"
                    + (" its records' files:" if i in brought else " nothing to do")
                )
                if i in brought:
                    _say_files(brought[i], project.root)
                continue
            click.echo(
                f"{o.file_name}: {count(o.n_records, 'record')} imported, {o.n_rejected} rejected"
                f" ({', '.join(x for x in (o.format, o.encoding) if x)}; batch {o.batch_id})"
            )
            if by_database:  # each batch's source is the part of the library it holds
                click.echo(f"  source: {o.source} ({o.source_from})")
            elif o.source_from:
                click.echo(
                    f"  source: {o.source}, as the file says ({o.source_from}); if it came"
                    f" from elsewhere: `litsynth batches --remove {o.batch_id}`, then import"
                    " it with --source"
                )
            for r in o.rejected:
                click.echo(f"  line {r.line}: {r.reason}")
            for warning in o.warnings:
                click.echo(f"  warning: {warning}")
            if i in brought:
                _say_files(brought[i], project.root)
            if o.n_renamed:
                examples = list(o.renamed.items())[:3]
                shown = "; ".join(f"{w!r} as {g!r}" for w, g in examples)
                more = " …" if o.n_renamed > len(examples) else ""
                click.echo(
                    f"  {count(o.n_renamed, 'record')} kept under a derived id: their id (the"
                    " file's key, or title, authors, year and DOI) was taken, in this file or"
                    f" by an earlier import; `litsynth dedupe` links true duplicates: {shown}{more}"
                )
        if search and not as_json:
            said = "recorded" if search["recorded"] else "already recorded"
            told_query = query.strip()
            what = f": {told_query[:80]}{'…' if len(told_query) > 80 else ''}" if told_query else ""
            click.echo(f"search of {search['source']} on {search_day} {said}{what}")
        if failed:
            unnamed = any(o.unnamed for o in failed)
            fix = "fix or convert the ones named above"
            if unnamed:
                fix = (
                    "--source names the database of the records that name none"
                    if by_database
                    else "name the database of the ones above with --source (Scopus, PubMed…)"
                )
            n_files = len({o.file_name for o in outcomes})
            raise BiblioError(
                f"{len(failed)} of {count(n_files, 'file')} could not be imported"
                f" (first: {failed[0].file_name})",
                hint=("the other files were imported; " if n_files > 1 else "") + fix,
            )  # fmt: skip


def _say_files(report: AttachReport, root: Path) -> None:
    """What --with-files did, and the two commands that read and link the copies."""
    if not (report.copied or report.present or report.missing or report.skipped):
        click.echo("  files: its records name none")
        return
    where = report.folder.relative_to(root) if report.folder.is_relative_to(root) else report.folder
    click.echo(
        f"  files: {count(len(report.copied), 'file')} copied into {where}/,"
        f" {len(report.present)} there already, {len(report.missing)} not found"
        + (f", {report.skipped} not read (web pages saved beside a PDF, other kinds)"
           if report.skipped else "")
    )  # fmt: skip
    for record, path, why in report.missing[:10]:
        click.echo(f"    {record}: {path}: {why}")
    if len(report.missing) > 10:
        click.echo(f"    … and {len(report.missing) - 10} more (--json lists them all)")
    if report.copied:
        click.echo("  next: `litsynth ingest` reads them, `litsynth link` links each to its record")


def render_dedupe(result: dedupe_stage.DedupeResult, by_source: dict[str, dict[str, int]]) -> None:
    click.echo(
        f"{count(result.n_duplicates, 'duplicate')} in {count(len(result.groups), 'group')}"
        f" ({result.method}); {count(len(result.uncertain), 'uncertain pair')} to resolve"
    )
    if result.set_apart:
        click.echo(
            f"  and {count(len(result.set_apart), 'pair')} it was unsure of set apart, not asked:"
            " their DOIs name different works (`litsynth dedupe --set-apart` lists them)"
        )
    if len(by_source) > 1:  # the overlap a review reports, and a check on the matcher (a
        # group's root is its earliest import, so the later databases hold the duplicates)
        click.echo(
            "  duplicates by source: "
            + ", ".join(f"{s} {v['duplicates']} of {v['records']}" for s, v in by_source.items())
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
@click.option(
    "--set-apart",
    "list_apart",
    is_flag=True,
    help="List the maybe pairs set apart because their DOIs differ.",
)
@click.option(
    "--cpu",
    type=click.IntRange(min=1),
    default=None,
    help="Processes bib-dedupe may use (default: one per core; the pairs are the same).",
)
@project_option
@json_option
@click.pass_context
def dedupe_command(
    ctx: click.Context,
    from_column: str | None,
    list_uncertain: bool,
    list_apart: bool,
    cpu: int | None,
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
    with opened(load(project_dir).store_path) as conn:
        if list_apart:
            _show_pairs(
                dedupe_stage.set_apart_pairs(conn), as_json,
                heading=" bib-dedupe was unsure of whose DOIs name different works, most alike"
                " first; one that is the same work after all: `litsynth dedupe resolve A B"
                " --same`",
                empty="No pair was set apart by its DOIs.",
            )  # fmt: skip
            return
        if list_uncertain:
            looked = runs.latest_run(conn, "dedupe") is not None
            _show_pairs(
                dedupe_stage.uncertain(conn), as_json,
                heading=", most alike first (likeness 0–1); settle each with `litsynth dedupe"
                " resolve A B --same|--different`, or in the workspace's Duplicates screen"
                " (`litsynth serve`)",
                empty="No unresolved uncertain pairs." if looked else
                "Duplicates have not been looked for yet: run `litsynth dedupe` first.",
            )  # fmt: skip
            return
        cores = cpu or os.cpu_count() or 1
        result = dedupe_stage.run_dedupe(conn, from_column=from_column, cpu=cores)
        by_source = biblio_store.duplicates_by_source(conn)
        if as_json:
            print_json({**result.to_json(), "by_source": by_source})
        else:
            render_dedupe(result, by_source)


def _show_pairs(
    pairs: list[tuple[BibRecord, BibRecord, float]], as_json: bool, *, heading: str, empty: str
) -> None:
    """Pairs of records side by side, each with its likeness (`--uncertain`, `--set-apart`):
    "N pairs" and `heading`, then two lines a pair, or `empty` when there are none."""
    if as_json:
        print_json([{"a": _brief(a), "b": _brief(b), "likeness": x} for a, b, x in pairs])
        return
    click.echo(f"{count(len(pairs), 'pair')}{heading}" if pairs else empty)
    for a, b, alike in pairs:
        click.echo(f"{a.id}  |  {b.id}  (likeness {alike:.2f})")
        click.echo(f"  {_line(a)}")
        click.echo(f"  {_line(b)}")


def _brief(rec: BibRecord) -> dict[str, object]:
    return {
        "id": rec.id,
        "source": rec.source,
        "title": rec.title,
        "authors": list(rec.authors[:3]),
        "year": rec.year,
        "journal": rec.journal,
        "type": work_type(rec.doc_type, rec.extra),
        "doi": rec.doi,
    }


def _line(rec: BibRecord) -> str:
    first = rec.authors[0] if rec.authors else "?"
    kind = work_type(rec.doc_type, rec.extra)  # "Erratum" beside the article it corrects
    where = " · ".join(x for x in (rec.journal[:40], kind) if x)
    return f"{first} ({rec.year or 'n.d.'}) {rec.title[:90]} — {where} {rec.doi}"


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
    with opened(project.store_path) as conn:
        who = reviewer or project.settings.project.reviewer
        result = dedupe_stage.resolve(conn, record_a, record_b, same=same, reviewer=who, note=note)
        if as_json:
            print_json(result.to_json())
        else:
            verdict = "the same work" if same else "different works"
            click.echo(f"Recorded: {record_a} and {record_b} are {verdict} ({who}).")
            render_dedupe(result, biblio_store.duplicates_by_source(conn))


@click.command("link")
@click.argument("record_id", required=False)
@click.argument("document", required=False)
@click.option("--unlink", is_flag=True, help="Undo the link of RECORD_ID and DOCUMENT.")
@project_option
@json_option
def link_command(
    record_id: str | None, document: str | None, unlink: bool, project_dir: Path, as_json: bool
) -> None:
    """Link records to ingested documents (their full texts) by DOI, title or file field.

    Lists the records whose full text is sought but not found, so a person can add the PDF
    to corpus/ and ingest it, or record the report as not retrieved. With RECORD_ID and
    DOCUMENT (its id, path or file name), links that pair by hand; a file the project does
    not hold yet (a download) is stored in corpus/ and ingested first. With --unlink, undoes
    a link and keeps the automatic matching from linking the pair again.
    """
    if record_id is not None or unlink:
        if record_id is None or document is None:
            raise click.UsageError("give both RECORD_ID and DOCUMENT")
        project = load(project_dir)
        added, given = None, Path(document).expanduser()
        with opened(project.store_path) as conn:
            if not unlink and given.is_file():  # a download, say: in the project first
                added = _add_file(project, conn, record_id, given)
            target = added.document_id if added else document
            rid, doc_id = link_by_hand(conn, record_id, target, unlink=unlink)
        if as_json:
            stored = added.to_json() if added else {}
            print_json({"record_id": rid, "document_id": doc_id, "linked": not unlink, **stored})
            return
        if added is not None and added.file:
            click.echo(f"{given}: stored as {added.file}, {count(added.passages, 'passage')}")
        click.echo(f"{rid} {'unlinked from' if unlink else 'linked to'} document {doc_id}")
        return
    with opened(load(project_dir).store_path) as conn:
        report = link_full_texts(conn)
        if as_json:
            print_json(report.to_json())
            return
        by_method: dict[str, int] = {}
        for link in report.links:
            by_method[link.method] = by_method.get(link.method, 0) + 1
        methods = ", ".join(f"{n} by {m}" for m, n in sorted(by_method.items())) or "none"
        click.echo(f"{count(len(report.links), 'record')} linked to documents ({methods}).")
        click.echo(
            f"{count(report.sought, 'record')} sought ({report.sought_rule});"
            f" {len(report.unmatched)} without a full text:"
        )
        shown = report.unmatched[:_LISTED]
        for rec in shown:
            click.echo(f"  {_line(rec)}  [{rec.id}]")
        if len(report.unmatched) > len(shown):
            click.echo(f"  … and {len(report.unmatched) - len(shown)} more (--json lists them all)")
        if report.unmatched:
            click.echo(
                "To fetch them with a reference manager (Zotero: Find Available PDF):"
                " `litsynth export records to-retrieve.ris --stage to-retrieve`; then put the"
                " PDFs in corpus/ and run `litsynth ingest` and `litsynth link`."
            )


_LISTED = 25  # records without a full text listed in the terminal; --json has them all


def _add_file(project: Project, conn: sqlite3.Connection, record_id: str, path: Path) -> Added:
    """A file named by its path (a download, say) as a document of the project: stored in
    corpus/ and ingested unless the project holds it already, as the workspace's "Attach its
    full text" does (ingest/adding.py)."""
    from litsynth.ingest.adding import add_document, file_name

    require_record(conn, record_id)  # said before anything is stored
    return add_document(project, conn, file_name(path.name, ""), path.read_bytes())


@click.command("references")
@click.option(
    "--document", "documents", multiple=True, metavar="ID", help="Only this document (repeatable)."
)
@click.option(
    "--import", "do_import", is_flag=True, help='Import them as source "citation searching".'
)
@project_option
@json_option
def references_command(
    documents: tuple[str, ...], do_import: bool, project_dir: Path, as_json: bool
) -> None:
    """Read the reference lists of ingested documents (citation searching).

    Without --import this only shows what was read; with it, each document's references
    become one batch of source "citation searching" (PRISMA's other-methods arm).
    """
    with opened(load(project_dir).store_path) as conn:
        results = import_references(conn, list(documents) or None, save=do_import)
        if as_json:
            print_json(
                [
                    {**outcome.to_json(), "references": [vars(r) for r in refs]}
                    for outcome, refs in results
                ]
            )
            return
        for outcome, refs in results:
            verb = "imported" if do_import and not outcome.already_imported else "read"
            note = " (already imported)" if outcome.already_imported else ""
            click.echo(f"{outcome.file_name}: {outcome.n_records} references {verb}{note}")
            if not do_import:
                for ref in refs:
                    first = ref.authors[0] if ref.authors else "?"
                    click.echo(f"  {first} ({ref.year or 'n.d.'}) {ref.title[:80]} {ref.doi}")
            for rej in outcome.rejected:
                click.echo(f"  offset {rej.line}: {rej.reason}")


commands: list[click.Command] = [
    import_command,
    batches_command,
    dedupe_command,
    link_command,
    references_command,
]
