"""One consistent copy of the store, whole or not at all: what every backup is made of.

Apart from `backup` so that opening the store (`db`, which keeps a store as it was before an
upgrade) and the backup commands share it without importing each other.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from litsynth.atomic import fsync_file, temp_path
from litsynth.errors import StoreError

FOLDER = "backups"


def backup_name(now: datetime, reason: str = "") -> str:
    """`litsynth-20261207-031500[-reason].db`: sorts by time, no colon (Windows, USB sticks)."""
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"litsynth-{stamp}" + (f"-{reason}" if reason else "") + ".db"


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or with -2, -3 … before `.db` when a backup of that second exists."""
    path = folder / name
    stem = name.removesuffix(".db")
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.db"
        n += 1
    return path


def names_a_file(dest: Path) -> bool:
    """Whether a backup's destination is the file to write (`…/name.db`, not a folder of
    that name) rather than a folder to name one in."""
    return dest.suffix == ".db" and not dest.is_dir()


def snapshot(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the store behind `conn` to `dest` (a file, or a folder to name it in), whole.

    The copy is written beside its final name, taken out of WAL mode, checked with
    `quick_check` and fsynced before the rename: `dest` is the complete backup or absent.
    """
    tmp: Path | None = None
    try:
        if not names_a_file(dest):
            dest.mkdir(parents=True, exist_ok=True)
            dest = free_path(dest, backup_name(datetime.now(UTC)))
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_path(dest.parent, dest.name)
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(copy)  # one step: one consistent read of the store, WAL included
            copy.execute("PRAGMA journal_mode=DELETE")
            quick_check(copy, tmp)
        finally:
            copy.close()
        fsync_file(tmp)
        os.replace(tmp, dest)
    except (OSError, sqlite3.OperationalError) as exc:  # a full disk says so either way
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(
            f"could not write the backup {dest}: {why}",
            hint="make room, or back up to another folder (`litsynth backup --to DIR`); the"
            " store is intact",
        ) from None
    finally:
        for leftover in ("", "-journal", "-wal", "-shm") if tmp is not None else ():
            Path(str(tmp) + leftover).unlink(missing_ok=True)  # SQLite's files of a failed copy
    return dest


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a copy SQLite finds damaged: a backup is only worth keeping if it opens whole
    (`quick_check` reads every page, but not the indexes' agreement with their tables)."""
    verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise StoreError(
            f"the copy {path} failed SQLite's check ({verdict})",
            hint="the store itself may be damaged: run `sqlite3 litsynth.db 'PRAGMA"
            " integrity_check'` and keep your older backups",
        )
