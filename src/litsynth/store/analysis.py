"""SQL for open, axial and selective coding: passages with citations, effective codings, and
the log of relations a reviewer confirmed.

The analysis stages never change codings; they read `effective_codings` (004_coding.sql) —
what each passage is coded with now, human decisions over machine suggestions — and quote
passages with the citation a reader checks ("Phadnis (2023), p. 4").
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from litsynth.citations.labels import work_label
from litsynth.records import Passage
from litsynth.store.passages import all_passages, batches, decode_authors, marks


@dataclass(frozen=True)
class CodedPassage:
    """One (passage, code) pair as coded now; several spans of one pair collapse to one."""

    chunk_id: str
    document_id: str
    code_id: str
    score: float
    origin: str  # "human" | "machine"


def load_passages(conn: sqlite3.Connection) -> list[Passage]:
    """Every chunk with its citation, ordered by chunk id: results never depend on insert order."""
    return all_passages(conn)


def document_labels(conn: sqlite3.Connection) -> dict[str, str]:
    """Short name per document for tables: "Yulianti & Santoso (2025)"."""
    out = {}
    for r in conn.execute("SELECT id, authors, year, title, path FROM documents ORDER BY id"):
        out[r["id"]] = work_label(
            decode_authors(r["authors"]), r["year"], title=r["title"], path=r["path"]
        )
    return out


def document_ids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]


def chunk_offsets(conn: sqlite3.Connection) -> dict[str, tuple[str, int, int]]:
    """chunk id → (document id, start, end) in the document's canonical text."""
    rows = conn.execute("SELECT id, document_id, start, end FROM chunks ORDER BY id")
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def document_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def load_codings(conn: sqlite3.Connection) -> list[CodedPassage]:
    """What every passage is coded with now; per (passage, code) the best score and its origin.

    A human decision outranks a machine suggestion for the same pair (the view already drops
    suggestions a human has decided on; this keeps "human" when both spans exist).
    """
    rows = conn.execute(
        "SELECT chunk_id, document_id, code_id, MAX(score) AS score,"
        " MIN(origin) AS origin"  # 'human' < 'machine': any human span makes the pair human
        " FROM effective_codings GROUP BY chunk_id, document_id, code_id"
        " ORDER BY chunk_id, code_id"
    )
    return [
        CodedPassage(
            r["chunk_id"],
            r["document_id"],
            r["code_id"],
            float(r["score"]),
            r["origin"],
        )
        for r in rows
    ]


def document_texts(conn: sqlite3.Connection, document_ids: Iterable[str]) -> dict[str, str]:
    """Canonical text per document (coding offsets index into it)."""
    ids = list(document_ids)
    out: dict[str, str] = {}
    for part in batches(ids):
        sql = f"SELECT id, text FROM documents WHERE id IN ({marks(len(part))})"
        out.update((r[0], r[1]) for r in conn.execute(sql, part))
    return out


def record_relation_decision(
    conn: sqlite3.Connection,
    *,
    source: str,
    target: str,
    type: str,
    weight: float | None,
    reviewer: str,
    at: str,
    codebook_file: str,
    codebook_version: str,
    evidence: dict[str, Any],
) -> int:
    """Append a confirmed relation to the provenance log; returns its sequence number."""
    cur = conn.execute(
        "INSERT INTO relation_decisions(source, target, type, weight, reviewer, at, codebook_file,"
        " codebook_version, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            source,
            target,
            type,
            weight,
            reviewer,
            at,
            codebook_file,
            codebook_version,
            json.dumps(evidence, ensure_ascii=False, sort_keys=True),
        ),
    )
    return int(cur.lastrowid or 0)


def relation_decisions(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT * FROM relation_decisions ORDER BY seq")
    return [{**dict(r), "evidence": json.loads(r["evidence"])} for r in rows]
