"""Facts about stored passages that are read from the stored text, not from the file: each
passage's role and its paragraph number. Each document records which version of the reader
made them, so `ingest` brings them up to date when a reader improves, parsing nothing again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def set_roles(
    conn: sqlite3.Connection, document_id: str, roles: Sequence[tuple[str, str]], version: str
) -> None:
    """Store (chunk id, role) pairs of one document and the detector version that made them."""
    conn.executemany("UPDATE chunks SET role = ? WHERE id = ?", [(r, c) for c, r in roles])
    conn.execute("UPDATE documents SET roles_version = ? WHERE id = ?", (version, document_id))


def documents_without_roles(conn: sqlite3.Connection, version: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM documents WHERE roles_version != ? ORDER BY id", (version,)
        )
    ]


def documents_not_numbered(conn: sqlite3.Connection, version: str) -> list[str]:
    """Documents whose paragraph numbers an older count made (PDFs have none: marked done)."""
    conn.execute(
        "UPDATE documents SET paragraphs_version = ? WHERE kind = 'pdf' AND paragraphs_version"
        " != ?",
        (version, version),
    )
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM documents WHERE paragraphs_version != ? ORDER BY id", (version,)
        )
    ]


def chunk_paragraphs_of(
    conn: sqlite3.Connection, document_id: str
) -> list[tuple[str, int, int | None]]:
    """(chunk id, start, paragraph number) of a document's passages, in order."""
    rows = conn.execute(
        "SELECT id, start, paragraph FROM chunks WHERE document_id = ? ORDER BY ordinal",
        (document_id,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


def set_paragraphs(
    conn: sqlite3.Connection,
    document_id: str,
    numbers: Sequence[tuple[str, int | None]],
    version: str,
) -> None:
    """Store (chunk id, paragraph number) pairs of one document and the count that made them."""
    conn.executemany("UPDATE chunks SET paragraph = ? WHERE id = ?", [(n, c) for c, n in numbers])
    conn.execute("UPDATE documents SET paragraphs_version = ? WHERE id = ?", (version, document_id))


def chunk_spans_of(conn: sqlite3.Connection, document_id: str) -> list[tuple[str, int, int]]:
    """(chunk id, start, end) of a document's passages, in order."""
    rows = conn.execute(
        "SELECT id, start, end FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,)
    )
    return [(r[0], r[1], r[2]) for r in rows]
