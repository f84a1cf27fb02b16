"""Finding a document by what a person calls it, and taking it out of the store.

`litsynth remove` and the workspace's "Remove" (ingest/removing.py) name a document by its id,
its path in the project or its file name; a document people coded or wrote memos on is not
taken out (its passages are where that work points).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Holding:
    """A stored document as `remove` sees it: its paths, and what points at it."""

    document_id: str
    paths: tuple[str, ...]  # every file path that holds it (one, unless copied)
    codings: int
    memos: int
    records: tuple[str, ...]  # linked records (a link by hand included), losing their full text
    rowids: tuple[int, ...]  # its passages' vector ids


def matching(conn: sqlite3.Connection, name: str) -> list[str]:
    """The ids of the documents `name` names: an id, a stored path or a file's name."""
    rows = conn.execute(
        "SELECT id, id FROM documents UNION SELECT id, path FROM documents"
        " UNION SELECT document_id, path FROM files"
    )
    return sorted({i for i, said in rows if name in (said, said.rsplit("/", 1)[-1])})


def holding(conn: sqlite3.Connection, document_id: str) -> Holding:
    def one(sql: str) -> int:
        return int(conn.execute(sql, (document_id, document_id)).fetchone()[0])

    paths = conn.execute(
        "SELECT path FROM files WHERE document_id = ? UNION"
        " SELECT path FROM documents WHERE id = ? ORDER BY path",
        (document_id, document_id),
    ).fetchall()
    records = conn.execute(
        "SELECT record_id FROM record_documents WHERE document_id = ? AND method != 'unlinked'"
        " ORDER BY record_id",
        (document_id,),
    ).fetchall()
    rowids = conn.execute("SELECT rowid FROM chunks WHERE document_id = ?", (document_id,))
    return Holding(
        document_id=document_id,
        paths=tuple(r[0] for r in paths),
        codings=one("SELECT COUNT(*) FROM codings WHERE document_id = ? OR document_id = ?"),
        memos=one(
            "SELECT COUNT(*) FROM memos WHERE target = ?"
            " OR target IN (SELECT id FROM chunks WHERE document_id = ?)"
        ),
        records=tuple(r[0] for r in records),
        rowids=tuple(r[0] for r in rowids),
    )


def delete(conn: sqlite3.Connection, held: Holding) -> None:
    """Take the document out: its files' mappings, passages, suggestions and record links
    (the tables that point at it cascade); a failure recorded for one of its paths too."""
    conn.execute("DELETE FROM files WHERE document_id = ?", (held.document_id,))
    conn.executemany("DELETE FROM ingest_failures WHERE path = ?", [(p,) for p in held.paths])
    conn.execute("DELETE FROM documents WHERE id = ?", (held.document_id,))
