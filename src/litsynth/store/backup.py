"""Backups of the store: a consistent copy taken while others write, and putting one back.

`litsynth.db` holds months of human work (decisions, codings, memos) and runs in WAL mode, so
while the workspace or an ingest has it open, recent commits live in `litsynth.db-wal`: a file
copy of `litsynth.db` alone (a sync folder, a `cp`, a git commit) can miss them or catch a
page half-written. SQLite's online backup copies the database as one read transaction sees it,
WAL included, without stopping the writers; the copy is switched out of WAL mode so that it is
one self-contained file, checked, and renamed into place only when whole.

Putting a backup back goes through SQLite too (a backup in the other direction, into the open
store): a file rename under a running workspace would leave its WAL frames to be replayed onto
the wrong database. The store's state before is itself kept as a backup first.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from litsynth.errors import StoreError
from litsynth.store.db import _migrations, applied_migrations, is_read_only, opened
from litsynth.store.report import table_count
from litsynth.store.snapshot import FOLDER, backup_name, free_path, quick_check, snapshot

__all__ = ["FOLDER", "backup_name", "snapshot"]

_NAME = re.compile(r"^litsynth-(\d{8})-(\d{6})(?:-([a-z][a-z0-9_.-]*?))?(?:-\d+)?\.db$")

# What a backup holds, in the words `litsynth backup --list` uses: (table, label).
HOLDINGS = (
    ("records", "records"),
    ("decisions", "screening decisions"),
    ("codings", "coding decisions"),
    ("memos", "memos"),
    ("extraction_values", "extraction and appraisal entries"),
    ("relation_decisions", "relation decisions"),
    ("cell_summaries", "framework summaries"),
    ("documents", "documents"),
    ("chunks", "passages"),
)


@dataclass(frozen=True)
class Backup:
    """One backup file: where, when (UTC, from its name), why, how big, what it holds."""

    path: Path
    made_at: datetime
    reason: str  # "" for a backup asked for; "before-restore", "before-021_x" otherwise
    size: int
    holds: dict[str, int]

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "made_at": self.made_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": self.reason,
            "bytes": self.size,
            "holds": self.holds,
        }


def holdings(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows of each table of human work (and the documents), 0 where a table is absent."""
    return {table: table_count(conn, table) for table, _ in HOLDINGS}


def holds_work(conn: sqlite3.Connection) -> bool:
    """Whether the store holds anything a person did (records imported count): what is worth
    a backup. Stops at the first table with a row, and never counts the passages."""
    return any(table_count(conn, table) for table in HUMAN_WORK)


def open_backup(path: Path) -> sqlite3.Connection:
    """A backup opened read-only, after checking it is a whole litsynth store this litsynth
    can read (not a newer litsynth's, not another program's database, not damaged)."""
    if not path.is_file():
        raise StoreError(f"no file at {path}", hint="`litsynth backup --list` names the backups")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        quick_check(conn, path)
        done = applied_migrations(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{path} is not a SQLite database or is damaged ({exc})",
            hint="choose another backup (`litsynth backup --list`)",
        ) from None
    if not done:
        conn.close()
        raise StoreError(
            f"{path} is a SQLite database but not a litsynth store", hint="choose a litsynth backup"
        )
    unknown = sorted(done - {name for name, _ in _migrations()})
    if unknown:
        conn.close()
        raise StoreError(
            f"{path} was written by a newer litsynth (it has {', '.join(unknown)})",
            hint="upgrade litsynth before restoring it",
        )
    return conn


def describe(path: Path) -> Backup:
    """A backup file's time, reason, size and holdings (its name gives the time and reason)."""
    conn = open_backup(path)
    try:
        holds = holdings(conn)
    finally:
        conn.close()
    made, reason = _named(path) or (datetime.fromtimestamp(path.stat().st_mtime, UTC), "")
    return Backup(path, made, reason, path.stat().st_size, holds)


def _named(path: Path) -> tuple[datetime, str] | None:
    """(when, why) from a name litsynth gave a backup; None for any other file."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    made = datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return made, match[3] or ""


def _reason(path: Path) -> str:
    """What a backup was made for, from its name ("" for one asked for)."""
    named = _named(path)
    return named[1] if named else ""


def listed(folder: Path) -> list[Path]:
    """The backups litsynth named in `folder`, oldest first (other files are not ours)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _NAME.match(p.name) and p.is_file())


def latest(folder: Path) -> tuple[int, datetime | None]:
    """How many backups `folder` holds and when the newest was made (from names: no opening)."""
    paths = listed(folder)
    newest = _named(paths[-1]) if paths else None
    return len(paths), newest[0] if newest else None


def prune(folder: Path, keep: int, reason: str | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups litsynth named in `folder` (only those made
    for `reason` when one is given: the daily ones never crowd out a backup asked for)."""
    ours = [p for p in listed(folder) if reason is None or _reason(p) == reason]
    old = ours[: max(0, len(ours) - keep)]
    for path in old:
        path.unlink()
    return old


DAILY = "auto"
DAILY_KEEP = 7
HUMAN_WORK = ("records", "decisions", "codings", "memos", "extraction_values", "cell_summaries")


def daily(
    conn: sqlite3.Connection, folder: Path, now: datetime, keep: int = DAILY_KEEP
) -> Path | None:
    """A backup when the newest in `folder` is a day old or there is none, and the store holds
    human work; the newest `keep` daily ones are kept. Returns the new backup, if one was made.

    A reviewer who never thinks of backups still has last week's store when a disk sector or
    a sync client eats litsynth.db.
    """
    _, newest = latest(folder)
    if newest is not None and (now - newest).total_seconds() < 86_400:
        return None
    if not holds_work(conn):
        return None
    made = snapshot(conn, free_path(folder, backup_name(now, DAILY)))
    prune(folder, keep, DAILY)
    return made


def daily_backup(store: Path, now: datetime) -> Path | None:
    """`daily` for the store at `store`, into backups/ beside it, as the workspace takes it
    (at its start and after writes); nothing for a store not made yet or in a read-only
    project, where nothing can change. Raises StoreError when the copy cannot be written."""
    if not store.exists() or is_read_only(store):
        return None
    with opened(store) as conn:
        return daily(conn, store.parent / FOLDER, now)


def backup_status(conn: sqlite3.Connection, folder: Path) -> dict[str, object]:
    """How many backups `folder` holds, when the newest was made, and whether the store holds
    human work (so `status` can say there is no backup of it)."""
    n, newest = latest(folder)
    return {
        "folder": str(folder),
        "count": n,
        "newest": newest.strftime("%Y-%m-%dT%H:%M:%SZ") if newest else None,
        "holds_work": holds_work(conn),
    }


def set_aside(store: Path, now: datetime) -> Path:
    """Move a store SQLite cannot open (and its -wal and -shm) into backups/ as `…-damaged.db`,
    for whoever wants to rescue what it still holds; restore then starts from a new store."""
    folder = store.parent / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    kept = free_path(folder, backup_name(now, "damaged"))
    os.replace(store, kept)
    for suffix in ("-wal", "-shm"):
        side = Path(str(store) + suffix)
        if side.exists():
            os.replace(side, Path(str(kept) + suffix))
    return kept


def put_back(conn: sqlite3.Connection, backup: sqlite3.Connection) -> None:
    """Overwrite the open store behind `conn` with `backup`, through SQLite's own locking.

    The store stays in WAL mode (the copy overwrites pages, not the journal setting's effect
    on readers), and any migration the backup predates is applied by the caller's next open.
    """
    backup.backup(conn)
    conn.execute("PRAGMA journal_mode=WAL")
