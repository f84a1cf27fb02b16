"""SQL for machine suggestions and codebook versions (human codings live in store/codings.py).

`code suggest` replaces the whole `suggestions` table in one transaction: a machine run is
redone, never merged. The `codings` log (human decisions) is only read here, never written,
so no machine run can overwrite a person's judgement.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from litsynth.records import Suggestion


@dataclass(frozen=True)
class ChunkRow:
    """What the classifier needs of a chunk: its text and where it sits in its document."""

    rowid: int
    id: str
    document_id: str
    ordinal: int
    text: str
    role: str = "body"


def chunks(conn: sqlite3.Connection) -> list[ChunkRow]:
    rows = conn.execute(
        "SELECT rowid, id, document_id, ordinal, text, COALESCE(role, 'body') AS role"
        " FROM chunks ORDER BY document_id, ordinal"
    )
    return [
        ChunkRow(r["rowid"], r["id"], r["document_id"], r["ordinal"], r["text"], r["role"])
        for r in rows
    ]


def human_labels(conn: sqlite3.Connection) -> dict[str, tuple[set[str], set[str]]]:
    """Per chunk: (codes accepted or added, codes rejected), by the latest decision of each
    coder on each (chunk, code, span); a code both accepted and rejected (two coders
    disagreeing) counts as neither."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for row in conn.execute("SELECT chunk_id, code_id, status FROM latest_codings"):
        pos, neg = out.setdefault(row["chunk_id"], (set(), set()))
        (neg if row["status"] == "rejected" else pos).add(row["code_id"])
    for pos, neg in out.values():
        both = pos & neg
        pos -= both
        neg -= both
    return out


def replace_suggestions(
    conn: sqlite3.Connection,
    suggestions: Sequence[Suggestion],
    thresholds: dict[str, float],
    run_id: int | None,
) -> int:
    """Delete every machine suggestion and insert these (call inside a transaction)."""
    conn.execute("DELETE FROM suggestions")
    conn.executemany(
        "INSERT INTO suggestions(chunk_id, code_id, score, threshold, model, codebook_version,"
        " evidence, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.chunk_id,
                s.code_id,
                s.score,
                thresholds[s.code_id],
                s.model,
                s.codebook_version,
                json.dumps(s.evidence, ensure_ascii=False, sort_keys=True),
                run_id,
            )
            for s in suggestions
        ],
    )
    return len(suggestions)


def record_codebook_version(
    conn: sqlite3.Connection, version: str, files: Iterable[str], content: dict[str, Any]
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO codebook_versions(version, files, content) VALUES (?, ?, ?)",
        (version, json.dumps(list(files)), json.dumps(content, ensure_ascii=False, default=list)),
    )


@dataclass(frozen=True)
class StoredSuggestion:
    chunk_id: str
    code_id: str
    score: float
    threshold: float
    model: str
    codebook_version: str
    evidence: dict[str, Any]
    text: str
    document_id: str


def suggestions(
    conn: sqlite3.Connection, *, code: str | None = None, suggested_only: bool = True
) -> list[StoredSuggestion]:
    """Stored suggestions with their chunk text, best first."""
    sql = (
        "SELECT s.*, ch.text, ch.document_id"
        " FROM suggestions s JOIN chunks ch ON ch.id = s.chunk_id"
        " WHERE (? IS NULL OR s.code_id = ?)"
    )
    if suggested_only:
        sql += " AND s.score >= s.threshold"
    sql += " ORDER BY s.score DESC, s.chunk_id, s.code_id"
    return [
        StoredSuggestion(
            r["chunk_id"],
            r["code_id"],
            r["score"],
            r["threshold"],
            r["model"],
            r["codebook_version"],
            json.loads(r["evidence"]),
            r["text"],
            r["document_id"],
        )
        for r in conn.execute(sql, (code, code))
    ]


def undecided_suggestions(conn: sqlite3.Connection) -> list[tuple[str, str, float, float]]:
    """(chunk, code, score, threshold) of suggestions no human has decided on yet."""
    rows = conn.execute(
        "SELECT s.chunk_id, s.code_id, s.score, s.threshold FROM suggestions s"
        " WHERE NOT EXISTS (SELECT 1 FROM codings h"
        "                   WHERE h.chunk_id = s.chunk_id AND h.code_id = s.code_id)"
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]
