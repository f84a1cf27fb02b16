"""Gathering what the report shows from the store and the stages' results.

This is the report's imperative edge: it reads the store and calls the stages' library
functions, then hands plain records (report.contents) to the renderer. Links are relative to the
report folder, so the folder opens from disk: PDFs are copied to sources/ and linked at their
page (`file.pdf#page=N`); text documents become sources/<id>.html with one anchor per passage.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litsynth.biblio.prisma_prose import project_methods, project_paragraph
from litsynth.citations.labels import format_citation, work_label
from litsynth.coding.analysis.discover import Discovery
from litsynth.coding.analysis.themes import Selective
from litsynth.coding.codebook.model import Codebook
from litsynth.config import Project
from litsynth.errors import BiblioError, SynthesisError
from litsynth.ingest.files import on_disk
from litsynth.markup import markup_ranges, shows_markup, without
from litsynth.provenance import library_versions
from litsynth.records import BibRecord, split_parse_notes
from litsynth.report import contents as rm
from litsynth.report.derived import BuiltMatrix, DerivedState
from litsynth.store import biblio as biblio_store
from litsynth.store import report as q
from litsynth.store import runs
from litsynth.store.passages import decode_authors
from litsynth.synthesis.matrix import Matrix


def _doc_label(row: sqlite3.Row) -> str:
    authors = decode_authors(row["authors"])
    return work_label(authors, row["year"], title=row["title"], path=row["path"])


def source_href(row: sqlite3.Row, chunk_id: str, page: int) -> str:
    """Where a passage's back-link points, relative to index.html."""
    if row["kind"] == "pdf":
        return f"sources/{row['id']}.pdf#page={page}"
    return f"sources/{row['id']}.html#c-{chunk_id}"


def _source_page(conn: sqlite3.Connection, row: sqlite3.Row) -> rm.SourcePage:
    """A text document cut at each passage start, so each passage has an anchor.

    Passages overlap (the chunker's overlap), so each segment runs from one passage's start to
    the next one's: the whole text is shown once, and each anchor lands where its passage begins.
    """
    text = q.document_text(conn, row["id"])
    chunks = q.chunk_rows(conn, row["id"])
    authors = decode_authors(row["authors"])
    hidden = markup_ranges(text) if shows_markup(row["kind"]) else []
    segments = []
    for i, c in enumerate(chunks):
        end = chunks[i + 1]["start"] if i + 1 < len(chunks) else len(text)
        start = 0 if i == 0 else c["start"]
        cite = format_citation(
            authors,
            row["year"],
            kind=row["kind"],
            page_start=c["page_start"],
            page_end=c["page_end"],
            section=c["section"],
            paragraph=c["paragraph"],
            title=row["title"],
            path=row["path"],
        )
        segments.append((c["id"], cite, without(text, hidden, start, end)))
    return rm.SourcePage(
        row["id"], row["title"] or row["path"], f"sources/{row['id']}.html", tuple(segments)
    )


def codebook_tree(book: Codebook, passages_per_code: dict[str, int]) -> tuple[rm.CodeNode, ...]:
    """Themes → categories → codes, with the codes that hang directly off a theme after them."""

    def code_node(code_id: str) -> rm.CodeNode:
        c = book.codes[code_id]
        return rm.CodeNode(
            c.id,
            c.label,
            "code",
            c.definition,
            c.when_to_use,
            c.when_not_to_use,
            tuple(c.keywords),
            c.color or "",
            passages_per_code.get(c.id, 0),
        )

    placed: set[str] = set()

    def category_node(cat_id: str) -> rm.CodeNode:
        cat = book.categories[cat_id]
        codes = [k for k, c in book.codes.items() if c.parent == cat_id]
        placed.update(codes)
        children = tuple(code_node(k) for k in codes)
        return rm.CodeNode(
            cat.id,
            cat.label,
            "category",
            cat.definition,
            n_passages=sum(n.n_passages for n in children),
            children=children,
        )

    nodes = []
    for theme_id, theme in book.themes.items():
        cats = [category_node(k) for k, c in book.categories.items() if c.theme == theme_id]
        loose = [
            code_node(k)
            for k, c in book.codes.items()
            if c.theme == theme_id and k not in placed and c.parent not in book.categories
        ]
        placed.update(n.id for n in loose)
        children = tuple(cats + loose)
        nodes.append(
            rm.CodeNode(
                theme.id,
                theme.label,
                "theme",
                theme.definition,
                children=children,
                n_passages=sum(n.n_passages for n in children),
            )
        )
    orphans = tuple(code_node(k) for k in book.codes if k not in placed)
    if orphans:
        # a heading over the codes no theme holds, not a theme of the codebook: no kind or id shown
        nodes.append(rm.CodeNode("(no theme)", "Codes without a theme", "group", children=orphans))
    return tuple(nodes)


def report_matrix(
    m: Matrix,
    matrix_id: str,
    title: str,
    description: str,
    row_header: str,
    texts: dict[str, str],
    docs: dict[str, sqlite3.Row],
    keywords: dict[tuple[str, str], tuple[str, ...]],
    code_labels: dict[str, str],
) -> rm.Matrix:
    """The synthesis matrix as report cells, each with its passages' full text and back-links."""
    cells = []
    passages: dict[str, tuple[rm.ShownPassage, ...]] = {}
    for i, r in enumerate(m.row_keys):
        row = []
        for j, c in enumerate(m.col_keys):
            refs = m.passages_of(r, c)
            key = f"{matrix_id}-{i}-{j}" if refs else ""
            row.append(rm.Cell(len(refs), len({ref.document_id for ref in refs}), key))
            if refs:
                passages[key] = tuple(
                    rm.ShownPassage(
                        passage=replace(
                            ref.passage,
                            text=texts.get(ref.document_id, "")[ref.start : ref.end] or ref.quote,
                        ),
                        href=source_href(docs[ref.document_id], ref.chunk_id, ref.page_start),
                        highlights=tuple(
                            w for code in ref.codes for w in keywords.get((ref.chunk_id, code), ())
                        ),
                        codes=tuple(code_labels.get(code, code) for code in ref.codes),
                        score=ref.score,
                        origin=ref.origin,
                    )
                    for ref in refs
                )
        cells.append(tuple(row))
    return rm.Matrix(
        id=matrix_id,
        title=title,
        description=description,
        row_header=row_header,
        rows=tuple(m.row_labels[r] for r in m.row_keys),
        cols=tuple(m.col_labels[c] for c in m.col_keys),
        cells=tuple(cells),
        passages=passages,
    )


def collect(
    project: Project,
    conn: sqlite3.Connection,
    *,
    codebook: Codebook | None,
    derived: DerivedState,
) -> rm.ReportData:
    """Everything the report shows, from the store and the results the pipeline computed."""
    rows = q.documents_overview(conn)
    docs = {r["id"]: r for r in rows}
    texts = {r["id"]: q.document_text(conn, r["id"]) for r in rows}
    failures = q.failures(conn)
    by_reason: dict[str, int] = {}
    for _, reason, _ in failures:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    holders = q.file_paths(conn)
    copied = {
        f"sources/{r['id']}.pdf": str(found)
        for r in rows
        if r["kind"] == "pdf"
        and (found := on_disk(project.root, [r["path"], *holders.get(r["id"], [])]))
    }
    documents = tuple(
        rm.DocumentRow(
            r["id"],
            r["title"] or Path(r["path"]).name,
            _doc_label(r),
            r["path"],
            r["kind"],
            r["n_pages"],
            r["n_chunks"],
            f"sources/{r['id']}.pdf" if r["kind"] == "pdf" else f"sources/{r['id']}.html",
            *split_parse_notes(
                {k: str(v) for k, v in json.loads(r["attributes"] or "{}").items() if v}
            ),
        )
        for r in rows
    )
    keywords = q.evidence_keywords(conn) if q.table_count(conn, "suggestions") else {}
    labels = {k: c.label for k, c in codebook.codes.items()} if codebook else {}
    per_code: dict[str, int] = {}
    for built in derived.matrices:
        m = built.matrix
        if m.rows == "codes" and m.cols == "codes":
            per_code = {k: m.row_totals[k][0] for k in m.row_keys}
    theme_labels = {k: t.label for k, t in codebook.themes.items()} if codebook else {}
    ingest_run = runs.latest_run(conn, "ingest") or {}
    suggested, human = q.coding_counts(conn)
    return rm.ReportData(
        project=project.settings.project.name,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        documents=documents,
        failures=tuple(failures),
        failures_by_reason=by_reason,
        counts={
            "documents": len(rows),
            "pages / sections": sum(r["n_pages"] for r in rows),
            "passages": sum(r["n_chunks"] for r in rows),
            "machine suggestions": suggested,
            "human codings": human,
            "bibliographic records": q.table_count(conn, "records"),
        },
        settings=_flat(dataclasses.asdict(project.settings)),
        versions=ingest_run.get("versions") or library_versions(),
        prisma_svg="prisma.svg" if derived.prisma_svg else "",
        prisma_counts=derived.prisma.to_json() if derived.prisma is not None else {},
        prisma_rows=tuple(derived.prisma.labelled()) if derived.prisma is not None else (),
        prisma_paragraph=(
            project_paragraph(conn, derived.prisma) if derived.prisma is not None else ""
        ),
        prisma_methods=(
            project_methods(conn, project.appraisal_form_path) if derived.prisma is not None else ""
        ),
        searches=tuple(
            (s["source"], s["searched_on"], s["query"]) for s in biblio_store.searches(conn)
        ),
        **_characteristics(project, conn),
        **_appraisal(project, conn),
        **_findings(project, conn, codebook, derived.matrices),
        **_framework(conn, derived.matrices),
        **_references(project, conn, derived.matrices),
        stopping=_stopping(conn) if derived.prisma is not None else (),
        excluded=_excluded(conn) if derived.prisma is not None else (),
        studies=_studies(conn) if derived.prisma is not None else (),
        codebook=codebook_tree(codebook, per_code) if codebook else (),
        core_category=_core_label(derived.selective, codebook),
        matrices=tuple(
            report_matrix(
                b.matrix, b.id, b.title, b.description, b.row_header, texts, docs, keywords, labels
            )
            for b in derived.matrices
        ),
        source=derived.source,
        waiting=q.waiting_suggestions(conn),
        cited_by_theme={
            theme_labels.get(t, t): tuple(
                rm.CitedWork(
                    w.label,
                    w.reference,
                    w.n_passages,
                    tuple(dict.fromkeys(p.passage_citation for p in w.citing)),
                )
                for w in works
            )
            for t, works in (derived.cited_by_theme or {}).items()
        },
        proposals=_proposals(derived.discovery, docs),
        sources=tuple(_source_page(conn, r) for r in rows if r["kind"] != "pdf"),
        copied_files=copied,
    )


def _studies(conn: sqlite3.Connection) -> tuple[tuple[str, str], ...]:
    """Each study reported in more than one paper, (its main report, the others with their
    full-text decision where it is not an inclusion): how the reports were collated, which
    the flow's studies and reports count. Nothing is read while no report is grouped."""
    from litsynth.biblio import studies_here
    from litsynth.biblio.studies import is_previous_study
    from litsynth.store import studies as studies_store

    if not studies_store.links(conn):
        return ()
    rows = []
    for main, *rest in studies_here.overview(conn).studies:
        others = [r.label + (f" ({r.full_text or 'not assessed'})" if r.full_text != "include"
                             and not is_previous_study(r.record_id) else "")
                  for r in rest]  # fmt: skip
        if others:
            rows.append((main.label, "; ".join(others)))
    return tuple(rows)


def _excluded(conn: sqlite3.Connection) -> tuple[tuple[str, str, str], ...]:
    """The reports excluded at full text, (citation, title, reason), by reason then citation:
    the studies PRISMA 2020 item 16b asks a review to cite with why each was left out, which
    authors otherwise copy out of a spreadsheet by hand."""
    from litsynth.biblio.export import select
    from litsynth.biblio.screening_rules import NO_REASON

    rows = [
        (work_label(e.record.authors, e.record.year, title=e.record.title), e.record.title,
         e.ft_reason or NO_REASON)
        for e in select(conn, "excluded")
    ]  # fmt: skip
    return tuple(sorted(rows, key=lambda row: (row[2], row[0].lower(), row[1].lower())))


def _references(
    project: Project, conn: sqlite3.Connection, matrices: Sequence[BuiltMatrix]
) -> dict[str, Any]:
    """The reference list in `[synthesis] citation_style`, which the report and the manuscript
    draft end with: the included studies, then every other source the sources × themes
    matrix quotes (a document no included record is linked to, such as a seed text, by its
    linked record's fields or its own; in a project of papers without records, those are
    all), so that each quote's citation has its reference. A
    style that cannot be found or read is said where the list would be; the rest of the
    report is drawn."""
    from litsynth.biblio.export import select
    from litsynth.biblio.styled import format_references

    has_records = q.table_count(conn, "records") > 0
    included = [e.record for e in select(conn, "included")] if has_records else []
    themes = next((b.matrix for b in matrices if b.id == "theme-matrix"), None)
    quoted = set(themes.row_keys) if themes is not None else set()
    records = {r.id: r for r in biblio_store.all_records(conn)}
    linked: dict[str, list[str]] = {}
    for link in biblio_store.record_documents(conn):
        linked.setdefault(link["document_id"], []).append(link["record_id"])
    listed = {r.id for r in included}
    others: list[BibRecord] = []
    for row in q.documents_meta(conn):
        if row["id"] not in quoted:
            continue
        own = [records[r] for r in linked.get(row["id"], []) if r in records]
        if any(r.id in listed for r in own):
            continue  # its included study is listed
        others.append(own[0] if own else _document_record(row))
        listed.add(others[-1].id)
    if not included and not others:
        return {}
    try:
        style = project.settings.synthesis.citation_style
        listing = format_references([*included, *others], style)
    except BiblioError as exc:
        return {"references_error": f"{exc.message} ({exc.hint})" if exc.hint else exc.message}
    return {"references": listing, "references_quoted": len(others)}


# Kinds of document that are web pages: their reference says so (a URL, "Retrieved").
_WEB_KINDS = frozenset({"html", "mhtml", "webarchive"})


def _document_record(row: sqlite3.Row) -> BibRecord:
    """A document's own fields (documents.csv, its file's metadata) as a record, for the
    reference list; a document without a title goes by its file name, as its citations do."""
    return BibRecord(
        id=row["id"], source="corpus", batch_id="",
        title=row["title"] or Path(row["path"]).name,
        authors=decode_authors(row["authors"]), year=row["year"],
        doi=row["doi"], journal=row["venue"], doc_type="elec" if row["kind"] in _WEB_KINDS else "",
    )  # fmt: skip


def _stopping(conn: sqlite3.Connection) -> tuple[str, ...]:
    from litsynth.biblio.screening_stop import stopping_statements

    return tuple(stopping_statements(conn))


def _has_studies(conn: sqlite3.Connection) -> bool:
    """Whether the forms' tables can have a row: records imported, or an update's previous
    version told (its studies carry their data before any search of the update is in)."""
    return bool(q.table_count(conn, "records") or q.table_count(conn, "previous_reports"))


def _characteristics(project: Project, conn: sqlite3.Connection) -> dict[str, Any]:
    """The data-extraction table, when the project has a form and included studies, and how
    the data were collected (the Methods' sentence, once any study is filled in)."""
    from litsynth.biblio import extraction, form_reviewers

    path = project.extraction_form_path
    if not path.exists() or not _has_studies(conn):
        return {}
    form = extraction.load_form(path)
    table = extraction.characteristics(conn, form)
    differ = form_reviewers.disagreements(conn, form) if form.independent else []
    return {
        "characteristics": (table.header, *table.rows) if table.rows else (),
        "extraction_methods": form_reviewers.collection_sentence(conn, form),
        "extraction_disagreements": tuple(d.sentence() for d in differ),
    }


def _appraisal(project: Project, conn: sqlite3.Connection) -> dict[str, Any]:
    """The critical-appraisal grid (the studies appraised so far, a column per question), the
    notes beside it, its checklist and its judgements counted, when the project has an
    appraisal form and any study has an answer (an empty grid says nothing)."""
    from litsynth.biblio import appraisal, extraction, form_reviewers
    from litsynth.biblio.appraisal_figure import appraisal_grid

    path = project.appraisal_form_path
    if not path.exists() or not _has_studies(conn):
        return {}
    form = extraction.load_form(path, extraction.APPRAISAL)
    table = extraction.characteristics(conn, form)
    answered = [row for row in table.rows if any(row[1:])]
    if not answered:
        return {}
    grid = [i for i, f in enumerate(form.fields, start=1) if f.type != "text"]
    notes = [i for i, f in enumerate(form.fields, start=1) if f.type == "text"]
    toned = [appraisal.tones(form.fields[i - 1]) for i in grid]
    return {
        "appraisal": tuple((row[0], *(row[i] for i in grid)) for row in (table.header, *answered)),
        "appraisal_tones": tuple(
            tuple(tone.get(row[i], "") for tone, i in zip(toned, grid, strict=True))
            for row in answered
        ),
        "appraisal_notes": tuple(
            (row[0], "; ".join(row[i] for i in notes if row[i]))
            for row in answered
            if any(row[i] for i in notes)
        ),
        "appraisal_grid": appraisal_grid(conn, form),
        "appraisal_methods": appraisal.methods_sentence(conn, form),
        "appraisal_summary": appraisal.summary_sentence(appraisal.judgements(conn, form)),
        "appraisal_disagreements": tuple(
            d.sentence() for d in form_reviewers.disagreements(conn, form)
        ),
    }


def _findings(
    project: Project,
    conn: sqlite3.Connection,
    codebook: Codebook | None,
    matrices: Sequence[BuiltMatrix],
) -> dict[str, Any]:
    """The Summary of Qualitative Findings (header, then a row per theme), when the project
    has a findings.yaml (`litsynth findings init`) and its codebook themes; each study a link
    to its cell of the sources × themes matrix, where its passages are listed."""
    from litsynth.synthesis.findings import load_assessments, table_rows
    from litsynth.synthesis.from_store import findings_from_store

    if codebook is None or not codebook.themes or not project.findings_path.exists():
        return {}
    try:  # a theme renamed since the ratings were written: said where the table would be
        assessed = load_assessments(project.findings_path, list(codebook.themes))
    except SynthesisError as exc:
        return {"findings_error": f"{exc.message} ({exc.hint})" if exc.hint else exc.message}
    # the report's own sources × themes matrix, of the same codings: the findings are built on
    # it (not on a second one), and each study links to its cell
    themes = next((b.matrix for b in matrices if b.id == "theme-matrix"), None)
    found = findings_from_store(
        conn, codebook, source=project.settings.synthesis.source,
        appraisal_form=project.appraisal_form_path, assessments=assessed, themes=themes,
    )  # fmt: skip

    def anchor(document: str, theme: str) -> str:
        if themes is None or document not in themes.row_keys or theme not in themes.col_keys:
            return ""
        return f"cell-theme-matrix-{themes.row_keys.index(document)}-{themes.col_keys.index(theme)}"

    return {
        "findings": tuple(tuple(row) for row in table_rows(found)),
        "findings_studies": tuple(
            tuple((study, n, anchor(d, f.theme)) for d, study, n in f.studies) for f in found
        ),
    }


def _framework(conn: sqlite3.Connection, matrices: Sequence[BuiltMatrix]) -> dict[str, Any]:
    """The framework matrix over the report's own sources × themes matrix (the same codings),
    once anyone has summarised a cell of it; each summary links to its cell's passages."""
    from litsynth.store.framework import latest_summaries
    from litsynth.synthesis.framework import build_framework, where_from
    from litsynth.synthesis.framework_out import said_counts

    themes = next((b.matrix for b in matrices if b.id == "theme-matrix"), None)
    if themes is None:
        return {}
    found = build_framework(themes, latest_summaries(conn, themes.rows, themes.cols))
    if not found.counts()["written"]:
        return {}
    cols = found.col_keys

    def shown(i: int, r: str, c: str) -> tuple[str, str, str, bool]:
        cell = found.cell(r, c)
        anchor = f"cell-theme-matrix-{i}-{themes.col_keys.index(c)}" if cell.refs else ""
        if cell.summary is None:
            n = len(cell.refs)
            return "", f"{n} passage{'s' if n != 1 else ''}" if n else "", anchor, False
        return cell.summary.text, where_from(found, cell), anchor, cell.stale

    rows = tuple(
        (themes.row_labels[r], tuple(shown(i, r, c) for c in cols))
        for i, r in enumerate(themes.row_keys)
        if any(found.cell(r, c).refs or found.cell(r, c).summary for c in cols)
    )
    return {
        "framework_cols": tuple(themes.col_labels[c] for c in cols),
        "framework_rows": rows,
        "framework_said": said_counts(found),
    }


def _flat(settings: dict[str, Any]) -> dict[str, object]:
    return {
        f"{section}.{key}": value
        for section, values in settings.items()
        for key, value in values.items()
    }


def _core_label(selective: Selective | None, codebook: Codebook | None) -> str:
    """The proposed core category, and the theme the codebook marks as core when that is
    another: `code themes` says both, and a report naming only one reads as a contradiction
    of the reviewer's own codebook."""
    core = selective.core if selective is not None else None
    if not core or codebook is None or selective is None:
        return ""

    def named(ident: str) -> str:
        element = codebook.get(ident)  # ids are unique across themes, categories and codes
        return f"{element.label} ({ident})" if element is not None else ident

    marked = [named(t) for t in selective.codebook_core if t != core]
    said = f"; the codebook marks {', '.join(marked)} as core" if marked else ""
    return named(core) + said


def _proposals(
    discovery: Discovery | None, docs: dict[str, sqlite3.Row]
) -> tuple[rm.Proposal, ...]:
    if discovery is None:
        return ()
    out = []
    for cluster in discovery.clusters:
        phrases = tuple(p for p, _ in cluster.phrases[:6])
        nearest = cluster.nearest_code
        quotes = tuple(
            rm.ShownPassage(
                passage=replace(qt.passage, text=qt.text),
                href=source_href(docs[qt.document_id], qt.chunk_id, 1)
                if qt.document_id in docs
                else "#",
            )
            for qt in cluster.quotes[:3]
        )
        near = f"{nearest.label} (similarity {nearest.similarity:.2f})" if nearest else ""
        covered = cluster.verdict == "overlaps"
        out.append(
            rm.Proposal(
                label=cluster.label,
                key_phrases=phrases,
                size=len(cluster.chunk_ids),
                n_documents=len(cluster.documents),
                quotes=quotes,
                overlaps=near if covered else "",
                nearest="" if covered else near,
            )
        )
    # new concepts first, as `code discover --write` drafts them; each group keeps its order
    return tuple(sorted(out, key=lambda p: bool(p.overlaps)))
