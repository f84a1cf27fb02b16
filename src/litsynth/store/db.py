"""Opening the store: WAL, foreign keys, and numbered migrations applied once each.

Migrations are `migrations/NNN_name.sql`, applied in file-name order and recorded by name in
`schema_migrations`, so each stage can own its own file without renumbering the others.
WAL lets a reader (status, search) run while an ingest writes, and survives kill -9: a
transaction either reached the WAL with its commit record or it never happened.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from litsynth.errors import StoreError


@functools.cache
def _migrations() -> list[tuple[str, str]]:
    """The packaged migrations, read once per process (a warm server connects per request)."""
    folder = resources.files("litsynth.store") / "migrations"
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return files


# Migrations were once numbered twice (two 004_); each now has its own number. A store that
# applied one under its former name has applied it: current name -> former name.
FORMER_NAMES = {
    "005_coding_versions.sql": "004_coding_versions.sql",
    "006_review.sql": "005_review.sql",
    "007_analysis.sql": "006_analysis.sql",
    "008_screening_sheets.sql": "007_screening_sheets.sql",
    "009_failure_limits.sql": "008_failure_limits.sql",
}


def _applied(conn: sqlite3.Connection) -> set[str]:
    """Migrations this store has applied, under their current names."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not has_table:
        return set()
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    return done | {new for new, old in FORMER_NAMES.items() if old in done}


def applied_migrations(conn: sqlite3.Connection) -> set[str]:
    """Migrations the store at `conn` has applied (empty for a new store or another program's)."""
    return _applied(conn)


def pending_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations this store has not seen yet (read-only: creates nothing)."""
    done = _applied(conn)
    return [name for name, _ in _migrations() if name not in done]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations this store has not seen yet; returns their names."""
    if not pending_migrations(conn):
        return []
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
    )
    done = _applied(conn)
    applied = []
    for name, sql in _migrations():
        if name in done:
            continue
        try:
            with conn:  # one transaction per migration: all of it or none
                conn.executescript("BEGIN;" + sql + ";")
                conn.execute("INSERT INTO schema_migrations(name) VALUES (?)", (name,))
        except sqlite3.Error as exc:
            # Another connection opening the new store at the same moment (the workspace's
            # request and its background ingest) applied it first: this one's failed copy was
            # rolled back, and the store has it.
            if name in _applied(conn):
                continue
            raise StoreError(
                f"migration {name} failed on this store: {exc}",
                hint="the store may be from a newer litsynth; back it up and upgrade litsynth",
            ) from exc
        applied.append(name)
    return applied


SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_HINT = (
    "restore litsynth.db from a backup with `litsynth restore FILE` (`litsynth backup --list`"
    " names those in backups/); indexes/ and report/ are rebuilt from it, but decisions and"
    " codings live only in the store"
)


def _check_header(path: Path) -> None:
    """A store file that is not SQLite would give a traceback at the first pragma; say so."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            f"cannot read the store {path}: {exc.strerror}", hint="check the file's permissions"
        ) from None
    if head and head != SQLITE_HEADER:
        raise StoreError(
            f"the store {path} is not a SQLite database (its header is damaged or it was"
            " overwritten by another file)",
            hint=RESTORE_HINT,
        )


def is_read_only(path: Path) -> bool:
    """Whether litsynth may not write the store: the file or its folder is not writable."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return True
    return not os.access(folder, os.W_OK)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Read a store in a folder we cannot write: no WAL switch, no migrations, no -shm file.

    `immutable=1` tells SQLite nobody changes the file while we read it, which holds for a
    read-only folder (no litsynth can write it either) and lets it skip the -shm file it
    could not create there.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None)
    conn.row_factory = sqlite3.Row
    pending = pending_migrations(conn)
    if pending:
        conn.close()
        raise StoreError(
            f"the store {path} needs an upgrade ({', '.join(pending)}) but the project folder"
            " is read-only",
            hint="run any litsynth command once on a writable copy of the project",
        )
    return conn


def _write_ahead(conn: sqlite3.Connection) -> None:
    """Switch the store to WAL. Two connections opening a new store at once (the workspace's
    request and its background ingest) contend for the switch, and SQLite says "database is
    locked" at once rather than waiting its busy timeout: a short wait and again."""
    for attempt in range(100):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.05)


def connect(path: Path | str, *, migrate_schema: bool = True) -> sqlite3.Connection:
    """A connection to the store at `path`, created and migrated if needed.

    In a read-only project folder the store is opened read-only: reading commands (status,
    search, prisma) work, and a command that writes gets a clear "read-only" error.
    """
    path = Path(path)
    if path.exists():
        _check_header(path)
    try:
        if is_read_only(path):
            if not path.exists():
                raise StoreError(
                    f"cannot create the store {path}: the project folder is read-only",
                    hint="make the folder writable, or work on a copy of the project",
                )
            return _open_read_only(path)
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            _write_ahead(conn)
        except sqlite3.OperationalError as exc:
            # A read-only mount (or a store file we may not write) that os.access did not
            # see, e.g. for root: fall back to reading.
            if not path.exists() or (
                "readonly" not in str(exc) and "unable to open" not in str(exc)
            ):
                raise
            conn.close()
            return _open_read_only(path)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise StoreError(
                f"the store {path} is not a SQLite database or is damaged ({exc})",
                hint=RESTORE_HINT,
            ) from None
        raise StoreError(
            f"cannot open the store {path}: {exc}",
            hint="check the folder exists and is writable",
        ) from exc
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across crashes of the process
    if migrate_schema:
        _keep_before_upgrade(conn, path)
        migrate(conn)
    return conn


def _keep_before_upgrade(conn: sqlite3.Connection, path: Path) -> None:
    """Before a newer litsynth changes the tables of a store holding work, keep it as it was.

    An upgrade is the one moment litsynth rewrites tables it did not just create; a backup
    taken then (`backups/litsynth-<time>-before-<migration>.db`) lets a user go back to the
    older litsynth with their work. A new store has nothing to keep.
    """
    pending = pending_migrations(conn)
    if not pending or not _applied(conn):
        return
    from litsynth.store.snapshot import FOLDER, backup_name, snapshot

    reason = "before-" + pending[0].removesuffix(".sql").lower()
    kept = snapshot(conn, path.parent / FOLDER / backup_name(datetime.now(UTC), reason))
    sys.stderr.write(
        f"litsynth: upgrading the store ({', '.join(pending)}); as it was before: {kept}\n"
    )


@contextmanager
def opened(path: Path | str) -> Iterator[sqlite3.Connection]:
    """The store for the length of a block, closed after it (the CLI's and pipeline's edge)."""
    conn = connect(path)
    try:
        yield conn
    finally:
        conn.close()


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
