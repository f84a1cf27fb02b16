"""The project's writer lock: one `ingest` (or `run`) at a time; readers never take it.

Two ingests on one project both did the work and left the index stale (the last writer's index
won). SQLite serialises each transaction, but the FAISS index is a file rewritten at the end of
a run, so the unit to serialise is the whole run. `flock` on a file in the project is released
by the kernel when the process dies, kill -9 included, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from litsynth.errors import StoreError

LOCK_FILE = ".litsynth-write.lock"


@contextlib.contextmanager
def writer_lock(root: Path, command: str, *, wait: bool = False) -> Iterator[None]:
    """Hold the project's writer lock for the block, or raise StoreError naming the holder.

    In a read-only project no lock can be taken, and none is needed: nothing can write there.
    """
    path = root / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        if os.access(root, os.W_OK):
            raise
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            raise StoreError(
                f"another litsynth {holder or 'writer'} is running on this project",
                hint="wait for it to finish and run this command again (reading commands such"
                " as search and status work meanwhile)",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{command} (pid {os.getpid()})".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
