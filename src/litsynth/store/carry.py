"""The human work a document holds, and moving it onto another reading of the same file.

A reviewer's codings, memos and record links point at a document and its passages. When a file
is read again (`ingest --reread`) or replaced by a new version (`ingest --carry`), ingest.carry
finds each passage's words in the new text; this module reads what is held and writes the
moves, each recorded in `carried` with where it pointed before.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class HeldCoding:
    id: str
    chunk_id: str
    code_id: str
    start: int
    end: int


@dataclass(frozen=True)
class HeldLink:
    record_id: str
    method: str
    score: float
    linked_at: str


@dataclass(frozen=True)
class Held:
    """A stored document's text and passages, and the human work pointing at them."""

    document_id: str
    text: str
    chunks: tuple[tuple[str, int, int], ...]  # (chunk id, start, end)
    codings: tuple[HeldCoding, ...]
    memos: tuple[tuple[str, str], ...]  # (memo id, target: a chunk id or the document id)
    links: tuple[HeldLink, ...]

    @property
    def has_work(self) -> bool:
        return bool(self.codings or self.memos)


@dataclass(frozen=True)
class Moved:
    """One coding or memo to point elsewhere: span None for a memo."""

    kind: str  # coding | memo
    item_id: str
    from_target: str
    to_target: str
    from_span: tuple[int, int] | None
    to_span: tuple[int, int] | None
    similarity: float


def held(conn: sqlite3.Connection, document_id: str) -> Held:
    text, chunks = reading(conn, document_id)
    codings = conn.execute(
        "SELECT id, chunk_id, code_id, start, end FROM codings WHERE document_id = ? ORDER BY seq",
        (document_id,),
    ).fetchall()
    memos = conn.execute(
        "SELECT id, target FROM memos WHERE target = ?"
        " OR target IN (SELECT id FROM chunks WHERE document_id = ?) ORDER BY id",
        (document_id, document_id),
    ).fetchall()
    return Held(document_id, text, chunks, tuple(HeldCoding(*r) for r in codings),
                tuple((r[0], r[1]) for r in memos), links(conn, document_id))  # fmt: skip


def reading(
    conn: sqlite3.Connection, document_id: str
) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """A stored document's text and its passages' (id, start, end)."""
    text = conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()[0]
    chunks = conn.execute(
        "SELECT id, start, end FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,)
    ).fetchall()
    return text, tuple((r[0], r[1], r[2]) for r in chunks)


def links(conn: sqlite3.Connection, document_id: str) -> tuple[HeldLink, ...]:
    """The record links of a document: a person's link or refusal ('unlinked') included."""
    rows = conn.execute(
        "SELECT record_id, method, score, linked_at FROM record_documents"
        " WHERE document_id = ? ORDER BY record_id",
        (document_id,),
    ).fetchall()
    return tuple(HeldLink(*r) for r in rows)


def stored_text(conn: sqlite3.Connection, document_id: str) -> str | None:
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row[0] if row else None


def read_by(conn: sqlite3.Connection, document_id: str, version: str | None) -> None:
    """Record that this text reader read the document again and found the same text."""
    if version:
        conn.execute(
            "UPDATE documents SET file_meta = json_set(file_meta, '$.text_read_by', ?)"
            " WHERE id = ?",
            (version, document_id),
        )


def old_versions(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(old, current) document ids: a document no file holds any more, kept because human
    work points at it, whose path now holds another document (the file was replaced)."""
    rows = conn.execute(
        "SELECT d.id, f.document_id FROM documents d JOIN files f ON f.path = d.path"
        " WHERE f.document_id != d.id"
        " AND NOT EXISTS (SELECT 1 FROM files g WHERE g.document_id = d.id) ORDER BY d.path"
    )
    return [(r[0], r[1]) for r in rows]


def defer_references(conn: sqlite3.Connection) -> None:
    """Let codings point at no passage until this transaction commits (checked then): they
    are moved onto the new passages after the old ones are gone."""
    conn.execute("PRAGMA defer_foreign_keys = ON")


def drop_reading(
    conn: sqlite3.Connection, document_id: str
) -> tuple[list[tuple[str, int, int]], list[int]]:
    """Delete a document's stored reading so that a new one can take its id, references
    deferred: its files (path, size, mtime_ns), for `restore_files`, and its passages'
    vector ids, for the index."""
    files = conn.execute(
        "SELECT path, size, mtime_ns FROM files WHERE document_id = ?", (document_id,)
    ).fetchall()
    rowids = conn.execute("SELECT rowid FROM chunks WHERE document_id = ?", (document_id,))
    dropped = [r[0] for r in rowids]
    defer_references(conn)
    conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
    return [(r[0], r[1], r[2]) for r in files], dropped


def restore_files(
    conn: sqlite3.Connection, document_id: str, files: list[tuple[str, int, int]]
) -> None:
    """The file mappings `drop_reading` took with the old reading, onto the new one."""
    conn.executemany(
        "INSERT OR REPLACE INTO files(path, document_id, size, mtime_ns) VALUES (?, ?, ?, ?)",
        [(path, document_id, size, mtime) for path, size, mtime in files],
    )


def move(
    conn: sqlite3.Connection, old: Held, new_document: str, moves: list[Moved], at: str
) -> None:
    """Point each moved coding and memo at the new document, record where it pointed, and
    give the new document the old one's record links (a person's link or refusal included)."""
    for m in moves:
        if m.kind == "coding":
            assert m.to_span is not None
            conn.execute(
                "UPDATE codings SET chunk_id = ?, document_id = ?, start = ?, end = ? WHERE id = ?",
                (m.to_target, new_document, *m.to_span, m.item_id),
            )
        else:
            conn.execute("UPDATE memos SET target = ? WHERE id = ?", (m.to_target, m.item_id))
        _record(conn, m, old.document_id, new_document, at)
    relink(conn, old.links, new_document)


def relink(conn: sqlite3.Connection, links: tuple[HeldLink, ...], document_id: str) -> None:
    """Give a document these record links, where it has none of its own for the record."""
    conn.executemany(
        "INSERT OR IGNORE INTO record_documents(record_id, document_id, method, score, linked_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(k.record_id, document_id, k.method, k.score, k.linked_at) for k in links],
    )


def _record(conn: sqlite3.Connection, m: Moved, source: str, destination: str, at: str) -> None:
    """A move in `carried`: what pointed where (document, passage, span), and where now."""
    conn.execute(
        "INSERT INTO carried(kind, item_id, from_document, from_target, from_start, from_end,"
        " to_document, to_target, to_start, to_end, similarity, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            m.kind, m.item_id, source, m.from_target, *(m.from_span or (None, None)),
            destination, m.to_target, *(m.to_span or (None, None)), m.similarity, at,
        ),
    )  # fmt: skip


def changed_on_the_way(conn: sqlite3.Connection, document_id: str) -> dict[str, float]:
    """The codings now in a document that were carried to it by their first and last words,
    the text between having changed: coding id → how alike (below 1.0), the last move."""
    rows = conn.execute(
        "SELECT item_id, similarity FROM carried WHERE kind = 'coding' AND to_document = ?"
        " ORDER BY seq",
        (document_id,),
    )
    last = {item: similarity for item, similarity in rows}
    return {item: similarity for item, similarity in last.items() if similarity < 1.0}


def mark_checked(conn: sqlite3.Connection, coding_id: str, at: str) -> bool:
    """A reviewer saw a coding carried by its ends and it stands: recorded as a move to where
    it is, word for word (similarity 1.0), so the reader stops asking. False: no such coding."""
    row = conn.execute(
        "SELECT chunk_id, document_id, start, end FROM codings WHERE id = ?", (coding_id,)
    ).fetchone()
    if row is None:
        return False
    chunk, document, start, end = row
    stays = Moved("coding", coding_id, chunk, chunk, (start, end), (start, end), 1.0)
    _record(conn, stays, document, document, at)
    return True
