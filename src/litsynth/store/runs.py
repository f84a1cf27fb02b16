"""The `runs` table: one row per stage run with its settings, library versions and summary.

Every stage that records provenance goes through here, and so does everything that reads it
back (`status`, the report's overview, `run`'s freshness check, the applied-inputs log).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from litsynth.store.db import transaction


def start_run(
    conn: sqlite3.Connection, stage: str, settings: Mapping[str, Any], versions: Mapping[str, str]
) -> int:
    """Open a run row (finished_at empty until `finish_run`); returns its id."""
    cur = conn.execute(
        "INSERT INTO runs(stage, settings, versions) VALUES (?, ?, ?)",
        (stage, json.dumps(settings, sort_keys=True), json.dumps(versions, sort_keys=True)),
    )
    return int(cur.lastrowid or 0)


def finish_run(conn: sqlite3.Connection, run_id: int, summary: Mapping[str, Any]) -> None:
    conn.execute(
        "UPDATE runs SET finished_at = datetime('now'), summary = ? WHERE id = ?",
        (json.dumps(summary, sort_keys=True, default=str), run_id),
    )


def log_run(
    conn: sqlite3.Connection,
    stage: str,
    *,
    settings: Mapping[str, object],
    versions: Mapping[str, str],
    summary: Mapping[str, object],
) -> None:
    """A finished run in one row, for a stage that is one transaction anyway (dedupe)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO runs (stage, finished_at, settings, versions, summary)"
            " VALUES (?, datetime('now'), ?, ?, ?)",
            (stage, json.dumps(settings), json.dumps(versions), json.dumps(summary)),
        )


def latest_run(conn: sqlite3.Connection, stage: str) -> dict[str, Any] | None:
    """The last finished run of `stage`: id, started_at, finished_at, settings, versions,
    summary (JSON decoded); None when it never finished."""
    row = conn.execute(
        "SELECT id, started_at, finished_at, settings, versions, summary FROM runs"
        " WHERE stage = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
        (stage,),
    ).fetchone()
    if row is None:
        return None
    return {
        "id": row["id"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        **{k: json.loads(row[k] or "{}") for k in ("settings", "versions", "summary")},
    }


def input_applied(conn: sqlite3.Connection, kind: str, digest: str) -> bool:
    """Whether an input file with this digest was applied before (see litsynth.inputs)."""
    row = conn.execute(
        "SELECT 1 FROM runs WHERE stage = ? AND json_extract(summary, '$.digest') = ? LIMIT 1",
        (f"input:{kind}", digest),
    ).fetchone()
    return row is not None


def mark_input_applied(conn: sqlite3.Connection, kind: str, digest: str, path: str) -> None:
    conn.execute(
        "INSERT INTO runs(stage, finished_at, summary) VALUES (?, datetime('now'), ?)",
        (f"input:{kind}", json.dumps({"digest": digest, "path": path})),
    )
