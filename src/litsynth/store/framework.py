"""The framework matrix's summaries (024_framework.sql): a log, the latest per cell stands."""

from __future__ import annotations

import json
import sqlite3

from litsynth.records import CellSummary

_COLUMNS = "rows, row_key, cols, col_key, text, author, at, basis"


def add_summary(conn: sqlite3.Connection, summary: CellSummary) -> bool:
    """Append a summary; False when the very same one (cell, words, author, time) is there."""
    cur = conn.execute(
        f"INSERT OR IGNORE INTO cell_summaries(id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            summary.id, summary.rows, summary.row_key, summary.cols, summary.col_key,
            summary.text, summary.author, summary.at, json.dumps(list(summary.basis)),
        ),
    )  # fmt: skip
    return cur.rowcount > 0


def _summary(row: sqlite3.Row) -> CellSummary:
    basis = json.loads(row["basis"] or "[]")
    return CellSummary(
        rows=row["rows"], row_key=row["row_key"], cols=row["cols"], col_key=row["col_key"],
        text=row["text"], author=row["author"], at=row["at"],
        basis=tuple(str(b) for b in basis) if isinstance(basis, list) else (),
    )  # fmt: skip


def latest_summaries(
    conn: sqlite3.Connection, rows: str | None = None, cols: str | None = None
) -> list[CellSummary]:
    """Each cell's standing summary for this kind of matrix, or every kind's when `rows` and
    `cols` are not given (a cleared one included, as "")."""
    kind = "rows = ? AND cols = ?" if rows is not None and cols is not None else "1"
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM cell_summaries c WHERE {kind} AND seq = ("
        " SELECT MAX(seq) FROM cell_summaries d WHERE d.rows = c.rows AND d.cols = c.cols"
        " AND d.row_key = c.row_key AND d.col_key = c.col_key) ORDER BY seq",
        (rows, cols) if kind != "1" else (),
    )
    return [_summary(row) for row in found]


def summary_history(
    conn: sqlite3.Connection, rows: str, row_key: str, cols: str, col_key: str
) -> list[CellSummary]:
    """Every version of one cell's summary, oldest first."""
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM cell_summaries WHERE rows = ? AND row_key = ? AND cols = ?"
        " AND col_key = ? ORDER BY seq",
        (rows, row_key, cols, col_key),
    )
    return [_summary(row) for row in found]


def summary_kinds(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The kinds of matrix summarised so far: (rows, cols)."""
    found = conn.execute("SELECT DISTINCT rows, cols FROM cell_summaries ORDER BY rows, cols")
    return [(row["rows"], row["cols"]) for row in found]
