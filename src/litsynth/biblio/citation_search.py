"""Citation searching: a document's reference list → records of source "citation searching".

PRISMA 2020 counts records found by backward citation tracking in its "other methods" arm;
this module imports the entries of an ingested document's reference list as records. Finding,
splitting and reading the entries is `litsynth.citations.references`' job — the same reader
that resolves in-text citations, tuned on PDF text as well as Markdown — so the two stages
never disagree on what a document cites. What stays here is the import: each entry's
author/year/title/venue/DOI becomes a record, with the raw entry text in `extra["raw"]`, so
a person can always check or correct what was read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from litsynth.biblio.normalize import to_record
from litsynth.biblio.readers import ImportOutcome, assign_ids
from litsynth.biblio.readers_base import RawEntry
from litsynth.citations import references as reader
from litsynth.errors import BiblioError
from litsynth.records import BibRecord, ImportBatch, Rejection, content_id

SOURCE = "citation searching"
# Versioned: a new heuristic gives new batches, not silent changes. v2: the shared reader.
EXTRACTOR = "references.v2"


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list as a bibliographic record sees it (year as a number)."""

    offset: int  # character offset of the entry's text in the document
    raw: str
    authors: tuple[str, ...]
    year: int | None
    title: str
    venue: str
    doi: str


def _for_import(entry: reader.Reference) -> Reference:
    year = int(entry.year) if entry.year else None
    return Reference(
        entry.offset, entry.text, entry.authors, year, entry.title, entry.venue, entry.doi
    )


def find_section(text: str) -> tuple[int, int] | None:
    """(start, end) offsets of the reference list; None when the document has none."""
    return reader.find_reference_section(text)


def split_entries(text: str, base: int = 0) -> list[tuple[int, str]]:
    """(offset, text) of each entry when all of `text` is a reference list at `base`."""
    return [(e.offset + base, e.text) for e in reader.reference_entries(text, (0, len(text)))]


def parse_reference(raw: str, offset: int = 0) -> Reference:
    """Read "Authors (Year). Title. *Venue*, …. DOI" — whatever part is missing stays empty."""
    return _for_import(reader.parse_entry(raw, offset))


def extract_references(text: str) -> list[Reference]:
    """Every entry of the document's reference list, read; [] when it has none.

    An entry with neither year, number, bullet nor DOI is left out: in unbulleted PDF text
    such a "line that opens like authors" is a table row or a wrapped fragment
    ("BooksCorpus (800M)", "Process. Manage., 56."), not a work that was cited.
    """
    entries = reader.reference_entries(text)
    kept = (e for e in entries if e.year or e.number is not None or e.bulleted or e.doi)
    return [_for_import(e) for e in kept]


def references_batch(
    document_id: str,
    document_path: str,
    refs: list[Reference],
    taken: Callable[[str], bool] = lambda _rid: False,
) -> ImportBatch:
    """The citation-searching batch of one document: one record per reference read."""
    batch_hash = content_id(document_id, EXTRACTOR)
    batch_id = "b" + content_id(SOURCE, batch_hash, length=15)
    kept: list[tuple[RawEntry, BibRecord]] = []
    rejected: list[Rejection] = []
    for ref in refs:
        fields: dict[str, object] = {
            "title": ref.title,
            "authors": list(ref.authors),
            "year": ref.year,
            "doi": ref.doi,
            "journal": ref.venue,
        }
        extra = {"cited_by": document_id, "raw": ref.raw, "offset": str(ref.offset)}
        rec = to_record(fields, record_id="", source=SOURCE, batch_id=batch_id, extra=extra)
        if not (rec.title or rec.doi):
            rejected.append(
                Rejection(ref.offset, "reference has neither a title nor a DOI", ref.raw[:120])
            )
            continue
        kept.append((RawEntry(ref.offset, "", fields, extra), rec))
    ids, renamed, _n_renamed = assign_ids(kept, SOURCE, taken)
    records = tuple(
        BibRecord(**{**rec.__dict__, "id": rid}) for rid, (_r, rec) in zip(ids, kept, strict=True)
    )
    return ImportBatch(
        id=batch_id,
        source=SOURCE,
        file_name=document_path,
        file_hash=batch_hash,
        format="references",
        encoding="utf-8",
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        records=records,
        rejected=tuple(rejected),
        report={"renamed": renamed, "document_id": document_id, "extractor": EXTRACTOR},
    )


def import_references(
    conn: sqlite3.Connection, document_ids: list[str] | None = None, *, save: bool = True
) -> list[tuple[ImportOutcome, list[Reference]]]:
    """Read the reference lists of the given (default: all) documents; import them if `save`."""
    from litsynth.store import biblio as store

    docs = store.document_texts(conn, document_ids)
    if document_ids:
        missing = sorted(set(document_ids) - {d["id"] for d in docs})
        if missing:
            raise BiblioError(
                f"no ingested document {missing[0]!r}", hint="list documents with `litsynth status`"
            )
    out = []
    for doc in docs:
        refs = extract_references(doc["text"])
        batch = references_batch(
            doc["id"], doc["path"], refs, lambda rid: store.record_exists(conn, rid)
        )
        existing = store.find_batch(conn, SOURCE, batch.file_hash)
        already = existing is not None
        if save and not already and batch.records:
            store.save_batch(conn, batch)
        outcome = ImportOutcome(
            file_name=doc["path"],
            batch_id=batch.id,
            source=SOURCE,
            format="references",
            encoding="utf-8",
            n_records=len(batch.records),
            n_rejected=len(batch.rejected),
            already_imported=already,
            rejected=batch.rejected,
        )
        out.append((outcome, refs))
    return out
