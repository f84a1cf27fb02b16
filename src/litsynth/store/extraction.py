"""SQL for the extraction log (011_extraction.sql, 019_appraisal.sql): append values, read them.

One log holds both forms a reviewer fills in per included study, data extraction and critical
appraisal; `form` tells them apart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def current_values(
    conn: sqlite3.Connection, form: str = "extraction"
) -> dict[tuple[str, str], str]:
    """(record id, field) -> the latest value written ("" when cleared)."""
    rows = conn.execute(
        "SELECT record_id, field, value FROM extraction_values e WHERE form = ? AND id = ("
        " SELECT MAX(id) FROM extraction_values WHERE form = e.form"
        " AND record_id = e.record_id AND field = e.field)",
        (form,),
    )
    return {(r[0], r[1]): r[2] for r in rows}


def reviewers_values(conn: sqlite3.Connection, form: str) -> dict[tuple[str, str], dict[str, str]]:
    """(record id, field) -> reviewer -> that reviewer's latest value ("" when cleared), in
    the order the reviewers first answered."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for record_id, field, value, reviewer in conn.execute(
        "SELECT record_id, field, value, reviewer FROM extraction_values"
        " WHERE form = ? ORDER BY id",
        (form,),
    ):
        out.setdefault((record_id, field), {})[reviewer] = value
    return out


def append_values(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[str, str, str, str, str, str]],
    form: str = "extraction",
) -> int:
    """Append (record_id, field, value, reviewer, at, source) rows; returns how many."""
    cur = conn.executemany(
        "INSERT INTO extraction_values (record_id, field, value, reviewer, at, source, form)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*row, form) for row in rows],
    )
    return cur.rowcount


def value_log(conn: sqlite3.Connection, form: str) -> list[dict[str, str]]:
    """Every value written on `form`, in the order written: who wrote what, when, from where."""
    rows = conn.execute(
        "SELECT record_id, field, value, reviewer, at, source FROM extraction_values"
        " WHERE form = ? ORDER BY id",
        (form,),
    )
    return [dict(row) for row in rows]
