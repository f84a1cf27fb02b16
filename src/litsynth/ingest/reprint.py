"""Printed page numbers for the PDFs stored before litsynth looked for them.

A PDF ingested earlier is cited by its PDF page ("p. 2") where its printed page is p. 4970.
Parsing it again would re-chunk it and, where a reviewer has coded its passages, is not done
(retry.py); but its printed pages change no passage, only how each is cited. So each such PDF's
file is read once more for its page text alone (`pdf.read_printed_pages`), and the labels are
laid over the stored pages and passages: the same chunks, vectors and codings, new citations.
A file that is gone or has changed is left to the ingest that notices it.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from litsynth.citations.labels import printed_span
from litsynth.ingest.pdf import read_printed_pages
from litsynth.ingest.printed_pages import NONE, PRINTED_PAGES_VERSION
from litsynth.records import bytes_id
from litsynth.store import documents as store
from litsynth.store.db import transaction


def label_stored_pdfs(
    conn: sqlite3.Connection, root: Path, passwords: Sequence[str] = (), *, quiet: bool = True
) -> int:
    """Look for the printed pages of each PDF an older finder stored; returns how many had
    printed pages that are not their PDF page numbers (and are now cited by them)."""
    todo = store.pdfs_without_printed_pages(conn, PRINTED_PAGES_VERSION)
    found = 0
    for document_id, path in tqdm(
        todo, desc="printed pages", unit="PDF", disable=quiet or not todo, file=sys.stderr
    ):
        file = Path(path) if Path(path).is_absolute() else root / path
        try:
            data = file.read_bytes()
        except OSError:
            continue  # gone: the ingest that notices drops or re-reads it
        printed = NONE
        if bytes_id(data) == document_id:  # else changed (re-parsed) or a twin's bytes
            printed = read_printed_pages(data, passwords)
        labels = printed.labels
        with transaction(conn):
            chunks = store.set_printed_pages(
                conn, document_id, labels, PRINTED_PAGES_VERSION, printed.described()
            )
            store.set_sections(
                conn, [(chunk, printed_span(labels, a, b)) for chunk, a, b in chunks]
            )
        found += any(labels)
    return found
