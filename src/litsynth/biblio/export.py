"""Records out again: what a reviewer hands to Zotero, EndNote or a co-author.

`litsynth export records --stage … --format …` writes the records of a screening stage with
what the review decided about each:
- the title/abstract decision and its reason;
- the full-text decision and its reason;
- the source database;
- for a duplicate, the root it was merged into.

RIS keeps these in an N1 note, BibTeX and CSL-JSON (Zotero's and pandoc's) in a note field,
CSV and XLSX in columns. The id of each record is written as RIS `ID`, the BibTeX key, the
CSL item id or the CSV `record_id`, so importing the file into another project gives the
same ids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.csl import to_csl_json
from litsynth.biblio.record_fields import issue_of, pages_of, volume_of, work_type
from litsynth.biblio.sheet_files import write_table
from litsynth.biblio.studies import PREVIOUS, previous_key, studies_of, study_of
from litsynth.biblio.writers import to_bibtex, to_ris
from litsynth.cells import safe_cell
from litsynth.errors import BiblioError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, BibRecord, Decision, PreviousReport
from litsynth.store import biblio as biblio_store
from litsynth.store import previous as previous_store
from litsynth.store import screening_log
from litsynth.store import studies as studies_store

STAGES = (
    "to-screen", "title-abstract", "to-retrieve", "full-text", "excluded", "included", "all",
)  # fmt: skip
FORMATS = ("ris", "bib", "json", "csv", "xlsx")
COLUMNS = (
    "record_id", "title", "authors", "year", "journal", "doi", "abstract", "keywords",
    "language", "doc_type", "source", "duplicate_of", "title_abstract_decision",
    "title_abstract_reason", "full_text_decision", "full_text_reason", "title_abstract_notes",
    "full_text_notes", "volume", "issue", "pages", "work_type", "full_text", "study",
)  # fmt: skip


@dataclass(frozen=True)
class ExportedRecord:
    record: BibRecord
    duplicate_of: str
    ta_decision: str  # the decision that counts (resolution > agreeing reviewers > automation)
    ta_reason: str
    ft_decision: str
    ft_reason: str
    ta_notes: str = ""  # the reviewers' notes at the stage: "ann: conference abstract only"
    ft_notes: str = ""
    full_texts: tuple[str, ...] = ()  # its linked documents' files, as the store has them
    # the study it reports (`litsynth studies`): its main report's id, its own when alone;
    # "" for a duplicate
    study: str = ""
    # a report of the previous version of an updated review: the file its list came from
    previous: str = ""


def select(
    conn: sqlite3.Connection, stage: str, log: Sequence[Decision] | None = None
) -> list[ExportedRecord]:
    """The records of a stage, in import order, each with what the review decided.

    `to-screen`: the unique records nobody has decided at title/abstract yet (for a
    colleague who screens in Rayyan or ASReview LAB: their export comes back through
    `screen import`); `title-abstract`: included at title/abstract (the ones sought for full
    text);
    `to-retrieve`: of those, the ones no full-text decision and no linked document has
    settled yet (the list to fetch, e.g. with a reference manager's "find available PDF");
    `full-text`: those with a full-text decision (assessed); `excluded`: of those, the ones
    excluded, with their reasons (the list PRISMA 2020 item 16b asks a review to cite);
    `included`: included at full text (the studies of the review); `all`: every record,
    duplicates included. `log`: the whole screening log, when the caller has read it.
    """
    if stage not in STAGES:
        raise BiblioError(f"unknown stage {stage!r}", hint=f"one of: {', '.join(STAGES)}")
    files = biblio_store.full_text_paths(conn)
    log = screening_log.log(conn) if log is None else log
    eff = rules.effective(log)
    notes = _notes(log)
    studies = studies_of(studies_store.links(conn))
    out = []
    for rec in biblio_store.all_records(conn):
        ta = eff.get((rec.id, TITLE_ABSTRACT))
        ft = eff.get((rec.id, FULL_TEXT))
        duplicate_of = rec.extra.get("duplicate_of", "")
        keep = {
            "all": True,
            "to-screen": not duplicate_of and ta is None,
            "title-abstract": not duplicate_of and ta is not None and ta.decision == "include",
            "to-retrieve": not duplicate_of
            and ta is not None
            and ta.decision == "include"
            and ft is None
            and rec.id not in files,
            "full-text": not duplicate_of and ft is not None,
            "excluded": not duplicate_of and ft is not None and ft.decision == "exclude",
            "included": not duplicate_of and ft is not None and ft.decision == "include",
        }[stage]
        if keep:
            study = "" if duplicate_of else study_of(studies, rec.id)
            out.append(
                with_decisions(rec, duplicate_of, eff, notes, files.get(rec.id, ()), study=study)
            )
    return out


def with_decisions(
    rec: BibRecord,
    duplicate_of: str,
    eff: Mapping[tuple[str, str], rules.Effective],
    notes: Mapping[tuple[str, str], str],
    full_texts: Sequence[str],
    *,
    decided_as: str = "",
    study: str = "",
) -> ExportedRecord:
    """`rec` with the decisions that count at each stage (`rules.effective`), read under
    `decided_as` (its group's root, whose decisions a duplicate's are) or its own id."""
    key = decided_as or rec.id
    ta, ft = eff.get((key, TITLE_ABSTRACT)), eff.get((key, FULL_TEXT))
    return ExportedRecord(
        rec,
        duplicate_of,
        ta.decision if ta else "",
        ta.reason if ta else "",
        ft.decision if ft else "",
        ft.reason if ft else "",
        notes.get((key, TITLE_ABSTRACT), ""),
        notes.get((key, FULL_TEXT), ""),
        tuple(full_texts),
        study,
    )


def _notes(log: Sequence[Decision]) -> dict[tuple[str, str], str]:
    """Each record's notes at each stage, from every reviewer's standing decision (the latest
    one each: a later decision without a note takes the note back), "ann: …; ben: …"."""
    standing: dict[tuple[str, str], dict[str, str]] = {}
    for d in log:
        standing.setdefault((d.record_id, d.stage), {})[d.reviewer] = d.note.strip()
    return {
        key: "; ".join(f"{who}: {note}" for who, note in by.items() if note)
        for key, by in standing.items()
        if any(by.values())
    }


def _row(e: ExportedRecord) -> list[str]:
    r = e.record
    return [
        r.id, r.title, "; ".join(r.authors), str(r.year or ""), r.journal, r.doi, r.abstract,
        "; ".join(r.keywords), r.language, r.doc_type, r.source, e.duplicate_of,
        e.ta_decision, e.ta_reason, e.ft_decision, e.ft_reason, e.ta_notes, e.ft_notes,
        volume_of(r.extra), issue_of(r.extra), pages_of(r.extra).replace("--", "–"),
        work_type(r.doc_type, r.extra), "; ".join(e.full_texts), e.study,
    ]  # fmt: skip


def _attached(full_texts: Sequence[str], root: Path | None) -> str:
    """The first full text's path for a reference manager: absolute, under `root`."""
    if not full_texts:
        return ""
    first = Path(full_texts[0])
    return str(first if first.is_absolute() or root is None else (root / first).resolve())


def previous_included(
    conn: sqlite3.Connection, included: Sequence[ExportedRecord]
) -> list[ExportedRecord]:
    """An updated review's previous version's reports, to list with the update's `included`
    records: the review's included studies are both. Each is named `previous:ID` (ID: its id
    in the previous version's list, which may be an id the update's records use too); one
    the update included again (same DOI or title) is listed once, as the update's record."""
    from litsynth.biblio.previous import found_again

    reports = previous_store.reports(conn)
    again = {f.report_id for f in found_again([e.record for e in included], reports)}
    return [_previous_report(r) for r in reports if r.id not in again]


def _previous_report(r: PreviousReport) -> ExportedRecord:
    given = (("volume", r.volume), ("number", r.issue), ("pages", r.pages))
    record = BibRecord(id=f"{PREVIOUS}{r.id}", source="previous version", batch_id="",
                       title=r.title, authors=r.authors, year=r.year, doi=r.doi,
                       journal=r.journal, doc_type=r.doc_type,
                       extra={k: v for k, v in given if v})  # fmt: skip
    return ExportedRecord(record, "", "", "", "include", "", study=previous_key(r.study),
                          previous=r.file_name)  # fmt: skip


def _note(e: ExportedRecord) -> str:
    if e.previous:
        said = f"included in the previous version of the review ({e.previous})"
        return f"litsynth: {said}; study: {e.study}"
    parts = [f"source: {e.record.source}"]
    if e.duplicate_of:
        parts.append(f"duplicate of {e.duplicate_of}")
    for stage, decision, reason in (
        ("title/abstract", e.ta_decision, e.ta_reason),
        ("full text", e.ft_decision, e.ft_reason),
    ):
        if decision:
            parts.append(f"{stage}: {decision}" + (f" ({reason})" if reason else ""))
    for stage, notes in (("title/abstract", e.ta_notes), ("full text", e.ft_notes)):
        if notes:
            parts.append(f"{stage} notes: {notes}")
    if e.study and e.study != e.record.id:  # a report of a study another paper names
        parts.append(f"study: {e.study}")
    return "litsynth: " + "; ".join(parts)


def write(
    rows: Sequence[ExportedRecord], fmt: str, path: Path, *, root: Path | None = None
) -> Path:
    """The records in `fmt` at `path`: RIS, BibTeX or CSL-JSON text, or a sheet (CSV or a
    workbook). A record with a linked full text and no file of its own carries the full
    text's path, absolute under the project folder `root` (RIS `L1`, BibTeX `file`), so a
    reference manager attaches the PDF as it imports the record."""
    if fmt in ("csv", "xlsx"):
        table = [list(COLUMNS)]
        table += [[v if i == 0 else safe_cell(v) for i, v in enumerate(_row(r))] for r in rows]
        write_table(table, path, title="records", error=BiblioError, lineterminator="\r\n",
                    workbook=fmt == "xlsx")  # fmt: skip
        return path
    if fmt not in ("ris", "bib", "json"):
        raise BiblioError(f"unknown format {fmt!r}", hint=f"one of: {', '.join(FORMATS)}")
    noted = [
        replace(
            r.record,
            extra={**r.record.extra, "note": _note(r)},
            file=r.record.file or _attached(r.full_texts, root),
        )
        for r in rows
    ]
    if fmt == "json":
        text = to_csl_json(noted)
    else:
        text = to_ris(noted) if fmt == "ris" else to_bibtex(noted)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BiblioError(f"cannot write {path}: {exc.strerror}", hint="check the folder") from None
    return path


def with_previous(
    conn: sqlite3.Connection, stage: str, *, new_only: bool
) -> tuple[list[ExportedRecord], int]:
    """The records of `stage` (`select`), and for an updated review's included studies
    (unless `new_only`) its previous version's reports after them; and how many of those."""
    rows = select(conn, stage)
    if stage != "included" or new_only:
        return rows, 0
    earlier = previous_included(conn, rows)
    return rows + earlier, len(earlier)


def of_previous(earlier: int) -> str:
    """ "; 52 of them the previous version's", said of an updated review's included studies."""
    return f"; {earlier} of them the previous version's" if earlier else ""
