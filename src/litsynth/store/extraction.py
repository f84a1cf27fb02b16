"""SQL for the data-extraction log (011_extraction.sql): append values, read the latest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def current_values(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(record id, field) -> the latest value written ("" when cleared)."""
    rows = conn.execute(
        "SELECT record_id, field, value FROM extraction_values e WHERE id = ("
        " SELECT MAX(id) FROM extraction_values WHERE record_id = e.record_id"
        " AND field = e.field)"
    )
    return {(r[0], r[1]): r[2] for r in rows}


def append_values(
    conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str, str, str]]
) -> int:
    """Append (record_id, field, value, reviewer, at, source) rows; returns how many."""
    cur = conn.executemany(
        "INSERT INTO extraction_values (record_id, field, value, reviewer, at, source)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        list(rows),
    )
    return cur.rowcount
