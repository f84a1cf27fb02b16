"""Scanned documents in the store: which were read by OCR, and which have pages left unread.

Both are parse notes in a document's attributes (`ocr_pages`, `ocr_confidence`,
`pages_without_text`, written by ingest/pdf.py), read here with SQLite's JSON functions so
that `litsynth status` and ingest's re-read look at no document text.
"""

from __future__ import annotations

import sqlite3
from typing import Any

_NOTE = "json_extract(attributes, '$.{}')"


def read_by_older(conn: sqlite3.Connection, kind: str, version: str) -> set[str]:
    """The ids of the documents of `kind` whose file_meta says another reader version (or
    none) read them: ingest reads their files again."""
    rows = conn.execute(
        "SELECT id FROM documents WHERE kind = ?"
        " AND coalesce(json_extract(file_meta, '$.read_by'), '') != ?",
        (kind, version),
    )
    return {row[0] for row in rows}


def read_by_older_text(conn: sqlite3.Connection, kind: str, version: str) -> list[str]:
    """The paths of the documents of `kind` whose text an older reader made (file_meta's
    text_read_by), which `ingest --reread` would read again."""
    rows = conn.execute(
        "SELECT path FROM documents WHERE kind = ?"
        " AND coalesce(json_extract(file_meta, '$.text_read_by'), '') != ? ORDER BY path",
        (kind, version),
    )
    return [row[0] for row in rows]


def scan_notes(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """For `litsynth status`: the documents OCR read (pages, mean confidence), and those with
    pages no one read (the note says why)."""
    read = conn.execute(
        f"SELECT path, {_NOTE.format('ocr_pages')}, {_NOTE.format('ocr_confidence')}"
        f" FROM documents WHERE {_NOTE.format('ocr_pages')} IS NOT NULL ORDER BY path"
    )
    unread = conn.execute(
        f"SELECT path, {_NOTE.format('pages_without_text')} FROM documents"
        f" WHERE {_NOTE.format('pages_without_text')} IS NOT NULL ORDER BY path"
    )
    return {
        "read_by_ocr": [
            {"path": path, "pages": int(pages), "confidence": int(confidence or 0)}
            for path, pages, confidence in read
        ],
        "pages_without_text": [{"path": path, "note": note} for path, note in unread],
    }


def with_unread_pages(conn: sqlite3.Connection) -> set[str]:
    """The ids of the documents stored with pages that had no text and were not read by OCR."""
    rows = conn.execute(
        f"SELECT id FROM documents WHERE {_NOTE.format('pages_without_text')} IS NOT NULL"
    )
    return {row[0] for row in rows}
