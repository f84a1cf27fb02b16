"""Queries for the report and the pipeline's freshness checks (read-only)."""

from __future__ import annotations

import hashlib
import json
import sqlite3


def documents_overview(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every document with its chunk count, oldest path first."""
    return conn.execute(
        "SELECT d.id, d.path, d.kind, d.title, d.authors, d.year, d.attributes, d.n_pages,"
        " (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS n_chunks"
        " FROM documents d ORDER BY d.path"
    ).fetchall()


def documents_meta(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every document's bibliographic fields (no text), for a reference list entry."""
    return conn.execute(
        "SELECT id, path, kind, title, authors, year, venue, doi FROM documents ORDER BY path"
    ).fetchall()


def file_paths(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every path that holds each document (copies, renamed files not yet pruned)."""
    out: dict[str, list[str]] = {}
    for r in conn.execute("SELECT document_id, path FROM files ORDER BY path"):
        out.setdefault(r[0], []).append(r[1])
    return out


def document_text(conn: sqlite3.Connection, document_id: str) -> str:
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row[0] if row else ""


def chunk_rows(conn: sqlite3.Connection, document_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT id, start, end, page_start, page_end, section, paragraph FROM chunks"
        " WHERE document_id = ? ORDER BY start",
        (document_id,),
    ).fetchall()


def failures(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in conn.execute("SELECT path, reason, detail FROM ingest_failures ORDER BY path")
    ]


def table_count(conn: sqlite3.Connection, table: str) -> int:
    """Rows in `table`, 0 when the stage that owns it has no table in this store."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')", (table,)
    ).fetchone()
    if not exists:
        return 0
    return int(conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])


def coding_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(machine suggestions at or above their code's bar, human codings that stand).

    Not table rows: the suggestions table also keeps each passage's best code below its bar
    (for the review queue), and the codings log keeps rejections and superseded decisions,
    so counting rows gave 224 "suggestions" beside `code suggest`'s 197.
    """
    suggested = 0
    if table_count(conn, "suggestions"):
        suggested = conn.execute(
            "SELECT COUNT(*) FROM suggestions WHERE score >= threshold"
        ).fetchone()[0]
    human = 0
    if table_count(conn, "codings"):
        human = conn.execute(
            "SELECT COUNT(*) FROM latest_codings WHERE status IN ('accepted', 'added')"
        ).fetchone()[0]
    return int(suggested), int(human)


def waiting_suggestions(conn: sqlite3.Connection) -> int:
    """Machine suggestions at or above their code's bar that no person has decided on: what
    an empty matrix of people's codings points the reviewer to. A rejected one waits no more,
    though `coding_counts` still counts it among the suggestions made."""
    if not table_count(conn, "suggestions"):
        return 0
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM suggestions s WHERE s.score >= s.threshold"
            " AND NOT EXISTS (SELECT 1 FROM codings h"
            "                 WHERE h.chunk_id = s.chunk_id AND h.code_id = s.code_id)"
        ).fetchone()[0]
    )


def evidence_keywords(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, ...]]:
    """(chunk, code) → the keywords that matched, from the machine suggestions' evidence."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for chunk_id, code_id, evidence in conn.execute(
        "SELECT chunk_id, code_id, evidence FROM suggestions"
    ):
        words = json.loads(evidence or "{}").get("keywords") or []
        if words:
            out[(chunk_id, code_id)] = tuple(str(w) for w in words)
    return out


def state_digest(conn: sqlite3.Connection, *tables: str) -> str:
    """A digest of the named tables' contents: equal digests mean a derived step is up to date.

    Hashing whole rows is cheap at review scale (a 500-paper review is ~50k chunks, a few MB).
    """
    h = hashlib.sha256()
    for table in tables:
        if not table_count(conn, table):
            h.update(f"{table}:empty".encode())
            continue
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2'):
            h.update(repr(tuple(row)).encode("utf-8"))
    return h.hexdigest()[:16]
