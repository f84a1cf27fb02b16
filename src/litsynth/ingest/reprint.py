"""Printed page numbers and better citation facts for the PDFs stored before litsynth read them.

A PDF ingested earlier is cited by its PDF page ("p. 2") where its printed page is p. 4970,
and perhaps by a /Title or /Author that is not the paper's ("Journals (n.d.)", "ipg1300180a"),
without the DOI its first page prints (which links it to its record).
Parsing it again would re-chunk it and, where a reviewer has coded its passages, is not done
(retry.py); but neither fix changes a passage, only how each is cited. So each such PDF's file
is read once more as a new ingest reads it (`parse_pdf`, without OCR), and of that reading
only what cites it is kept: its printed labels are laid over the stored pages and passages,
and what it says about itself (title, authors, year, DOI) replaces the stored file facts,
under whatever a sidecar or a linked record says (`refresh_metadata`). The same chunks,
vectors and codings; new citations. A file that is gone or has changed is left to the ingest
that notices it, and one whose text layer no longer reads (a scan OCR read) keeps its facts.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from litsynth.citations.labels import printed_span
from litsynth.ingest.byline import BYLINE_VERSION, byline_authors, chosen_authors
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.first_page import printed_year
from litsynth.ingest.pdf import parse_pdf
from litsynth.ingest.printed_pages import PRINTED_PAGES_VERSION as VERSION
from litsynth.records import Document, bytes_id
from litsynth.store import documents as store
from litsynth.store.db import transaction


def label_stored_pdfs(
    conn: sqlite3.Connection, root: Path, passwords: Sequence[str] = (), *, quiet: bool = True
) -> tuple[int, set[str]]:
    """Read again each PDF an older reader stored: how many are now cited by printed pages
    that are not their PDF page numbers, and the ids whose citation facts changed."""
    todo = store.pdfs_without_printed_pages(conn, VERSION)
    found, relabelled = 0, set()
    for document_id, path, meta in tqdm(
        todo, desc="reading stored PDFs again", unit="PDF", disable=quiet or not todo,
        file=sys.stderr,
    ):  # fmt: skip
        file = Path(path) if Path(path).is_absolute() else root / path
        try:
            data = file.read_bytes()
        except OSError:
            continue  # gone: the ingest that notices drops or re-reads it
        # A changed file is parsed anew; a twin's bytes are another file's reading.
        again = _read(file, data, passwords) if bytes_id(data) == document_id else None
        labels = [p.label for p in again.pages] if again else []
        note = again.attributes.get("printed_pages", "") if again else ""
        with transaction(conn):
            chunks = store.set_printed_pages(conn, document_id, labels, VERSION, note)
            store.set_sections(
                conn, [(chunk, printed_span(labels, a, b)) for chunk, a, b in chunks]
            )
            if again is not None:
                said = {"title": again.title, "authors": list(again.authors), "year": again.year,
                        "doi": again.doi, "read_by": BYLINE_VERSION,
                        "pages_read_by": VERSION}  # fmt: skip
                store.set_file_meta(conn, document_id, {**meta, **said})
                if store.refresh_metadata(conn, document_id):
                    relabelled.add(document_id)
        found += any(labels)
    return found, relabelled


def _read(file: Path, data: bytes, passwords: Sequence[str]) -> Document | None:
    """The file as `ingest` reads it now, from its text layer; None when that no longer
    gives a document (a scan stored with OCR's reading, a file that no longer opens)."""
    try:
        return parse_pdf(file, data, passwords=passwords)
    except ParseFailure:
        return None


def reread_bylines(conn: sqlite3.Connection) -> set[str]:
    """PDFs stored by an older byline reader choose their authors again from the stored text
    of page 1 (no file is parsed): once per BYLINE_VERSION, with a year where none was found
    (the stored text has lost copyright lines, so only a journal header's is found). A stored
    list the byline reads as the first names of a longer one takes the longer one (v2). Where
    the file is still there, `label_stored_pdfs` then reads it again, title and all. Returns
    the ids whose citation facts changed."""
    relabelled: set[str] = set()
    for document_id, meta, first in store.file_metas_not_read_by(conn, BYLINE_VERSION, "pdf"):
        if not meta:  # from before file_meta was kept: this run's refresh_metadata fills it
            continue  # in, and the next ingest reads the byline
        title = meta.get("title") or ""
        stored = tuple(meta.get("authors") or ())
        authors = chosen_authors(stored, first, title)
        printed = byline_authors(first, title)
        if stored and len(printed) > len(stored) and printed[: len(stored)] == stored:
            authors = printed
        # ...and a year printed in a journal's header, where none was found then
        year = meta.get("year") or printed_year(first)
        again = {**meta, "authors": list(authors), "year": year, "read_by": BYLINE_VERSION}
        with transaction(conn):
            store.set_file_meta(conn, document_id, again)
            if store.refresh_metadata(conn, document_id):
                relabelled.add(document_id)
    return relabelled
