"""Opening the store: WAL, foreign keys, and numbered migrations applied once each.

Migrations are `migrations/NNN_name.sql`, applied in file-name order and recorded by name in
`schema_migrations`, so each stage can own its own file without renumbering the others.
WAL lets a reader (status, search) run while an ingest writes, and survives kill -9: a
transaction either reached the WAL with its commit record or it never happened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from litsynth.errors import StoreError


def _migrations() -> list[tuple[str, str]]:
    folder = resources.files("litsynth.store") / "migrations"
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return files


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations this store has not seen yet; returns their names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    applied = []
    for name, sql in _migrations():
        if name in done:
            continue
        try:
            with conn:  # one transaction per migration: all of it or none
                conn.executescript("BEGIN;" + sql + ";")
                conn.execute("INSERT INTO schema_migrations(name) VALUES (?)", (name,))
        except sqlite3.Error as exc:
            raise StoreError(
                f"migration {name} failed on this store: {exc}",
                hint="the store may be from a newer litsynth; back it up and upgrade litsynth",
            ) from exc
        applied.append(name)
    return applied


def connect(path: Path | str, *, migrate_schema: bool = True) -> sqlite3.Connection:
    """A connection to the store at `path`, created and migrated if needed."""
    path = Path(path)
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(
            f"cannot open the store {path}: {exc}",
            hint="check the folder exists and is writable",
        ) from exc
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across crashes of the process
    if migrate_schema:
        migrate(conn)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (the unit of crash safety)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
