"""Files the workspace hands over: the quotes a manuscript is written from, the records of a
stage for a reference manager or as a formatted reference list, a search's hits as a sheet,
and the review's data for deposit. Each is the command line's own export (`litsynth export
quotes`, `export records`, `export references`, `search --out`, `export package`), answered
as an attachment, so the two never differ."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from starlette.responses import Response

from litsynth.biblio.export import ExportedRecord
from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.search import SearchHit
from litsynth.server.replies import codings_source, switch
from litsynth.store import opened
from litsynth.synthesis.framework import Framework
from litsynth.synthesis.words import WordTable

RECORD_TYPES = {
    "ris": "application/x-research-info-systems",
    "bib": "application/x-bibtex",
    "json": "application/vnd.citationstyles.csl+json",  # CSL-JSON's registered type
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sheet_format(fmt: str) -> str:
    """`fmt` when it is a sheet's (csv, xlsx), else the caller's mistake: a 400 saying so."""
    if fmt not in ("csv", "xlsx"):
        raise LitsynthError(f"no sheet format {fmt!r}", hint="format=xlsx or format=csv")
    return fmt


def _attachment(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def quotes_file(project: Project, params: Mapping[str, str]) -> Response:
    """`litsynth export quotes` as a file to download (Markdown, Word or CSV)."""
    from litsynth.coding.codebook.load import project_codebook
    from litsynth.synthesis import quotes
    from litsynth.synthesis.from_store import quotes_from_store

    fmt = params.get("format", "md")
    source = codings_source(params, project)
    title = quotes.bank_title(project.settings.project.name)
    with opened(project.store_path) as conn:
        bank, words = quotes_from_store(conn, project_codebook(project), source=source)
    data = quotes.render(bank, fmt, title=title, counts=words)
    return _attachment(data, quotes.MEDIA_TYPES[fmt], f"quotes.{fmt}")


def records_file(project: Project, params: Mapping[str, str]) -> Response:
    """`litsynth export records` as a file to download: the included studies for a reference
    manager, or the records whose full text is still to find for its PDF finder."""
    from litsynth.biblio import export

    stage = params.get("stage", "included")
    new_only = switch(params, "new_only", default=False)
    with opened(project.store_path) as conn:  # an unknown stage is select's error, as on the CLI
        rows, _ = export.with_previous(conn, stage, new_only=new_only)
    return rows_file(project, rows, params.get("format", "ris"), stage)


def rows_file(project: Project, rows: Sequence[ExportedRecord], fmt: str, name: str) -> Response:
    """Records with the review's decisions as `export records` writes them, to download as
    NAME.FMT (an unknown format is `export.write`'s error)."""
    from litsynth.biblio import export

    with tempfile.TemporaryDirectory() as folder:  # the sheet writers want a path
        path = export.write(rows, fmt, Path(folder) / f"records.{fmt}", root=project.root)
        data = path.read_bytes()
    return _attachment(data, RECORD_TYPES[fmt], f"{name}.{fmt}")


REFERENCE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


def references_file(project: Project, params: Mapping[str, str]) -> Response:
    """`litsynth export references` as a file to download: a stage's records as a reference
    list in the project's citation style (`[synthesis] citation_style`) or the one asked."""
    from litsynth.biblio import export, styled

    stage = params.get("stage", "included")
    fmt = params.get("format", "docx")
    if fmt not in REFERENCE_TYPES:
        raise LitsynthError(f"no reference-list format {fmt!r}", hint="docx, md, html or txt")
    style = params.get("style") or project.settings.synthesis.citation_style
    if "style" in params and (Path(style).name != style or style.lower().endswith(".csl")):
        # a request names a style; a file on this machine is the project's to choose
        raise LitsynthError(
            f"no citation style {style!r}",
            hint="name a style (apa, ieee, …); a .csl file goes in [synthesis] citation_style",
        )
    new_only = switch(params, "new_only", default=False)
    with opened(project.store_path) as conn:
        rows, _ = export.with_previous(conn, stage, new_only=new_only)
    listing = styled.format_references([r.record for r in rows], style)
    with tempfile.TemporaryDirectory() as folder:  # the Word writer wants a path
        data = styled.write_references(listing, Path(folder) / f"references.{fmt}").read_bytes()
    return _attachment(data, REFERENCE_TYPES[fmt], f"references-{stage}.{fmt}")


def hits_file(hits: Sequence[SearchHit], query: str, fmt: str) -> Response:
    """Search hits as the sheet `litsynth search --out` writes (`search_sheet`)."""
    from litsynth.search_sheet import write_hits

    sheet_format(fmt)
    with tempfile.TemporaryDirectory() as folder:  # the sheet writers want a path
        data = write_hits(hits, query, Path(folder) / f"hits.{fmt}").read_bytes()
    return _attachment(data, RECORD_TYPES[fmt], f"hits.{fmt}")


def words_file(table: WordTable, fmt: str) -> Response:
    """A word table as the sheet `litsynth words --out` writes (`word_query.write_words`)."""
    from litsynth.synthesis.word_query import write_words

    sheet_format(fmt)
    with tempfile.TemporaryDirectory() as folder:  # the sheet writers want a path
        data = write_words(table, Path(folder) / f"{table.kind}.{fmt}").read_bytes()
    return _attachment(data, RECORD_TYPES[fmt], f"{table.kind}.{fmt}")


def pairs_file(project: Project, fmt: str) -> Response:
    """The pairs still to settle as the sheet `litsynth dedupe export-sheet` writes."""
    from litsynth.biblio.dedupe_sheet import write_sheet

    sheet_format(fmt)
    with opened(project.store_path) as conn, tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"pairs.{fmt}"  # the sheet writers want a path
        write_sheet(conn, out)
        data = out.read_bytes()
    return _attachment(data, RECORD_TYPES[fmt], f"duplicate-pairs.{fmt}")


def package_file(project: Project, params: Mapping[str, str]) -> Response:
    """`litsynth export package` as a zip to download: the review's data for deposit (PRISMA
    2020 item 27); `anonymise`, `abstracts` and `text` as the command's flags (1 or true)."""
    from litsynth.report.deposit import package_files, slug, zip_bytes
    from litsynth.report.deposit_collect import DepositOptions, collect

    def flag(name: str) -> bool:
        value = params.get(name, "").casefold()
        if value not in ("", "0", "false", "1", "true"):
            raise LitsynthError(
                f"{name}={value!r} is not a yes or no", hint=f"{name}=1 or {name}=0"
            )
        return value in ("1", "true")

    options = DepositOptions(
        abstracts=flag("abstracts"), text=flag("text"), anonymise=flag("anonymise"),
        source=codings_source(params, project),
    )  # fmt: skip
    with opened(project.store_path) as conn:
        parts = collect(conn, project, options)
    name = f"{slug(project.settings.project.name)}-data"
    return _attachment(zip_bytes(package_files(parts), name), "application/zip", f"{name}.zip")


FRAMEWORK_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def framework_file(framework: Framework, fmt: str) -> Response:
    """`litsynth framework table --out` as a file to download: the charting sheet (xlsx,
    csv), or the grid for the manuscript (docx, md)."""
    from litsynth.synthesis.framework_out import write_framework

    if fmt not in FRAMEWORK_TYPES:
        raise LitsynthError(f"no framework format {fmt!r}", hint="format=xlsx, docx, md or csv")
    with tempfile.TemporaryDirectory() as folder:  # the writers want a path
        path = Path(folder) / f"framework.{fmt}"
        write_framework(framework, path, fmt)
        data = path.read_bytes()
    return _attachment(data, FRAMEWORK_TYPES[fmt], f"framework.{fmt}")
