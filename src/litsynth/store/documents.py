"""All SQL for the core tables: documents, pages, chunks, files, ingest_failures, runs.

The ingest pipeline calls these inside one transaction per document (`db.transaction`), so a
kill -9 leaves either the whole document (row, pages, chunks, file mapping) or none of it.
Chunk rowids are the FAISS ids of their vectors; AUTOINCREMENT (001_core.sql) means an id is
never handed out twice, which is what lets the index be reconciled by id sets alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from litsynth.records import Chunk, Document, Failure, Page
from litsynth.store.passages import batches, decode_authors, marks


@dataclass(frozen=True)
class FileState:
    """What the store knows about a path: the cheap (size, mtime) test and its document."""

    path: str
    document_id: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FailureState:
    path: str
    file_hash: str
    size: int
    mtime_ns: int
    reason: str
    detail: str
    timeout_s: float | None = None  # the limits it failed under (None: not recorded)
    memory_mb: int | None = None


# ---------------------------------------------------------------------------------- files


def file_states(conn: sqlite3.Connection) -> dict[str, FileState]:
    rows = conn.execute("SELECT path, document_id, size, mtime_ns FROM files")
    return {
        r["path"]: FileState(r["path"], r["document_id"], r["size"], r["mtime_ns"]) for r in rows
    }


def file_state(conn: sqlite3.Connection, path: str) -> FileState | None:
    r = conn.execute(
        "SELECT path, document_id, size, mtime_ns FROM files WHERE path = ?", (path,)
    ).fetchone()
    return None if r is None else FileState(r["path"], r["document_id"], r["size"], r["mtime_ns"])


def failure_states(conn: sqlite3.Connection) -> dict[str, FailureState]:
    rows = conn.execute(
        "SELECT path, file_hash, size, mtime_ns, reason, detail, timeout_s, memory_mb"
        " FROM ingest_failures"
    )
    return {
        r["path"]: FailureState(
            r["path"],
            r["file_hash"],
            r["size"],
            r["mtime_ns"],
            r["reason"],
            r["detail"],
            r["timeout_s"],
            r["memory_mb"],
        )
        for r in rows
    }


def set_file(
    conn: sqlite3.Connection, path: str, document_id: str, size: int, mtime_ns: int
) -> None:
    """Point `path` at `document_id` (a changed file now holds another document)."""
    conn.execute(
        "INSERT INTO files(path, document_id, size, mtime_ns) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(path) DO UPDATE SET document_id = excluded.document_id,"
        " size = excluded.size, mtime_ns = excluded.mtime_ns",
        (path, document_id, size, mtime_ns),
    )


def remove_files(conn: sqlite3.Connection, paths: Iterable[str]) -> None:
    conn.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])


def record_failure(
    conn: sqlite3.Connection,
    failure: Failure,
    *,
    file_hash: str,
    size: int,
    mtime_ns: int,
    timeout_s: float | None = None,
    memory_mb: int | None = None,
) -> None:
    conn.execute(
        "INSERT INTO ingest_failures(path, file_hash, size, mtime_ns, reason, detail, timeout_s,"
        " memory_mb) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET"
        " file_hash = excluded.file_hash, size = excluded.size, mtime_ns = excluded.mtime_ns,"
        " reason = excluded.reason, detail = excluded.detail, timeout_s = excluded.timeout_s,"
        " memory_mb = excluded.memory_mb, at = datetime('now')",
        (failure.path, file_hash, size, mtime_ns, failure.reason, failure.detail, timeout_s,
         memory_mb),
    )  # fmt: skip


def clear_failure(conn: sqlite3.Connection, path: str) -> None:
    conn.execute("DELETE FROM ingest_failures WHERE path = ?", (path,))


def remove_failures(conn: sqlite3.Connection, paths: Iterable[str]) -> None:
    conn.executemany("DELETE FROM ingest_failures WHERE path = ?", [(p,) for p in paths])


# ------------------------------------------------------------------------------ documents


def document_exists(conn: sqlite3.Connection, document_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row is not None


def document_ids(conn: sqlite3.Connection, *, chunker_not: str | None = None) -> list[str]:
    """All document ids, or those whose chunks were made by another chunker than given."""
    if chunker_not is None:
        return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY path")]
    rows = conn.execute("SELECT id FROM documents WHERE chunker != ? ORDER BY path", (chunker_not,))
    return [r[0] for r in rows]


def document_has_files(conn: sqlite3.Connection, document_id: str) -> bool:
    """Whether any file path still holds this document (then it must not be deleted)."""
    row = conn.execute("SELECT 1 FROM files WHERE document_id = ? LIMIT 1", (document_id,))
    return row.fetchone() is not None


def insert_document(
    conn: sqlite3.Connection, doc: Document, chunks: Sequence[Chunk], *, chunker: str
) -> list[int]:
    """Insert a document with its pages and chunks; returns the chunks' rowids (FAISS ids)."""
    conn.execute(
        "INSERT INTO documents(id, path, kind, text, title, authors, year, venue, doi,"
        " attributes, n_pages, chunker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.id,
            doc.path,
            doc.kind,
            doc.text,
            doc.title,
            json.dumps(list(doc.authors), ensure_ascii=False),
            doc.year,
            doc.venue,
            doc.doi,
            json.dumps(doc.attributes, ensure_ascii=False, sort_keys=True),
            len(doc.pages),
            chunker,
        ),
    )
    conn.executemany(
        "INSERT INTO pages(document_id, number, start, end, label) VALUES (?, ?, ?, ?, ?)",
        [(doc.id, p.number, p.start, p.end, p.label) for p in doc.pages],
    )
    return insert_chunks(conn, chunks)


def insert_chunks(conn: sqlite3.Connection, chunks: Sequence[Chunk]) -> list[int]:
    rowids = []
    for c in chunks:
        cur = conn.execute(
            "INSERT INTO chunks(id, document_id, ordinal, start, end, text, page_start, page_end,"
            " n_tokens, section, paragraph) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                c.id,
                c.document_id,
                c.ordinal,
                c.start,
                c.end,
                c.text,
                c.page_start,
                c.page_end,
                c.n_tokens,
                c.section,
                c.paragraph,
            ),
        )
        rowids.append(int(cur.lastrowid or 0))
    return rowids


def delete_document(conn: sqlite3.Connection, document_id: str) -> bool:
    """Delete a document, its pages and chunks, unless human work still points at it.

    Codings (and any later table) reference chunks without ON DELETE CASCADE on purpose, so
    SQLite refuses the delete; we catch that in a savepoint and keep the document: losing a
    reviewer's coding to a re-ingest would be far worse than keeping an old version around.
    """
    conn.execute("SAVEPOINT delete_document")
    try:
        conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO delete_document")
        conn.execute("RELEASE delete_document")
        return False
    conn.execute("RELEASE delete_document")
    return True


def update_metadata(conn: sqlite3.Connection, document_id: str, meta: dict[str, Any]) -> bool:
    """Set title/authors/year/venue/doi/attributes from the sidecar; True if anything changed."""
    row = conn.execute(
        "SELECT title, authors, year, venue, doi, attributes FROM documents WHERE id = ?",
        (document_id,),
    ).fetchone()
    if row is None:
        return False
    new = (
        meta["title"],
        json.dumps(list(meta["authors"]), ensure_ascii=False),
        meta["year"],
        meta["venue"],
        meta["doi"],
        json.dumps(meta["attributes"], ensure_ascii=False, sort_keys=True),
    )
    if tuple(row) == new:
        return False
    conn.execute(
        "UPDATE documents SET title = ?, authors = ?, year = ?, venue = ?, doi = ?, attributes = ?"
        " WHERE id = ?",
        (*new, document_id),
    )
    return True


def load_document(conn: sqlite3.Connection, document_id: str) -> Document:
    """A stored document rebuilt as a record (for re-chunking without re-parsing the file)."""
    row = conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
    pages = tuple(
        Page(number=r["number"], start=r["start"], end=r["end"], label=r["label"])
        for r in conn.execute(
            "SELECT number, start, end, label FROM pages WHERE document_id = ? ORDER BY number",
            (document_id,),
        )
    )
    return Document(
        id=row["id"],
        path=row["path"],
        kind=row["kind"],
        text=row["text"],
        pages=pages,
        title=row["title"],
        authors=decode_authors(row["authors"]),
        year=row["year"],
        venue=row["venue"],
        doi=row["doi"],
        attributes=json.loads(row["attributes"]),
    )


def replace_chunks(
    conn: sqlite3.Connection, document_id: str, chunks: Sequence[Chunk], *, chunker: str
) -> tuple[list[int], int]:
    """Swap a document's chunks for a new chunking; returns (new rowids, old chunks kept).

    Old chunks that human codings point at cannot be deleted (see `delete_document`); they
    stay, still valid slices of the same text, and are counted so the caller can say so.
    """
    kept = 0
    for (chunk_id,) in conn.execute(
        "SELECT id FROM chunks WHERE document_id = ?", (document_id,)
    ).fetchall():
        conn.execute("SAVEPOINT drop_chunk")
        try:
            conn.execute("DELETE FROM chunks WHERE id = ?", (chunk_id,))
            conn.execute("RELEASE drop_chunk")
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO drop_chunk")
            conn.execute("RELEASE drop_chunk")
            kept += 1
    existing = {
        r[0] for r in conn.execute("SELECT id FROM chunks WHERE document_id = ?", (document_id,))
    }
    rowids = insert_chunks(conn, [c for c in chunks if c.id not in existing])
    conn.execute("UPDATE documents SET chunker = ? WHERE id = ?", (chunker, document_id))
    return rowids, kept


def chunkers_in_use(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT chunker FROM documents ORDER BY 1")]


# --------------------------------------------------------------------------------- chunks


def has_chunks(conn: sqlite3.Connection) -> bool:
    """Whether any passage is stored (cheap: one row, not 100k ids)."""
    return conn.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is not None


def chunk_rowids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT rowid FROM chunks ORDER BY rowid")]


def chunk_texts(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[tuple[int, str]]:
    """(rowid, text) for the given rowids, in rowid order; read in slices of 500 ids."""
    out: list[tuple[int, str]] = []
    ids = sorted(rowids)
    for part in batches(ids):
        sql = f"SELECT rowid, text FROM chunks WHERE rowid IN ({marks(len(part))}) ORDER BY rowid"
        out.extend((r[0], r[1]) for r in conn.execute(sql, part))
    return out


def rowids_for_chunk_ids(conn: sqlite3.Connection, chunk_ids: Iterable[str]) -> list[int]:
    ids = list(chunk_ids)
    out: list[int] = []
    for part in batches(ids):
        sql = f"SELECT rowid FROM chunks WHERE id IN ({marks(len(part))})"
        out.extend(r[0] for r in conn.execute(sql, part))
    return sorted(out)


def chunks_of(conn: sqlite3.Connection, document_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT rowid, * FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,)
    ).fetchall()


# --------------------------------------------------------------------------------- status


def counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Documents, pages, chunks, files and failures by reason, for `litsynth status`."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    by_reason = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT reason, COUNT(*) FROM ingest_failures GROUP BY reason ORDER BY reason"
        )
    }
    return {
        "documents": one("SELECT COUNT(*) FROM documents"),
        "pages": one("SELECT COUNT(*) FROM pages"),
        "chunks": one("SELECT COUNT(*) FROM chunks"),
        "files": one("SELECT COUNT(*) FROM files"),
        "failures": by_reason,
        "last_ingested": one("SELECT MAX(ingested_at) FROM documents"),
    }


# ----------------------------------------------------------------------------------- runs
