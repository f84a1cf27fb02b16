"""What `litsynth serve` keeps warm between requests: the model, the index, the screening
queues, the likeness of the maybe pairs and the coding suggestions' learner, each loaded once
and reused while it holds."""

from __future__ import annotations

import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from litsynth.biblio import screening_ops as ops
from litsynth.config import SETTINGS_FILE, Project, load_settings
from litsynth.embed import Embedder
from litsynth.embed.index import ChunkIndex
from litsynth.embed.models import query_embedder
from litsynth.errors import LitsynthError
from litsynth.records import TITLE_ABSTRACT
from litsynth.server.learning import Learner
from litsynth.store import backup, opened

T = TypeVar("T")


@dataclass
class Workspace:
    """What the process keeps warm between requests."""

    project: Project
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    embedder: Embedder | None = None
    index: ChunkIndex | None = None
    index_key: tuple[int, int] = (0, 0)  # (mtime_ns, size) of the index file it was read from
    lock: threading.Lock = field(default_factory=threading.Lock)
    queues: dict[tuple[str, str], ops.Queue] = field(default_factory=dict)
    refits: dict[tuple[str, str], threading.Thread] = field(default_factory=dict)
    likeness: dict[tuple[str, str], float] = field(default_factory=dict)  # of maybe pairs
    _loading: threading.Lock = field(default_factory=threading.Lock)
    # work started from the page that the server lets finish when it stops (drawing the report)
    background: list[threading.Thread] = field(default_factory=list)
    learner: Learner = field(init=False)  # suggest runs after coding decisions (learning.py)
    settings_key: tuple[int, int] = (0, 0)  # (mtime_ns, size) of litsynth.toml as last read
    backup_looked: float = 0.0  # time.monotonic() of the last look for a day-old backup
    backup_job: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.learner = Learner(self.project, self.warm_embedder, self.lock)
        self.settings_key = _file_key(self.project.root / SETTINGS_FILE)

    def follow_settings(self, *, written: bool = False) -> None:
        """Take litsynth.toml afresh when it changed since the last request.

        A reviewer who adds a term to mark, an exclusion reason or the criteria in the file
        expects the next page to show it, as the next command would; before, the workspace
        kept what it read at start until `litsynth serve` was restarted. Every screen holds
        this one Project, so they all see the new settings; the screening queues, ranked with
        the old criteria, are built again when [screening] changed. A file that no longer
        reads is the request's error (the page says what is wrong), and the settings stay as
        they were.
        """
        key = _file_key(self.project.root / SETTINGS_FILE)
        if key == (0, 0) or (key == self.settings_key and not written):
            return  # `written`: the workspace wrote it, maybe within the file time's tick
        before = self.project.settings.screening
        self.project.settings = load_settings(self.project.root)
        self.settings_key = key
        if self.project.settings.screening != before:
            self.queues.clear()

    def back_up_daily(self) -> threading.Thread | None:
        """After a write, at most once an hour: when the newest backup is a day old, take one
        in a background thread (a workspace left running for weeks on a team's server is
        backed up every day, not only when it starts). The thread, when one was started."""
        now = time.monotonic()
        if self.backup_looked and now - self.backup_looked < 3600:
            return None
        self.backup_looked = now

        def work() -> None:
            try:
                made = backup.daily_backup(self.project.store_path, datetime.now(UTC))
            except LitsynthError as exc:  # the work goes on; the console says why
                print(f"could not back up the store: {exc.message} ({exc.hint})", file=sys.stderr)
                return
            if made is not None:
                print(f"backed up the store to {made}", file=sys.stderr)

        self.backup_job = threading.Thread(target=work, name="daily-backup", daemon=True)
        self.backup_job.start()
        return self.backup_job

    async def locked(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work` over the store, under the workspace's lock, in a worker thread.

        A request that waits for the lock, or holds it for seconds (the first search loads
        the model, an import parses a few thousand records, a first screening queue ranks
        them), held the event loop with it, and every other request: a static file asked for
        during a first search on a cold model cache waited 6.2 s, and the page froze. The
        loop now serves the others meanwhile; writes still happen one at a time.
        """

        def run() -> T:
            with self.lock, opened(self.project.store_path) as conn:
                return work(conn)

        return await run_in_threadpool(run)

    def refit_later(self, stage: str, reviewer: str) -> None:
        """Refit the reviewer's queue in a background thread with its own store handle, so
        the request for the next record is answered from the current order at once."""
        queue = self.queues.get((stage, reviewer))
        running = self.refits.get((stage, reviewer))
        if queue is None or (running is not None and running.is_alive()):
            return  # a refit under way will read the newest labels when it starts its fit

        def work() -> None:
            with opened(self.project.store_path) as conn:
                queue.refit_now(conn)

        thread = threading.Thread(target=work, name=f"refit-{stage}-{reviewer}", daemon=True)
        self.refits[(stage, reviewer)] = thread
        thread.start()

    def warm_screening(self) -> threading.Thread:
        """Build the project reviewer's title/abstract queue (features and a first order) in
        a background thread, under the lock a request takes: the first record is served as
        soon as the page asks, not after 2-3 s of ranking (2,000 records) or more."""

        def work() -> None:
            reviewer = self.project.settings.project.reviewer
            with self.lock, opened(self.project.store_path) as conn:
                self.queue(conn, TITLE_ABSTRACT, reviewer).pending(conn, refit=False)

        thread = threading.Thread(target=work, name="warm-screening", daemon=True)
        thread.start()
        return thread

    def queue(self, conn: Any, stage: str, reviewer: str) -> ops.Queue:
        """The reviewer's screening queue, kept between requests so the next record never
        waits on its features (about a second for 2,000 records); rebuilt when the records at
        the stage change (an import, a dedupe, a title/abstract include for full text)."""
        ids = ops.candidate_ids(conn, stage)
        queue = self.queues.get((stage, reviewer))
        if queue is None or queue.ids != ids:
            settings = self.project.settings.screening
            queue = ops.Queue(conn, stage=stage, reviewer=reviewer, settings=settings)
            self.queues[(stage, reviewer)] = queue
        return queue

    def warm_embedder(self) -> Embedder:
        """The model, loaded once: a search and a background suggest run may ask together."""
        with self._loading:
            if self.embedder is None:
                s = self.project.settings.embed
                self.embedder = query_embedder(s.embedder, batch_size=s.batch_size)
            return self.embedder

    def warm_index(self, conn: Any) -> ChunkIndex:
        """The index, read again only when an ingest has rewritten it."""
        from litsynth.embed.index import INDEX_FILE
        from litsynth.ingest.indexing import ensure_index

        path = self.project.index_dir / INDEX_FILE
        if self.index is None or _file_key(path) != self.index_key:
            self.index, _ = ensure_index(self.project, conn, self.warm_embedder())
            self.index_key = _file_key(path)
        return self.index


def _file_key(path: Path) -> tuple[int, int]:
    """(mtime_ns, size) of a file the workspace keeps read (the index, litsynth.toml);
    (0, 0) when it is not there."""
    try:
        st = path.stat()
    except OSError:  # gone for a moment while an editor saves it: read it when it is back
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)
