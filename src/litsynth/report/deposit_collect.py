"""Reading a project into a deposit package's parts (report.deposit lays them out).

This is the deposit's edge: it reads the store and the project's files, and turns each part of
the review into a table of text cells. What is shared by default is what a review may publish:
bibliographic data, decisions, reasons, forms, values, codes and where each coded passage is.
Abstracts and the passages' words belong to their publishers and stay out unless asked for
(a private archive, or open-access texts); reviewers may be numbered instead of named.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from litsynth import __version__
from litsynth.biblio import export
from litsynth.biblio.extraction import APPRAISAL, EXTRACTION, FormKind
from litsynth.biblio.prisma import PrismaFlow, flow_csv
from litsynth.biblio.prisma_prose import project_methods, project_paragraph
from litsynth.biblio.prisma_svg import flow_svg
from litsynth.biblio.prisma_text import render_text
from litsynth.biblio.record_fields import issue_of, pages_of, volume_of
from litsynth.biblio.screening_ops import prisma_flow
from litsynth.coding.codebook.load import codebook_files, project_codebook
from litsynth.config import SETTINGS_FILE, Project
from litsynth.errors import SynthesisError
from litsynth.records import (
    CellSummary,
    Coding,
    Decision,
    Memo,
    PreviousReport,
    PreviousValue,
    StudyLink,
    split_parse_notes,
)
from litsynth.report.deposit import Attached, Column, DepositParts, Table, latest_stamp
from litsynth.report.deposit_notes import memos_table, summaries_table
from litsynth.store import biblio as biblio_store
from litsynth.store import extraction as extraction_store
from litsynth.store import previous as previous_store
from litsynth.store import screening_log
from litsynth.store import studies as studies_store
from litsynth.store.codings import codings as coding_log
from litsynth.store.framework import latest_summaries
from litsynth.store.report import documents_overview
from litsynth.store.synthesis import load_memos
from litsynth.synthesis.from_store import quotes_from_store
from litsynth.synthesis.quotes import CodeQuotes, Heading, under_headings
from litsynth.words import count


@dataclass(frozen=True)
class DepositOptions:
    """What a deposit shares beyond the default: abstracts, the coded words, real names."""

    abstracts: bool = False
    text: bool = False
    anonymise: bool = False
    source: str = "human"  # whose codings: as --source and [synthesis] source say


@dataclass(frozen=True)
class _Logs:
    """What people recorded, read from the store once: the tables are made from it, and the
    package's date and the reviewers' numbers come from every entry in it."""

    decisions: list[Decision]
    verdicts: list[dict[str, Any]]  # on possible duplicates
    values: dict[str, list[dict[str, str]]]  # per form: extraction, appraisal
    codings: list[Coding]
    memos: list[Memo]
    batches: list[dict[str, Any]]  # the imported files
    links: list[dict[str, Any]]  # records to their full-text documents
    studies: list[StudyLink]  # reports grouped into studies
    # an update's previous version's values on its studies, as carried and corrected
    previous_values: list[PreviousValue]
    summaries: list[CellSummary]  # the framework matrix's, as they stand

    @classmethod
    def read(cls, conn: sqlite3.Connection) -> _Logs:
        return cls(
            screening_log.log(conn), biblio_store.resolution_log(conn),
            {k.name: extraction_store.value_log(conn, k.name) for k in (EXTRACTION, APPRAISAL)},
            coding_log(conn), load_memos(conn), biblio_store.batches(conn),
            biblio_store.record_documents(conn), studies_store.links(conn),
            [v for v in previous_store.standing_values(conn) if v.value],
            [s for s in latest_summaries(conn) if s.text],
        )  # fmt: skip

    def entries(self) -> list[tuple[str, str]]:
        """(who, when) of every entry people made, in order of time: each decision, verdict
        on a pair, form value, coding, memo and report grouped into a study."""
        found = [(d.reviewer, d.at) for d in self.decisions]
        found += [(str(v["reviewer"]), str(v["at"])) for v in self.verdicts]
        found += [(v["reviewer"], v["at"]) for values in self.values.values() for v in values]
        found += [(c.coder, c.at) for c in self.codings]
        found += [(m.author, m.at) for m in self.memos]
        found += [(x.reviewer, x.at) for x in self.studies]
        found += [(v.reviewer, v.at) for v in self.previous_values]
        found += [(s.author, s.at) for s in self.summaries]
        # to the second, as the stamps are written in more than one form (Z, +00:00, fractions)
        return sorted(found, key=lambda entry: entry[1][:19].replace(" ", "T"))


def collect(conn: sqlite3.Connection, project: Project, options: DepositOptions) -> DepositParts:
    """Every part of the review the project holds, as the package's tables and files."""
    logs = _Logs.read(conn)
    entries = logs.entries()
    names = _numbered(entries) if options.anonymise else {}
    who = _renamer(names)
    records = export.select(conn, "all", logs.decisions)
    flow = prisma_flow(conn, logs.decisions) if records else None
    tables: list[Table] = []
    attached: list[Attached] = []
    if flow is not None:
        tables += _selection_tables(conn, records, logs, options.abstracts, who)
        methods = project_methods(conn, project.appraisal_form_path)
        paragraph = project_paragraph(conn, flow)
        attached += _flow_files(project, flow, who(methods, text=True), paragraph)
    coded, codebook = _coding_parts(conn, project, logs, options, who)
    forms, filled = _form_parts(project, logs, who)
    tables += coded + forms
    attached += codebook + filled + _project_files(project)
    if names:  # the settings name the default reviewer, the Methods the screeners
        attached = [
            replace(a, content=who(a.content.decode("utf-8", "replace"), text=True).encode())
            for a in attached
        ]
    if not tables:
        raise SynthesisError("nothing to deposit yet: no records, documents or codings",
                             hint="import records or ingest documents first")  # fmt: skip
    parts = DepositParts(
        project=project.settings.project.name,
        made_by=f"litsynth {__version__}",
        as_of=latest_stamp([at for _, at in entries] + [b["imported_at"] for b in logs.batches])
        or "1980-01-01T00:00:00Z",  # nothing dated: zip's earliest date
        tables=tuple(tables),
        attached=tuple(attached),
        flow_text=render_text(flow) if flow is not None else "",
        left_out=_left_out(options, names, told=any(t.name == "searches" for t in tables)),
    )
    return _with_statement(parts)


def _selection_tables(
    conn: sqlite3.Connection,
    records: list[export.ExportedRecord],
    logs: _Logs,
    abstracts: bool,
    who: _Rename,
) -> list[Table]:
    """The records, their imports and searches, the screening log, the verdicts on
    duplicates and an update's previous version: what the flow is counted from."""
    searches = _searches(conn)
    tables = [_records(records, logs, abstracts), _imports(logs.batches),
              *([searches] if searches.rows else []), _screening(logs.decisions, who)]  # fmt: skip
    if logs.verdicts:
        tables.append(_verdicts(logs.verdicts, who))
    earlier = previous_store.reports(conn)
    if earlier:
        tables.append(_previous(earlier))
    return tables


def _coding_parts(
    conn: sqlite3.Connection, project: Project, logs: _Logs, options: DepositOptions, who: _Rename
) -> tuple[list[Table], list[Attached]]:
    """The documents, the codings the synthesis counts with the codebook, and the memos."""
    tables: list[Table] = []
    files: list[Attached] = []
    documents = documents_overview(conn)
    if documents:
        tables.append(_documents(documents, logs.links))
    book = project_codebook(project, required=False)
    if book is not None:
        bank, _ = quotes_from_store(conn, book, source=options.source)
        codings = _codings(bank, who, options.text)
        if codings.rows:
            tables.append(codings)
        files += [
            Attached(f"codebook/{path.name}", "the codebook the passages were coded with",
                     path.read_bytes())
            for path in codebook_files(project.codebook_path)
        ]  # fmt: skip
    if logs.memos:
        tables.append(memos_table(logs.memos, who))
    if logs.summaries:
        tables.append(summaries_table(logs.summaries, who))
    return tables, files


def _form_parts(project: Project, logs: _Logs, who: _Rename) -> tuple[list[Table], list[Attached]]:
    """Each form's values and, once it has any, the form itself (item 27's templates)."""
    tables: list[Table] = []
    files: list[Attached] = []
    for kind, form_path in ((EXTRACTION, project.extraction_form_path),
                            (APPRAISAL, project.appraisal_form_path)):  # fmt: skip
        values = logs.values[kind.name]
        if values:
            tables.append(_values(kind, values, who))
        carried = [v for v in logs.previous_values if v.form == kind.name]
        if (values or carried) and form_path.is_file():
            files.append(Attached(f"forms/{kind.name}{form_path.suffix}", f"the {kind.what}",
                                  form_path.read_bytes()))  # fmt: skip
    if logs.previous_values:
        tables.append(_previous_values(logs.previous_values, who))
    return tables, files


def _project_files(project: Project) -> list[Attached]:
    """The settings the review ran with (criteria, reasons, automation rules) and the
    findings with their GRADE-CERQual assessment, as the project holds them."""
    files = []
    settings = project.root / SETTINGS_FILE
    if settings.is_file():
        files.append(Attached(SETTINGS_FILE, "the project's settings: screening criteria,"
                              " exclusion reasons, automation rules, the files it reads",
                              settings.read_bytes()))  # fmt: skip
    if project.findings_path.is_file():
        files.append(Attached(f"findings/{project.findings_path.name}",
                              "the findings and their GRADE-CERQual assessment",
                              project.findings_path.read_bytes()))  # fmt: skip
    return files


# ---- the tables -------------------------------------------------------------------------

_RECORD_COLUMNS = (
    Column("record_id", "the record's id: the export's own id (BibTeX key, RIS ID) or a hash"
           " of its content"),
    Column("source", "the database or other method it was found by, as imported"),
    Column("import_file", "the export file it came from (see imports.csv)"),
    Column("duplicate_of", "for a duplicate, the record it was merged into; empty otherwise"),
    Column("title", "title"),
    Column("authors", "authors, 'Family, Given', separated by '; '"),
    Column("year", "publication year", "integer"),
    Column("journal", "journal or venue"),
    Column("volume", "volume"),
    Column("issue", "issue"),
    Column("pages", "pages"),
    Column("doi", "DOI, lower case, without a resolver"),
    Column("doc_type", "type of work as the database gave it"),
    Column("title_abstract_decision", "the decision that counts at title/abstract: include,"
           " exclude, maybe; empty when undecided or a duplicate"),
    Column("title_abstract_reason", "its reason"),
    Column("full_text_decision", "the decision that counts at full text: include, exclude,"
           " not-retrieved"),
    Column("full_text_reason", "its reason (the exclusion reasons of PRISMA 2020 item 16b)"),
    Column("documents", "the ids of its full-text documents (see documents.csv), '; '"),
    Column("study", "the study it reports: its main report's record_id, its own when the"
           " study has one report (`litsynth studies`), previous:STUDY for a new report of a"
           " study the previous version included (STUDY: previous.csv's); empty for a"
           " duplicate"),
)  # fmt: skip


def _records(records: list[export.ExportedRecord], logs: _Logs, abstracts: bool) -> Table:
    files = {b["id"]: Path(b["file_name"]).name for b in logs.batches}
    linked: dict[str, list[str]] = {}
    for link in logs.links:
        linked.setdefault(link["record_id"], []).append(link["document_id"])
    rows = []
    for e in records:
        r = e.record
        row = (r.id, r.source, files.get(r.batch_id, ""), e.duplicate_of, r.title,
               "; ".join(r.authors), str(r.year or ""), r.journal, volume_of(r.extra),
               issue_of(r.extra), pages_of(r.extra).replace("--", "–"), r.doi, r.doc_type,
               e.ta_decision, e.ta_reason, e.ft_decision, e.ft_reason,
               "; ".join(linked.get(r.id, ())),
               e.study)  # fmt: skip
        rows.append((*row, r.abstract) if abstracts else row)
    columns = _RECORD_COLUMNS + ((Column("abstract", "abstract"),) if abstracts else ())
    return Table(
        "records", "every record imported from every search, duplicates included, with the"
        " decisions that count", "One row per imported record, in import order.", columns,
        tuple(rows), primary_key=("record_id",),
    )  # fmt: skip


def _imports(batches: list[dict[str, Any]]) -> Table:
    rows = tuple(
        (Path(b["file_name"]).name, b["source"], b["format"], b["file_hash"], b["imported_at"],
         str(b["n_records"]), str(b["n_rejected"]))
        for b in batches
    )  # fmt: skip
    columns = (
        Column("import_file", "the export file's name"),
        Column("source", "the database or other method it came from"),
        Column("format", "its format: bibtex, ris, csv, wos, medline, ..."),
        Column("file_sha256", "the first 16 hex digits of the file's SHA-256"),
        Column("imported_at", "when it was imported (ISO 8601, UTC)"),
        Column("records", "records read from it", "integer"),
        Column("rejected", "entries that could not be read (each logged with its line)",
               "integer"),
    )  # fmt: skip
    return Table("imports", "the database export files, as imported",
                 "One row per imported file, in import order.", columns, rows)  # fmt: skip


def _searches(conn: sqlite3.Connection) -> Table:
    rows = tuple((s["source"], s["searched_on"], s["query"]) for s in biblio_store.searches(conn))
    columns = (
        Column("source", "the database, register or other method searched"),
        Column("searched_on", "the date of the search (ISO 8601)"),
        Column("query", "the search string as run there, with its field codes"),
    )
    return Table("searches", "the search strategies (PRISMA 2020 items 6 and 7)",
                 "One row per search told with `litsynth import --searched --query`"
                 ".", columns, rows)  # fmt: skip


def _screening(log: list[Decision], who: _Rename) -> Table:
    rows = tuple(
        (str(n), d.record_id, d.stage, d.decision, d.reason, who(d.reviewer), d.at, d.origin,
         d.note, d.source)
        for n, d in enumerate(log, 1)
    )  # fmt: skip
    columns = (
        Column("seq", "the order decisions were recorded in", "integer"),
        Column("record_id", "the record decided on (records.csv)"),
        Column("stage", "title-abstract or full-text"),
        Column("decision", "include, exclude, maybe, not-retrieved"),
        Column("reason", "the reason given (exclusions at full text must have one)"),
        Column("reviewer", "who decided ('automation' rules and resolutions included)"),
        Column("at", "when (ISO 8601, UTC)"),
        Column("origin", "how it was recorded: terminal, sheet, workspace, automation,"
               " resolution, imported from another tool"),
        Column("note", "the reviewer's note"),
        Column("provenance", "where it came from: a sheet's file and line, a rule"),
    )  # fmt: skip
    return Table("screening-log", "every screening decision, in the order recorded",
                 "The append-only log: a later decision by the same reviewer on the same record"
                 " and stage replaces the earlier one; both stay here.", columns, rows,
                 references={"record_id": "records"})  # fmt: skip


def _verdicts(verdicts: list[dict[str, object]], who: _Rename) -> Table:
    rows = tuple(
        (str(v["record_a"]), str(v["record_b"]), "true" if v["same"] else "false",
         who(str(v["reviewer"])), str(v["at"]), str(v["note"]))
        for v in verdicts
    )  # fmt: skip
    columns = (
        Column("record_a", "one record of the pair"),
        Column("record_b", "the other"),
        Column("same", "whether the reviewer judged them the same work", "boolean"),
        Column("reviewer", "who judged"),
        Column("at", "when (ISO 8601, UTC)"),
        Column("note", "the reviewer's note"),
    )
    return Table("dedupe-verdicts", "people's verdicts on possible duplicates",
                 "Pairs the matcher was unsure of, as a person settled them (the latest verdict"
                 " on a pair stands).", columns, rows,
                 references={"record_a": "records", "record_b": "records"})  # fmt: skip


def _previous(reports: list[PreviousReport]) -> Table:
    rows = tuple(
        (r.id, r.study, r.title, "; ".join(r.authors), str(r.year or ""), r.doi, r.journal,
         r.file_name, r.volume, r.issue, r.pages.replace("--", "–"), r.doc_type)
        for r in reports
    )  # fmt: skip
    columns = (
        Column("report_id", "the report's id in the list it came from"),
        Column("study", "the study it reports (reports of one study share it)"),
        Column("title", "title"),
        Column("authors", "authors, '; '"),
        Column("year", "year", "integer"),
        Column("doi", "DOI"),
        Column("journal", "journal"),
        Column("file", "the previous version's package or list it came from"),
        Column("volume", "volume"),
        Column("issue", "issue"),
        Column("pages", "pages"),
        Column("doc_type", "type of work as the list gave it"),
    )
    return Table("previous", "the studies the previous version of the review included",
                 "One row per report; the flow for updated reviews counts its studies and"
                 " reports apart from the new searches.", columns, rows)  # fmt: skip


def _previous_values(values: list[PreviousValue], who: _Rename) -> Table:
    rows = tuple((v.form, v.study, v.field, v.value, who(v.reviewer), v.at, v.source)
                 for v in values)  # fmt: skip
    columns = (
        Column("form", "extraction or appraisal (forms/)"),
        Column("study", "the previous version's study (previous.csv)"),
        Column("field", "the field of the form"),
        Column("value", "the value that stands"),
        Column("reviewer", "who wrote it: in the previous version, or correcting it in this one"),
        Column("at", "when (ISO 8601, UTC)"),
        Column("provenance", "where it was read: the previous version's package and line, or"
               " this review's sheet or workspace for a correction"),
    )  # fmt: skip
    return Table("previous-values", "the data and appraisal of the previous version's studies",
                 "One row per study and field, as the previous version recorded it or this"
                 " update corrected it: the rows of those studies in this review's tables."
                 " An update of this review carries them on.", columns, rows)  # fmt: skip


def _documents(documents: list[sqlite3.Row], links: list[dict[str, Any]]) -> Table:
    linked: dict[str, list[str]] = {}
    for link in links:
        linked.setdefault(link["document_id"], []).append(link["record_id"])
    attributes = [split_parse_notes(json.loads(d["attributes"] or "{}"))[0] for d in documents]
    keys = sorted({k for a in attributes for k in a})
    fixed = ("document_id", "file", "kind", "title", "authors", "year", "pages", "records")
    rows = []
    for d, attrs in zip(documents, attributes, strict=True):
        row = (d["id"], Path(d["path"]).name, d["kind"], d["title"],
               "; ".join(json.loads(d["authors"] or "[]")), str(d["year"] or ""),
               str(d["n_pages"]), "; ".join(linked.get(d["id"], ())))  # fmt: skip
        rows.append(row + tuple(str(attrs.get(k, "")) for k in keys))
    columns = (
        Column("document_id", "the first 16 hex digits of the file's SHA-256: a reader with"
               " the same file can check it is the same"),
        Column("file", "the file's name"),
        Column("kind", "pdf, text, markdown, html, docx, ..."),
        Column("title", "title"),
        Column("authors", "authors, '; '"),
        Column("year", "year", "integer"),
        Column("pages", "pages (0 for a text without pages)", "integer"),
        Column("records", "the records it is the full text of (records.csv), '; '"),
        *(Column(k if k not in fixed else f"attribute_{k}", f"the attribute '{k}' the"
                 " matrices group by") for k in keys),
    )  # fmt: skip
    return Table("documents", "the full texts coded, identified by their SHA-256",
                 "One row per ingested document.", columns, tuple(rows),
                 primary_key=("document_id",))  # fmt: skip


def _codings(bank: list[Heading | CodeQuotes], who: _Rename, text: bool) -> Table:
    rows = []
    for under, item in under_headings(bank):
        for q in item.quotes:
            p = q.passage
            coder = who(q.coder) if q.origin == "human" else q.coder  # a model keeps its name
            row = (item.id, item.label, under, p.document_id, p.label, p.where, str(p.start),
                   str(p.end), q.origin, coder, q.memo)  # fmt: skip
            rows.append((*row, " ".join(p.text.split())) if text else row)
    columns = (
        Column("code_id", "the code (codebook/)"),
        Column("code", "its label"),
        Column("under", "the theme and category it sits under"),
        Column("document_id", "the document coded (documents.csv)"),
        Column("work", "the work, as cited"),
        Column("where", "where in it: page(s), or section and paragraph"),
        Column("start", "the span's first character in the document's text", "integer"),
        Column("end", "the character after its last", "integer"),
        Column("origin", "human: a person coded it or accepted the suggestion; machine: a"
               " suggestion no one reviewed (only when the synthesis counts them)"),
        Column("coder", "who coded it, or accepted the suggestion; for a machine suggestion,"
               " the model"),
        Column("memo", "the coder's memo"),
        *((Column("text", "the coded words"),) if text else ()),
    )  # fmt: skip
    return Table("codings", "every coded passage the synthesis is built from",
                 "The current codings the synthesis counts, codes in codebook order, passages"
                 " by work.", columns, tuple(rows))  # fmt: skip


def _values(kind: FormKind, values: list[dict[str, str]], who: _Rename) -> Table:
    rows = tuple(
        (v["record_id"], v["field"], v["value"], who(v["reviewer"]), v["at"], v["source"])
        for v in values
    )
    columns = (
        Column("record_id", "the included study (records.csv)"),
        Column("field", f"the field of the {kind.what} (forms/)"),
        Column("value", "the value as validated; empty clears the field"),
        Column("reviewer", "who wrote it"),
        Column("at", "when (ISO 8601, UTC)"),
        Column("provenance", "where it came from: a sheet's file and line, or the workspace"),
    )
    what = "data extracted from the included studies" if kind is EXTRACTION else (
        "the critical appraisal of the included studies")  # fmt: skip
    return Table(kind.name, what, "Every value written, in order; the latest per study and"
                 " field (per reviewer, for an appraisal) stands.", columns, rows,
                 references={"record_id": "records"})  # fmt: skip


def _flow_files(project: Project, flow: PrismaFlow, methods: str, paragraph: str) -> list[Attached]:
    name = project.settings.project.name
    words = f"# {name}: selection\n\n## Methods\n\n{methods}\n\n## Results\n\n{paragraph}\n"
    return [
        Attached("prisma.csv", "the PRISMA 2020 flow in the PRISMA2020 R package's template",
                 flow_csv(flow).encode("utf-8")),
        Attached("prisma.json", "every box of the PRISMA 2020 flow (the template's names)",
                 (json.dumps(flow.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8")),
        Attached("prisma.svg", "the PRISMA 2020 flow diagram",
                 flow_svg(flow, title=name).encode("utf-8")),
        Attached("selection.md", "the selection process and the flow in words (items 8, 16a)",
                 words.encode("utf-8")),
    ]  # fmt: skip


# ---- names, dates, and what is said about the package --------------------------------------


class _Rename(Protocol):
    def __call__(self, name: str, text: bool = False) -> str: ...


def _numbered(entries: list[tuple[str, str]]) -> dict[str, str]:
    """Each person who recorded anything, numbered in order of their first entry (automation
    rules are not a person)."""
    people = dict.fromkeys(who for who, _ in entries if who and who != "automation")
    return {person: f"reviewer {n}" for n, person in enumerate(people, 1)}


def _renamer(names: Mapping[str, str]) -> _Rename:
    """A function giving a person's name in the package: as recorded, or their number. With
    text=True it renames every whole-word mention in a text, in any case (the Methods name
    screeners, and capitalise a name that starts a sentence)."""
    folded = {name.casefold(): number for name, number in names.items()}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"\b({alternatives})\b", re.IGNORECASE) if names else None

    def number(match: re.Match[str]) -> str:
        said = folded[match.group(0).casefold()]
        return said[0].upper() + said[1:] if match.group(0)[0].isupper() else said

    def rename(name: str, text: bool = False) -> str:
        if pattern is None:
            return name
        if text:
            return pattern.sub(number, name)
        return names.get(name, name)

    return rename


def _left_out(options: DepositOptions, names: Mapping[str, str], *, told: bool) -> tuple[str, ...]:
    out = []
    if not told:
        out.append("The search strategies: none was told to litsynth. Record each with"
                   " `litsynth import FILE --source NAME --searched DATE --query TEXT`, or"
                   " deposit them beside this package.")  # fmt: skip
    if not options.abstracts:
        out.append("Abstracts: their publishers hold the copyright. Each record keeps its DOI;"
                   " `litsynth export package --abstracts` includes them.")  # fmt: skip
    out.append(
        "The full texts, for the same reason. Each document is named by the first 16 hex digits"
        " of its file's SHA-256, so a reader holding a PDF can check it is the same file; a coded"
        " passage is located by its document, pages and character offsets into the text"
        " litsynth extracted from it." + ("" if options.text else " `--text` adds the coded words.")
    )
    if options.source == "human":
        out.append("Code suggestions no one reviewed: a suggestion is a coding here only once"
                   " a person accepted it.")  # fmt: skip
    if names:
        out.append(f"Reviewers' names: the {count(len(names), 'person', 'people')} who recorded"
                   " decisions are 'reviewer 1', 'reviewer 2', ... in order of their first"
                   " entry. Free text (reasons, notes, memos) is kept as written: read it"
                   " before you deposit.")  # fmt: skip
    return tuple(out)


def _with_statement(parts: DepositParts) -> DepositParts:
    """The item-27 sentence, naming what this package holds."""
    held = []
    records = parts.table("records")
    if records is not None:
        if parts.table("searches") is not None:  # present only when searches were told
            held.append("the search strategies")
        held.append(f"all {len(records.rows):,} records retrieved with each screening decision"
                    " and its reason, and the PRISMA 2020 flow counts")  # fmt: skip
    if parts.table("extraction") is not None:
        held.append("the data extraction form and the data extracted from the included studies")
    if parts.table("appraisal") is not None:
        held.append("the critical appraisal form and judgements")
    codings = parts.table("codings")
    if codings is not None:
        held.append(f"the codebook and the location of each of the {len(codings.rows):,} coded"
                    " passages")  # fmt: skip
    if not held:
        return parts
    listed = held[0] if len(held) == 1 else ", ".join(held[:-1]) + " and " + held[-1]
    statement = (
        f"{listed[0].upper()}{listed[1:]} are available at [repository URL]"
        f" (data package as of {parts.as_of[:10]}, produced with {parts.made_by})."
    )
    return replace(parts, statement=statement)
