"""All SQL for the core tables: documents, pages, chunks, files, ingest_failures, runs.

The ingest pipeline calls these inside one transaction per document (`db.transaction`), so a
kill -9 leaves either the whole document (row, pages, chunks, file mapping) or none of it.
Chunk rowids are the FAISS ids of their vectors; AUTOINCREMENT (001_core.sql) means an id is
never handed out twice, which is what lets the index be reconciled by id sets alone.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from litsynth.records import Chunk, Document, Failure, Page, attribute_matches
from litsynth.store.passages import batches, decode_authors, marks
from litsynth.store.scans import scan_notes


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


def fill_text_digests(conn: sqlite3.Connection) -> int:
    """Give the documents stored before migration 014 their text digest; how many needed one.
    Every document stored since gets it from `insert_document`."""
    stale = conn.execute("SELECT id, text FROM documents WHERE text_digest IS NULL").fetchall()
    conn.executemany(
        "UPDATE documents SET text_digest = ? WHERE id = ?",
        [(text_digest(r["text"]), r["id"]) for r in stale],
    )
    return len(stale)


def twin_by_text(conn: sqlite3.Connection, digest: str, other_than: str) -> tuple[str, str] | None:
    """(id, path) of a stored document, not `other_than`, whose text has this sha256: a
    file whose bytes differ from a stored one's but whose text is the same (a re-saved PDF).
    Documents from before migration 014 are found once `fill_text_digests` has run."""
    row = conn.execute(
        "SELECT id, path FROM documents WHERE text_digest = ? AND id != ? ORDER BY id LIMIT 1",
        (digest, other_than),
    ).fetchone()
    return (row["id"], row["path"]) if row else None


def text_digest(text: str) -> str:
    """sha256 of a document's canonical text: what tells two files of the same paper apart
    from two papers, whatever their bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_ids(conn: sqlite3.Connection, *, chunker_not: str | None = None) -> list[str]:
    """All document ids, or those whose chunks were made by another chunker than given."""
    if chunker_not is None:
        return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY path")]
    rows = conn.execute("SELECT id FROM documents WHERE chunker != ? ORDER BY path", (chunker_not,))
    return [r[0] for r in rows]


def holding_paths(conn: sqlite3.Connection, document_id: str) -> list[str]:
    """The paths whose files hold a document, by path: copies, a renamed file not yet pruned."""
    rows = conn.execute(
        "SELECT path FROM files WHERE document_id = ? ORDER BY path", (document_id,)
    )
    return [row[0] for row in rows]


def kind_and_path(conn: sqlite3.Connection, document_id: str) -> tuple[str, str] | None:
    """A document's kind ("pdf", "text"…) and the path it was read from; None for no such id."""
    row = conn.execute("SELECT kind, path FROM documents WHERE id = ?", (document_id,)).fetchone()
    return None if row is None else (row[0], row[1])


def document_has_files(conn: sqlite3.Connection, document_id: str) -> bool:
    """Whether any file path still holds this document (then it must not be deleted)."""
    row = conn.execute("SELECT 1 FROM files WHERE document_id = ? LIMIT 1", (document_id,))
    return row.fetchone() is not None


def repoint_documents(conn: sqlite3.Connection, document_id: str | None = None) -> None:
    """Point each document (or one) at a file that still holds it, where the path it names
    is no longer one of its files (pruned, or now another document): the report copies the
    PDF from there, and citations name it. Stores from before this heal on the next ingest."""
    conn.execute(
        "UPDATE documents SET path ="
        " (SELECT MIN(f.path) FROM files f WHERE f.document_id = documents.id)"
        " WHERE (:id IS NULL OR id = :id)"
        " AND EXISTS (SELECT 1 FROM files f WHERE f.document_id = documents.id)"
        " AND path NOT IN (SELECT f.path FROM files f WHERE f.document_id = documents.id)",
        {"id": document_id},
    )


def insert_document(
    conn: sqlite3.Connection,
    doc: Document,
    chunks: Sequence[Chunk],
    *,
    chunker: str,
    file_meta: dict[str, Any] | None = None,
    meta_sources: dict[str, str] | None = None,
) -> list[int]:
    """Insert a document with its pages and chunks; returns the chunks' rowids (FAISS ids).

    `file_meta` is what the file said before documents.csv was laid over it, and
    `meta_sources` which fields the sidecar set (refresh_metadata needs both).
    """
    conn.execute(
        "INSERT INTO documents(id, path, kind, text, title, authors, year, venue, doi,"
        " attributes, n_pages, chunker, file_meta, meta_sources, text_digest)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            json.dumps(file_meta or {}, ensure_ascii=False, sort_keys=True),
            json.dumps(meta_sources or {}, sort_keys=True),
            text_digest(doc.text),
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


def merge_attributes(
    conn: sqlite3.Connection, document_id: str, attributes: dict[str, str]
) -> bool:
    """Lay documents.csv's extra columns over a document's attributes; True if any changed."""
    row = conn.execute("SELECT attributes FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        return False
    current = json.loads(row["attributes"])
    merged = {**current, **attributes}
    if merged == current:
        return False
    conn.execute(
        "UPDATE documents SET attributes = ? WHERE id = ?",
        (json.dumps(merged, ensure_ascii=False, sort_keys=True), document_id),
    )
    return True


META_FIELDS = ("title", "authors", "year", "venue", "doi")
SIDECAR = "documents.csv"
_FROM_RECORD = {"title": "title", "authors": "authors", "year": "year", "venue": "journal",
                "doi": "doi"}  # fmt: skip


def effective_metadata(
    file_meta: dict[str, Any], sidecar: dict[str, Any], record: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, sources) of a document's citation facts. A person's documents.csv value wins,
    then the linked record's, then what the file said; a blank value never wins."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in META_FIELDS:
        if sidecar.get(name) not in (None, "", [], ()):
            values[name], sources[name] = sidecar[name], SIDECAR
        elif record is not None and record.get(_FROM_RECORD[name]) not in (None, "", [], ()):
            values[name] = record[_FROM_RECORD[name]]
            sources[name] = f"record {record['id']}"
        else:
            values[name] = file_meta.get(name, [] if name == "authors" else None if name == "year"
                                         else "")  # fmt: skip
    return values, sources


def linked_record(conn: sqlite3.Connection, document_id: str) -> dict[str, Any] | None:
    """The record a document takes its facts from: a person's link first, then the best match."""
    row = conn.execute(
        "SELECT r.id, r.title, r.authors, r.year, r.journal, r.doi FROM record_documents l"
        " JOIN records r ON r.id = l.record_id WHERE l.document_id = ? AND l.method != 'unlinked'"
        " ORDER BY l.method = 'manual' DESC, l.score DESC, l.record_id LIMIT 1",
        (document_id,),
    ).fetchone()
    if row is None:
        return None
    return {**dict(row), "authors": list(decode_authors(row["authors"]))}


def refresh_metadata(
    conn: sqlite3.Connection, document_id: str, sidecar: dict[str, Any] | None = None
) -> bool:
    """Recompute a document's title/authors/year/venue/doi from its sources; True if changed.

    `sidecar` is the documents.csv row when the caller has read it (ingest); without it the
    fields the sidecar set last time are kept as they are (linking runs without the corpus).
    """
    row = conn.execute(
        "SELECT title, authors, year, venue, doi, file_meta, meta_sources FROM documents"
        " WHERE id = ?",
        (document_id,),
    ).fetchone()
    if row is None:
        return False
    current = {k: row[k] for k in META_FIELDS}
    current["authors"] = list(decode_authors(row["authors"]))
    sources = json.loads(row["meta_sources"])
    file_meta = json.loads(row["file_meta"])
    if not file_meta:  # ingested before file_meta was kept: its values are all we know
        file_meta = {k: v for k, v in current.items() if sources.get(k) != SIDECAR}
    if sidecar is None:
        sidecar = {k: current[k] for k in META_FIELDS if sources.get(k) == SIDECAR}
    values, new_sources = effective_metadata(file_meta, sidecar, linked_record(conn, document_id))
    values["authors"] = list(values["authors"])
    if values == current and new_sources == sources and row["file_meta"] != "{}":
        return False
    conn.execute(
        "UPDATE documents SET title = ?, authors = ?, year = ?, venue = ?, doi = ?,"
        " file_meta = ?, meta_sources = ? WHERE id = ?",
        (values["title"], json.dumps(values["authors"], ensure_ascii=False), values["year"],
         values["venue"], values["doi"], json.dumps(file_meta, ensure_ascii=False, sort_keys=True),
         json.dumps(new_sources, sort_keys=True), document_id),
    )  # fmt: skip
    return values != current


def file_metas_not_read_by(
    conn: sqlite3.Connection, version: str, kind: str
) -> list[tuple[str, dict[str, Any], str]]:
    """(id, file_meta, text of page 1) of the documents of `kind` whose file_meta was not
    written by `version` of the reader (or by none: from before file_meta was kept). The
    filter is SQL's, so a store that is up to date reads no text at all."""
    rows = conn.execute(
        "SELECT d.id, d.file_meta, substr(d.text, p.start + 1, p.end - p.start) AS first"
        " FROM documents d LEFT JOIN pages p ON p.document_id = d.id AND p.number = 1"
        " WHERE d.kind = ? AND coalesce(json_extract(d.file_meta, '$.read_by'), '') != ?"
        " ORDER BY d.id",
        (kind, version),
    ).fetchall()
    return [(row["id"], json.loads(row["file_meta"]), row["first"] or "") for row in rows]


def pdfs_without_printed_pages(
    conn: sqlite3.Connection, version: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, path, file_meta) of the PDFs whose printed page numbers `version` of their finder
    has not looked for (a file_meta from before file_meta was kept waits for the run that
    fills it)."""
    rows = conn.execute(
        "SELECT id, path, file_meta FROM documents WHERE kind = 'pdf'"
        " AND file_meta NOT IN ('', '{}')"
        " AND coalesce(json_extract(file_meta, '$.pages_read_by'), '') != ? ORDER BY id",
        (version,),
    )
    return [(row["id"], row["path"], json.loads(row["file_meta"])) for row in rows]


def set_printed_pages(
    conn: sqlite3.Connection, document_id: str, labels: Sequence[str], version: str, note: str
) -> list[tuple[str, int, int]]:
    """Store a PDF's printed page labels (page i + 1 gets labels[i]; none: all blank), what
    ingest notes of them (`note`, the `printed_pages` attribute; "" for none) and the
    finder's version; returns (chunk id, first page, last page) of its passages, whose
    sections the caller sets with `set_sections`."""
    conn.execute("UPDATE pages SET label = '' WHERE document_id = ?", (document_id,))
    noted = "json_set(attributes, '$.printed_pages', ?)" if note else "json_remove(attributes, ?)"
    conn.execute(
        f"UPDATE documents SET attributes = {noted} WHERE id = ?",
        (note or "$.printed_pages", document_id),
    )
    conn.executemany(
        "UPDATE pages SET label = ? WHERE document_id = ? AND number = ?",
        [(label, document_id, i + 1) for i, label in enumerate(labels) if label],
    )
    conn.execute(
        "UPDATE documents SET file_meta = json_set(file_meta, '$.pages_read_by', ?) WHERE id = ?",
        (version, document_id),
    )
    rows = conn.execute(
        "SELECT id, page_start, page_end FROM chunks WHERE document_id = ? ORDER BY ordinal",
        (document_id,),
    )
    return [(row["id"], row["page_start"], row["page_end"]) for row in rows]


def set_sections(conn: sqlite3.Connection, sections: Sequence[tuple[str, str]]) -> None:
    """Store (chunk id, section label) pairs: a PDF passage's printed pages ("pp. 84–85")."""
    conn.executemany("UPDATE chunks SET section = ? WHERE id = ?", [(s, c) for c, s in sections])


def set_file_meta(conn: sqlite3.Connection, document_id: str, meta: dict[str, Any]) -> None:
    """What the file says about itself, read again (then `refresh_metadata`)."""
    conn.execute(
        "UPDATE documents SET file_meta = ? WHERE id = ?",
        (json.dumps(meta, ensure_ascii=False, sort_keys=True), document_id),
    )


def document_pages(conn: sqlite3.Connection, document_id: str) -> tuple[Page, ...]:
    """A stored document's pages (or a text's sections), in order."""
    return tuple(
        Page(number=r["number"], start=r["start"], end=r["end"], label=r["label"])
        for r in conn.execute(
            "SELECT number, start, end, label FROM pages WHERE document_id = ? ORDER BY number",
            (document_id,),
        )
    )


def load_document(conn: sqlite3.Connection, document_id: str) -> Document:
    """A stored document rebuilt as a record (for re-chunking without re-parsing the file)."""
    row = conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
    pages = document_pages(conn, document_id)
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
    conn.execute(
        "UPDATE documents SET chunker = ?, roles_version = '', paragraphs_version = ''"
        " WHERE id = ?",  # roles and kept chunks' paragraph numbers anew
        (chunker, document_id),
    )
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


def rowids_with_roles(conn: sqlite3.Connection, roles: Iterable[str]) -> list[int]:
    """Chunk rowids whose role is one of `roles` (a passage not yet given one counts as body)."""
    wanted = sorted(set(roles))
    sql = f"SELECT rowid FROM chunks WHERE COALESCE(role, 'body') IN ({marks(len(wanted))})"
    return [r[0] for r in conn.execute(sql, wanted)]


def rowids_of_documents(
    conn: sqlite3.Connection,
    *,
    year_min: int | None = None,
    year_max: int | None = None,
    attribute: tuple[str, str] | None = None,
) -> list[int]:
    """Chunk rowids of the documents in a year range and/or with an attribute value.

    An attribute matches case-insensitively, on the whole value or on one of its
    ";"-separated parts (documents.csv lists several industries that way). A document
    without a year is outside any year range.
    """
    keep = []
    for r in conn.execute("SELECT id, year, attributes FROM documents"):
        if year_min is not None and (r["year"] is None or r["year"] < year_min):
            continue
        if year_max is not None and (r["year"] is None or r["year"] > year_max):
            continue
        if attribute is not None and not attribute_matches(
            json.loads(r["attributes"] or "{}"), attribute
        ):
            continue
        keep.append(r["id"])
    out: list[int] = []
    for part in batches(keep):
        sql = f"SELECT rowid FROM chunks WHERE document_id IN ({marks(len(part))})"
        out.extend(r[0] for r in conn.execute(sql, part))
    return sorted(out)


def chunks_of(conn: sqlite3.Connection, document_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT rowid, * FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,)
    ).fetchall()


# --------------------------------------------------------------------------------- status


def counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Documents, pages, chunks, files, failures by reason, the documents whose citation
    lacks its authors or year, and the scans (read by OCR, or with pages unread), for
    `litsynth status`."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    paths = lambda sql: [row[0] for row in conn.execute(sql)]  # noqa: E731
    by_reason = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT reason, COUNT(*) FROM ingest_failures GROUP BY reason ORDER BY reason"
        )
    }
    return {
        "documents": one("SELECT COUNT(*) FROM documents"),
        "kinds": dict(
            conn.execute(
                "SELECT kind, COUNT(*) FROM documents GROUP BY kind ORDER BY COUNT(*) DESC, kind"
            ).fetchall()
        ),
        "pages": one("SELECT COUNT(*) FROM pages"),
        "chunks": one("SELECT COUNT(*) FROM chunks"),
        "files": one("SELECT COUNT(*) FROM files"),
        "failures": by_reason,
        "last_ingested": one("SELECT MAX(ingested_at) FROM documents"),
        # what a citation lacks: "Anon." or "n.d." in every matrix, quote and report
        "without_authors": paths("SELECT path FROM documents WHERE authors = '[]' ORDER BY path"),
        "without_year": paths("SELECT path FROM documents WHERE year IS NULL ORDER BY path"),
        **scan_notes(conn),
    }


# ----------------------------------------------------------------------------------- runs
