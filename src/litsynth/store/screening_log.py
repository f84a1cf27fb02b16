"""SQL for screening: the append-only decision log, the exclusion reasons, PRISMA's inputs.

Records themselves belong to the biblio store (`store.biblio`, table `records`); this module
only reads them for what screening and PRISMA need (`screening_records`, `prisma_records`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from litsynth.records import Decision
from litsynth.store.db import transaction


def seed_reasons(conn: sqlite3.Connection, reasons: Iterable[str]) -> None:
    """Put litsynth.toml's reasons into the project's list (once; the toml is never rewritten)."""
    with transaction(conn):
        conn.executemany(
            "INSERT OR IGNORE INTO exclusion_reasons(reason, origin) VALUES (?, 'settings')",
            [(r,) for r in reasons if r.strip()],
        )


def reasons(conn: sqlite3.Connection) -> list[str]:
    """The project's exclusion reasons, in the order they were added."""
    return [r[0] for r in conn.execute("SELECT reason FROM exclusion_reasons ORDER BY rowid")]


def add_reasons(conn: sqlite3.Connection, new: Iterable[str], origin: str, added_from: str) -> None:
    with transaction(conn):
        insert_reasons(conn, new, origin, added_from)


def insert_reasons(
    conn: sqlite3.Connection, new: Iterable[str], origin: str, added_from: str
) -> None:
    """add_reasons inside the caller's transaction."""
    conn.executemany(
        "INSERT OR IGNORE INTO exclusion_reasons(reason, origin, added_from) VALUES (?, ?, ?)",
        [(r, origin, added_from) for r in new],
    )


def append(conn: sqlite3.Connection, decisions: Sequence[Decision]) -> int:
    """Append decisions to the log in one transaction (all or none); returns how many."""
    with transaction(conn):
        insert_decisions(conn, decisions)
    return len(decisions)


def sheet_imported(conn: sqlite3.Connection, digest: str) -> sqlite3.Row | None:
    """The earlier import of a sheet with this digest (bytes + stage + reviewer), if any."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM screening_sheets WHERE digest = ?", (digest,)
    ).fetchone()
    return row


def mark_sheet_imported(
    conn: sqlite3.Connection, digest: str, *, stage: str, reviewer: str, path: str, n: int
) -> None:
    """Record a sheet as imported, inside the transaction that appended its decisions."""
    conn.execute(
        "INSERT INTO screening_sheets(digest, stage, reviewer, path, n_decisions)"
        " VALUES (?, ?, ?, ?, ?)",
        (digest, stage, reviewer, path, n),
    )


def insert_decisions(conn: sqlite3.Connection, decisions: Sequence[Decision]) -> None:
    """Append decisions inside the caller's transaction."""
    conn.executemany(
        "INSERT INTO decisions(record_id, stage, decision, reviewer, at, reason, note, origin,"
        " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                d.record_id,
                d.stage,
                d.decision,
                d.reviewer,
                d.at,
                d.reason,
                d.note,
                d.origin,
                d.source,
            )
            for d in decisions
        ],
    )


def log(
    conn: sqlite3.Connection, stage: str | None = None, records: Iterable[str] | None = None
) -> list[Decision]:
    """The whole log (or one stage's part, or some records' part) in the order it was
    written. One record's part is read through the index on record_id: a decision checked
    against its record's history need not read the review's."""
    sql = "SELECT * FROM decisions WHERE 1"
    args: tuple[str, ...] = ()
    if stage:
        sql += " AND stage = ?"
        args = (stage,)
    if records is not None:
        sql += " AND record_id IN (SELECT value FROM json_each(?))"
        args = (*args, json.dumps(sorted(set(records))))
    return [
        Decision(
            record_id=r["record_id"],
            stage=r["stage"],
            decision=r["decision"],
            reviewer=r["reviewer"],
            at=r["at"],
            reason=r["reason"],
            note=r["note"],
            origin=r["origin"],
            source=r["source"],
        )
        for r in conn.execute(sql + " ORDER BY seq", args)
    ]


@dataclass(frozen=True)
class PrismaRecord:
    """What PRISMA needs of one imported record."""

    id: str
    source: str
    duplicate_of: str | None


def prisma_records(conn: sqlite3.Connection) -> list[PrismaRecord]:
    """Every imported record (duplicates included) with its source and root."""
    return [
        PrismaRecord(r["id"], r["source"], r["duplicate_of"])
        for r in conn.execute("SELECT id, source, duplicate_of FROM records ORDER BY rowid")
    ]


def is_root(conn: sqlite3.Connection, record_id: str) -> bool:
    """Whether the record is its duplicate group's root (or alone): only roots are screened."""
    row = conn.execute("SELECT duplicate_of FROM records WHERE id = ?", (record_id,)).fetchone()
    return row is not None and not row[0]


def record_ids(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM records")}


# ---- the pilot round (biblio/screening_pilot.py) --------------------------------------------


def pilot_ids(conn: sqlite3.Connection, stage: str) -> list[str]:
    """The pilot's records at `stage`, in the order they are shown; [] when none was drawn."""
    rows = conn.execute(
        "SELECT record_id FROM pilot_records WHERE stage = ? ORDER BY position", (stage,)
    )
    return [r[0] for r in rows]


def add_pilot(conn: sqlite3.Connection, stage: str, ids: Sequence[str], at: str) -> None:
    with transaction(conn):
        conn.executemany(
            "INSERT INTO pilot_records(stage, record_id, position, added_at) VALUES (?, ?, ?, ?)",
            [(stage, rid, i, at) for i, rid in enumerate(ids)],
        )


def clear_pilot(conn: sqlite3.Connection, stage: str) -> int:
    with transaction(conn):
        return conn.execute("DELETE FROM pilot_records WHERE stage = ?", (stage,)).rowcount
